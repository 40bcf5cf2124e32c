/**
 * List commands (t_list.c), blocking forms included. Every pop goes through
 * elementsRemoved(), which reports the event and deletes a list it emptied,
 * as Redis's listElementsRemoved does. Each command replies and reports its
 * events in Redis's order, which a RESP3 client subscribed to its own
 * keyspace events can see.
 */
import type { Client } from '../server/client.js';
import { parseMemory } from '../config.js';
import { parseTimeout } from '../server/blocking.js';
import { List } from '../store/list.js';
import {
  NOT_INTEGER,
  NO_SUCH_KEY,
  OUT_OF_RANGE,
  SYNTAX_ERROR,
  fail,
  isKeyword,
  parseInteger,
  parseMultiPop,
  parsePositiveLong,
  toBigInt64,
} from './args.js';
import { deleteIfEmpty, ofType, serveOrBlock } from './collections.js';
import { countedKeyPositions, countedKeys, keyAt, type CommandSpec, type KeySpecFlag } from './table.js';

function readList(c: Client, key: string): List | undefined {
  return ofType(c.db.lookupRead(key), List);
}

function writeList(c: Client, key: string): List | undefined {
  return ofType(c.db.lookupWrite(key), List);
}

/** LEFT (the head: true) or RIGHT (the tail: false). */
function parseEnd(arg: string): boolean {
  if (isKeyword(arg, 'left')) return true;
  if (isKeyword(arg, 'right')) return false;
  fail(SYNTAX_ERROR);
}

/** Resolves a possibly negative index against length; the result may still be out of range. */
function absoluteIndex(index: number, length: number): number {
  return index < 0 ? length + index : index;
}

// ---- shared steps -------------------------------------------------------------

/** Pushes value at one end of the list at key, creating the list when missing (Redis's lmoveHandlePush). */
function pushOne(c: Client, key: string, list: List | undefined, value: string, atHead: boolean): void {
  if (!list) c.db.set(key, (list = new List()));
  list.push(value, atHead);
  c.db.changed(key, 'l', atHead ? 'lpush' : 'rpush');
}

/** Reports elements popped from an end of the list at key, deleting the key once the list is empty. */
function elementsRemoved(c: Client, key: string, list: List, atHead: boolean): void {
  c.db.changed(key, 'l', atHead ? 'lpop' : 'rpop');
  deleteIfEmpty(c, key, list.length);
}

/** Pops up to count elements from one end and replies with them, in popping order. */
function popAndReplyRange(c: Client, list: List, atHead: boolean, count: number): void {
  const n = Math.min(count, list.length);
  c.reply.arrayHeader(n);
  for (let i = 0; i < n; i++) list.popInto(atHead, c.reply);
}

/** [key, [elements...]]: the reply of LMPOP and BLMPOP. */
function popRangeWithKey(c: Client, key: string, list: List, atHead: boolean, count: number): void {
  c.reply.arrayHeader(2);
  c.reply.bulk(key);
  popAndReplyRange(c, list, atHead, count);
  elementsRemoved(c, key, list, atHead);
}

/** [key, element]: the reply of BLPOP and BRPOP. */
function popOneWithKey(c: Client, key: string, list: List, atHead: boolean): void {
  c.reply.arrayHeader(2);
  c.reply.bulk(key);
  list.popInto(atHead, c.reply);
  elementsRemoved(c, key, list, atHead);
}

/** LMOVE's work once the source list is known to hold elements. */
function move(c: Client, source: string, destination: string, sourceList: List, fromHead: boolean, toHead: boolean): void {
  const destinationList = writeList(c, destination);
  const value = sourceList.pop(fromHead);
  pushOne(c, destination, destinationList, value, toHead);
  c.reply.bulk(value);
  elementsRemoved(c, source, sourceList, fromHead);
}

// ---- push and pop -----------------------------------------------------------------

function pushGeneric(c: Client, argv: string[], atHead: boolean, onlyIfExists: boolean): void {
  const key = argv[1];
  let list = writeList(c, key);
  if (!list) {
    if (onlyIfExists) return c.reply.integer(0);
    c.db.set(key, (list = new List()));
  }
  for (let i = 2; i < argv.length; i++) list.push(argv[i], atHead);
  c.reply.integer(list.length);
  c.db.changed(key, 'l', atHead ? 'lpush' : 'rpush');
}

