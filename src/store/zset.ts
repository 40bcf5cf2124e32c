/**
 * The sorted set value type (Redis's t_zset.c data side): members with a
 * double score, ordered by score and then by member bytes.
 *
 * Two forms, as in Redis. Small sets (at most zset-max-listpack-entries
 * members of at most zset-max-listpack-value bytes; OBJECT ENCODING
 * "listpack") keep two sorted parallel arrays; lookups by member scan them,
 * which costs little at that size and saves the per-member overhead. Larger
 * sets ("skiplist") keep a skip list with rank spans for order and a Dict from
 * member to its skip-list node (in the Dict's tag column) for O(1) lookups;
 * the Dict holds the member strings, which nodes refer to by entry id. A set
 * moves to the large form when it outgrows the limits and, like Redis's,
 * never moves back.
 *
 * Everything ordered is addressed by rank: a score or lex range becomes a
 * span of ranks, and reading or removing a span of ranks is the one
 * primitive each form implements.
 */
import { Dict } from './dict.js';
import type { Collection } from './keyspace.js';
import { arrayBytes, objectBytes, stringBytes } from './memory.js';
import type { Slotted } from './sample.js';
import { SkipList, type PairVisitor } from './skiplist.js';
import { formatG17 } from '../resp/writer.js';

/** The encoding thresholds: the live zset-max-listpack-* config values (commands/encoding-limits.ts). */
export interface ZSetLimits {
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
}

/** A score interval; the bounds are excluded when the matching flag is set ("(1.5"). */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** One end of a lex range: "[a" (inclusive), "(a" (exclusive), "-" or "+" (unbounded). */
export interface LexBound {
  value: string;
  exclusive: boolean;
  /** -1 for "-", the lowest string; 1 for "+", the highest; 0 for a bounded value. */
  infinity: -1 | 0 | 1;
}

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** Ranks start (inclusive) to end (exclusive). */
export interface RankSpan {
  start: number;
  end: number;
}

/** ZADD's options. */
export interface AddFlags {
  /** Only add new members. */
  nx?: boolean;
  /** Only update existing members. */
  xx?: boolean;
  /** Update existing members only to a greater score. */
  gt?: boolean;
  /** Update existing members only to a lower score. */
  lt?: boolean;
  /** Add the score to the current one (a new member gets the increment itself). */
  incr?: boolean;
}

/** What add() did: skipped means NX, XX, GT or LT ruled it out; nan that the score would be NaN. */
export type AddOutcome = 'added' | 'updated' | 'unchanged' | 'skipped' | 'nan';

/** Receives the score add() gave the member (ZINCRBY's reply), unless skipped or NaN. */
export interface AddResult {
  score: number;
}

const NO_FLAGS: AddFlags = {};

function scoreAboveMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

function scoreBelowMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

function compareToBound(member: string, bound: LexBound): number {
  if (bound.infinity !== 0) return -bound.infinity;
  return member < bound.value ? -1 : member > bound.value ? 1 : 0;
}

function lexAboveMin(member: string, range: LexRange): boolean {
  const cmp = compareToBound(member, range.min);
  return range.min.exclusive ? cmp > 0 : cmp >= 0;
}

function lexBelowMax(member: string, range: LexRange): boolean {
  const cmp = compareToBound(member, range.max);
  return range.max.exclusive ? cmp < 0 : cmp <= 0;
}

/** Whether pair (s, m) sorts before (score, member). */
function sortsBefore(s: number, m: string, score: number, member: string): boolean {
  return s < score || (s === score && m < member);
}

/** What both forms implement. Ranks are 0-based, ascending. */
interface PairStore {
  readonly size: number;
  score(member: string): number | undefined;
  /** Adds a member that is not in the set. */
  insert(member: string, score: number): void;
  /** Changes the score of a member that is in the set. */
  move(member: string, from: number, to: number): void;
  delete(member: string): boolean;
  /** Rank of a member that is in the set with that score. */
  rank(member: string, score: number): number;
  /** How many leading pairs satisfy `before`, which holds for a prefix of the order only. */
  countWhile(before: (score: number, member: string) => boolean): number;
  /** Visits count pairs from rank `from` upwards, or downwards when reverse, stopping at either end. */
  forEach(from: number, count: number, reverse: boolean, visit: PairVisitor): void;
  removeRanks(start: number, end: number): void;
  /** Bytes of the structure and the member strings (see memory.ts). */
  memoryUsage(): number;
}

/** The small form: members and scores in two arrays, sorted. */
class PackedPairs implements PairStore {
  private readonly members: string[] = [];
  private readonly scores: number[] = [];
  private memberBytes = 0;

  get size(): number {
    return this.members.length;
  }

  score(member: string): number | undefined {
    const i = this.members.indexOf(member);
    return i < 0 ? undefined : this.scores[i];
  }

