/**
 * The chunked List against a plain array model: random operations (fixed
 * seeds) on lists of hundreds to thousands of elements, so that chunks split,
 * run empty and merge, with elements of lengths from 0 to past a chunk's
 * 8 KB; after every operation the two must hold the same elements, each
 * chunk's bytes must be its elements framed as RESP bulk strings, and the
 * list's memory figure must match its chunks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { List, type ElementSink } from '../../src/store/list.js';
import { listStore, recountListBytes } from '../support/list-internals.js';
import { Generator } from '../support/random.js';

const VALUES = ['a', 'b', 'c', 'd', 'e'];

function check(list: List, model: string[], label: string): void {
  assert.equal(list.length, model.length, `${label}: length`);
  assert.deepEqual(list.toArray(), model, `${label}: elements`);
  checkChunks(list, label);
}

/**
 * A small list holds at most 32 strings; a packed one's linked chunks hold
 * 1 to 512 elements each, framed as RESP bulk strings where its start
 * positions say. Either way the memory figure matches what it holds.
 */
function checkChunks(list: List, label: string): void {
  assert.equal(list.memoryUsage(), recountListBytes(list), `${label}: memory`);
  const store = listStore(list);
  if (store.items !== undefined) {
    assert.ok(store.items.length <= 32, `${label}: a small list of ${store.items.length}`);
    return;
  }
  for (let chunk = store.head ?? null; chunk; chunk = chunk.next) {
    const count = chunk.last - chunk.first;
    assert.ok(count >= 1 && count <= 512, `${label}: a chunk of ${count} elements`);
    const elements = parseBulks(chunk.buf, chunk.start, chunk.end);
    assert.equal(elements.length, count, `${label}: a chunk's count`);
    let pos = chunk.start;
    for (let k = 0; k < count; k++) {
      assert.equal(chunk.starts[chunk.first + k], pos, `${label}: where element ${k} of a chunk starts`);
      pos = chunk.buf.indexOf(13, pos) + 4 + elements[k].length;
    }
  }
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

/** What a list hands a reply, as strings: strings as they are, framed bytes parsed as RESP bulk strings. */
function collectingSink(out: string[]): ElementSink {
  return {
    bulk: (s) => void out.push(s),
    bulks: (items, from, to) => void out.push(...items.slice(from, to)),
    framedBulks: (buf, from, to) => {
      assert.ok(from < to, 'no empty run');
      out.push(...parseBulks(buf, from, to));
    },
  };
}

/** The elements [from, from + count) as replyRange hands them over. */
function runs(list: List, from: number, count: number): string[] {
  const out: string[] = [];
  list.replyRange(from, count, collectingSink(out));
  return out;
}

/** The element popInto takes from the head or tail, as a reply receives it. */
function popInto(list: List, atHead: boolean): string {
  const received: string[] = [];
  list.popInto(atHead, collectingSink(received));
  assert.equal(received.length, 1, 'one element popped');
  return received[0];
}

/** The bulk strings framed in buf[start, end), which must hold nothing else. */
function parseBulks(buf: Buffer, start: number, end: number): string[] {
  const out: string[] = [];
  let pos = start;
  while (pos < end) {
    assert.equal(buf[pos], 36, 'a bulk string starts with $');
    const cr = buf.indexOf(13, pos);
    const n = Number(buf.latin1Slice(pos + 1, cr));
    out.push(buf.latin1Slice(cr + 2, cr + 2 + n));
    assert.equal(buf.latin1Slice(cr + 2 + n, cr + 4 + n), '\r\n');
    pos = cr + 4 + n;
  }
  assert.equal(pos, end, 'the bytes end where their last bulk string does');
  return out;
}

/** An element: mostly one of VALUES, sometimes empty, of 2 and 3 length digits, or longer than a chunk's 8 KB. */
function element(g: Generator): string {
  switch (g.int(24)) {
    case 0: return '';
    case 1: return 'x'.repeat(42);
    case 2: return 'y'.repeat(255);
    case 3: return 'z'.repeat(300);
    case 4: return g.int(8) === 0 ? 'w'.repeat(9000) : 'a';
    default: return g.pick(VALUES);
  }
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

/** A random operation; pushes and pops move up to `batch` elements (small batches keep a list about the size where it is packed). */
function randomOperation(g: Generator, list: List, model: string[], batch: number): string {
  const n = model.length;
  switch (g.int(10)) {
    case 0: {
      const count = g.between(1, batch);
      const atHead = g.int(2) === 0;
      for (let i = 0; i < count; i++) {
        const v = element(g);
        list.push(v, atHead);
        if (atHead) model.unshift(v);
        else model.push(v);
      }
      return `push ${count} at ${atHead ? 'head' : 'tail'}`;
    }
    case 1: {
      const count = Math.min(n, g.between(1, batch));
      const atHead = g.int(2) === 0;
      const framed = g.int(2) === 0;
      for (let i = 0; i < count; i++) assert.equal(framed ? popInto(list, atHead) : list.pop(atHead), atHead ? model.shift() : model.pop());
      return `pop ${count}`;
    }
    case 2: {
      const at = g.between(0, n);
      const v = element(g);
      list.insert(at, v);
      model.splice(at, 0, v);
      return `insert at ${at}`;
    }
    case 3: {
      if (n === 0) return 'nothing to set';
      const at = g.int(n);
      const v = element(g);
      list.set(at, v);
      model[at] = v;
      assert.equal(list.get(at), v);
      return `set ${at}`;
    }
    case 4: {
      const v = element(g);
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
      const v = element(g);
      list.push(v, false);
      model.push(v);
      return 'push one';
    }
  }
}

describe('List (chunked) against an array model', () => {
  for (const [seed, batch] of [[1, 300], [2, 300], [3, 200], [4, 200], [5, 300], [6, 6], [7, 4]]) {
    it(`random operations, seed ${seed}, batches of up to ${batch}`, () => {
      const g = new Generator(seed);
      const list = new List();
      const model: string[] = [];
      for (let step = 0; step < 1500; step++) {
        const op = randomOperation(g, list, model, batch);
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
