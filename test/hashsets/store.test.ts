import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hash, type HashLimits } from '../../src/store/hash.js';
import { distinctRandomSlots } from '../../src/store/sample.js';
import { SetValue } from '../../src/store/set.js';
import { stringBytes } from '../../src/store/memory.js';
import { recordBytes } from '../../src/store/records.js';

const LIMITS: HashLimits = { maxListpackEntries: 4, maxListpackValue: 8 };

function members(set: SetValue): string[] {
  const out: string[] = [];
  set.forEach((m) => out.push(m));
  return out;
}

function pairs(hash: Hash): string[] {
  const out: string[] = [];
  hash.forEach((f, v) => out.push(f, v));
  return out;
}

describe('SetValue', () => {
  it('keeps an intset in numeric order, across signs, lengths and the int64 extremes', () => {
    const set = new SetValue();
    const values = ['10', '-9223372036854775808', '9', '-10', '0', '9223372036854775807', '-9', '100', '-1', '1'];
    for (const v of values) assert.equal(set.add(v, 512), true);
    assert.equal(set.encoding(), 'intset');
    assert.deepEqual(members(set), ['-9223372036854775808', '-10', '-9', '-1', '0', '1', '9', '10', '100', '9223372036854775807']);
    assert.equal(set.add('9', 512), false);
    assert.equal(set.size, values.length);
  });

  it('finds only canonical integers in an intset', () => {
    const set = new SetValue();
    set.add('1', 512);
    set.add('-5', 512);
    assert.equal(set.has('1'), true);
    assert.equal(set.has('01'), false);
    assert.equal(set.has('+1'), false);
    assert.equal(set.has('-05'), false);
    assert.equal(set.delete('01'), false);
    assert.equal(set.delete('-5'), true);
    assert.deepEqual(members(set), ['1']);
  });

  it('becomes a hashtable for a non-integer or past the entry limit, and stays one', () => {
    const strings = new SetValue();
    strings.add('1', 512);
    strings.add('1.5', 512);
    assert.equal(strings.encoding(), 'hashtable');
    strings.delete('1.5');
    assert.equal(strings.encoding(), 'hashtable');
    assert.deepEqual(members(strings), ['1']);

    const many = new SetValue();
    for (let i = 0; i < 3; i++) many.add(String(i), 3);
    assert.equal(many.encoding(), 'intset');
    many.add('3', 3);
    assert.equal(many.encoding(), 'hashtable');
    assert.deepEqual(members(many).sort(), ['0', '1', '2', '3']);
  });

  it('clones with the same encoding and no shared state', () => {
    for (const seed of [['1', '2'], ['a', 'b']]) {
      const set = new SetValue();
      for (const m of seed) set.add(m, 512);
      const copy = set.clone();
      assert.equal(copy.encoding(), set.encoding());
      copy.add('3', 512);
      copy.delete(seed[0]);
      assert.deepEqual(members(set).sort(), [...seed].sort());
      assert.equal(copy.size, 2);
    }
  });
});

