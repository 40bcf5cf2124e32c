/**
 * Sorted-set commands (t_zset.c). Each command replies and reports its
 * keyspace events in Redis's order, which a RESP3 client subscribed to its
 * own events can see: ZADD and the STORE forms reply first, ZREM and
 * ZREMRANGEBY* report first, and pops report between the reply's header and
 * its members.
 */
import { parseTimeout } from '../server/blocking.js';
import type { Client } from '../server/client.js';
import { SetValue } from '../store/set.js';
import { ZSet, listpackScoreText, scoreText, type AddFlags, type RankSpan, type ZSetLimits } from '../store/zset.js';
import { SYNTAX_ERROR, WRONGTYPE, fail, isKeyword, parseInteger, parseMultiPop, parsePositiveLong, parseRandomCount } from './args.js';
import { deleteIfEmpty, ofType, removeMembers, replyRandomPicks, serveOrBlock, storeAndReplySize } from './collections.js';
import { encodingLimits } from './encoding-limits.js';
import { COLLECTION_SCAN_COMPLEXITY, parseScanCursor, replyEmptyScan, scanCollection } from './scan.js';
import { countedKeyPositions, countedKeys, familyEntry, keyAt, type CommandSpec, type KeySpecFlag } from './table.js';
import { parseLexRange, parseScore, parseScoreRange } from './zset-args.js';

// ---- lookups, replies, bookkeeping ----------------------------------------

/** The sorted set at key for reading, undefined when missing; WRONGTYPE for other types. */
export function readZSet(c: Client, key: string): ZSet | undefined {
  return ofType(c.db.lookupRead(key), ZSet);
}

/** The sorted set at key for writing, undefined when missing; WRONGTYPE for other types. */
export function writeZSet(c: Client, key: string): ZSet | undefined {
  return ofType(c.db.lookupWrite(key), ZSet);
}

/** The live encoding thresholds, for creating sorted sets. */
export function zsetLimits(c: Client): ZSetLimits {
  return encodingLimits(c.server.config);
}

/** The array header for n members, each with its score when withScores (a flat list in RESP2). */
function replyMembersHeader(c: Client, n: number, withScores: boolean): void {
  c.reply.arrayHeader(withScores && c.protocol === 2 ? 2 * n : n);
}

/** A member and its score; as a [member, score] array when nested. */
function replyPair(c: Client, member: string, score: number, nested: boolean): void {
  if (nested) c.reply.arrayHeader(2);
  c.reply.bulk(member);
  c.reply.double(score);
}

/** A member, followed by its score when withScores (as a pair in RESP3, as Redis 7.0 does). */
function replyMember(c: Client, member: string, score: number, withScores: boolean): void {
  if (withScores) replyPair(c, member, score, c.protocol === 3);
  else c.reply.bulk(member);
}

// ---- ZADD, ZINCRBY, ZREM ---------------------------------------------------

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';

