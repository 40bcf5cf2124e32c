/**
 * Active expiry, after Redis 7.0's activeExpireCycle (expire.c). Lazy expiry
 * on access (Database.lookup) removes stale keys that are asked for; this
 * cycle, run from the server cron, finds the ones nobody asks for.
 *
 * Each database's expires dict is walked bucket by bucket with a cursor that
 * persists across cycles (so every key is eventually looked at), about 20 keys
 * per loop. A database is looped on while more than 10% of the keys looked at
 * were stale, and the whole cycle stops once it used its share of CPU time
 * (25% of a cron period). A million keys sharing one deadline therefore go in
 * slices: between two slices the server keeps answering clients.
 */
import type { Dict } from './dict.js';
import type { Database, Keyspace } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const SLOW_TIME_PERCENT = 25;
const ACCEPTABLE_STALE_PERCENT = 10;
/** Databases visited per cycle, unless the last cycle ran out of time (then all). */
const DBS_PER_CALL = 16;
/** The clock is read once every this many loops. */
const LOOPS_PER_TIME_CHECK = 16;

/** Walk state of one expires dict; it follows the dict through SWAPDB, as Redis's does. */
interface DictCursor {
  cursor: number;
  /** Running average TTL (ms) of sampled keys not yet expired, for INFO keyspace's avg_ttl. */
  avgTtl: number;
}

/** What INFO reports about active expiry. */
export interface ActiveExpiryStats {
  /** Running estimate of the share of keys with a TTL that are stale (0..1). */
  stalePercent: number;
  /** Cycles that stopped on their time limit. */
  timeCapReachedCount: number;
  /** Wall time spent in cycles, in microseconds. */
  cycleTimeUsedUs: number;
}

export class ActiveExpiry {
  readonly stats: ActiveExpiryStats = { stalePercent: 0, timeCapReachedCount: 0, cycleTimeUsedUs: 0 };
  private readonly cursors = new WeakMap<Dict<undefined>, DictCursor>();
  /** Next database to visit: a cycle that runs out of time resumes with the following one. */
  private nextDb = 0;
  private lastCycleTimedOut = false;
  /** Reused buffers for the keys and deadlines of the bucket being examined. */
  private readonly bucketKeys: string[] = [];
  private readonly bucketDeadlines: number[] = [];

  constructor(private readonly keyspace: Keyspace) {}

  /**
   * Runs one cycle, as serverCron does hz times a second. effort (1..10) is
   * active-expire-effort: more keys per loop, more CPU, less tolerated staleness.
   * Returns the number of keys expired.
   */
  runCycle(hz: number, effort = 1): number {
    const extra = effort - 1;
    const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * extra;
    const acceptableStale = ACCEPTABLE_STALE_PERCENT - extra;
    const timeLimitUs = Math.max(1, ((SLOW_TIME_PERCENT + 2 * extra) * 1_000_000) / Math.max(1, hz) / 100);
    const start = performance.now();
    const dbs = this.keyspace.dbs;
    const dbsThisCall = this.lastCycleTimedOut ? dbs.length : Math.min(DBS_PER_CALL, dbs.length);
    this.lastCycleTimedOut = false;
    let loops = 0;
    let totalSampled = 0;
    let totalExpired = 0;
    for (let i = 0; i < dbsThisCall && !this.lastCycleTimedOut; i++) {
      const db = dbs[this.nextDb % dbs.length];
      this.nextDb = (this.nextDb + 1) % dbs.length;
      for (;;) {
        if (db.expires.size === 0) {
          this.stateOf(db).avgTtl = 0;
          break;
        }
        loops++;
        const { sampled, expired } = this.expireLoop(db, Math.min(keysPerLoop, db.expires.size));
        totalSampled += sampled;
        totalExpired += expired;
        if (loops % LOOPS_PER_TIME_CHECK === 0 && (performance.now() - start) * 1000 > timeLimitUs) {
          this.lastCycleTimedOut = true;
          this.stats.timeCapReachedCount++;
          break;
        }
        if (sampled !== 0 && Math.floor((expired * 100) / sampled) <= acceptableStale) break;
      }
    }
    this.stats.cycleTimeUsedUs += Math.round((performance.now() - start) * 1000);
    const currentStale = totalSampled === 0 ? 0 : totalExpired / totalSampled;
    this.stats.stalePercent = currentStale * 0.05 + this.stats.stalePercent * 0.95;
    return totalExpired;
  }

  /** Average TTL in ms of db's volatile keys, as last sampled (0 when unknown). */
  averageTtl(db: Database): number {
    return this.cursors.get(db.expires)?.avgTtl ?? 0;
  }

  private stateOf(db: Database): DictCursor {
    let state = this.cursors.get(db.expires);
    if (state === undefined) {
      state = { cursor: 0, avgTtl: 0 };
      this.cursors.set(db.expires, state);
    }
    return state;
  }

  /**
   * Looks at whole buckets of db's expires dict from the saved cursor until
   * `wanted` keys were looked at (or 20x that many buckets were read), and
   * deletes the stale ones.
   */
  private expireLoop(db: Database, wanted: number): { sampled: number; expired: number } {
    const state = this.stateOf(db);
    const now = this.keyspace.clock.now();
    const keys = this.bucketKeys;
    const deadlines = this.bucketDeadlines;
    const expires = db.expires;
    const collect = (id: number) => {
      keys.push(expires.keyAt(id));
      deadlines.push(expires.numberAt(id));
    };
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    for (let buckets = 0; sampled < wanted && buckets < wanted * 20 && expires.size !== 0; buckets++) {
      // The bucket is copied out first: deleting may resize the dict under a live scan.
      state.cursor = expires.scan(state.cursor, collect);
      for (let k = 0; k < keys.length; k++) {
        const ttl = deadlines[k] - now;
        if (ttl < 0) {
          db.deleteExpired(keys[k]);
          expired++;
        } else if (ttl > 0) {
          ttlSum += ttl;
          ttlSamples++;
        }
      }
      sampled += keys.length;
      keys.length = 0;
      deadlines.length = 0;
    }
    if (ttlSamples !== 0) {
      // Integer arithmetic as in Redis: the previous estimate weighs 98%, this sample 2%.
      const sampleAvg = Math.floor(ttlSum / ttlSamples);
      if (state.avgTtl === 0) state.avgTtl = sampleAvg;
      state.avgTtl = Math.floor(state.avgTtl / 50) * 49 + Math.floor(sampleAvg / 50);
    }
    return { sampled, expired };
  }
}
