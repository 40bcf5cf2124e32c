import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadDataFormat, decodeValue, encodeValue } from '../../src/persistence/rdb-value.js';
import { List } from '../../src/store/list.js';
import { Hash } from '../../src/store/hash.js';
import { SetValue } from '../../src/store/set.js';
import { ZSet } from '../../src/store/zset.js';
import type { Value } from '../../src/store/keyspace.js';
import { prng } from '../support/prng.js';

const LIMITS = { maxListpackEntries: 128, maxListpackValue: 64, maxIntsetEntries: 512, zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
const OPTIONS = { listFill: -2, compress: true };

/** An RDB string of up to 63 bytes: a 6-bit length and the bytes. */
function rdbString(s: string): Buffer {
  assert.ok(s.length < 64);
  return Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);
}

/** A ziplist of short strings (6-bit lengths), as Redis before 7.0 wrote small lists, hashes and sorted sets. */
function ziplist(entries: string[]): Buffer {
  const body: Buffer[] = [];
  let previous = 0;
  for (const entry of entries) {
    const encoded = Buffer.concat([Buffer.from([previous, entry.length]), Buffer.from(entry, 'latin1')]);
    body.push(encoded);
    previous = encoded.length;
  }
  const entriesBytes = Buffer.concat(body);
  const header = Buffer.alloc(10);
  header.writeUInt32LE(10 + entriesBytes.length + 1, 0);
  header.writeUInt32LE(10 + entriesBytes.length - previous, 4);
  header.writeUInt16LE(entries.length, 8);
  return Buffer.concat([header, entriesBytes, Buffer.from([0xff])]);
}

