import { describeDifferential, type Step } from '../support/differential.js';

/** A far-future unix time in seconds, so EXPIRETIME replies are exact on both servers. */
const FAR = 4000000000;

describeDifferential('generic key commands', (t) => {
  t.sequence('DEL, UNLINK and EXISTS count each argument', [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['EXISTS', 'a', 'a', 'b', 'nope'],
    ['DEL', 'a', 'a', 'nope'],
    ['UNLINK', 'b', 'c', 'b'],
    ['EXISTS', 'a', 'b', 'c'],
    ['DEL'],
    ['UNLINK'],
    ['EXISTS'],
  ]);

  t.sequence('TYPE of every kind and of a missing key', [
    ['SET', 's', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['SADD', 'set', 'm'],
    ['TYPE', 's'],
    ['TYPE', 'h'],
    ['TYPE', 'set'],
    ['TYPE', 'missing'],
    ['TYPE'],
    ['TYPE', 'a', 'b'],
  ]);

  t.sequence('TOUCH counts existing keys', [['MSET', 'a', '1', 'b', '2'], ['TOUCH', 'a', 'b', 'a', 'c'], ['TOUCH']]);

  t.sequence('RENAME and RENAMENX', [
    ['RENAME', 'missing', 'x'],
    ['RENAMENX', 'missing', 'x'],
    ['RENAME', 'missing', 'missing'],
    ['SET', 'a', '1'],
    ['RENAME', 'a', 'a'],
    ['RENAMENX', 'a', 'a'],
    ['RENAME', 'a', 'b'],
    ['EXISTS', 'a'],
    ['GET', 'b'],
    ['SET', 'c', '3'],
    ['RENAMENX', 'b', 'c'],
    ['RENAME', 'b', 'c'],
    ['GET', 'c'],
    ['RENAMENX', 'c', 'd'],
    ['GET', 'd'],
    ['RENAME', 'd'],
    ['RENAME', 'd', 'e', 'f'],
  ]);

  t.sequence('RENAME carries the deadline and drops the destination one', [
    ['SET', 'src', 'v', 'EX', '100'],
    ['SET', 'dst', 'w', 'EX', '200'],
    ['RENAME', 'src', 'dst'],
    ['TTL', 'dst'],
    ['SET', 'plain', 'x'],
    ['RENAME', 'plain', 'dst'],
    ['TTL', 'dst'],
  ]);

  t.sequence('RENAME of a collection', [
    ['HSET', 'h', 'f1', 'v1', 'f2', 'v2'],
    ['RENAME', 'h', 'h2'],
    { cmd: ['HGETALL', 'h2'], match: 'unordered' },
    ['TYPE', 'h'],
  ]);

  t.sequence('COPY within and across databases', [
    ['SET', 'a', 'hello', 'EX', '100'],
    ['COPY', 'a', 'b'],
    ['GET', 'b'],
    ['TTL', 'b'],
    ['COPY', 'a', 'b'],
    ['SET', 'a', 'changed'],
    ['COPY', 'a', 'b', 'REPLACE'],
    ['GET', 'b'],
    ['TTL', 'b'],
    ['COPY', 'a', 'a'],
    ['COPY', 'a', 'a', 'DB', '9'],
    ['COPY', 'a', 'a', 'DB', '10'],
    ['COPY', 'a', 'a', 'db', '10'],
    ['SELECT', '10'],
    ['GET', 'a'],
    ['DEL', 'a'],
    ['SELECT', '9'],
    ['COPY', 'missing', 'x'],
    ['COPY', 'missing', 'missing'],
  ]);

  t.sequence('COPY argument errors', [
    ['SET', 'a', '1'],
    ['COPY', 'a', 'b', 'DB'],
    ['COPY', 'a', 'b', 'DB', 'x'],
    ['COPY', 'a', 'b', 'DB', '-1'],
    ['COPY', 'a', 'b', 'DB', '16'],
    ['COPY', 'a', 'b', 'DB', '99999999999'],
    ['COPY', 'a', 'b', 'REPLACE', 'NOPE'],
    ['COPY', 'a', 'b', 'REPLACE', 'REPLACE'],
    ['COPY', 'a'],
  ]);

  t.sequence('COPY of hashes and sets is deep', [
    ['HSET', 'h', 'f', 'v'],
    ['COPY', 'h', 'h2'],
    ['HSET', 'h', 'f', 'changed'],
    ['HGET', 'h2', 'f'],
    ['SADD', 's', 'a', 'b'],
    ['COPY', 's', 's2'],
    ['SREM', 's', 'a'],
    { cmd: ['SMEMBERS', 's2'], match: 'unordered' },
    ['OBJECT', 'ENCODING', 's2'],
  ]);

  t.sequence('MOVE', [
    ['SET', 'a', '1', 'EX', '100'],
    ['MOVE', 'a', '9'],
    ['MOVE', 'a', '16'],
    ['MOVE', 'a', '-1'],
    ['MOVE', 'a', 'x'],
    ['MOVE', 'missing', '10'],
    ['MOVE', 'missing', '9'],
    ['MOVE', 'a', '10'],
    ['EXISTS', 'a'],
    ['SET', 'a', 'again'],
    ['SELECT', '10'],
    ['TTL', 'a'],
    ['MOVE', 'a', '9'],
    ['GET', 'a'],
    ['DEL', 'a'],
    ['SELECT', '9'],
    ['MOVE', 'a'],
  ]);

  t.sequence('KEYS with patterns', [
    ['MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'hllo', '4', 'heeeello', '5', 'a*b', '6', '', '7'],
    { cmd: ['KEYS', '*'], match: 'unordered' },
    { cmd: ['KEYS', 'h?llo'], match: 'unordered' },
    { cmd: ['KEYS', 'h*llo'], match: 'unordered' },
    { cmd: ['KEYS', 'h[ae]llo'], match: 'unordered' },
    { cmd: ['KEYS', 'h[^e]llo'], match: 'unordered' },
    { cmd: ['KEYS', 'h[a-b]llo'], match: 'unordered' },
    { cmd: ['KEYS', 'a\\*b'], match: 'unordered' },
    { cmd: ['KEYS', '**'], match: 'unordered' },
    ['KEYS', 'nomatch*'],
    ['KEYS'],
  ]);

  t.sequence('KEYS and EXISTS skip stale keys', [
    ['SET', 'live', '1'],
    ['SET', 'stale', '1', 'PX', '1'],
    { sleep: 20 },
    ['KEYS', '*'],
    ['EXISTS', 'stale'],
    ['KEYS', '*'],
  ]);

  t.sequence('SCAN small databases in one call', [
    ['MSET', 'k1', '1', 'k2', '2', 'k3', '3', 'other', '4'],
    ['HSET', 'h', 'f', 'v'],
    ['SADD', 'kset', 'm'],
    { cmd: ['SCAN', '0'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'MATCH', 'k*', 'COUNT', '100'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'TYPE', 'string'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'TYPE', 'STRING', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'TYPE', 'hash'], match: 'unordered' },
    { cmd: ['SCAN', '0', 'type', 'set'], match: 'unordered' },
    ['SCAN', '0', 'TYPE', 'nosuchtype'],
    ['SCAN', '0', 'MATCH', 'nomatch'],
    { cmd: ['SCAN', '', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '+0', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '-0', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '000', 'MATCH', 'k*'], match: 'unordered' },
    { cmd: ['SCAN', '18446744073709551616'], match: 'exact' },
  ]);

  t.sequence('SCAN argument errors', [
    ['SET', 'a', '1'],
    ['SCAN', 'abc'],
    ['SCAN', ' 0'],
    ['SCAN', '0 '],
    ['SCAN', '1.5'],
    ['SCAN', '+'],
    ['SCAN', '-'],
    ['SCAN', '0', 'COUNT'],
    ['SCAN', '0', 'COUNT', '0'],
    ['SCAN', '0', 'COUNT', '-1'],
    ['SCAN', '0', 'COUNT', 'abc'],
    ['SCAN', '0', 'COUNT', '99999999999999999999'],
    ['SCAN', '0', 'MATCH'],
    ['SCAN', '0', 'TYPE'],
    ['SCAN', '0', 'NOPE', 'x'],
    ['SCAN', '0', 'COUNT', '0', 'NOPE'],
    ['SCAN'],
  ]);

  t.sequence('SCAN on an empty database', [['SCAN', '0'], ['SCAN', '12345'], ['SCAN', '-1'], ['SCAN', '0', 'MATCH', '*', 'COUNT', '5']]);

  t.sequence('SCAN leaves out stale keys', [
    ['SET', 'live', '1'],
    ['SET', 'stale', '1', 'PX', '1'],
    { sleep: 20 },
    ['SCAN', '0'],
    ['SCAN', '0', 'TYPE', 'string'],
    ['DBSIZE'],
  ]);

  t.sequence('RANDOMKEY', [
    ['RANDOMKEY'],
    ['SET', 'only', '1'],
    ['RANDOMKEY'],
    ['DEL', 'only'],
    ['SET', 'x', '1', 'PX', '1'],
    ['SET', 'y', '1', 'PX', '1'],
    { sleep: 20 },
    ['RANDOMKEY'],
    ['RANDOMKEY', 'extra'],
  ]);

  t.sequence('EXPIRE, TTL and PERSIST', [
    ['SET', 'k', 'v'],
    ['TTL', 'k'],
    ['PTTL', 'k'],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['TTL', 'missing'],
    ['PTTL', 'missing'],
    ['EXPIRETIME', 'missing'],
    ['PEXPIRETIME', 'missing'],
    ['EXPIRE', 'k', '100'],
    ['TTL', 'k'],
    { cmd: ['PTTL', 'k'], match: 'shape' },
    ['PEXPIRE', 'k', '200000'],
    ['TTL', 'k'],
    ['EXPIREAT', 'k', String(FAR)],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', String(FAR * 1000 + 123)],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['PERSIST', 'k'],
    ['PERSIST', 'k'],
    ['PERSIST', 'missing'],
    ['TTL', 'k'],
    ['EXPIRE', 'missing', '100'],
    ['EXPIRE', 'k'],
    ['TTL'],
    ['PERSIST'],
  ]);

  t.sequence('EXPIRE in the past deletes the key', [
    ['SET', 'a', '1'],
    ['EXPIRE', 'a', '-1'],
    ['EXISTS', 'a'],
    ['SET', 'b', '1'],
    ['PEXPIREAT', 'b', '1'],
    ['EXISTS', 'b'],
    ['SET', 'c', '1'],
    ['EXPIREAT', 'c', '0'],
    ['EXISTS', 'c'],
    ['SET', 'd', '1'],
    ['PEXPIRE', 'd', '0'],
    ['EXISTS', 'd'],
    ['EXPIRE', 'd', '-100'],
  ]);

  t.sequence('EXPIRE argument errors and overflow', [
    ['SET', 'foo', 'bar'],
    ['EXPIRE', 'foo', ''],
    ['EXPIRE', 'foo', 'abc'],
    ['EXPIRE', 'foo', '1.5'],
    ['EXPIRE', 'foo', '9223370399119966'],
    ['EXPIRE', 'foo', '9223372036854776'],
    ['EXPIRE', 'foo', '10000000000000000'],
    ['EXPIRE', 'foo', '18446744073709561'],
    ['EXPIRE', 'foo', '-9223372036854776'],
    ['EXPIRE', 'foo', '-9999999999999999'],
    ['EXPIREAT', 'foo', '9223372036854776'],
    ['PEXPIRE', 'foo', '9223372036854770000'],
    ['PEXPIRE', 'foo', '9223372036854775808'],
    ['TTL', 'foo'],
    ['PEXPIREAT', 'foo', '9223372036854770000'],
    ['PEXPIRETIME', 'foo'],
    ['PEXPIREAT', 'foo', '-9223372036854770000'],
    ['TTL', 'foo'],
    ['EXPIRE', 'missing', '9223372036854776'],
  ]);

  const conditionSteps = (option: string, ttlBefore: string | null, newTtl: string): Step[] => [
    ['DEL', 'k'],
    ttlBefore === null ? ['SET', 'k', 'v'] : ['SET', 'k', 'v', 'EX', ttlBefore],
    // An equal TTL set later is a later deadline, for GT and LT, once the clock has moved on (on both servers alike).
    ...(ttlBefore === newTtl ? [{ sleep: 2 }] : []),
    ['EXPIRE', 'k', newTtl, option],
    ['TTL', 'k'],
  ];
  t.sequence('EXPIRE with NX, XX, GT and LT', [
    ...conditionSteps('NX', '100', '200'),
    ...conditionSteps('NX', null, '200'),
    ...conditionSteps('XX', '100', '200'),
    ...conditionSteps('XX', null, '200'),
    ...conditionSteps('GT', '100', '200'),
    ...conditionSteps('GT', '200', '100'),
    ...conditionSteps('GT', '100', '100'),
    ...conditionSteps('GT', null, '200'),
    ...conditionSteps('LT', '100', '200'),
    ...conditionSteps('LT', '200', '100'),
    ...conditionSteps('LT', null, '100'),
    ...conditionSteps('lt', null, '-1'),
    ['SET', 'k', 'v', 'EX', '100'],
    ['EXPIRE', 'k', '50', 'LT', 'XX'],
    ['TTL', 'k'],
    ['PERSIST', 'k'],
    ['EXPIRE', 'k', '50', 'XX', 'LT'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', '50', 'GT', 'GT'],
    ['EXPIRE', 'missing', '50', 'NX'],
  ]);

  t.sequence('EXPIRE option errors', [
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '100', 'LT', 'GT'],
    ['EXPIRE', 'k', '100', 'NX', 'GT'],
    ['EXPIRE', 'k', '100', 'NX', 'LT'],
    ['EXPIRE', 'k', '100', 'NX', 'XX'],
    ['EXPIRE', 'k', '100', 'XX', 'NX'],
    ['EXPIRE', 'k', '100', 'AB'],
    ['EXPIRE', 'k', '100', 'XX', 'AB'],
    ['EXPIRE', 'k', 'abc', 'AB'],
    ['EXPIRE', 'k', 'abc', 'NX', 'XX'],
    ['PEXPIREAT', 'k', '100', 'GT', 'LT'],
    ['TTL', 'k'],
  ]);

  t.sequence('lazy expiry on access', [
    ['SET', 'k', 'v', 'PX', '10'],
    ['HSET', 'h', 'f', 'v'],
    ['PEXPIRE', 'h', '10'],
    { sleep: 30 },
    ['GET', 'k'],
    ['TTL', 'k'],
    ['TYPE', 'h'],
    ['EXPIRE', 'h', '100'],
    ['PERSIST', 'k'],
    ['RENAME', 'k', 'k2'],
    ['EXISTS', 'k', 'h'],
  ]);

  t.sequence('OBJECT ENCODING, REFCOUNT, FREQ and HELP', [
    ['SET', 'int', '12345'],
    ['SET', 'big', '123456789012'],
    ['SET', 'shared', '100'],
    ['SET', 'embstr', 'hello'],
    ['SET', 'raw', 'x'.repeat(45)],
    ['HSET', 'h', 'f', 'v'],
    ['SADD', 'intset', '1', '2'],
    ['SADD', 'strset', 'a', 'b'],
    ['OBJECT', 'ENCODING', 'int'],
    ['OBJECT', 'ENCODING', 'big'],
    ['OBJECT', 'ENCODING', 'embstr'],
    ['OBJECT', 'ENCODING', 'raw'],
    ['OBJECT', 'encoding', 'h'],
    ['OBJECT', 'ENCODING', 'intset'],
    ['OBJECT', 'ENCODING', 'strset'],
    ['OBJECT', 'ENCODING', 'missing'],
    ['OBJECT', 'REFCOUNT', 'shared'],
    ['OBJECT', 'REFCOUNT', 'int'],
    ['OBJECT', 'REFCOUNT', 'embstr'],
    ['OBJECT', 'REFCOUNT', 'h'],
    ['OBJECT', 'REFCOUNT', 'missing'],
    ['OBJECT', 'IDLETIME', 'missing'],
    { cmd: ['OBJECT', 'IDLETIME', 'embstr'], match: 'shape' },
    ['OBJECT', 'FREQ', 'embstr'],
    ['OBJECT', 'FREQ', 'missing'],
    ['OBJECT', 'HELP'],
    ['OBJECT', 'help'],
    ['OBJECT', 'HELP', 'extra'],
    ['OBJECT', 'NOPE', 'k'],
    ['OBJECT', 'ENCODING'],
    ['OBJECT', 'ENCODING', 'a', 'b'],
    ['OBJECT'],
  ]);

  t.sequence('generic commands inside MULTI', [
    ['SET', 'a', '1'],
    ['MULTI'],
    ['RENAME', 'a', 'b'],
    ['EXPIRE', 'b', '100'],
    ['TTL', 'b'],
    ['RENAME', 'missing', 'c'],
    ['EXISTS', 'a', 'b'],
    ['EXEC'],
  ]);
});