/** ZADD and ZINCRBY (Redis's zaddGenericCommand): [options] score member [score member ...]. */
function zaddGeneric(c: Client, argv: string[], flags: AddFlags): void {
  let ch = false;
  let first = 2;
  for (; first < argv.length; first++) {
    const option = argv[first].toLowerCase();
    if (option === 'nx') flags.nx = true;
    else if (option === 'xx') flags.xx = true;
    else if (option === 'ch') ch = true;
    else if (option === 'incr') flags.incr = true;
    else if (option === 'gt') flags.gt = true;
    else if (option === 'lt') flags.lt = true;
    else break;
  }
  const args = argv.length - first;
  if (args === 0 || args % 2 !== 0) fail(SYNTAX_ERROR);
  if (flags.nx && flags.xx) fail('ERR XX and NX options at the same time are not compatible');
  if ((flags.gt || flags.lt) && (flags.nx || (flags.gt && flags.lt))) {
    fail('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (flags.incr && args > 2) fail('ERR INCR option supports a single increment-element pair');
  const scores = new Array<number>(args >> 1);
  for (let i = 0; i < scores.length; i++) scores[i] = parseScore(argv[first + 2 * i]);

  const key = argv[1];
  let zset = writeZSet(c, key);
  if (zset === undefined && !flags.xx) {
    zset = new ZSet(zsetLimits(c), 1, argv[first + 1].length);
    c.db.set(key, zset);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  const result = { score: 0 };
  for (let i = 0; zset !== undefined && i < scores.length; i++) {
    const outcome = zset.add(argv[first + 2 * i + 1], scores[i], flags, result);
    if (outcome === 'nan') fail(NAN_SCORE);
    if (outcome === 'added') added++;
    else if (outcome === 'updated') updated++;
    if (outcome !== 'skipped') processed++;
  }
  if (!flags.incr) c.reply.integer(ch ? added + updated : added);
  else if (processed > 0) c.reply.double(result.score);
  else c.reply.nullBulk();
  if (added + updated > 0) c.db.changed(key, 'z', flags.incr ? 'zincr' : 'zadd');
}

function zadd(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, {});
}

function zincrby(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, { incr: true });
}

function zrem(c: Client, argv: string[]): void {
  removeMembers(c, argv, writeZSet(c, argv[1]), 'z', 'zrem');
}

// ---- single-member reads ---------------------------------------------------

function zcard(c: Client, argv: string[]): void {
  c.reply.integer(readZSet(c, argv[1])?.size ?? 0);
}

function zscore(c: Client, argv: string[]): void {
  const score = readZSet(c, argv[1])?.score(argv[2]);
  if (score === undefined) c.reply.nullBulk();
  else c.reply.double(score);
}

function zmscore(c: Client, argv: string[]): void {
  const zset = readZSet(c, argv[1]);
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]);
    if (score === undefined) c.reply.nullBulk();
    else c.reply.double(score);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const rank = readZSet(c, argv[1])?.rank(argv[2], reverse) ?? -1;
  if (rank < 0) c.reply.nullBulk();
  else c.reply.integer(rank);
}

function zrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}

function zrevrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

function zcount(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const span = readZSet(c, argv[1])?.scoreSpan(range);
  c.reply.integer(span ? span.end - span.start : 0);
}

function zlexcount(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  const span = readZSet(c, argv[1])?.lexSpan(range);
  c.reply.integer(span ? span.end - span.start : 0);
}

// ---- ranges: ZRANGE and its variants, ZRANGESTORE, ZREMRANGEBY* ------------

type RangeKind = 'rank' | 'score' | 'lex';

/** The ranks a range selects: count members from rank `from`, walking down when reverse. */
interface Selection {
  from: number;
  count: number;
  reverse: boolean;
}

const NOTHING: Selection = { from: 0, count: 0, reverse: false };

/** Ranks start..stop as ZRANGE takes them (negative counts from the end), clamped to the set. */
function selectByIndex(size: number, start: number, stop: number, reverse: boolean): Selection {
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  if (start > stop || start >= size) return NOTHING;
  if (stop >= size) stop = size - 1;
  return { from: reverse ? size - 1 - start : start, count: stop - start + 1, reverse };
}

/** The part of a span that LIMIT offset count keeps (a negative count keeps all, a negative offset nothing). */
function selectFromSpan(span: RankSpan, offset: number, limit: number, reverse: boolean): Selection {
  const available = span.end - span.start - offset;
  if (offset < 0 || available <= 0 || limit === 0) return NOTHING;
  const count = limit < 0 ? available : Math.min(limit, available);
  return { from: reverse ? span.end - 1 - offset : span.start + offset, count, reverse };
}

/** A parsed range of the given kind, as a function that selects it from a sorted set. */
function parseRange(kind: RangeKind, minArg: string, maxArg: string, offset: number, limit: number, reverse: boolean): (zset: ZSet) => Selection {
  switch (kind) {
    case 'rank': {
      const start = parseInteger(minArg);
      const stop = parseInteger(maxArg);
      return (zset) => selectByIndex(zset.size, start, stop, reverse);
    }
    case 'score': {
      const range = parseScoreRange(minArg, maxArg);
      return (zset) => selectFromSpan(zset.scoreSpan(range), offset, limit, reverse);
    }
    case 'lex': {
      const range = parseLexRange(minArg, maxArg);
      return (zset) => selectFromSpan(zset.lexSpan(range), offset, limit, reverse);
    }
  }
}

/**
 * ZRANGE, ZRANGESTORE and the older ZREVRANGE, Z[REV]RANGEBYSCORE and
 * Z[REV]RANGEBYLEX (Redis's zrangeGenericCommand): argv[at] is the source
 * key, then min, max and options. A fixed kind or direction (the older
 * commands) makes the matching option a syntax error; destination is
 * ZRANGESTORE's key.
 */
