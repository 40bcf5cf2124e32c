/**
 * The keyspace: numbered databases of key -> value, each with its expiry
 * deadlines, in the manner of Redis's db.c. Every write reports itself through
 * one change hook (Keyspace.onChange) that WATCH, keyspace notifications and
 * client-side caching subscribe to; command code never calls them directly.
 */
import { performance } from 'node:perf_hooks';
import { Clock } from './clock.js';
import { Dict, hashString } from './dict.js';
import { accountedValueBytes, keyEntryBytes, recordEntryBytes, stringBytes, stringValueBytes } from './memory.js';
import type { ByteSink } from './records.js';
import { lfuMinutesAt, lfuNewWord, lfuTouched, lruClockAt, lruIdleMs, type LfuSettings } from './access.js';

/**
 * A string value is a latin1 JS string (one char per byte), or a counter: a
 * safe integer standing for its decimal digits, as INCR and its family store
 * a result (Redis's int encoding), so that counting makes no string and no
 * work for the garbage collector. Other types are objects.
 */
export type StringValue = string | number;
export type Value = StringValue | Collection;

export function isString(v: Value): v is StringValue {
  return typeof v !== 'object';
}

/** The bytes a string value stands for. */
export function stringOf(v: StringValue): string {
  return typeof v === 'string' ? v : String(v);
}

/** What INCR and its family store for a result: the number itself while it may stand as a counter (see StringValue). */
export function counterValue(n: number | bigint): StringValue {
  return typeof n === 'number' ? n : String(n);
}

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** What every non-string value implements. */
export interface Collection {
  readonly type: Exclude<TypeName, 'string'>;
  /** OBJECT ENCODING's answer, following Redis's thresholds (listpack, hashtable, intset, skiplist, quicklist...). */
  encoding(): string;
  /** A deep copy, for COPY. */
  clone(): Collection;
  /** Bytes it takes, kept current as it changes so that this is O(1) (see memory.ts). */
  memoryUsage(): number;
  /** memoryUsage() as its database last counted it, kept by the Database (see memory.ts); 0 until it is stored. */
  accountedBytes: number;
}

export function typeOf(v: Value): TypeName {
  return typeof v === 'object' ? v.type : 'string';
}

/**
 * Keyspace notification classes, the flag characters of notify-keyspace-events:
 * g generic, $ string, l list, s set, h hash, z zset, x expired, e evicted,
 * t stream, n new key, m key miss, d module; and '-', a change that no
 * notification reports (see Database.modified).
 */
export type EventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'n' | 'm' | 'd' | '-';

/**
 * key is null when the whole database changes at once: FLUSHDB/FLUSHALL (reported
 * before the keys go) and SWAPDB (reported with the database it is swapped with).
 */
export type ChangeListener = (db: Database, key: string | null, eventClass: EventClass, event: string, swappedWith?: Database) => void;

export interface KeyspaceStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
}

/** Redis's LRU clock: seconds, 24 bits (INFO's lru_clock; Keyhive's own is finer, see access.ts). */
export const LRU_CLOCK_MAX = (1 << 24) - 1;

/** Notification classes of in-place changes to a collection, after which its size is read again (Keyspace.settleSizes). */
function changesCollection(eventClass: EventClass): boolean {
  return eventClass === 'h' || eventClass === 'l' || eventClass === 's' || eventClass === 'z' || eventClass === 't';
}

/** When a conditional set (Database.setIf) writes: whatever the key holds, or only when it is absent (NX) or present (XX). */
export type SetCondition = 'always' | 'absent' | 'present';

/** Whether condition lets a set go ahead, found telling whether the key exists. */
export function conditionHolds(condition: SetCondition, found: boolean): boolean {
  return condition === 'always' || (condition === 'absent') !== found;
}

/** The keyspace table's number for a key with no deadline (see Database.main). */
const NO_DEADLINE = 0;
/** A key used more recently than this is hot (see Database.isHot). */
export const HOT_KEY_MS = 1;
/** The cron's time for resizing and compacting tables, shared by all of them, in ms per tick. */
const CRON_MAINTENANCE_MS = 1;
/** Buckets or ids per step, between two looks at the clock. */
const CRON_MAINTENANCE_STEP = 100;

