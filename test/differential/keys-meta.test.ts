import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';

const KEY_COMMANDS = [
  'DEL', 'UNLINK', 'EXISTS', 'TYPE', 'TOUCH', 'KEYS', 'SCAN', 'RANDOMKEY', 'RENAME', 'RENAMENX', 'COPY', 'MOVE',
  'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT', 'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'PERSIST',
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

describeDifferential('generic key command metadata', (t) => {
  // Redis lists subcommands in the order of a randomly seeded dict, so OBJECT's are compared as a set.
  t.sequence('COMMAND INFO', [['COMMAND', 'INFO', ...KEY_COMMANDS], { cmd: ['COMMAND', 'INFO', 'OBJECT'], match: 'unordered' }]);

  t.sequence('COMMAND GETKEYS and GETKEYSANDFLAGS', [
    ['COMMAND', 'GETKEYSANDFLAGS', 'DEL', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'RENAME', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'COPY', 'a', 'b', 'DB', '1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'OBJECT', 'ENCODING', 'k'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'EXPIRE', 'k', '10', 'NX'],
    ['COMMAND', 'GETKEYS', 'MOVE', 'k', '1'],
    ['COMMAND', 'GETKEYS', 'SCAN', '0'],
  ]);

  it('COMMAND DOCS match but for argument descriptions', async () => {
    const docs: unknown[] = [];
    for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
      const c = await RawClient.connect(port);
      await c.call('HELLO', '3');
      docs.push(withoutArguments(await c.call('COMMAND', 'DOCS', ...KEY_COMMANDS)));
      docs.push(withoutArguments(await c.call('COMMAND', 'DOCS', 'OBJECT')));
      c.close();
    }
    assert.deepEqual(docs[0], docs[2]);
    assert.deepEqual(docs[1], docs[3]);
  });
});
