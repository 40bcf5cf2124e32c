import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { partialSort } from '../../src/store/partial-sort.js';
import { Generator } from '../support/random.js';

describe('partialSort', () => {
  it('puts in lo..hi what a full sort would, for every size and range', () => {
    const g = new Generator(3);
    for (let round = 0; round < 2000; round++) {
      const n = g.pick([0, 1, 2, 6, 7, 8, 40, 41, 42, g.between(1, 300)]);
      const keys = Array.from({ length: n }, () => g.int(g.pick([3, 20, 1000])));
      const items = keys.map((key, id) => ({ key, id }));
      const lo = g.int(Math.max(1, n));
      const hi = Math.min(n - 1, lo + g.int(n + 1));
      partialSort(items, (a, b) => a.key - b.key, lo, hi);
      const sorted = [...keys].sort((a, b) => a - b);
      for (let i = lo; i <= hi; i++) assert.equal(items[i].key, sorted[i], `n=${n} lo=${lo} hi=${hi} at ${i}`);
      assert.deepEqual(items.map((x) => x.id).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'a permutation');
    }
  });

  it('sorts everything when the range is the whole array', () => {
    const g = new Generator(4);
    const items = Array.from({ length: 500 }, () => g.int(50));
    partialSort(items, (a, b) => a - b, 0, items.length - 1);
    assert.deepEqual(items, [...items].sort((a, b) => a - b));
  });
});
