/**
 * Active expiry, after Redis 7.0's activeExpireCycle (expire.c). Lazy expiry
 * on access (Database.lookup) removes stale keys that are asked for; these
 * cycles find the ones nobody asks for.
 *
 * Each database's expires dict is walked bucket by bucket with a cursor that
 * persists across cycles (so every key is eventually looked at), about 20 keys
 * per loop. A database is looped on while more than 10% of the keys looked at
 * were stale. As in Redis there are two kinds of cycle:
 *   - a slow cycle starts at every cron tick (hz a second) and may use 25% of
 *     the cron period;
 *   - fast cycles follow while the last cycle ran out of time: 1 ms each,
 *     starting at least 2 ms apart. (Redis 7.0 means to run them also while
 *     its stale estimate is above 10%, but compares a fraction with a
 *     percentage, so in effect only a timed-out cycle starts one.)
 * Unlike Redis, a slow cycle does not hold the server for its whole budget
 * (25 ms at hz 10): it runs in slices no longer than a fast cycle, one per
 * event-loop turn, so clients are served between two slices. A million keys
 * sharing one deadline therefore go at Redis's pace without a stall longer
 * than about a millisecond.
 */
import type { Dict } from './dict.js';
import type { Database, Keyspace } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const SLOW_TIME_PERCENT = 25;
const FAST_DURATION_US = 1000;
const ACCEPTABLE_STALE_PERCENT = 10;
/** Databases visited per cycle, unless the last cycle ran out of time (then all). */
const DBS_PER_CALL = 16;

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

/** What the server tells active expiry and is told by it. */
export interface ExpiryHost {
  /** Whether a cycle may go on: active expiry enabled, and the dataset not frozen by CLIENT PAUSE. */
  mayExpire(): boolean;
  /** How long one slice held the event loop, in ms (LATENCY's expire-cycle event). */
  sliceRan(ms: number): void;
}

/** The knobs of active-expire-effort (1..10), scaled as Redis scales them. */
interface Effort {
  keysPerLoop: number;
  acceptableStale: number;
  /** A fast cycle's duration, and the longest slice of a slow one. */
  sliceUs: number;
  slowTimePercent: number;
}

function effortOf(effort: number): Effort {
  const extra = effort - 1;
  return {
    keysPerLoop: KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * extra,
    acceptableStale: ACCEPTABLE_STALE_PERCENT - extra,
    sliceUs: FAST_DURATION_US + (FAST_DURATION_US / 4) * extra,
    slowTimePercent: SLOW_TIME_PERCENT + 2 * extra,
  };
}

/** A cycle under way, possibly across several slices. */
interface Cycle {
  effort: Effort;
  /** Microseconds it may still use. */
  budgetUs: number;
  /** Databases it has yet to start on. */
  dbsLeft: number;
  /** The database a slice ran out of time in: the next slice resumes there. */
  current: Database | null;
  sampled: number;
  expired: number;
}

export class ActiveExpiry {
  readonly stats: ActiveExpiryStats = { stalePercent: 0, timeCapReachedCount: 0, cycleTimeUsedUs: 0 };
  private readonly cursors = new WeakMap<Dict<undefined>, DictCursor>();
  /** Next database to start on: a cycle that runs out of time resumes with the following one. */
  private nextDb = 0;
  private lastCycleTimedOut = false;
  private cycle: Cycle | null = null;
  /** The next slice of the cycle under way, or the next fast cycle, when one is scheduled. */
  private nextSlice: NodeJS.Immediate | null = null;
  private nextFastCycle: NodeJS.Timeout | null = null;
  /** performance.now() when the last fast cycle started. */
  private lastFastCycle = -Infinity;
  /** Reused buffers for the keys and deadlines of the bucket being examined. */
  private readonly bucketKeys: string[] = [];
  private readonly bucketDeadlines: number[] = [];

  constructor(
    private readonly keyspace: Keyspace,
    private readonly host: ExpiryHost,
  ) {}

  /**
   * Starts a slow cycle, as serverCron does hz times a second; effort (1..10)
   * is active-expire-effort: more keys per loop, more CPU, less tolerated
   * staleness. Its slices run in the event-loop turns that follow, the
   * first one too, so that it does not lengthen the cron's own turn. A cycle
   * still unfinished from the last tick is dropped.
   */
  cron(hz: number, effort = 1): void {
    this.cancelPending();
    if (this.cycle !== null) this.endCycle(true);
    const settings = effortOf(effort);
    this.startCycle(settings, Math.max(1, (settings.slowTimePercent * 1_000_000) / Math.max(1, hz) / 100));
    this.nextSlice = setImmediate(() => this.continueCycle());
  }

  /** Cancels whatever is scheduled (the server is closing). */
  stop(): void {
    this.cancelPending();
    this.cycle = null;
  }

  /** Average TTL in ms of db's volatile keys, as last sampled (0 when unknown). */
  averageTtl(db: Database): number {
    return this.cursors.get(db.expires)?.avgTtl ?? 0;
  }

