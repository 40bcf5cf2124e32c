/**
 * The memory accounting model (store/memory.ts): used_memory follows what V8
 * really uses, and the incremental bookkeeping (per-key sizes, collections'
 * running byte counts) stays equal to a recount after any sequence of writes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive } from '../support/servers.js';
import { Generator } from '../support/random.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';
import { entryBytes, stringBytes } from '../../src/store/memory.js';
import { recordBytes } from '../../src/store/records.js';
import { recountListBytes } from '../support/list-internals.js';
import { typeOf, type Collection, type Database } from '../../src/store/keyspace.js';
import type { Hash } from '../../src/store/hash.js';
import type { SetValue } from '../../src/store/set.js';
import type { List } from '../../src/store/list.js';
import type { ZSet } from '../../src/store/zset.js';

type Command = (string | number)[];

/** Sends commands as pipelines of up to 500 and checks that none failed. */
async function run(c: RawClient, commands: Iterable<Command>): Promise<void> {
  let batch: Command[] = [];
  const flush = async () => {
    for (const cmd of batch) c.send(...cmd);
    for (const cmd of batch) {
      const reply = await c.readRaw();
      assert.ok(!reply.startsWith('-'), `${cmd.slice(0, 3).join(' ')}: ${reply}`);
    }
    batch = [];
  };
  for (const cmd of commands) {
    batch.push(cmd);
    if (batch.length === 500) await flush();
  }
  await flush();
}

let serial = 0;
/** A distinct value of about n bytes. */
function value(n: number): string {
  const head = `v${serial++}:`;
  return head + 'x'.repeat(Math.max(0, n - head.length));
}

/** Mixed data: strings of several sizes and collections in their small and large encodings. */
function* mixedData(): Iterable<Command> {
  for (let i = 0; i < 20000; i++) yield ['SET', `s:${i}`, value(10)];
  for (let i = 0; i < 5000; i++) yield ['SET', `m:${i}`, value(200)];
  for (let i = 0; i < 500; i++) yield ['SET', `l:${i}`, value(5000)];
  for (let i = 0; i < 20; i++) yield ['SET', `h:${i}`, value(200_000)];
  for (let i = 0; i < 2000; i++) yield ['HSET', `hs:${i}`, 'a', value(12), 'b', value(12), 'c', value(12), 'd', value(12), 'e', value(12)];
  for (let i = 0; i < 20; i++) for (let f = 0; f < 500; f++) yield ['HSET', `hl:${i}`, `field:${f}`, value(30)];
  for (let i = 0; i < 2000; i++) yield ['SADD', `ss:${i}`, ...Array.from({ length: 10 }, (_, f) => String(f * 1000 + i))];
  for (let i = 0; i < 20; i++) for (let f = 0; f < 1000; f++) yield ['SADD', `sl:${i}`, `member:${f}`];
  for (let i = 0; i < 2000; i++) yield ['ZADD', `zs:${i}`, ...Array.from({ length: 10 }, (_, f) => [String(f * 1.5), `m${f}`]).flat()];
  for (let i = 0; i < 20; i++) for (let f = 0; f < 1000; f++) yield ['ZADD', `zl:${i}`, String((f * 7919) % 1000), `member:${f}`];
  for (let i = 0; i < 2000; i++) yield ['RPUSH', `ls:${i}`, ...Array.from({ length: 10 }, () => value(10))];
  for (let i = 0; i < 20; i++) for (let f = 0; f < 2000; f++) yield ['LPUSH', `ll:${i}`, value(20)];
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  assert.ok(m, `INFO has ${name}`);
  return Number(m[1]);
}

/** used_memory and V8's heap plus external memory, right after a full collection. */
async function measure(c: RawClient): Promise<{ used: number; v8: number }> {
  assert.equal(await c.call('MEMORY', 'PURGE'), 'OK');
  const info = String(await c.call('INFO', 'memory'));
  return { used: infoField(info, 'used_memory'), v8: infoField(info, 'allocator_allocated') };
}

/** Bytes of a collection's element strings, counted from its contents. */
function elementBytes(value: Collection): number {
  let bytes = 0;
  const add = (s: string) => (bytes += stringBytes(s.length));
  switch (value.type) {
    case 'hash': {
      // A large hashtable keeps each field and its value as one record, when they fit one.
      const hash = value as Hash;
      for (const slot of hash.slots()) {
        const [field, v] = [hash.fieldAt(slot), hash.valueAt(slot)];
        if (hash.dict?.isRecord(slot)) bytes += recordBytes(field.length, v.length);
        else {
          add(field);
          add(v);
        }
      }
      break;
    }
    case 'set':
      (value as SetValue).forEach(add);
      break;
    case 'list':
      // A list's figure is its own: elementBytes recounts it from what the list holds (small: strings; packed: arrays).
      return recountListBytes(value as List);
    case 'zset':
      (value as ZSet).forEachAscending(add);
      break;
    default:
      assert.fail(`no recount for ${value.type}`);
  }
  return bytes;
}

/** A collection's running count of its element bytes (private state, read here to check it). */
function runningElementBytes(value: Collection): number {
  if (value.type === 'zset') return (value as unknown as { store: { memberBytes: number } }).store.memberBytes;
  if (value.type === 'list') return value.memoryUsage();
  return (value as unknown as { stringBytes: number }).stringBytes;
}

