/**
 * Redis's listpack (listpack.c), the blob a small hash, sorted set or list
 * node is stored as in RDB type 16, 17 and 18 payloads.
 *
 * Layout: total bytes (uint32 LE), element count (uint16 LE, 65535 once there
 * are that many or more), the entries, and a 0xFF terminator. An entry is an
 * encoding byte, its data, and a "backlen": the entry's size without it, in
 * 7-bit groups, most significant first, every group but the first flagged
 * with 0x80, so that it can be read backwards from the next entry.
 *
 *   0xxxxxxx                  integer 0..127
 *   10llllll                  string of up to 63 bytes
 *   110xxxxx xxxxxxxx         13-bit signed integer, big-endian
 *   1110llll llllllll         string of up to 4095 bytes
 *   11110000 + uint32 LE      longer string
 *   0xF1..0xF4                16, 24, 32, 64-bit signed integer, little-endian
 *
 * A string is stored as an integer when it is one in canonical form (as
 * string2ll reads it), in the smallest encoding that holds it.
 */
import { toInt64 } from '../store/int64.js';
import { latin1, putLatin1 } from '../resp/latin1.js';

const HEADER_SIZE = 6;
const COUNT_UNKNOWN = 0xffff;
const EOF = 0xff;

const STRING_6BIT = 0x80;
const STRING_12BIT = 0xe0;
const STRING_32BIT = 0xf0;
const INT_13BIT = 0xc0;
/** The tag byte of each wide integer encoding, from 16 bits: tag 0xf1 + i holds WIDE_INTEGER_BYTES[i] bytes. */
const WIDE_INTEGER_TAG = 0xf1;
const WIDE_INTEGER_BYTES = [2, 3, 4, 8];

/** Bytes of a listpack with no entries: the header and the terminator. */
export const EMPTY_LISTPACK_BYTES = HEADER_SIZE + 1;

/** Bytes that entry takes in a listpack, its backlen included. */
export function listpackEntryBytes(entry: string): number {
  return entryBytes(entry, toInt64(entry));
}

function entryBytes(entry: string, integer: number | null): number {
  return withBacklen(integer === null ? stringHeaderSize(entry.length) + entry.length : integerSize(integer));
}

/** The listpack holding entries, as Redis builds it by appending them one by one to an empty listpack. */
export function encodeListpack(entries: readonly string[]): Buffer {
  const integers = entries.map((entry) => toInt64(entry));
  let size = EMPTY_LISTPACK_BYTES;
  entries.forEach((entry, i) => {
    size += entryBytes(entry, integers[i]);
  });
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(size, 0);
  out.writeUInt16LE(Math.min(entries.length, COUNT_UNKNOWN), 4);
  let pos = HEADER_SIZE;
  entries.forEach((entry, i) => {
    const integer = integers[i];
    const end = integer === null ? writeString(out, pos, entry) : writeInteger(out, pos, integer, entry);
    pos = writeBacklen(out, end, end - pos);
  });
  out[pos] = EOF;
  return out;
}

/** The entries of a listpack (integers as their decimal text); null when it is malformed. */
export function decodeListpack(blob: Uint8Array): string[] | null {
  const lp = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const eof = lp.length - 1;
  if (lp.length < HEADER_SIZE + 1 || lp.readUInt32LE(0) !== lp.length || lp[eof] !== EOF) return null;
  const entries: string[] = [];
  for (let pos = HEADER_SIZE; pos !== eof; ) {
    pos = readEntry(lp, pos, eof, entries);
    if (pos < 0) return null;
  }
  const count = lp.readUInt16LE(4);
  return count === COUNT_UNKNOWN || count === entries.length ? entries : null;
}

function stringHeaderSize(length: number): number {
  if (length < 64) return 1;
  return length < 4096 ? 2 : 5;
}

function writeString(out: Buffer, pos: number, s: string): number {
  const header = stringHeaderSize(s.length);
  if (header === 1) out[pos] = STRING_6BIT | s.length;
  else if (header === 2) out.writeUInt16BE((STRING_12BIT << 8) | s.length, pos);
  else {
    out[pos] = STRING_32BIT;
    out.writeUInt32LE(s.length, pos + 1);
  }
  return putLatin1(out, pos + header, s);
}

