import { it } from 'node:test';
import assert from 'node:assert/strict';
import { commandDocs } from '../support/command-docs.js';
import { describeDifferential } from '../support/differential.js';

const HASH_COMMANDS = ['HDEL', 'HEXISTS', 'HGET', 'HGETALL', 'HINCRBY', 'HINCRBYFLOAT', 'HKEYS', 'HLEN', 'HMGET', 'HMSET', 'HRANDFIELD', 'HSCAN', 'HSET', 'HSETNX', 'HSTRLEN', 'HVALS'];
const SET_COMMANDS = [
  'SADD', 'SCARD', 'SDIFF', 'SDIFFSTORE', 'SINTER', 'SINTERCARD', 'SINTERSTORE', 'SISMEMBER', 'SMEMBERS', 'SMISMEMBER',
  'SMOVE', 'SPOP', 'SRANDMEMBER', 'SREM', 'SSCAN', 'SUNION', 'SUNIONSTORE',
];

describeDifferential('hash and set command metadata', (t) => {
  t.sequence('COMMAND INFO', [['COMMAND', 'INFO', ...HASH_COMMANDS], ['COMMAND', 'INFO', ...SET_COMMANDS]]);

  t.sequence('COMMAND GETKEYS and GETKEYSANDFLAGS', [
    ['COMMAND', 'GETKEYSANDFLAGS', 'SMOVE', 'src', 'dst', 'm'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'SINTERSTORE', 'dst', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'SUNIONSTORE', 'dst', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
    ['COMMAND', 'GETKEYS', 'SINTERCARD', '1', 'a'],
    ['COMMAND', 'GETKEYS', 'SINTERCARD', '3', 'a'],
    ['COMMAND', 'GETKEYS', 'SINTERCARD', 'x', 'a'],
    ['COMMAND', 'GETKEYS', 'SDIFF', 'a', 'b', 'c'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'HSET', 'h', 'f', 'v'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'HINCRBYFLOAT', 'h', 'f', '1'],
  ]);

  it('COMMAND DOCS match but for argument descriptions', async () => {
    const { keyhive, redis } = await commandDocs(t, [...HASH_COMMANDS, ...SET_COMMANDS]);
    assert.deepEqual(keyhive, redis);
  });
});
