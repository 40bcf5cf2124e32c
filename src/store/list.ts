/**
 * The list type, shaped like Redis's quicklist: a doubly linked list of
 * chunks, each a small array of at most CHUNK_MAX elements. Pushes and pops
 * at either end are O(1) (amortised over a chunk); reaching index i walks
 * whole chunks from the nearer end, O(N / CHUNK_MAX), and inserting or
 * removing there moves at most one chunk's elements. Chunks that run empty
 * are unlinked and neighbours that fit in one chunk are merged, so a list
 * stays compact after removals in its middle.
 *
 * Redis 7.0 encodes every list as a quicklist, so OBJECT ENCODING always
 * answers 'quicklist' (the listpack encoding for small lists came in 7.2).
 */
import type { Collection } from './keyspace.js';
import { arrayBytes, objectBytes, stringBytes } from './memory.js';

const CHUNK_MAX = 128;
/** What a slot holds once its element is popped: nothing the chunk's array keeps alive. */
const EMPTY_SLOT = undefined as unknown as string;
/** Room a chunk makes before its first element when it has none left for a push at the head (at least; see makeRoomAtHead). */
const HEAD_ROOM_MIN = 4;

/**
 * A chunk's elements are items[start, items.length). Pushes at the head
 * fill the room before start, popping from the head moves start on: JS's
 * unshift and shift move every element of the array (about 30 ns on a
 * chunk's array against 3 for a store).
 */
class Chunk {
  prev: Chunk | null = null;
  next: Chunk | null = null;
  constructor(
    public items: string[],
    public start = 0,
  ) {}

  get size(): number {
    return this.items.length - this.start;
  }

  /** Moves the elements to the front of items (start 0), for the rarer edits that splice. */
  normalize(): void {
    if (this.start === 0) return;
    this.items = this.items.slice(this.start);
    this.start = 0;
  }

  /** Copies the elements to the end of a new array with room before them: twice their number in all, up to CHUNK_MAX. */
  makeRoomAtHead(): void {
    const size = this.size;
    const capacity = Math.min(CHUNK_MAX, Math.max(HEAD_ROOM_MIN, 2 * size));
    const items = new Array<string>(capacity);
    for (let i = 0; i < size; i++) items[capacity - size + i] = this.items[this.start + i];
    this.items = items;
    this.start = capacity - size;
  }
}

/** Bytes of the element strings of items[from, to) (indexes into the array). */
function itemBytes(items: string[], from: number, to: number): number {
  let bytes = 0;
  for (let i = from; i < to; i++) bytes += stringBytes(items[i].length);
  return bytes;
}

/** Visits one element; returning false stops the walk. */
export type ListVisitor = (value: string, index: number) => boolean | void;

export class List implements Collection {
  readonly type = 'list';
  /** Kept by the keyspace (see memory.ts). */
  accountedBytes = 0;
  private head: Chunk | null = null;
  private tail: Chunk | null = null;
  private count = 0;
  private chunks = 0;
  /** Bytes of the element strings (see memory.ts). */
  private stringBytes = 0;
  /** Where locate() found an index: the chunk and the offset in it. */
  private foundChunk: Chunk | null = null;
  private foundOffset = 0;

  get length(): number {
    return this.count;
  }

  encoding(): string {
    return 'quicklist';
  }

  /** Chunks are taken as half full on average beyond their element count, the growth slack of their arrays. */
  memoryUsage(): number {
    const chunk = objectBytes(3) + arrayBytes(0);
    return objectBytes(7) + this.stringBytes + this.chunks * chunk + 8 * (this.count + (this.count >> 3) + 8 * this.chunks);
  }

  clone(): List {
    const copy = new List();
    for (let chunk = this.head; chunk; chunk = chunk.next) copy.linkAfter(copy.tail, new Chunk(chunk.items.slice(chunk.start)));
    copy.count = this.count;
    copy.stringBytes = this.stringBytes;
    return copy;
  }

  // ---- chunk links ----------------------------------------------------------

  /** Links chunk after prev (at the head when prev is null); returns it. */
  private linkAfter(prev: Chunk | null, chunk: Chunk): Chunk {
    const next = prev ? prev.next : this.head;
    chunk.prev = prev;
    chunk.next = next;
    if (prev) prev.next = chunk;
    else this.head = chunk;
    if (next) next.prev = chunk;
    else this.tail = chunk;
    this.chunks++;
    return chunk;
  }

