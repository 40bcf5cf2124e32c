/**
 * A growable array kept as chunks, for the Dict's key and value columns. A JS
 * array grows by copying itself into one 1.5 times larger, and each old copy
 * of a million-entry column (8 MB) stays in the old generation until the next
 * full GC: tens of bytes a key right after a load. Here the first chunk grows
 * as a plain array does (small tables stay small) up to CHUNK_SIZE slots, and
 * the table grows further by whole chunks, added and never copied, none large
 * enough for V8's large-object space. Unset slots read undefined.
 */
import { arrayBytes } from './memory.js';

const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** arrayBytes(CHUNK_SIZE), which a large hash's or set's memory figure reads at each write to it. */
const FULL_CHUNK_BYTES = arrayBytes(CHUNK_SIZE);

export class ChunkedArray<T> {
  private chunks: (T | undefined)[][] = [[]];

  get(i: number): T | undefined {
    const chunk = this.chunks[i >>> CHUNK_BITS];
    return chunk === undefined ? undefined : chunk[i & CHUNK_MASK];
  }

  set(i: number, value: T | undefined): void {
    const c = i >>> CHUNK_BITS;
    while (this.chunks.length <= c) this.chunks.push(new Array<T | undefined>(CHUNK_SIZE).fill(undefined));
    this.chunks[c][i & CHUNK_MASK] = value;
  }

  /** Drops the slots from `length` on: they read undefined again, and whole chunks past it go. */
  truncate(length: number): void {
    this.chunks.length = Math.max(1, (length + CHUNK_MASK) >>> CHUNK_BITS);
    if (length < CHUNK_SIZE) this.chunks[0].length = length;
    else this.chunks[this.chunks.length - 1].fill(undefined, length & CHUNK_MASK || CHUNK_SIZE);
  }

  /** Bytes of the chunks and their directory (see memory.ts). */
  memoryUsage(): number {
    const first = this.chunks[0].length;
    return arrayBytes(this.chunks.length) + (first === CHUNK_SIZE ? FULL_CHUNK_BYTES : arrayBytes(first)) + (this.chunks.length - 1) * FULL_CHUNK_BYTES;
  }
}
