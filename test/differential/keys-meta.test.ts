import { it } from 'node:test';
import assert from 'node:assert/strict';
import { commandDocs } from '../support/command-docs.js';
import { describeDifferential } from '../support/differential.js';

const KEY_COMMANDS = [
  'DEL', 'UNLINK', 'EXISTS', 'TYPE', 'TOUCH', 'KEYS', 'SCAN', 'RANDOMKEY', 'RENAME', 'RENAMENX', 'COPY', 'MOVE',
  'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT', 'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'PERSIST',
];

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
    const { keyhive, redis } = await commandDocs(t, KEY_COMMANDS, ['OBJECT']);
    assert.deepEqual(keyhive, redis);
  });
});