function zrangeGeneric(c: Client, argv: string[], at: number, destination: string | null, fixedKind: RangeKind | null, fixedReverse: boolean | null): void {
  let kind = fixedKind;
  let reverse = fixedReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let i = at + 3; i < argv.length; i++) {
    const arg = argv[i];
    if (destination === null && isKeyword(arg, 'withscores')) withScores = true;
    else if (isKeyword(arg, 'limit') && i + 2 < argv.length) {
      offset = parseInteger(argv[i + 1]);
      limit = parseInteger(argv[i + 2]);
      i += 2;
    } else if (reverse === null && isKeyword(arg, 'rev')) reverse = true;
    else if (kind === null && isKeyword(arg, 'bylex')) kind = 'lex';
    else if (kind === null && isKeyword(arg, 'byscore')) kind = 'score';
    else fail(SYNTAX_ERROR);
  }
  kind ??= 'rank';
  reverse ??= false;
  if (limit !== -1 && kind === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && kind === 'lex') fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  // Reversed score and lex ranges are given as max then min.
  const swap = reverse && kind !== 'rank';
  const select = parseRange(kind, argv[swap ? at + 2 : at + 1], argv[swap ? at + 1 : at + 2], offset, limit, reverse);

  const source = readZSet(c, argv[at]);
  const selection = source ? select(source) : NOTHING;
  if (destination !== null) {
    const result = new ZSet(zsetLimits(c), selection.count);
    source?.forEach(selection.from, selection.count, selection.reverse, (member, score) => result.add(member, score));
    return storeAndReplySize(c, destination, result, result.size, 'z', 'zrangestore');
  }
  replyMembersHeader(c, selection.count, withScores);
  source?.forEach(selection.from, selection.count, selection.reverse, (member, score) => replyMember(c, member, score, withScores));
}

function zrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, null, null);
}

function zrangestore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, argv[1], null, null);
}

function zrevrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, 'rank', true);
}

function zrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, 'score', false);
}

function zrevrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, 'score', true);
}

function zrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, 'lex', false);
}

function zrevrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, 'lex', true);
}

/** ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX. */
function zremrangeGeneric(c: Client, argv: string[], kind: RangeKind): void {
  const select = parseRange(kind, argv[2], argv[3], 0, -1, false);
  const key = argv[1];
  const zset = writeZSet(c, key);
  const { from, count } = zset ? select(zset) : NOTHING;
  if (zset !== undefined && count > 0) {
    zset.removeRanks(from, from + count);
    c.db.changed(key, 'z', `zremrangeby${kind}`);
    deleteIfEmpty(c, key, zset.size);
  }
  c.reply.integer(count);
}

function zremrangebyrank(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'rank');
}

function zremrangebyscore(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'score');
}

function zremrangebylex(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, 'lex');
}

// ---- pops ------------------------------------------------------------------

type End = 'min' | 'max';

/** How a pop replies (Redis's genericZpopCommand flags). */
interface PopReply {
  /** Name the key the members came from (BZPOP*, ZMPOP, BZMPOP). */
  withKey: boolean;
  /** [member, score] pairs instead of a flat list. */
  nested: boolean;
  /** Null rather than an empty array when no key holds members (ZMPOP, BZMPOP). */
  nullWhenEmpty: boolean;
}

/** Pops up to count members from the zset at key, from its low or high end, and replies. */
function popMembers(c: Client, key: string, zset: ZSet, end: End, count: number, shape: PopReply): void {
  const n = Math.min(count, zset.size);
  if (shape.withKey && shape.nested) {
    c.reply.arrayHeader(2);
    c.reply.bulk(key);
    c.reply.arrayHeader(n);
  } else if (shape.withKey) {
    c.reply.arrayHeader(2 * n + 1);
    c.reply.bulk(key);
  } else c.reply.arrayHeader(shape.nested ? n : 2 * n);
  c.db.changed(key, 'z', `zpop${end}`);
  const fromMin = end === 'min';
  zset.forEach(fromMin ? 0 : zset.size - 1, n, !fromMin, (member, score) => replyPair(c, member, score, shape.nested));
  zset.removeRanks(fromMin ? 0 : zset.size - n, fromMin ? n : zset.size);
  deleteIfEmpty(c, key, zset.size);
}

