/**
 * Redis's integer rules for byte strings (string2ll): which strings are int64
 * values, and those values. Commands parse arguments with them, and the
 * stores decide encodings with them (an intset holds only such members).
 */

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** Whether s is an integer as Redis's string2ll accepts it: optional '-', no leading zeros, within int64. */
export function isInt64(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1;
  if (first < 49 || first > 57) return false;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (n >= 19) {
    const big = BigInt(s);
    return big <= INT64_MAX && big >= INT64_MIN;
  }
  return true;
}

/** Longest digit run whose value a double holds exactly (10^15 < 2^53): toInt64 sums such runs itself. */
export const EXACT_DIGITS = 15;

/** s as an int64, as a JS number (exact up to 2^53); null when s is no int64. */
export function toInt64(s: string): number | null {
  const n = s.length;
  const negative = n > 1 && s.charCodeAt(0) === 45;
  const digits = negative ? n - 1 : n;
  if (digits === 0 || digits > EXACT_DIGITS) return isInt64(s) ? Number(s) : null;
  // The common case in one pass, without Number()'s general parse: INCR reads its counter with it.
  const first = n - digits;
  const lead = s.charCodeAt(first) - 48;
  if (lead < 1 || lead > 9) return lead === 0 && digits === 1 && !negative ? 0 : null;
  let value = lead;
  for (let i = first + 1; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** s as an int64, exactly; null when s is no int64. */
export function toBigInt64(s: string): bigint | null {
  return isInt64(s) ? BigInt(s) : null;
}
