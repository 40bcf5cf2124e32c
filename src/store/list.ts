/**
 * The list type. A list of up to SMALL_MAX elements keeps them as strings in
 * an array (SmallList). A longer one is packed (PackedList), shaped like
 * Redis's quicklist: a doubly linked list of chunks, each keeping its
 * elements as bytes, one after the other in one buffer, each framed as the
 * RESP bulk string that replies with it ("$3\r\nabc\r\n"), and where each
 * starts in a second, typed array. So a range (LRANGE) goes out as one copy
 * of each chunk's bytes, and elements are strings only on their way in and
 * out: a list of a million small elements is some thousands of buffers
 * rather than a million strings for V8 to copy out of the young generation
 * and trace at every full collection, and an element of 3 bytes takes 14
 * bytes, not 35.
 *
 * Pushes and pops at either end are O(1), amortised over a chunk: a chunk
 * keeps free room at the end it grows from. Reaching index i walks whole
 * chunks from the nearer end of the list; inserting or removing there moves
 * one chunk's bytes. Chunks that run empty are unlinked, and neighbours that
 * fit in one are merged, so a list stays compact after removals in its
 * middle.
 *
 * Redis 7.0 encodes every list as a quicklist, so OBJECT ENCODING always
 * answers 'quicklist' whatever the form (the listpack encoding for small
 * lists came in 7.2).
 */
import { bulkLength, putBulkString } from '../resp/framing.js';
import { latin1, latin1At } from '../resp/latin1.js';
import type { Collection } from './keyspace.js';
import { arrayBytes, objectBytes, stringBytes, typedArrayBytesOf } from './memory.js';

/** The most elements a list keeps as strings (SmallList); past it, they are packed. */
const SMALL_MAX = 32;
/**
 * A chunk takes no more than CHUNK_MAX elements, nor more once its bytes
 * reach CHUNK_BYTES (twice Redis's default node size, list-max-listpack-size
 * -2: each chunk costs a buffer allocation); a larger element has a chunk of
 * its own.
 */
const CHUNK_MAX = 512;
const CHUNK_BYTES = 16 * 1024;
/** The smallest byte buffer a chunk starts with, and its fewest start positions. */
const MIN_CAPACITY = 32;
const MIN_ELEMENTS = 4;

/** The element read last by readAt: its bytes are buf[elementStart, elementEnd). Module state rather than a result object per element. */
let elementStart = 0;
let elementEnd = 0;

/** Reads the element framed at pos ("$<n>\r\n<bytes>\r\n"); returns where its framing ends. */
function readAt(buf: Buffer, pos: number): number {
  let n = 0;
  let i = pos + 1;
  for (let digit = buf[i]; digit !== 13; digit = buf[++i]) n = n * 10 + digit - 48;
  elementStart = i + 2;
  elementEnd = elementStart + n;
  return elementEnd + 2;
}

/** Whether the element read last holds exactly s. */
function elementEquals(buf: Buffer, s: string): boolean {
  return elementEnd - elementStart === s.length && latin1At(buf, elementStart, s);
}

/**
 * A chunk's elements are framed in buf[start, end), with free room on both
 * sides; the one at offset k (from the chunk's first) starts at
 * starts[first + k], for first <= first + k < last, also with room on both
 * sides.
 */
class Chunk {
  prev: Chunk | null = null;
  next: Chunk | null = null;
  constructor(
    public buf: Buffer,
    public start: number,
    public end: number,
    public starts: Uint32Array,
    public first: number,
    public last: number,
  ) {}

  /** An empty chunk of capacity bytes and room for elements start positions, its room at the head (for pushes there) or at the tail. */
  static empty(capacity: number, elements: number, roomAtHead: boolean): Chunk {
    const at = roomAtHead ? capacity : 0;
    const index = roomAtHead ? elements : 0;
    return new Chunk(Buffer.allocUnsafeSlow(capacity), at, at, new Uint32Array(elements), index, index);
  }

  get count(): number {
    return this.last - this.first;
  }

  get used(): number {
    return this.end - this.start;
  }

  /** Whether an element framed in need bytes may join. */
  takes(need: number): boolean {
    return this.count === 0 || (this.count < CHUNK_MAX && this.used + need <= CHUNK_BYTES);
  }