  private unlink(chunk: Chunk): void {
    this.chunks--;
    if (chunk.prev) chunk.prev.next = chunk.next;
    else this.head = chunk.next;
    if (chunk.next) chunk.next.prev = chunk.prev;
    else this.tail = chunk.prev;
  }

  /**
   * After elements left chunk: drops it when empty, or else merges it with
   * its neighbour on one side (the next one, or the previous one) when both
   * fit in one chunk.
   */
  private compact(chunk: Chunk, withNext: boolean): void {
    if (chunk.size === 0) return this.unlink(chunk);
    const first = withNext ? chunk : chunk.prev;
    const second = withNext ? chunk.next : chunk;
    if (!first || !second || first.size + second.size > CHUNK_MAX) return;
    first.normalize();
    for (let i = second.start; i < second.items.length; i++) first.items.push(second.items[i]);
    this.unlink(second);
  }

  /** Finds index (0 <= index < length) into foundChunk/foundOffset (counted from the chunk's start), walking from the nearer end. */
  private locate(index: number): void {
    let chunk: Chunk;
    if (index < this.length / 2) {
      chunk = this.head as Chunk;
      while (index >= chunk.size) {
        index -= chunk.size;
        chunk = chunk.next as Chunk;
      }
    } else {
      let fromTail = this.length - 1 - index;
      chunk = this.tail as Chunk;
      while (fromTail >= chunk.size) {
        fromTail -= chunk.size;
        chunk = chunk.prev as Chunk;
      }
      index = chunk.size - 1 - fromTail;
    }
    this.foundChunk = chunk;
    this.foundOffset = index;
  }

  // ---- ends -----------------------------------------------------------------

  /** Counts an element in (added) or out (removed). */
  private added(value: string): void {
    this.count++;
    this.stringBytes += stringBytes(value.length);
  }

  private removed(value: string): void {
    this.count--;
    this.stringBytes -= stringBytes(value.length);
  }

  pushHead(value: string): void {
    let chunk = this.head;
    if (!chunk || chunk.size >= CHUNK_MAX) chunk = this.linkAfter(null, new Chunk([]));
    if (chunk.start === 0) chunk.makeRoomAtHead();
    chunk.items[--chunk.start] = value;
    this.added(value);
  }

  pushTail(value: string): void {
    let chunk = this.tail;
    if (!chunk || chunk.size >= CHUNK_MAX) chunk = this.linkAfter(this.tail, new Chunk([]));
    // Slots that pops from the head left empty are given back before the array grows past a chunk's worth.
    else if (chunk.items.length >= CHUNK_MAX) chunk.normalize();
    chunk.items.push(value);
    this.added(value);
  }

  push(value: string, atHead: boolean): void {
    if (atHead) this.pushHead(value);
    else this.pushTail(value);
  }

  /** Removes and returns the first element; the list must not be empty. */
  popHead(): string {
    const chunk = this.head as Chunk;
    const value = chunk.items[chunk.start];
    chunk.items[chunk.start++] = EMPTY_SLOT;
    this.removed(value);
    if (chunk.size === 0) this.unlink(chunk);
    return value;
  }

  /** Removes and returns the last element; the list must not be empty. */
  popTail(): string {
    const chunk = this.tail as Chunk;
    const value = chunk.items.pop() as string;
    this.removed(value);
    if (chunk.size === 0) this.unlink(chunk);
    return value;
  }

  pop(atHead: boolean): string {
    return atHead ? this.popHead() : this.popTail();
  }

  /** Removes the first n elements (n <= length). */
  removeHead(n: number): void {
    this.count -= n;
    while (n > 0) {
      const chunk = this.head as Chunk;
      const taken = Math.min(n, chunk.size);
      this.stringBytes -= itemBytes(chunk.items, chunk.start, chunk.start + taken);
      if (taken === chunk.size) this.unlink(chunk);
      else {
        chunk.items.fill(EMPTY_SLOT, chunk.start, chunk.start + taken);
        chunk.start += taken;
      }
      n -= taken;
    }
  }

