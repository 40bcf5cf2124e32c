/** Set commands (t_set.c). */
import type { Client } from '../server/client.js';
import { distinctRandomSlots } from '../store/sample.js';
import { SetValue } from '../store/set.js';
import { LONG_MAX, SYNTAX_ERROR, fail, isKeyword, parsePositiveLong, parseRangeLong } from './args.js';
import { deleteIfEmpty, ofType, removeMembers, replyRandomPicks, storeAndReplySize } from './collections.js';
import { encodingLimits } from './encoding-limits.js';
import { COLLECTION_SCAN_COMPLEXITY, parseScanCursor, replyEmptyScan, scanCollection } from './scan.js';
import { countedKeyPositions, countedKeys, familyEntry, keyAt, type CommandSpec, type KeySpecFlag } from './table.js';

function readSet(c: Client, key: string): SetValue | undefined {
  return ofType(c.db.lookupRead(key), SetValue);
}

function writeSet(c: Client, key: string): SetValue | undefined {
  return ofType(c.db.lookupWrite(key), SetValue);
}

/** The sets at keys (undefined for a missing key); WRONGTYPE if any key holds another type. */
function readSets(c: Client, keys: string[]): (SetValue | undefined)[] {
  return keys.map((key) => readSet(c, key));
}

function maxIntsetEntries(c: Client): number {
  return encodingLimits(c.server.config).maxIntsetEntries;
}

/** The members of set as a set reply (an array in RESP2), in the set's order. */
function replyMembers(c: Client, set: SetValue | undefined): void {
  c.reply.setHeader(set?.size ?? 0);
  set?.forEach((member) => c.reply.bulk(member));
}

// ---- single-set commands --------------------------------------------------

function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  let set = writeSet(c, key);
  if (set === undefined) {
    set = new SetValue();
    c.db.set(key, set);
  }
  const max = maxIntsetEntries(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i], max)) added++;
  if (added > 0) c.db.changed(key, 's', 'sadd');
  c.reply.integer(added);
}

function srem(c: Client, argv: string[]): void {
  removeMembers(c, argv, writeSet(c, argv[1]), 's', 'srem');
}

function sismember(c: Client, argv: string[]): void {
  c.reply.integer(readSet(c, argv[1])?.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.reply.integer(set?.has(argv[i]) ? 1 : 0);
}

function smembers(c: Client, argv: string[]): void {
  replyMembers(c, readSet(c, argv[1]));
}

function scard(c: Client, argv: string[]): void {
  c.reply.integer(readSet(c, argv[1])?.size ?? 0);
}

function smove(c: Client, argv: string[]): void {
  const [, sourceKey, destinationKey, member] = argv;
  const sourceValue = c.db.lookupWrite(sourceKey);
  const destinationValue = c.db.lookupWrite(destinationKey);
  // A missing source answers 0 before any type check, as in Redis.
  if (sourceValue === undefined) return c.reply.integer(0);
  const source = ofType(sourceValue, SetValue) as SetValue;
  let destination = ofType(destinationValue, SetValue);
  if (source === destination) return c.reply.integer(source.has(member) ? 1 : 0);
  if (!source.delete(member)) return c.reply.integer(0);
  c.db.changed(sourceKey, 's', 'srem');
  deleteIfEmpty(c, sourceKey, source.size);
  if (destination === undefined) {
    destination = new SetValue();
    c.db.set(destinationKey, destination);
  }
  if (destination.add(member, maxIntsetEntries(c))) c.db.changed(destinationKey, 's', 'sadd');
  c.reply.integer(1);
}

function sscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const set = readSet(c, argv[1]);
  if (set === undefined) return replyEmptyScan(c);
  const table = set.dict;
  scanCollection(c, argv, cursor, table ? { dict: table } : { compact: (emit) => set.forEach(emit) });
}

// ---- random members -------------------------------------------------------