function popGeneric(c: Client, argv: string[], atHead: boolean): void {
  if (argv.length > 3) fail(`ERR wrong number of arguments for '${atHead ? 'lpop' : 'rpop'}' command`);
  const hasCount = argv.length === 3;
  const count = hasCount ? parsePositiveLong(argv[2]) : 0;
  const key = argv[1];
  const list = writeList(c, key);
  if (!list) return hasCount ? c.reply.nullArray() : c.reply.nullBulk();
  if (!hasCount) {
    list.popInto(atHead, c.reply);
  } else {
    if (count === 0) return c.reply.arrayHeader(0);
    popAndReplyRange(c, list, atHead, count);
  }
  elementsRemoved(c, key, list, atHead);
}

function lmpop(c: Client, argv: string[]): void {
  const { keys, end: atHead, count } = parseMultiPop(argv, 1, parseEnd);
  for (const key of keys) {
    const list = writeList(c, key);
    if (list) return popRangeWithKey(c, key, list, atHead, count);
  }
  c.reply.nullArray();
}

function lmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean): void {
  const list = writeList(c, argv[1]);
  if (!list) return c.reply.nullBulk();
  move(c, argv[1], argv[2], list, fromHead, toHead);
}

// ---- blocking forms -------------------------------------------------------------------

/**
 * BLPOP, BRPOP and BLMPOP: pops from the first key holding a list or, when
 * none does, blocks until one does. count -1 is BLPOP/BRPOP's [key, element].
 */
function blockingPop(c: Client, keys: string[], atHead: boolean, count: number, deadline: number): void {
  serveOrBlock(c, {
    type: 'list',
    keys,
    deadline,
    lookup: (key) => writeList(c, key),
    serve: (key, list) => (count === -1 ? popOneWithKey(c, key, list, atHead) : popRangeWithKey(c, key, list, atHead, count)),
  });
}

/** BLMOVE and BRPOPLPUSH: LMOVE, or block until the source holds elements. */
function blockingMove(c: Client, argv: string[], fromHead: boolean, toHead: boolean, deadline: number): void {
  const [, source, destination] = argv;
  serveOrBlock(c, {
    type: 'list',
    keys: [source],
    deadline,
    lookup: (key) => writeList(c, key),
    serve: (_key, list) => move(c, source, destination, list, fromHead, toHead),
    notBlocking: () => c.reply.nullBulk(),
  });
}

function blpop(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), true, -1, parseTimeout(c, argv[argv.length - 1]));
}

function brpop(c: Client, argv: string[]): void {
  blockingPop(c, argv.slice(1, -1), false, -1, parseTimeout(c, argv[argv.length - 1]));
}

function blmpop(c: Client, argv: string[]): void {
  const { keys, end: atHead, count } = parseMultiPop(argv, 2, parseEnd);
  blockingPop(c, keys, atHead, count, parseTimeout(c, argv[1]));
}

function blmove(c: Client, argv: string[]): void {
  const fromHead = parseEnd(argv[3]);
  const toHead = parseEnd(argv[4]);
  blockingMove(c, argv, fromHead, toHead, parseTimeout(c, argv[5]));
}

function brpoplpush(c: Client, argv: string[]): void {
  blockingMove(c, argv, false, true, parseTimeout(c, argv[3]));
}

// ---- reads -------------------------------------------------------------------------

function llen(c: Client, argv: string[]): void {
  c.reply.integer(readList(c, argv[1])?.length ?? 0);
}

function lindex(c: Client, argv: string[]): void {
  const list = readList(c, argv[1]);
  if (!list) return c.reply.nullBulk();
  const index = absoluteIndex(parseInteger(argv[2]), list.length);
  if (index < 0 || index >= list.length) c.reply.nullBulk();
  else c.reply.bulk(list.get(index));
}

function lrange(c: Client, argv: string[]): void {
  let start = parseInteger(argv[2]);
  let end = parseInteger(argv[3]);
  const list = readList(c, argv[1]);
  if (!list) return c.reply.arrayHeader(0);
  const length = list.length;
  start = Math.max(absoluteIndex(start, length), 0);
  end = absoluteIndex(end, length);
  if (start > end || start >= length) return c.reply.arrayHeader(0);
  if (end >= length) end = length - 1;
  c.reply.arrayHeader(end - start + 1);
  list.replyRange(start, end - start + 1, c.reply);
}

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

/** LPOS's RANK as a number; Redis negates a C long, so the most negative rank stays negative and acts as -1. */
function parseRank(arg: string): number {
  const rank = toBigInt64(arg);
  if (rank === null) fail(NOT_INTEGER);
  if (rank === 0n) fail(RANK_ZERO);
  return rank === -(2n ** 63n) ? -1 : Number(rank);
}

