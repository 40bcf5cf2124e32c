/**
 * The sorted set store against a plain sorted-array model: random adds,
 * updates and removals (fixed seed), checking order, ranks, walks from any
 * rank in both directions, score and lex spans, and the change of form.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ZSet, type ScoreRange, type LexRange } from '../../src/store/zset.js';
import { prng } from '../support/prng.js';

type Pair = [member: string, score: number];

function sorted(model: Map<string, number>): Pair[] {
  return [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function pairs(z: ZSet, from: number, count: number, reverse: boolean): Pair[] {
  const out: Pair[] = [];
  z.forEach(from, count, reverse, (member, score) => out.push([member, score]));
  return out;
}

function checkAgainst(z: ZSet, model: Map<string, number>, random: () => number): void {
  const expected = sorted(model);
  assert.equal(z.size, expected.length);
  assert.deepEqual(pairs(z, 0, z.size, false), expected);
  assert.deepEqual(pairs(z, z.size - 1, z.size, true), [...expected].reverse());
  for (let i = 0; i < 20 && expected.length > 0; i++) {
    const rank = Math.floor(random() * expected.length);
    const [member, score] = expected[rank];
    assert.equal(z.rank(member), rank);
    assert.equal(z.rank(member, true), expected.length - 1 - rank);
    assert.equal(z.score(member), score);
    const count = Math.floor(random() * 5);
    assert.deepEqual(pairs(z, rank, count, false), expected.slice(rank, rank + count));
    assert.deepEqual(pairs(z, rank, count, true), expected.slice(Math.max(0, rank - count + 1), rank + 1).reverse());
  }
  assert.equal(z.rank('not a member'), -1);
  assert.equal(z.score('not a member'), undefined);
  const range: ScoreRange = { min: random() * 50, max: random() * 50, minExclusive: random() < 0.5, maxExclusive: random() < 0.5 };
  const inRange = expected.filter(
    ([, s]) => (range.minExclusive ? s > range.min : s >= range.min) && (range.maxExclusive ? s < range.max : s <= range.max),
  );
  const span = z.scoreSpan(range);
  assert.deepEqual(pairs(z, span.start, span.end - span.start, false), inRange);
}

function run(seed: number, limits: { zsetMaxListpackEntries: number; zsetMaxListpackValue: number }, steps: number, members: number): ZSet {
  const random = prng(seed);
  const z = new ZSet(limits);
  const model = new Map<string, number>();
  for (let step = 0; step < steps; step++) {
    const member = `m${Math.floor(random() * members)}`;
    const op = random();
    if (op < 0.55) {
      // Few distinct scores, so that ties (ordered by member) are common.
      const score = Math.floor(random() * 50) + (random() < 0.2 ? 0.5 : 0);
      const outcome = z.add(member, score);
      assert.equal(outcome, !model.has(member) ? 'added' : model.get(member) === score ? 'unchanged' : 'updated');
      model.set(member, score);
    } else if (op < 0.85) {
      assert.equal(z.delete(member), model.delete(member));
    } else if (op < 0.9 && z.size > 0) {
      const start = Math.floor(random() * z.size);
      const end = Math.min(z.size, start + Math.floor(random() * 4));
      for (const [m] of sorted(model).slice(start, end)) model.delete(m);
      z.removeRanks(start, end);
    }
    if (step % 97 === 0) checkAgainst(z, model, random);
  }
  checkAgainst(z, model, random);
  const copy = z.clone();
  assert.equal(copy.encoding(), z.encoding());
  checkAgainst(copy, model, random);
  return z;
}

describe('ZSet store', () => {
  it('small form (listpack) follows the model', () => {
    const z = run(1, { zsetMaxListpackEntries: 1000, zsetMaxListpackValue: 64 }, 3000, 60);
    assert.equal(z.encoding(), 'listpack');
  });

  it('large form (skip list + dict) follows the model, with heavy reuse of freed nodes', () => {
    const z = run(2, { zsetMaxListpackEntries: 0, zsetMaxListpackValue: 64 }, 20000, 400);
    assert.equal(z.encoding(), 'skiplist');
  });

  it('stays correct when a large set shrinks enough to be compacted', () => {
    const random = prng(3);
    const z = new ZSet({ zsetMaxListpackEntries: 0, zsetMaxListpackValue: 64 });
    const model = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const score = Math.floor(random() * 1000);
      z.add(`m${i}`, score);
      model.set(`m${i}`, score);
    }
    const doomed = sorted(model).slice(500, 19500);
    z.removeRanks(500, 19500);
    for (const [m] of doomed) model.delete(m);
    checkAgainst(z, model, random);
    for (let i = 0; i < 300; i++) {
      const member = `m${Math.floor(random() * 20000)}`;
      if (random() < 0.5) assert.equal(z.delete(member), model.delete(member));
      else {
        z.add(member, i);
        model.set(member, i);
      }
    }
    checkAgainst(z, model, random);
  });

  it('moves to the large form past the limits, and never back', () => {
    const limits = { zsetMaxListpackEntries: 4, zsetMaxListpackValue: 8 };
    const z = new ZSet(limits);
    for (const m of ['a', 'b', 'c', 'd']) z.add(m, 1);
    assert.equal(z.encoding(), 'listpack');
    z.add('e', 1);
    assert.equal(z.encoding(), 'skiplist');
    z.removeRanks(0, 4);
    assert.equal(z.encoding(), 'skiplist');
    const long = new ZSet(limits);
    long.add('123456789', 1);
    assert.equal(long.encoding(), 'skiplist');
    assert.equal(new ZSet(limits, 5).encoding(), 'skiplist');
    assert.equal(new ZSet(limits, 4, 8).encoding(), 'listpack');
  });

  it('applies ZADD flags as Redis does', () => {
    const z = new ZSet({ zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 });
    const result = { score: 0 };
    assert.equal(z.add('a', 1, { xx: true }), 'skipped');
    assert.equal(z.add('a', 1, { nx: true }), 'added');
    assert.equal(z.add('a', 5, { nx: true }), 'skipped');
    assert.equal(z.add('a', 0, { gt: true }), 'skipped');
    assert.equal(z.add('a', 3, { gt: true }), 'updated');
    assert.equal(z.add('a', 2, { incr: true, lt: true }), 'skipped');
    assert.equal(z.add('a', -2, { incr: true, lt: true }, result), 'updated');
    assert.equal(result.score, 1);
    assert.equal(z.add('a', Infinity, {}), 'updated');
    assert.equal(z.add('a', -Infinity, { incr: true }), 'nan');
    assert.equal(z.score('a'), Infinity);
    assert.equal(z.add('b', NaN), 'nan');
  });

  it('keeps -0 in the large form but stores 0 in the small one, as listpack text does', () => {
    const small = new ZSet({ zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 });
    const large = new ZSet({ zsetMaxListpackEntries: 0, zsetMaxListpackValue: 64 });
    small.add('z', -0);
    large.add('z', -0);
    assert.ok(Object.is(small.score('z'), 0));
    assert.ok(Object.is(large.score('z'), -0));
  });

  it('finds lex spans when all scores are equal', () => {
    for (const entries of [128, 0]) {
      const z = new ZSet({ zsetMaxListpackEntries: entries, zsetMaxListpackValue: 64 });
      for (const m of ['a', 'b', 'bb', 'c', 'd']) z.add(m, 0);
      const lex = (min: string, max: string): string[] => {
        const bound = (s: string) =>
          s === '-' ? { value: '', exclusive: true, infinity: -1 as const } : s === '+' ? { value: '', exclusive: true, infinity: 1 as const } : { value: s.slice(1), exclusive: s[0] === '(', infinity: 0 as const };
        const range: LexRange = { min: bound(min), max: bound(max) };
        const span = z.lexSpan(range);
        return pairs(z, span.start, span.end - span.start, false).map(([m]) => m);
      };
      assert.deepEqual(lex('-', '+'), ['a', 'b', 'bb', 'c', 'd']);
      assert.deepEqual(lex('[b', '(c'), ['b', 'bb']);
      assert.deepEqual(lex('(b', '[c'), ['bb', 'c']);
      assert.deepEqual(lex('[c', '[b'), []);
      assert.deepEqual(lex('+', '-'), []);
    }
  });
});