/** Takes steps of dict's resizing and id compaction until it is done or the clock passes deadline (performance.now()). */
function maintainUntil(dict: Dict<unknown>, deadline: number): void {
  while (dict.maintenancePending && performance.now() < deadline) dict.maintenanceStep(CRON_MAINTENANCE_STEP);
}

export class Database {
  /**
   * Values, with each key's LRU clock or LFU word in the entry tag (see
   * access.ts). A key added with a short string value is kept with its
   * value as a record outside the V8 heap (Dict's records), for as long as
   * its value is a string that fits and it is not hot (see isHot). A key of
   * its own shares its string with the expires table. Each entry's number
   * is its key's deadline in unix milliseconds (NO_DEADLINE for none), which
   * a lookup reads beside the entry's hash, with no search of the expires
   * table (Redis searches its expires dict).
   */
  readonly main = new Dict<Value>({ tags: true, records: true, numbers: true, shrinkByCall: true });
  /** Sum of the accounted bytes of the keys. */
  bytes = 0;
  /** The entry the last lookup found: usually the key a write then reports, saving recount() a search. */
  private lastFound = -1;
  /** The keys with a deadline (kept in main): the ones the active expiry cycle samples and INFO counts. */
  readonly expires = new Dict<undefined>({ keysOnly: true, shrinkByCall: true });

  constructor(
    readonly index: number,
    readonly keyspace: Keyspace,
  ) {}

  get size(): number {
    return this.main.size;
  }

  /** Lookup for reading: expires lazily, counts hits and misses, refreshes the LRU clock, reports a miss (unless notifyMiss is false, as for OBJECT). */
  lookupRead(key: string, touch = true, notifyMiss = true): Value | undefined {
    const id = this.findRead(key, touch, notifyMiss);
    return id < 0 ? undefined : this.main.valueAt(id);
  }

  /** lookupRead's entry id, -1 for a missing key: for a reader that can take the value's bytes (writeValueTo). */
  findRead(key: string, touch = true, notifyMiss = true): number {
    const id = this.findLive(key, touch);
    if (id < 0) {
      this.keyspace.stats.keyspaceMisses++;
      if (notifyMiss) this.keyspace.emit(this, key, 'm', 'keymiss');
    } else this.keyspace.stats.keyspaceHits++;
    return id;
  }

  /** Writes the value of entry id to sink when it is a string kept as bytes (a record), with no string made; returns whether it was. */
  writeValueTo(id: number, sink: ByteSink): boolean {
    return this.main.writeRecordTo(id, sink);
  }

  /** Lookup for writing: expires lazily, no hit/miss accounting. */
  lookupWrite(key: string): Value | undefined {
    return this.lookup(key, true);
  }

  /** Lookup with no side effect but lazy expiry (TYPE-like introspection, EXISTS). */
  lookup(key: string, touch = false): Value | undefined {
    const id = this.findLive(key, touch);
    return id < 0 ? undefined : this.main.valueAt(id);
  }

  /**
   * lookup's entry id, or -1. h is hashString(key): the main table and the
   * expires table hash alike, so one hash serves a command's lookups of its
   * key in both (about 26 ns for a 16-byte key, 160 for a 100-byte one).
   */
  private findLive(key: string, touch: boolean, h = hashString(key)): number {
    const id = this.main.find(key, h);
    if (id < 0) return -1;
    if (this.expires.size !== 0 && this.expiredAt(id, key)) return -1;
    if (touch && !this.keyspace.noTouch) this.main.setTagAt(id, this.keyspace.touchedTag(this.main.tagAt(id)));
    this.lastFound = id;
    return id;
  }

  /** Whether key exists, as lookup would find it (these three make no string of a value held as bytes). */
  has(key: string): boolean {
    return this.findLive(key, false) >= 0;
  }

  /** Whether key exists, as lookupWrite would find it. */
  hasForWrite(key: string): boolean {
    return this.findLive(key, true) >= 0;
  }

