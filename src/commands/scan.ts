/**
 * What SCAN, HSCAN, SSCAN and ZSCAN share, after db.c's scanGenericCommand:
 * cursor and option parsing with Redis's errors, one bounded walk over a Dict,
 * and the [cursor, [elements...]] reply.
 *
 * How a collection command uses it (HSCAN shown; SSCAN/ZSCAN alike):
 *
 *   function hscan(c: Client, argv: string[]): void {
 *     const cursor = parseScanCursor(argv[2]);          // before the lookup, as Redis
 *     const hash = readHash(c, argv[1]);                // the family's lookup, WRONGTYPE included
 *     if (hash === undefined) return replyEmptyScan(c);  // options are not parsed for a missing key
 *     const table = hash.dict;                          // null while the hash is a listpack
 *     scanCollection(c, argv, cursor, table
 *       ? { dict: table, value: (id) => table.valueAt(id) }
 *       : { compact: (emit) => hash.forEach(emit) });
 *   }
 */
import type { Client } from '../server/client.js';
import type { Dict } from '../store/dict.js';
import { GlobPattern } from '../store/glob.js';
import { SYNTAX_ERROR, fail, isKeyword, parseInteger } from './args.js';

/** COMMAND DOCS complexity of HSCAN, SSCAN and ZSCAN (Redis's own wording). */
export const COLLECTION_SCAN_COMPLEXITY =
  'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..';

const INVALID_CURSOR = 'ERR invalid cursor';
const ULONG_LIMIT = 1n << 64n;
const DEFAULT_COUNT = 10;
/** A call visits at most COUNT x this many buckets, so a sparse table cannot stall the server. */
const BUCKETS_PER_COUNT = 10;

export interface ScanOptions {
  /** Entries to visit per call (a hint, as in Redis). */
  count: number;
  /** MATCH pattern, or null when absent or the lone "*" (which Redis treats as no filter at all). */
  match: GlobPattern | null;
  /** SCAN's TYPE filter, as given (compared case-insensitively), or null. */
  type: string | null;
}

/**
 * Parses a cursor the way Redis does with strtoul: decimal with an optional
 * sign (a negative cursor wraps around 2^64), no leading space, nothing after
 * the digits. Fails with "ERR invalid cursor". Only the low 32 bits are
 * returned: Dict cursors address at most 2^32 buckets, and the bits above a
 * table's mask never change which bucket comes next.
 */
export function parseScanCursor(arg: string): number {
  let i = 0;
  const sign = arg.charCodeAt(0);
  if (sign === 43 || sign === 45) i = 1;
  let digitsEnd = i;
  while (digitsEnd < arg.length && isDigit(arg.charCodeAt(digitsEnd))) digitsEnd++;
  if (digitsEnd === i) {
    // strtoul parsed nothing: only an empty C string (nothing, or a NUL byte first) is then "fully consumed".
    if (arg.length !== 0 && arg.charCodeAt(0) !== 0) fail(INVALID_CURSOR);
    return 0;
  }
  // strtoul stops at a NUL byte, which Redis then takes as the end of the string.
  if (digitsEnd < arg.length && arg.charCodeAt(digitsEnd) !== 0) fail(INVALID_CURSOR);
  let value = BigInt(arg.slice(i, digitsEnd));
  if (value >= ULONG_LIMIT) fail(INVALID_CURSOR);
  if (sign === 45) value = (ULONG_LIMIT - value) % ULONG_LIMIT;
  return Number(value & 0xffffffffn);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Parses [MATCH pattern] [COUNT n] (and [TYPE t] when allowType) from argv[first] on. */
export function parseScanOptions(argv: string[], first: number, allowType: boolean): ScanOptions {
  const options: ScanOptions = { count: DEFAULT_COUNT, match: null, type: null };
  for (let i = first; i < argv.length; i += 2) {
    const hasValue = i + 1 < argv.length;
    if (hasValue && isKeyword(argv[i], 'count')) {
      options.count = parseInteger(argv[i + 1]);
      if (options.count < 1) fail(SYNTAX_ERROR);
    } else if (hasValue && isKeyword(argv[i], 'match')) {
      const pattern = argv[i + 1];
      options.match = pattern === '*' ? null : new GlobPattern(pattern);
    } else if (hasValue && allowType && isKeyword(argv[i], 'type')) {
      options.type = argv[i + 1];
    } else fail(SYNTAX_ERROR);
  }
  return options;
}

/**
 * One call's walk over dict from cursor: visits whole buckets, calling
 * visit(entryId) for each entry, until at least `count` entries were visited,
 * the table is done, or `maxBuckets` buckets were read. Returns the next
 * cursor (0 = done). Every entry present for a whole scan is visited at least
 * once across calls, however the dict grows or shrinks in between; an entry
 * may be visited twice. visit must not change the dict.
 */
export function scanDict<V>(
  dict: Dict<V>,
  cursor: number,
  count: number,
  visit: (id: number) => void,
  maxBuckets = count * BUCKETS_PER_COUNT,
): number {
  let visited = 0;
  const countingVisit = (id: number) => {
    visited++;
    visit(id);
  };
  do {
    cursor = dict.scan(cursor, countingVisit);
  } while (cursor !== 0 && maxBuckets-- !== 0 && visited < count);
  return cursor;
}

/** How HSCAN/SSCAN/ZSCAN present their collection to scanCollection. */
export type ScanSource<V> =
  /**
   * A hash table, walked with cursors. The element is the entry's key;
   * value(id), when given, is the second half of each pair (a hash field's
   * value, a member's score) and makes the reply a flat list of pairs.
   */
  | { dict: Dict<V>; value?: (id: number) => string }
  /**
   * A small compact encoding (listpack, intset): Redis returns it whole in
   * one call with cursor 0, whatever cursor was given. compact calls emit
   * for every element in order, with its value for pair collections.
   */
  | { compact: (emit: (element: string, value?: string) => void) => void };

/**
 * Replies to HSCAN/SSCAN/ZSCAN for an existing collection: parses the options
 * (argv[3] on), walks source from cursor and filters by MATCH on the element.
 */
export function scanCollection<V>(c: Client, argv: string[], cursor: number, source: ScanSource<V>): void {
  const { count, match } = parseScanOptions(argv, 3, false);
  const out: string[] = [];
  const emit = (element: string, value?: string) => {
    if (match !== null && !match.matches(element)) return;
    out.push(element);
    if (value !== undefined) out.push(value);
  };
  let next = 0;
  if ('compact' in source) source.compact(emit);
  else {
    const { dict, value } = source;
    // Redis doubles COUNT for pair collections and bounds buckets by the doubled COUNT.
    const maxBuckets = count * BUCKETS_PER_COUNT * (value ? 2 : 1);
    next = scanDict(dict, cursor, count, (id) => emit(dict.keyAt(id), value?.(id)), maxBuckets);
  }
  replyScan(c, next, out);
}

/** The reply of every SCAN-family command: [cursor as a bulk string, [elements...]]. */
export function replyScan(c: Client, cursor: number, elements: readonly string[]): void {
  c.reply.arrayHeader(2);
  c.reply.bulk(String(cursor));
  c.reply.bulkArray(elements);
}

/** The reply for a missing key: cursor 0 and no elements. */
export function replyEmptyScan(c: Client): void {
  replyScan(c, 0, []);
}
