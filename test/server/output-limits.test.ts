/**
 * Output buffer limits and back-pressure: a subscriber that never reads is
 * disconnected at its class's limit instead of growing the server's memory,
 * a normal client has no limit by default but a non-reading pipeliner is
 * held back by the server no longer reading from it, and a configured normal
 * limit drops a client before any of the reply that broke it is sent.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import net from 'node:net';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { startKeyhive } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import type { RunningServer } from '../../src/index.js';

const MB = 1024 * 1024;

let server: RunningServer;
const open: RawClient[] = [];

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(server.port);
  open.push(c);
  return c;
}

/** The CLIENT LIST fields of the client named name, or undefined once it is gone. */
async function listed(observer: RawClient, name: string): Promise<Map<string, string> | undefined> {
  const list = (await observer.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  return line === undefined ? undefined : new Map(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
}

describe('output buffer limits', () => {
  before(async () => {
    server = await startKeyhive();
  });
  after(() => server.close());
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    const admin = await RawClient.connect(server.port);
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60');
    admin.close();
  });

  it('disconnects a subscriber that never reads at the pubsub hard limit; memory stays bounded and others carry on', async () => {
    const publisher = await connect();
    const bystander = await connect();
    const subscriber = await connect();
    await publisher.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 4mb 1mb 60');
    await subscriber.call('CLIENT', 'SETNAME', 'slow');
    await subscriber.call('SUBSCRIBE', 'news');
    subscriber.socket.pause();
    const message = 'x'.repeat(64 * 1024);
    let largestOmem = 0;
    let published = 0;
    for (;;) {
      const receivers = await publisher.call('PUBLISH', 'news', message);
      published++;
      const fields = await listed(publisher, 'slow');
      if (fields === undefined) break;
      largestOmem = Math.max(largestOmem, Number(fields.get('omem')));
      assert.equal(receivers, 1);
      assert.ok(published < 2000, 'the subscriber should have been disconnected long before 128 MB were published');
    }
    // Checked at every flush: at most one message over the limit is ever pending.
    assert.ok(largestOmem < 4 * MB, `omem reached ${largestOmem}`);
    assert.equal(await publisher.call('PUBLISH', 'news', 'anyone?'), 0);
    assert.deepEqual(await publisher.call('PUBSUB', 'NUMSUB', 'news'), ['news', 0]);
    assert.equal(await bystander.call('PING'), 'PONG');
    // What the subscriber does read afterwards ends with the connection closing.
    subscriber.socket.resume();
    await subscriber.waitClosed();
  });

  it('disconnects a subscriber that stays over the soft limit for the soft seconds', async () => {
    const publisher = await connect();
    const subscriber = await connect();
    await publisher.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1');
    await subscriber.call('CLIENT', 'SETNAME', 'lagging');
    await subscriber.call('SUBSCRIBE', 'news');
    subscriber.socket.pause();
    const message = 'y'.repeat(64 * 1024);
    // Fill the socket until the server holds more than the soft limit for the subscriber.
    while (Number((await listed(publisher, 'lagging'))?.get('omem') ?? 0) < 256 * 1024) await publisher.call('PUBLISH', 'news', message);
    // No more traffic: the cron alone finds it over the limit for longer than a second.
    while ((await listed(publisher, 'lagging')) !== undefined) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await publisher.call('PUBSUB', 'NUMSUB', 'news'), ['news', 0]);
  });

  it('drops a normal client over its limit before any of the offending reply is sent', async () => {
    const admin = await connect();
    const big = await connect();
    await admin.call('RPUSH', 'list', ...Array.from({ length: 150 }, () => 'z'.repeat(1000)));
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 100000 0 0');
    await big.call('CLIENT', 'SETNAME', 'greedy');
    big.send('LRANGE', 'list', '0', '-1');
    await big.waitClosed();
    assert.equal(big.pending, '');
    assert.equal(await listed(admin, 'greedy'), undefined);
    assert.equal(await admin.call('LLEN', 'list'), 150);
    await admin.call('DEL', 'list');
  });

  it('stops reading from a normal client that pipelines without reading, and answers everything once it reads', async () => {
    const observer = await connect();
    // A bare socket: the test counts reply bytes instead of parsing millions of replies.
    const pipeliner = net.createConnection({ host: '127.0.0.1', port: server.port });
    await once(pipeliner, 'connect');
    try {
      pipeliner.write('CLIENT SETNAME pipeliner\r\n');
      const [ok] = (await once(pipeliner, 'data')) as [Buffer];
      assert.equal(ok.toString(), '+OK\r\n');
      pipeliner.pause();
      const batch = Buffer.from('PING\r\n'.repeat(10_000));
      let sent = 0;
      // 32 MB of requests, far more than the kernel's socket buffers hold.
      while (pipeliner.writableLength < 32 * MB) {
        pipeliner.write(batch);
        sent += 10_000;
      }
      let fields = await listed(observer, 'pipeliner');
      while (Number(fields?.get('omem')) < 4 * MB) fields = await listed(observer, 'pipeliner');
      // Pending replies: the 4 MB high-water mark plus at most one read's worth; unread requests stay in the kernel.
      for (let i = 0; i < 20; i++) {
        fields = await listed(observer, 'pipeliner');
        assert.ok(Number(fields?.get('omem')) < 5 * MB, `omem ${fields?.get('omem')}`);
        assert.ok(Number(fields?.get('qbuf')) < MB, `qbuf ${fields?.get('qbuf')}`);
      }
      // The requests are still waiting on our side: the server stopped reading instead of queuing their replies.
      assert.ok(pipeliner.writableLength > 16 * MB, `only ${pipeliner.writableLength} bytes left unsent`);
      assert.equal(await observer.call('PING'), 'PONG');
      // Once the client reads, every request gets its reply.
      let received = 0;
      const expected = sent * '+PONG\r\n'.length;
      const done = new Promise<void>((resolve) => {
        pipeliner.on('data', (d: Buffer) => {
          received += d.length;
          if (received >= expected) resolve();
        });
      });
      pipeliner.resume();
      await done;
      assert.equal(received, expected);
    } finally {
      pipeliner.destroy();
    }
  });
});