/** Pops from the first of keys that exists; count -1 is a single pop. */
function popFromFirst(c: Client, keys: string[], end: End, count: number, shape: PopReply): void {
  for (const key of keys) {
    const zset = writeZSet(c, key);
    if (zset === undefined) continue;
    if (count === 0) return c.reply.arrayHeader(0);
    return popMembers(c, key, zset, end, count === -1 ? 1 : count, shape);
  }
  if (shape.nullWhenEmpty) c.reply.nullArray();
  else c.reply.arrayHeader(0);
}

function zpopGeneric(c: Client, argv: string[], end: End): void {
  if (argv.length > 3) fail(SYNTAX_ERROR);
  const count = argv.length === 3 ? parsePositiveLong(argv[2]) : -1;
  popFromFirst(c, [argv[1]], end, count, { withKey: false, nested: c.protocol === 3 && count !== -1, nullWhenEmpty: false });
}

function zpopmin(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, 'min');
}

function zpopmax(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, 'max');
}

/** ZMPOP's and BZMPOP's MIN|MAX. */
function parseEnd(arg: string): End {
  if (isKeyword(arg, 'min')) return 'min';
  if (isKeyword(arg, 'max')) return 'max';
  fail(SYNTAX_ERROR);
}

const MULTI_POP_REPLY: PopReply = { withKey: true, nested: true, nullWhenEmpty: true };

function zmpop(c: Client, argv: string[]): void {
  const { keys, end, count } = parseMultiPop(argv, 1, parseEnd);
  popFromFirst(c, keys, end, count, MULTI_POP_REPLY);
}

/** Pops from the first of keys holding members or, when none does, blocks until one does. */
function blockingPop(c: Client, keys: string[], end: End, count: number, shape: PopReply, deadline: number): void {
  serveOrBlock(c, {
    type: 'zset',
    keys,
    deadline,
    lookup: (key) => writeZSet(c, key),
    serve: (key, zset) => popMembers(c, key, zset, end, count, shape),
  });
}

function bzpopGeneric(c: Client, argv: string[], end: End): void {
  const deadline = parseTimeout(c, argv[argv.length - 1]);
  blockingPop(c, argv.slice(1, -1), end, 1, { withKey: true, nested: false, nullWhenEmpty: false }, deadline);
}

function bzpopmin(c: Client, argv: string[]): void {
  bzpopGeneric(c, argv, 'min');
}

function bzpopmax(c: Client, argv: string[]): void {
  bzpopGeneric(c, argv, 'max');
}

function bzmpop(c: Client, argv: string[]): void {
  const { keys, end, count } = parseMultiPop(argv, 2, parseEnd);
  blockingPop(c, keys, end, count, MULTI_POP_REPLY, parseTimeout(c, argv[1]));
}

// ---- ZRANDMEMBER -------------------------------------------------------------

function zrandmemberWithCount(c: Client, argv: string[]): void {
  const { count, withPairs: withScores } = parseRandomCount(argv, 'withscores');
  const zset = readZSet(c, argv[1]);
  if (zset === undefined || count === 0) return c.reply.arrayHeader(0);
  const reply = (member: string, score: number) => replyMember(c, member, score, withScores);
  replyRandomPicks(c, zset, count, {
    header: (n) => replyMembersHeader(c, n, withScores),
    pick: (rank) => zset.forEach(rank, 1, false, reply),
    // The whole set comes highest first, as Redis's set-operation iterator walks it.
    all: () => zset.forEach(zset.size - 1, zset.size, true, reply),
  });
}

function zrandmember(c: Client, argv: string[]): void {
  if (argv.length > 2) return zrandmemberWithCount(c, argv);
  const zset = readZSet(c, argv[1]);
  if (zset === undefined) return c.reply.nullBulk();
  zset.forEach(zset.randomSlot(), 1, false, (member) => c.reply.bulk(member));
}

// ---- ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD -----------------

type SetOperation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input of a set operation: a sorted set, a plain set (every score 1) or a missing key. */
class Operand {
  weight = 1;

  constructor(readonly value: ZSet | SetValue | undefined) {}

  get size(): number {
    return this.value?.size ?? 0;
  }

  score(member: string): number | undefined {
    if (this.value instanceof ZSet) return this.value.score(member);
    return this.value?.has(member) ? 1 : undefined;
  }

