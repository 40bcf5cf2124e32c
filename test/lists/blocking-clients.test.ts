/**
 * Blocking list commands through real client libraries (ioredis in RESP2,
 * node-redis in RESP3) against Keyhive: what applications see when several
 * connections block, get served, time out or are unblocked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

let server: RunningServer;
const opened: { disconnect(): unknown }[] = [];

function ioredis(): Redis {
  const client = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
  opened.push(client);
  return client;
}

async function nodeRedis() {
  const client = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
  await client.connect();
  opened.push({ disconnect: () => client.destroy() });
  return client;
}

/** Waits until the server counts n blocked clients. */
async function blockedClients(n: number): Promise<void> {
  while (server.server.blocking.blockedClients !== n) await new Promise((r) => setTimeout(r, 2));
}

describe('blocking lists through client libraries', () => {
  before(async () => {
    server = await startKeyhive();
  });
  after(async () => {
    for (const c of opened) c.disconnect();
    await server.close();
  });

  it('serves three waiters in the order they blocked', async () => {
    const admin = ioredis();
    const waiters = [ioredis(), ioredis(), ioredis()];
    const pops: Promise<[string, string] | null>[] = [];
    for (const [i, w] of waiters.entries()) {
      pops.push(w.blpop('fair', 0));
      await blockedClients(i + 1);
    }
    assert.equal(await admin.rpush('fair', 'first', 'second', 'third'), 3);
    assert.deepEqual(await Promise.all(pops), [
      ['fair', 'first'],
      ['fair', 'second'],
      ['fair', 'third'],
    ]);
    assert.equal(await admin.exists('fair'), 0);
  });

  it('a timeout gives null, in RESP2 and RESP3', async () => {
    assert.equal(await ioredis().blpop('nothing', 0.02), null);
    const resp3 = await nodeRedis();
    assert.equal(await resp3.blPop('nothing', 0.02), null);
    assert.equal(await resp3.blMove('nothing', 'dst', 'LEFT', 'RIGHT', 0.02), null);
  });

  it('a push inside MULTI wakes the waiter once EXEC ran', async () => {
    const admin = ioredis();
    const waiter = await nodeRedis();
    const pop = waiter.blmPop(0, ['tx'], 'RIGHT', { COUNT: 5 });
    await blockedClients(1);
    const results = await admin.multi().rpush('tx', 'a', 'b', 'c').lpop('tx').exec();
    assert.deepEqual(results, [
      [null, 3],
      [null, 'a'],
    ]);
    assert.deepEqual(await pop, ['tx', ['c', 'b']]);
  });

  it('BLMOVE moves what another client pushed, waking a waiter on its target', async () => {
    const admin = await nodeRedis();
    const mover = await nodeRedis();
    const target = ioredis();
    const onTarget = target.brpop('moved-to', 0);
    await blockedClients(1);
    const move = mover.blMove('moved-from', 'moved-to', 'LEFT', 'RIGHT', 0);
    await blockedClients(2);
    await admin.rPush('moved-from', 'item');
    assert.equal(await move, 'item');
    assert.deepEqual(await onTarget, ['moved-to', 'item']);
  });

  it('CLIENT UNBLOCK ends a wait with null or with an UNBLOCKED error', async () => {
    const admin = ioredis();
    const waiter = ioredis();
    const id = await waiter.client('ID');
    const first = waiter.blpop('never', 0);
    await blockedClients(1);
    assert.equal(await admin.client('UNBLOCK', id, 'TIMEOUT'), 1);
    assert.equal(await first, null);
    const second = assert.rejects(waiter.brpoplpush('never', 'dst', 0), /UNBLOCKED client unblocked via CLIENT UNBLOCK/);
    await blockedClients(1);
    assert.equal(await admin.client('UNBLOCK', id, 'ERROR'), 1);
    await second;
    assert.equal(await admin.client('UNBLOCK', id), 0);
  });

  it('a waiter that disconnects is forgotten; the next one gets the element', async () => {
    const admin = ioredis();
    const leaving = ioredis();
    const staying = ioredis();
    leaving.blpop('handover', 0).catch(() => {});
    await blockedClients(1);
    const pop = staying.blpop('handover', 0);
    await blockedClients(2);
    leaving.disconnect();
    await blockedClients(1);
    await admin.rpush('handover', 'x');
    assert.deepEqual(await pop, ['handover', 'x']);
    assert.equal(await admin.llen('handover'), 0);
  });
});
