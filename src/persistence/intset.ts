/**
 * Redis's intset (intset.c), the blob a set of integers is stored as in RDB
 * type 11 payloads: the bytes per value (uint32 LE: 2, 4 or 8, the smallest
 * that holds every member), the number of values (uint32 LE), then the
 * values in ascending order as little-endian signed integers.
 */
import { toInt64 } from '../store/int64.js';
import { fitsSigned } from './listpack.js';

const HEADER_SIZE = 8;
const WIDTHS = [2, 4, 8];

/**
 * The intset of members: distinct integers in canonical form (as string2ll
 * reads them), in any order.
 */
export function encodeIntset(members: readonly string[]): Buffer {
  // Exact up to 2^53: enough to pick the width, and the values of 2- and 4-byte sets.
  const values = members.map(memberValue);
  const width = WIDTHS.find((bytes) => bytes === 8 || values.every((value) => fitsSigned(value, bytes)))!;
  const out = Buffer.allocUnsafe(HEADER_SIZE + width * members.length);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(members.length, 4);
  if (width === 8) {
    const exact = members.map((member) => BigInt(member)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    exact.forEach((value, i) => out.writeBigInt64LE(value, HEADER_SIZE + 8 * i));
  } else {
    values.sort((a, b) => a - b).forEach((value, i) => out.writeIntLE(value, HEADER_SIZE + width * i, width));
  }
  return out;
}

/**
 * The members of an intset as decimal strings, ascending; null when the
 * width is not 2, 4 or 8, the count does not match the size, there are no
 * members, or the values are not strictly ascending (as Redis's
 * intsetValidateIntegrity rejects them).
 */
export function decodeIntset(blob: Uint8Array): string[] | null {
  const is = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (is.length < HEADER_SIZE) return null;
  const width = is.readUInt32LE(0);
  const count = is.readUInt32LE(4);
  if (!WIDTHS.includes(width) || count === 0 || HEADER_SIZE + width * count !== is.length) return null;
  const members: string[] = [];
  let previous: number | bigint | null = null;
  for (let pos = HEADER_SIZE; pos < is.length; pos += width) {
    const value = width === 8 ? is.readBigInt64LE(pos) : is.readIntLE(pos, width);
    if (previous !== null && value <= previous) return null;
    members.push(String(value));
    previous = value;
  }
  return members;
}

function memberValue(member: string): number {
  const value = toInt64(member);
  if (value === null) throw new RangeError(`not an intset member: ${JSON.stringify(member)}`);
  return value;
}
