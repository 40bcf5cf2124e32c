/**
 * Just enough x87 80-bit extended precision ("long double" on x86-64 Linux)
 * to give INCRBYFLOAT Redis's exact answers. Redis parses both operands with
 * strtold, adds them in long double and prints the sum with "%.17Lf"; doing
 * the same in JS doubles gives different digits (0.1 + 0.2 would print
 * 0.30000000000000004). Values are exact BigInt significands with a binary
 * exponent; parsing, addition and printing all round correctly to nearest,
 * ties to even, as glibc does.
 */

/** ±significand · 2^exponent, with significand < 2^64; or an infinity. */
export interface LongDouble {
  readonly negative: boolean;
  readonly significand: bigint;
  readonly exponent: number;
  readonly infinite: boolean;
}

const SIGNIFICAND_BITS = 64;
const SIGNIFICAND_LIMIT = 1n << BigInt(SIGNIFICAND_BITS);
/** Exponent of the least significant significand bit of the smallest subnormal (2^-16445). */
const MIN_EXPONENT = -16382 - (SIGNIFICAND_BITS - 1);
/** Values of 2^16384 and above overflow. */
const MAX_BIT_LENGTH = 16384;
/** Longest input string2ld accepts (Redis's MAX_LONG_DOUBLE_CHARS buffer, minus its NUL). */
const MAX_INPUT_LENGTH = 5 * 1024 - 1;
/** Decimal magnitudes beyond these certainly overflow (max ≈ 1.19e4932) or round to zero (min ≈ 3.6e-4951). */
const MAX_DECIMAL_MAGNITUDE = 4934;
const MIN_DECIMAL_MAGNITUDE = -4951;

const ZERO: LongDouble = { negative: false, significand: 0n, exponent: 0, infinite: false };