function spop(c: Client, argv: string[]): void {
  if (argv.length > 3) fail(SYNTAX_ERROR);
  if (argv.length === 3) return spopWithCount(c, argv);
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === undefined) return c.reply.nullBulk();
  const member = set.randomMember();
  set.delete(member);
  c.db.changed(key, 's', 'spop');
  deleteIfEmpty(c, key, set.size);
  c.reply.bulk(member);
}

function spopWithCount(c: Client, argv: string[]): void {
  const count = parsePositiveLong(argv[2]);
  const key = argv[1];
  const set = writeSet(c, key);
  if (set === undefined || count === 0) return c.reply.setHeader(0);
  if (count >= set.size) {
    // Redis answers this case with SUNION of the one set, hence that order.
    replyMembers(c, union([set], maxIntsetEntries(c)));
    c.db.delete(key);
    c.db.changed(key, 's', 'spop');
    c.db.changed(key, 'g', 'del');
    return;
  }
  const members = distinctRandomSlots(set, count).map((slot) => set.memberAt(slot));
  c.reply.setHeader(count);
  for (const member of members) {
    set.delete(member);
    c.reply.bulk(member);
  }
  c.db.changed(key, 's', 'spop');
}

function srandmember(c: Client, argv: string[]): void {
  if (argv.length > 3) fail(SYNTAX_ERROR);
  if (argv.length === 3) return srandmemberWithCount(c, argv);
  const set = readSet(c, argv[1]);
  if (set === undefined) return c.reply.nullBulk();
  c.reply.bulk(set.randomMember());
}

function srandmemberWithCount(c: Client, argv: string[]): void {
  const count = parseRangeLong(argv[2], -LONG_MAX, LONG_MAX);
  const set = readSet(c, argv[1]);
  if (set === undefined || count === 0) return c.reply.arrayHeader(0);
  replyRandomPicks(c, set, count, {
    header: (n) => c.reply.arrayHeader(n),
    pick: (slot) => c.reply.bulk(set.memberAt(slot)),
    all: () => set.forEach((member) => c.reply.bulk(member)),
  });
}

// ---- multi-set operations -------------------------------------------------

/**
 * Members common to all sets, in the order of the smallest one (where Redis
 * starts too); at most limit of them when limit > 0.
 */
function intersect(sets: SetValue[], limit = 0): string[] {
  const bySize = sets.slice().sort((a, b) => a.size - b.size);
  const smallest = bySize[0];
  const others = bySize.slice(1).filter((s) => s !== smallest);
  const out: string[] = [];
  smallest.forEach((member) => {
    if (limit > 0 && out.length >= limit) return;
    for (const other of others) if (!other.has(member)) return;
    out.push(member);
  });
  return out;
}

function union(sets: (SetValue | undefined)[], maxIntset: number): SetValue {
  const result = new SetValue();
  const largest = sets.reduce((most, set) => Math.max(most, set?.size ?? 0), 0);
  for (const set of sets) set?.forEach((member) => result.add(member, maxIntset, largest));
  return result;
}

/**
 * The first set minus the others, computed the way Redis picks for the
 * input (which decides the result's encoding): test each member of the first
 * against the others, or copy the first and remove the others' members.
 */
function difference(sets: (SetValue | undefined)[], maxIntset: number): SetValue {
  const result = new SetValue();
  const first = sets[0];
  if (first === undefined) return result;
  const others = sets.slice(1).filter((s): s is SetValue => s !== undefined);
  let othersWork = first.size;
  for (const other of others) othersWork += other.size;
  // Testing members does less work per member; Redis gives it a factor of two.
  const testMembers = Math.floor((first.size * (others.length + 1)) / 2) <= othersWork;
  if (testMembers) {
    // Largest first: a member present elsewhere is likelier found early.
    others.sort((a, b) => b.size - a.size);
    first.forEach((member) => {
      for (const other of others) if (other.has(member)) return;
      result.add(member, maxIntset);
    });
    return result;
  }
  first.forEach((member) => result.add(member, maxIntset));
  for (const other of others) {
    if (result.size === 0) break;
    other.forEach((member) => result.delete(member));
  }
  return result;
}