  /**
   * SET's lookup and write (Redis's setGenericCommand and setKey): key is
   * looked up for writing, a stale one expiring first, then set as set()
   * sets it unless condition rules that out; returns whether it wrote. One
   * hash serves the lookups and the write. Under LRU the lookup leaves the
   * clock to set(), which restarts it: touching it first would only make the
   * key look hot (see isHot). A write ruled out touches it, as Redis's
   * lookupKeyWrite does.
   */
  setIf(key: string, value: Value, condition: SetCondition, keepTtl: boolean, deadline?: number): boolean {
    const h = hashString(key);
    const lfu = this.keyspace.lfu !== null;
    if (!conditionHolds(condition, this.findLive(key, lfu, h) >= 0)) {
      if (!lfu) this.findLive(key, true, h);
      return false;
    }
    this.set(key, value, keepTtl, deadline, h);
    return true;
  }

  /** Whether key exists, as lookupRead would find it (hits and misses counted). */
  hasForRead(key: string, touch = true): boolean {
    return this.findRead(key, touch) >= 0;
  }

  /** Sets a key's value. Unless keepTtl, any deadline is dropped (as SET does), or replaced by deadline when one is given (h as for findLive). */
  set(key: string, value: Value, keepTtl = false, deadline?: number, h = hashString(key)): void {
    const main = this.main;
    const size = main.size;
    const id = main.findOrAdd(key, value, h);
    const added = main.size !== size;
    if (added) this.bytes += main.isRecord(id) ? recordEntryBytes(main.recordBytesAt(id)) : keyEntryBytes(key) + this.countValue(value);
    else this.replaceAt(id, key, value);
    // An overwritten key keeps its LFU counter, as in Redis's dbOverwrite.
    if (added || this.keyspace.lfu === null) main.setTagAt(id, this.keyspace.newTag());
    this.lastFound = id;
    if (deadline !== undefined) this.setExpire(key, deadline, h);
    else if (!keepTtl) this.persist(key, h);
    if (added && this.keyspace.reportNewKeys) this.keyspace.emit(this, key, 'n', 'new');
  }

  /**
   * Redis's setKey for a value that replaces whatever the key held: a stale
   * key is expired (and reported) first, and an LFU counter is touched before
   * it carries over, as lookupKeyWrite does. With no deadlines and no LFU
   * that lookup would change nothing, so it is skipped (MSET pays it per key).
   */
  replace(key: string, value: Value): void {
    const h = hashString(key);
    // Under LRU, set() restarts the clock: touching it first would only make the key look hot (see isHot).
    if (this.expires.size !== 0 || this.keyspace.lfu !== null) this.findLive(key, this.keyspace.lfu !== null, h);
    this.set(key, value, false, undefined, h);
  }

  /**
   * Puts value in entry id, whose key is key, in place of the one it held,
   * adjusting the total by the difference. The value may be the one already
   * there, a collection changed in place: its old figure is taken out before
   * the new one is read.
   */
  private replaceAt(id: number, key: string, value: Value): void {
    const main = this.main;
    const hot = this.isHot(id);
    if (hot || !main.recordTakes(id, value)) this.unpack(id, key);
    const recordBefore = main.recordBytesAt(id);
    if (recordBefore >= 0) {
      main.setValueAt(id, value);
      this.bytes += main.recordBytesAt(id) - recordBefore;
      return;
    }
    this.bytes -= accountedValueBytes(main.valueAt(id));
    main.setValueAt(id, value, key);
    this.bytes += this.countValue(value);
    if (!hot && typeof value === 'string') this.pack(id, key);
  }

  /**
   * Whether the key in entry id was used less than HOT_KEY_MS ago (by its
   * LRU clock, which each client's input refreshes; under an LFU policy no
   * key counts as hot). A hot key is written with its value as a string of
   * its own, so that writing it again stores the new string rather than
   * copying its bytes into a record: SET of one key at pipeline 16 took
   * 15-30% more CPU from a record. Only a key written that often gains: its
   * strings die young, before the next scavenge. A key written a few
   * milliseconds apart keeps its record, since under load a scavenge comes
   * every few milliseconds, and a string stored into the old table outlives
   * it, to be copied by it and promoted by the next: with 10,000 keys
   * written in turn at pipeline 16 and a one-second threshold, scavenges
   * took 533 ms for 2M SETs, against 137 ms with this one (see records.ts).
   */
  private isHot(id: number): boolean {
    return this.keyspace.lfu === null && lruIdleMs(this.keyspace.lruClock, this.main.tagAt(id)) < HOT_KEY_MS;
  }

