/**
 * A chained hash table of byte-string keys (latin1 JS strings), modelled on
 * Redis's dict.c. Every keyed structure in Keyhive uses it: the keyspace,
 * hashes, sets and the member index of sorted sets.
 *
 * Why not a JS Map: Redis semantics need three things a Map cannot give
 * cheaply - a uniformly random entry (RANDOMKEY, SPOP, eviction sampling),
 * a SCAN cursor that survives growth and shrinking (Redis's reverse-binary
 * bucket cursor), and optional per-entry numeric columns (expiry deadline,
 * LRU/LFU clock, sorted-set score) without a wrapper object per entry.
 *
 * Entries live in parallel arrays indexed by an entry id; ids of deleted
 * entries are recycled through a free list. Buckets hold (id + 1) of the
 * first entry of their chain, 0 meaning empty.
 *
 * An entry's fixed-size fields (its hash, its chain link, and where asked
 * for its tag and its record's handle) sit side by side in one Int32Array,
 * not in a column each: in a table too large for the CPU's caches every
 * column a lookup reads is a cache miss and a TLB miss of its own, and at
 * ten million keys those misses are most of a GET's time. Beside the
 * buckets, a GET of a short string so touches the entry's fields and its
 * record: three places in memory (Redis's dict touches four: the bucket,
 * the dictEntry, the key and the value object).
 */

import { ChunkedArray } from './chunked-array.js';
import { objectBytes, typedArrayBytesOf } from './memory.js';
import { RecordArena, fitsRecord, type ByteSink } from './records.js';

const MIN_BUCKETS = 4;
/** Tables with fewer buckets than this resize at once; larger ones a step at a time (see resizeStep). */
const STEPWISE_RESIZE_BUCKETS = 1024;
/** Buckets a lookup, insert or delete moves along while the table resizes. */
const RESIZE_STEP_BUCKETS = 16;
/** Ids an insert moves along while the table compacts (see compactStep), more than it adds, so compaction always ends. */
const COMPACT_STEP_IDS = 16;
const HASH_SEED = (Math.random() * 0x7fffffff) | 0;
/** An entry's first two fields in Dict.meta: its key's hash, and the next id in its bucket's chain as id + 1 (0 for none; the free list's link for a free id). */
const HASH = 0;
const NEXT = 1;
/** The keys column's entry for a key kept in a record: live (the column's entries for ids in use are), and no key. */
const IN_RECORD = Symbol('in record');