function lpos(c: Client, argv: string[]): void {
  const element = argv[2];
  let rank = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const hasValue = j + 1 < argv.length;
    if (isKeyword(argv[j], 'rank') && hasValue) {
      rank = parseRank(argv[++j]);
    } else if (isKeyword(argv[j], 'count') && hasValue) {
      count = parsePositiveLong(argv[++j], "ERR COUNT can't be negative");
    } else if (isKeyword(argv[j], 'maxlen') && hasValue) {
      maxlen = parsePositiveLong(argv[++j], "ERR MAXLEN can't be negative");
    } else fail(SYNTAX_ERROR);
  }
  const backwards = rank < 0;
  const skip = backwards ? -rank - 1 : rank - 1;
  const list = readList(c, argv[1]);
  if (!list) return count === -1 ? c.reply.nullBulk() : c.reply.arrayHeader(0);
  const found: number[] = [];
  let scanned = 0;
  let matches = 0;
  list.walk(backwards ? list.length - 1 : 0, backwards, (value, index) => {
    if (maxlen !== 0 && scanned >= maxlen) return false;
    scanned++;
    if (value !== element || ++matches <= skip) return true;
    found.push(index);
    return count === 0 || found.length < count;
  });
  if (count === -1) {
    if (found.length === 0) c.reply.nullBulk();
    else c.reply.integer(found[0]);
    return;
  }
  c.reply.arrayHeader(found.length);
  for (const index of found) c.reply.integer(index);
}

// ---- writes in place ------------------------------------------------------------------

function linsert(c: Client, argv: string[]): void {
  let after: boolean;
  if (isKeyword(argv[2], 'after')) after = true;
  else if (isKeyword(argv[2], 'before')) after = false;
  else fail(SYNTAX_ERROR);
  const key = argv[1];
  const list = writeList(c, key);
  if (!list) return c.reply.integer(0);
  const pivot = argv[3];
  let at = -1;
  list.walk(0, false, (value, index) => {
    if (value !== pivot) return true;
    at = index;
    return false;
  });
  if (at < 0) return c.reply.integer(-1);
  list.insert(after ? at + 1 : at, argv[4]);
  c.db.changed(key, 'l', 'linsert');
  c.reply.integer(list.length);
}

function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const list = writeList(c, key);
  if (!list) fail(NO_SUCH_KEY);
  const index = absoluteIndex(parseInteger(argv[2]), list.length);
  if (index < 0 || index >= list.length) fail(OUT_OF_RANGE);
  list.set(index, argv[3]);
  c.reply.ok();
  c.db.changed(key, 'l', 'lset');
}

function lrem(c: Client, argv: string[]): void {
  const toRemove = parseInteger(argv[2]);
  const key = argv[1];
  const list = writeList(c, key);
  if (!list) return c.reply.integer(0);
  const removed = list.removeMatches(argv[3], Math.abs(toRemove), toRemove < 0);
  if (removed !== 0) c.db.changed(key, 'l', 'lrem');
  deleteIfEmpty(c, key, list.length);
  c.reply.integer(removed);
}

function ltrim(c: Client, argv: string[]): void {
  let start = parseInteger(argv[2]);
  let end = parseInteger(argv[3]);
  const key = argv[1];
  const list = writeList(c, key);
  if (!list) return c.reply.ok();
  const length = list.length;
  start = Math.max(absoluteIndex(start, length), 0);
  end = absoluteIndex(end, length);
  if (start > end || start >= length) list.removeHead(length);
  else {
    list.removeTail(length - Math.min(end, length - 1) - 1);
    list.removeHead(start);
  }
  c.db.changed(key, 'l', 'ltrim');
  deleteIfEmpty(c, key, list.length);
  c.reply.ok();
}

// ---- DEBUG -------------------------------------------------------------------------------

const PACKED_THRESHOLD_MAX = 2 ** 32 - 2 ** 20;

/**
 * DEBUG QUICKLIST-PACKED-THRESHOLD size: in Redis, the element size from
 * which a quicklist node holds that one element alone ("plain" node). Chunks
 * here hold references whatever the element size, so the size is only
 * validated, with Redis's error.
 */
