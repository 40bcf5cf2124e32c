/**
 * Eviction under maxmemory, after Redis's evict.c. Before each command the
 * server calls performEvictions(): while used_memory (memory.ts) is over
 * maxmemory it deletes keys chosen by maxmemory-policy, reporting each as an
 * 'evicted' change (so WATCH, notifications and tracking see it).
 *
 * - allkeys-* choose among all keys, volatile-* only among keys with a
 *   deadline; noeviction never deletes.
 * - lru, lfu and ttl keep Redis's eviction pool: each round samples
 *   maxmemory-samples keys per database, scores them (idle time; 255 minus
 *   the LFU counter; how soon the deadline comes) and keeps the best 16
 *   candidates seen so far, so that good candidates survive across rounds;
 *   the best that still exists is evicted.
 * - random picks a random key, visiting the databases in turn.
 *
 * One call spends at most the time maxmemory-eviction-tenacity allows, then
 * goes on in the background (setImmediate) until the memory fits. A command
 * flagged denyoom is refused with OOM only when nothing more can be evicted.
 */
import type { Server } from '../server/server.js';
import type { Client } from '../server/client.js';
import type { Command } from '../commands/table.js';
import type { Database, Keyspace } from './keyspace.js';
import { databaseBytes, type MemoryMeter } from './memory.js';
import { lfuCounter, lruIdleMs, type LfuSettings } from './access.js';
import { HeapGuard } from './heap-guard.js';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Redis's EVICT_OK, EVICT_RUNNING (still over the limit, evicting in the background), EVICT_FAIL (nothing left to evict). */
export type EvictionResult = 'ok' | 'running' | 'fail';

interface Policy {
  /** Candidates: every key, or only keys with a deadline. */
  allKeys: boolean;
  /** How candidates are chosen; null for noeviction. */
  rank: 'lru' | 'lfu' | 'ttl' | 'random' | null;
}

function parsePolicy(name: string): Policy {
  if (name === 'noeviction') return { allKeys: false, rank: null };
  const [scope, rank] = name.split('-');
  return { allKeys: scope === 'allkeys', rank: rank as Policy['rank'] };
}

/** Evicting stops for a while after this long (maxmemory-eviction-tenacity: 0 to 100). */
function timeLimitMs(tenacity: number): number {
  if (tenacity <= 10) return 0.05 * tenacity;
  if (tenacity < 100) return 0.5 * 1.15 ** (tenacity - 10);
  return Infinity;
}

/** Checked between time checks: the clock is read once per this many evictions. */
const EVICTIONS_PER_TIME_CHECK = 16;
const POOL_SIZE = 16;

/** Commands that run in MULTI even when out of memory (EXEC only if nothing it queued is denyoom). */
const ALWAYS_ALLOWED_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);

/**
 * Redis's eviction pool: the best candidates sampled so far in ascending
 * order of score, the best last. A key may appear twice, or be gone by the
 * time it is picked (a "ghost"); pick() skips those.
 */
class EvictionPool {
  private readonly scores = new Float64Array(POOL_SIZE);
  private readonly keys: (string | null)[] = new Array<string | null>(POOL_SIZE).fill(null);
  private readonly dbs = new Int32Array(POOL_SIZE);

  /** Keeps the candidate if there is room or it beats the worst one kept. */
  offer(score: number, key: string, db: number): void {
    const keys = this.keys;
    let k = 0;
    while (k < POOL_SIZE && keys[k] !== null && this.scores[k] < score) k++;
    if (k === 0 && keys[POOL_SIZE - 1] !== null) return;
    if (k < POOL_SIZE && keys[k] === null) {
      // An empty slot where it belongs.
    } else if (keys[POOL_SIZE - 1] === null) {
      for (let i = POOL_SIZE - 1; i > k; i--) this.move(i - 1, i);
    } else {
      // Full: drop the worst (first) entry to make room just before k.
      k--;
      for (let i = 0; i < k; i++) this.move(i + 1, i);
    }
    keys[k] = key;
    this.scores[k] = score;
    this.dbs[k] = db;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.scores[to] = this.scores[from];
    this.dbs[to] = this.dbs[from];
  }