/** Bytes the value's integer encoding takes, tag included; value is exact up to 2^53, and only compared with 32-bit bounds. */
function integerSize(value: number): number {
  if (value >= 0 && value <= 127) return 1;
  if (value >= -4096 && value <= 4095) return 2;
  return 1 + WIDE_INTEGER_BYTES.find((bytes) => bytes === 8 || fitsSigned(value, bytes))!;
}

/** Whether value fits a two's complement integer of that many bytes. */
export function fitsSigned(value: number, bytes: number): boolean {
  const limit = 2 ** (8 * bytes - 1);
  return value >= -limit && value < limit;
}

/** Writes value (text is its exact decimal form, for 64-bit values) and returns where it ends. */
function writeInteger(out: Buffer, pos: number, value: number, text: string): number {
  const size = integerSize(value);
  if (size === 1) out[pos] = value;
  else if (size === 2) out.writeUInt16BE((INT_13BIT << 8) | (value & 0x1fff), pos);
  else {
    const bytes = size - 1;
    out[pos] = WIDE_INTEGER_TAG + WIDE_INTEGER_BYTES.indexOf(bytes);
    if (bytes === 8) out.writeBigInt64LE(BigInt(text), pos + 1);
    else out.writeIntLE(value, pos + 1, bytes);
  }
  return pos + size;
}

/**
 * Bytes of a backlen for an entry of size bytes. Redis's bounds are one short
 * of the 7-bit group limits (16383, not 16384, takes three bytes), and the
 * size must match theirs for the blob to be theirs.
 */
function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  return size < 268435455 ? 4 : 5;
}

function withBacklen(size: number): number {
  return size + backlenSize(size);
}

function writeBacklen(out: Buffer, pos: number, size: number): number {
  const bytes = backlenSize(size);
  for (let i = 0; i < bytes; i++) {
    const group = Math.floor(size / 2 ** (7 * (bytes - 1 - i)));
    out[pos + i] = i === 0 ? group : (group & 0x7f) | 0x80;
  }
  return pos + bytes;
}

/**
 * The backlen ending just before end, read backwards as Redis's lpPrev does;
 * -1 when it runs over five bytes.
 */
function backlenBefore(lp: Buffer, end: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = lp[end - 1 - i];
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  return -1;
}

/**
 * Reads the entry at pos into out and returns where the next one starts;
 * -1 when its encoding is unknown, it reaches the terminator at eof, or its
 * backlen does not give its size.
 */
function readEntry(lp: Buffer, pos: number, eof: number, out: string[]): number {
  const first = lp[pos];
  const header = stringHeaderAt(first);
  if (header > 0 && pos + header > eof) return -1;
  const size = header > 0 ? header + stringLengthAt(lp, pos, header) : integerSizeAt(first);
  if (size === 0) return -1;
  const next = pos + withBacklen(size);
  if (next > eof || backlenBefore(lp, next) !== size) return -1;
  out.push(header > 0 ? latin1(lp, pos + header, pos + size) : integerAt(lp, pos, size));
  return next;
}

/** Bytes of the string header an encoding byte starts; 0 when it starts no string. */
function stringHeaderAt(first: number): number {
  if ((first & 0xc0) === STRING_6BIT) return 1;
  if ((first & 0xf0) === STRING_12BIT) return 2;
  return first === STRING_32BIT ? 5 : 0;
}

function stringLengthAt(lp: Buffer, pos: number, header: number): number {
  if (header === 1) return lp[pos] & 0x3f;
  if (header === 2) return lp.readUInt16BE(pos) & 0xfff;
  return lp.readUInt32LE(pos + 1);
}

/** Bytes of the integer entry an encoding byte starts, tag included; 0 when it starts no integer. */
function integerSizeAt(first: number): number {
  if (first < 0x80) return 1;
  if ((first & 0xe0) === INT_13BIT) return 2;
  const wide = first - WIDE_INTEGER_TAG;
  return wide >= 0 && wide < WIDE_INTEGER_BYTES.length ? 1 + WIDE_INTEGER_BYTES[wide] : 0;
}

function integerAt(lp: Buffer, pos: number, size: number): string {
  if (size === 1) return String(lp[pos]);
  if (size === 2) return String(((lp.readUInt16BE(pos) & 0x1fff) << 19) >> 19);
  if (size === 9) return String(lp.readBigInt64LE(pos + 1));
  return String(lp.readIntLE(pos + 1, size - 1));
}
