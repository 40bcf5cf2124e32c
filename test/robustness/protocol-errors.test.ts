/**
 * Malformed requests, compared byte for byte with redis-server: the same
 * "-ERR Protocol error: ..." reply (after the replies of any complete
 * requests before it), then the server closes that connection; frames Redis
 * tolerates (empty multibulks, blank inline lines) leave it open.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

/** Redis's PROTO_INLINE_MAX_SIZE: a line longer than this without its terminator is refused. */
const INLINE_MAX = 64 * 1024;

interface Case {
  name: string;
  bytes: string;
}

const CLOSING_CASES: Case[] = [
  { name: 'multibulk count that is not a number', bytes: '*abc\r\n' },
  { name: 'multibulk count above INT_MAX', bytes: '*99999999999\r\n' },
  { name: 'multibulk count with a plus sign', bytes: '*+1\r\n' },
  { name: 'multibulk count with a leading zero', bytes: '*01\r\n$4\r\nPING\r\n' },
  { name: "argument without '$'", bytes: '*1\r\nx\r\n' },
  { name: "second argument without '$'", bytes: '*2\r\n$3\r\nGET\r\n:1\r\n' },
  { name: "non-ASCII byte instead of '$'", bytes: '*1\r\n\xff\r\n' },
  { name: 'bulk length that is not a number', bytes: '*1\r\n$abc\r\n' },
  { name: 'empty bulk length', bytes: '*1\r\n$\r\n' },
  { name: 'negative bulk length', bytes: '*1\r\n$-1\r\n' },
  { name: 'bulk length above proto-max-bulk-len', bytes: '*1\r\n$2147483648\r\n' },
  { name: 'bulk length beyond 64 bits', bytes: '*1\r\n$99999999999999999999999\r\n' },
  { name: 'unbalanced double quote', bytes: 'SET "a b\r\n' },
  { name: 'unbalanced single quote', bytes: "SET 'a\r\n" },
  { name: 'closing quote followed by a non-blank', bytes: 'ECHO "a"b\r\n' },
  { name: 'protocol error after a pipelined command', bytes: 'PING\r\n*1\r\n$4\r\nECHO\r\nECHO "x\r\n' },
  { name: 'protocol error after a multibulk command', bytes: '*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$x\r\n' },
  // One byte more than the limit, so the server has read everything we sent when it refuses.
  { name: 'too big inline request', bytes: 'a'.repeat(INLINE_MAX + 1) },
  { name: 'too big mbulk count string', bytes: `*${'1'.repeat(INLINE_MAX)}` },
  { name: 'too big bulk count string', bytes: `*1\r\n$${'1'.repeat(INLINE_MAX)}` },
];

const TOLERATED_CASES: Case[] = [
  { name: 'empty multibulk', bytes: '*0\r\n' },
  { name: 'negative multibulk count', bytes: '*-1\r\n' },
  { name: 'blank inline lines', bytes: '\r\n\n   \r\n' },
  { name: 'inline line of blanks and tabs', bytes: ' \t \r\n' },
];

const AUTH_CASES: Case[] = [
  { name: 'more than 10 arguments before AUTH', bytes: '*11\r\n' },
  { name: 'bulk above 16 KB before AUTH', bytes: '*1\r\n$16385\r\n' },
];

/** Sends bytes and returns everything received until the server closes the connection. */
async function replyUntilClosed(port: number, bytes: string): Promise<string> {
  const c = await RawClient.connect(port);
  c.write(bytes);
  await c.waitClosed();
  return c.pending;
}

/** Sends bytes then PING; returns the reply and whether a second PING still works. */
async function replyAndStillOpen(port: number, bytes: string): Promise<[string, string]> {
  const c = await RawClient.connect(port);
  try {
    c.write(`${bytes}PING\r\n`);
    const first = await c.readRaw();
    const second = await c.callRaw('PING');
    return [first, second];
  } finally {
    c.close();
  }
}

/** Both servers, optionally with a password (set after start-up: startRedis waits for an unauthenticated PONG). */
function describeServers(name: string, requirepass: string, body: (ports: () => [number, number]) => void): void {
  describe(name, () => {
    let keyhive: RunningServer;
    let redis: ReferenceServer;
    before(async () => {
      [keyhive, redis] = await startKeyhiveAndRedis({ config: { requirepass } });
      if (requirepass) {
        const c = await RawClient.connect(redis.port);
        assert.equal(await c.call('CONFIG', 'SET', 'requirepass', requirepass), 'OK');
        c.close();
      }
    });
    after(async () => {
      await Promise.all([keyhive?.close(), redis?.close()]);
    });
    body(() => [keyhive.port, redis.port]);
  });
}

function closingCase(ports: () => [number, number], { name, bytes }: Case): void {
  it(`${name}: same error reply, then the connection is closed`, async () => {
    const [ours, theirs] = await Promise.all(ports().map((p) => replyUntilClosed(p, bytes)));
    assert.match(theirs, /-ERR Protocol error: /, 'the reference must refuse it');
    assert.equal(JSON.stringify(ours), JSON.stringify(theirs));
  });
}

describeServers('protocol errors vs redis-server', '', (ports) => {
  for (const c of CLOSING_CASES) closingCase(ports, c);
  for (const { name, bytes } of TOLERATED_CASES) {
    it(`${name}: ignored, connection stays open`, async () => {
      const [ours, theirs] = await Promise.all(ports().map((p) => replyAndStillOpen(p, bytes)));
      assert.deepEqual(theirs, ['+PONG\r\n', '+PONG\r\n']);
      assert.deepEqual(ours, theirs);
    });
  }
  it('a protocol error closes only its own connection', async () => {
    const [port] = ports();
    const bystander = await RawClient.connect(port);
    try {
      assert.equal(await bystander.call('PING'), 'PONG');
      assert.match(await replyUntilClosed(port, '*1\r\n$abc\r\n'), /^-ERR Protocol error: invalid bulk length\r\n$/);
      assert.equal(await bystander.call('ECHO', 'still here'), 'still here');
    } finally {
      bystander.close();
    }
  });
});

describeServers('protocol errors before AUTH vs redis-server', 'secret', (ports) => {
  for (const c of AUTH_CASES) closingCase(ports, c);
});
