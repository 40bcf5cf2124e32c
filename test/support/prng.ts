/** Seeded randomness for property-based tests, so that a failing run replays exactly. */

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random choices drawn from one seeded PRNG. */
export class Generator {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** length random bytes, as a latin1 string (Keyhive's form of binary strings). */
  latin1(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(256));
    return s;
  }

  /** length random bytes that never read as an integer (the first is 'x'), as a latin1 string. */
  textBytes(length: number): string {
    return length === 0 ? '' : `x${this.latin1(length - 1)}`;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** min to max items, each picked independently. */
  some<T>(items: readonly T[], min: number, max: number): T[] {
    return Array.from({ length: min + this.int(max - min + 1) }, () => this.pick(items));
  }
}