  /** Takes the key in entry id and its value out of their record, if they are in one. */
  private unpack(id: number, key: string): void {
    if (!this.main.isRecord(id)) return;
    const before = this.accountedBytesAt(id);
    const deadline = this.expires.size === 0 ? -1 : this.expires.find(key);
    // With a deadline, the key string the expires table holds becomes the entry's too.
    this.main.unpackAt(id, deadline < 0 ? key : this.expires.keyAt(deadline));
    this.bytes += this.accountedBytesAt(id) - before - (deadline < 0 ? 0 : stringBytes(key.length));
  }

  /** Puts the key in entry id and its value in a record, if its value is a string that fits one. */
  private pack(id: number, key: string): void {
    const before = this.accountedBytesAt(id);
    if (!this.main.packAt(id)) return;
    this.bytes += this.accountedBytesAt(id) - before + (this.hasDeadline(key) ? stringBytes(key.length) : 0);
  }

  private hasDeadline(key: string): boolean {
    return this.expires.size !== 0 && this.expires.find(key) >= 0;
  }

  /** The bytes of a value being stored; a collection records them, to be taken out again when it changes or goes. */
  private countValue(value: Value): number {
    if (typeof value !== 'object') return stringValueBytes(value);
    return (value.accountedBytes = value.memoryUsage());
  }

  /** What the key in entry id was last counted at (MEMORY USAGE, after Keyspace.settleSizes). */
  accountedBytesAt(id: number): number {
    const record = this.main.recordBytesAt(id);
    if (record >= 0) return recordEntryBytes(record);
    return keyEntryBytes(this.main.keyAt(id)) + accountedValueBytes(this.main.valueAt(id));
  }

  /**
   * Replaces the value of a key in place, keeping its deadline. The command
   * has just looked the key up (INCR, APPEND...), so its entry is usually
   * the last one found and needs no second search.
   */
  overwrite(key: string, value: Value): void {
    const id = this.lastFound;
    if (id < 0 || !this.main.hasKeyAt(id, key)) return this.set(key, value, true);
    this.replaceAt(id, key, value);
    // As set() does for a key it replaces: an LFU counter carries over, an LRU clock restarts.
    if (this.keyspace.lfu === null) this.main.setTagAt(id, this.keyspace.newTag());
  }

  /** Sets the LRU clock or LFU word of key, which must exist (RESTORE's IDLETIME and FREQ). */
  setAccessTag(key: string, tag: number): void {
    const id = this.idOf(key);
    if (id >= 0) this.main.setTagAt(id, tag >>> 0);
  }

  delete(key: string): boolean {
    const h = hashString(key);
    const id = this.main.find(key, h);
    if (id < 0) return false;
    // persist finds the entry again, unless it is the hint.
    this.lastFound = id;
    this.persist(key, h);
    this.bytes -= this.accountedBytesAt(id);
    this.main.deleteAt(id);
    return true;
  }

  /** Deadline in unix ms, or -1 when the key has none or is missing. Does not expire it. */
  getExpire(key: string): number {
    const id = this.main.find(key);
    const when = id < 0 ? NO_DEADLINE : this.main.numberAt(id);
    return when === NO_DEADLINE ? -1 : when;
  }

  /**
   * Sets the deadline of key, which must exist. A key newly given one joins
   * the expires table: a key in a record keeps it, and the expires table gets
   * a string of the key of its own (counted in bytes); a key of its own
   * shares its string with the expires table.
   */
  setExpire(key: string, atMs: number, h = hashString(key)): void {
    const id = this.idOf(key, h);
    if (id < 0) return;
    if (this.main.numberAt(id) === NO_DEADLINE) {
      const inRecord = this.main.isRecord(id);
      if (inRecord) this.bytes += stringBytes(key.length);
      this.expires.add(inRecord ? key : this.main.keyAt(id), undefined, h);
    }
    // The epoch itself, long past, would read as no deadline: -1 is as past.
    this.main.setNumberAt(id, atMs === NO_DEADLINE ? -1 : atMs);
  }

  /** Removes the deadline; returns whether there was one (h as for findLive). */
  persist(key: string, h?: number): boolean {
    if (this.expires.size === 0) return false;
    const id = this.idOf(key, h);
    if (id < 0 || this.main.numberAt(id) === NO_DEADLINE) return false;
    if (this.main.isRecord(id)) this.bytes -= stringBytes(key.length);
    this.main.setNumberAt(id, NO_DEADLINE);
    this.expires.deleteAt(this.expires.find(key, h));
    return true;
  }

