/**
 * Memory accounting: what used_memory counts, and how.
 *
 * Redis reads used_memory from its allocator. Node has no such count per
 * object, and V8's own figure (used_heap_size) includes garbage not yet
 * collected, so it jumps at every GC and cannot steer eviction. Keyhive
 * instead computes what its data costs, the way V8 lays it out on 64-bit Node
 * (8-byte pointers, no pointer compression):
 *
 *   used_memory = BASELINE                    server structures, empty databases, compiled code
 *               + Σ keys      entryBytes(key, value)
 *               + Σ deadlines EXPIRES_ENTRY_BYTES
 *               + client buffers              unparsed query bytes + replies not yet sent
 *
 *   entryBytes(key, value) = stringBytes(key) + valueBytes(value) + MAIN_ENTRY_BYTES
 *                            (a key kept with its string value as a record outside the
 *                            heap, see records.ts: recordBytes(key, value) + MAIN_ENTRY_BYTES)
 *   stringBytes(n)         = 16 + n rounded up to 8: a sequential one-byte string
 *                            (map, hash and length header, then the bytes)
 *   valueBytes             = stringBytes for a string, Collection.memoryUsage() for a
 *                            collection, 0 or 16 for a counter (see stringValueBytes)
 *   MAIN_ENTRY_BYTES       = one entry of the keyspace Dict's arrays (key and value
 *                            pointers, hash, chain link, LRU/LFU tag, record handle,
 *                            deadline) and its share
 *                            of the buckets, with average growth slack
 *
 * Collections keep their own figure current as they change, so memoryUsage()
 * is O(1): each sums the bytes of its element strings as they come and go, and
 * derives the rest from the lengths of the arrays and typed arrays behind it
 * (arrayBytes, typedArrayBytes, Dict.memoryUsage).
 *
 * Incremental: a Database adjusts its byte total as keys are set, replaced and
 * deleted, and, for a collection modified in place, once the command that
 * reported the change with changed() is over (Keyspace.settleSizes); every
 * write is O(1). To take a key's share out again it needs the figure it was
 * counted at: a string's follows from its key and value lengths, and a
 * collection carries its own (Collection.accountedBytes). The keyspace keeps
 * no column of sizes: at a million keys that was 8 MB.
 * A client's buffers are read again after each of its socket reads and
 * writes, and by the cron (a socket drains without telling).
 *
 * test/memory/accounting.test.ts checks the model against V8: over mixed data
 * the growth of used_memory follows the growth of the heap plus external
 * memory (typed arrays keep their elements outside the heap) after a full GC.
 */
import type { Database, Keyspace, StringValue, Value } from './keyspace.js';
import { recordBytes } from './records.js';

/** What used_memory counts before any key: measured as an idle server's heap growth over bare Node's. */
export const BASELINE_BYTES = 3.5 * 1024 * 1024;

const POINTER = 8;

/** A sequential one-byte string of length n. */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}

/**
 * A JS array of length elements (pointers or unboxed doubles): the JSArray
 * object, then its backing store's header and capacity. V8 grows a backing
 * store to old + old/2 + 16 elements; arrays are assumed to have grown that
 * way from empty (an empty array has no backing store of its own).
 */
export function arrayBytes(length: number): number {
  if (length === 0) return 32;
  let capacity = 16;
  while (capacity < length) capacity += (capacity >> 1) + 16;
  return 32 + 16 + POINTER * capacity;
}

/** A typed array of byteLength bytes: the view and ArrayBuffer objects, then its elements (beside the heap past 64 bytes). */
export function typedArrayBytesOf(byteLength: number): number {
  return 192 + byteLength;
}

export function typedArrayBytes(array: ArrayBufferView): number {
  return typedArrayBytesOf(array.byteLength);
}

/** A plain object of n fields: map pointer, properties, elements, then its fields. */
export function objectBytes(fields: number): number {
  return 24 + POINTER * fields;
}

/**
 * Keyspace Dict columns per entry: key and value pointers (counted with the
 * 1.25 average slack of JS arrays; the chunked columns that hold them now have
 * less, so this is a few bytes high), hash, chain link, tag, record handle (4
 * bytes each), deadline (8) and a bucket at load factor 0.75 on average; typed
 * arrays double as they grow, so they are 3/4 full on average.
 */
export const MAIN_ENTRY_BYTES = Math.round(2 * POINTER * 1.25 + (4 + 4 + 4 + 4 + 8 + 4 / 0.75) * 1.33);

