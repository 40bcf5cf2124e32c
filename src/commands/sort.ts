/**
 * SORT and SORT_RO (sort.c): the elements of a list, set or sorted set,
 * ordered numerically or as bytes (ALPHA), by themselves or by the values
 * of other keys (BY pattern, "->field" for hash fields), optionally with
 * LIMIT, GET patterns and STORE into a list.
 */
import { mayReadAnyKey } from '../server/acl.js';
import type { Client } from '../server/client.js';
import { isString, stringOf, type Database, type Value } from '../store/keyspace.js';
import { Hash } from '../store/hash.js';
import { List } from '../store/list.js';
import { partialSort } from '../store/partial-sort.js';
import { SetValue } from '../store/set.js';
import { ZSet } from '../store/zset.js';
import { SYNTAX_ERROR, WRONGTYPE, cString, fail, isKeyword, parseInteger } from './args.js';
import { storeOrDelete } from './collections.js';
import { consumedAsCString, strtod } from './zset-args.js';
import { zsetLimits } from './zsets.js';
import { keyAt, type Command, type CommandSpec, type KeySpec } from './table.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  store: string | null;
  /** The BY pattern; null to sort by the elements themselves. */
  by: string | null;
  /** BY a pattern without '*': keep the native order. */
  dontSort: boolean;
  gets: string[];
}

/** BY and GET patterns name any key: they need a user allowed to read every key (ACLUserCheckCmdWithUnrestrictedKeyAccess). */
function checkPatternAccess(c: Client, argv: string[], option: 'BY' | 'GET'): void {
  if (!mayReadAnyKey(c, c.server.commands.get(argv[0]) as Command, argv)) fail(`ERR ${option} option of SORT denied due to insufficient ACL permissions.`);
}

/** SORT's SQL-like options from argv[2] on; STORE only when writes are allowed (sortCommandGeneric). */
function parseSortOptions(c: Client, argv: string[], readonly: boolean): SortOptions {
  const options: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, store: null, by: null, dontSort: false, gets: [] };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const option = argv[j];
    if (isKeyword(option, 'asc')) options.desc = false;
    else if (isKeyword(option, 'desc')) options.desc = true;
    else if (isKeyword(option, 'alpha')) options.alpha = true;
    else if (isKeyword(option, 'limit') && left >= 2) {
      options.limitStart = parseInteger(argv[j + 1]);
      options.limitCount = parseInteger(argv[j + 2]);
      j += 2;
    } else if (!readonly && isKeyword(option, 'store') && left >= 1) options.store = argv[++j];
    else if (isKeyword(option, 'by') && left >= 1) {
      options.by = argv[++j];
      options.dontSort = starPosition(options.by) < 0;
      if (!options.dontSort) checkPatternAccess(c, argv, 'BY');
    } else if (isKeyword(option, 'get') && left >= 1) {
      checkPatternAccess(c, argv, 'GET');
      options.gets.push(argv[++j]);
    } else fail(SYNTAX_ERROR);
  }
  return options;
}

/** Where '*' is in a pattern, as C's strchr finds it (not past a NUL byte); -1 if nowhere. */
function starPosition(pattern: string): number {
  const star = pattern.indexOf('*');
  const nul = pattern.indexOf('\0');
  return nul >= 0 && nul < star ? -1 : star;
}

/**
 * The value a pattern names for an element (lookupKeyByPattern): "#" is the
 * element itself; the first '*' is replaced by the element to make a key
 * name, whose string value is taken, or with "key*->field" the field of
 * its hash. Undefined when missing or of another type.
 */
function lookupByPattern(db: Database, pattern: string, element: string): string | undefined {
  if (pattern === '#') return element;
  const star = starPosition(pattern);
  if (star < 0) return undefined;
  let arrow = pattern.indexOf('->', star + 1);
  const nul = pattern.indexOf('\0', star + 1);
  // strstr stops at a NUL, and an arrow with nothing after it is no field reference.
  if ((nul >= 0 && nul < arrow) || arrow + 2 >= pattern.length || pattern.charCodeAt(arrow + 2) === 0) arrow = -1;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, arrow < 0 ? pattern.length : arrow);
  const value = db.lookupRead(key);
  if (arrow < 0) return value !== undefined && isString(value) ? stringOf(value) : undefined;
  return value instanceof Hash ? value.get(pattern.slice(arrow + 2)) : undefined;
}