/** Murmur3-style hash of a latin1 string; seeded per process against collision floods. */
export function hashString(s: string): number {
  let h = HASH_SEED ^ s.length;
  const n = s.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n - i;
  if (tail > 0) {
    let k = s.charCodeAt(i);
    if (tail > 1) k |= s.charCodeAt(i + 1) << 8;
    if (tail > 2) k |= s.charCodeAt(i + 2) << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function reverseBits32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

export interface DictOptions {
  /** Keep a Float64 number per entry (expiry deadline, score). */
  numbers?: boolean;
  /** Keep a Uint32 tag per entry (LRU/LFU clock). */
  tags?: boolean;
  /** Keys alone (a set of keys, a key to a number): no value column, every value reads undefined. */
  keysOnly?: boolean;
  /**
   * For the keyspace and large hashes: a new entry's key and short string
   * value (RECORD_MAX bytes together) are kept as one record outside the V8
   * heap (see records.ts), with the record's handle among the entry's fields
   * (see meta), so that a lookup of it reads neither the keys column nor the
   * value column. A new value that fits replaces the old
   * one in the record; any other value, or unpackAt, gives the entry a key
   * string and a value of their own, until packAt puts them back. keyAt and
   * valueAt make strings of a record's bytes; writeRecordTo hands the value
   * over with none made.
   */
  records?: boolean;
  /**
   * Entries to make room for at once, for a table filled from a known
   * number of them (a collection converted to a table, a copy): growing from
   * empty would allocate its columns again at each doubling, and a typed
   * array over 64 bytes costs 300 ns or more to allocate.
   */
  capacity?: number;
  /** Called when compaction moves an entry to another id (for a structure that refers to entries by id). */
  onRelocate?: (from: number, to: number) => void;
  /** Shrink only when shrinkIfSparse() is called (the keyspace's tables, from the cron, as Redis does), not on the delete that makes it sparse. */
  shrinkByCall?: boolean;
}

export class Dict<V = undefined> {
  /** Each key; IN_RECORD for a record. */
  private keys = new ChunkedArray<string | typeof IN_RECORD>();
  /** The value column; null for a keysOnly dict (8 bytes an entry saved). Unset for a record. */
  private vals: ChunkedArray<V> | null;
  /**
   * Each entry's fixed-size fields, `stride` Int32s from id * stride: HASH,
   * NEXT, then at tagField its tag (tags), at
   * recordField its record's handle as ~handle (records; 0, as a new
   * array is filled, for none, so that an id not yet used reads as no
   * record), and last, 8-byte aligned, its number (numbers), which nums
   * reads as a Float64Array over the same bytes.
   */
  private meta: Int32Array;
  private readonly stride: number;
  private readonly tagField: number;
  private readonly recordField: number;
  /** Where an entry's number is among its fields, counted in 8-byte units; -1 without numbers. */
  private readonly numberField: number;
  /** The ids meta has room for. */
  private idCapacity: number;
  /** meta's bytes as Float64s, for the numbers; null without them. */
  private nums: Float64Array | null = null;
  // Initialised here rather than in the constructor, which may replace it (capacity): V8 then knows the field's type from the start.
  private buckets = new Int32Array(MIN_BUCKETS);
  /** buckets.length - 1; while resizing, the larger of the two sizes is the one allocated. */
  private mask = MIN_BUCKETS - 1;
  /**
   * While the buckets are resized a step at a time, as Redis rehashes
   * incrementally: the bucket array has the larger size, and the buckets of
   * the smaller size below resizeCursor are in the new layout (split in two
   * when growing, joined with their upper twin when shrinking), the rest
   * still in the old one. See bucketOf.
   */
  private resizing = false;
  private growing = false;
  private resizeCursor = 0;
  /** Entry ids below this have been handed out at least once. */
  private used = 0;
  /** Head of the free list of recycled entry ids, as id + 1 (0 = empty). */
  private freeHead = 0;
  /**
   * True while ids are being compacted (see compactStep): the free list is
   * off, new entries take ids at the top, and deleted ones leave holes that
   * compaction fills by moving the highest entries down.
   */
  private compacting = false;
  /** Whether resizing or compacting has work left (see maintenanceStep). */
  get maintenancePending(): boolean {
    return this.resizing || this.compacting;
  }

  /** While compacting: no hole below this id. */
  private holeCursor = 0;
  size = 0;

  private readonly shrinkOnDelete: boolean;
  /** With the records option, where the records are; else null. */
  private records: RecordArena | null;
  private readonly onRelocate: ((from: number, to: number) => void) | null;

  constructor(options: DictOptions = {}) {
    let slots = MIN_BUCKETS;
    while (slots < (options.capacity ?? 0)) slots *= 2;
    if (slots > MIN_BUCKETS) {
      this.buckets = new Int32Array(slots);
      this.mask = slots - 1;
    }
    this.shrinkOnDelete = !options.shrinkByCall;
    this.tagField = options.tags ? NEXT + 1 : -1;
    this.recordField = options.records ? Math.max(NEXT, this.tagField) + 1 : -1;
    const int32Fields = Math.max(NEXT, this.tagField, this.recordField) + 1;
    const aligned = int32Fields + (int32Fields & 1);
    this.numberField = options.numbers ? aligned / 2 : -1;
    this.stride = options.numbers ? aligned + 2 : int32Fields;
    this.idCapacity = slots;
    this.meta = this.withNumbers(new Int32Array(slots * this.stride));
    this.records = options.records ? new RecordArena() : null;
    this.vals = options.keysOnly ? null : new ChunkedArray<V>();
    this.onRelocate = options.onRelocate ?? null;
  }

  /** Entry id of key, or -1; h is hashString(key), for a caller that has it already. */
  find(key: string, h?: number): number {
    return this.size === 0 ? -1 : this.findHashed(key, h ?? hashString(key));
  }

  /** Entry id of key, whose hash is h, or -1. */
  private findHashed(key: string, h: number): number {
    if (this.resizing) this.resizeStep(RESIZE_STEP_BUCKETS);
    const meta = this.meta;
    let id = this.buckets[this.bucketOf(h)] - 1;
    while (id >= 0) {
      const at = id * this.stride;
      if (meta[at + HASH] === h && this.hasKeyAt(id, key)) return id;
      id = meta[at + NEXT] - 1;
    }
    return -1;
  }

  /** Whether entry id holds key (false for a free id). */
  hasKeyAt(id: number, key: string): boolean {
    const record = this.recordAt(id);
    if (record >= 0) return (this.records as RecordArena).hasKey(record, key);
    return this.keys.get(id) === key;
  }

  /** With the records option, the record holding entry id's key and value, else -1. */
  private recordAt(id: number): number {
    return this.recordField < 0 ? -1 : ~this.meta[id * this.stride + this.recordField];
  }

  /** Whether the dict has the records option. */
  get keepsRecords(): boolean {
    return this.records !== null;
  }

  /** Whether entry id's key and value are a record (see DictOptions.records). */
  isRecord(id: number): boolean {
    return this.recordAt(id) >= 0;
  }

  /** Whether entry id is a record that value, a new value for it, fits. */
  recordTakes(id: number, value: V): boolean {
    const record = this.recordAt(id);
    return record >= 0 && typeof value === 'string' && fitsRecord((this.records as RecordArena).keyLength(record), value.length);
  }

  /** The bytes of entry id's record, or -1 when it has none. */
  recordBytesAt(id: number): number {
    const record = this.recordAt(id);
    return record < 0 ? -1 : (this.records as RecordArena).bytesOf(record);
  }

  /** Hands entry id's key to sink when it is in a record, with no string made; returns whether it was. */
  writeRecordKeyTo(id: number, sink: ByteSink): boolean {
    const record = this.recordAt(id);
    if (record < 0) return false;
    (this.records as RecordArena).writeKeyTo(record, sink);
    return true;
  }

  /** Hands entry id's value to sink when it is in a record, with no string made; returns whether it was. */
  writeRecordTo(id: number, sink: ByteSink): boolean {
    const record = this.recordAt(id);
    if (record < 0) return false;
    (this.records as RecordArena).writeValueTo(record, sink);
    return true;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  get(key: string): V | undefined {
    const id = this.find(key);
    return id < 0 ? undefined : this.valueAt(id);
  }

  /** Inserts or replaces; returns the entry id. Numbers and tags of a new entry start at 0. */
  set(key: string, value: V): number {
    const size = this.size;
    const id = this.findOrAdd(key, value);
    if (this.size === size) this.setValueAt(id, value, key);
    return id;
  }

  /** Entry id of key; when absent, key is inserted with value first (size tells which). One hash for both (h as for find). */
  findOrAdd(key: string, value: V, h = hashString(key)): number {
    const id = this.findHashed(key, h);
    return id >= 0 ? id : this.insertNew(key, value, h);
  }

  /** Inserts a key known to be absent (h as for find). */
  add(key: string, value: V, h = hashString(key)): number {
    return this.insertNew(key, value, h);
  }

  private insertNew(key: string, value: V, h: number): number {
    if (this.size >= this.buckets.length) this.startResize(true);
    const id = this.allocateId();
    const at = id * this.stride;
    this.meta[at + HASH] = h;
    if (this.tagField >= 0) this.meta[at + this.tagField] = 0;
    if (this.nums) this.setNumberAt(id, 0);
    this.store(id, key, value);
    this.link(id);
    this.size++;
    return id;
  }

  private allocateId(): number {
    if (this.compacting) this.compactStep(COMPACT_STEP_IDS);
    else if (this.freeHead !== 0) {
      const id = this.freeHead - 1;
      this.freeHead = this.meta[id * this.stride + NEXT];
      return id;
    }
    if (this.used === this.idCapacity) this.growColumns(this.used * 2);
    return this.used++;
  }

  /** Gives meta room for capacity ids (more or fewer), keeping the fields of the ids that still fit. */
  private growColumns(capacity: number): void {
    const meta = new Int32Array(capacity * this.stride);
    meta.set(this.meta.subarray(0, Math.min(this.meta.length, meta.length)));
    this.meta = this.withNumbers(meta);
    this.idCapacity = capacity;
  }

  /** meta, a new array of the fields, after pointing nums at its bytes. */
  private withNumbers(meta: Int32Array): Int32Array {
    if (this.numberField >= 0) this.nums = new Float64Array(meta.buffer, meta.byteOffset, meta.length / 2);
    return meta;
  }

  /** Removes key; returns whether it was present. */
  delete(key: string): boolean {
    if (this.size === 0) return false;
    if (this.resizing) this.resizeStep(RESIZE_STEP_BUCKETS);
    const h = hashString(key);
    const b = this.bucketOf(h);
    let prev = -1;
    let id = this.buckets[b] - 1;
    while (id >= 0) {
      if (this.hashOf(id) === h && this.hasKeyAt(id, key)) {
        this.unlink(b, prev, id);
        return true;
      }
      prev = id;
      id = this.nextOf(id) - 1;
    }
    return false;
  }

  /** Removes the live entry id (as find() returned it), without hashing its key again. */
  deleteAt(id: number): void {
    const b = this.bucketOf(this.hashOf(id));
    this.unlink(b, this.predecessor(b, id), id);
  }

  private hashOf(id: number): number {
    return this.meta[id * this.stride + HASH];
  }

  /** The link after entry id: the next id in its chain (or the free list) + 1, 0 for none. */
  private nextOf(id: number): number {
    return this.meta[id * this.stride + NEXT];
  }

  private setNext(id: number, link: number): void {
    this.meta[id * this.stride + NEXT] = link;
  }

  /** The entry before live entry id in the chain of bucket b, or -1 when id heads it. */
  private predecessor(b: number, id: number): number {
    let prev = -1;
    for (let at = this.buckets[b] - 1; at !== id; at = this.nextOf(at) - 1) prev = at;
    return prev;
  }

  /** Points the link after prev (the bucket's head when prev is -1) in the chain of bucket b at link (an id + 1, 0 for none). */
  private setLinkAfter(b: number, prev: number, link: number): void {
    if (prev < 0) this.buckets[b] = link;
    else this.setNext(prev, link);
  }

  /** Takes entry id, found after prev in the chain of bucket b, out of the table. */
  private unlink(b: number, prev: number, id: number): void {
    this.setLinkAfter(b, prev, this.nextOf(id));
    this.release(id);
  }

  private release(id: number): void {
    const record = this.recordAt(id);
    if (record >= 0) {
      (this.records as RecordArena).free(record);
      this.setRecordAt(id, -1);
    }
    this.keys.set(id, undefined);
    if (this.vals) this.vals.set(id, undefined);
    this.size--;
    if (this.size === 0) return this.clear();
    if (this.compacting) this.holeCursor = Math.min(this.holeCursor, id);
    else {
      this.setNext(id, this.freeHead);
      this.freeHead = id + 1;
    }
    if (this.shrinkOnDelete) this.shrinkIfSparse();
  }

  /** Starts halving the buckets if at most one in eight would be used; returns whether it did. */
  shrinkIfSparse(): boolean {
    if (this.resizing || this.size * 8 >= this.buckets.length || this.buckets.length <= MIN_BUCKETS) return false;
    this.startResize(false);
    return true;
  }

  /** Takes a step of whatever resizing or compacting is under way (the keyspace's tables get them from the cron). */
  maintenanceStep(budget: number): void {
    if (this.resizing) this.resizeStep(budget);
    else this.compactStep(budget);
  }

  clear(): void {
    if (this.records) this.records = new RecordArena();
    this.keys = new ChunkedArray<string | typeof IN_RECORD>();
    if (this.vals) this.vals = new ChunkedArray<V>();
    this.meta = this.withNumbers(new Int32Array(MIN_BUCKETS * this.stride));
    this.idCapacity = MIN_BUCKETS;
    this.buckets = new Int32Array(MIN_BUCKETS);
    this.mask = MIN_BUCKETS - 1;
    this.resizing = false;
    this.used = 0;
    this.freeHead = 0;
    this.compacting = false;
    this.holeCursor = 0;
    this.size = 0;
  }

  /** The bucket whose chain holds entries of hash h (or, given a bucket index, where that bucket's entries are now). */
  private bucketOf(h: number): number {
    return this.resizing ? this.bucketWhileResizing(h) : h & this.mask;
  }

  private bucketWhileResizing(h: number): number {
    const small = h & (this.mask >> 1);
    const moved = small < this.resizeCursor;
    // Moved while growing, or not yet moved while shrinking: the larger layout.
    return moved === this.growing ? h & this.mask : small;
  }

  private link(id: number): void {
    const b = this.bucketOf(this.hashOf(id));
    this.setNext(id, this.buckets[b]);
    this.buckets[b] = id + 1;
  }

  /**
   * Doubles (grow) or halves the buckets. A large table moves its chains a
   * few buckets at a time, on lookups, inserts and deletes and from the
   * cron, so that no single request pays for them all: at a million keys
   * that is several milliseconds. Bucket indexes keep their meaning for SCAN:
   * a bucket of the smaller size holds exactly the chains of the two buckets
   * of the larger size that it splits into or was joined from.
   */
  private startResize(grow: boolean): void {
    if (this.resizing) this.resizeStep(Infinity);
    const small = grow ? this.buckets.length : this.buckets.length >> 1;
    if (grow) {
      const buckets = new Int32Array(small * 2);
      buckets.set(this.buckets);
      this.buckets = buckets;
      this.mask = small * 2 - 1;
    }
    this.resizing = true;
    this.growing = grow;
    this.resizeCursor = 0;
    if (small < STEPWISE_RESIZE_BUCKETS) this.resizeStep(Infinity);
  }

  /** Moves up to `count` buckets of the smaller size into the new layout; ends the resize after the last. */
  private resizeStep(count: number): void {
    const half = this.buckets.length >> 1;
    for (; count > 0 && this.resizeCursor < half; count--, this.resizeCursor++) {
      if (this.growing) this.splitBucket(this.resizeCursor, half);
      else this.joinBuckets(this.resizeCursor, half);
    }
    if (this.resizeCursor === half) this.endResize();
  }

  /** Splits the chain of bucket b between b and b + half, by the hash bit that tells them apart. */
  private splitBucket(b: number, half: number): void {
    let low = 0;
    let high = 0;
    for (let id = this.buckets[b] - 1; id >= 0; ) {
      const following = this.nextOf(id) - 1;
      if (this.hashOf(id) & half) {
        this.setNext(id, high);
        high = id + 1;
      } else {
        this.setNext(id, low);
        low = id + 1;
      }
      id = following;
    }
    this.buckets[b] = low;
    this.buckets[b + half] = high;
  }

  /** Puts the chain of bucket b + half in front of bucket b's. */
  private joinBuckets(b: number, half: number): void {
    const upper = this.buckets[b + half];
    if (upper === 0) return;
    let tail = upper - 1;
    while (this.nextOf(tail) !== 0) tail = this.nextOf(tail) - 1;
    this.setNext(tail, this.buckets[b]);
    this.buckets[b] = upper;
  }

  /**
   * A shrunk table gives its upper buckets back, and the ids of the entries
   * left are compacted afterwards, a step at a time too (see compactStep),
   * after which the per-entry columns shrink to fit. With no holes left
   * from an earlier compaction, that is all the next step does.
   */
  private endResize(): void {
    this.resizing = false;
    if (this.growing) return;
    const half = this.buckets.length >> 1;
    this.buckets = this.buckets.slice(0, half);
    this.mask = half - 1;
    if (!this.compacting) {
      this.compacting = true;
      this.freeHead = 0;
      this.holeCursor = 0;
    }
  }

  /**
   * Moves up to `budget` ids' worth of entries from the top of the id range
   * into holes below, until ids 0..size-1 are all live; then the columns
   * shrink to fit. Each insert takes a step (deletes only make holes), and
   * the server's cron takes bigger ones for the keyspace's tables.
   */
  private compactStep(budget: number): void {
    if (!this.compacting) return;
    while (budget-- > 0 && this.used > this.size) {
      const top = this.used - 1;
      if (this.keys.get(top) !== undefined) {
        while (this.keys.get(this.holeCursor) !== undefined) this.holeCursor++;
        this.relocate(top, this.holeCursor);
      }
      this.used--;
    }
    if (this.used === this.size) this.finishCompaction();
  }

  /** Moves live entry `from` into the hole `to`, in place in its bucket's chain. */
  private relocate(from: number, to: number): void {
    const b = this.bucketOf(this.hashOf(from));
    this.setLinkAfter(b, this.predecessor(b, from), to + 1);
    // Every field moves as it is, the chain link included: `to` takes from's place in the chain.
    this.meta.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    if (this.recordField >= 0) this.setRecordAt(from, -1);
    this.keys.set(to, this.keys.get(from));
    this.keys.set(from, undefined);
    if (this.vals) {
      this.vals.set(to, this.vals.get(from));
      this.vals.set(from, undefined);
    }
    this.onRelocate?.(from, to);
  }

  private finishCompaction(): void {
    this.compacting = false;
    this.keys.truncate(this.used);
    if (this.vals) this.vals.truncate(this.used);
    this.growColumns(Math.max(this.buckets.length, this.used, MIN_BUCKETS));
  }

  keyAt(id: number): string {
    const record = this.recordAt(id);
    if (record >= 0) return (this.records as RecordArena).key(record);
    return this.keys.get(id) as string;
  }

  valueAt(id: number): V {
    if (this.vals === null) return undefined as V;
    const record = this.recordAt(id);
    return (record >= 0 ? (this.records as RecordArena).value(record) : this.vals.get(id)) as V;
  }

  /**
   * Replaces entry id's value. A record keeps a string value that fits it;
   * any other value takes the key out of its record, as key when the
   * caller has it as a string of its own.
   */
  setValueAt(id: number, value: V, key?: string): void {
    const record = this.recordAt(id);
    if (record < 0) this.vals?.set(id, value);
    else if (typeof value === 'string' && fitsRecord((this.records as RecordArena).keyLength(record), value.length)) {
      this.setRecordAt(id, (this.records as RecordArena).replaceValue(record, value));
    } else {
      const k = key ?? this.keyAt(id);
      (this.records as RecordArena).free(record);
      this.storeApart(id, k, value);
    }
  }

  /** Takes entry id's key and value out of their record, if they are in one, as two strings of their own from now on (key as for setValueAt). */
  unpackAt(id: number, key?: string): void {
    const record = this.recordAt(id);
    if (record < 0) return;
    const records = this.records as RecordArena;
    const k = key ?? records.key(record);
    const value = records.value(record) as V;
    records.free(record);
    this.storeApart(id, k, value);
  }

  /** With the records option, puts entry id's key and value in a record if its value is a string that fits one; returns whether it did. */
  packAt(id: number): boolean {
    if (this.records === null || this.recordAt(id) >= 0) return false;
    const value = (this.vals as ChunkedArray<V>).get(id);
    const key = this.keys.get(id) as string;
    if (typeof value !== 'string' || !fitsRecord(key.length, value.length)) return false;
    this.storeRecord(id, key, value);
    return true;
  }

  /** Stores a new entry's key and value: as a record when the records option and their size allow. */
  private store(id: number, key: string, value: V): void {
    if (this.records !== null && typeof value === 'string' && fitsRecord(key.length, value.length)) this.storeRecord(id, key, value);
    else this.storeApart(id, key, value);
  }

  private storeRecord(id: number, key: string, value: string): void {
    this.keys.set(id, IN_RECORD);
    (this.vals as ChunkedArray<V>).set(id, undefined);
    this.setRecordAt(id, (this.records as RecordArena).add(key, value));
  }

  private storeApart(id: number, key: string, value: V): void {
    this.keys.set(id, key);
    if (this.vals) this.vals.set(id, value);
    if (this.recordField >= 0) this.setRecordAt(id, -1);
  }

  /** Records handle (-1 for none) as entry id's; see meta. */
  private setRecordAt(id: number, handle: number): void {
    this.meta[id * this.stride + this.recordField] = ~handle;
  }

  numberAt(id: number): number {
    return (this.nums as Float64Array)[id * (this.stride >> 1) + this.numberField];
  }

  setNumberAt(id: number, n: number): void {
    (this.nums as Float64Array)[id * (this.stride >> 1) + this.numberField] = n;
  }

  /** Entry id's tag, an unsigned 32-bit number (kept as an Int32). */
  tagAt(id: number): number {
    return this.meta[id * this.stride + this.tagField] >>> 0;
  }

  setTagAt(id: number, tag: number): void {
    this.meta[id * this.stride + this.tagField] = tag;
  }

  /**
   * Bytes of the table itself, keys and values aside (see memory.ts): the
   * object, its arrays and its typed arrays. A collection's figure is taken
   * after each write to it, so this reads the sizes the dict keeps rather
   * than each typed array's: meta holds idCapacity entries' fields (nums
   * being a view of its bytes), and the buckets number mask + 1.
   */
  memoryUsage(): number {
    let bytes = objectBytes(12) + this.keys.memoryUsage();
    if (this.vals) bytes += this.vals.memoryUsage();
    return bytes + typedArrayBytesOf(4 * this.stride * this.idCapacity) + typedArrayBytesOf(4 * (this.mask + 1));
  }

  /** A uniformly random live entry id, or -1 when empty. */
  randomId(): number {
    if (this.size === 0) return -1;
    // Drawing ids at random is slow while most are holes (a table that shrank, then was only read): finish compacting first.
    if (this.compacting && this.used > 4 * this.size) this.compactStep(this.used);
    for (;;) {
      const id = Math.floor(Math.random() * this.used);
      if (this.keys.get(id) !== undefined) return id;
    }
  }

  /**
   * Visits every entry of one bucket and returns the next cursor (0 when done),
   * with Redis's guarantee: an entry present from the first to the last call
   * is visited at least once, however the table grows or shrinks meanwhile.
   */
  scan(cursor: number, visit: (id: number) => void): number {
    if (this.size === 0) return 0;
    // The cursor counts in the bucket layout of this call, whatever visit() changes: a delete or lookup may take a resize step.
    const mask = this.mask;
    const chain: number[] = [];
    for (let id = this.buckets[this.bucketOf(cursor & mask)] - 1; id >= 0; id = this.nextOf(id) - 1) chain.push(id);
    for (const id of chain) visit(id);
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits32(v);
    v = (v + 1) >>> 0;
    return reverseBits32(v);
  }

  /**
   * Visits the live entry ids; visit must not modify the dict. A callback
   * rather than a generator: resuming a generator cost about 20 ns an entry,
   * four times the visit itself (SMEMBERS, HGETALL, KEYS).
   */
  forEachId(visit: (id: number) => void): void {
    for (let id = 0; id < this.used; id++) if (this.keys.get(id) !== undefined) visit(id);
  }

  /** Visits the keys, as forEachId does the ids. */
  forEachKey(visit: (key: string) => void): void {
    for (let id = 0; id < this.used; id++) if (this.keys.get(id) !== undefined) visit(this.keyAt(id));
  }

  /** Snapshot of live ids, safe to use while the dict changes. */
  idList(): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.used; id++) if (this.keys.get(id) !== undefined) out.push(id);
    return out;
  }
}
