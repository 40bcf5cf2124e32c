/**
 * Argument parsing for the sorted-set commands, with Redis's rules and error
 * wording: scores (strtod as string2d checks it), score ranges ("(1.5",
 * "-inf") and lex ranges ("[a", "(a", "-", "+").
 *
 * Redis parses numbers with C's strtod, which accepts more than JS's Number:
 * leading white space, hexadecimal ("0x1p-2"), "infinity", and, since
 * arguments are C strings to it, it stops at a NUL byte.
 */
import { NOT_FLOAT, fail } from './args.js';
import { EXACT_DIGITS } from '../store/int64.js';
import type { LexBound, LexRange, ScoreRange } from '../store/zset.js';

const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';

const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?/;
const DECIMAL_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const PLAIN_DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WORD_RE = /^([+-]?)(?:(inf(?:inity)?)|nan(?:\([0-9A-Za-z_]*\))?)/i;

interface Parsed {
  value: number;
  /** Index just past the number; 0 when nothing could be parsed. */
  end: number;
  /** strtod's ERANGE: a finite number too large for a double, or a non-zero one that rounds to 0. */
  outOfRange: boolean;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** The value of hex digits "h.hh" times 2^exponent. */
function hexValue(digits: string, exponent: number): number {
  const point = digits.indexOf('.');
  const fraction = point < 0 ? '' : digits.slice(point + 1);
  let value = Number(BigInt(`0x${point < 0 ? digits : digits.slice(0, point)}${fraction}`));
  exponent -= 4 * fraction.length;
  // Scale in steps so that no power of two on the way over- or underflows.
  for (; exponent > 1000; exponent -= 1000) value *= 2 ** 1000;
  for (; exponent < -1000; exponent += 1000) value *= 2 ** -1000;
  return value * 2 ** exponent;
}

/** ERANGE: a number too large for a double, or a non-zero one that rounds to 0. */
function isRangeError(value: number, mantissa: string, nonZeroDigit: RegExp): boolean {
  return value === Infinity || (value === 0 && nonZeroDigit.test(mantissa));
}

/** arg's value when it is an optional sign and up to EXACT_DIGITS digits, as strtod reads it; else NaN. */
function plainInteger(arg: string): number {
  const n = arg.length;
  const sign = n > 0 ? arg.charCodeAt(0) : 0;
  let i = sign === 45 || sign === 43 ? 1 : 0; // - +
  if (i === n || n - i > EXACT_DIGITS) return NaN;
  let value = 0;
  for (; i < n; i++) {
    const d = arg.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return sign === 45 ? -value : value;
}

/** C's strtod applied to s. */
export function strtod(s: string): Parsed {
  const integer = plainInteger(s);
  if (!Number.isNaN(integer)) return { value: integer, end: s.length, outOfRange: false };
  let start = 0;
  while (start < s.length && isSpace(s.charCodeAt(start))) start++;
  const rest = start === 0 ? s : s.slice(start);
  let m: RegExpExecArray | null;
  let value: number;
  let outOfRange = false;
  if ((m = HEX_RE.exec(rest)) !== null) {
    value = hexValue(m[2], Number(m[3] ?? 0));
    outOfRange = isRangeError(value, m[2], /[1-9a-fA-F]/);
  } else if ((m = DECIMAL_RE.exec(rest)) !== null) {
    value = Number(m[0].slice(m[1].length));
    outOfRange = isRangeError(value, m[2], /[1-9]/);
  } else if ((m = WORD_RE.exec(rest)) !== null) {
    value = m[2] === undefined ? NaN : Infinity;
  } else return { value: 0, end: 0, outOfRange: false };
  return { value: m[1] === '-' ? -value : value, end: start + m[0].length, outOfRange };
}

/** Whether strtod stopped where C sees the end of the string: its real end or a NUL byte. */
export function consumedAsCString(s: string, end: number): boolean {
  return end === s.length || s.charCodeAt(end) === 0;
}

/** Whether a plain decimal has a digit 1-9 before its exponent: zero as its value then means it underflowed. */
function hasNonZeroMantissaDigit(decimal: string): boolean {
  for (let i = 0; i < decimal.length; i++) {
    const c = decimal.charCodeAt(i);
    if (c === 101 || c === 69) return false; // e E
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}

/**
 * A score or other double argument as Redis's getDoubleFromObject reads it:
 * not empty, no leading space, all of it a number, not NaN, not overflowing.
 */
export function parseScore(arg: string, message = NOT_FLOAT): number {
  // Integers, the most common scores, are summed in one pass.
  const integer = plainInteger(arg);
  if (!Number.isNaN(integer)) return integer;
  // Then the other plain decimals; a zero takes this path when its digits are all zeros, not when it underflowed.
  if (PLAIN_DECIMAL_RE.test(arg)) {
    const value = Number(arg);
    if (Number.isFinite(value) && (value !== 0 || !hasNonZeroMantissaDigit(arg))) return value;
  }
  if (arg.length === 0 || isSpace(arg.charCodeAt(0))) fail(message);
  const { value, end, outOfRange } = strtod(arg);
  if (end !== arg.length || outOfRange || Number.isNaN(value)) fail(message);
  return value;
}

/** One end of a score range ("1.5", "(1.5", "-inf"), or null when invalid. */
function parseScoreBound(arg: string): { value: number; exclusive: boolean } | null {
  const exclusive = arg.charCodeAt(0) === 40; // '('
  const text = exclusive ? arg.slice(1) : arg;
  const { value, end } = strtod(text);
  if (Number.isNaN(value) || !consumedAsCString(text, end)) return null;
  return { value, exclusive };
}

/** A score range, as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it (Redis's zslParseRange). */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (min === null || max === null) fail(NOT_FLOAT_RANGE);
  return { min: min.value, max: max.value, minExclusive: min.exclusive, maxExclusive: max.exclusive };
}

function parseLexBound(arg: string): LexBound | null {
  switch (arg.charCodeAt(0)) {
    case 43: // '+'
    case 45: // '-'
      if (!consumedAsCString(arg, 1)) return null;
      return { value: '', exclusive: true, infinity: arg.charCodeAt(0) === 43 ? 1 : -1 };
    case 40: // '('
      return { value: arg.slice(1), exclusive: true, infinity: 0 };
    case 91: // '['
      return { value: arg.slice(1), exclusive: false, infinity: 0 };
    default:
      return null;
  }
}

/** A lex range, as ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBYLEX take it. */
export function parseLexRange(minArg: string, maxArg: string): LexRange {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (min === null || max === null) fail(NOT_LEX_RANGE);
  return { min, max };
}
