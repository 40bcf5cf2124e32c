import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential, type Step } from '../support/differential.js';
import { Generator } from '../support/prng.js';
import { RawClient } from '../support/raw-client.js';
import { RespError } from '../support/resp.js';
import { startKeyhive } from '../support/servers.js';
import { stringEncoding } from '../../src/commands/strings.js';

const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';

/** Integers in [0, n) from a seeded PRNG, so generated sequences are the same on every run. */
function seededInts(seed: number): (n: number) => number {
  const generator = new Generator(seed);
  return (n) => generator.int(n);
}

describeDifferential('strings', (t) => {
  t.sequence('GET and SET', [
    ['GET', 'k'],
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['SET', 'k', ''],
    ['GET', 'k'],
    ['SET', 'bin', Buffer.from([0, 255, 13, 10, 128, 0])],
    ['GET', 'bin'],
    ['SET', 'n', '12345'],
    ['GET', 'n'],
    ['HSET', 'h', 'f', 'v'],
    ['GET', 'h'],
    ['SET', 'h', 'replaced'],
    ['GET', 'h'],
    ['GET'],
    ['GET', 'a', 'b'],
    ['SET', 'k'],
  ]);

  // Keyhive keeps a key and a short string value (1,020 bytes together) as one record of bytes, overwritten in place while its 8-byte slot size holds (store/records.ts).
  t.sequence('strings about the size of a record, and values that change slot size', [
    ['SET', 'all-bytes', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
    ['GET', 'all-bytes'],
    ['SET', 'edge', 'e'.repeat(1020 - 'edge'.length)],
    ['GET', 'edge'],
    ['STRLEN', 'edge'],
    ['APPEND', 'edge', 'x'],
    ['GETRANGE', 'edge', '1010', '-1'],
    ['SET', 'edge', 'short'],
    ['GET', 'edge'],
    ['SET', 'past', 'p'.repeat(1021 - 'past'.length)],
    ['GET', 'past'],
    ['SET', 'grow', 'a'],
    ['SET', 'grow', 'abcdefgh'],
    ['SET', 'grow', 'a'.repeat(300)],
    ['SET', 'grow', 'b'],
    ['MGET', 'grow', 'edge', 'past', 'missing', 'all-bytes'],
    ['SETRANGE', 'grow', '3', 'xyz'],
    ['GET', 'grow'],
    ['SET', 'ttl', 'v', 'EX', '100'],
    ['SET', 'ttl', 'w', 'XX', 'KEEPTTL'],
    ['TTL', 'ttl'],
    ['GET', 'ttl'],
    ['PERSIST', 'ttl'],
    ['TTL', 'ttl'],
    ['SET', 'ttl', 'x'.repeat(2000), 'EX', '100'],
    ['GET', 'ttl'],
    ['SET', 'ttl', 'y', 'NX'],
    ['RENAME', 'ttl', 'renamed'],
    ['TTL', 'renamed'],
    ['GET', 'renamed'],
    ['INCR', 'grow'],
    ['SET', 'grow', '41'],
    ['INCR', 'grow'],
    ['GET', 'grow'],
    ['DEL', 'edge', 'all-bytes'],
    ['EXISTS', 'edge', 'past', 'all-bytes'],
  ]);

  t.sequence('SET NX, XX and GET', [
    ['SET', 'k', '1', 'NX'],
    ['SET', 'k', '2', 'NX'],
    ['GET', 'k'],
    ['SET', 'missing', '1', 'XX'],
    ['SET', 'k', '3', 'XX'],
    ['GET', 'k'],
    ['SET', 'k', '4', 'GET'],
    ['SET', 'new', 'a', 'GET'],
    ['SET', 'k', '5', 'GET', 'XX'],
    ['SET', 'absent', '5', 'GET', 'XX'],
    ['GET', 'absent'],
    ['SET', 'k', '6', 'GET', 'NX'],
    ['GET', 'k'],
    ['SET', 'fresh', '7', 'NX', 'GET'],
    ['SET', 'k', '8', 'nx', 'nx'],
    ['SET', 'k', '9', 'get', 'GeT'],
    ['SET', 'k', '10', 'xX'],
    ['HSET', 'h', 'f', 'v'],
    ['SET', 'h', 'x', 'GET'],
    ['HGET', 'h', 'f'],
    ['SET', 'h', 'x', 'NX', 'GET'],
    ['SET', 'k', '11', Buffer.from('xx\0trailing', 'latin1')],
    ['GET', 'k'],
    // Option names: prefixes, extensions and near-letters are no option.
    ['SET', 'k', '12', 'E', '100'],
    ['SET', 'k', '13', 'EXA', '100'],
    ['SET', 'k', '14', 'EXATX', '100'],
    ['SET', 'k', '15', 'N@'],
    ['SET', 'k', '16', Buffer.from('Px\0', 'latin1'), '100000'],
    ['SET', 'k', '17', 'kEePtTl'],
    ['GETEX', 'k', 'PERSISTS'],
    ['GETEX', 'k', 'pErSiSt'],
    ['GET', 'k'],
  ]);

  t.sequence('SET syntax errors', [
    ['SET', 'k', 'v', 'NOPE'],
    ['SET', 'k', 'v', 'NX', 'XX'],
    ['SET', 'k', 'v', 'XX', 'NX'],
    ['SET', 'k', 'v', 'EX'],
    ['SET', 'k', 'v', 'PX'],
    ['SET', 'k', 'v', 'EX', '10', 'PX', '10'],
    ['SET', 'k', 'v', 'EXAT', '10', 'PXAT', '10'],
    ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
    ['SET', 'k', 'v', 'KEEPTTL', 'PX', '10'],
    ['SET', 'k', 'v', 'PERSIST'],
    ['SET', 'k', 'v', 'NX', 'XX', 'EX', 'abc'],
    ['SET', 'k', 'v', 'EX', 'abc', 'NOPE'],
    ['SET', 'k', 'v', 'EX', '10', 'EX', '20'],
    ['SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL'],
    ['SET', 'k', 'v', ''],
    ['GET', 'k'],
  ]);

  t.sequence('SET expire argument errors', [
    ['SET', 'k', 'v', 'EX', '0'],
    ['SET', 'k', 'v', 'EX', '-1'],
    ['SET', 'k', 'v', 'EX', 'abc'],
    ['SET', 'k', 'v', 'EX', '1.5'],
    ['SET', 'k', 'v', 'EX', ' 10'],
    ['SET', 'k', 'v', 'PX', '0'],
    ['SET', 'k', 'v', 'EXAT', '0'],
    ['SET', 'k', 'v', 'PXAT', '-5'],
    ['SET', 'k', 'v', 'EX', INT64_MAX],
    ['SET', 'k', 'v', 'EX', '9223372036854775'],
    ['SET', 'k', 'v', 'EX', '9223372036854776'],
    ['SET', 'k', 'v', 'PX', INT64_MAX],
    ['SET', 'k', 'v', 'PX', '9223372036854775000'],
    ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
    ['SET', 'k', 'v', 'EXAT', '9223372036854776'],
    ['SET', 'k', 'v', 'PX', '9223372036854775808'],
    ['GET', 'k'],
    ['SET', 'k', 'v', 'PXAT', INT64_MAX],
    ['GET', 'k'],
    ['SET', 'k', 'w', 'EX', '9223372036854'],
    ['GET', 'k'],
    ['HSET', 'h', 'f', 'v'],
    ['SET', 'h', 'v', 'GET', 'EX', '-1'],
    ['SET', 'h', 'v', 'GET', 'EX', '100'],
  ]);

  t.sequence('SET with expiry: past deadlines, KEEPTTL and plain SET', [
    ['SET', 'past', 'v', 'PXAT', '1'],
    ['GET', 'past'],
    ['SET', 'past', 'v', 'EXAT', '1'],
    ['GET', 'past'],
    ['SET', 'short', 'v', 'PX', '1'],
    { sleep: 20 },
    ['GET', 'short'],
    ['SET', 'short', 'again', 'NX'],
    ['GET', 'short'],
    ['SET', 'kept', 'v', 'PX', '300'],
    ['SET', 'kept', 'w', 'KEEPTTL'],
    ['SET', 'dropped', 'v', 'PX', '300'],
    ['SET', 'dropped', 'w'],
    ['SET', 'long', 'v', 'EX', '100000'],
    ['SET', 'long', 'w', 'XX', 'KEEPTTL', 'GET'],
    { sleep: 600 },
    ['GET', 'kept'],
    ['GET', 'dropped'],
    ['GET', 'long'],
  ]);

  t.sequence('SETNX, SETEX, PSETEX', [
    ['SETNX', 'k', 'a'],
    ['SETNX', 'k', 'b'],
    ['GET', 'k'],
    ['SETEX', 'k', '100', 'c'],
    ['GET', 'k'],
    ['SETEX', 'k', '0', 'c'],
    ['SETEX', 'k', '-10', 'c'],
    ['SETEX', 'k', 'ten', 'c'],
    ['SETEX', 'k', INT64_MAX, 'c'],
    ['PSETEX', 'k', '0', 'c'],
    ['PSETEX', 'k', 'x', 'c'],
    ['PSETEX', 'k', INT64_MAX, 'c'],
    ['PSETEX', 'p', '1', 'd'],
    ['SETEX', 's', '1000', 'e'],
    { sleep: 20 },
    ['GET', 'p'],
    ['GET', 's'],
    ['HSET', 'h', 'f', 'v'],
    ['SETNX', 'h', 'x'],
    ['SETEX', 'h', '10', 'x'],
    ['GET', 'h'],
    ['SETNX', 'k'],
    ['SETEX', 'k', '10'],
    ['PSETEX', 'k', '10', 'v', 'x'],
  ]);

  t.sequence('GETSET and GETDEL', [
    ['GETSET', 'k', 'a'],
    ['GETSET', 'k', 'b'],
    ['GET', 'k'],
    ['SET', 'ttl', 'v', 'PX', '300'],
    ['GETSET', 'ttl', 'w'],
    { sleep: 600 },
    ['GET', 'ttl'],
    ['HSET', 'h', 'f', 'v'],
    ['GETSET', 'h', 'x'],
    ['GETDEL', 'k'],
    ['GETDEL', 'k'],
    ['GET', 'k'],
    ['GETDEL', 'h'],
    ['HGET', 'h', 'f'],
    ['GETDEL'],
    ['GETSET', 'k'],
  ]);

  t.sequence('GETEX options', [
    ['GETEX', 'missing'],
    ['GETEX', 'missing', 'EX', 'abc'],
    ['GETEX', 'missing', 'EX', '-1'],
    ['SET', 'k', 'v'],
    ['GETEX', 'k'],
    ['GETEX', 'k', 'EX', '100'],
    ['GETEX', 'k', 'PX', '100000'],
    ['GETEX', 'k', 'EXAT', '99999999999'],
    ['GETEX', 'k', 'PXAT', '99999999999999'],
    ['GETEX', 'k', 'PERSIST'],
    ['GETEX', 'k', 'persist', 'PERSIST'],
    ['GETEX', 'k', 'EX', '0'],
    ['GETEX', 'k', 'EX', 'abc'],
    ['GETEX', 'k', 'PX', '-5'],
    ['GETEX', 'k', 'EX', INT64_MAX],
    ['GETEX', 'k', 'EXAT', '9223372036854776'],
    ['GETEX', 'k', 'NX'],
    ['GETEX', 'k', 'KEEPTTL'],
    ['GETEX', 'k', 'GET'],
    ['GETEX', 'k', 'PERSIST', 'EX', '10'],
    ['GETEX', 'k', 'EX', '10', 'PERSIST'],
    ['GETEX', 'k', 'EX', '10', 'PX', '10'],
    ['GETEX', 'k', 'EX'],
    ['GETEX', 'k', 'EX', '10', 'EX', '20'],
    ['HSET', 'h', 'f', 'v'],
    ['GETEX', 'h'],
    ['GETEX', 'h', 'EX', 'abc'],
    ['GETEX'],
  ]);

  t.sequence('GETEX deadlines take effect', [
    ['SET', 'past', 'v'],
    ['GETEX', 'past', 'PXAT', '1'],
    ['GET', 'past'],
    ['SET', 'past', 'v'],
    ['GETEX', 'past', 'EXAT', '1'],
    ['GET', 'past'],
    ['SET', 'short', 'v'],
    ['GETEX', 'short', 'PX', '1'],
    ['SET', 'persisted', 'v', 'PX', '300'],
    ['GETEX', 'persisted', 'PERSIST'],
    ['SET', 'plain', 'v', 'PX', '300'],
    ['GETEX', 'plain'],
    { sleep: 600 },
    ['GET', 'short'],
    ['GET', 'persisted'],
    ['GET', 'plain'],
  ]);

  t.sequence('MGET, MSET, MSETNX', [
    ['MSET', 'a', '1', 'b', Buffer.from([0, 1, 2]), 'c', ''],
    ['MGET', 'a', 'b', 'c', 'missing'],
    ['HSET', 'h', 'f', 'v'],
    ['MGET', 'h', 'a'],
    ['MGET', 'missing'],
    ['MSET', 'a', '1', 'b'],
    ['MSET', 'a'],
    ['MSETNX', 'a', '1', 'b'],
    ['MSETNX', 'x', '1', 'a', '2'],
    ['MGET', 'x', 'a'],
    ['MSETNX', 'x', '1', 'y', '2'],
    ['MGET', 'x', 'y'],
    ['MSETNX', 'z', 'first', 'z', 'second'],
    ['GET', 'z'],
    ['MSET', 'z', 'first', 'z', 'second'],
    ['GET', 'z'],
    ['MSET', 'h', 'now-a-string'],
    ['GET', 'h'],
    ['MGET'],
  ]);

  t.sequence('MSET with odd arguments inside MULTI', [['MULTI'], ['MSET', 'a', '1', 'b'], ['MSETNX', 'a', '1', 'b'], ['SET', 'a', '1'], ['EXEC'], ['GET', 'a']]);

  t.sequence('APPEND and STRLEN', [
    ['STRLEN', 'k'],
    ['APPEND', 'k', 'hello'],
    ['APPEND', 'k', ' world'],
    ['GET', 'k'],
    ['STRLEN', 'k'],
    ['APPEND', 'k', ''],
    ['APPEND', 'empty', ''],
    ['GET', 'empty'],
    ['APPEND', 'bin', Buffer.from([0, 255])],
    ['APPEND', 'bin', Buffer.from([13, 10])],
    ['GET', 'bin'],
    ['STRLEN', 'bin'],
    ['SET', 'n', '-555'],
    ['STRLEN', 'n'],
    ['APPEND', 'n', '1'],
    ['INCR', 'n'],
    ['HSET', 'h', 'f', 'v'],
    ['APPEND', 'h', 'x'],
    ['STRLEN', 'h'],
    ['APPEND', 'k'],
    ['STRLEN'],
  ]);

  t.sequence('APPEND keeps the deadline', [['SET', 'k', 'v', 'PX', '300'], ['APPEND', 'k', 'w'], { sleep: 600 }, ['GET', 'k']]);

  t.sequence('SETRANGE', [
    ['SETRANGE', 'k', '0', 'foo'],
    ['GET', 'k'],
    ['SETRANGE', 'k', '0', 'b'],
    ['GET', 'k'],
    ['SETRANGE', 'k', '1', 'b'],
    ['SETRANGE', 'k', '6', 'bar'],
    ['GET', 'k'],
    ['SETRANGE', 'k', '2', ''],
    ['SETRANGE', 'k', '9999999999', ''],
    ['SETRANGE', 'missing', '0', ''],
    ['SETRANGE', 'missing', '99999999999', ''],
    ['GET', 'missing'],
    ['SETRANGE', 'pad', '3', 'x'],
    ['GET', 'pad'],
    ['SET', 'n', '1234'],
    ['SETRANGE', 'n', '0', '2'],
    ['GET', 'n'],
    ['SETRANGE', 'n', '5', '2'],
    ['GET', 'n'],
    ['SETRANGE', 'k', '-1', 'x'],
    ['SETRANGE', 'k', 'abc', 'x'],
    ['SETRANGE', 'k', '1.5', 'x'],
    ['SETRANGE', 'k', String(512 * 1024 * 1024 - 4), 'world'],
    ['SETRANGE', 'missing', String(512 * 1024 * 1024 - 4), 'world'],
    ['SETRANGE', 'missing', INT64_MAX, 'A'],
    ['SETRANGE', 'missing', '2147483647', 'A'],
    ['SETRANGE', 'missing', '9223372036854775808', 'A'],
    ['HSET', 'h', 'f', 'v'],
    ['SETRANGE', 'h', '0', 'x'],
    ['SETRANGE', 'h', '0', ''],
    ['SETRANGE', 'h', '-1', 'x'],
    ['SETRANGE', 'k', '0'],
  ]);

  t.sequence('SETRANGE keeps the deadline', [['SET', 'k', 'v', 'PX', '300'], ['SETRANGE', 'k', '1', 'w'], { sleep: 600 }, ['GET', 'k']]);

  t.sequence('GETRANGE and SUBSTR', [
    ['GETRANGE', 'missing', '0', '-1'],
    ['SET', 'k', 'Hello World'],
    ['GETRANGE', 'k', '0', '3'],
    ['GETRANGE', 'k', '0', '-1'],
    ['GETRANGE', 'k', '-4', '-1'],
    ['GETRANGE', 'k', '5', '3'],
    ['GETRANGE', 'k', '5', '5000'],
    ['GETRANGE', 'k', '-5000', '10000'],
    ['GETRANGE', 'k', '-1', '-5'],
    ['GETRANGE', 'k', '-100', '-50'],
    ['GETRANGE', 'k', '11', '20'],
    ['GETRANGE', 'k', '0', '4294967297'],
    ['GETRANGE', 'k', INT64_MIN, INT64_MAX],
    ['GETRANGE', 'k', '-9223372036854775807', INT64_MIN],
    ['GETRANGE', 'k', INT64_MIN, '-9223372036854775807'],
    ['GETRANGE', 'k', INT64_MAX, INT64_MAX],
    ['GETRANGE', 'k', 'a', '1'],
    ['GETRANGE', 'k', '1', '9223372036854775808'],
    ['SUBSTR', 'k', '1', '3'],
    ['SUBSTR', 'k', '-3', '-1'],
    ['SET', 'empty', ''],
    ['GETRANGE', 'empty', '0', '-1'],
    ['GETRANGE', 'empty', '0', '0'],
    ['SET', 'n', '1234'],
    ['GETRANGE', 'n', '-3', '-1'],
    ['SET', 'bin', Buffer.from([0, 1, 255, 13, 10])],
    ['GETRANGE', 'bin', '1', '-2'],
    ['HSET', 'h', 'f', 'v'],
    ['GETRANGE', 'h', '0', '-1'],
    ['GETRANGE', 'h', 'x', '-1'],
    ['GETRANGE', 'k', '0'],
  ]);

  const rand = seededInts(1844);
  const text = Buffer.from(Array.from({ length: 200 }, () => rand(256)));
  const ranges: Step[] = [['SET', 'bin', text]];
  for (let i = 0; i < 100; i++) ranges.push(['GETRANGE', 'bin', rand(600) - 300, rand(600) - 300]);
  t.sequence('GETRANGE with random offsets', ranges);

  t.sequence('INCR, DECR, INCRBY, DECRBY', [
    ['INCR', 'k'],
    ['INCR', 'k'],
    ['DECR', 'k'],
    ['DECR', 'new'],
    ['INCRBY', 'k', '100'],
    ['INCRBY', 'k', '-1000'],
    ['DECRBY', 'k', '-5'],
    ['DECRBY', 'k', '5'],
    ['GET', 'k'],
    ['SET', 'big', '17179869184'],
    ['INCRBY', 'big', '17179869184'],
    ['DECRBY', 'big', '34359738369'],
    ['SET', 'exact', '9007199254740993'],
    ['INCR', 'exact'],
    ['INCRBY', 'exact', '9007199254740993'],
    ['DECRBY', 'exact', '-1'],
    ['INCRBY', 'new2', '9007199254740993'],
    ['INCRBY', 'new3', INT64_MIN],
    ['SET', 'max', INT64_MAX],
    ['INCR', 'max'],
    ['INCRBY', 'max', '0'],
    ['DECR', 'max'],
    ['INCRBY', 'max', '1'],
    ['SET', 'min', INT64_MIN],
    ['DECR', 'min'],
    ['INCRBY', 'min', '-1'],
    ['INCRBY', 'min', INT64_MAX],
    ['SET', 'near', '-9223372036854775807'],
    ['DECR', 'near'],
    ['DECR', 'near'],
    ['SET', 'x', '0'],
    ['DECRBY', 'x', INT64_MIN],
    ['DECRBY', 'x', '-9223372036854775807'],
    ['INCRBY', 'x', '1'],
    ['INCRBY', 'x', '9223372036854775808'],
    ['INCRBY', 'x', 'abc'],
    ['INCRBY', 'x', '1.0'],
    ['INCRBY', 'x', ''],
    ['INCRBY', 'x', '+1'],
    ['INCRBY', 'x', '01'],
    ['INCRBY', 'x', '-0'],
  ]);

  // A counter below zero is kept as a number too, beside keys whose short values are records.
  t.sequence('counters below zero read as the strings they stand for', [
    ['SET', 'below zero', '5'],
    ['SET', 'neighbour', 'a short value'],
    ['DECRBY', 'below zero', '10'],
    ['GET', 'below zero'],
    ['OBJECT', 'ENCODING', 'below zero'],
    ['STRLEN', 'below zero'],
    ['GETRANGE', 'below zero', '0', '0'],
    ['INCRBY', 'below zero', '-2147483650'],
    ['GET', 'below zero'],
    ['MGET', 'below zero', 'neighbour'],
    ['APPEND', 'below zero', '7'],
    ['GET', 'below zero'],
    ['DECR', 'fresh'],
    ['DECR', 'fresh'],
    ['INCRBY', 'fresh', '2'],
    ['GET', 'fresh'],
    ['EXISTS', 'below zero', 'neighbour', 'fresh'],
    ['GET', 'neighbour'],
  ]);

  t.sequence('INCR against values that are not integers', [
    ['SET', 'k', '    11'],
    ['INCR', 'k'],
    ['SET', 'k', '11    '],
    ['INCR', 'k'],
    ['SET', 'k', '1.5'],
    ['INCR', 'k'],
    ['SET', 'k', '-0'],
    ['INCR', 'k'],
    ['SET', 'k', '+5'],
    ['DECR', 'k'],
    ['SET', 'k', '007'],
    ['INCR', 'k'],
    ['SET', 'k', '9223372036854775808'],
    ['INCR', 'k'],
    ['SET', 'k', '123456789012345678901'],
    ['INCR', 'k'],
    ['SET', 'k', ''],
    ['INCR', 'k'],
    ['SET', 'k', Buffer.from('1\0', 'latin1')],
    ['INCR', 'k'],
    ['SET', 'k', '0'],
    ['INCR', 'k'],
    ['HSET', 'h', 'f', 'v'],
    ['INCR', 'h'],
    ['INCRBY', 'h', 'abc'],
    ['DECRBY', 'h', INT64_MIN],
    ['DECRBY', 'h', '1'],
    ['INCR'],
    ['INCRBY', 'k'],
  ]);

  // INCR and its family keep a result as a number (see StringValue): every reader must see its digits.
  t.sequence('counters read back by the string commands', [
    ['INCR', 'c'],
    ['GET', 'c'],
    ['MGET', 'c', 'missing', 'c'],
    ['STRLEN', 'c'],
    ['GETRANGE', 'c', '0', '-1'],
    ['TYPE', 'c'],
    ['OBJECT', 'ENCODING', 'c'],
    ['OBJECT', 'REFCOUNT', 'c'],
    ['APPEND', 'c', '5'],
    ['INCR', 'c'],
    ['SETRANGE', 'c', '1', '9'],
    ['GET', 'c'],
    ['INCR', 'c'],
    ['GETBIT', 'c', '2'],
    ['BITCOUNT', 'c'],
    ['SETBIT', 'c', '7', '0'],
    ['GET', 'c'],
    ['INCRBY', 'smi', '2147483647'],
    ['INCR', 'smi'],
    ['GET', 'smi'],
    ['OBJECT', 'ENCODING', 'smi'],
    ['DECRBY', 'smi', '4294967296'],
    ['INCR', 'smi'],
    ['GET', 'smi'],
    ['INCRBY', 'safe', '9007199254740991'],
    ['INCR', 'safe'],
    ['GET', 'safe'],
    ['INCR', 'safe'],
    ['DECRBY', 'safe', '2'],
    ['GET', 'safe'],
    ['INCR', 'f'],
    ['INCRBYFLOAT', 'f', '0.5'],
    ['INCR', 'copied'],
    ['COPY', 'copied', 'copy'],
    ['INCR', 'copy'],
    ['MGET', 'copied', 'copy'],
    ['RENAME', 'copy', 'renamed'],
    ['LCS', 'copied', 'renamed'],
    ['INCR', 'g'],
    ['SET', 'g', 'x', 'GET'],
    ['INCR', 'g2'],
    ['GETSET', 'g2', '7'],
    ['INCR', 'g2'],
    ['GETDEL', 'g2'],
    ['INCR', 'g3'],
    ['GETEX', 'g3', 'PX', '100000'],
    ['PFADD', 'c', 'a'],
    ['PFCOUNT', 'c'],
    ['HSET', 'c', 'f', 'v'],
    ['LPUSH', 'c', 'v'],
    ['RPUSH', 'l', '1', '2'],
    ['INCR', 'w_1'],
    ['INCRBY', 'w_2', '5'],
    ['SORT', 'l', 'BY', 'w_*', 'GET', 'w_*', 'GET', '#'],
    ['DEBUG', 'DIGEST-VALUE', 'c', 'smi', 'safe'],
    ['SET', 'digits', '19'],
    ['INCR', 'digits'],
    ['DEBUG', 'DIGEST-VALUE', 'digits'],
  ]);

  t.sequence('INCR keeps the deadline', [
    ['SET', 'k', '1', 'PX', '300'],
    ['INCR', 'k'],
    ['SET', 'f', '1', 'PX', '300'],
    ['INCRBYFLOAT', 'f', '0.5'],
    { sleep: 600 },
    ['GET', 'k'],
    ['GET', 'f'],
  ]);

  t.sequence('INCRBYFLOAT', [
    ['INCRBYFLOAT', 'k', '1'],
    ['INCRBYFLOAT', 'k', '0.25'],
    ['GET', 'k'],
    ['SET', 'k', '0.1'],
    ['INCRBYFLOAT', 'k', '0.2'],
    ['SET', 'k', '10.5'],
    ['INCRBYFLOAT', 'k', '0.1'],
    ['INCRBYFLOAT', 'k', '-10.6'],
    ['SET', 'k', '1'],
    ['INCRBYFLOAT', 'k', '-1.1'],
    ['SET', 'k', '17179869184'],
    ['INCRBYFLOAT', 'k', '1.5'],
    ['INCRBYFLOAT', 'k', '17179869184'],
    ['INCRBYFLOAT', 'k', '5.0e3'],
    ['INCRBYFLOAT', 'k', '-5E+3'],
    ['INCRBYFLOAT', 'k', '.5'],
    ['INCRBYFLOAT', 'k', '5.'],
    ['INCRBYFLOAT', 'k', '+1'],
    ['INCRBYFLOAT', 'k', '0x10'],
    ['INCRBYFLOAT', 'k', '0x1.8p1'],
    ['INCRBYFLOAT', 'k', '1e-20'],
    ['INCRBYFLOAT', 'k', '3.0000000000000000001'],
    ['SET', 'k', '1e308'],
    ['INCRBYFLOAT', 'k', '1e308'],
    ['SET', 'k', '1e4932'],
    ['INCRBYFLOAT', 'k', '1e4932'],
    ['SET', 'k', '0'],
    ['INCRBYFLOAT', 'k', '1e-5000'],
    ['INCRBYFLOAT', 'k', '0e-5000'],
    ['INCRBYFLOAT', 'k', '1e-4940'],
    ['INCRBYFLOAT', 'k', '+inf'],
    ['INCRBYFLOAT', 'k', '-Infinity'],
    ['INCRBYFLOAT', 'k', 'nan'],
    ['INCRBYFLOAT', 'k', 'abc'],
    ['INCRBYFLOAT', 'k', ''],
    ['INCRBYFLOAT', 'k', ' 1'],
    ['INCRBYFLOAT', 'k', '1 '],
    ['INCRBYFLOAT', 'k', '1e'],
    ['INCRBYFLOAT', 'k', '.'],
    ['INCRBYFLOAT', 'k', '0x'],
    ['INCRBYFLOAT', 'k', '1'.repeat(5119)],
    ['INCRBYFLOAT', 'k', '1'.repeat(5120)],
    ['SET', 'k', 'inf'],
    ['INCRBYFLOAT', 'k', '1'],
    ['SET', 'k', '    11'],
    ['INCRBYFLOAT', 'k', '1.0'],
    ['SET', 'k', Buffer.from('12\0', 'latin1')],
    ['INCRBYFLOAT', 'k', '1'],
    ['SET', 'k', 'abc'],
    ['INCRBYFLOAT', 'k', 'abc'],
    ['INCRBYFLOAT', 'z', String(1 / 41)],
    ['INCRBYFLOAT', 'z', String(-1 / 41)],
    ['GET', 'z'],
    ['INCRBYFLOAT', 'z', '-0.0000000000000000001'],
    ['HSET', 'h', 'f', 'v'],
    ['INCRBYFLOAT', 'h', 'abc'],
    ['INCRBYFLOAT', 'k'],
  ]);

  const floats = seededInts(41);
  const operand = (): string => {
    const digits = (n: number) => Array.from({ length: n }, () => floats(10)).join('');
    switch (floats(5)) {
      case 0:
        return `${floats(2) ? '-' : ''}${digits(1 + floats(6))}.${digits(1 + floats(6))}`;
      case 1:
        return `${floats(2) ? '-' : ''}${digits(1 + floats(18))}`;
      case 2:
        return `${digits(1 + floats(3))}e${floats(2) ? '-' : ''}${floats(400)}`;
      case 3:
        return String((floats(2000000) - 1000000) / 1000);
      default:
        return `0.${'0'.repeat(floats(12))}${digits(1 + floats(20))}`;
    }
  };
  const sums: Step[] = [];
  for (let i = 0; i < 150; i++) sums.push(['SET', 'f', operand()], ['INCRBYFLOAT', 'f', operand()]);
  t.sequence('INCRBYFLOAT with random operands', sums);

  const rna1 =
    'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
  const rna2 =
    'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
  t.sequence('LCS', [
    ['MSET', 'a', rna1, 'b', rna2],
    ['LCS', 'a', 'b'],
    ['LCS', 'a', 'b', 'LEN'],
    ['LCS', 'a', 'b', 'IDX'],
    ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'idx', 'withmatchlen', 'minmatchlen', '5'],
    ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-3'],
    ['LCS', 'a', 'b', 'MINMATCHLEN', '5', 'LEN'],
    ['LCS', 'a', 'b', 'WITHMATCHLEN'],
    ['MSET', 's1', 'ohmytext', 's2', 'mynewtext'],
    ['LCS', 's1', 's2'],
    ['LCS', 's1', 's2', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 's2', 's1', 'IDX', 'MINMATCHLEN', '4'],
    ['LCS', 's1', 'missing'],
    ['LCS', 'missing', 's1', 'IDX'],
    ['LCS', 'missing', 'other', 'LEN'],
    ['LCS', 's1', 's1', 'IDX', 'WITHMATCHLEN'],
    ['MSET', 'x', 'aaaa', 'y', 'aa'],
    ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'a', 'b', 'LEN', 'IDX'],
    ['LCS', 'a', 'b', 'NOPE'],
    ['LCS', 'a', 'b', 'MINMATCHLEN'],
    ['LCS', 'a', 'b', 'MINMATCHLEN', 'abc'],
    ['LCS', 'a', 'b', 'IDX', 'LEN', 'NOPE'],
    ['HSET', 'h', 'f', 'v'],
    ['LCS', 'h', 'a'],
    ['LCS', 'a', 'h', 'NOPE'],
    ['LCS', 'a'],
  ]);

  const letters = seededInts(7);
  const lcsSteps: Step[] = [];
  for (let i = 0; i < 20; i++) {
    const word = () => Array.from({ length: 1 + letters(40) }, () => 'abc'[letters(3)]).join('');
    lcsSteps.push(['MSET', 'p', word(), 'q', word()], ['LCS', 'p', 'q', 'IDX', 'WITHMATCHLEN'], ['LCS', 'p', 'q']);
  }
  t.sequence('LCS of random strings', lcsSteps);

  t.scenario('keyspace events of every string write', async (connect) => {
    const admin = await connect();
    const sub = await connect();
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    sub.send('PSUBSCRIBE', '__keyevent@9__:*');
    sub.send('SUBSCRIBE', 'done');
    await sub.read();
    await sub.read();
    const writes: string[][] = [
      ['SET', 'k', 'v'],
      ['SET', 'k', 'v', 'NX'],
      ['SET', 'k', 'w', 'XX', 'GET', 'EX', '100'],
      ['SET', 'k', 'x', 'KEEPTTL'],
      ['SETNX', 'k', 'y'],
      ['SETNX', 'n', 'y'],
      ['SETEX', 'k', '100', 'z'],
      ['PSETEX', 'k', '100000', 'z'],
      ['GETSET', 'k', 'g'],
      ['GETEX', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'EX', '100'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['GETDEL', 'n'],
      ['GETDEL', 'n'],
      ['MSET', 'a', '1', 'b', '2'],
      ['MSETNX', 'a', '1', 'c', '3'],
      ['MSETNX', 'c', '3', 'd', '4'],
      ['APPEND', 'a', 'x'],
      ['SETRANGE', 'a', '0', ''],
      ['SETRANGE', 'a', '5', 'y'],
      ['INCR', 'i'],
      ['INCRBY', 'i', '5'],
      ['DECR', 'i'],
      ['DECRBY', 'i', '2'],
      ['INCR', 'a'],
      ['INCRBYFLOAT', 'i', '0.5'],
      ['SET', 'short', 'v', 'PX', '1'],
    ];
    const out: string[] = [];
    for (const w of writes) out.push(await admin.callRaw(...w));
    await new Promise((r) => setTimeout(r, 20));
    out.push(await admin.callRaw('SET', 'short', 'again'));
    await admin.call('PUBLISH', 'done', '.');
    for (let reply = await sub.readRaw(); !reply.includes('done'); reply = await sub.readRaw()) out.push(reply);
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    return out;
  });

  t.sequence('which string commands touch a WATCHed key', [
    ['SET', 'k', 'v'],
    ['WATCH', 'k'],
    ['SETRANGE', 'k', '0', ''],
    ['GETEX', 'k', 'PERSIST'],
    ['SET', 'k', 'w', 'NX'],
    ['SETNX', 'k', 'w'],
    ['MSETNX', 'k', 'w', 'other', 'x'],
    ['GET', 'k'],
    ['MULTI'],
    ['GET', 'k'],
    ['EXEC'],
    ['WATCH', 'k'],
    ['APPEND', 'k', 'x'],
    ['MULTI'],
    ['GET', 'k'],
    ['EXEC'],
    ['WATCH', 'k'],
    ['GETEX', 'k', 'EX', '100'],
    ['MULTI'],
    ['EXEC'],
    ['WATCH', 'k'],
    ['INCRBYFLOAT', 'k', '1'],
    ['MULTI'],
    ['EXEC'],
  ]);

  const stringCommands = ['get', 'set', 'setnx', 'setex', 'psetex', 'getset', 'getdel', 'getex', 'mget', 'mset', 'msetnx', 'append', 'strlen'];
  const moreStringCommands = ['getrange', 'substr', 'setrange', 'incr', 'incrby', 'decr', 'decrby', 'incrbyfloat', 'lcs'];
  t.sequence('COMMAND INFO and key extraction', [
    ['COMMAND', 'INFO', ...stringCommands],
    ['COMMAND', 'INFO', ...moreStringCommands],
    ['COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'],
    ['COMMAND', 'GETKEYS', 'LCS', 'a', 'b', 'IDX'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'SET', 'k', 'v', 'GET'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'MSETNX', 'a', '1', 'b', '2'],
  ]);

  t.sequence('arity errors', [['SETNX', 'k'], ['GETEX'], ['MSETNX', 'k'], ['APPEND', 'k', 'v', 'w'], ['INCRBYFLOAT', 'k'], ['DECR'], ['DECRBY', 'k'], ['SUBSTR', 'k', '1'], ['LCS']]);
});