  private startCycle(effort: Effort, budgetUs: number): void {
    const dbs = this.keyspace.dbs.length;
    this.cycle = { effort, budgetUs, dbsLeft: this.lastCycleTimedOut ? dbs : Math.min(DBS_PER_CALL, dbs), current: null, sampled: 0, expired: 0 };
    this.lastCycleTimedOut = false;
  }

  private cancelPending(): void {
    if (this.nextSlice !== null) clearImmediate(this.nextSlice);
    if (this.nextFastCycle !== null) clearTimeout(this.nextFastCycle);
    this.nextSlice = this.nextFastCycle = null;
  }

  /** Runs the current cycle for at most one slice, then schedules what follows. */
  private runSlice(): void {
    const cycle = this.cycle as Cycle;
    const limitUs = Math.min(cycle.effort.sliceUs, cycle.budgetUs);
    const start = performance.now();
    const finished = this.expireFor(cycle, start, limitUs);
    const elapsedMs = performance.now() - start;
    const elapsedUs = Math.round(elapsedMs * 1000);
    this.stats.cycleTimeUsedUs += elapsedUs;
    cycle.budgetUs -= elapsedUs;
    this.host.sliceRan(elapsedMs);
    if (finished) {
      this.endCycle(false);
    } else if (cycle.budgetUs <= 0) {
      this.stats.timeCapReachedCount++;
      this.endCycle(true);
      this.scheduleFastCycle(cycle.effort);
    } else {
      this.nextSlice = setImmediate(() => this.continueCycle());
    }
  }

  private continueCycle(): void {
    this.nextSlice = null;
    if (this.host.mayExpire()) this.runSlice();
    else this.cycle = null;
  }

  /** Closes the cycle's accounts; workLeft: it stopped before visiting all its databases to the end. */
  private endCycle(workLeft: boolean): void {
    const cycle = this.cycle as Cycle;
    this.cycle = null;
    this.lastCycleTimedOut = workLeft;
    const currentStale = cycle.sampled === 0 ? 0 : cycle.expired / cycle.sampled;
    this.stats.stalePercent = currentStale * 0.05 + this.stats.stalePercent * 0.95;
  }

  /** A fast cycle starts no sooner than twice its duration after the last one started, as in Redis. */
  private scheduleFastCycle(effort: Effort): void {
    const waitMs = Math.max(0, this.lastFastCycle + (2 * effort.sliceUs) / 1000 - performance.now());
    // Unlike an immediate, an unreferenced timer still fires on time; it just does not keep the process alive.
    this.nextFastCycle = setTimeout(() => {
      this.nextFastCycle = null;
      if (!this.host.mayExpire()) return;
      this.lastFastCycle = performance.now();
      this.startCycle(effort, effort.sliceUs);
      this.runSlice();
    }, waitMs).unref();
  }

  /**
   * Expires in the cycle's databases until limitUs past start (true: the
   * cycle is done) or until the time is up (false: the next slice resumes in
   * the same database). A database is looped on while more than the
   * acceptable share of the keys looked at were stale.
   */
  private expireFor(cycle: Cycle, start: number, limitUs: number): boolean {
    const dbs = this.keyspace.dbs;
    const { keysPerLoop, acceptableStale } = cycle.effort;
    for (;;) {
      let db = cycle.current;
      if (db === null) {
        if (cycle.dbsLeft === 0) return true;
        cycle.dbsLeft--;
        db = dbs[this.nextDb % dbs.length];
        this.nextDb = (this.nextDb + 1) % dbs.length;
        cycle.current = db;
      }
      for (;;) {
        if (db.expires.size === 0) {
          this.stateOf(db).avgTtl = 0;
          break;
        }
        const { sampled, expired } = this.expireLoop(db, Math.min(keysPerLoop, db.expires.size));
        cycle.sampled += sampled;
        cycle.expired += expired;
        if (sampled !== 0 && Math.floor((expired * 100) / sampled) <= acceptableStale) break;
        if ((performance.now() - start) * 1000 > limitUs) return false;
      }
      cycle.current = null;
    }
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
    // The buffers are overwritten, never truncated: setting an array's length is a call into the V8 runtime.
    let inBucket = 0;
    const collect = (id: number) => {
      const key = expires.keyAt(id);
      keys[inBucket] = key;
      deadlines[inBucket++] = db.getExpire(key);
    };
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    for (let buckets = 0; sampled < wanted && buckets < wanted * 20 && expires.size !== 0; buckets++) {
      // The bucket is copied out first: deleting may resize the dict under a live scan.
      inBucket = 0;
      state.cursor = expires.scan(state.cursor, collect);
      for (let k = 0; k < inBucket; k++) {
        const ttl = deadlines[k] - now;
        if (ttl < 0) {
          db.deleteExpired(keys[k]);
          expired++;
        } else if (ttl > 0) {
          ttlSum += ttl;
          ttlSamples++;
        }
      }
      sampled += inBucket;
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