  /** Where the element at offset k starts (k = count: where the last one ends). */
  positionOf(k: number): number {
    return k === this.count ? this.end : this.starts[this.first + k];
  }

  /** Adds delta to the start positions of the elements from offset k on. */
  shiftStarts(k: number, delta: number): void {
    for (let i = this.first + k; i < this.last; i++) this.starts[i] += delta;
  }
}

/** Visits one element; returning false stops the walk. */
export type ListVisitor = (value: string, index: number) => boolean | void;

/**
 * Where a list hands the elements a reply sends (a ReplyWriter): a small
 * list's strings, or a packed list's framed bytes, buf[from, to), to copy
 * before the list changes.
 */
export interface ElementSink {
  bulk(s: string): void;
  bulks(items: readonly string[], from: number, to: number): void;
  framedBulks(buf: Buffer, from: number, to: number): void;
}

/** What each form of a list does; List uses one or the other. Indexes are 0 <= index < length unless said otherwise. */
interface ListStore {
  readonly length: number;
  pushHead(value: string): void;
  pushTail(value: string): void;
  popHead(): string;
  popTail(): string;
  popInto(atHead: boolean, sink: ElementSink): void;
  removeHead(n: number): void;
  removeTail(n: number): void;
  get(index: number): string;
  set(index: number, value: string): void;
  /** 0 <= index <= length. */
  insert(index: number, value: string): void;
  walk(index: number, backwards: boolean, visit: ListVisitor): void;
  replyRange(start: number, count: number, sink: ElementSink): void;
  removeMatches(value: string, limit: number, backwards: boolean): number;
  clone(): ListStore;
  memoryUsage(): number;
}

/** The chunks of a list past SMALL_MAX elements. */
class PackedList implements ListStore {
  private head: Chunk | null = null;
  private tail: Chunk | null = null;
  private count = 0;
  /** Chunks linked, and the spare. */
  private chunks = 0;
  /** The byteLengths of the chunks' two arrays together, the spare's included (see memory.ts). */
  private arrayBytes = 0;
  /**
   * The last chunk a pop emptied, kept for the next push: a list at a chunk
   * boundary, pushed and popped in turn, would otherwise allocate its
   * arrays each time.
   */
  private spare: Chunk | null = null;
  /** Where locate() found an index: the chunk and the element's offset in it. */
  private foundChunk: Chunk | null = null;
  private foundOffset = 0;

  /** The elements of a small list, packed. */
  static of(elements: readonly string[]): PackedList {
    const packed = new PackedList();
    for (const element of elements) packed.pushTail(element);
    return packed;
  }

  get length(): number {
    return this.count;
  }

  memoryUsage(): number {
    return objectBytes(8) + this.chunks * (objectBytes(8) + 2 * typedArrayBytesOf(0)) + this.arrayBytes;
  }

  clone(): PackedList {
    const copy = new PackedList();
    for (let chunk = this.head; chunk; chunk = chunk.next) {
      const twin = Chunk.empty(chunk.used, chunk.count, false);
      chunk.buf.copy(twin.buf, 0, chunk.start, chunk.end);
      twin.end = chunk.used;
      twin.starts.set(chunk.starts.subarray(chunk.first, chunk.last));
      twin.last = chunk.count;
      twin.shiftStarts(0, -chunk.start);
      copy.linkAfter(copy.tail, twin);
    }
    copy.count = this.count;
    return copy;
  }

  // ---- chunks -----------------------------------------------------------------

