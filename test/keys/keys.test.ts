/**
 * Generic key commands where a differential test cannot say enough: the
 * change events each write reports, SCAN's guarantee while the keyspace
 * grows and shrinks, and active expiry of many keys sharing one deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';
import { parseScanCursor } from '../../src/commands/scan.js';

describe('keys: change events', () => {
  let keyhive: RunningServer;
  let client: RawClient;
  const events: string[] = [];
  before(async () => {
    keyhive = await startKeyhive();
    client = await RawClient.connect(keyhive.port);
    // Only generic and expired events: other families may report more (e.g. 'new').
    keyhive.server.keyspace.onChange((db, key, eventClass, event) => {
      if (eventClass === 'g' || eventClass === 'x') events.push(`${db.index} ${key} ${eventClass}:${event}`);
    });
  });
  after(async () => {
    client?.close();
    await keyhive?.close();
  });

  async function eventsOf(...commands: string[][]): Promise<string[]> {
    events.length = 0;
    for (const cmd of commands) await client.call(...cmd);
    return [...events];
  }

  it('DEL and UNLINK report del for each deleted key only', async () => {
    await client.call('MSET', 'a', '1', 'b', '2');
    assert.deepEqual(await eventsOf(['DEL', 'a', 'missing', 'a'], ['UNLINK', 'b']), ['0 a g:del', '0 b g:del']);
  });

  it('RENAME reports rename_from then rename_to; RENAMENX onto an existing key reports nothing', async () => {
    await client.call('MSET', 'src', '1', 'taken', '2');
    assert.deepEqual(await eventsOf(['RENAME', 'src', 'dst']), ['0 src g:rename_from', '0 dst g:rename_to']);
    assert.deepEqual(await eventsOf(['RENAMENX', 'dst', 'taken'], ['RENAME', 'dst', 'dst']), []);
  });

  it('COPY reports copy_to in the target database, MOVE move_from and move_to', async () => {
    await client.call('SET', 'orig', 'v');
    assert.deepEqual(await eventsOf(['COPY', 'orig', 'dup', 'DB', '3']), ['3 dup g:copy_to']);
    assert.deepEqual(await eventsOf(['MOVE', 'orig', '4']), ['0 orig g:move_from', '4 orig g:move_to']);
  });

  it('EXPIRE reports expire, PERSIST persist, a past deadline del', async () => {
    await client.call('SET', 'k', 'v');
    assert.deepEqual(await eventsOf(['EXPIRE', 'k', '100'], ['PERSIST', 'k'], ['PERSIST', 'k'], ['EXPIRE', 'k', '-1']), [
      '0 k g:expire',
      '0 k g:persist',
      '0 k g:del',
    ]);
  });

  it('a stale key read reports expired and counts in stats', async () => {
    // Active expiry off: otherwise the cron may expire the key first, under load, and the GET reports nothing.
    assert.equal(await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
    try {
      const before = keyhive.server.keyspace.stats.expiredKeys;
      await client.call('SET', 'short', 'v', 'PX', '1');
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(await eventsOf(['GET', 'short']), ['0 short x:expired']);
      assert.equal(keyhive.server.keyspace.stats.expiredKeys, before + 1);
    } finally {
      await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });
});

describe('keys: SCAN', () => {
  let keyhive: RunningServer;
  let client: RawClient;
  before(async () => {
    keyhive = await startKeyhive();
    client = await RawClient.connect(keyhive.port);
  });
  after(async () => {
    client?.close();
    await keyhive?.close();
  });

  async function scanAll(between: (call: number) => Promise<void>, ...options: string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    let cursor = '0';
    let call = 0;
    do {
      const [next, keys] = (await client.call('SCAN', cursor, ...options)) as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      await between(call++);
    } while (cursor !== '0');
    return seen;
  }

  it('returns every key that stays for the whole scan while the table grows and shrinks', async () => {
    const stable = Array.from({ length: 1000 }, (_, i) => `stable:${i}`);
    const churn = Array.from({ length: 3000 }, (_, i) => `churn:${i}`);
    await client.call('MSET', ...stable.flatMap((k) => [k, '1']));
    let added = 0;
    const seen = await scanAll(async (call) => {
      if (call === 5) await client.call('MSET', ...churn.flatMap((k) => [k, '1'])); // forces growth
      if (call === 40) await client.call('DEL', ...churn); // forces shrinking
      if (call > 40 && call % 3 === 0) await client.call('SET', `late:${added++}`, '1');
    }, 'COUNT', '7');
    for (const k of stable) assert.ok(seen.has(k), `SCAN missed ${k}`);
  });

  it('MATCH and TYPE filter, COUNT bounds nothing but the work per call', async () => {
    await client.call('HSET', 'stable:hash', 'f', 'v');
    const hashes = await scanAll(async () => {}, 'MATCH', 'stable:*', 'TYPE', 'hash', 'COUNT', '50');
    assert.deepEqual([...hashes], ['stable:hash']);
    const ones = await scanAll(async () => {}, 'MATCH', 'stable:1??');
    assert.equal(ones.size, 100);
  });

  it('parses cursors as strtoul does, keeping the low 32 bits', () => {
    assert.equal(parseScanCursor('0'), 0);
    assert.equal(parseScanCursor(''), 0);
    assert.equal(parseScanCursor('+7'), 7);
    assert.equal(parseScanCursor('-1'), 0xffffffff);
    assert.equal(parseScanCursor('4294967297'), 1);
    assert.equal(parseScanCursor('18446744073709551615'), 0xffffffff);
    for (const bad of ['18446744073709551616', ' 1', '1 ', 'x', '+', '-', '1.0', '0x10']) {
      assert.throws(() => parseScanCursor(bad), (e: { message?: string }) => e.message === 'ERR invalid cursor', bad);
    }
  });
});

describe('keys: active expiry of many keys sharing one deadline', () => {
  const KEYS = 200_000;
  let keyhive: RunningServer;
  before(async () => {
    keyhive = await startKeyhive();
  });
  after(async () => {
    await keyhive?.close();
  });

  /** Fills db 0 in-process (the subject is expiry, not ingestion): KEYS keys all due at deadline. */
  function fill(deadline: number): void {
    const db = keyhive.server.keyspace.dbs[0];
    for (let i = 0; i < KEYS; i++) {
      db.set(`volatile:${i}`, 'v');
      db.setExpire(`volatile:${i}`, deadline);
    }
  }

  it('one cycle stops at its time budget instead of expiring everything at once', async () => {
    const { server } = keyhive;
    const active = server.activeExpiry;
    const db = server.keyspace.dbs[0];
    server.cronPaused = true;
    try {
      fill(server.clock.now() - 1);
      const capsBefore = active.stats.timeCapReachedCount;
      // At hz 1000 the budget is 250us: far too little for 200k deletions on any machine.
      active.cron(1000);
      assert.equal(db.size, KEYS, 'the cycle starts after the cron turn');
      await nextTurn();
      assert.ok(db.size > 0 && db.size < KEYS, `one cycle left ${db.size} of ${KEYS}`);
      assert.equal(active.stats.timeCapReachedCount, capsBefore + 1);
    } finally {
      db.flush();
      server.cronPaused = false;
    }
  });

  it('a slow cycle goes on in later event-loop turns, and fast cycles follow it, without further cron ticks', async () => {
    const { server } = keyhive;
    const db = server.keyspace.dbs[0];
    server.cronPaused = true;
    try {
      fill(server.clock.now() - 1);
      // At hz 1 the budget is 250 ms, but one slice lasts about 1 ms: the rest runs in later turns.
      server.activeExpiry.cron(1);
      await nextTurn();
      assert.ok(db.size > 0 && db.size < KEYS, `the first slice left ${db.size} of ${KEYS}`);
      while (db.size > 0) await new Promise((r) => setTimeout(r, 5));
      assert.equal(db.expires.size, 0);
    } finally {
      server.cronPaused = false;
    }
  });

  it('expires them all while a concurrent client keeps getting correct replies', async () => {
    const { server } = keyhive;
    const client = await RawClient.connect(keyhive.port);
    try {
      await client.call('SET', 'stable', 'still here');
      const expiredBefore = server.keyspace.stats.expiredKeys;
      let expiredEvents = 0;
      server.keyspace.onChange((_db, _key, eventClass, event) => {
        if (eventClass === 'x' && event === 'expired') expiredEvents++;
      });
      fill(server.clock.now() + 200);
      let size = KEYS + 1;
      while (size > 1) {
        assert.equal(await client.call('PING'), 'PONG');
        assert.equal(await client.call('GET', 'stable'), 'still here');
        size = (await client.call('DBSIZE')) as number;
        assert.ok(size >= 1 && size <= KEYS + 1, `DBSIZE ${size}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(await client.call('DBSIZE'), 1);
      assert.equal(server.keyspace.stats.expiredKeys - expiredBefore, KEYS);
      assert.equal(expiredEvents, KEYS);
    } finally {
      client.close();
    }
  });

  it('the cron alone shrinks and compacts both of a database\'s tables once most keys are gone, sharing its time between them', async () => {
    const { server } = keyhive;
    const db = server.keyspace.dbs[0];
    const client = await RawClient.connect(keyhive.port);
    try {
      // hz 100 only makes the ticks, each with its millisecond of upkeep, come sooner.
      await client.call('CONFIG', 'SET', 'hz', '100');
      db.flush();
      fill(server.clock.now() + 3_600_000);
      const full = db.main.memoryUsage() + db.expires.memoryUsage();
      // Deletes leave the keyspace's tables as they are (they shrink only when the cron says so); one key in 1,000 stays.
      for (let i = 0; i < KEYS; i++) if (i % 1000 !== 0) db.delete(`volatile:${i}`);
      assert.equal(db.main.memoryUsage() + db.expires.memoryUsage(), full);
      const shrunk = () => !db.main.maintenancePending && !db.expires.maintenancePending && db.main.memoryUsage() + db.expires.memoryUsage() < full / 100;
      for (let polls = 0; polls < 3000 && !shrunk(); polls++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(shrunk(), `both tables shrank: ${db.main.memoryUsage()} and ${db.expires.memoryUsage()} bytes of ${full}`);
      assert.equal(db.size, KEYS / 1000);
      assert.equal(db.expires.size, KEYS / 1000);
    } finally {
      db.flush();
      await client.call('CONFIG', 'SET', 'hz', '10');
      client.close();
    }
  });
});
