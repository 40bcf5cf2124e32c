/**
 * A Dict with records as a large hash keeps its fields (no tags, string
 * values) against a Map as its model: fields that are prefixes of one
 * another, empty fields and values, values that change length, mass deletes
 * (the table shrinks and compacts); and its records' buffers growing from
 * small ones.
 *
 * A Dict with records as the keyspace keeps them (with tags) the same way, with values that are
 * short strings, strings about and past the size a record holds, and
 * objects, added in a record or not as asked, kept there while they fit, and
 * taken out into strings of their own; a record's bytes handed to a sink; and
 * freed slots reused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { Dict } from '../../src/store/dict.js';
import { RECORD_MAX, recordBytes } from '../../src/store/records.js';
import { Generator } from '../support/prng.js';

function assertSameAs<V>(dict: Dict<V>, model: Map<string, V>): void {
  assert.equal(dict.size, model.size);
  for (const [field, value] of model) {
    const id = dict.find(field);
    assert.ok(id >= 0, `${field} is found`);
    assert.equal(dict.keyAt(id), field);
    assert.equal(dict.valueAt(id), value, `${field}'s value`);
    assert.equal(dict.get(field), value);
  }
  const keys = new Set<string>();
  dict.forEachKey((key) => keys.add(key));
  assert.deepEqual(keys, new Set(model.keys()));
  const scanned = new Map<string, V>();
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

describe('Dict with records, as a large hash', () => {
  it('matches a Map through inserts, overwrites and mass deletes', () => {
    const gen = new Generator(11);
    const dict = new Dict<string>({ records: true });
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

  it('starts with a small buffer for its records and doubles it up to 64 KB', () => {
    const dict = new Dict<string>({ records: true });
    dict.add('field', 'value');
    const buffers = () => (dict as unknown as { records: { buffers: Buffer[] } }).records.buffers.map((b) => b.length);
    assert.deepEqual(buffers(), [1024], 'a small hash takes 1 KB of records');
    // 1,000-byte records, one a buffer until the buffers are large enough to take several.
    for (let i = 0; i < 200; i++) dict.add(`f${String(i).padStart(3, '0')}`, 'v'.repeat(992));
    const sizes = buffers();
    assert.deepEqual(sizes.slice(0, 8), [1024, 2048, 4096, 8192, 16384, 32768, 65536, 65536]);
    assert.ok(sizes.every((size) => size <= 65536));
    for (let i = 0; i < 200; i++) assert.equal(dict.get(`f${String(i).padStart(3, '0')}`), 'v'.repeat(992));
  });
});

/** Whether s is a sequential one-byte string (not a ConsString or a SlicedString). */
function isSequential(s: string): boolean {
  v8.setFlagsFromString('--allow-natives-syntax');
  const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: string, b: string) => boolean;
  return haveSameMap(s, Buffer.from('a flat one-byte string').toString('latin1'));
}

type Stored = string | number | { n: number };

/** The record buffers a Dict with records has allocated. */
function recordBuffers(dict: Dict<Stored>): number {
  return (dict as unknown as { records: { buffers: Buffer[] } }).records.buffers.length;
}

