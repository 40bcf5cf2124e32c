/**
 * The compact encodings of Redis before 7.0, read from RDB payloads older
 * versions wrote.
 *
 * Ziplist (ziplist.c; RDB types 10, 12, 13, and the nodes of type 14 lists):
 * total bytes (uint32 LE), offset of the last entry (uint32 LE), entry count
 * (uint16 LE, 65535 when unknown), the entries, and a 0xFF terminator. An
 * entry is the previous entry's size (one byte below 254, else 0xFE and a
 * uint32 LE), an encoding, and its data:
 *
 *   00llllll                  string of up to 63 bytes
 *   01llllll llllllll         string of up to 16383 bytes, length big-endian
 *   10______ + uint32 BE      longer string
 *   0xC0, 0xD0, 0xE0          int16, int32, int64, little-endian
 *   0xF0, 0xFE                int24, int8
 *   0xF1..0xFD                the integer 0..12, in the encoding byte itself
 *
 * Zipmap (zipmap.c; RDB type 9, hashes of Redis 2.4 and older): a count byte
 * (254: unknown), then per pair the field's length and bytes, the value's
 * length, a count of free bytes, the value's bytes and the free bytes; a
 * length is one byte below 254, else 0xFE and a uint32 LE. 0xFF ends it.
 */
import { latin1 } from '../resp/latin1.js';

const ZIPLIST_HEADER_SIZE = 10;
const ZIPLIST_COUNT_UNKNOWN = 0xffff;
const END = 0xff;
/** A prevlen or zipmap length byte from which on a uint32 LE follows. */
const BIG_LENGTH = 0xfe;

const INT_IMMEDIATE_MIN = 0xf1;
const INT_IMMEDIATE_MAX = 0xfd;
/** Bytes of each integer encoding but the immediate ones. */
const INTEGER_BYTES = new Map([
  [0xfe, 1],
  [0xc0, 2],
  [0xf0, 3],
  [0xd0, 4],
  [0xe0, 8],
]);

/**
 * The entries of a ziplist (integers as their decimal text); null when it is
 * malformed, as Redis's ziplistValidateIntegrity finds it: sizes that do not
 * match, an unknown encoding, an entry past the end, a previous-entry size or
 * tail offset that is wrong, or a count that does not match.
 */
export function decodeZiplist(blob: Uint8Array): string[] | null {
  const zl = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const end = zl.length - 1;
  if (zl.length < ZIPLIST_HEADER_SIZE + 1 || zl.readUInt32LE(0) !== zl.length || zl[end] !== END) return null;
  const tail = zl.readUInt32LE(4);
  if (tail > end) return null;
  const entries: string[] = [];
  let previousSize = 0;
  let pos = ZIPLIST_HEADER_SIZE;
  while (pos !== end) {
    const next = readZiplistEntry(zl, pos, end, previousSize, entries);
    if (next < 0) return null;
    previousSize = next - pos;
    if (next === end && pos !== tail) return null;
    pos = next;
  }
  const count = zl.readUInt16LE(8);
  return count === ZIPLIST_COUNT_UNKNOWN || count === entries.length ? entries : null;
}

/**
 * Reads the entry at pos into out and returns where the next one starts; -1
 * when it is malformed, reaches the terminator at end, or does not give
 * previousSize as the previous entry's size.
 */
function readZiplistEntry(zl: Buffer, pos: number, end: number, previousSize: number, out: string[]): number {
  const first = zl[pos];
  if (first === END) return -1;
  const prevlenSize = first < BIG_LENGTH ? 1 : 5;
  const at = pos + prevlenSize;
  if (at > end) return -1;
  const prevlen = prevlenSize === 1 ? first : zl.readUInt32LE(pos + 1);
  if (prevlen !== previousSize) return -1;
  const encoding = zl[at];
  if (encoding < 0xc0) {
    const header = [1, 2, 5][encoding >> 6];
    if (at + header > end) return -1;
    const next = at + header + ziplistStringLength(zl, at, header);
    if (next > end) return -1;
    out.push(latin1(zl, at + header, next));
    return next;
  }
  if (encoding >= INT_IMMEDIATE_MIN && encoding <= INT_IMMEDIATE_MAX) {
    out.push(String((encoding & 0x0f) - 1));
    return at + 1;
  }
  const bytes = INTEGER_BYTES.get(encoding);
  if (bytes === undefined || at + 1 + bytes > end) return -1;
  out.push(String(bytes === 8 ? zl.readBigInt64LE(at + 1) : zl.readIntLE(at + 1, bytes)));
  return at + 1 + bytes;
}

function ziplistStringLength(zl: Buffer, at: number, header: number): number {
  if (header === 1) return zl[at] & 0x3f;
  if (header === 2) return zl.readUInt16BE(at) & 0x3fff;
  return zl.readUInt32BE(at + 1);
}

/**
 * The fields and values of a zipmap, alternating; null when it is malformed
 * (as Redis's zipmapValidateIntegrity finds it, but stricter in that the
 * terminator must be its last byte) or empty.
 */
export function decodeZipmap(blob: Uint8Array): string[] | null {
  const zm = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const end = zm.length - 1;
  if (zm.length < 2 || zm[end] !== END) return null;
  const entries: string[] = [];
  let pos = 1;
  while (pos !== end) {
    if (zm[pos] === END) return null;
    const valueAt = readZipmapString(zm, pos, end, 0, entries);
    if (valueAt < 0) return null;
    pos = readZipmapString(zm, valueAt, end, 1, entries);
    if (pos < 0) return null;
  }
  const pairs = entries.length / 2;
  return pairs > 0 && (zm[0] === BIG_LENGTH || zm[0] === pairs) ? entries : null;
}

/**
 * Reads the length-prefixed string at pos (skipping the free-bytes count
 * and free bytes when freeCountBytes is 1) into out and returns where it
 * ends; -1 when it reaches the terminator at end.
 */
function readZipmapString(zm: Buffer, pos: number, end: number, freeCountBytes: 0 | 1, out: string[]): number {
  const lengthSize = zm[pos] < BIG_LENGTH ? 1 : 5;
  const start = pos + lengthSize + freeCountBytes;
  if (start > end) return -1;
  const length = lengthSize === 1 ? zm[pos] : zm.readUInt32LE(pos + 1);
  const free = freeCountBytes === 1 ? zm[start - 1] : 0;
  const next = start + length + free;
  if (next > end) return -1;
  out.push(latin1(zm, start, start + length));
  return next;
}
