/**
 * A skip list of (score, member) pairs, after Redis's zskiplist (itself
 * William Pugh's design): ordered by score, then by member bytes; every link
 * records its span, the number of level-0 steps it jumps, so that the rank of
 * an element and the element at a rank are both found in O(log N); level 0
 * is doubly linked for walking backwards.
 *
 * Nodes are not JS objects but blocks of 32-bit words in one growable
 * buffer, and a node's id is its block's offset:
 *
 *   [0, 1] score (a float64)   [2] member ref   [3] backward node (0: none)
 *   then for each level i:     [4 + 2i] next node (0: none)   [5 + 2i] span
 *
 * A search step then reads one block, as in C, instead of a node object, its
 * link arrays and a boxed score (several cache misses a step, which made a
 * million-member set several times slower), and nodes make no garbage.
 * The list holds no member strings: a node's ref is its owner's id for the
 * member (the sorted set's index entry, which holds the string), read back
 * through memberAt. Block 0 is the head, which is why 0 can mean "no node".
 */
import { arrayBytes, objectBytes, typedArrayBytes, typedArrayBytesOf } from './memory.js';

const MAX_LEVEL = 32;
/** Probability that a node reaches the next level up. */
const BRANCHING = 0.25;
const HEADER_WORDS = 4;
const HEAD = 0;
/** Below this many words (256 KB) a buffer is never worth compacting. */
const COMPACTABLE_WORDS = 1 << 16;

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < BRANCHING) level++;
  return level;
}

function blockWords(level: number): number {
  return HEADER_WORDS + 2 * level;
}

/**
 * Scratch for one update at a time (commands run one at a time): the last
 * node before the position on each level, and its rank.
 */
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

export type PairVisitor = (member: string, score: number) => void;

export class SkipList {
  private words: Int32Array;
  /** The same buffer as float64s: a node's score is floats[node >> 1]. */
  private floats: Float64Array;
  /** Words in use from the start of the buffer; blocks are freed into `freeBlocks`, not given back. */
  private top = 0;
  /** Words of the blocks in use. */
  private liveWords = 0;
  /** Freed blocks by level, for reuse. */
  private readonly freeBlocks: number[][] = Array.from({ length: MAX_LEVEL + 1 }, () => []);
  /** What freeBlocks and its lists take (memoryUsage), kept as blocks come and go: sizing every list at each write cost more than the write. */
  private freeListBytes = arrayBytes(MAX_LEVEL + 1) + (MAX_LEVEL + 1) * arrayBytes(0);
  private level = 1;
  length = 0;
  /** The highest node, 0 when empty. */
  private tail = 0;

  /** memberAt(ref): the member a node's ref stands for. */
  constructor(private readonly memberAt: (ref: number) => string) {
    const buffer = new ArrayBuffer(4 * 256);
    this.words = new Int32Array(buffer);
    this.floats = new Float64Array(buffer);
    this.allocate(MAX_LEVEL, 0, 0);
  }

  // ---- node storage ------------------------------------------------------

  private allocate(level: number, ref: number, score: number): number {
    const free = this.freeBlocks[level];
    let node = free.pop();
    if (node !== undefined) this.freeListBytes += arrayBytes(free.length) - arrayBytes(free.length + 1);
    else {
      node = this.top;
      this.top += blockWords(level);
      if (this.top > this.words.length) this.grow();
    }
    this.liveWords += blockWords(level);
    this.words.fill(0, node, node + blockWords(level));
    this.floats[node >> 1] = score;
    this.words[node + 2] = ref;
    return node;
  }

  private release(node: number, level: number): void {
    const free = this.freeBlocks[level];
    this.freeListBytes += arrayBytes(free.length + 1) - arrayBytes(free.length);
    free.push(node);
    this.liveWords -= blockWords(level);
  }

  /** Bytes of the structure (see memory.ts); the member strings are the caller's to count. */
  memoryUsage(): number {
    let bytes = objectBytes(10) + typedArrayBytes(this.words);
    // floats is a second view of the words' buffer: only its object counts.
    bytes += typedArrayBytesOf(0);
    return bytes + this.freeListBytes;
  }

  /** Whether freed blocks fill most of a large buffer: time for compacted(). */
  get sparse(): boolean {
    return this.top >= COMPACTABLE_WORDS && this.liveWords * 4 < this.top;
  }

  /** A copy in a buffer sized to its nodes; moved(ref, node) tells where each ref's node now is. */
  compacted(moved: (ref: number, node: number) => void): SkipList {
    const copy = new SkipList(this.memberAt);
    // Highest first: each insertion lands at the front.
    for (let node = this.tail; node !== 0; node = this.words[node + 3]) {
      const ref = this.words[node + 2];
      moved(ref, copy.insert(this.scoreOf(node), this.memberOf(node), ref));
    }
    return copy;
  }

  private grow(): void {
    const buffer = new ArrayBuffer(Math.max(this.words.length * 8, this.top * 4 * 2));
    const words = new Int32Array(buffer);
    words.set(this.words);
    this.words = words;
    this.floats = new Float64Array(buffer);
  }

  scoreOf(node: number): number {
    return this.floats[node >> 1];
  }

  private memberOf(node: number): string {
    return this.memberAt(this.words[node + 2]);
  }

  /** Points node at another ref for the same member (its owner moved the member's entry). */
  setRef(node: number, ref: number): void {
    this.words[node + 2] = ref;
  }

  private next(node: number, i: number): number {
    return this.words[node + HEADER_WORDS + 2 * i];
  }

  private span(node: number, i: number): number {
    return this.words[node + HEADER_WORDS + 2 * i + 1];
  }