  /** Deletes the key if its deadline has passed; returns whether it did (h as for findLive). */
  expireIfNeeded(key: string, h?: number): boolean {
    const id = this.main.find(key, h);
    return id >= 0 && this.expiredAt(id, key);
  }

  /** Deletes key, in entry id, if its deadline has passed, unless the dataset is frozen; returns whether it had passed. */
  private expiredAt(id: number, key: string): boolean {
    const when = this.main.numberAt(id);
    if (when === NO_DEADLINE || this.keyspace.clock.now() <= when) return false;
    if (!this.keyspace.frozen) this.deleteExpired(key);
    return true;
  }

  deleteExpired(key: string): void {
    this.delete(key);
    this.keyspace.stats.expiredKeys++;
    this.keyspace.emit(this, key, 'x', 'expired');
  }

  /** Reports a change of key to every subscriber (WATCH, notifications, tracking). */
  changed(key: string, eventClass: EventClass, event: string): void {
    if (changesCollection(eventClass)) this.keyspace.resized(this, key);
    this.keyspace.emit(this, key, eventClass, event);
  }

  /** Records the current size of key's collection, if it still has one (a string, in a record or not, was counted when it was stored). */
  recount(key: string): void {
    const id = this.idOf(key);
    if (id < 0 || this.main.isRecord(id)) return;
    const value = this.main.valueAt(id);
    if (typeof value !== 'object') return;
    const before = value.accountedBytes;
    this.bytes += this.countValue(value) - before;
  }

  /** key's entry id, or -1; usually the last one found, which saves a search (h as for findLive). */
  private idOf(key: string, h?: number): number {
    const hint = this.lastFound;
    // An id may have been reused or moved since: the key it holds now tells.
    return hint >= 0 && this.main.hasKeyAt(hint, key) ? hint : this.main.find(key, h);
  }

  /** Reports a change that Redis signals without a keyspace notification (a bare signalModifiedKey, as PFCOUNT's cache update). */
  modified(key: string): void {
    this.keyspace.emit(this, key, '-', '');
  }

  /** Empties the database, reporting it (before the keys go) as one whole-database change: 'flushdb', or 'flushall' for each database FLUSHALL empties. */
  flush(event: 'flushdb' | 'flushall' = 'flushdb'): void {
    this.keyspace.emit(this, null, 'g', event);
    this.main.clear();
    this.expires.clear();
    this.bytes = 0;
  }

  /** Moves all contents from other into this database (for SWAPDB). */
  swapContents(other: Database): void {
    const swap = <K extends 'main' | 'expires' | 'bytes'>(field: K) => {
      const mine = this[field];
      (this as { [P in K]: Database[P] })[field] = other[field];
      (other as { [P in K]: Database[P] })[field] = mine;
    };
    swap('main');
    swap('expires');
    swap('bytes');
  }
}

/**
 * A listener's registration. While `listening` is false emit() skips it: a
 * subsystem with nothing to do (no WATCHed keys, no blocked clients, no
 * notifications configured...) costs a write nothing. It sets the flag when
 * it has work again, and may clear it from its listener once idle.
 */
export interface ChangeSubscription {
  listening: boolean;
}

export class Keyspace {
  readonly dbs: Database[];
  readonly stats: KeyspaceStats = { keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, evictedKeys: 0 };
  /** Changes since the last save (rdb_changes_since_last_save): every reported change but misses and new-key reports. */
  dirty = 0;
  private readonly listeners: ChangeListener[] = [];
  private readonly subscriptions: ChangeSubscription[] = [];
  /** The LRU clock and LFU's minute clock (see access.ts), refreshed by the cron and as clients' input arrives. */
  lruClock = 0;
  lfuMinutes = 0;
  /** Set while an LFU maxmemory-policy is in force: key tags are LFU words. */
  lfu: LfuSettings | null = null;
  /**
   * Collections changed in place and not yet recounted, as parallel lists of
   * databases and keys: a command may report a change before making it (to
   * keep Redis's event order), so sizes are read once it is done.
   */
  private readonly resizedIn: Database[] = [];
  private readonly resizedKeys: string[] = [];
  /** How many entries of those lists are pending (they are reused, not truncated: truncating costs more than the recount). */
  private resizedCount = 0;
  /** While clients are paused the dataset stays constant: expired keys read as missing but stay, nothing is evicted. */
  frozen = false;
  /** Set while a CLIENT NO-TOUCH client's command runs: lookups leave the LRU/LFU clock alone. */
  noTouch = false;
  /** Whether adding a key reports a 'new' event (class n) too; only notifications want it. */
  reportNewKeys = false;