  /** Takes candidates from the best down until exists() accepts one; returns it, or null when the pool ran dry. */
  pick(exists: (db: number, key: string) => boolean): { db: number; key: string } | null {
    for (let k = POOL_SIZE - 1; k >= 0; k--) {
      const key = this.keys[k];
      if (key === null) continue;
      this.keys[k] = null;
      if (exists(this.dbs[k], key)) return { db: this.dbs[k], key };
    }
    return null;
  }
}

export class Eviction {
  private maxmemory = 0;
  private policy: Policy = parsePolicy('noeviction');
  private samples = 5;
  private tenacity = 10;
  private readonly keyspace: Keyspace;
  private readonly meter: MemoryMeter;
  private readonly pool = new EvictionPool();
  readonly heap: HeapGuard;
  /** The database the random policies visit next. */
  private nextDb = 0;
  /** Evicting goes on in the background (Redis's isEvictionProcRunning). */
  private continuing = false;
  /** Since when (performance.now()) used memory has stayed over maxmemory, 0 while under. */
  private exceededSince = 0;
  private exceededTotalMs = 0;

  constructor(private readonly server: Server) {
    this.keyspace = server.keyspace;
    this.meter = server.memory;
    this.heap = new HeapGuard(() => this.meter.used());
    this.configure();
    server.config.onChange((name) => {
      if (name.startsWith('maxmemory') || name.startsWith('lfu-')) this.configure();
      if (name === 'maxmemory') this.maxmemoryChanged();
    });
  }

  private configure(): void {
    const config = this.server.config;
    this.maxmemory = config.getNumber('maxmemory');
    this.policy = parsePolicy(config.get('maxmemory-policy'));
    this.samples = config.getNumber('maxmemory-samples');
    this.tenacity = config.getNumber('maxmemory-eviction-tenacity');
    this.keyspace.lfu = this.policy.rank === 'lfu' ? { logFactor: config.getNumber('lfu-log-factor'), decayMinutes: config.getNumber('lfu-decay-time') } : null;
  }

