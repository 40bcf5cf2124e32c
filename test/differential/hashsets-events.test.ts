/**
 * Keyspace events of hash and set writes: the same commands run against both
 * servers while a subscriber records every __keyevent@9__ message, so event
 * names, their order and the writes that must stay silent all get compared.
 */
import { describeDifferential } from '../support/differential.js';
import { callEach, recordKeyEvents } from '../support/key-events.js';

const COMMANDS: string[][] = [
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['HSET', 'h', 'a', '1'],
  ['HMSET', 'h', 'c', '3'],
  ['HSETNX', 'h', 'a', 'x'],
  ['HSETNX', 'h', 'd', '4'],
  ['HINCRBY', 'h', 'n', '5'],
  ['HINCRBY', 'h', 'a', 'x'],
  ['HINCRBYFLOAT', 'h', 'f', '1.5'],
  ['HDEL', 'h', 'nope'],
  ['HDEL', 'h', 'a', 'b'],
  ['HDEL', 'h', 'c', 'd', 'n', 'f'],
  ['SADD', 's', '1', '2', '3'],
  ['SADD', 's', '1'],
  ['SREM', 's', 'nope'],
  ['SREM', 's', '1'],
  ['SPOP', 's', '0'],
  ['SPOP', 's', '10'],
  ['SADD', 'src', 'a', 'b'],
  ['SADD', 'dst', 'b'],
  ['SMOVE', 'src', 'dst', 'nope'],
  ['SMOVE', 'src', 'dst', 'b'],
  ['SMOVE', 'src', 'src', 'a'],
  ['SMOVE', 'src', 'new', 'a'],
  ['SADD', 'one', 'x'],
  ['SPOP', 'one'],
  ['SINTERSTORE', 'out', 'dst', 'new'],
  ['SUNIONSTORE', 'out', 'dst', 'new'],
  ['SDIFFSTORE', 'out', 'dst', 'new'],
  ['SDIFFSTORE', 'out', 'new', 'new'],
  ['SINTERSTORE', 'out', 'missing', 'dst'],
  ['SUNIONSTORE', 'out', 'missing'],
  ['SREM', 'dst', 'b'],
];

describeDifferential('keyspace events of hash and set commands', (t) => {
  t.scenario('every write reports Redis events, no-ops report none', (connect) =>
    recordKeyEvents(connect, 'KEA', '__keyevent@9__:*', (admin) => callEach(admin, COMMANDS)),
  );
});