/** A random write of any family, on a few keys so that they are created, changed in place and deleted. */
function randomWrite(g: Generator): Command {
  const key = `k${g.int(12)}`;
  const other = `k${g.int(12)}`;
  const member = () => (g.int(3) === 0 ? String(g.int(100)) : value(g.pick([1, 8, 70, 300])));
  const members = () => Array.from({ length: g.between(1, 150) }, member);
  return g.pick<() => Command>([
    () => ['SET', key, value(g.pick([3, 40, 2000]))],
    () => ['APPEND', key, value(g.between(1, 50))],
    () => ['SETRANGE', key, g.int(100), value(20)],
    // Counters: small ones, ones past V8's small integers, negative ones.
    () => ['INCRBY', key, g.pick([1, 2 ** 31, -(2 ** 40)])],
    () => ['HSET', key, ...members().flatMap((m) => [m.slice(0, 20), member()])],
    () => ['HDEL', key, ...members().map((m) => m.slice(0, 20))],
    () => ['HINCRBY', key, String(g.int(10)), 3],
    () => ['SADD', key, ...members()],
    () => ['SREM', key, ...members()],
    () => ['SPOP', key, g.int(20)],
    () => ['SMOVE', key, other, member()],
    () => ['SINTERSTORE', key, key, other],
    () => ['SUNIONSTORE', key, key, other],
    () => ['ZADD', key, ...members().flatMap((m) => [g.int(1000) / 10, m])],
    () => ['ZREM', key, ...members()],
    () => ['ZINCRBY', key, 2, member()],
    () => ['ZREMRANGEBYRANK', key, g.int(20), g.int(40)],
    () => ['ZPOPMIN', key, g.int(10)],
    () => ['ZUNIONSTORE', key, 2, key, other],
    () => ['RPUSH', key, ...members()],
    () => ['LPUSH', key, ...members()],
    () => ['LPOP', key, g.int(30)],
    () => ['RPOP', key, g.int(30)],
    () => ['LTRIM', key, g.int(50), g.between(-50, 200)],
    () => ['LSET', key, 0, member()],
    () => ['LINSERT', key, 'BEFORE', member(), member()],
    () => ['LREM', key, 0, member()],
    () => ['LMOVE', key, other, 'LEFT', 'RIGHT'],
    () => ['DEL', key],
    () => ['RENAME', key, other],
    () => ['COPY', key, other, 'REPLACE'],
    () => ['MOVE', key, '1'],
    () => ['EXPIRE', key, 1000],
    () => ['PERSIST', key],
    () => ['SWAPDB', '0', '1'],
  ])();
}

/** Each key's recorded size and each collection's running count equal a recount, and each database's total is their sum. */
function checkBookkeeping(dbs: Database[]): void {
  for (const db of dbs) {
    let total = 0;
    for (const id of db.main.idList()) {
      const key = db.main.keyAt(id);
      const v = db.main.valueAt(id);
      assert.equal(db.accountedBytesAt(id), entryBytes(key, v, db.main.isRecord(id)), `recorded size of ${key} (${typeOf(v)})`);
      if (typeof v === 'object') assert.equal(runningElementBytes(v), elementBytes(v), `element bytes of ${key} (${v.type}, ${v.encoding()})`);
      // A key in a record that has a deadline: the expires table's own string of it.
      total += db.accountedBytesAt(id) + (db.main.isRecord(id) && db.getExpire(key) >= 0 ? stringBytes(key.length) : 0);
    }
    assert.equal(db.bytes, total, `db${db.index} total`);
  }
}

describe('memory accounting', () => {
  it('used_memory grows with V8 heap and external memory within 15% over mixed data', async () => {
    const server = await spawnKeyhive([], ['--expose-gc']);
    const c = await RawClient.connect(server.port);
    try {
      const before = await measure(c);
      await run(c, mixedData());
      const after = await measure(c);
      const accounted = after.used - before.used;
      const measured = after.v8 - before.v8;
      assert.ok(measured > 20e6, `the data takes room (${measured} bytes)`);
      assert.ok(Math.abs(accounted / measured - 1) <= 0.15, `used_memory grew ${accounted} bytes, V8 ${measured}`);
    } finally {
      c.close();
      await server.stop();
    }
  });

  it('per-key sizes and collections running counts equal a recount after random writes of every family', async () => {
    const running = await startKeyhive();
    const c = await RawClient.connect(running.port);
    try {
      const g = new Generator(20240611);
      for (let round = 0; round < 6; round++) {
        const writes = Array.from({ length: 500 }, () => randomWrite(g));
        // Errors (WRONGTYPE, no such key...) are expected of random writes; only the bookkeeping is checked.
        for (const cmd of writes) c.send(...cmd);
        for (let i = 0; i < writes.length; i++) await c.readRaw();
        checkBookkeeping(running.server.keyspace.dbs.slice(0, 2));
      }
      await c.call('FLUSHALL');
      assert.deepEqual(running.server.keyspace.dbs.map((db) => db.bytes), new Array(16).fill(0));
    } finally {
      c.close();
      await running.close();
    }
  });

  it('a collection grown and then renamed or moved in one transaction is counted at its new size', async () => {
    const running = await startKeyhive();
    const c = await RawClient.connect(running.port);
    try {
      // Sizes of collections changed in place are settled after the outermost command, here EXEC.
      await run(c, [['HSET', 'h', 'a', '1'], ['RPUSH', 'l', 'x'], ['MULTI'], ['HSET', 'h', 'b', value(100)], ['RENAME', 'h', 'h2'], ['RPUSH', 'l', value(100)], ['MOVE', 'l', '1'], ['EXEC']]);
      checkBookkeeping(running.server.keyspace.dbs.slice(0, 2));
    } finally {
      c.close();
      await running.close();
    }
  });
});