  forEach(visit: (member: string, score: number) => void): void {
    if (this.value instanceof ZSet) this.value.forEachAscending(visit);
    else this.value?.forEach((member) => visit(member, 1));
  }
}

function readOperand(c: Client, key: string): Operand {
  const v = c.db.lookupRead(key);
  if (v === undefined || v instanceof ZSet || v instanceof SetValue) return new Operand(v);
  fail(WRONGTYPE);
}

function aggregate(how: Aggregate, acc: number, value: number): number {
  switch (how) {
    case 'sum': {
      // inf + -inf is NaN; Redis makes it 0.
      const sum = acc + value;
      return Number.isNaN(sum) ? 0 : sum;
    }
    case 'min':
      return value < acc ? value : acc;
    case 'max':
      return value > acc ? value : acc;
  }
}

/** A weighted score; NaN (0 * inf) counts as 0, as in Redis. */
function weighted(score: number, weight: number): number {
  const w = score * weight;
  return Number.isNaN(w) ? 0 : w;
}

function union(operands: Operand[], how: Aggregate): Map<string, number> {
  const result = new Map<string, number>();
  for (const op of operands) {
    op.forEach((member, score) => {
      const value = weighted(score, op.weight);
      const acc = result.get(member);
      result.set(member, acc === undefined ? value : aggregate(how, acc, value));
    });
  }
  return result;
}

/** The intersection; with limit > 0 (ZINTERCARD) it stops counting once limit members are found. */
function intersection(operands: Operand[], how: Aggregate, limit = 0): Map<string, number> {
  const result = new Map<string, number>();
  const [smallest, ...others] = operands;
  smallest.forEach((member, score) => {
    if (limit > 0 && result.size >= limit) return;
    let acc = weighted(score, smallest.weight);
    for (const op of others) {
      // The same key given twice is the same set: no need to look the member up.
      const found = op.value === smallest.value ? score : op.score(member);
      if (found === undefined) return;
      acc = aggregate(how, acc, found * op.weight);
    }
    result.set(member, acc);
  });
  return result;
}

function difference(operands: Operand[]): Map<string, number> {
  const result = new Map<string, number>();
  const [first, ...others] = operands;
  // Subtracting the first set from itself leaves nothing.
  if (others.some((op) => op.value === first.value)) return result;
  first.forEach((member, score) => {
    if (!others.some((op) => op.score(member) !== undefined)) result.set(member, score);
  });
  return result;
}

/** Pairs by score, then member. Unlike storing them in the small form, this keeps -0 apart from 0. */
function inOrder(pairs: Map<string, number>): [string, number][] {
  return [...pairs].sort(([ma, sa], [mb, sb]) => (sa < sb ? -1 : sa > sb ? 1 : ma < mb ? -1 : ma > mb ? 1 : 0));
}

/** The result as a sorted set, in the form its size and longest member call for. */
function toZSet(c: Client, pairs: Map<string, number>): ZSet {
  let longest = 0;
  pairs.forEach((_, member) => (longest = Math.max(longest, member.length)));
  const zset = new ZSet(zsetLimits(c), pairs.size, longest);
  pairs.forEach((score, member) => zset.add(member, score));
  return zset;
}

interface SetOperationOptions {
  withScores: boolean;
  how: Aggregate;
  limit: number;
}

/**
 * Options after the keys (Redis's zunionInterDiffGenericCommand): WEIGHTS and
 * AGGREGATE (not for ZDIFF nor ZINTERCARD), WITHSCORES (not for the STORE
 * forms nor ZINTERCARD), LIMIT (ZINTERCARD only).
 */
function parseSetOperationOptions(argv: string[], first: number, operands: Operand[], op: SetOperation, stores: boolean, counts: boolean): SetOperationOptions {
  const options: SetOperationOptions = { withScores: false, how: 'sum', limit: 0 };
  const weighs = op !== 'diff' && !counts;
  for (let i = first; i < argv.length; i++) {
    const left = argv.length - i;
    if (weighs && left >= operands.length + 1 && isKeyword(argv[i], 'weights')) {
      for (const operand of operands) operand.weight = parseScore(argv[++i], 'ERR weight value is not a float');
    } else if (weighs && left >= 2 && isKeyword(argv[i], 'aggregate')) {
      const how = argv[++i].toLowerCase();
      if (how !== 'sum' && how !== 'min' && how !== 'max') fail(SYNTAX_ERROR);
      options.how = how;
    } else if (!stores && !counts && isKeyword(argv[i], 'withscores')) {
      options.withScores = true;
    } else if (counts && left >= 2 && isKeyword(argv[i], 'limit')) {
      options.limit = parsePositiveLong(argv[++i], "ERR LIMIT can't be negative");
    } else fail(SYNTAX_ERROR);
  }
  return options;
}