/** The expires Dict's columns per entry (it has no value column; the deadline is the keyspace table's): key pointer, hash, chain link, bucket. */
export const EXPIRES_ENTRY_BYTES = Math.round(POINTER * 1.25 + (4 + 4 + 4 / 0.75) * 1.33);

/** V8's largest small integer (Smi) on 64-bit Node without pointer compression: held in the pointer itself. */
const SMI_MAX = 2 ** 31 - 1;

/** A string value: its string, or for a counter nothing while a Smi, else a 16-byte HeapNumber. */
export function stringValueBytes(value: StringValue): number {
  if (typeof value === 'string') return stringBytes(value.length);
  return value <= SMI_MAX && value >= -SMI_MAX - 1 ? 0 : 16;
}

export function valueBytes(value: Value): number {
  return typeof value === 'object' ? value.memoryUsage() : stringValueBytes(value);
}

/** What one key costs in its database: the number MEMORY USAGE answers. inRecord: it is kept with its string value as a record (see Database.main). */
export function entryBytes(key: string, value: Value, inRecord = false): number {
  if (inRecord) return recordEntryBytes(recordBytes(key.length, (value as string).length));
  return keyEntryBytes(key) + valueBytes(value);
}

/** A key kept with its string value as a record of recordSize bytes, and the keyspace's columns. */
export function recordEntryBytes(recordSize: number): number {
  return recordSize + MAIN_ENTRY_BYTES;
}

/** A key's entry without its value: the key string and the keyspace's columns. */
export function keyEntryBytes(key: string): number {
  return stringBytes(key.length) + MAIN_ENTRY_BYTES;
}

/** What a value was counted at when its database last accounted for it (a collection may have changed since). */
export function accountedValueBytes(value: Value): number {
  return typeof value === 'object' ? value.accountedBytes : stringValueBytes(value);
}

/** A database's share of used_memory: its keys and their deadlines. */
export function databaseBytes(db: Database): number {
  return db.bytes + db.expires.size * EXPIRES_ENTRY_BYTES;
}

/** Bytes of every database's keys (used_memory_dataset before overheads). */
export function datasetBytes(keyspace: Keyspace): number {
  let total = 0;
  for (const db of keyspace.dbs) total += databaseBytes(db);
  return total;
}

/** What a connection holds in memory: received bytes not yet run as commands, replies not yet sent, and its state (MULTI queue, watched keys...). */
export interface BufferHolder {
  readonly decoder: { readonly allocatedBytes: number; readonly pendingArgBytes: number };
  readonly reply: { readonly pendingBytes: number };
  readonly socket: { readonly writableLength: number };
  readonly stateBytes: number;
  readonly closed: boolean;
}

export function clientBufferBytes(client: BufferHolder): number {
  return client.decoder.allocatedBytes + client.decoder.pendingArgBytes + client.reply.pendingBytes + client.socket.writableLength + client.stateBytes;
}

/** used_memory and the figures INFO memory and MEMORY STATS derive from it. */
export class MemoryMeter {
  /** Client buffers: the sum of the clients' shares. */
  clientBytes = 0;
  /** Highest used_memory seen (used_memory_peak). */
  peak = BASELINE_BYTES;
  /** Each client's buffers as last seen, so that a change adjusts the sum by the difference. */
  private readonly clientShares = new WeakMap<BufferHolder, number>();

  constructor(private readonly keyspace: Keyspace) {}

  /** used_memory: O(databases). */
  used(): number {
    this.keyspace.settleSizes();
    return BASELINE_BYTES + datasetBytes(this.keyspace) + this.clientBytes;
  }

  /** Brings a client's share up to date, after it read or was written to; a closed client has none (forgetClient took it). */
  noteClient(client: BufferHolder): void {
    if (client.closed) return;
    const bytes = clientBufferBytes(client);
    const before = this.clientShares.get(client) ?? 0;
    if (bytes === before) return;
    this.clientBytes += bytes - before;
    this.clientShares.set(client, bytes);
  }

  forgetClient(client: BufferHolder): void {
    this.clientBytes -= this.clientShares.get(client) ?? 0;
    this.clientShares.delete(client);
  }

  /** Takes every client's share afresh (the cron: sockets drain without telling), and records the peak. */
  sampleClients(clients: Iterable<BufferHolder>): void {
    for (const client of clients) this.noteClient(client);
    this.notePeak();
  }

  /** Records the peak, returning used_memory. */
  notePeak(): number {
    const used = this.used();
    if (used > this.peak) this.peak = used;
    return used;
  }
}
