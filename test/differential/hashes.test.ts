import { describeDifferential, type Step } from '../support/differential.js';

const unordered = (...cmd: string[]): Step => ({ cmd, match: 'unordered' });
const shape = (...cmd: string[]): Step => ({ cmd, match: 'shape' });

/** 600 field/value pairs: past hash-max-listpack-entries (512). */
const manyPairs = Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat();

describeDifferential('hashes', (t) => {
  t.sequence('HSET, HGET, HMGET and the listpack order of HGETALL/HKEYS/HVALS', [
    ['HSET', 'h', 'b', '2', 'a', '1', 'c', '3'],
    ['HSET', 'h', 'a', 'one', 'd', '4'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'zz'],
    ['HGET', 'missing', 'a'],
    ['HMGET', 'h', 'a', 'zz', 'd'],
    ['HMGET', 'missing', 'a', 'b'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HLEN', 'h'],
    ['HGETALL', 'missing'],
    ['HKEYS', 'missing'],
    ['HVALS', 'missing'],
    ['HLEN', 'missing'],
    ['OBJECT', 'ENCODING', 'h'],
  ]);

  t.sequence('binary-safe fields and values', [
    ['HSET', 'h', 'f\r\n\0', 'v\0\xff', '', 'empty field'],
    ['HGET', 'h', 'f\r\n\0'],
    ['HGET', 'h', ''],
    ['HGETALL', 'h'],
    ['HSTRLEN', 'h', 'f\r\n\0'],
  ]);

  t.sequence('HSET/HMSET argument count errors', [
    ['HSET', 'h', 'f'],
    ['HSET', 'h', 'f', 'v', 'g'],
    ['HMSET', 'h', 'f'],
    ['HMSET', 'h', 'f', 'v', 'g'],
    ['HMSET', 'h', 'f', 'v', 'g', 'w'],
    ['HGETALL', 'h'],
    ['EXISTS', 'nothing'],
  ]);

  t.sequence('HSETNX', [
    ['HSETNX', 'h', 'a', '1'],
    ['HSETNX', 'h', 'a', '2'],
    ['HSETNX', 'h', 'b', '3'],
    ['HGETALL', 'h'],
  ]);

  t.sequence('HDEL, HEXISTS, HSTRLEN and deleting an emptied hash', [
    ['HSET', 'h', 'a', '1', 'b', '22', 'c', '333'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'x'],
    ['HEXISTS', 'missing', 'a'],
    ['HSTRLEN', 'h', 'c'],
    ['HSTRLEN', 'h', 'x'],
    ['HSTRLEN', 'missing', 'x'],
    ['HDEL', 'h', 'a', 'x', 'a'],
    ['HDEL', 'missing', 'a'],
    ['HDEL', 'h', 'b', 'c', 'b'],
    ['EXISTS', 'h'],
    ['HLEN', 'h'],
  ]);

  t.sequence('HINCRBY', [
    ['HINCRBY', 'h', 'n', '5'],
    ['HINCRBY', 'h', 'n', '-7'],
    ['HSET', 'h', 'big', '9223372036854775806', 'small', '-9223372036854775807', 'text', 'abc', 'sp', ' 1', 'f', '1.5'],
    ['HINCRBY', 'h', 'big', '1'],
    ['HINCRBY', 'h', 'big', '1'],
    ['HINCRBY', 'h', 'small', '-1'],
    ['HINCRBY', 'h', 'small', '-1'],
    ['HINCRBY', 'h', 'text', '1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'f', '1'],
    ['HINCRBY', 'h', 'n', 'x'],
    ['HINCRBY', 'h', 'n', '1.0'],
    ['HINCRBY', 'h', 'n', '9223372036854775808'],
    ['HINCRBY', 'h2', 'n', '-9223372036854775808'],
    ['HGETALL', 'h'],
    ['HGETALL', 'h2'],
    // Past 2^53, where a double is no longer exact.
    ['HSET', 'h3', 'safe', '9007199254740991', 'zeros', '007', 'negzero', '-0'],
    ['HINCRBY', 'h3', 'safe', '1'],
    ['HINCRBY', 'h3', 'safe', '1'],
    ['HINCRBY', 'h3', 'safe', '-3'],
    ['HINCRBY', 'h3', 'new', '9007199254740993'],
    ['HINCRBY', 'h3', 'new', '-9007199254740993'],
    ['HINCRBY', 'h3', 'zeros', '1'],
    ['HINCRBY', 'h3', 'negzero', '1'],
    ['HGETALL', 'h3'],
  ]);

  t.sequence('HINCRBYFLOAT', [
    ['HINCRBYFLOAT', 'h', 'x', '10.5'],
    ['HINCRBYFLOAT', 'h', 'x', '0.1'],
    ['HINCRBYFLOAT', 'h', 'x', '-5'],
    ['HINCRBYFLOAT', 'h', 'y', '1.23'],
    ['HINCRBYFLOAT', 'h', 'y', '0.77'],
    ['HINCRBYFLOAT', 'h', 'y', '-0.1'],
    ['HINCRBYFLOAT', 'h', 'z', '5.0e3'],
    ['HINCRBYFLOAT', 'h', 'z', '2.0e2'],
    ['HINCRBYFLOAT', 'h', 'z', '-5200'],
    ['HINCRBYFLOAT', 'h', 'w', '1e-20'],
    ['HINCRBYFLOAT', 'h', 'i', '3'],
    ['HSET', 'h', 'text', 'abc', 'sp', '1 ', 'inf', 'inf', 'nul', '1\x002'],
    ['HINCRBYFLOAT', 'h', 'text', '1'],
    ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'inf', '1'],
    ['HINCRBYFLOAT', 'h', 'nul', '1'],
    ['HINCRBYFLOAT', 'h', 'x', 'abc'],
    ['HINCRBYFLOAT', 'h', 'x', '+inf'],
    ['HINCRBYFLOAT', 'h', 'x', 'nan'],
    ['HINCRBYFLOAT', 'h', 'x', ''],
    ['HINCRBYFLOAT', 'h', 'x', '1.7e308'],
    ['HINCRBYFLOAT', 'h', 'x', '1e4932'],
    ['HINCRBYFLOAT', 'fresh', 'f', 'inf'],
    ['EXISTS', 'fresh'],
    // The 4933-byte value made it a hashtable.
    unordered('HGETALL', 'h'),
  ]);

  t.sequence('WRONGTYPE on a string key', [
    ['SET', 's', 'v'],
    ['HSET', 's', 'f', 'v'],
    ['HMSET', 's', 'f', 'v'],
    ['HSETNX', 's', 'f', 'v'],
    ['HGET', 's', 'f'],
    ['HMGET', 's', 'f'],
    ['HGETALL', 's'],
    ['HKEYS', 's'],
    ['HVALS', 's'],
    ['HLEN', 's'],
    ['HEXISTS', 's', 'f'],
    ['HSTRLEN', 's', 'f'],
    ['HDEL', 's', 'f'],
    ['HINCRBY', 's', 'f', '1'],
    ['HINCRBY', 's', 'f', 'x'],
    ['HINCRBYFLOAT', 's', 'f', '1'],
    ['HINCRBYFLOAT', 's', 'f', 'x'],
    ['HRANDFIELD', 's'],
    ['HRANDFIELD', 's', '2'],
    ['HRANDFIELD', 's', 'x'],
    ['HSCAN', 's', '0'],
    ['HSCAN', 's', 'x'],
    ['GET', 's'],
  ]);

  t.sequence('arity errors', [['HGET', 'h'], ['HLEN'], ['HDEL', 'h'], ['HMGET', 'h'], ['HINCRBY', 'h', 'f'], ['HRANDFIELD'], ['HSCAN', 'h'], ['HSETNX', 'h', 'f']]);

  t.sequence('a big hash converts to hashtable', [
    ['HSET', 'h', ...manyPairs.slice(0, 1024)],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', ...manyPairs.slice(1024)],
    ['OBJECT', 'ENCODING', 'h'],
    ['HLEN', 'h'],
    ['HGET', 'h', 'f550'],
    ['HMGET', 'h', 'f0', 'f599', 'nope'],
    unordered('HGETALL', 'h'),
    unordered('HKEYS', 'h'),
    unordered('HVALS', 'h'),
    ['HDEL', 'h', ...manyPairs.filter((_, i) => i % 2 === 0).slice(0, 590)],
    ['OBJECT', 'ENCODING', 'h'],
    unordered('HGETALL', 'h'),
  ]);

  t.sequence('encoding thresholds follow the config', [
    ['HSET', 'at', ...manyPairs.slice(0, 1024)],
    ['OBJECT', 'ENCODING', 'at'],
    ['HSET', 'at', 'one', 'more'],
    ['OBJECT', 'ENCODING', 'at'],
    ['HSET', 'v64', 'f', 'x'.repeat(64)],
    ['OBJECT', 'ENCODING', 'v64'],
    ['HSET', 'v65', 'f', 'x'.repeat(65)],
    ['OBJECT', 'ENCODING', 'v65'],
    ['HSET', 'f65', 'x'.repeat(65), 'v'],
    ['OBJECT', 'ENCODING', 'f65'],
    ['HSETNX', 'nx', 'x'.repeat(65), 'v'],
    ['OBJECT', 'ENCODING', 'nx'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '8'],
    ['HINCRBYFLOAT', 'small', 'tmp', '0.000005'],
    ['OBJECT', 'ENCODING', 'small'],
    ['HINCRBYFLOAT', 'big', 'tmp', '0.0000005'],
    ['OBJECT', 'ENCODING', 'big'],
    ['HINCRBY', 'int', 'f', '1234567890'],
    ['OBJECT', 'ENCODING', 'int'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
    ['HSET', 'e', 'a', '1', 'b', '2'],
    ['OBJECT', 'ENCODING', 'e'],
    ['HSET', 'e', 'c', '3'],
    ['OBJECT', 'ENCODING', 'e'],
    ['HDEL', 'e', 'a', 'b'],
    ['OBJECT', 'ENCODING', 'e'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
  ]);

  t.sequence('HRANDFIELD without count and errors', [
    ['HRANDFIELD', 'missing'],
    ['HSET', 'one', 'only', 'value'],
    ['HRANDFIELD', 'one'],
    ['HRANDFIELD', 'one', '1'],
    ['HRANDFIELD', 'one', '-1', 'WITHVALUES'],
    ['HRANDFIELD', 'one', 'x'],
    ['HRANDFIELD', 'one', '1.5'],
    ['HRANDFIELD', 'one', '1', 'WITHVALUE'],
    ['HRANDFIELD', 'one', '1', 'WITHVALUES', 'extra'],
    ['HRANDFIELD', 'one', 'x', 'bogus'],
    ['HRANDFIELD', 'one', '-9223372036854775808'],
    ['HRANDFIELD', 'one', '-9223372036854775808', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '-9223372036854770000', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '9223372036854775807'],
    ['HRANDFIELD', 'one', '0'],
    ['HRANDFIELD', 'one', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'missing', '5'],
    ['HRANDFIELD', 'missing', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'missing', '0'],
  ]);

  t.sequence('HRANDFIELD with a count', [
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
    // The whole listpack, in Redis's order.
    ['HRANDFIELD', 'h', '5'],
    ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
    shape('HRANDFIELD', 'h', '3'),
    shape('HRANDFIELD', 'h', '3', 'WITHVALUES'),
    shape('HRANDFIELD', 'h', '-12'),
    shape('HRANDFIELD', 'h', '-12', 'withvalues'),
    shape('HRANDFIELD', 'h', '1', 'WITHVALUES'),
    ['HSET', 'big', ...manyPairs],
    unordered('HRANDFIELD', 'big', '600', 'WITHVALUES'),
    shape('HRANDFIELD', 'big', '450'),
    shape('HRANDFIELD', 'big', '10', 'WITHVALUES'),
    shape('HRANDFIELD', 'big', '-700', 'WITHVALUES'),
  ]);

  t.sequence('HSCAN', [
    ['HSCAN', 'missing', '0'],
    ['HSCAN', 'missing', 'abc'],
    ['HSCAN', 'missing', '0', 'COUNT', '0'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'k1', '3', 'k2', '4'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '12345'],
    ['HSCAN', 'h', '0', 'MATCH', 'k*'],
    ['HSCAN', 'h', '0', 'MATCH', '*', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'MATCH'],
    ['HSCAN', 'h', '0', 'TYPE', 'string'],
    ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '1x'],
  ]);

  t.sequence('HSET keeps the TTL, emptying deletes the key with it', [
    ['HSET', 'h', 'a', '1'],
    ['EXPIRE', 'h', '100'],
    ['HSET', 'h', 'b', '2'],
    ['TTL', 'h'],
    ['HDEL', 'h', 'a', 'b'],
    ['HSET', 'h', 'c', '3'],
    ['TTL', 'h'],
  ]);

  t.sequence('inside MULTI', [
    ['MULTI'],
    ['HSET', 'h', 'a', '1'],
    ['HINCRBY', 'h', 'a', '2'],
    ['HINCRBYFLOAT', 'h', 'a', '0.5'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'odd'],
    ['EXEC'],
    ['MULTI'],
    ['HSET', 'h', 'odd', 'v', 'x'],
    ['HGET', 'h', 'a'],
    ['EXEC'],
  ]);
});
