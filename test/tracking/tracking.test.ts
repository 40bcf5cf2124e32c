/**
 * Client-side caching beyond what a differential transcript shows: INFO's
 * tracking counters and CLIENT LIST's flags, the tracking-table-max-keys
 * limit, RESP2 tracking without a redirect, invalidation on eviction, and
 * node-redis's own client-side cache (RESP3) working against Keyhive.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import { BasicClientSideCache, createClient } from 'redis';
import { startKeyhive } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';
import type { RunningServer } from '../../src/index.js';

let server: RunningServer;
const open: RawClient[] = [];

async function connect(protocol: 2 | 3 = 2): Promise<RawClient> {
  const c = await RawClient.connect(server.port);
  open.push(c);
  if (protocol === 3) await c.call('HELLO', '3');
  return c;
}

/** "field:value" lines of an INFO reply. */
async function info(c: RawClient, section: string): Promise<Map<string, string>> {
  const reply = (await c.call('INFO', section)) as string | { verbatim: string };
  const text = typeof reply === 'string' ? reply : reply.verbatim;
  return new Map(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':', 2) as [string, string]));
}

async function clientListFields(c: RawClient, id: number): Promise<Map<string, string>> {
  const list = (await c.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.startsWith(`id=${id} `)) as string;
  return new Map(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
}

/** Waits until the server has seen c's connection end. */
async function closeAndWait(c: RawClient, observer: RawClient): Promise<void> {
  const before = Number((await info(observer, 'clients')).get('connected_clients'));
  c.close();
  while (Number((await info(observer, 'clients')).get('connected_clients')) !== before - 1);
}

function invalidation(keys: RespValue): RespValue {
  return { push: ['invalidate', keys] };
}

describe('client-side caching', () => {
  before(async () => {
    server = await startKeyhive();
  });
  after(() => server.close());
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    const admin = await RawClient.connect(server.port);
    await admin.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    await admin.call('FLUSHALL');
    admin.close();
  });

  it('counts tracking clients, keys, items and prefixes in INFO, and flags trackers in CLIENT LIST', async () => {
    const observer = await connect();
    const a = await connect(3);
    const b = await connect(3);
    const bcast = await connect(3);
    await a.call('CLIENT', 'TRACKING', 'on');
    await b.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(await a.call('CLIENT', 'ID')));
    await bcast.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'p:', 'PREFIX', 'q:');
    await a.call('MGET', 'k1', 'k2');
    await b.call('GET', 'k1');
    const stats = await info(observer, 'stats');
    assert.equal(stats.get('tracking_total_keys'), '2');
    assert.equal(stats.get('tracking_total_items'), '3');
    assert.equal(stats.get('tracking_total_prefixes'), '2');
    assert.equal((await info(observer, 'clients')).get('tracking_clients'), '3');

    const aId = Number(await a.call('CLIENT', 'ID'));
    const bFields = await clientListFields(observer, Number(await b.call('CLIENT', 'ID')));
    assert.equal(bFields.get('flags'), 't');
    assert.equal(bFields.get('redir'), String(aId));
    assert.equal((await clientListFields(observer, Number(await bcast.call('CLIENT', 'ID')))).get('flags'), 'tB');
    assert.equal((await clientListFields(observer, Number(await observer.call('CLIENT', 'ID')))).get('redir'), '-1');

    // The redirect target goes: b's redirect is broken once an invalidation finds it gone.
    await closeAndWait(a, observer);
    await observer.call('SET', 'k1', 'v');
    assert.deepEqual(await b.read(), { push: ['tracking-redir-broken', aId] });
    assert.equal((await clientListFields(observer, Number(await b.call('CLIENT', 'ID')))).get('flags'), 'tR');

    await b.call('CLIENT', 'TRACKING', 'off');
    await bcast.call('RESET');
    assert.equal((await info(observer, 'clients')).get('tracking_clients'), '0');
    assert.equal((await info(observer, 'stats')).get('tracking_total_prefixes'), '0');
  });

  it('disconnecting drops a client from tracking and its prefixes', async () => {
    const observer = await connect();
    const c = await connect(3);
    await c.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x');
    await closeAndWait(c, observer);
    assert.equal((await info(observer, 'clients')).get('tracking_clients'), '0');
    assert.equal((await info(observer, 'stats')).get('tracking_total_prefixes'), '0');
  });

  it('over tracking-table-max-keys, forgets keys until under the limit, invalidating each', async () => {
    const c = await connect(3);
    const admin = await connect();
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('MGET', 'a', 'b', 'c');
    await admin.call('CONFIG', 'SET', 'tracking-table-max-keys', '1');
    // The limit applies before the next command.
    await admin.call('PING');
    const forgotten = [await c.read(), await c.read()];
    assert.deepEqual(forgotten, [invalidation(['a']), invalidation(['b'])]);
    assert.equal((await info(admin, 'stats')).get('tracking_total_keys'), '1');
    assert.equal(await c.call('PING'), 'PONG');
  });

  it('a RESP2 client tracking without a redirect gets no messages', async () => {
    const c = await connect(2);
    const writer = await connect();
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 'k');
    await writer.call('SET', 'k', 'v');
    await writer.call('FLUSHALL');
    assert.equal(await c.call('PING'), 'PONG');
    assert.equal(c.pending, '');
  });

  it('an evicted key is invalidated', async () => {
    const c = await connect(3);
    const admin = await connect();
    await admin.call('SET', 'victim', 'x', 'EX', '10000');
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 'victim');
    const used = Number((await info(admin, 'memory')).get('used_memory'));
    await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-random');
    await admin.call('CONFIG', 'SET', 'maxmemory', String(used + 100 * 1024));
    try {
      await admin.call('SETBIT', 'big', String(1_600_000), '0');
      await admin.call('PING');
      assert.deepEqual(await c.read(), invalidation(['victim']));
      assert.equal(await admin.call('EXISTS', 'victim'), 0);
    } finally {
      await admin.call('CONFIG', 'SET', 'maxmemory', '0');
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

describe('node-redis client-side cache against Keyhive', () => {
  before(async () => {
    server = await startKeyhive();
  });
  after(() => server.close());

  it('serves a cached GET locally until another client changes the key', async () => {
    const cache = new BasicClientSideCache();
    const cached = createClient({ socket: { host: '127.0.0.1', port: server.port }, RESP: 3, clientSideCache: cache });
    const writer = createClient({ socket: { host: '127.0.0.1', port: server.port } });
    cached.on('error', () => {});
    writer.on('error', () => {});
    await Promise.all([cached.connect(), writer.connect()]);
    try {
      const getCalls = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await writer.info('commandstats'))?.[1] ?? 0);
      await writer.set('k', 'v1');
      assert.equal(await cached.get('k'), 'v1');
      assert.equal(await cached.get('k'), 'v1');
      assert.equal(await cached.get('k'), 'v1');
      // One GET reached the server; the other two were hits in the local cache.
      assert.equal(await getCalls(), 1);
      assert.equal(cache.stats().hitCount, 2);

      const invalidated = once(cache, 'invalidate');
      await writer.set('k', 'v2');
      assert.deepEqual((await invalidated).map(String), ['k']);
      assert.equal(await cached.get('k'), 'v2');
      assert.equal(await getCalls(), 2);

      // A flush drops the whole cache.
      assert.equal(await cached.get('k'), 'v2');
      const flushed = once(cache, 'invalidate');
      await writer.flushAll();
      assert.deepEqual(await flushed, [null]);
      assert.equal(cache.size(), 0);
      assert.equal(await cached.get('k'), null);
    } finally {
      await Promise.all([cached.quit(), writer.quit()]);
    }
  });
});
