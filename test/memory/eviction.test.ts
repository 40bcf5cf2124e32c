/**
 * maxmemory policies on an embedded server. Memory accounting is exact
 * (store/memory.ts), so a test can set maxmemory a known number of keys
 * below used_memory: CONFIG SET evicts at once, as Redis does, and what
 * is left shows which keys the policy chose.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { RespError, type RespValue } from '../support/resp.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';
import type { EventClass } from '../../src/store/keyspace.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'x'.repeat(1000);

function keys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${String(i).padStart(3, '0')}`);
}

function infoField(info: RespValue, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(String(info));
  assert.ok(m, `INFO has ${name}`);
  return Number(m[1]);
}

function errorMessage(reply: RespValue): string | null {
  return reply instanceof RespError ? reply.message : null;
}

describe('maxmemory eviction', () => {
  let running: RunningServer;
  let c: RawClient;
  /** For CONFIG SET while c is in MULTI. */
  let admin: RawClient;

  before(async () => {
    running = await startKeyhive();
    c = await RawClient.connect(running.port);
    admin = await RawClient.connect(running.port);
  });
  after(async () => {
    c.close();
    admin.close();
    await running.close();
  });
  beforeEach(async () => {
    // Many samples make the sampled policies pick as the exact policy would, so the tests are deterministic.
    await c.call('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction', 'maxmemory-samples', '500', 'lfu-log-factor', '10', 'lfu-decay-time', '1');
    await c.call('FLUSHALL');
  });

  async function setAll(names: string[], ...options: string[]): Promise<void> {
    for (const key of names) assert.equal(await c.call('SET', key, VALUE, ...options), 'OK');
  }

  async function present(names: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const key of names) if ((await c.call('EXISTS', key)) === 1) out.push(key);
    return out;
  }

  /** Sets maxmemory so that about `count` keys like `sample` must go, which CONFIG SET evicts at once. */
  async function squeeze(count: number, sample: string, policy: string): Promise<void> {
    const used = infoField(await admin.call('INFO', 'memory'), 'used_memory');
    const perKey = (await admin.call('MEMORY', 'USAGE', sample)) as number;
    assert.equal(await admin.call('CONFIG', 'SET', 'maxmemory-policy', policy, 'maxmemory', String(used - count * perKey + Math.floor(perKey / 2))), 'OK');
  }

  /** Advances the server's clock, as time passing would (the LRU clock moves with the cron). */
  function advance(ms: number): void {
    running.server.clock.advance(ms);
    running.server.keyspace.refreshClock();
  }

  it('noeviction: over the limit, denyoom commands get OOM while reads, deletes and MULTI control work', async () => {
    await setAll(keys('k', 20));
    await squeeze(5, 'k:000', 'noeviction');
    assert.equal(await c.call('DBSIZE'), 20, 'nothing evicted');
    assert.equal(errorMessage(await c.call('SET', 'new', 'v')), OOM);
    assert.equal(errorMessage(await c.call('APPEND', 'k:000', 'more')), OOM);
    assert.equal(await c.call('GET', 'k:001'), VALUE);
    assert.equal(await c.call('MULTI'), 'OK');
    assert.equal(errorMessage(await c.call('GET', 'k:001')), OOM, 'queuing is refused in MULTI');
    assert.equal(await c.call('DISCARD'), 'OK');
    assert.equal(await c.call('DEL', ...keys('k', 20).slice(0, 10)), 10);
    assert.equal(await c.call('SET', 'new', 'v'), 'OK', 'writes resume once deletes freed memory');
  });

  it('EXEC of a transaction with a denyoom command is aborted with OOM; read-only transactions run', async () => {
    await setAll(keys('k', 20));
    await c.call('MULTI');
    await c.call('GET', 'k:001');
    await c.call('SET', 'k:002', 'v');
    await squeeze(5, 'k:000', 'noeviction');
    assert.equal(errorMessage(await c.call('EXEC')), `EXECABORT Transaction discarded because of: ${OOM}`);
    assert.equal(errorMessage(await c.call('EXEC')), 'ERR EXEC without MULTI', 'the transaction is over');
    await admin.call('CONFIG', 'SET', 'maxmemory', '0');
    await c.call('MULTI');
    await c.call('GET', 'k:001');
    await squeeze(5, 'k:000', 'noeviction');
    assert.deepEqual(await c.call('EXEC'), [VALUE]);
  });

  it('volatile-* policies never evict keys without a deadline, and give OOM when only such keys are left', async () => {
    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      await c.call('FLUSHALL');
      const persistent = keys('p', 20);
      const volatile = keys('v', 10);
      await setAll(persistent);
      await setAll(volatile, 'EX', '1000');
      await squeeze(5, 'p:000', policy);
      assert.deepEqual(await present(persistent), persistent, `${policy} kept every key without a deadline`);
      assert.equal((await present(volatile)).length, 5, `${policy} evicted five volatile keys`);
      await squeeze(10, 'p:000', policy);
      assert.deepEqual(await present(volatile), [], `${policy} evicted the rest of the volatile keys`);
      assert.deepEqual(await present(persistent), persistent, `${policy} still kept every key without a deadline`);
      assert.equal(errorMessage(await c.call('SET', 'new', 'v')), OOM, `${policy} gives OOM with nothing left to evict`);
    }
  });

  it('volatile-ttl evicts the keys whose deadlines come soonest', async () => {
    const names = keys('t', 20);
    for (const [i, key] of names.entries()) assert.equal(await c.call('SET', key, VALUE, 'EX', String(1000 + 100 * i)), 'OK');
    await squeeze(6, 't:000', 'volatile-ttl');
    assert.deepEqual(await present(names), names.slice(6));
  });

  it("a SET NX or XX that does not write still counts as a use of the key, as Redis's lookupKeyWrite does", async () => {
    await c.call('SET', 'used', 'v');
    advance(10_000);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'used'), 10);
    assert.equal(await c.call('SET', 'used', 'w', 'NX'), null);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'used'), 0);
    advance(10_000);
    assert.equal(await c.call('SET', 'used', 'w', 'XX', 'EX', '100'), 'OK');
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'used'), 0);
    assert.equal(await c.call('GET', 'used'), 'w');
  });

  it('allkeys-lru keeps the keys read recently', async () => {
    const names = keys('k', 60);
    await setAll(names);
    advance(10_000);
    const read = names.filter((_, i) => i % 6 === 0);
    for (const key of read) assert.equal(await c.call('GET', key), VALUE);
    await squeeze(40, 'k:000', 'allkeys-lru');
    const kept = await present(names);
    assert.equal(kept.length, 20);
    for (const key of read) assert.ok(kept.includes(key), `${key}, read recently, was kept`);
  });

  it('allkeys-lfu keeps the keys read often', async () => {
    // No decay, so that a minute starting during the test changes nothing.
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-decay-time', '0');
    const names = keys('k', 60);
    await setAll(names);
    const hot = names.filter((_, i) => i % 6 === 0);
    for (const key of hot) for (let j = 0; j < 30; j++) await c.call('GET', key);
    for (const key of hot) assert.ok(((await c.call('OBJECT', 'FREQ', key)) as number) > 5, `${key} counted its reads`);
    await squeeze(40, 'k:000', 'allkeys-lfu');
    const kept = await present(names);
    assert.equal(kept.length, 20);
    for (const key of hot) assert.ok(kept.includes(key), `${key}, read often, was kept`);
  });

  it('allkeys-random evicts until the data fits, visiting the databases in turn', async () => {
    await setAll(keys('a', 30));
    await c.call('SELECT', '1');
    await setAll(keys('b', 30));
    await c.call('SELECT', '0');
    await squeeze(20, 'a:000', 'allkeys-random');
    const keyspace = String(await c.call('INFO', 'keyspace'));
    assert.deepEqual([...keyspace.matchAll(/^db(\d+):keys=(\d+)/gm)].map((m) => [m[1], m[2]]), [['0', '20'], ['1', '20']]);
  });

  it('counts evicted keys in INFO and reports each through the change hook and keyspace notifications', async () => {
    const events: [number, string | null, EventClass, string][] = [];
    running.server.keyspace.onChange((db, key, eventClass, event) => {
      if (eventClass === 'e') events.push([db.index, key, eventClass, event]);
    });
    const subscriber = await RawClient.connect(running.port);
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
    await subscriber.call('SUBSCRIBE', '__keyevent@0__:evicted');
    await c.call('CONFIG', 'RESETSTAT');
    const names = keys('k', 20);
    await setAll(names);
    await squeeze(7, 'k:000', 'allkeys-lru');
    const evicted = names.filter((key) => !events.some(([, k]) => k === key));
    assert.equal(evicted.length, 13);
    assert.equal(events.length, 7);
    assert.equal(infoField(await c.call('INFO', 'stats'), 'evicted_keys'), 7);
    const published = new Set<string>();
    for (let i = 0; i < 7; i++) {
      const message = (await subscriber.read()) as string[];
      assert.deepEqual(message.slice(0, 2), ['message', '__keyevent@0__:evicted']);
      published.add(message[2]);
    }
    assert.deepEqual(published, new Set(events.map(([, key]) => key)));
    subscriber.close();
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  });

  it("counts a client's partly received command in used_memory, and drops it when the client goes", async () => {
    const clients = async () => infoField(await c.call('INFO', 'memory'), 'mem_clients_normal');
    /** Reads INFO until the server has caught up with the other connection's bytes. */
    const until = async (done: (bytes: number) => boolean) => {
      for (let bytes = await clients(); ; bytes = await clients()) {
        if (done(bytes)) return bytes;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const before = await clients();
    const sender = await RawClient.connect(running.port);
    // Two whole arguments parsed (100 KB key) and half of the third received.
    sender.write(`*3\r\n$3\r\nSET\r\n$100000\r\n${'k'.repeat(100_000)}\r\n$100000\r\n${'v'.repeat(50_000)}`);
    const during = await until((bytes) => bytes >= before + 150_000);
    // The receive buffer is kept until the command completes, beside the arguments parsed from it: both are memory.
    assert.ok(during <= before + 2 * 150_000, `no more than the buffer and its arguments are counted (${during - before})`);
    sender.close();
    assert.equal(await until((bytes) => bytes <= before), before);
  });

  it('an evicted WATCHed key fails the EXEC that follows', async () => {
    await setAll(keys('k', 20));
    const watcher = await RawClient.connect(running.port);
    await watcher.call('WATCH', ...keys('k', 20));
    await squeeze(3, 'k:000', 'allkeys-random');
    await watcher.call('MULTI');
    await watcher.call('PING');
    assert.equal(await watcher.call('EXEC'), null);
    watcher.close();
  });

  it('OBJECT FREQ starts new keys at 5 and counts reads logarithmically; OBJECT IDLETIME is for LRU policies', async () => {
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0', 'lfu-decay-time', '0');
    await c.call('SET', 'k', 'v');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 5);
    for (let i = 0; i < 10; i++) await c.call('GET', 'k');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 15, 'with lfu-log-factor 0 every read counts');
    await c.call('SET', 'k', 'w');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 16, 'an overwrite keeps the counter (and counts as an access)');
    assert.match(errorMessage(await c.call('OBJECT', 'IDLETIME', 'k')) ?? '', /^ERR An LFU maxmemory policy is selected/);
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await c.call('SET', 'k', 'v');
    advance(5_000);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 5);
    assert.match(errorMessage(await c.call('OBJECT', 'FREQ', 'k')) ?? '', /^ERR An LFU maxmemory policy is not selected/);
  });

  it('the LFU counter decays by one per lfu-decay-time minutes without reads', async () => {
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu', 'lfu-log-factor', '0', 'lfu-decay-time', '2');
    await c.call('SET', 'k', 'v');
    for (let i = 0; i < 5; i++) await c.call('GET', 'k');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 10);
    advance(6 * 60_000);
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 7);
  });
});
