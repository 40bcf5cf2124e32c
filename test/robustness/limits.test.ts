/**
 * Connection limits pushed past, side by side with redis-server:
 * proto-max-bulk-len, client-query-buffer-limit, maxclients, timeout (which
 * idle clients it closes and which it spares) and tcp-keepalive (the
 * keepalive timer of the server's sockets, as ss(8) shows it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { RawClient } from '../support/raw-client.js';
import { type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

const MB = 1024 * 1024;

function both(keyhive: RunningServer, redis: ReferenceServer): { name: string; port: number }[] {
  return [
    { name: 'keyhive', port: keyhive.port },
    { name: 'redis', port: redis.port },
  ];
}

async function call(port: number, ...args: string[]): Promise<unknown> {
  const c = await RawClient.connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

/** Writes data and resolves once it has been handed to the kernel (or the connection broke). */
function writeAll(c: RawClient, data: Buffer): Promise<void> {
  return new Promise((resolve) => c.socket.write(data, () => resolve()));
}

describe('limits vs redis-server', () => {
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  let targets: { name: string; port: number }[];
  before(async () => {
    [keyhive, redis] = await startKeyhiveAndRedis();
    targets = both(keyhive, redis);
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
  });

  it('proto-max-bulk-len: a longer bulk is a protocol error, one at the limit is a value', async () => {
    for (const { port } of targets) assert.equal(await call(port, 'CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), 'OK');
    try {
      const replies = await Promise.all(
        targets.map(async ({ port }) => {
          const atLimit = await RawClient.connect(port);
          const value = Buffer.alloc(MB, 'v');
          const set = await atLimit.callRaw('SET', 'bulk', value);
          const strlen = await atLimit.callRaw('STRLEN', 'bulk');
          atLimit.close();
          const over = await RawClient.connect(port);
          over.write(`*3\r\n$3\r\nSET\r\n$4\r\nbulk\r\n$${MB + 1}\r\n`);
          await over.waitClosed();
          return [set, strlen, over.pending];
        }),
      );
      assert.deepEqual(replies[1], ['+OK\r\n', `:${MB}\r\n`, '-ERR Protocol error: invalid bulk length\r\n']);
      assert.deepEqual(replies[0], replies[1]);
    } finally {
      for (const { port } of targets) await call(port, 'CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    }
  });

  it('client-query-buffer-limit: a client whose unprocessed input passes it is closed without a reply', async () => {
    for (const { port } of targets) assert.equal(await call(port, 'CONFIG', 'SET', 'client-query-buffer-limit', '1mb'), 'OK');
    try {
      for (const { name, port } of targets) {
        const bystander = await RawClient.connect(port);
        const greedy = await RawClient.connect(port);
        // A bulk of 4 MB is announced; the server must buffer what comes until it is complete.
        greedy.write(`*3\r\n$3\r\nSET\r\n$6\r\ngreedy\r\n$${4 * MB}\r\n`);
        const chunk = Buffer.alloc(64 * 1024, 'q');
        for (let sent = 0; sent < 3 * MB && !greedy.closed; sent += chunk.length) await writeAll(greedy, chunk);
        await greedy.waitClosed(10000);
        assert.equal(greedy.pending, '', `${name}: no reply to the cut-off client`);
        assert.equal(await bystander.call('EXISTS', 'greedy'), 0, name);
        bystander.close();
      }
    } finally {
      for (const { port } of targets) await call(port, 'CONFIG', 'SET', 'client-query-buffer-limit', '1gb');
    }
  });

  it('maxclients: the next client gets the error and is closed; a slot freed is taken again', async () => {
    const outcomes = [];
    for (const { port } of targets) {
      const admin = await RawClient.connect(port);
      assert.equal(await admin.call('CONFIG', 'SET', 'maxclients', '3'), 'OK');
      const others = [await RawClient.connect(port), await RawClient.connect(port)];
      for (const c of others) assert.equal(await c.call('PING'), 'PONG');
      const refused = await RawClient.connect(port);
      await refused.waitClosed();
      const info = String(await admin.call('INFO', 'stats'));
      others[0].close();
      await new Promise((r) => setTimeout(r, 50));
      // The freed slot is noticed once the server has seen the close; retry until then.
      let again = await RawClient.connect(port);
      for (let tries = 0; tries < 100 && (await again.call('PING').catch(() => null)) !== 'PONG'; tries++) {
        again.close();
        await new Promise((r) => setTimeout(r, 20));
        again = await RawClient.connect(port);
      }
      assert.equal(await again.call('PING'), 'PONG');
      outcomes.push({ refusal: refused.pending, rejected: /rejected_connections:(\d+)/.exec(info)?.[1] });
      for (const c of [again, others[1]]) c.close();
      assert.equal(await admin.call('CONFIG', 'SET', 'maxclients', '10000'), 'OK');
      admin.close();
    }
    assert.deepEqual(outcomes[1], { refusal: '-ERR max number of clients reached\r\n', rejected: '1' });
    assert.deepEqual(outcomes[0], outcomes[1]);
  });

  it('timeout: idle clients are closed, even inside MULTI; subscribers, monitors and blocked clients are spared', async () => {
    for (const { name, port } of targets) {
      const idle = await RawClient.connect(port);
      const inMulti = await RawClient.connect(port);
      const subscriber = await RawClient.connect(port);
      const monitor = await RawClient.connect(port);
      const blocked = await RawClient.connect(port);
      assert.equal(await idle.call('PING'), 'PONG');
      assert.equal(await inMulti.call('MULTI'), 'OK');
      assert.deepEqual(await subscriber.call('SUBSCRIBE', 'news'), ['subscribe', 'news', 1]);
      assert.equal(await monitor.call('MONITOR'), 'OK');
      blocked.send('BLPOP', 'timeout:list', '0');
      assert.equal(await call(port, 'CONFIG', 'SET', 'timeout', '1'), 'OK');
      try {
        await idle.waitClosed(15000);
        await inMulti.waitClosed(15000);
      } finally {
        await call(port, 'CONFIG', 'SET', 'timeout', '0');
      }
      assert.equal(await call(port, 'LPUSH', 'timeout:list', 'x'), 1, name);
      assert.deepEqual(await blocked.read(), ['timeout:list', 'x'], `${name}: the blocked client was still there`);
      assert.deepEqual(await subscriber.call('PING'), ['pong', ''], `${name}: the subscriber was still there`);
      assert.equal(monitor.closed, false, `${name}: the monitor was still there`);
      for (const c of [subscriber, monitor, blocked]) c.close();
    }
  });

  it('tcp-keepalive: new connections get a keepalive timer of that period, none with 0', async (t) => {
    const timers = (port: number) => {
      const out = execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
      return out.split('\n').filter(Boolean).map((line) => /timer:\((\w+),/.exec(line)?.[1] ?? 'none');
    };
    try {
      execFileSync('ss', ['-V'], { stdio: 'ignore' });
    } catch {
      t.skip('ss(8) is not installed');
      return;
    }
    // Closed connections linger briefly on the server side; wait until only the one under test is there.
    const settle = async (port: number) => {
      for (let i = 0; i < 200 && timers(port).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    };
    for (const { name, port } of targets) {
      for (const [setting, expected] of [['7', 'keepalive'], ['0', 'none']]) {
        assert.equal(await call(port, 'CONFIG', 'SET', 'tcp-keepalive', setting), 'OK');
        await settle(port);
        const c = await RawClient.connect(port);
        assert.equal(await c.call('PING'), 'PONG');
        assert.deepEqual(timers(port), [expected], `${name} with tcp-keepalive ${setting}`);
        c.close();
      }
      assert.equal(await call(port, 'CONFIG', 'SET', 'tcp-keepalive', '300'), 'OK');
    }
  });
});