/** One element being sorted, with what it sorts by. */
interface SortItem {
  element: string;
  score: number;
  /** ALPHA with BY: the compared value (null when the pattern found nothing). */
  by: string | null;
}

function item(element: string): SortItem {
  return { element, score: 0, by: null };
}

/** The inclusive output range once LIMIT is applied to length elements; end < start when empty. */
function limitRange(options: SortOptions, length: number): [number, number] {
  let start = Math.min(Math.max(options.limitStart, 0), length);
  const count = Math.min(Math.max(options.limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  return [start, Math.min(end, length - 1)];
}

/** The elements in native order from index start to end, reversed by DESC (only lists and sorted sets have an order to keep). */
function nativeRange(value: List | ZSet, start: number, end: number, desc: boolean): SortItem[] {
  const items: SortItem[] = [];
  if (end < start) return items;
  const count = end - start + 1;
  if (value instanceof List) {
    value.walk(desc ? value.length - start - 1 : start, desc, (element) => items.push(item(element)) < count);
  } else value.forEach(desc ? value.size - 1 - start : start, count, desc, (member) => items.push(item(member)));
  return items;
}

function allElements(value: List | SetValue | ZSet): SortItem[] {
  const items: SortItem[] = [];
  if (value instanceof List) value.walk(0, false, (element) => void items.push(item(element)));
  else if (value instanceof SetValue) value.forEach((member) => items.push(item(member)));
  else value.forEachAscending((member) => items.push(item(member)));
  return items;
}

/** The smallest positive normal double: C's strtod flags smaller non-zero results with ERANGE. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** A sort weight as Redis reads it with strtod: the whole string (up to a NUL), no ERANGE, no NaN; null when invalid. */
function parseWeight(text: string): number | null {
  const { value, end, outOfRange } = strtod(text);
  if (!consumedAsCString(text, end) || outOfRange || Number.isNaN(value) || (value !== 0 && Math.abs(value) < MIN_NORMAL)) return null;
  return value;
}

/** Sets each item's score (or, for ALPHA BY, its compared value); false when a score is no double. */
function loadWeights(db: Database, items: SortItem[], options: SortOptions): boolean {
  let valid = true;
  for (const it of items) {
    const weight = options.by === null ? it.element : lookupByPattern(db, options.by, it.element);
    if (weight === undefined) continue;
    if (options.alpha) {
      if (options.by !== null) it.by = weight;
    } else {
      const score = parseWeight(weight);
      if (score === null) valid = false;
      else it.score = score;
    }
  }
  return valid;
}

/** Byte order, as memcmp-based compareStringObjects. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C/C.UTF-8 locales: byte order of the C strings, which end at a NUL. */
function collate(a: string, b: string): number {
  return compareBytes(cString(a), cString(b));
}

/** Redis's sortCompare for these options. */
function comparator(options: SortOptions): (a: SortItem, b: SortItem) => number {
  // With STORE Redis compares bytes; replies use strcoll.
  const text = options.store !== null ? compareBytes : collate;
  let compare: (a: SortItem, b: SortItem) => number;
  if (!options.alpha) compare = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
  else if (options.by !== null) {
    compare = (a, b) => {
      if (a.by === null || b.by === null) return a.by === b.by ? 0 : a.by === null ? -1 : 1;
      return text(a.by, b.by);
    };
  } else compare = (a, b) => text(a.element, b.element);
  return options.desc ? (a, b) => -compare(a, b) : compare;
}

/**
 * Redis converts a small sorted set to its skiplist form before sorting it,
 * which OBJECT ENCODING shows afterwards: the value is rebuilt in that form.
 */
function inSkiplistForm(c: Client, key: string, zset: ZSet): ZSet {
  if (zset.encoding() === 'skiplist') return zset;
  // A member longer than any limit picks the skiplist form; the set's size is the room its table makes.
  const large = new ZSet(zsetLimits(c), zset.size, Infinity);
  zset.forEach(zset.size - 1, zset.size, true, (member, score) => large.add(member, score));
  c.db.overwrite(key, large);
  return large;
}

function sortValue(c: Client, argv: string[], readonly: boolean): void {
  const options = parseSortOptions(c, argv, readonly);
  let value = sortable(c.db.lookupRead(argv[1]));
  if (value instanceof ZSet) value = inSkiplistForm(c, argv[1], value);
  // A set has no order of its own: stored results and scripts get it sorted anyway.
  if (options.dontSort && value instanceof SetValue && options.store !== null) {
    options.dontSort = false;
    options.alpha = true;
    options.by = null;
  }
  const length = value === null ? 0 : value instanceof List ? value.length : value.size;
  let [start, end] = limitRange(options, length);
  let items: SortItem[];
  if (options.dontSort && value !== null && !(value instanceof SetValue)) {
    items = nativeRange(value, start, end, options.desc);
    end -= start;
    start = 0;
  } else items = value === null ? [] : allElements(value);
  let valid = true;
  if (!options.dontSort) {
    valid = loadWeights(c.db, items, options);
    // Redis sorts only what LIMIT keeps when it sorts BY a pattern.
    if (options.by !== null && (start !== 0 || end !== items.length - 1)) partialSort(items, comparator(options), start, end);
    else items.sort(comparator(options));
  }
  const outputLength = end < start ? 0 : (end - start + 1) * Math.max(1, options.gets.length);
  if (!valid) fail("ERR One or more scores can't be converted into double");
  if (options.store === null) replySorted(c, items, start, end, options, outputLength);
  else storeSorted(c, options.store, items, start, end, options, outputLength);
}

/** The value to sort: a list, set or sorted set, null when missing; WRONGTYPE for others. */
function sortable(value: Value | undefined): List | SetValue | ZSet | null {
  if (value === undefined) return null;
  if (value instanceof List || value instanceof SetValue || value instanceof ZSet) return value;
  fail(WRONGTYPE);
}

function replySorted(c: Client, items: SortItem[], start: number, end: number, options: SortOptions, outputLength: number): void {
  c.reply.arrayHeader(outputLength);
  for (let j = start; j <= end; j++) {
    const element = items[j].element;
    if (options.gets.length === 0) c.reply.bulk(element);
    for (const pattern of options.gets) c.reply.bulkOrNull(lookupByPattern(c.db, pattern, element));
  }
}

function storeSorted(c: Client, key: string, items: SortItem[], start: number, end: number, options: SortOptions, outputLength: number): void {
  const list = new List();
  for (let j = start; j <= end; j++) {
    const element = items[j].element;
    if (options.gets.length === 0) list.pushTail(element);
    for (const pattern of options.gets) list.pushTail(lookupByPattern(c.db, pattern, element) ?? '');
  }
  storeOrDelete(c, key, outputLength > 0 ? list : null, 'l', 'sortstore');
  c.reply.integer(outputLength);
}

function sort(c: Client, argv: string[]): void {
  sortValue(c, argv, false);
}

function sortRo(c: Client, argv: string[]): void {
  sortValue(c, argv, true);
}

/** SORT's keys: the sorted key, and the destination of the last STORE (sortGetKeys). */
function sortKeys(argv: string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    if (isKeyword(argv[i], 'limit')) i += 2;
    else if (isKeyword(argv[i], 'get') || isKeyword(argv[i], 'by')) i += 1;
    else if (isKeyword(argv[i], 'store') && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

const SORTED_KEY = keyAt(1, ['RO', 'access']);
const PATTERN_KEYS: KeySpec = {
  notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  begin: 'unknown',
  find: 'unknown',
};
const STORE_KEY: KeySpec = {
  notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ['OW', 'update'],
  begin: 'unknown',
  find: 'unknown',
};

const COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';

export const commands: CommandSpec[] = [
  {
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    getKeys: sortKeys,
    getKeyFlags: (argv, pos) => (pos === 1 ? SORTED_KEY.flags : STORE_KEY.flags),
    keySpecs: [SORTED_KEY, PATTERN_KEYS, STORE_KEY],
    acl: ['@set', '@sortedset', '@list', '@dangerous'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set',
    since: '1.0.0',
    complexity: COMPLEXITY,
    run: sort,
  },
  {
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    keys: { first: 1, last: 1, step: 1 },
    getKeys: () => [1],
    keySpecs: [SORTED_KEY, PATTERN_KEYS],
    acl: ['@set', '@sortedset', '@list', '@dangerous'],
    group: 'generic',
    summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
    since: '7.0.0',
    complexity: COMPLEXITY,
    run: sortRo,
  },
];