  private setLink(node: number, i: number, next: number, span: number): void {
    this.words[node + HEADER_WORDS + 2 * i] = next;
    this.words[node + HEADER_WORDS + 2 * i + 1] = span;
  }

  /** Whether node sorts before (score, member). */
  private precedes(node: number, score: number, member: string): boolean {
    const s = this.floats[node >> 1];
    return s < score || (s === score && this.memberOf(node) < member);
  }

  // ---- operations --------------------------------------------------------

  /** Fills `update`/`rankAt` with the path to the position of (score, member). */
  private findPath(score: number, member: string): void {
    let x = HEAD;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = this.next(x, i);
      while (next !== 0 && this.precedes(next, score, member)) {
        rank += this.span(x, i);
        x = next;
        next = this.next(x, i);
      }
      update[i] = x;
      rankAt[i] = rank;
    }
  }

  /** Inserts a pair whose member is not in the list, under the member's ref; returns its node. */
  insert(score: number, member: string, ref: number): number {
    this.findPath(score, member);
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = HEAD;
        this.setLink(HEAD, i, 0, this.length);
      }
      this.level = level;
    }
    const node = this.allocate(level, ref, score);
    for (let i = 0; i < level; i++) {
      const before = update[i];
      const skipped = rankAt[0] - rankAt[i];
      this.setLink(node, i, this.next(before, i), this.span(before, i) - skipped);
      this.setLink(before, i, node, skipped + 1);
    }
    for (let i = level; i < this.level; i++) this.words[update[i] + HEADER_WORDS + 2 * i + 1]++;
    this.words[node + 3] = update[0];
    const after = this.next(node, 0);
    if (after !== 0) this.words[after + 3] = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlinks and frees node, given `update` holding the path to it. */
  private unlink(node: number): void {
    // The node's level is the number of levels whose path leads straight to it.
    let level = 0;
    for (let i = 0; i < this.level; i++) {
      const before = update[i];
      if (this.next(before, i) === node) {
        this.setLink(before, i, this.next(node, i), this.span(before, i) + this.span(node, i) - 1);
        level++;
      } else this.words[before + HEADER_WORDS + 2 * i + 1]--;
    }
    const after = this.next(node, 0);
    const backward = this.words[node + 3];
    if (after !== 0) this.words[after + 3] = backward;
    else this.tail = backward;
    while (this.level > 1 && this.next(HEAD, this.level - 1) === 0) this.level--;
    this.length--;
    this.release(node, level);
  }

  /** Removes the pair; returns whether it was there. */
  delete(score: number, member: string): boolean {
    this.findPath(score, member);
    const node = this.next(update[0], 0);
    if (node === 0 || this.scoreOf(node) !== score || this.memberOf(node) !== member) return false;
    this.unlink(node);
    return true;
  }

  /** Moves a present member from score `from` to score `to`; returns its node (a new one when it changed places). */
  updateScore(from: number, member: string, to: number): number {
    this.findPath(from, member);
    const node = this.next(update[0], 0);
    const prev = this.words[node + 3];
    const after = this.next(node, 0);
    // When the node keeps its place, change the score in place.
    if ((prev === 0 || this.precedes(prev, to, member)) && (after === 0 || !this.precedes(after, to, member))) {
      this.floats[node >> 1] = to;
      return node;
    }
    const ref = this.words[node + 2];
    this.unlink(node);
    return this.insert(to, member, ref);
  }

  /** 0-based rank of a pair in the list. */
  rank(score: number, member: string): number {
    this.findPath(score, member);
    return rankAt[0];
  }

  /**
   * How many leading pairs satisfy `before`, a predicate that holds for a
   * prefix of the order (all pairs below some bound) and fails after it.
   */
  countWhile(before: (score: number, member: string) => boolean): number {
    let x = HEAD;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = this.next(x, i);
      while (next !== 0 && before(this.scoreOf(next), this.memberOf(next))) {
        traversed += this.span(x, i);
        x = next;
        next = this.next(x, i);
      }
    }
    return traversed;
  }

  /** The node at a 0-based rank, which must be in range. */
  private at(rank: number): number {
    if (rank === this.length - 1) return this.tail;
    const target = rank + 1;
    let x = HEAD;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = this.next(x, i);
      while (next !== 0 && traversed + this.span(x, i) <= target) {
        traversed += this.span(x, i);
        x = next;
        next = this.next(x, i);
      }
      if (traversed === target) break;
    }
    return x;
  }

  /** Visits count pairs from rank `from` upwards, or downwards when reverse, stopping at either end. */
  forEach(from: number, count: number, reverse: boolean, visit: PairVisitor): void {
    if (count <= 0 || from < 0 || from >= this.length) return;
    for (let node = this.at(from); count > 0 && node !== 0; count--) {
      visit(this.memberOf(node), this.scoreOf(node));
      node = reverse ? this.words[node + 3] : this.next(node, 0);
    }
  }

  /** Removes the pairs of ranks start..end (0-based, inclusive), calling removed with each one's ref before it goes. */
  deleteRanks(start: number, end: number, removed: (ref: number) => void): void {
    let x = HEAD;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = this.next(x, i);
      while (next !== 0 && traversed + this.span(x, i) <= start) {
        traversed += this.span(x, i);
        x = next;
        next = this.next(x, i);
      }
      update[i] = x;
    }
    let node = this.next(x, 0);
    for (let rank = start; node !== 0 && rank <= end; rank++) {
      const after = this.next(node, 0);
      removed(this.words[node + 2]);
      this.unlink(node);
      node = after;
    }
  }
}