  private static arrayBytesOf(chunk: Chunk): number {
    return chunk.buf.length + chunk.starts.byteLength;
  }

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
    this.arrayBytes += PackedList.arrayBytesOf(chunk);
    return chunk;
  }

  private unlink(chunk: Chunk): void {
    this.chunks--;
    this.arrayBytes -= PackedList.arrayBytesOf(chunk);
    if (chunk.prev) chunk.prev.next = chunk.next;
    else this.head = chunk.next;
    if (chunk.next) chunk.next.prev = chunk.prev;
    else this.tail = chunk.prev;
  }

  /** Moves chunk's bytes into a buffer of capacity bytes, the room left over at its head or its tail. */
  private reallocateBytes(chunk: Chunk, capacity: number, roomAtHead: boolean): void {
    const used = chunk.used;
    const buf = Buffer.allocUnsafeSlow(capacity);
    const start = roomAtHead ? capacity - used : 0;
    chunk.buf.copy(buf, start, chunk.start, chunk.end);
    chunk.shiftStarts(0, start - chunk.start);
    this.arrayBytes += capacity - chunk.buf.length;
    chunk.buf = buf;
    chunk.start = start;
    chunk.end = start + used;
  }

  /** Moves chunk's start positions into an array of room for capacity, the room left over at its head or its tail. */
  private reallocateStarts(chunk: Chunk, capacity: number, roomAtHead: boolean): void {
    const count = chunk.count;
    const starts = new Uint32Array(capacity);
    const first = roomAtHead ? capacity - count : 0;
    starts.set(chunk.starts.subarray(chunk.first, chunk.last), first);
    this.arrayBytes += starts.byteLength - chunk.starts.byteLength;
    chunk.starts = starts;
    chunk.first = first;
    chunk.last = first + count;
  }

  /** Makes room for need more bytes, and one more element, at chunk's head or tail, doubling what is short. */
  private makeRoom(chunk: Chunk, need: number, atHead: boolean): void {
    const room = atHead ? chunk.start : chunk.buf.length - chunk.end;
    if (room < need) this.reallocateBytes(chunk, Math.max(MIN_CAPACITY, 2 * (chunk.used + need)), atHead);
    const slots = atHead ? chunk.first : chunk.starts.length - chunk.last;
    if (slots === 0) this.reallocateStarts(chunk, Math.max(MIN_ELEMENTS, 2 * (chunk.count + 1)), atHead);
  }

  /** Gives back a chunk's free room when it is over a quarter of an array (less is not worth a copy). */
  private fit(chunk: Chunk): void {
    if (4 * (chunk.buf.length - chunk.used) > chunk.buf.length) this.reallocateBytes(chunk, chunk.used, false);
    if (4 * (chunk.starts.length - chunk.count) > chunk.starts.length) this.reallocateStarts(chunk, chunk.count, false);
  }

  /**
   * The chunk a push of need bytes goes to at the head or tail: that end's
   * chunk if it takes one more, else a new one. A full chunk gives back its
   * free room, and its sizes are what the new one starts with: a list that
   * filled one chunk is likely to fill the next.
   */
  private endChunkFor(need: number, atHead: boolean): Chunk {
    const end = atHead ? this.head : this.tail;
    if (end !== null && end.takes(need)) return end;
    let capacity = MIN_CAPACITY;
    let elements = MIN_ELEMENTS;
    if (end !== null) {
      this.fit(end);
      capacity = Math.min(end.used, CHUNK_BYTES);
      elements = end.count;
    }
    const chunk = this.takeSpare(need, atHead) ?? Chunk.empty(Math.max(capacity, need), elements, atHead);
    return this.linkAfter(atHead ? null : this.tail, chunk);
  }

  /** Keeps chunk, which a pop emptied and unlinked, for the next push that needs a chunk (counted in memoryUsage meanwhile). */
  private keepSpare(chunk: Chunk): void {
    if (this.spare !== null) return;
    this.spare = chunk;
    this.chunks++;
    this.arrayBytes += PackedList.arrayBytesOf(chunk);
  }

  /** The spare chunk, emptied for a push of need bytes at the head or tail, or null when there is none that large. */
  private takeSpare(need: number, roomAtHead: boolean): Chunk | null {
    const chunk = this.spare;
    if (chunk === null || chunk.buf.length < need) return null;
    this.spare = null;
    this.chunks--;
    this.arrayBytes -= PackedList.arrayBytesOf(chunk);
    chunk.start = chunk.end = roomAtHead ? chunk.buf.length : 0;
    chunk.first = chunk.last = roomAtHead ? chunk.starts.length : 0;
    return chunk;
  }

  /**
   * After elements left chunk: drops it when empty, or else merges it with
   * its neighbour on one side (the next one, or the previous one) when both
   * fit in one chunk.
   */
  private compact(chunk: Chunk, withNext: boolean): void {
    if (chunk.count === 0) return this.unlink(chunk);
    const first = withNext ? chunk : chunk.prev;
    const second = withNext ? chunk.next : chunk;
    if (!first || !second || first.count + second.count > CHUNK_MAX || first.used + second.used > CHUNK_BYTES) return;
    if (first.buf.length - first.end < second.used) this.reallocateBytes(first, first.used + second.used, false);
    if (first.starts.length - first.last < second.count) this.reallocateStarts(first, first.count + second.count, false);
    second.buf.copy(first.buf, first.end, second.start, second.end);
    first.starts.set(second.starts.subarray(second.first, second.last), first.last);
    const moved = first.last;
    first.last += second.count;
    first.shiftStarts(moved - first.first, first.end - second.start);
    first.end += second.used;
    this.unlink(second);
  }

  /** Splits a chunk past its limits in two at its middle element. */
  private split(chunk: Chunk): void {
    const half = chunk.count >> 1;
    const at = chunk.positionOf(half);
    const second = Chunk.empty(Math.max(MIN_CAPACITY, chunk.end - at), Math.max(MIN_ELEMENTS, chunk.count - half), false);
    chunk.buf.copy(second.buf, 0, at, chunk.end);
    second.end = chunk.end - at;
    second.starts.set(chunk.starts.subarray(chunk.first + half, chunk.last));
    second.last = chunk.count - half;
    second.shiftStarts(0, -at);
    chunk.last = chunk.first + half;
    chunk.end = at;
    this.linkAfter(chunk, second);
  }

  /** Replaces the element at offset k of chunk with value, or inserts value before it; the caller adjusts the list's count. */
  private edit(chunk: Chunk, k: number, value: string, insert: boolean): void {
    const from = chunk.positionOf(k);
    const replaced = insert ? 0 : chunk.positionOf(k + 1) - from;
    const delta = bulkLength(value.length) - replaced;
    const offset = from - chunk.start;
    if (delta > 0 && chunk.buf.length - chunk.end < delta) this.reallocateBytes(chunk, Math.max(MIN_CAPACITY, 2 * (chunk.used + delta)), false);
    if (insert && chunk.last === chunk.starts.length) this.reallocateStarts(chunk, 2 * (chunk.count + 1), false);
    const at = chunk.start + offset;
    if (delta !== 0) chunk.buf.copyWithin(at + replaced + delta, at + replaced, chunk.end);
    chunk.end += delta;
    putBulkString(chunk.buf, at, value);
    if (insert) {
      const i = chunk.first + k;
      chunk.starts.copyWithin(i + 1, i, chunk.last);
      chunk.starts[i] = at;
      chunk.last++;
    }
    // An LSET of a value as long as the old one moves nothing: skip the walk over the rest of the chunk.
    if (delta !== 0) chunk.shiftStarts(k + 1, delta);
  }

  /** Finds index (0 <= index < length) into foundChunk/foundOffset, walking chunks from the nearer end. */
  private locate(index: number): void {
    let chunk: Chunk;
    let k = index;
    if (index < this.count / 2) {
      chunk = this.head as Chunk;
      while (k >= chunk.count) {
        k -= chunk.count;
        chunk = chunk.next as Chunk;
      }
    } else {
      let fromTail = this.count - 1 - index;
      chunk = this.tail as Chunk;
      while (fromTail >= chunk.count) {
        fromTail -= chunk.count;
        chunk = chunk.prev as Chunk;
      }
      k = chunk.count - 1 - fromTail;
    }
    this.foundChunk = chunk;
    this.foundOffset = k;
  }

  // ---- ends -----------------------------------------------------------------

  pushHead(value: string): void {
    const need = bulkLength(value.length);
    const chunk = this.endChunkFor(need, true);
    this.makeRoom(chunk, need, true);
    chunk.start -= need;
    putBulkString(chunk.buf, chunk.start, value);
    chunk.starts[--chunk.first] = chunk.start;
    this.count++;
  }

  pushTail(value: string): void {
    const need = bulkLength(value.length);
    const chunk = this.endChunkFor(need, false);
    this.makeRoom(chunk, need, false);
    chunk.starts[chunk.last++] = chunk.end;
    chunk.end = putBulkString(chunk.buf, chunk.end, value);
    this.count++;
  }

  /** Removes and returns the first element; the list must not be empty. */
  popHead(): string {
    const chunk = this.head as Chunk;
    chunk.start = readAt(chunk.buf, chunk.start);
    chunk.first++;
    return this.takenFrom(chunk);
  }

  /** Removes and returns the last element; the list must not be empty. */
  popTail(): string {
    const chunk = this.tail as Chunk;
    chunk.end = chunk.starts[--chunk.last];
    readAt(chunk.buf, chunk.end);
    return this.takenFrom(chunk);
  }

  /** The element just read out of chunk's end, counted out. */
  private takenFrom(chunk: Chunk): string {
    const value = latin1(chunk.buf, elementStart, elementEnd);
    this.removedOne(chunk);
    return value;
  }

  /** Counts out an element taken from chunk's end, putting the chunk aside when it was its last. */
  private removedOne(chunk: Chunk): void {
    this.count--;
    if (chunk.count === 0) {
      this.unlink(chunk);
      this.keepSpare(chunk);
    }
  }

  /** Removes the first or last element, handing its framed bytes to sink rather than making a string of them. */
  popInto(atHead: boolean, sink: ElementSink): void {
    const chunk = (atHead ? this.head : this.tail) as Chunk;
    const from = atHead ? chunk.start : chunk.starts[chunk.last - 1];
    const to = atHead ? chunk.positionOf(1) : chunk.end;
    sink.framedBulks(chunk.buf, from, to);
    if (atHead) {
      chunk.start = to;
      chunk.first++;
    } else {
      chunk.end = from;
      chunk.last--;
    }
    this.removedOne(chunk);
  }

  /** Removes the first n elements (n <= length). */
  removeHead(n: number): void {
    this.count -= n;
    while (n > 0) {
      const chunk = this.head as Chunk;
      if (n >= chunk.count) {
        n -= chunk.count;
        this.unlink(chunk);
        continue;
      }
      chunk.start = chunk.positionOf(n);
      chunk.first += n;
      n = 0;
    }
  }

  /** Removes the last n elements (n <= length). */
  removeTail(n: number): void {
    this.count -= n;
    while (n > 0) {
      const chunk = this.tail as Chunk;
      if (n >= chunk.count) {
        n -= chunk.count;
        this.unlink(chunk);
        continue;
      }
      chunk.end = chunk.positionOf(chunk.count - n);
      chunk.last -= n;
      n = 0;
    }
  }

  // ---- by index ---------------------------------------------------------------

  /** The element at index, 0 <= index < length. */
  get(index: number): string {
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    readAt(chunk.buf, chunk.positionOf(this.foundOffset));
    return latin1(chunk.buf, elementStart, elementEnd);
  }

  /** Replaces the element at index, 0 <= index < length. */
  set(index: number, value: string): void {
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    this.edit(chunk, this.foundOffset, value, false);
    if (chunk.used > CHUNK_BYTES && chunk.count > 1) this.split(chunk);
  }

  /** Inserts value so that it lands at index, 0 <= index <= length. */
  insert(index: number, value: string): void {
    if (index === 0) return this.pushHead(value);
    if (index === this.length) return this.pushTail(value);
    this.locate(index);
    const chunk = this.foundChunk as Chunk;
    this.edit(chunk, this.foundOffset, value, true);
    this.count++;
    if (chunk.count > CHUNK_MAX || chunk.used > CHUNK_BYTES) this.split(chunk);
  }

  // ---- walks --------------------------------------------------------------------

  /**
   * Visits the elements from index towards the tail, or towards the head when
   * backwards, until the end or until visit returns false. visit must not
   * change the list.
   */
  walk(index: number, backwards: boolean, visit: ListVisitor): void {
    if (index < 0 || index >= this.length) return;
    this.locate(index);
    let chunk: Chunk | null = this.foundChunk as Chunk;
    let k = this.foundOffset;
    while (chunk) {
      const buf = chunk.buf;
      if (backwards) {
        for (; k >= 0; k--) {
          readAt(buf, chunk.starts[chunk.first + k]);
          if (visit(latin1(buf, elementStart, elementEnd), index--) === false) return;
        }
        chunk = chunk.prev;
        if (chunk) k = chunk.count - 1;
      } else {
        for (let pos = chunk.positionOf(k); pos < chunk.end; ) {
          pos = readAt(buf, pos);
          if (visit(latin1(buf, elementStart, elementEnd), index++) === false) return;
        }
        chunk = chunk.next;
        k = 0;
      }
    }
  }

  /** Hands the elements [start, start + count) to sink as runs of their framed bytes, a run a chunk. */
  replyRange(start: number, count: number, sink: ElementSink): void {
    if (count <= 0) return;
    this.locate(start);
    let chunk: Chunk | null = this.foundChunk;
    let k = this.foundOffset;
    while (chunk && count > 0) {
      const taken = Math.min(count, chunk.count - k);
      sink.framedBulks(chunk.buf, chunk.positionOf(k), chunk.positionOf(k + taken));
      count -= taken;
      chunk = chunk.next;
      k = 0;
    }
  }

  /** Removes up to limit elements equal to value (0: all), from the tail side when backwards; returns how many. */
  removeMatches(value: string, limit: number, backwards: boolean): number {
    let removed = 0;
    let chunk = backwards ? this.tail : this.head;
    while (chunk && (limit === 0 || removed < limit)) {
      const following = backwards ? chunk.prev : chunk.next;
      const before = removed;
      removed += this.removeFromChunk(chunk, value, limit === 0 ? Infinity : limit - removed, backwards);
      // Merge towards the side already walked, so that `following` stays linked.
      if (removed !== before) this.compact(chunk, backwards);
      chunk = following;
    }
    this.count -= removed;
    return removed;
  }

  /** Removes up to limit elements equal to value from chunk, the last ones first when backwards; returns how many. */
  private removeFromChunk(chunk: Chunk, value: string, limit: number, backwards: boolean): number {
    const { buf, starts } = chunk;
    // Backwards with a limit: the matches before the last `limit` stay.
    let skip = 0;
    if (backwards && limit !== Infinity) {
      let matches = 0;
      for (let pos = chunk.start; pos < chunk.end; ) {
        pos = readAt(buf, pos);
        if (elementEquals(buf, value)) matches++;
      }
      skip = Math.max(0, matches - limit);
    }
    let write = chunk.start;
    let kept = chunk.first;
    let removed = 0;
    for (let pos = chunk.start; pos < chunk.end; ) {
      const next = readAt(buf, pos);
      const drop = removed < limit && elementEquals(buf, value) && skip-- <= 0;
      if (drop) removed++;
      else {
        if (write !== pos) buf.copyWithin(write, pos, next);
        starts[kept++] = write;
        write += next - pos;
      }
      pos = next;
    }
    chunk.end = write;
    chunk.last = kept;
    return removed;
  }
}