/** Stores a computed set at destination (deleting it when empty) and replies with its size. */
function storeResult(c: Client, destination: string, result: SetValue, event: string): void {
  storeAndReplySize(c, destination, result, result.size, 's', event);
}

/** The sets for SINTER and its variants, or null when one is missing (the intersection is then empty). */
function setsToIntersect(c: Client, keys: string[]): SetValue[] | null {
  const sets = readSets(c, keys);
  return sets.includes(undefined) ? null : (sets as SetValue[]);
}

function sinter(c: Client, argv: string[]): void {
  const sets = setsToIntersect(c, argv.slice(1));
  const members = sets ? intersect(sets) : [];
  c.reply.setHeader(members.length);
  for (const member of members) c.reply.bulk(member);
}

function sinterstore(c: Client, argv: string[]): void {
  const destination = argv[1];
  const sets = setsToIntersect(c, argv.slice(2));
  if (sets === null) {
    // Redis returns early for a missing source: the destination goes before the reply.
    if (c.db.delete(destination)) c.db.changed(destination, 'g', 'del');
    return c.reply.integer(0);
  }
  const members = intersect(sets);
  const result = new SetValue();
  const max = maxIntsetEntries(c);
  for (const member of members) result.add(member, max, members.length);
  storeResult(c, destination, result, 'sinterstore');
}

function sintercard(c: Client, argv: string[]): void {
  const numkeys = parseRangeLong(argv[1], 1n, LONG_MAX, 'ERR numkeys should be greater than 0');
  if (numkeys > argv.length - 2) fail("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (isKeyword(argv[i], 'limit') && i + 1 < argv.length) limit = parsePositiveLong(argv[++i], "ERR LIMIT can't be negative");
    else fail(SYNTAX_ERROR);
  }
  const sets = setsToIntersect(c, argv.slice(2, 2 + numkeys));
  c.reply.integer(sets ? intersect(sets, limit).length : 0);
}

function sunion(c: Client, argv: string[]): void {
  replyMembers(c, union(readSets(c, argv.slice(1)), maxIntsetEntries(c)));
}

function sunionstore(c: Client, argv: string[]): void {
  storeResult(c, argv[1], union(readSets(c, argv.slice(2)), maxIntsetEntries(c)), 'sunionstore');
}

function sdiff(c: Client, argv: string[]): void {
  replyMembers(c, difference(readSets(c, argv.slice(1)), maxIntsetEntries(c)));
}

function sdiffstore(c: Client, argv: string[]): void {
  storeResult(c, argv[1], difference(readSets(c, argv.slice(2)), maxIntsetEntries(c)), 'sdiffstore');
}

// ---- table ----------------------------------------------------------------

const READ: KeySpecFlag[] = ['RO', 'access'];
const INSPECT: KeySpecFlag[] = ['RO'];
const READ_ALL = [keyAt(1, READ, -1)];
/** The STORE forms: a destination, then sources to the end. */
const storeKeys = (destination: KeySpecFlag[]) => [keyAt(1, destination), keyAt(2, READ, -1)];

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const INTERSECT_COMPLEXITY = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

const entry = familyEntry('set', '@set');

