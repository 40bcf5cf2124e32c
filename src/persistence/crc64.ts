/**
 * CRC-64 as Redis computes it for DUMP payloads and RDB files (crc64.c):
 * the Jones polynomial 0xad93d23594c935a9, reflected in and out, initial
 * value 0, no final xor, written as 8 little-endian bytes.
 *
 * The reflected form shifts the state right one byte per input byte; the
 * 64-bit state is kept as two 32-bit halves so the loop stays in small
 * integers instead of BigInt.
 */

/** 0xad93d23594c935a9 with its 64 bits in reverse order, in halves. */
const REFLECTED_POLY_HIGH = 0x95ac9329;
const REFLECTED_POLY_LOW = 0xac4bc9b5;

/** For each byte value, the state change of shifting it out eight bits: low and high halves. */
const [TABLE_LOW, TABLE_HIGH] = byteTables();

function byteTables(): [Int32Array, Int32Array] {
  const low = new Int32Array(256);
  const high = new Int32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let lo = byte;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = (lo >>> 1) | (hi << 31);
      hi >>>= 1;
      if (carry) {
        lo ^= REFLECTED_POLY_LOW;
        hi ^= REFLECTED_POLY_HIGH;
      }
    }
    low[byte] = lo;
    high[byte] = hi;
  }
  return [low, high];
}

/** Redis's crc64(0, data, length), as the 8 little-endian bytes a DUMP payload ends with. */
export function crc64(data: Uint8Array): Buffer {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < data.length; i++) {
    const index = (lo ^ data[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LOW[index];
    hi = (hi >>> 8) ^ TABLE_HIGH[index];
  }
  const out = Buffer.allocUnsafe(8);
  out.writeInt32LE(lo, 0);
  out.writeInt32LE(hi, 4);
  return out;
}