describe('stringEncoding', () => {
  it('follows Redis: int for longs of up to 20 chars, embstr up to 44 bytes, raw beyond', () => {
    assert.equal(stringEncoding('12345'), 'int');
    assert.equal(stringEncoding('-9223372036854775808'), 'int');
    assert.equal(stringEncoding('9223372036854775808'), 'embstr');
    assert.equal(stringEncoding('007'), 'embstr');
    assert.equal(stringEncoding(''), 'embstr');
    assert.equal(stringEncoding('x'.repeat(44)), 'embstr');
    assert.equal(stringEncoding('x'.repeat(45)), 'raw');
  });
});

describe('strings past the longest JS string', () => {
  it('refuse with the size error, not a crash, when proto-max-bulk-len allows more than V8 can hold', async () => {
    const server = await startKeyhive();
    const c = await RawClient.connect(server.port);
    try {
      assert.equal(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '2gb'), 'OK');
      const tooLong = 2 ** 29;
      const refused = await c.call('SETRANGE', 'k', String(tooLong), 'x');
      assert.ok(refused instanceof RespError);
      assert.equal(refused.message, 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
      assert.equal(await c.call('SETRANGE', 'k', '10', 'x'), 11);
      assert.equal(await c.call('GET', 'k'), '\0'.repeat(10) + 'x');
      assert.equal(await c.call('PING'), 'PONG');
    } finally {
      c.close();
      await server.close();
    }
  });
});