export const commands: CommandSpec[] = [
  entry(
    'sadd',
    -3,
    ['write', 'denyoom', 'fast'],
    [keyAt(1, ['RW', 'insert'])],
    'Add one or more members to a set',
    '1.0.0',
    'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    sadd,
    { history: [['2.4.0', 'Accepts multiple `member` arguments.']] },
  ),
  entry('scard', 2, ['readonly', 'fast'], [keyAt(1, INSPECT)], 'Get the number of members in a set', '1.0.0', 'O(1)', scard),
  entry('sdiff', -2, ['readonly'], READ_ALL, 'Subtract multiple sets', '1.0.0', UNION_COMPLEXITY, sdiff, { keys: ALL_KEYS, tips: ['nondeterministic_output_order'] }),
  entry('sdiffstore', -3, ['write', 'denyoom'], storeKeys(['OW', 'update']), 'Subtract multiple sets and store the resulting set in a key', '1.0.0', UNION_COMPLEXITY, sdiffstore, {
    keys: ALL_KEYS,
  }),
  entry('sinter', -2, ['readonly'], READ_ALL, 'Intersect multiple sets', '1.0.0', INTERSECT_COMPLEXITY, sinter, { keys: ALL_KEYS, tips: ['nondeterministic_output_order'] }),
  entry(
    'sintercard',
    -3,
    ['readonly'],
    [countedKeys(1, READ)],
    'Intersect multiple sets and return the cardinality of the result',
    '7.0.0',
    INTERSECT_COMPLEXITY,
    sintercard,
    { keys: undefined, getKeys: countedKeyPositions(1) },
  ),
  entry('sinterstore', -3, ['write', 'denyoom'], storeKeys(['RW', 'update']), 'Intersect multiple sets and store the resulting set in a key', '1.0.0', INTERSECT_COMPLEXITY, sinterstore, {
    keys: ALL_KEYS,
  }),
  entry('sismember', 3, ['readonly', 'fast'], [keyAt(1, INSPECT)], 'Determine if a given value is a member of a set', '1.0.0', 'O(1)', sismember),
  entry('smembers', 2, ['readonly'], [keyAt(1, READ)], 'Get all the members in a set', '1.0.0', 'O(N) where N is the set cardinality.', smembers, {
    tips: ['nondeterministic_output_order'],
  }),
  entry(
    'smismember',
    -3,
    ['readonly', 'fast'],
    [keyAt(1, READ)],
    'Returns the membership associated with the given elements for a set',
    '6.2.0',
    'O(N) where N is the number of elements being checked for membership',
    smismember,
  ),
  entry('smove', 4, ['write', 'fast'], [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['RW', 'insert'])], 'Move a member from one set to another', '1.0.0', 'O(1)', smove, {
    keys: { first: 1, last: 2, step: 1 },
  }),
  entry(
    'spop',
    -2,
    ['write', 'fast'],
    [keyAt(1, ['RW', 'access', 'delete'])],
    'Remove and return one or multiple random members from a set',
    '1.0.0',
    'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    spop,
    { tips: ['nondeterministic_output'], history: [['3.2.0', 'Added the `count` argument.']] },
  ),
  entry(
    'srandmember',
    -2,
    ['readonly'],
    [keyAt(1, READ)],
    'Get one or multiple random members from a set',
    '1.0.0',
    'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    srandmember,
    { tips: ['nondeterministic_output'], history: [['2.6.0', 'Added the optional `count` argument.']] },
  ),
  entry('srem', -3, ['write', 'fast'], [keyAt(1, ['RW', 'delete'])], 'Remove one or more members from a set', '1.0.0', 'O(N) where N is the number of members to be removed.', srem, {
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
  }),
  entry('sscan', -3, ['readonly'], [keyAt(1, READ)], 'Incrementally iterate Set elements', '2.8.0', COLLECTION_SCAN_COMPLEXITY, sscan, { tips: ['nondeterministic_output'] }),
  entry('sunion', -2, ['readonly'], READ_ALL, 'Add multiple sets', '1.0.0', UNION_COMPLEXITY, sunion, { keys: ALL_KEYS, tips: ['nondeterministic_output_order'] }),
  entry('sunionstore', -3, ['write', 'denyoom'], storeKeys(['OW', 'update']), 'Add multiple sets and store the resulting set in a key', '1.0.0', UNION_COMPLEXITY, sunionstore, {
    keys: ALL_KEYS,
  }),
];
