/**
 * The Dict against a Map as its model: random inserts, replacements and
 * deletes (with waves that delete most keys, so the table shrinks and
 * compacts many times, and churn while it compacts), checking contents,
 * numbers and tags after each phase, and SCAN's guarantee across growth and
 * shrinking.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Dict } from '../../src/store/dict.js';
import { objectBytes, typedArrayBytes } from '../../src/store/memory.js';
import { Generator } from '../support/prng.js';

function assertSameAs(dict: Dict<string>, model: Map<string, string>): void {
  assert.equal(dict.size, model.size);
  for (const [key, value] of model) {
    const id = dict.find(key);
    assert.ok(id >= 0, `${key} is found`);
    assert.equal(dict.valueAt(id), value);
    assert.equal(dict.numberAt(id), value.length, `${key}'s number moved with it`);
    assert.equal(dict.tagAt(id), key.length, `${key}'s tag moved with it`);
  }
  const keys = new Set<string>();
  dict.forEachKey((key) => keys.add(key));
  assert.deepEqual(keys, new Set(model.keys()));
  assertColumnsCounted(dict);
}

/** memoryUsage, which derives the typed columns' sizes from two lengths, against each typed array's own size. */
function assertColumnsCounted(dict: Dict<string>): void {
  const inner = dict as unknown as Record<'meta' | 'buckets', ArrayBufferView> & Record<'keys' | 'vals', { memoryUsage(): number } | null>;
  const columns = [inner.meta, inner.buckets];
  const expected = objectBytes(12) + (inner.keys?.memoryUsage() ?? 0) + (inner.vals?.memoryUsage() ?? 0) + columns.reduce((sum, a) => sum + typedArrayBytes(a), 0);
  assert.equal(dict.memoryUsage(), expected, 'memoryUsage counts every typed column at its size');
}

/** Every key of the dict, by SCAN, running change() between calls. */
function scanAll(dict: Dict<string>, change: () => void): Set<string> {
  const seen = new Set<string>();
  let cursor = 0;
  do {
    cursor = dict.scan(cursor, (id) => seen.add(dict.keyAt(id)));
    change();
  } while (cursor !== 0);
  return seen;
}

describe('Dict', () => {
  it('matches a Map through waves of inserts and mass deletes', () => {
    const gen = new Generator(7);
    const dict = new Dict<string>({ numbers: true, tags: true });
    const model = new Map<string, string>();
    const put = (key: string, value: string) => {
      const id = dict.set(key, value);
      dict.setNumberAt(id, value.length);
      dict.setTagAt(id, key.length);
      model.set(key, value);
    };
    for (let wave = 0; wave < 6; wave++) {
      const keys = 20000 + gen.int(20000);
      for (let i = 0; i < keys; i++) put(`k${gen.int(60000)}`, 'v'.repeat(gen.int(5)));
      assertSameAs(dict, model);
      const keep = wave % 2 === 0 ? 0.02 : 0.3;
      for (const key of [...model.keys()]) {
        if (gen.random() < keep) continue;
        assert.equal(dict.delete(key), true);
        model.delete(key);
      }
      assert.equal(dict.delete('never-added'), false);
      assertSameAs(dict, model);
      for (let i = 0; i < 100; i++) assert.ok(model.has(dict.keyAt(dict.randomId())), 'a random id is a live entry');
      // Churn while the table compacts: deletes make holes below the compaction's cursor, inserts move it on.
      for (let i = 0; i < 20000; i++) {
        const key = `k${gen.int(60000)}`;
        if (gen.random() < 0.5) put(key, 'w'.repeat(gen.int(5)));
        else assert.equal(dict.delete(key), model.delete(key));
      }
      assertSameAs(dict, model);
    }
  });

  it('given a capacity, allocates its columns once for that many entries, then grows and shrinks as any table', () => {
    const dict = new Dict<string>({ numbers: true, tags: true, capacity: 100 });
    const inner = dict as unknown as Record<'meta' | 'buckets', Int32Array>;
    const [meta, buckets] = [inner.meta, inner.buckets];
    assert.equal(meta.length, 128 * 6, 'room for 100 entries (the next power of two) of six Int32s: hash, link, tag, a gap and the 8-byte number');
    const model = new Map<string, string>();
    for (let i = 0; i < 100; i++) {
      const id = dict.set(`key:${i}`, `value:${i}`);
      dict.setNumberAt(id, `value:${i}`.length);
      dict.setTagAt(id, `key:${i}`.length);
      model.set(`key:${i}`, `value:${i}`);
    }
    assert.ok(inner.meta === meta && inner.buckets === buckets, 'filling it to its capacity allocated no column again');
    assertSameAs(dict, model);
    for (let i = 100; i < 300; i++) {
      const id = dict.set(`key:${i}`, 'v');
      dict.setNumberAt(id, 1);
      dict.setTagAt(id, `key:${i}`.length);
      model.set(`key:${i}`, 'v');
    }
    assertSameAs(dict, model);
    for (let i = 0; i < 290; i++) assert.equal(dict.delete(`key:${i}`), model.delete(`key:${i}`));
    assertSameAs(dict, model);
    assert.ok(inner.buckets.length < 128, 'it shrank once sparse');
  });

  it('SCAN visits every key present throughout, while the table shrinks and grows', () => {
    const dict = new Dict<string>();
    for (let i = 0; i < 500; i++) dict.set(`stay:${i}`, 'x');
    for (let i = 0; i < 120000; i++) dict.set(`go:${i}`, 'x');
    let step = 0;
    const seen = scanAll(dict, () => {
      step++;
      // Delete most of the "go" keys early (the table halves several times), then add many back (it doubles).
      if (step < 400) for (let i = 0; i < 300; i++) dict.delete(`go:${step * 300 + i}`);
      else if (step < 500) for (let i = 0; i < 500; i++) dict.set(`new:${step}:${i}`, 'x');
    });
    for (let i = 0; i < 500; i++) assert.ok(seen.has(`stay:${i}`), `stay:${i} was visited`);
  });

  for (const direction of ['grow', 'shrink'] as const) {
    it(`SCAN visits every key present throughout while the buckets ${direction} a step at a time`, () => {
      const dict = new Dict<string>();
      const stay = direction === 'grow' ? 65000 : 1000;
      for (let i = 0; i < stay; i++) dict.set(`stay:${i}`, 'x');
      // Growing: a few inserts per call cross the 65,536-bucket mark. Shrinking: deletes take 71,000 keys below an eighth of 131,072 buckets.
      if (direction === 'shrink') for (let i = 0; i < 70000; i++) dict.set(`go:${i}`, 'x');
      let calls = 0;
      let callsWhileResizing = 0;
      const seen = scanAll(dict, () => {
        calls++;
        if (dict.maintenancePending) callsWhileResizing++;
        if (direction === 'grow') for (let i = 0; i < 3; i++) dict.set(`new:${calls}:${i}`, 'x');
        else for (let i = 0; i < 10; i++) dict.delete(`go:${calls * 10 + i}`);
      });
      assert.ok(callsWhileResizing > 100, `the scan ran on while the table resized (${callsWhileResizing} calls)`);
      for (let i = 0; i < stay; i++) assert.ok(seen.has(`stay:${i}`), `stay:${i} was visited`);
    });
  }
});