/**
 * A list of up to SMALL_MAX elements: the strings in an array. Until then a
 * packed list's chunk and two typed arrays cost more than the strings (some
 * 600 bytes), and lists of a few elements are common.
 */
class SmallList implements ListStore {
  /** Bytes of the element strings (see memory.ts), kept as they come and go: the list's figure is read after each write. */
  private stringBytes = 0;

  constructor(private items: string[] = []) {
    for (const item of items) this.stringBytes += stringBytes(item.length);
  }

  get length(): number {
    return this.items.length;
  }

  /** Whether the list has grown past the small form. */
  get outgrown(): boolean {
    return this.items.length > SMALL_MAX;
  }

  get elements(): readonly string[] {
    return this.items;
  }

  pushHead(value: string): void {
    this.items.unshift(value);
    this.stringBytes += stringBytes(value.length);
  }

  pushTail(value: string): void {
    this.items.push(value);
    this.stringBytes += stringBytes(value.length);
  }

  popHead(): string {
    return this.counted(this.items.shift() as string);
  }

  popTail(): string {
    return this.counted(this.items.pop() as string);
  }

  /** Counts out an element that left the list; returns it. */
  private counted(value: string): string {
    this.stringBytes -= stringBytes(value.length);
    return value;
  }

  popInto(atHead: boolean, sink: ElementSink): void {
    sink.bulk(atHead ? this.popHead() : this.popTail());
  }

