/**
 * Keys with their string values, kept as bytes outside the V8 heap: the
 * records of the keyspace and of large hashes (see Dict's records option). A
 * record is the key's length and the value's (16 bits each), then the key's
 * bytes and the value's, in a slot of a buffer. Slots come in classes of
 * 8-byte steps; a freed slot goes on its class's free list, linked through
 * its own first bytes. An arena's buffers double from 1 KB up to 64 KB, so
 * that a hash of a few hundred fields takes a few KB rather than 64.
 *
 * Why: a key and value held as JS strings are objects the garbage collector
 * copies and visits, and every overwrite stores a new young string into the
 * old table, which the next scavenge must then find through its remembered
 * set. At ten million keys that took most of a write's time and stopped the
 * server for 30-50 ms at each scavenge. A record is bytes the collector never
 * sees, overwritten in place while its slot size stays, and read by a GET
 * straight into the reply.
 *
 * A record is named by a handle, (buffer index << 13) | (offset / 8): a
 * non-negative Smi below 2^31, so up to 16 GB of records.
 */
import { latin1, latin1At, putLatin1 } from '../resp/latin1.js';

/** The largest buffer: 2^OFFSET_BITS slots of 8 bytes. */
const BUFFER_BYTES = 64 * 1024;
const OFFSET_BITS = 13;
const OFFSET_MASK = (1 << OFFSET_BITS) - 1;
const HEADER_BYTES = 4;
const SLOT_MAX = 1024;
/** The first buffer's size: the largest slot fits every buffer. */
const FIRST_BUFFER_BYTES = SLOT_MAX;
/** The most bytes a record holds of key and value together. */
export const RECORD_MAX = SLOT_MAX - HEADER_BYTES;
const NONE = -1;

/** The bytes a record of a key and a value of these lengths takes. */
export function recordBytes(keyLength: number, valueLength: number): number {
  return (HEADER_BYTES + keyLength + valueLength + 7) & ~7;
}

/** Whether a key and a value of these lengths fit one record. */
export function fitsRecord(keyLength: number, valueLength: number): boolean {
  return keyLength + valueLength <= RECORD_MAX;
}

/** The key length in the header of the record at buf[at]. */
function keyLengthAt(buf: Buffer, at: number): number {
  return buf[at] | (buf[at + 1] << 8);
}

/** The value length in the header of the record at buf[at]. */
function valueLengthAt(buf: Buffer, at: number): number {
  return buf[at + 2] | (buf[at + 3] << 8);
}

/** Where a record's value goes when it is written out (the reply writer). */
export interface ByteSink {
  /** src[from, to) as a bulk string. */
  bulkBytes(src: Buffer, from: number, to: number): void;
}

export class RecordArena {
  private readonly buffers: Buffer[] = [];
  /** Head of each slot class's free list (class i holds slots of 8 * (i + 1) bytes), NONE when empty. */
  private readonly freeHeads = new Int32Array(SLOT_MAX / 8).fill(NONE);
  /** Where the last buffer's unused space starts. */
  private top = 0;

  /** A new record of key and value (their lengths together at most RECORD_MAX). */
  add(key: string, value: string): number {
    const handle = this.allocate(recordBytes(key.length, value.length));
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    buf[at] = key.length & 0xff;
    buf[at + 1] = key.length >>> 8;
    putLatin1(buf, at + HEADER_BYTES, key);
    this.putValue(buf, at, key.length, value);
    return handle;
  }

  /** Gives the record a new value, in place while its slot size stays; returns the handle that now holds it. */
  replaceValue(handle: number, value: string): number {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    const keyLength = keyLengthAt(buf, at);
    const slot = recordBytes(keyLength, value.length);
    if (slot === recordBytes(keyLength, valueLengthAt(buf, at))) {
      this.putValue(buf, at, keyLength, value);
      return handle;
    }
    const moved = this.allocate(slot);
    const to = this.bufferOf(moved);
    const toAt = this.offsetOf(moved);
    buf.copy(to, toAt, at, at + HEADER_BYTES + keyLength);
    this.putValue(to, toAt, keyLength, value);
    this.free(handle);
    return moved;
  }

  free(handle: number): void {
    const cls = (this.bytesOf(handle) >>> 3) - 1;
    this.bufferOf(handle).writeInt32LE(this.freeHeads[cls], this.offsetOf(handle));
    this.freeHeads[cls] = handle;
  }

  /** The bytes the record's slot takes. */
  bytesOf(handle: number): number {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    return recordBytes(keyLengthAt(buf, at), valueLengthAt(buf, at));
  }

  keyLength(handle: number): number {
    return keyLengthAt(this.bufferOf(handle), this.offsetOf(handle));
  }

  hasKey(handle: number, key: string): boolean {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    return keyLengthAt(buf, at) === key.length && latin1At(buf, at + HEADER_BYTES, key);
  }

  key(handle: number): string {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    return latin1(buf, at + HEADER_BYTES, at + HEADER_BYTES + keyLengthAt(buf, at));
  }

  value(handle: number): string {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    const from = at + HEADER_BYTES + keyLengthAt(buf, at);
    return latin1(buf, from, from + valueLengthAt(buf, at));
  }

  /** Hands the record's key to sink, with no string made. */
  writeKeyTo(handle: number, sink: ByteSink): void {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    sink.bulkBytes(buf, at + HEADER_BYTES, at + HEADER_BYTES + keyLengthAt(buf, at));
  }

  /** Hands the record's value to sink, with no string made. */
  writeValueTo(handle: number, sink: ByteSink): void {
    const buf = this.bufferOf(handle);
    const at = this.offsetOf(handle);
    const from = at + HEADER_BYTES + keyLengthAt(buf, at);
    sink.bulkBytes(buf, from, from + valueLengthAt(buf, at));
  }

  private putValue(buf: Buffer, at: number, keyLength: number, value: string): void {
    buf[at + 2] = value.length & 0xff;
    buf[at + 3] = value.length >>> 8;
    putLatin1(buf, at + HEADER_BYTES + keyLength, value);
  }

  private allocate(slot: number): number {
    const cls = (slot >>> 3) - 1;
    const head = this.freeHeads[cls];
    if (head !== NONE) {
      this.freeHeads[cls] = this.bufferOf(head).readInt32LE(this.offsetOf(head));
      return head;
    }
    const last = this.buffers.length === 0 ? 0 : this.buffers[this.buffers.length - 1].length;
    if (this.top + slot > last) {
      this.buffers.push(Buffer.allocUnsafeSlow(Math.min(BUFFER_BYTES, Math.max(FIRST_BUFFER_BYTES, 2 * last))));
      this.top = 0;
    }
    const handle = ((this.buffers.length - 1) << OFFSET_BITS) | (this.top >>> 3);
    this.top += slot;
    return handle;
  }

  private bufferOf(handle: number): Buffer {
    return this.buffers[handle >>> OFFSET_BITS];
  }

  private offsetOf(handle: number): number {
    return (handle & OFFSET_MASK) << 3;
  }
}