  /** Removes the last n elements (n <= length). */
  removeTail(n: number): void {
    this.count -= n;
    while (n > 0) {
      const chunk = this.tail as Chunk;
      const length = chunk.items.length;
      const taken = Math.min(n, chunk.size);
      this.stringBytes -= itemBytes(chunk.items, length - taken, length);
      if (taken === chunk.size) this.unlink(chunk);
      else chunk.items.length -= taken;
      n -= taken;
    }
  }

  // ---- by index ---------------------------------------------------------------

  /** The element at index, 0 <= index < length. */
  get(index: number): string {
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    return chunk.items[chunk.start + this.foundOffset];
  }

  /** Replaces the element at index, 0 <= index < length. */
  set(index: number, value: string): void {
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    const at = chunk.start + this.foundOffset;
    this.stringBytes += stringBytes(value.length) - stringBytes(chunk.items[at].length);
    chunk.items[at] = value;
  }

  /** Inserts value so that it lands at index, 0 <= index <= length. */
  insert(index: number, value: string): void {
    if (index === 0) return this.pushHead(value);
    if (index === this.length) return this.pushTail(value);
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    chunk.normalize();
    chunk.items.splice(this.foundOffset, 0, value);
    this.added(value);
    if (chunk.items.length > CHUNK_MAX) this.linkAfter(chunk, new Chunk(chunk.items.splice(CHUNK_MAX >> 1)));
  }

  // ---- walks --------------------------------------------------------------------

  /**
   * Visits the elements from index towards the tail, or towards the head when
   * backwards, until the end or until visit returns false.
   */
  walk(index: number, backwards: boolean, visit: ListVisitor): void {
    if (index < 0 || index >= this.length) return;
    this.locate(index);
    let chunk: Chunk | null = this.foundChunk;
    let offset = this.foundOffset;
    while (chunk) {
      const items = chunk.items;
      const start = chunk.start;
      if (backwards) {
        for (; offset >= 0; offset--, index--) if (visit(items[start + offset], index) === false) return;
        chunk = chunk.prev;
        offset = chunk ? chunk.size - 1 : 0;
      } else {
        for (const size = chunk.size; offset < size; offset++, index++) if (visit(items[start + offset], index) === false) return;
        chunk = chunk.next;
        offset = 0;
      }
    }
  }

  /**
   * Hands the elements [start, start + count) over chunk by chunk, head to
   * tail, as runs items[from, to) of a chunk's own array (indexes into that
   * array; not to be kept or changed): a range costs one call per chunk
   * rather than one per element.
   * 0 <= start and start + count <= length.
   */
  forEachRun(start: number, count: number, visit: (items: readonly string[], from: number, to: number) => void): void {
    if (count <= 0) return;
    this.locate(start);
    let chunk = this.foundChunk;
    let from = this.foundOffset;
    while (chunk && count > 0) {
      const to = Math.min(chunk.size, from + count);
      visit(chunk.items, chunk.start + from, chunk.start + to);
      count -= to - from;
      chunk = chunk.next;
      from = 0;
    }
  }

  /** Removes up to limit elements equal to value (0: all), from the tail side when backwards; returns how many. */
  removeMatches(value: string, limit: number, backwards: boolean): number {
    let removed = 0;
    let chunk = backwards ? this.tail : this.head;
    while (chunk && (limit === 0 || removed < limit)) {
      const following = backwards ? chunk.prev : chunk.next;
      const before = removed;
      chunk.normalize();
      const items = chunk.items;
      if (backwards) {
        for (let i = items.length - 1; i >= 0 && (limit === 0 || removed < limit); i--) {
          if (items[i] === value) {
            items.splice(i, 1);
            removed++;
          }
        }
      } else {
        let kept = 0;
        let i = 0;
        for (; i < items.length && (limit === 0 || removed < limit); i++) {
          if (items[i] === value) removed++;
          else items[kept++] = items[i];
        }
        for (; i < items.length; i++) items[kept++] = items[i];
        items.length = kept;
      }
      // Merge towards the side already walked, so that `following` stays linked.
      if (removed !== before) this.compact(chunk, backwards);
      chunk = following;
    }
    this.count -= removed;
    this.stringBytes -= removed * stringBytes(value.length);
    return removed;
  }

  /** Every element, head to tail (for tests). */
  toArray(): string[] {
    const out: string[] = [];
    for (let chunk = this.head; chunk; chunk = chunk.next) for (let i = chunk.start; i < chunk.items.length; i++) out.push(chunk.items[i]);
    return out;
  }
}
