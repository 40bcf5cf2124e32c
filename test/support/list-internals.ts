/**
 * A List's memory figure recounted from what it holds (its private state,
 * read here to check its running counts): a small list's strings, or a
 * packed list's chunks' byte buffers and start-position arrays, the spare
 * chunk included.
 */
import type { List } from '../../src/store/list.js';
import { arrayBytes, objectBytes, stringBytes, typedArrayBytesOf } from '../../src/store/memory.js';

export interface ChunkState {
  next: ChunkState | null;
  buf: Buffer;
  start: number;
  end: number;
  starts: Uint32Array;
  first: number;
  last: number;
}

/** The list's inner form: a small list's strings, or a packed list's first chunk and spare. */
export function listStore(list: List): { items?: string[]; head?: ChunkState | null; spare?: ChunkState | null } {
  return (list as unknown as { store: { items?: string[]; head?: ChunkState | null; spare?: ChunkState | null } }).store;
}

export function recountListBytes(list: List): number {
  const store = listStore(list);
  if (store.items !== undefined) return objectBytes(3) + objectBytes(2) + arrayBytes(store.items.length) + store.items.reduce((sum, item) => sum + stringBytes(item.length), 0);
  const chunkBytes = (chunk: ChunkState) => objectBytes(8) + 2 * typedArrayBytesOf(0) + chunk.buf.length + chunk.starts.byteLength;
  let bytes = objectBytes(3) + objectBytes(8) + (store.spare ? chunkBytes(store.spare) : 0);
  for (let chunk = store.head ?? null; chunk; chunk = chunk.next) bytes += chunkBytes(chunk);
  return bytes;
}