  /** Removes items[from, from + n) without the array of them that splice would make (nor Array's copyWithin, a slow generic builtin). */
  private removeRange(from: number, n: number): void {
    if (n === 0) return;
    const items = this.items;
    for (let i = from; i < from + n; i++) this.stringBytes -= stringBytes(items[i].length);
    for (let i = from; i + n < items.length; i++) items[i] = items[i + n];
    items.length -= n;
  }

  removeHead(n: number): void {
    this.removeRange(0, n);
  }

  removeTail(n: number): void {
    this.removeRange(this.items.length - n, n);
  }

  get(index: number): string {
    return this.items[index];
  }

  set(index: number, value: string): void {
    this.stringBytes += stringBytes(value.length) - stringBytes(this.items[index].length);
    this.items[index] = value;
  }

  insert(index: number, value: string): void {
    this.items.splice(index, 0, value);
    this.stringBytes += stringBytes(value.length);
  }

  walk(index: number, backwards: boolean, visit: ListVisitor): void {
    const items = this.items;
    for (let i = index; i >= 0 && i < items.length; i += backwards ? -1 : 1) if (visit(items[i], i) === false) return;
  }

  replyRange(start: number, count: number, sink: ElementSink): void {
    if (count > 0) sink.bulks(this.items, start, start + count);
  }