/**
 * The set operations: ZUNION, ZINTER, ZDIFF (reply), their STORE forms
 * (destination set) and ZINTERCARD (counts). numkeys is at argv[at].
 */
function setOperation(c: Client, argv: string[], at: number, op: SetOperation, command: string, destination: string | null, counts = false): void {
  const numkeys = parseInteger(argv[at]);
  if (numkeys < 1) fail(`ERR at least 1 input key is needed for '${command}' command`);
  if (numkeys > argv.length - at - 1) fail(SYNTAX_ERROR);
  const operands: Operand[] = [];
  for (let i = 0; i < numkeys; i++) operands.push(readOperand(c, argv[at + 1 + i]));
  const options = parseSetOperationOptions(argv, at + 1 + numkeys, operands, op, destination !== null, counts);
  // Smallest first: the intersection walks the smallest set; a stable sort keeps sums in Redis's order.
  if (op !== 'diff') operands.sort((a, b) => a.size - b.size);

  const pairs = op === 'union' ? union(operands, options.how) : op === 'inter' ? intersection(operands, options.how, options.limit) : difference(operands);
  if (counts) return c.reply.integer(pairs.size);
  if (destination !== null) return storeAndReplySize(c, destination, toZSet(c, pairs), pairs.size, 'z', `z${op}store`);
  replyMembersHeader(c, pairs.size, options.withScores);
  for (const [member, score] of inOrder(pairs)) replyMember(c, member, score, options.withScores);
}

function zunion(c: Client, argv: string[]): void {
  setOperation(c, argv, 1, 'union', 'zunion', null);
}

function zinter(c: Client, argv: string[]): void {
  setOperation(c, argv, 1, 'inter', 'zinter', null);
}

function zdiff(c: Client, argv: string[]): void {
  setOperation(c, argv, 1, 'diff', 'zdiff', null);
}

function zunionstore(c: Client, argv: string[]): void {
  setOperation(c, argv, 2, 'union', 'zunionstore', argv[1]);
}

function zinterstore(c: Client, argv: string[]): void {
  setOperation(c, argv, 2, 'inter', 'zinterstore', argv[1]);
}

function zdiffstore(c: Client, argv: string[]): void {
  setOperation(c, argv, 2, 'diff', 'zdiffstore', argv[1]);
}

function zintercard(c: Client, argv: string[]): void {
  setOperation(c, argv, 1, 'inter', 'zintercard', null, true);
}

// ---- ZSCAN -------------------------------------------------------------------

function zscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const zset = readZSet(c, argv[1]);
  if (zset === undefined) return replyEmptyScan(c);
  const dict = zset.dict;
  scanCollection(
    c,
    argv,
    cursor,
    dict
      ? { dict, value: (id) => scoreText(zset.scoreAt(id)) }
      : { compact: (emit) => zset.forEachAscending((member, score) => emit(member, listpackScoreText(score))) },
  );
}

// ---- table -------------------------------------------------------------------

const READ: KeySpecFlag[] = ['RO', 'access'];
const POP: KeySpecFlag[] = ['RW', 'access', 'delete'];
const REMOVE: KeySpecFlag[] = ['RW', 'delete'];
const STORE: KeySpecFlag[] = ['OW', 'update'];

const entry = familyEntry('sorted-set', '@sortedset');

const RANGE_COMPLEXITY = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.';
const BY_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).';
const REMRANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.';
const POP_COMPLEXITY = 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.';
const BPOP_COMPLEXITY = 'O(log(N)) with N being the number of elements in the sorted set.';
const MPOP_COMPLEXITY =
  'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.';
const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';

/** Keys counted by numkeys at argv[at]: no legacy key range. */
function countedAt(at: number): Partial<CommandSpec> {
  return { keys: undefined, getKeys: countedKeyPositions(at) };
}

