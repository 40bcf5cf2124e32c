/**
 * Shared argument parsing and the error replies that many families share,
 * worded exactly as Redis words them. Handlers throw ReplyError; dispatch
 * turns it into an error reply.
 */
import { INT64_MAX, INT64_MIN, toBigInt64, toInt64 } from '../store/int64.js';

/** int64 arguments as Redis's string2ll reads them (the rule lives with the stores, which share it). */
export { toBigInt64, toInt64 };

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
export const DB_OUT_OF_RANGE = 'ERR DB index is out of range';

/** The bytes of a command's arguments (Redis's argv_len_sum). */
export function argvBytes(argv: readonly string[]): number {
  let n = 0;
  for (const arg of argv) n += arg.length;
  return n;
}

export function fail(message: string): never {
  throw new ReplyError(message);
}

/** Parses an int64 argument or fails with message (default: "value is not an integer or out of range"). */
export function parseInteger(s: string, message = NOT_INTEGER): number {
  const n = toInt64(s);
  if (n === null) fail(message);
  return n;
}

/** An int64 argument (INCRBY's increment, GETRANGE's offsets): a number while exact, a bigint beyond 2^53. */
export function parseExactInt64(arg: string): number | bigint {
  const n = parseInteger(arg);
  return Number.isSafeInteger(n) ? n : BigInt(arg);
}

/**
 * current + by, failing as Redis does past int64; a plain number while the
 * sum is exact. exact is current as stored (its digits, or the number
 * itself), which is exact where current, parsed into a double, may not be.
 */
export function addInt64(current: number, exact: string | number, by: number | bigint): number | bigint {
  if (typeof by === 'number' && Number.isSafeInteger(current)) {
    const sum = current + by;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const sum = BigInt(exact) + BigInt(by);
  if (sum > INT64_MAX || sum < INT64_MIN) fail('ERR increment or decrement would overflow');
  return sum;
}

/** Parses an int64 argument exactly (beyond 2^53 too) or fails with "value is not an integer or out of range". */
export function parseBigInteger(s: string): bigint {
  const n = toBigInt64(s);
  if (n === null) fail(NOT_INTEGER);
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

/** C's int range, that of Redis's getIntFromObjectOrReply. */
const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;

/** A database index argument (getIntFromObjectOrReply); whether that database exists is for the caller to check. */
export function parseDbIndex(arg: string, message?: string): number {
  return parseRangeLong(arg, INT_MIN, INT_MAX, message);
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

/**
 * s as C sees it, up to its first NUL byte: what Redis shows of an argument
 * it formats into a message with printf's "%s", as most error messages do.
 */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * Whether arg is the keyword `lower` as Redis's strcasecmp sees it: in any
 * case, and ending at arg's end or at a NUL byte, where a C string ends.
 * Compared in place, making no lower-cased copy: SET's options were once
 * found by looking such a copy up in a Map, about 50 ns of a SET with EX.
 */
export function isKeyword(arg: string, lower: string): boolean {
  const n = lower.length;
  if (arg.length < n || (arg.length > n && arg.charCodeAt(n) !== 0)) return false;
  for (let i = 0; i < n; i++) {
    const c = arg.charCodeAt(i);
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * HRANDFIELD's and ZRANDMEMBER's "count [WITHVALUES|WITHSCORES]" from argv[2]:
 * the count (a negative one allows repeats) and whether pairs were asked for.
 * Pairs double the reply's length, which must still fit a long.
 */
export function parseRandomCount(argv: string[], pairsKeyword: string): { count: number; withPairs: boolean } {
  const count = parseRangeLong(argv[2], -LONG_MAX, LONG_MAX);
  if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], pairsKeyword))) fail(SYNTAX_ERROR);
  const withPairs = argv.length === 4;
  if (withPairs) parseRangeLong(argv[2], -LONG_MAX / 2n, LONG_MAX / 2n, 'ERR value is out of range');
  return { count, withPairs };
}

/**
 * "numkeys key [key ...] <end> [COUNT count]" with numkeys at argv[at]: the
 * arguments of LMPOP, ZMPOP and their blocking forms, whose end (LEFT|RIGHT,
 * MIN|MAX) parseEnd reads. count is 1 without COUNT.
 */
export function parseMultiPop<End>(argv: string[], at: number, parseEnd: (arg: string) => End): { keys: string[]; end: End; count: number } {
  const numkeys = parseRangeLong(argv[at], 1n, LONG_MAX, 'ERR numkeys should be greater than 0');
  const endAt = at + numkeys + 1;
  if (endAt >= argv.length) fail(SYNTAX_ERROR);
  const end = parseEnd(argv[endAt]);
  let count = -1;
  for (let i = endAt + 1; i < argv.length; i++) {
    if (count === -1 && isKeyword(argv[i], 'count') && i + 1 < argv.length) {
      count = parseRangeLong(argv[++i], 1n, LONG_MAX, 'ERR count should be greater than 0');
    } else fail(SYNTAX_ERROR);
  }
  return { keys: argv.slice(at + 1, endAt), end, count: count === -1 ? 1 : count };
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