export function debugQuicklistPackedThreshold(c: Client, argv: string[]): void {
  const size = parseMemory(argv[2]);
  if (size === null || size < 0 || size > PACKED_THRESHOLD_MAX) fail('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
  c.reply.ok();
}

// ---- table -------------------------------------------------------------------------------

const KEY = { first: 1, last: 1, step: 1 };
const SOURCE_AND_DESTINATION = { first: 1, last: 2, step: 1 };
const POPPED: KeySpecFlag[] = ['RW', 'access', 'delete'];
const INSERTED: KeySpecFlag[] = ['RW', 'insert'];
const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';
const MPOP_COMPLEXITY = 'O(N+M) where N is the number of provided keys and M is the number of elements returned.';

function entry(spec: Omit<CommandSpec, 'acl' | 'group'>): CommandSpec {
  return { ...spec, acl: ['@list'], group: 'list' };
}

const MOVE_SPECS = [keyAt(1, POPPED), keyAt(2, INSERTED)];

export const commands: CommandSpec[] = [
  entry({
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, INSERTED)],
    summary: 'Prepend one or multiple elements to a list',
    since: '1.0.0',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    run: (c, argv) => pushGeneric(c, argv, true, false),
  }),
  entry({
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, INSERTED)],
    summary: 'Append one or multiple elements to a list',
    since: '1.0.0',
    complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    run: (c, argv) => pushGeneric(c, argv, false, false),
  }),
  entry({
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, INSERTED)],
    summary: 'Prepend an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    run: (c, argv) => pushGeneric(c, argv, true, true),
  }),
  entry({
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, INSERTED)],
    summary: 'Append an element to a list, only if the list exists',
    since: '2.2.0',
    complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    run: (c, argv) => pushGeneric(c, argv, false, true),
  }),
  entry({
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, POPPED)],
    summary: 'Remove and get the first elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    run: (c, argv) => popGeneric(c, argv, true),
  }),
  entry({
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, POPPED)],
    summary: 'Remove and get the last elements in a list',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    run: (c, argv) => popGeneric(c, argv, false),
  }),
  entry({
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RO'])],
    summary: 'Get the length of a list',
    since: '1.0.0',
    complexity: 'O(1)',
    run: llen,
  }),
  entry({
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RO', 'access'])],
    summary: 'Get an element from a list by its index',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    run: lindex,
  }),
  entry({
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: KEY,
    keySpecs: [keyAt(1, INSERTED)],
    summary: 'Insert an element before or after another element in a list',
    since: '2.2.0',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    run: linsert,
  }),
  entry({
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RO', 'access'])],
    summary: 'Get a range of elements from a list',
    since: '1.0.0',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    run: lrange,
  }),
  entry({
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RW', 'delete'])],
    summary: 'Remove elements from a list',
    since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    run: lrem,
  }),
  entry({
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RW', 'update'])],
    summary: 'Set the value of an element in a list by its index',
    since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    run: lset,
  }),
  entry({
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RW', 'delete'])],
    summary: 'Trim a list to the specified range',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    run: ltrim,
  }),
  entry({
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RO', 'access'])],
    summary: 'Return the index of matching elements on a list',
    since: '6.0.6',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    run: lpos,
  }),
  entry({
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    keys: SOURCE_AND_DESTINATION,
    keySpecs: MOVE_SPECS,
    summary: 'Pop an element from a list, push it to another list and return it',
    since: '6.2.0',
    complexity: 'O(1)',
    run: (c, argv) => {
      const fromHead = parseEnd(argv[3]);
      lmoveGeneric(c, argv, fromHead, parseEnd(argv[4]));
    },
  }),
  entry({
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    keys: SOURCE_AND_DESTINATION,
    keySpecs: MOVE_SPECS,
    summary: 'Remove the last element in a list, prepend it to another list and return it',
    since: '1.2.0',
    complexity: 'O(1)',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    run: (c, argv) => lmoveGeneric(c, argv, false, true),
  }),
  entry({
    name: 'lmpop',
    arity: -4,
    flags: ['write', 'movablekeys'],
    getKeys: countedKeyPositions(1),
    keySpecs: [countedKeys(1, POPPED)],
    summary: 'Pop elements from a list',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    run: lmpop,
  }),
  entry({
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: { first: 1, last: -2, step: 1 },
    keySpecs: [keyAt(1, POPPED, -2)],
    summary: 'Remove and get the first element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    run: blpop,
  }),
  entry({
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    keys: { first: 1, last: -2, step: 1 },
    keySpecs: [keyAt(1, POPPED, -2)],
    summary: 'Remove and get the last element in a list, or block until one is available',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    run: brpop,
  }),
  entry({
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: SOURCE_AND_DESTINATION,
    keySpecs: MOVE_SPECS,
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0',
    complexity: 'O(1)',
    run: blmove,
  }),
  entry({
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keys: SOURCE_AND_DESTINATION,
    keySpecs: MOVE_SPECS,
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0',
    complexity: 'O(1)',
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    run: brpoplpush,
  }),
  entry({
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking', 'movablekeys'],
    getKeys: countedKeyPositions(2),
    keySpecs: [countedKeys(2, POPPED)],
    summary: 'Pop elements from a list, or block until one is available',
    since: '7.0.0',
    complexity: MPOP_COMPLEXITY,
    run: blmpop,
  }),
];