/** The STORE forms: the destination, then keys counted by numkeys at argv[2]. */
const STORE_KEYS = [keyAt(1, STORE), countedKeys(2, READ)];
const STORE_POSITIONS: Partial<CommandSpec> = { getKeys: countedKeyPositions(2, [1]) };
/** BZPOPMIN/BZPOPMAX: every argument but the timeout. */
const BPOP_RANGE = { first: 1, last: -2, step: 1 };
const TIMEOUT_AS_DOUBLE: [string, string][] = [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']];

function deprecated(replacedBy: string, history?: [string, string][]): Partial<CommandSpec> {
  return { docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy, history };
}

export const commands: CommandSpec[] = [
  entry('bzmpop', -5, ['write', 'blocking'], [countedKeys(2, POP)], 'Remove and return members with scores in a sorted set or block until one is available', '7.0.0', MPOP_COMPLEXITY, bzmpop, countedAt(2)),
  entry('bzpopmax', -3, ['write', 'noscript', 'fast', 'blocking'], [keyAt(1, POP, -2)], 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available', '5.0.0', BPOP_COMPLEXITY, bzpopmax, {
    keys: BPOP_RANGE,
    history: TIMEOUT_AS_DOUBLE,
  }),
  entry('bzpopmin', -3, ['write', 'noscript', 'fast', 'blocking'], [keyAt(1, POP, -2)], 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available', '5.0.0', BPOP_COMPLEXITY, bzpopmin, {
    keys: BPOP_RANGE,
    history: TIMEOUT_AS_DOUBLE,
  }),
  entry('zadd', -4, ['write', 'denyoom', 'fast'], [keyAt(1, ['RW', 'update'])], 'Add one or more members to a sorted set, or update its score if it already exists', '1.2.0', 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', zadd, {
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.'],
    ],
  }),
  entry('zcard', 2, ['readonly', 'fast'], [keyAt(1, ['RO'])], 'Get the number of members in a sorted set', '1.2.0', 'O(1)', zcard),
  entry('zcount', 4, ['readonly', 'fast'], [keyAt(1, READ)], 'Count the members in a sorted set with scores within the given values', '2.0.0', 'O(log(N)) with N being the number of elements in the sorted set.', zcount),
  entry('zdiff', -3, ['readonly'], [countedKeys(1, READ)], 'Subtract multiple sorted sets', '6.2.0', DIFF_COMPLEXITY, zdiff, countedAt(1)),
  entry('zdiffstore', -4, ['write', 'denyoom'], STORE_KEYS, 'Subtract multiple sorted sets and store the resulting sorted set in a new key', '6.2.0', DIFF_COMPLEXITY, zdiffstore, STORE_POSITIONS),
  entry('zincrby', 4, ['write', 'denyoom', 'fast'], [keyAt(1, ['RW', 'access', 'update'])], 'Increment the score of a member in a sorted set', '1.2.0', 'O(log(N)) where N is the number of elements in the sorted set.', zincrby),
  entry('zinter', -3, ['readonly'], [countedKeys(1, READ)], 'Intersect multiple sorted sets', '6.2.0', INTER_COMPLEXITY, zinter, countedAt(1)),
  entry('zintercard', -3, ['readonly'], [countedKeys(1, READ)], 'Intersect multiple sorted sets and return the cardinality of the result', '7.0.0', 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.', zintercard, countedAt(1)),
  entry('zinterstore', -4, ['write', 'denyoom'], STORE_KEYS, 'Intersect multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', INTER_COMPLEXITY, zinterstore, STORE_POSITIONS),
  entry('zlexcount', 4, ['readonly', 'fast'], [keyAt(1, READ)], 'Count the number of members in a sorted set between a given lexicographical range', '2.8.9', 'O(log(N)) with N being the number of elements in the sorted set.', zlexcount),
  entry('zmpop', -4, ['write'], [countedKeys(1, POP)], 'Remove and return members with scores in a sorted set', '7.0.0', MPOP_COMPLEXITY, zmpop, countedAt(1)),
  entry('zmscore', -3, ['readonly', 'fast'], [keyAt(1, READ)], 'Get the score associated with the given members in a sorted set', '6.2.0', 'O(N) where N is the number of members being requested.', zmscore),
  entry('zpopmax', -2, ['write', 'fast'], [keyAt(1, POP)], 'Remove and return members with the highest scores in a sorted set', '5.0.0', POP_COMPLEXITY, zpopmax),
  entry('zpopmin', -2, ['write', 'fast'], [keyAt(1, POP)], 'Remove and return members with the lowest scores in a sorted set', '5.0.0', POP_COMPLEXITY, zpopmin),
  entry('zrandmember', -2, ['readonly'], [keyAt(1, READ)], 'Get one or multiple random elements from a sorted set', '6.2.0', 'O(N) where N is the number of elements returned', zrandmember, {
    tips: ['nondeterministic_output'],
  }),
  entry('zrange', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set', '1.2.0', RANGE_COMPLEXITY, zrange, {
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
  }),
  entry('zrangebylex', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set, by lexicographical range', '2.8.9', BY_COMPLEXITY, zrangebylex, deprecated('`ZRANGE` with the `BYLEX` argument')),
  entry('zrangebyscore', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set, by score', '1.0.5', BY_COMPLEXITY, zrangebyscore, deprecated('`ZRANGE` with the `BYSCORE` argument', [['2.0.0', 'Added the `WITHSCORES` modifier.']])),
  entry('zrangestore', -5, ['write', 'denyoom'], [keyAt(1, STORE), keyAt(2, READ)], 'Store a range of members from sorted set into another key', '6.2.0', 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.', zrangestore, {
    keys: { first: 1, last: 2, step: 1 },
  }),
  entry('zrank', 3, ['readonly', 'fast'], [keyAt(1, READ)], 'Determine the index of a member in a sorted set', '2.0.0', 'O(log(N))', zrank),
  entry('zrem', -3, ['write', 'fast'], [keyAt(1, REMOVE)], 'Remove one or more members from a sorted set', '1.2.0', 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.', zrem, {
    history: [['2.4.0', 'Accepts multiple elements.']],
  }),
  entry('zremrangebylex', 4, ['write'], [keyAt(1, REMOVE)], 'Remove all members in a sorted set between the given lexicographical range', '2.8.9', REMRANGE_COMPLEXITY, zremrangebylex),
  entry('zremrangebyrank', 4, ['write'], [keyAt(1, REMOVE)], 'Remove all members in a sorted set within the given indexes', '2.0.0', REMRANGE_COMPLEXITY, zremrangebyrank),
  entry('zremrangebyscore', 4, ['write'], [keyAt(1, REMOVE)], 'Remove all members in a sorted set within the given scores', '1.2.0', REMRANGE_COMPLEXITY, zremrangebyscore),
  entry('zrevrange', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set, by index, with scores ordered from high to low', '1.2.0', RANGE_COMPLEXITY, zrevrange, deprecated('`ZRANGE` with the `REV` argument')),
  entry('zrevrangebylex', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', '2.8.9', BY_COMPLEXITY, zrevrangebylex, deprecated('`ZRANGE` with the `REV` and `BYLEX` arguments')),
  entry('zrevrangebyscore', -4, ['readonly'], [keyAt(1, READ)], 'Return a range of members in a sorted set, by score, with scores ordered from high to low', '2.2.0', BY_COMPLEXITY, zrevrangebyscore, deprecated('`ZRANGE` with the `REV` and `BYSCORE` arguments', [['2.1.6', '`min` and `max` can be exclusive.']])),
  entry('zrevrank', 3, ['readonly', 'fast'], [keyAt(1, READ)], 'Determine the index of a member in a sorted set, with scores ordered from high to low', '2.0.0', 'O(log(N))', zrevrank),
  entry('zscan', -3, ['readonly'], [keyAt(1, READ)], 'Incrementally iterate sorted sets elements and associated scores', '2.8.0', COLLECTION_SCAN_COMPLEXITY, zscan, {
    tips: ['nondeterministic_output'],
  }),
  entry('zscore', 3, ['readonly', 'fast'], [keyAt(1, READ)], 'Get the score associated with the given member in a sorted set', '1.2.0', 'O(1)', zscore),
  entry('zunion', -3, ['readonly'], [countedKeys(1, READ)], 'Add multiple sorted sets', '6.2.0', UNION_COMPLEXITY, zunion, countedAt(1)),
  entry('zunionstore', -4, ['write', 'denyoom'], STORE_KEYS, 'Add multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', UNION_COMPLEXITY, zunionstore, STORE_POSITIONS),
];