function blob(bytes: Buffer): Buffer {
  assert.ok(bytes.length < 64);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

/** A value's contents in a comparable form, whatever its encoding. */
function contents(value: Value): unknown {
  if (typeof value !== 'object') return String(value);
  if (value instanceof List) return ['list', value.toArray()];
  if (value instanceof SetValue) {
    const members: string[] = [];
    value.forEach((m) => void members.push(m));
    return ['set', members.sort()];
  }
  if (value instanceof Hash) {
    const pairs: string[] = [];
    value.forEach((f, v) => void pairs.push(`${f}=${v}`));
    return ['hash', pairs.sort()];
  }
  if (value instanceof ZSet) {
    const pairs: [string, number][] = [];
    value.forEachAscending((m, s) => void pairs.push([m, s]));
    return ['zset', pairs];
  }
  throw new Error('unknown value');
}

function decodes(payload: Buffer): unknown {
  return contents(decodeValue(payload, LIMITS));
}

function refuses(payload: Buffer, label: string): void {
  assert.throws(() => decodeValue(payload, LIMITS), BadDataFormat, label);
}

describe('RDB values', () => {
  it('reads the formats of Redis before 7.0: linked lists, text scores, ziplists and quicklists of ziplists', () => {
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([1, 2]), rdbString('a'), rdbString('b')])), ['list', ['a', 'b']]);
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([2, 2]), rdbString('x'), rdbString('7')])), ['set', ['7', 'x']]);
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([4, 1]), rdbString('f'), rdbString('v')])), ['hash', ['f=v']]);
    // Type 3: each score as text after a length byte; 254 and 255 stand for +inf and -inf.
    const textScores = Buffer.concat([Buffer.from([3, 3]), rdbString('m'), rdbString('1.5'), rdbString('top'), Buffer.from([254]), rdbString('low'), Buffer.from([255])]);
    assert.deepEqual(decodes(textScores), ['zset', [['low', -Infinity], ['m', 1.5], ['top', Infinity]]]);
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([10]), blob(ziplist(['p', 'q']))])), ['list', ['p', 'q']]);
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([12]), blob(ziplist(['m', '2', 'n', '1']))])), ['zset', [['n', 1], ['m', 2]]]);
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([13]), blob(ziplist(['f', 'v', 'g', 'w']))])), ['hash', ['f=v', 'g=w']]);
    const quicklist = Buffer.concat([Buffer.from([14, 2]), blob(ziplist(['a', 'b'])), blob(ziplist(['c']))]);
    assert.deepEqual(decodes(quicklist), ['list', ['a', 'b', 'c']]);
  });

  it('refuses what Redis refuses: empty collections, duplicates, NaN scores, modules and streams', () => {
    refuses(Buffer.from([1, 0]), 'empty list');
    refuses(Buffer.from([2, 0]), 'empty set');
    refuses(Buffer.from([4, 0]), 'empty hash');
    refuses(Buffer.from([5, 0]), 'empty sorted set');
    refuses(Buffer.concat([Buffer.from([2, 2]), rdbString('x'), rdbString('x')]), 'duplicate set member');
    refuses(Buffer.concat([Buffer.from([4, 2]), rdbString('f'), rdbString('v'), rdbString('f'), rdbString('w')]), 'duplicate hash field');
    refuses(Buffer.concat([Buffer.from([3, 1]), rdbString('m'), Buffer.from([253])]), 'NaN score');
    refuses(Buffer.concat([Buffer.from([13]), blob(ziplist(['f', 'v', 'f', 'w']))]), 'duplicate field in a ziplist');
    refuses(Buffer.concat([Buffer.from([12]), blob(ziplist(['m', 'x']))]), 'score that is no number');
    refuses(Buffer.concat([Buffer.from([14, 1]), blob(ziplist([]))]), 'quicklist of one empty node');
    // An empty node among others is skipped, as Redis skips it.
    assert.deepEqual(decodes(Buffer.concat([Buffer.from([14, 2]), blob(ziplist([])), blob(ziplist(['a']))])), ['list', ['a']]);
    for (const type of [6, 7, 8, 15, 19, 20, 255]) refuses(Buffer.from([type, 0, 0, 0]), `type ${type}`);
    // Quicklist nodes of no bytes, plain or packed, and of an unknown container.
    refuses(Buffer.from([18, 1, 1, 0]), 'empty plain node');
    refuses(Buffer.from([18, 1, 2, 0]), 'empty packed node');
    refuses(Buffer.from([18, 1, 3, 1, 0x61]), 'unknown container');
    assert.deepEqual(decodes(Buffer.from([18, 1, 1, 1, 0x61])), ['list', ['a']], 'a plain node holds one element');
    // A duplicate inside a blob fails the blob's integrity check, as Redis reports it; in a table it is a duplicate.
    assert.throws(() => decodeValue(Buffer.concat([Buffer.from([13]), blob(ziplist(['f', 'v', 'f', 'w']))]), LIMITS), { message: 'Hash ziplist integrity check failed.' });
    assert.throws(() => decodeValue(Buffer.concat([Buffer.from([4, 2]), rdbString('f'), rdbString('v'), rdbString('f'), rdbString('w')]), LIMITS), { message: 'Duplicate hash fields detected' });
  });

  it('gives back each value it wrote, and refuses every truncation of it', () => {
    const next = prng(17);
    const values: Value[] = ['', '12', '-2147483648', '2147483648', 'z'.repeat(500), 'text that compresses, text that compresses'];
    const list = new List();
    for (let i = 0; i < 2000; i++) list.pushTail(i % 7 === 0 ? String(i) : `item-${i}-${'q'.repeat(i % 40)}`);
    const smallList = new List();
    smallList.pushTail('one');
    const intset = new SetValue();
    for (const n of ['1', '-70000', '5000000000']) intset.add(n, 512);
    const table = new SetValue();
    for (let i = 0; i < 300; i++) table.add(`m${i}`, 512);
    const smallHash = new Hash();
    smallHash.set('f', '1', LIMITS);
    const bigHash = new Hash();
    for (let i = 0; i < 200; i++) bigHash.set(`f${i}`, `v${Math.floor(next() * 1e6)}`, LIMITS);
    const smallZSet = new ZSet(LIMITS);
    smallZSet.add('a', 0.1);
    smallZSet.add('b', -5);
    const bigZSet = new ZSet(LIMITS, 300, 10);
    for (let i = 0; i < 300; i++) bigZSet.add(`m${i}`, next() * 1000 - 500);
    values.push(list, smallList, intset, table, smallHash, bigHash, smallZSet, bigZSet);
    for (const value of values) {
      const payload = encodeValue(value, OPTIONS);
      const decoded = decodeValue(payload, LIMITS);
      assert.deepEqual(contents(decoded), contents(value));
      if (typeof value === 'object') assert.equal((decoded as typeof value).encoding(), value.encoding());
      // A payload cut short anywhere is refused (the last byte of a string of bytes would only shorten it, so strings are left out).
      if (typeof value === 'object' && payload.length < 20000) {
        for (let end = 0; end < payload.length; end++) refuses(payload.subarray(0, end), `${value.type} cut at ${end} of ${payload.length}`);
      }
    }
  });

  it('never fails on a corrupted payload other than by refusing it', () => {
    const next = prng(99);
    const hash = new Hash();
    for (let i = 0; i < 10; i++) hash.set(`field${i}`, `${i * 1000}`, LIMITS);
    const zset = new ZSet(LIMITS);
    for (let i = 0; i < 10; i++) zset.add(`m${i}`, i * 1.25);
    const list = new List();
    for (let i = 0; i < 50; i++) list.pushTail(i % 2 ? String(i * 12345) : `e${i}`);
    const intset = new SetValue();
    for (let i = 0; i < 10; i++) intset.add(String(i * 40000), 512);
    for (const value of [hash, zset, list, intset]) {
      const payload = encodeValue(value, { listFill: -2, compress: false });
      for (let round = 0; round < 3000; round++) {
        const damaged = Buffer.from(payload);
        for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--) damaged[Math.floor(next() * damaged.length)] = Math.floor(next() * 256);
        try {
          decodeValue(damaged, LIMITS);
        } catch (e) {
          assert.ok(e instanceof BadDataFormat, `${value.type}: ${(e as Error).stack}`);
        }
      }
    }
  });
});