describe('Dict with records', () => {
  it('matches a Map, whatever is kept in records and taken out of them', () => {
    const gen = new Generator(12);
    const dict = new Dict<Stored>({ records: true, tags: true });
    const model = new Map<string, Stored>();
    // Short values, values about the size where key and value no longer fit a record, values far past it, objects, and
    // numbers (the keyspace's counters), small ones among them, equal to handles of records the keys column holds.
    const stored = (): Stored => [value(gen), 'y'.repeat(990 + gen.int(40)), 'x'.repeat(1100 + gen.int(100)), { n: gen.int(100) }, gen.int(100) - 50][gen.int(5)];
    for (let wave = 0; wave < 4; wave++) {
      for (let i = 0; i < 3000; i++) {
        // Now and then the key is the digits of a small number, as a record's handle in the keys column is.
        const key = gen.int(50) === 0 ? String(gen.int(20)) : field(gen) + String(gen.int(1500));
        const id = dict.find(key);
        if (id >= 0 && gen.int(5) === 0) {
          dict.unpackAt(id);
          assert.ok(!dict.isRecord(id), `${key} is out of its record`);
          continue;
        }
        const v = stored();
        const pack = gen.int(3) !== 0;
        const fits = typeof v === 'string' && key.length + v.length <= RECORD_MAX;
        const wasRecord = id >= 0 && dict.isRecord(id);
        if (id < 0) {
          const added = dict.findOrAdd(key, v);
          if (!pack) dict.unpackAt(added);
        } else dict.setValueAt(id, v, gen.int(2) === 0 ? key : undefined);
        model.set(key, v);
        const at = dict.find(key);
        const inRecord = fits && (id < 0 ? pack : wasRecord);
        assert.equal(dict.isRecord(at), inRecord, `${key} is in a record if added short and asked to, and while its values fit`);
        assert.ok(dict.hasKeyAt(at, key));
        assert.equal(dict.recordBytesAt(at), inRecord ? recordBytes(key.length, (v as string).length) : -1);
      }
      assertSameAs(dict, model);
      for (const key of [...model.keys()]) {
        if (gen.random() < 0.1) continue;
        dict.deleteAt(dict.find(key));
        model.delete(key);
      }
      assertSameAs(dict, model);
    }
  });

  it('keeps a new short string in a record, and takes it out into strings of their own', () => {
    const dict = new Dict<Stored>({ records: true, tags: true });
    const columns = dict as unknown as { keys: { get(id: number): string }; vals: { get(id: number): string } };
    const key = 'a key long enough to slice';
    const id = dict.findOrAdd(key, 'a value long enough to slice');
    assert.ok(dict.isRecord(id));

    assert.ok(!dict.isRecord(dict.findOrAdd('long', 'v'.repeat(RECORD_MAX))));
    assert.ok(dict.isRecord(dict.findOrAdd('long enough', 'v'.repeat(RECORD_MAX - 'long enough'.length))));
    dict.unpackAt(id);
    assert.ok(!dict.isRecord(id));
    assert.ok(isSequential(columns.keys.get(id)), 'the key stands alone');
    assert.ok(isSequential(columns.vals.get(id)), 'the value stands alone');
    assert.equal(dict.keyAt(id), key);
    assert.equal(dict.valueAt(id), 'a value long enough to slice');

    const replaced = dict.findOrAdd('a second key, long enough', 'and its value, long enough');
    dict.setValueAt(replaced, { n: 1 });
    assert.ok(!dict.isRecord(replaced));
    assert.equal(dict.keyAt(replaced), 'a second key, long enough');
    assert.deepEqual(dict.get('a second key, long enough'), { n: 1 });

    const callersKey = Buffer.from('a third key, long enough').toString('latin1');
    const third = dict.findOrAdd('a third key, long enough', 'a value to replace');
    dict.setValueAt(third, 'v'.repeat(RECORD_MAX), callersKey);
    assert.equal(columns.keys.get(third), callersKey, "the caller's key is kept");
  });

  it('hands a record value over as bytes, and reuses the slots of deleted records', () => {
    const dict = new Dict<Stored>({ records: true });
    const written: string[] = [];
    const sink = { bulkBytes: (src: Buffer, from: number, to: number) => written.push(src.latin1Slice(from, to)) };
    const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    assert.ok(dict.writeRecordTo(dict.add('k', binary), sink));
    assert.ok(!dict.writeRecordTo(dict.add('n', 'x'.repeat(RECORD_MAX)), sink));
    assert.deepEqual(written, [binary]);

    for (let i = 0; i < 5000; i++) dict.set(`key:${i}`, `value:${i}`);
    const buffers = recordBuffers(dict);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) dict.delete(`key:${i}`);
      for (let i = 0; i < 5000; i++) dict.set(`key:${i}`, `VALUE:${i}`);
    }
    assert.equal(recordBuffers(dict), buffers, 'records of the same size take the slots freed');
    const growAndShrink = () => {
      for (let i = 0; i < 5000; i++) dict.set(`key:${i}`, `value ${i} grown past its slot`);
      for (let i = 0; i < 5000; i++) dict.set(`key:${i}`, `value:${i}`);
    };
    growAndShrink();
    const grown = recordBuffers(dict);
    assert.ok(grown > buffers);
    growAndShrink();
    for (let i = 0; i < 5000; i++) assert.equal(dict.get(`key:${i}`), `value:${i}`);
    assert.equal(recordBuffers(dict), grown, 'a value moved to another slot size gives its old slot back');
  });
});
