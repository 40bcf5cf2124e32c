/**
 * The chunked List against a plain array model: random operations (fixed
 * seeds) on lists of hundreds to thousands of elements, so that chunks split,
 * run empty and merge; after every operation the two must hold the same
 * elements.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { List } from '../../src/store/list.js';
import { Generator } from '../support/random.js';

const VALUES = ['a', 'b', 'c', 'd', 'e'];

function check(list: List, model: string[], label: string): void {
  assert.equal(list.length, model.length, `${label}: length`);
  assert.deepEqual(list.toArray(), model, `${label}: elements`);
}

/** Elements from index onwards (or backwards) as walk() visits them, with their indexes. */
function walked(list: List, from: number, backwards: boolean, limit: number): [string, number][] {
  const out: [string, number][] = [];
  list.walk(from, backwards, (value, index) => {
    out.push([value, index]);
    return out.length < limit;
  });
  return out;
}

/** The elements [from, from + count) as forEachRun hands them over. */
function runs(list: List, from: number, count: number): string[] {
  const out: string[] = [];
  list.forEachRun(from, count, (items, start, end) => {
    assert.ok(start < end, 'no empty run');
    out.push(...items.slice(start, end));
  });
  return out;
}

/** The model's removal of up to limit elements equal to value (0: all), from the tail when backwards. */
function removeFromModel(model: string[], value: string, limit: number, backwards: boolean): number {
  let removed = 0;
  const more = () => limit === 0 || removed < limit;
  if (backwards) {
    for (let i = model.length - 1; i >= 0 && more(); i--) {
      if (model[i] !== value) continue;
      model.splice(i, 1);
      removed++;
    }
  } else {
    for (let i = 0; i < model.length && more(); ) {
      if (model[i] !== value) i++;
      else {
        model.splice(i, 1);
        removed++;
      }
    }
  }
  return removed;
}

function randomOperation(g: Generator, list: List, model: string[]): string {
  const n = model.length;
  switch (g.int(10)) {
    case 0: {
      const count = g.between(1, 300);
      const atHead = g.int(2) === 0;
      for (let i = 0; i < count; i++) {
        const v = g.pick(VALUES);
        list.push(v, atHead);
        if (atHead) model.unshift(v);
        else model.push(v);
      }
      return `push ${count} at ${atHead ? 'head' : 'tail'}`;
    }
    case 1: {
      const count = Math.min(n, g.between(1, 200));
      const atHead = g.int(2) === 0;
      for (let i = 0; i < count; i++) assert.equal(list.pop(atHead), atHead ? model.shift() : model.pop());
      return `pop ${count}`;
    }
    case 2: {
      const at = g.between(0, n);
      const v = g.pick(VALUES);
      list.insert(at, v);
      model.splice(at, 0, v);
      return `insert at ${at}`;
    }
    case 3: {
      if (n === 0) return 'nothing to set';
      const at = g.int(n);
      const v = g.pick(VALUES);
      list.set(at, v);
      model[at] = v;
      assert.equal(list.get(at), v);
      return `set ${at}`;
    }
    case 4: {
      const v = g.pick(VALUES);
      const limit = g.pick([0, 1, 5, 100]);
      const backwards = g.int(2) === 0;
      assert.equal(list.removeMatches(v, limit, backwards), removeFromModel(model, v, limit, backwards));
      return `remove ${limit} ${v} ${backwards ? 'backwards' : 'forwards'}`;
    }
    case 5: {
      const head = g.between(0, n);
      const tail = g.between(0, n - head);
      list.removeHead(head);
      list.removeTail(tail);
      model.splice(0, head);
      model.length -= tail;
      return `trim ${head} + ${tail}`;
    }
    case 6: {
      if (n === 0) return 'nothing to get';
      const at = g.int(n);
      assert.equal(list.get(at), model[at], `get ${at}`);
      return `get ${at}`;
    }
    case 7: {
      if (n === 0) return 'nothing to walk';
      const from = g.int(n);
      const backwards = g.int(2) === 0;
      const limit = g.between(1, 400);
      const expected: [string, number][] = [];
      for (let i = from; i >= 0 && i < n && expected.length < limit; i += backwards ? -1 : 1) expected.push([model[i], i]);
      assert.deepEqual(walked(list, from, backwards, limit), expected);
      const count = Math.min(limit, n - from);
      assert.deepEqual(runs(list, from, count), model.slice(from, from + count), `runs from ${from}`);
      return `walk from ${from}`;
    }
    case 8: {
      const copy = list.clone();
      copy.push('only-in-copy', true);
      check(list, model, 'original after cloning');
      assert.equal(copy.length, n + 1);
      return 'clone';
    }
    default: {
      const v = g.pick(VALUES);
      list.push(v, false);
      model.push(v);
      return 'push one';
    }
  }
}

describe('List (chunked) against an array model', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`random operations, seed ${seed}`, () => {
      const g = new Generator(seed);
      const list = new List();
      const model: string[] = [];
      for (let step = 0; step < 1500; step++) {
        const op = randomOperation(g, list, model);
        check(list, model, `seed ${seed} step ${step} (${op})`);
      }
    });
  }

  it('reports quicklist, as Redis 7.0 does for every list', () => {
    const list = new List();
    list.push('x', true);
    assert.equal(list.encoding(), 'quicklist');
    assert.equal(list.type, 'list');
  });

  it('walk outside the list visits nothing', () => {
    const list = new List();
    for (const v of VALUES) list.push(v, false);
    assert.deepEqual(walked(list, 5, false, 10), []);
    assert.deepEqual(walked(list, -1, true, 10), []);
  });
});