  removeMatches(value: string, limit: number, backwards: boolean): number {
    const items = this.items;
    let removed = 0;
    const more = () => limit === 0 || removed < limit;
    if (backwards) {
      for (let i = items.length - 1; i >= 0 && more(); i--) {
        if (items[i] !== value) continue;
        items.splice(i, 1);
        removed++;
      }
    } else {
      let kept = 0;
      for (const item of items) {
        if (item === value && more()) removed++;
        else items[kept++] = item;
      }
      items.length = kept;
    }
    this.stringBytes -= removed * stringBytes(value.length);
    return removed;
  }

  clone(): SmallList {
    return new SmallList(this.items.slice());
  }

  memoryUsage(): number {
    return objectBytes(2) + arrayBytes(this.items.length) + this.stringBytes;
  }
}

export class List implements Collection {
  readonly type = 'list';
  /** Kept by the keyspace (see memory.ts). */
  accountedBytes = 0;
  private store: ListStore = new SmallList();

  get length(): number {
    return this.store.length;
  }

  encoding(): string {
    return 'quicklist';
  }

  memoryUsage(): number {
    return objectBytes(3) + this.store.memoryUsage();
  }

  clone(): List {
    const copy = new List();
    copy.store = this.store.clone();
    return copy;
  }

  /** Packs a small list that has outgrown its form; a packed list stays packed (as a quicklist never converts back in Redis 7.0). */
  private grown(): void {
    if (this.store instanceof SmallList && this.store.outgrown) this.store = PackedList.of(this.store.elements);
  }

