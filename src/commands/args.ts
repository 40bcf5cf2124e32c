/**
 * Shared argument parsing and the error replies that many families share,
 * worded exactly as Redis words them. Handlers throw ReplyError; dispatch
 * turns it into an error reply.
 */

/** Thrown by handlers to answer with an error reply. Not an Error: no stack trace is captured. */
export class ReplyError {
  constructor(readonly message: string) {}
}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const SYNTAX_ERROR = 'ERR syntax error';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const NOT_FLOAT = 'ERR value is not a valid float';
export const NO_SUCH_KEY = 'ERR no such key';
export const OUT_OF_RANGE = 'ERR index out of range';

export function fail(message: string): never {
  throw new ReplyError(message);
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Whether s is an integer as Redis's string2ll accepts it: optional '-', no leading zeros, within int64. */
function isStrictInt64(s: string): boolean {
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

/** Parses an int64 argument as a JS number (exact up to 2^53); null when invalid. */
export function toInt64(s: string): number | null {
  return isStrictInt64(s) ? Number(s) : null;
}

/** Parses an int64 argument exactly; null when invalid. */
export function toBigInt64(s: string): bigint | null {
  return isStrictInt64(s) ? BigInt(s) : null;
}

/** Parses an int64 argument or fails with message (default: "value is not an integer or out of range"). */
export function parseInteger(s: string, message = NOT_INTEGER): number {
  const n = toInt64(s);
  if (n === null) fail(message);
  return n;
}

/** Redis's LONG_MAX (64-bit long). */
export const LONG_MAX = INT64_MAX;

/**
 * Redis's getRangeLongFromObjectOrReply: an integer within [min, max]. A given
 * message answers both a malformed and an out-of-range argument, as in Redis;
 * without one, each gets Redis's generic wording.
 */
export function parseRangeLong(arg: string, min: bigint, max: bigint, message?: string): number {
  const n = toBigInt64(arg);
  if (n === null) fail(message ?? NOT_INTEGER);
  if (n < min || n > max) fail(message ?? `ERR value is out of range, value must between ${min} and ${max}`);
  return Number(n);
}

/** Redis's getPositiveLongFromObjectOrReply: an integer >= 0. */
export function parsePositiveLong(arg: string, message = 'ERR value is out of range, must be positive'): number {
  return parseRangeLong(arg, 0n, LONG_MAX, message);
}

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a double as Redis does with strtod: decimal or inf/infinity forms,
 * no surrounding spaces, no NaN, no overflow. Returns null when invalid.
 */
export function toDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  if (FLOAT_RE.test(s)) {
    const d = Number(s);
    return Number.isFinite(d) ? d : null;
  }
  switch (s.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
  }
  return null;
}

export function parseDouble(s: string, message = NOT_FLOAT): number {
  const d = toDouble(s);
  if (d === null) fail(message);
  return d;
}

/** Case-insensitive comparison of an argument with a lower-case keyword. */
export function isKeyword(arg: string, lower: string): boolean {
  return arg.length === lower.length && arg.toLowerCase() === lower;
}

/** Redis's addReplyHelp: the "<CMD> <subcommand> ..." header, the given lines, then HELP, as status replies. */
export function replyHelp(c: { reply: { arrayHeader(n: number): void; simple(s: string): void } }, command: string, lines: string[]): void {
  c.reply.arrayHeader(lines.length + 3);
  c.reply.simple(`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) c.reply.simple(line);
  c.reply.simple('HELP');
  c.reply.simple('    Prints this help.');
}

/** Redis's addReplySubcommandSyntaxError. */
export function subcommandSyntaxError(command: string, sub: string): never {
  fail(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`);
}