function infinity(negative: boolean): LongDouble {
  return { negative, significand: 0n, exponent: 0, infinite: true };
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2n ** 53n;

/** The bits of n ≥ 0 up to its highest set bit. */
function bitLength(n: bigint): number {
  if (n < TWO_53) {
    const x = Number(n);
    const high = Math.floor(x / TWO_32);
    return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(x);
  }
  if (n < POWERS_OF_TWO[POWERS_OF_TWO.length - 1]) {
    // log2 of n rounded to a double is within one of the highest set bit; two comparisons settle it.
    let high = Math.min(Math.floor(Math.log2(Number(n))), POWERS_OF_TWO.length - 2);
    if (POWERS_OF_TWO[high] > n) high--;
    else if (POWERS_OF_TWO[high + 1] <= n) high++;
    return high + 1;
  }
  // Four bits a hex digit: a quarter of the digits a binary string would take.
  const hex = n.toString(16);
  return 4 * hex.length - Math.clz32(parseInt(hex[0], 16)) + 28;
}

/** 2^k for the bit lengths sums and quotients of everyday operands reach. */
const POWERS_OF_TWO = Array.from({ length: 256 }, (_, k) => 1n << BigInt(k));

function powerOfTwo(k: number): bigint {
  return k < POWERS_OF_TWO.length ? POWERS_OF_TWO[k] : 1n << BigInt(k);
}

/** 10^k, kept for the exponents short literals use. */
const POWERS_OF_TEN = Array.from({ length: 64 }, (_, k) => 10n ** BigInt(k));

function powerOfTen(k: number): bigint {
  return k < POWERS_OF_TEN.length ? POWERS_OF_TEN[k] : 10n ** BigInt(k);
}

/**
 * Rounds the exact value ±n · 2^e (plus, when sticky, something positive
 * below its last bit) to the nearest long double, ties to even.
 */
function roundToLongDouble(negative: boolean, n: bigint, e: number, sticky = false): LongDouble {
  const length = bitLength(n);
  // Dropping more than length + 1 bits leaves less than half an ulp either way.
  const shift = Math.min(Math.max(length - SIGNIFICAND_BITS, MIN_EXPONENT - e), length + 1);
  let significand = n;
  let exponent = e;
  if (shift > 0) {
    const dropped = BigInt.asUintN(shift, n);
    const half = powerOfTwo(shift - 1);
    significand = n >> BigInt(shift);
    exponent += shift;
    if (dropped > half || (dropped === half && (sticky || (significand & 1n) === 1n))) significand++;
  } else if (shift < 0) {
    significand <<= BigInt(-shift);
    exponent += shift;
  }
  if (significand >= SIGNIFICAND_LIMIT) {
    significand >>= 1n;
    exponent++;
  }
  // A significand has at most 64 bits: only an exponent near the top needs its exact length.
  if (significand !== 0n && exponent + SIGNIFICAND_BITS > MAX_BIT_LENGTH && bitLength(significand) + exponent > MAX_BIT_LENGTH) return infinity(negative);
  return { negative, significand, exponent, infinite: false };
}

/** Decimal and hex literals: sign, integer digits, fraction digits, exponent (decimal for hex's binary "p" exponent too). */
const LITERALS: [RegExp, boolean][] = [
  [/^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/, false],
  [/^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/, true],
];
const INFINITY_RE = /^([+-]?)(?:inf|infinity)$/i;

/** An exponent's digits as a number, clamped far beyond any meaningful range. */
function exponentValue(digits: string | undefined): number {
  if (digits === undefined) return 0;
  return Math.max(-1e9, Math.min(1e9, Number(digits)));
}

/** ±mantissa · 10^power rounded to long double. */
function fromDecimal(negative: boolean, mantissa: bigint, power: number): LongDouble {
  if (power >= 0) return roundToLongDouble(negative, mantissa * powerOfTen(power), 0);
  const divisor = powerOfTen(-power);
  // Scale so the quotient has at least 66 bits: the rounding bit and one more above the sticky remainder.
  const scale = Math.max(0, bitLength(divisor) - bitLength(mantissa) + SIGNIFICAND_BITS + 2);
  const scaled = mantissa << BigInt(scale);
  const quotient = scaled / divisor;
  return roundToLongDouble(negative, quotient, -scale, quotient * divisor !== scaled);
}

/** The value of a matched decimal or hex literal; null when it overflows or underflows to zero (strtold's ERANGE). */
function fromLiteral(hex: boolean, sign: string, intDigits: string, fracDigits: string, exp: string | undefined): LongDouble | null {
  const negative = sign === '-';
  const digits = (intDigits + fracDigits).replace(/^0+/, '');
  if (digits.length === 0) return { ...ZERO, negative };
  let value: LongDouble;
  if (hex) value = roundToLongDouble(negative, BigInt(`0x${digits}`), exponentValue(exp) - 4 * fracDigits.length);
  else {
    const power = exponentValue(exp) - fracDigits.length;
    const magnitude = digits.length + power;
    if (magnitude > MAX_DECIMAL_MAGNITUDE || magnitude < MIN_DECIMAL_MAGNITUDE) return null;
    value = fromDecimal(negative, BigInt(digits), power);
  }
  return value.infinite || value.significand === 0n ? null : value;
}

/**
 * Parses s as Redis's string2ld does (strtold on the whole string: decimal,
 * hex or inf forms; no spaces, no NaN, no overflow, no underflow to zero).
 * Returns null when Redis would reject s.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length > MAX_INPUT_LENGTH) return null;
  const plain = parsePlainDecimal(s);
  if (plain !== undefined) return plain;
  for (const [re, hex] of LITERALS) {
    const m = re.exec(s);
    if (m && (m[2].length > 0 || (m[3] ?? '').length > 0)) return fromLiteral(hex, m[1], m[2], m[3] ?? '', m[4]);
  }
  const m = INFINITY_RE.exec(s);
  return m ? infinity(m[1] === '-') : null;
}

/** Most digits a plain decimal may have for its mantissa to be an exact double. */
const PLAIN_DIGITS_MAX = 15;

/**
 * The value of a plain decimal ("12.5", "-3", ".5", "7.") of at most 15
 * digits, read without regular expressions or digit strings, as INCRBYFLOAT's
 * operands mostly are; undefined for any other form.
 */
function parsePlainDecimal(s: string): LongDouble | undefined {
  const hasSign = s.charCodeAt(0) === 45 /* - */ || s.charCodeAt(0) === 43; /* + */
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (let i = hasSign ? 1 : 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || digits === PLAIN_DIGITS_MAX) return undefined;
    mantissa = mantissa * 10 + d;
    digits++;
    if (fractionDigits >= 0) fractionDigits++;
  }
  if (digits === 0) return undefined;
  const negative = s.charCodeAt(0) === 45;
  if (mantissa === 0) return { ...ZERO, negative };
  return fromDecimal(negative, BigInt(mantissa), -Math.max(fractionDigits, 0));
}

function signed(x: LongDouble): bigint {
  return x.negative ? -x.significand : x.significand;
}

/** a + b rounded to long double; infinite on overflow or when an operand is infinite. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.infinite || b.infinite) return infinity(a.infinite ? a.negative : b.negative);
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = (signed(a) << BigInt(a.exponent - exponent)) + (signed(b) << BigInt(b.exponent - exponent));
  return roundToLongDouble(sum < 0n, sum < 0n ? -sum : sum, exponent);
}

const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

/** The finite x as printf("%.17Lf") prints it, then without trailing fraction zeros and never "-0" (Redis's LD_STR_HUMAN). */
export function formatLongDoubleHuman(x: LongDouble): string {
  let text: string;
  if (x.exponent >= 0) text = (x.significand << BigInt(x.exponent)).toString();
  else {
    const scaled = x.significand * FRACTION_SCALE;
    let units = scaled >> BigInt(-x.exponent);
    const rest = BigInt.asUintN(-x.exponent, scaled);
    const half = powerOfTwo(-x.exponent - 1);
    if (rest > half || (rest === half && (units & 1n) === 1n)) units++;
    text = decimalOfUnits(units.toString());
  }
  return x.negative && text !== '0' ? `-${text}` : text;
}

/** A count of units of 10^-17 as a decimal, without trailing fraction zeros. */
function decimalOfUnits(units: string): string {
  const digits = units.padStart(FRACTION_DIGITS + 1, '0');
  const whole = digits.slice(0, -FRACTION_DIGITS);
  let end = digits.length;
  while (end > whole.length && digits.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end > whole.length ? `${whole}.${digits.slice(whole.length, end)}` : whole;
}
