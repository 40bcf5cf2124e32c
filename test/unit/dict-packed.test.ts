/**
 * A Dict with packValues (the hashtable encoding of hashes) against a Map as its model:
 * fields that are prefixes of one another and of their neighbours' packed
 * pairs, empty fields and values, values that change length, mass deletes
 * (the table shrinks and compacts); and what it stores is one flat string
 * per pair, not a ConsString.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { Dict } from '../../src/store/dict.js';
import { Generator } from '../support/prng.js';

function assertSameAs(dict: Dict<string>, model: Map<string, string>): void {
  assert.equal(dict.size, model.size);
  for (const [field, value] of model) {
    const id = dict.find(field);
    assert.ok(id >= 0, `${field} is found`);
    assert.equal(dict.keyAt(id), field);
    assert.equal(dict.valueAt(id), value, `${field}'s value`);
    assert.equal(dict.get(field), value);
  }
  assert.deepEqual(new Set(dict.keysIter()), new Set(model.keys()));
  const scanned = new Map<string, string>();
  let cursor = 0;
  do cursor = dict.scan(cursor, (id) => scanned.set(dict.keyAt(id), dict.valueAt(id)));
  while (cursor !== 0);
  assert.deepEqual(scanned, model);
}

/** A field from a small alphabet, so that many are prefixes of others ('a', 'ab', 'aba'...), sometimes empty. */
function field(gen: Generator): string {
  let s = '';
  for (let n = gen.int(6); n > 0; n--) s += 'ab'[gen.int(2)];
  return s;
}

function value(gen: Generator): string {
  return gen.int(4) === 0 ? '' : 'b'.repeat(gen.int(3)) + 'a'.repeat(gen.int(30));
}

describe('Dict with packValues', () => {
  it('matches a Map through inserts, overwrites and mass deletes', () => {
    const gen = new Generator(11);
    const dict = new Dict<string>({ packValues: true });
    const model = new Map<string, string>();
    for (let wave = 0; wave < 4; wave++) {
      for (let i = 0; i < 3000; i++) {
        const f = field(gen) + (gen.int(2) === 0 ? String(gen.int(2000)) : '');
        const v = value(gen);
        if (gen.int(4) === 0 && !model.has(f)) dict.findOrAdd(f, v);
        else dict.set(f, v);
        model.set(f, v);
      }
      assertSameAs(dict, model);
      for (const f of [...model.keys()]) {
        if (gen.random() < 0.1) continue;
        if (gen.int(2) === 0) assert.equal(dict.delete(f), true);
        else dict.deleteAt(dict.find(f));
        model.delete(f);
      }
      assert.equal(dict.find('never-added'), -1);
      assertSameAs(dict, model);
    }
  });

  it('stores each pair as one sequential string', () => {
    v8.setFlagsFromString('--allow-natives-syntax');
    const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: string, b: string) => boolean;
    const sequential = Buffer.from('a flat one-byte string').toString('latin1');
    const dict = new Dict<string>({ packValues: true });
    const id = dict.add('a field long enough', 'for a concatenation to make a ConsString');
    dict.setValueAt(dict.add('field', 'value'), 'another value long enough to be a ConsString');
    for (const at of [id, dict.find('field')]) {
      const stored = (dict as unknown as { keys: { get(id: number): string } }).keys.get(at);
      assert.ok(haveSameMap(stored, sequential), `${JSON.stringify(stored)} is a sequential one-byte string`);
    }
    assert.ok(!haveSameMap('a field long enough' + dict.valueAt(id), sequential), 'the check tells a ConsString apart');
  });
});