  insert(member: string, score: number): void {
    const i = this.countWhile((s, m) => sortsBefore(s, m, score, member));
    this.memberBytes += stringBytes(member.length);
    this.members.splice(i, 0, member);
    // A listpack holds scores as text, in which -0 becomes 0.
    this.scores.splice(i, 0, score === 0 ? 0 : score);
  }

  move(member: string, _from: number, to: number): void {
    this.delete(member);
    this.insert(member, to);
  }

  delete(member: string): boolean {
    const i = this.members.indexOf(member);
    if (i < 0) return false;
    this.memberBytes -= stringBytes(member.length);
    this.members.splice(i, 1);
    this.scores.splice(i, 1);
    return true;
  }

  rank(member: string): number {
    return this.members.indexOf(member);
  }

  countWhile(before: (score: number, member: string) => boolean): number {
    let lo = 0;
    let hi = this.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.scores[mid], this.members[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  forEach(from: number, count: number, reverse: boolean, visit: PairVisitor): void {
    const step = reverse ? -1 : 1;
    for (let i = from; count > 0 && i >= 0 && i < this.members.length; count--, i += step) visit(this.members[i], this.scores[i]);
  }

  removeRanks(start: number, end: number): void {
    for (let i = start; i < end; i++) this.memberBytes -= stringBytes(this.members[i].length);
    this.members.splice(start, end - start);
    this.scores.splice(start, end - start);
  }

  memoryUsage(): number {
    return objectBytes(3) + arrayBytes(this.members.length) + arrayBytes(this.scores.length) + this.memberBytes;
  }
}

/**
 * The large form: a skip list for order, and a Dict from member to its
 * skip-list node (in the tag column) for lookups. The list's nodes refer to
 * their members by entry id, so when the Dict compacts its ids the moved
 * entry's node is repointed.
 */
class IndexedSkipList implements PairStore {
  readonly dict: Dict<undefined>;
  private list = new SkipList((id) => this.dict.keyAt(id));
  private memberBytes = 0;

  /** capacity: members to make room for in the Dict at once (as Redis's zsetTypeCreate expands its dict to the size hint). */
  constructor(capacity = 0) {
    this.dict = new Dict({ tags: true, keysOnly: true, capacity, onRelocate: (_from, to) => this.list.setRef(this.dict.tagAt(to), to) });
  }

  get size(): number {
    return this.list.length;
  }

  score(member: string): number | undefined {
    const id = this.dict.find(member);
    return id < 0 ? undefined : this.scoreAt(id);
  }

  /** The score of the member at index entry id. */
  scoreAt(id: number): number {
    return this.list.scoreOf(this.dict.tagAt(id));
  }

  insert(member: string, score: number): void {
    const id = this.dict.add(member, undefined);
    this.dict.setTagAt(id, this.list.insert(score, member, id));
    this.memberBytes += stringBytes(member.length);
  }

  move(member: string, from: number, to: number): void {
    const id = this.dict.find(member);
    this.dict.setTagAt(id, this.list.updateScore(from, member, to));
  }

  delete(member: string): boolean {
    const id = this.dict.find(member);
    if (id < 0) return false;
    // The list compares members on its way to the node: the index entry goes after it.
    this.list.delete(this.scoreAt(id), member);
    this.dict.deleteAt(id);
    this.memberBytes -= stringBytes(member.length);
    this.compactIfSparse();
    return true;
  }

  rank(member: string, score: number): number {
    return this.list.rank(score, member);
  }

  countWhile(before: (score: number, member: string) => boolean): number {
    return this.list.countWhile(before);
  }

  forEach(from: number, count: number, reverse: boolean, visit: PairVisitor): void {
    this.list.forEach(from, count, reverse, visit);
  }

  removeRanks(start: number, end: number): void {
    this.list.deleteRanks(start, end - 1, (id) => {
      this.memberBytes -= stringBytes(this.dict.keyAt(id).length);
      this.dict.deleteAt(id);
    });
    this.compactIfSparse();
  }

  memoryUsage(): number {
    return objectBytes(2) + this.dict.memoryUsage() + this.list.memoryUsage() + this.memberBytes;
  }

  /** Gives memory back after a set shrank to a fraction of its former size (as the Dict does). */
  private compactIfSparse(): void {
    if (this.list.sparse) this.list = this.list.compacted((id, node) => this.dict.setTagAt(id, node));
  }
}

/** Copies every pair, highest first: each insertion then lands at the front of a skip list. */
function copyPairs(from: PairStore, to: PairStore): void {
  from.forEach(from.size - 1, from.size, true, (member, score) => to.insert(member, score));
}

function fitsPacked(limits: ZSetLimits, size: number, longestMember: number): boolean {
  return size <= limits.zsetMaxListpackEntries && longestMember <= limits.zsetMaxListpackValue;
}

/** Slots (see sample.ts) are ranks. */
export class ZSet implements Collection, Slotted {
  readonly type = 'zset' as const;
  /** Kept by the keyspace (see memory.ts). */
  accountedBytes = 0;
  private store: PairStore;

  /**
   * An empty set in the form that suits expectedSize members of at most
   * longestMember bytes (the small form unless that would exceed the limits).
   */
  constructor(
    private readonly limits: ZSetLimits,
    expectedSize = 0,
    longestMember = 0,
  ) {
    this.store = fitsPacked(limits, expectedSize, longestMember) ? new PackedPairs() : new IndexedSkipList(expectedSize);
  }

  get size(): number {
    return this.store.size;
  }

  encoding(): string {
    return this.store instanceof PackedPairs ? 'listpack' : 'skiplist';
  }

  memoryUsage(): number {
    return objectBytes(2) + this.store.memoryUsage();
  }

  /** A deep copy in the same form (COPY). */
  clone(): ZSet {
    const copy = new ZSet(this.limits);
    copy.store = this.store instanceof PackedPairs ? new PackedPairs() : new IndexedSkipList(this.size);
    copyPairs(this.store, copy.store);
    return copy;
  }

  /** The member's score, or undefined when absent. */
  score(member: string): number | undefined {
    return this.store.score(member);
  }

  /** Adds or updates a member with ZADD's semantics (Redis's zsetAdd). */
  add(member: string, score: number, flags: AddFlags = NO_FLAGS, result?: AddResult): AddOutcome {
    if (Number.isNaN(score)) return 'nan';
    const current = this.store.score(member);
    if (current === undefined) {
      if (flags.xx) return 'skipped';
      this.makeRoomFor(member);
      this.store.insert(member, score);
      if (result) result.score = score;
      return 'added';
    }
    if (flags.nx) return 'skipped';
    if (flags.incr) {
      score += current;
      if (Number.isNaN(score)) return 'nan';
    }
    if ((flags.lt && score >= current) || (flags.gt && score <= current)) return 'skipped';
    if (result) result.score = score;
    if (score === current) return 'unchanged';
    this.store.move(member, current, score);
    return 'updated';
  }

  /** Moves to the large form before a new member would break the small form's limits. */
  private makeRoomFor(member: string): void {
    if (!(this.store instanceof PackedPairs) || fitsPacked(this.limits, this.size + 1, member.length)) return;
    const large = new IndexedSkipList(this.size + 1);
    copyPairs(this.store, large);
    this.store = large;
  }

  /** Removes member; whether it was there (as Map's, Hash's and SetValue's delete). */
  delete(member: string): boolean {
    return this.store.delete(member);
  }

  /** 0-based rank of member, counted from the lowest or, when reverse, the highest; -1 when absent. */
  rank(member: string, reverse = false): number {
    const score = this.store.score(member);
    if (score === undefined) return -1;
    const rank = this.store.rank(member, score);
    return reverse ? this.size - 1 - rank : rank;
  }

  /** The ranks of the members whose scores are in range. */
  scoreSpan(range: ScoreRange): RankSpan {
    const start = this.store.countWhile((score) => !scoreAboveMin(score, range));
    const end = this.store.countWhile((score) => scoreBelowMax(score, range));
    return { start, end: Math.max(start, end) };
  }

  /** The ranks of the members in a lex range (meaningful when all scores are equal, as in Redis). */
  lexSpan(range: LexRange): RankSpan {
    const start = this.store.countWhile((_, member) => !lexAboveMin(member, range));
    const end = this.store.countWhile((_, member) => lexBelowMax(member, range));
    return { start, end: Math.max(start, end) };
  }

  /** Visits count pairs from ascending rank `from`, walking up, or down when reverse. */
  forEach(from: number, count: number, reverse: boolean, visit: PairVisitor): void {
    this.store.forEach(from, count, reverse, visit);
  }

  /** Visits every pair in ascending order. */
  forEachAscending(visit: PairVisitor): void {
    this.store.forEach(0, this.size, false, visit);
  }

  /** Removes the members of ranks start (inclusive) to end (exclusive). */
  removeRanks(start: number, end: number): void {
    if (end > start) this.store.removeRanks(start, end);
  }

  /** A uniformly random rank of a non-empty set. */
  randomSlot(): number {
    return Math.floor(Math.random() * this.size);
  }

  /** Every rank, ascending. */
  slots(): number[] {
    return Array.from({ length: this.size }, (_, rank) => rank);
  }

  /** The member index of the large form (for ZSCAN cursors); null in the small form. */
  get dict(): Dict<undefined> | null {
    return this.store instanceof IndexedSkipList ? this.store.dict : null;
  }

  /** The score of the member at entry id of dict. */
  scoreAt(id: number): number {
    return (this.store as IndexedSkipList).scoreAt(id);
  }
}

/** A score as Redis prints it from a skip list entry (%.17Lg). */
export function scoreText(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return formatG17(score);
}

/** A score as a listpack holds it (Redis's d2string): integral values of up to 2^62 in integer form. */
export function listpackScoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) return BigInt(score).toString();
  return scoreText(score);
}
