import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyhive } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import type { RunningServer } from '../../src/index.js';

let srv: RunningServer;
before(async () => {
  srv = await startKeyhive();
});
after(() => srv.close());

test('a bulk longer than a V8 string can hold is refused as an invalid length and only that connection closes', async () => {
  const c = await RawClient.connect(srv.port);
  c.write(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${2 ** 29 - 23}\r\n`);
  assert.equal(await c.readRaw(), '-ERR Protocol error: invalid bulk length\r\n');
  await c.waitClosed();
  const other = await RawClient.connect(srv.port);
  assert.equal(await other.call('PING'), 'PONG');
  other.close();
});

test('a bulk at the V8 limit is still accepted as a bulk length (the limit is exact)', async () => {
  const c = await RawClient.connect(srv.port);
  // Only the length line is sent: an accepted length makes the server wait for the data instead of answering.
  c.write(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${2 ** 29 - 24}\r\n`);
  await assert.rejects(c.readRaw(300), /timed out/);
  assert.equal(c.closed, false);
  c.close();
});
