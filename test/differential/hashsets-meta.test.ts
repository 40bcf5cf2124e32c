import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';

const HASH_COMMANDS = ['HDEL', 'HEXISTS', 'HGET', 'HGETALL', 'HINCRBY', 'HINCRBYFLOAT', 'HKEYS', 'HLEN', 'HMGET', 'HMSET', 'HRANDFIELD', 'HSCAN', 'HSET', 'HSETNX', 'HSTRLEN', 'HVALS'];
const SET_COMMANDS = [
  'SADD', 'SCARD', 'SDIFF', 'SDIFFSTORE', 'SINTER', 'SINTERCARD', 'SINTERSTORE', 'SISMEMBER', 'SMEMBERS', 'SMISMEMBER',
  'SMOVE', 'SPOP', 'SRANDMEMBER', 'SREM', 'SSCAN', 'SUNION', 'SUNIONSTORE',
];

/** COMMAND DOCS as sorted plain data, without the argument descriptions Keyhive leaves out. */
function withoutArguments(v: RespValue): unknown {
  if (v instanceof Map) {
    const entries = [...v].filter(([k]) => k !== 'arguments').map(([k, x]) => [k, withoutArguments(x)]);
    return entries.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  }
  if (v instanceof Set || Array.isArray(v)) return [...v].map(withoutArguments);
  return v;
}

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
    const docs: unknown[] = [];
    for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
      const c = await RawClient.connect(port);
      await c.call('HELLO', '3');
      docs.push(withoutArguments(await c.call('COMMAND', 'DOCS', ...HASH_COMMANDS, ...SET_COMMANDS)));
      c.close();
    }
    assert.deepEqual(docs[0], docs[1]);
  });
});