describe('Hash', () => {
  it('keeps insertion order in the listpack, updating in place and closing gaps on delete', () => {
    const hash = new Hash();
    assert.equal(hash.set('b', '1', LIMITS), true);
    assert.equal(hash.set('a', '2', LIMITS), true);
    assert.equal(hash.set('c', '3', LIMITS), true);
    assert.equal(hash.set('b', '4', LIMITS), false);
    assert.equal(hash.delete('a'), true);
    assert.equal(hash.delete('a'), false);
    assert.deepEqual(pairs(hash), ['b', '4', 'c', '3']);
    assert.equal(hash.encoding(), 'listpack');
  });

  it('becomes a hashtable past the entry limit or for a long field or value, and stays one', () => {
    const many = new Hash();
    for (let i = 0; i < 4; i++) many.set(`f${i}`, 'v', LIMITS);
    assert.equal(many.encoding(), 'listpack');
    many.set('f4', 'v', LIMITS);
    assert.equal(many.encoding(), 'hashtable');
    many.delete('f4');
    many.delete('f3');
    assert.equal(many.encoding(), 'hashtable');
    assert.equal(many.get('f0'), 'v');
    assert.equal(many.size, 3);

    const longValue = new Hash();
    longValue.set('f', '12345678', LIMITS);
    assert.equal(longValue.encoding(), 'listpack');
    longValue.set('f', '123456789', LIMITS);
    assert.equal(longValue.encoding(), 'hashtable');
    assert.equal(longValue.get('f'), '123456789');

    const longField = new Hash();
    longField.set('123456789', 'v', LIMITS);
    assert.equal(longField.encoding(), 'hashtable');
  });

  it('keeps fields and values apart in a table made for a long value, and in records once it holds more than the entry limit', () => {
    const hash = new Hash();
    const packed = () => hash.dict?.keepsRecords;
    const model = new Map<string, string>();
    const put = (field: string, value: string) => {
      hash.set(field, value, LIMITS);
      model.set(field, value);
    };
    // Its running count of string bytes, against one from its contents: one string per field and value, or one record per pair.
    const assertCounted = (counted = hash) => {
      let bytes = 0;
      for (const slot of counted.slots()) {
        const [f, v] = [counted.fieldAt(slot), counted.valueAt(slot)];
        bytes += counted.dict?.isRecord(slot) ? recordBytes(f.length, v.length) : stringBytes(f.length) + stringBytes(v.length);
      }
      assert.equal((counted as unknown as { stringBytes: number }).stringBytes, bytes);
      assert.deepEqual(new Map(counted.slots().map((slot) => [counted.fieldAt(slot), counted.valueAt(slot)])), model);
    };
    put('f0', 'a long value');
    assert.equal(hash.encoding(), 'hashtable');
    assert.equal(packed(), false);
    for (let i = 1; i < 4; i++) put(`f${i}`, `v${i}`);
    put('f0', 'v0');
    assert.equal(packed(), false, 'four fields: within the entry limit');
    assertCounted();
    put('f4', 'v4');
    assert.equal(packed(), true, 'five fields: past it');
    assertCounted();
    for (const field of ['f4', 'f3']) {
      assert.equal(hash.delete(field), true);
      model.delete(field);
    }
    assert.equal(packed(), true, 'it keeps records');
    put('f1', 'changed');
    assertCounted();
    // A value too long for a record takes its pair out of it, and a short one after it puts the pair back.
    const inRecord = (field: string) => hash.dict?.isRecord(hash.dict.find(field));
    put('f2', 'x'.repeat(2000));
    assert.equal(inRecord('f2'), false);
    assertCounted();
    put('f2', 'short');
    assert.equal(inRecord('f2'), true);
    assertCounted();
    put('f5', 'y'.repeat(2000));
    const copy = hash.clone();
    assert.equal(copy.dict?.keepsRecords, true, 'a copy keeps records as the original');
    assertCounted(copy);
  });

  it('converts for a long HINCRBYFLOAT increment even though the stored value is short', () => {
    const hash = new Hash();
    hash.set('f', '1', LIMITS);
    hash.fitArgument(8, LIMITS);
    assert.equal(hash.encoding(), 'listpack');
    hash.fitArgument(9, LIMITS);
    assert.equal(hash.encoding(), 'hashtable');
    assert.equal(hash.get('f'), '1');
  });

  it('addresses entries by slot in both encodings', () => {
    for (const count of [3, 6]) {
      const hash = new Hash();
      for (let i = 0; i < count; i++) hash.set(`f${i}`, `v${i}`, LIMITS);
      const seen = hash.slots().map((slot) => `${hash.fieldAt(slot)}=${hash.valueAt(slot)}`);
      assert.deepEqual(seen.sort(), Array.from({ length: count }, (_, i) => `f${i}=v${i}`));
      const slot = hash.randomSlot();
      assert.equal(hash.get(hash.fieldAt(slot)), hash.valueAt(slot));
    }
  });

  it('writes its fields and values as forEach visits them, and one value at a time, in every encoding, records as their bytes', () => {
    // Binary bytes, an empty value, and a value too long for a record beside the records of a large table.
    const binary = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const contents: [string, string][] = [
      ['f', 'v'],
      ['', ''],
      ['bin', binary.slice(0, 8)],
    ];
    const large: [string, string][] = [...contents, ['binary', binary], ['long', 'x'.repeat(2000)], ...Array.from({ length: 6 }, (_, i): [string, string] => [`field:${i}`, `value:${i}`])];
    for (const [label, entries] of [['listpack', contents], ['table with records', large]] as const) {
      const hash = new Hash();
      for (const [f, v] of entries) hash.set(f, v, LIMITS);
      assert.equal(hash.encoding(), label === 'listpack' ? 'listpack' : 'hashtable');
      if (label !== 'listpack') assert.equal(hash.dict?.keepsRecords, true);
      const written = (fields: boolean, values: boolean) => {
        const out: string[] = [];
        const sink = { bulk: (s: string) => out.push(s), bulkBytes: (src: Buffer, from: number, to: number) => out.push(src.latin1Slice(from, to)) };
        hash.writeEntries(sink, fields, values);
        return out;
      };
      const all = pairs(hash);
      assert.deepEqual(written(true, true), all, `${label}: fields and values`);
      assert.deepEqual(written(true, false), all.filter((_, i) => i % 2 === 0), `${label}: fields`);
      assert.deepEqual(written(false, true), all.filter((_, i) => i % 2 === 1), `${label}: values`);
      assert.deepEqual(new Map(entries), new Map(Array.from({ length: all.length / 2 }, (_, i) => [all[2 * i], all[2 * i + 1]])));
      // One value at a time (HGET, HMGET): as bytes from a record, a string otherwise, nothing for a missing field.
      const out: string[] = [];
      let asBytes = 0;
      const sink = {
        bulk: (s: string) => out.push(s),
        bulkBytes: (src: Buffer, from: number, to: number) => (asBytes++, out.push(src.latin1Slice(from, to))),
      };
      for (const [f] of entries) assert.equal(hash.writeValueTo(f, sink), true);
      assert.equal(hash.writeValueTo('missing', sink), false);
      assert.deepEqual(out, entries.map(([, v]) => v), `${label}: each value`);
      assert.equal(asBytes, label === 'listpack' ? 0 : entries.length - 1, `${label}: every value but the long one from its record`);
    }
  });

  it('clones with the same encoding and no shared state', () => {
    for (const count of [2, 6]) {
      const hash = new Hash();
      for (let i = 0; i < count; i++) hash.set(`f${i}`, 'v', LIMITS);
      const copy = hash.clone();
      assert.equal(copy.encoding(), hash.encoding());
      copy.set('f0', 'changed', LIMITS);
      copy.delete('f1');
      assert.equal(hash.get('f0'), 'v');
      assert.equal(hash.size, count);
      assert.equal(copy.size, count - 1);
    }
  });
});

describe('distinctRandomSlots', () => {
  it('returns count distinct slots of the collection, whichever strategy applies', () => {
    const set = new SetValue();
    for (let i = 0; i < 100; i++) set.add(`m${i}`, 512);
    const valid = new Set(set.slots());
    for (const count of [1, 10, 33, 34, 60, 99]) {
      const slots = distinctRandomSlots(set, count);
      assert.equal(slots.length, count);
      assert.equal(new Set(slots).size, count);
      for (const slot of slots) assert.ok(valid.has(slot));
    }
  });
});