  constructor(
    databases: number,
    readonly clock: Clock,
  ) {
    this.dbs = Array.from({ length: databases }, (_, i) => new Database(i, this));
    this.refreshClock();
  }

  /**
   * The cron's upkeep of the databases' tables (Redis's tryResizeHashTables
   * and incrementallyRehash): at most one table shrinks per tick, so a mass
   * expiry never pays for two in one event-loop turn, and the tables share
   * about a millisecond of bucket moves and id compaction, so a quiet one
   * still gives its memory back without the tick holding the server longer.
   */
  maintainTables(): void {
    const deadline = performance.now() + CRON_MAINTENANCE_MS;
    let shrunk = false;
    for (const db of this.dbs) {
      for (const table of [db.main, db.expires]) {
        if (!shrunk) shrunk = table.shrinkIfSparse();
        maintainUntil(table, deadline);
      }
    }
  }

  /** Moves the LRU and LFU clocks to now, the clock's time (which a caller that has just read it passes). */
  refreshClock(now = this.clock.now()): void {
    this.lruClock = lruClockAt(now);
    this.lfuMinutes = lfuMinutesAt(now);
  }

  /** The tag of a new key. */
  newTag(): number {
    return this.lfu === null ? this.lruClock : lfuNewWord(this.lfuMinutes);
  }

  /**
   * The tag of a key made from saved data with its access recorded (RESTORE's
   * IDLETIME and FREQ, an RDB file's IDLE and FREQ): the LFU counter under an
   * LFU policy, the idle seconds under the others, or null when the one that
   * counts is not given (-1), for a fresh key's tag.
   */
  restoredTag(idleSeconds: number, frequency: number): number | null {
    if (this.lfu !== null) return frequency >= 0 ? (this.lfuMinutes << 8) | frequency : null;
    if (idleSeconds < 0) return null;
    // The LRU clock counts milliseconds modulo 2^32: an idle time past it reads as the longest one it holds.
    return this.lruClock - Math.min(idleSeconds * 1000, 2 ** 32 - 1);
  }

  /** The tag of a key just accessed, given its tag before. */
  touchedTag(tag: number): number {
    return this.lfu === null ? this.lruClock : lfuTouched(tag, this.lfu, this.lfuMinutes);
  }

  resized(db: Database, key: string): void {
    this.resizedIn[this.resizedCount] = db;
    this.resizedKeys[this.resizedCount++] = key;
  }

  /** Records the sizes of the collections changed since the last call (after each command, and before used_memory is read). */
  settleSizes(): void {
    const count = this.resizedCount;
    if (count === 0) return;
    this.resizedCount = 0;
    for (let i = 0; i < count; i++) this.resizedIn[i].recount(this.resizedKeys[i]);
  }

  onChange(listener: ChangeListener): ChangeSubscription {
    const subscription = { listening: true };
    this.listeners.push(listener);
    this.subscriptions.push(subscription);
    return subscription;
  }

  emit(db: Database, key: string | null, eventClass: EventClass, event: string, swappedWith?: Database): void {
    // A new key is reported again by the write that added it.
    if (eventClass !== 'm' && eventClass !== 'n') this.dirty++;
    for (let i = 0; i < this.listeners.length; i++) {
      if (this.subscriptions[i].listening) this.listeners[i](db, key, eventClass, event, swappedWith);
    }
  }

  /** Swaps the contents of two databases (SWAPDB), reporting both as wholly changed first. */
  swap(a: Database, b: Database): void {
    this.emit(a, null, 'g', 'swapdb', b);
    this.emit(b, null, 'g', 'swapdb', a);
    a.swapContents(b);
  }

  get totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
