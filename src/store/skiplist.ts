/**
 * A skip list of (score, member) pairs, after Redis's zskiplist (itself
 * William Pugh's design): ordered by score, then by member bytes; every link
 * records its span, the number of level-0 steps it jumps, so that the rank of
 * an element and the element at a rank are both found in O(log N); level 0
 * is doubly linked for walking backwards.
 */

const MAX_LEVEL = 32;
/** Probability that a node reaches the next level up. */
const BRANCHING = 0.25;

export class SkipNode {
  /** The previous node on level 0; null for the first node. */
  backward: SkipNode | null = null;
  /** next[i] is the following node on level i. */
  readonly next: (SkipNode | null)[];
  /** span[i] is how many level-0 steps next[i] jumps (0 past the last node). */
  readonly span: number[];

  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** Whether node sorts before (score, member). */
function precedes(node: SkipNode, score: number, member: string): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < BRANCHING) level++;
  return level;
}

/**
 * Scratch for one update at a time (the event loop runs one command at once):
 * the rightmost node visited on each level, and its rank.
 */
const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
const rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);

export class SkipList {
  private readonly head = new SkipNode('', 0, MAX_LEVEL);
  private level = 1;
  tail: SkipNode | null = null;
  length = 0;

  /** The lowest pair, or null when empty. */
  get first(): SkipNode | null {
    return this.head.next[0];
  }

  /** Fills `update`/`rankAt` with the path to the position of (score, member). */
  private findPath(score: number, member: string): void {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      let next = x.next[i];
      while (next !== null && precedes(next, score, member)) {
        rankAt[i] += x.span[i];
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
  }

  /** Inserts a pair whose member is not in the list. */
  insert(score: number, member: string): SkipNode {
    this.findPath(score, member);
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      const before = update[i];
      node.next[i] = before.next[i];
      before.next[i] = node;
      node.span[i] = before.span[i] - (rankAt[0] - rankAt[i]);
      before.span[i] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.head ? null : update[0];
    const after = node.next[0];
    if (after !== null) after.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlinks node, given `update` holding the path to it. */
  private unlink(node: SkipNode): void {
    for (let i = 0; i < this.level; i++) {
      const before = update[i];
      if (before.next[i] === node) {
        before.span[i] += node.span[i] - 1;
        before.next[i] = node.next[i];
      } else {
        before.span[i]--;
      }
    }
    const after = node.next[0];
    if (after !== null) after.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Removes the pair; returns whether it was there. */
  delete(score: number, member: string): boolean {
    this.findPath(score, member);
    const node = update[0].next[0];
    if (node === null || node.score !== score || node.member !== member) return false;
    this.unlink(node);
    return true;
  }

  /** Moves a present member from score `from` to score `to`. */
  updateScore(from: number, member: string, to: number): void {
    this.findPath(from, member);
    const node = update[0].next[0] as SkipNode;
    const prev = node.backward;
    const after = node.next[0];
    // When the node keeps its place, change the score in place.
    if ((prev === null || precedes(prev, to, member)) && (after === null || !precedes(after, to, member))) {
      node.score = to;
      return;
    }
    this.unlink(node);
    this.insert(to, member);
  }

  /** 0-based rank of a pair in the list. */
  rank(score: number, member: string): number {
    return this.countWhile((node) => precedes(node, score, member));
  }

  /**
   * How many leading pairs satisfy `before`, a predicate that holds for a
   * prefix of the order (all pairs below some bound) and fails after it.
   */
  countWhile(before: (node: SkipNode) => boolean): number {
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && before(next)) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
    }
    return traversed;
  }

  /** The node at a 0-based rank, or null when out of range. */
  at(rank: number): SkipNode | null {
    if (rank < 0 || rank >= this.length) return null;
    if (rank === this.length - 1) return this.tail;
    const target = rank + 1;
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /** Removes the pairs of ranks start..end (0-based, inclusive), calling removed for each. */
  deleteRanks(start: number, end: number, removed: (member: string) => void): void {
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.next[i];
      while (next !== null && traversed + x.span[i] <= start) {
        traversed += x.span[i];
        x = next;
        next = x.next[i];
      }
      update[i] = x;
    }
    let node = x.next[0];
    for (let rank = start; node !== null && rank <= end; rank++) {
      const after = node.next[0];
      this.unlink(node);
      removed(node.member);
      node = after;
    }
  }
}