  /** As Redis's updateMaxmemory: warn when the new limit is already exceeded, and evict at once. */
  private maxmemoryChanged(): void {
    if (this.maxmemory === 0) return;
    const used = this.meter.used();
    if (this.maxmemory < used) {
      this.server.log(
        'warning',
        `WARNING: the new maxmemory value set via CONFIG SET (${this.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
      );
    }
    this.performEvictions();
  }

  /** Evicts if over maxmemory; then whether memory is still over the limit with nothing left to evict, or the V8 heap is near its own. */
  outOfMemory(): boolean {
    return (this.maxmemory !== 0 && this.performEvictions() === 'fail') || this.heap.critical(this.server.stats.netInputBytes);
  }

  /** Before cmd runs (Redis's processCommand): whether it must be refused with OOM_ERROR (see outOfMemory). */
  refuses(c: Client, cmd: Command): boolean {
    if (!this.outOfMemory()) return false;
    if (cmd.denyOom) return true;
    const multi = c.multi;
    if (multi === null) return false;
    // Queuing takes memory too, so in MULTI everything else is refused.
    if (cmd.fullName === 'exec') return multi.queue.some((queued) => queued.cmd.denyOom);
    return !ALWAYS_ALLOWED_IN_MULTI.has(cmd.fullName);
  }

  /** Evicts until used memory fits maxmemory, the time limit is reached, or nothing is left to evict. */
  performEvictions(): EvictionResult {
    // While clients are paused the dataset stays as it is.
    if (this.keyspace.frozen) return 'ok';
    const result = this.evictToLimit();
    this.noteExceeded(result);
    return result;
  }

  private evictToLimit(): EvictionResult {
    const toFree = this.meter.used() - this.maxmemory;
    if (this.maxmemory === 0 || toFree <= 0) return 'ok';
    if (this.policy.rank === null) return 'fail';
    const start = performance.now();
    const limitMs = timeLimitMs(this.tenacity);
    let freed = 0;
    let evicted = 0;
    while (freed < toFree) {
      const victim = this.policy.rank === 'random' ? this.randomVictim() : this.pooledVictim();
      if (victim === null) return 'fail';
      freed += this.evict(victim.db, victim.key);
      if (++evicted % EVICTIONS_PER_TIME_CHECK === 0 && performance.now() - start > limitMs) {
        this.continueInBackground();
        break;
      }
    }
    const server = this.server;
    server.latency.addSampleIfNeeded('eviction-cycle', Math.floor(performance.now() - start), Math.floor(server.clock.now() / 1000));
    return this.continuing ? 'running' : 'ok';
  }

  /** The dict candidates are drawn from. */
  private candidates(db: Database): Database['main'] | Database['expires'] {
    return this.policy.allKeys ? db.main : db.expires;
  }

  private pooledVictim(): { db: Database; key: string } | null {
    const dbs = this.keyspace.dbs;
    for (;;) {
      let keys = 0;
      for (const db of dbs) {
        const size = this.candidates(db).size;
        if (size === 0) continue;
        keys += size;
        this.sample(db);
      }
      if (keys === 0) return null;
      const best = this.pool.pick((index, key) => this.candidates(dbs[index]).has(key));
      if (best !== null) return { db: dbs[best.db], key: best.key };
    }
  }

  /** Offers maxmemory-samples random candidates of db to the pool. */
  private sample(db: Database): void {
    const dict = this.candidates(db);
    for (let i = 0; i < this.samples; i++) {
      const id = dict.randomId();
      this.pool.offer(this.score(db, id), dict.keyAt(id), db.index);
    }
  }

  /** How good a candidate entry id of the candidates' dict is: the higher, the sooner it goes. */
  private score(db: Database, id: number): number {
    const keyspace = this.keyspace;
    // volatile-ttl: the sooner the deadline, the better.
    if (this.policy.rank === 'ttl') return -db.getExpire(db.expires.keyAt(id));
    const tag = this.policy.allKeys ? db.main.tagAt(id) : db.main.tagAt(db.main.find(db.expires.keyAt(id)));
    if (this.policy.rank === 'lru') return lruIdleMs(keyspace.lruClock, tag);
    return 255 - lfuCounter(tag, keyspace.lfu as LfuSettings, keyspace.lfuMinutes);
  }

  private randomVictim(): { db: Database; key: string } | null {
    const dbs = this.keyspace.dbs;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[(this.nextDb = (this.nextDb + 1) % dbs.length)];
      const dict = this.candidates(db);
      if (dict.size !== 0) return { db, key: dict.keyAt(dict.randomId()) };
    }
    return null;
  }

  /** Deletes key as evicted; returns the bytes that freed. */
  private evict(db: Database, key: string): number {
    const before = databaseBytes(db);
    db.delete(key);
    this.keyspace.stats.evictedKeys++;
    db.changed(key, 'e', 'evicted');
    return before - databaseBytes(db);
  }

  private continueInBackground(): void {
    if (this.continuing) return;
    this.continuing = true;
    const step = () => {
      if (this.performEvictions() === 'running') setImmediate(step);
      else this.continuing = false;
    };
    setImmediate(step);
  }

  /** Keeps the time spent over the limit (INFO's total/current_eviction_exceeded_time). */
  private noteExceeded(result: EvictionResult): void {
    if (result !== 'ok') {
      if (this.exceededSince === 0) this.exceededSince = performance.now();
    } else if (this.exceededSince !== 0) {
      this.exceededTotalMs += performance.now() - this.exceededSince;
      this.exceededSince = 0;
    }
  }

  resetStats(): void {
    this.exceededSince = 0;
    this.exceededTotalMs = 0;
  }

  /** Milliseconds spent over maxmemory: in the current stretch, and in all. */
  exceededTime(): { current: number; total: number } {
    const current = this.exceededSince === 0 ? 0 : performance.now() - this.exceededSince;
    return { current: Math.floor(current), total: Math.floor(this.exceededTotalMs + current) };
  }
}