  push(value: string, atHead: boolean): void {
    if (atHead) this.store.pushHead(value);
    else this.store.pushTail(value);
    this.grown();
  }

  pushTail(value: string): void {
    this.push(value, false);
  }

  /** Removes and returns the first or last element; the list must not be empty. */
  pop(atHead: boolean): string {
    return atHead ? this.store.popHead() : this.store.popTail();
  }

  /** Removes the first or last element into sink, a reply (see ElementSink); the list must not be empty. */
  popInto(atHead: boolean, sink: ElementSink): void {
    this.store.popInto(atHead, sink);
  }

  /** Removes the first n elements (n <= length). */
  removeHead(n: number): void {
    this.store.removeHead(n);
  }

  /** Removes the last n elements (n <= length). */
  removeTail(n: number): void {
    this.store.removeTail(n);
  }

  /** The element at index, 0 <= index < length. */
  get(index: number): string {
    return this.store.get(index);
  }

  /** Replaces the element at index, 0 <= index < length. */
  set(index: number, value: string): void {
    this.store.set(index, value);
  }

  /** Inserts value so that it lands at index, 0 <= index <= length. */
  insert(index: number, value: string): void {
    this.store.insert(index, value);
    this.grown();
  }

  /**
   * Visits the elements from index towards the tail, or towards the head when
   * backwards, until the end or until visit returns false. visit must not
   * change the list.
   */
  walk(index: number, backwards: boolean, visit: ListVisitor): void {
    if (index >= 0 && index < this.length) this.store.walk(index, backwards, visit);
  }

  /** Hands the elements [start, start + count) to sink, head to tail. 0 <= start and start + count <= length. */
  replyRange(start: number, count: number, sink: ElementSink): void {
    this.store.replyRange(start, count, sink);
  }

  /** Removes up to limit elements equal to value (0: all), from the tail side when backwards; returns how many. */
  removeMatches(value: string, limit: number, backwards: boolean): number {
    return this.store.removeMatches(value, limit, backwards);
  }

  /** Every element, head to tail (for tests). */
  toArray(): string[] {
    const out: string[] = [];
    this.walk(0, false, (value) => void out.push(value));
    return out;
  }
}
