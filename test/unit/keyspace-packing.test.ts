/**
 * The keyspace packs a new key's short string value with the key unless the
 * key gets a deadline (see Database.main): random writes of every kind
 * against a model of values and deadlines, checking that no packed entry has
 * a deadline, and that a SET packs a new key only.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../src/store/clock.js';
import { Keyspace, type Database } from '../../src/store/keyspace.js';
import { Generator } from '../support/prng.js';

function assertConsistent(db: Database, values: Map<string, string>, deadlines: Map<string, number>): void {
  assert.equal(db.size, values.size);
  for (const [key, value] of values) {
    const id = db.main.find(key);
    assert.equal(db.main.valueAt(id), value, `${key}'s value`);
    assert.equal(db.getExpire(key), deadlines.get(key) ?? -1, `${key}'s deadline`);
    if (db.main.isPacked(id)) assert.ok(!deadlines.has(key), `${key} is packed and has a deadline`);
  }
}

describe('keyspace string packing', () => {
  it('never packs a key that has a deadline', () => {
    const gen = new Generator(21);
    const clock = new Clock();
    const db = new Keyspace(1, clock).dbs[0];
    const values = new Map<string, string>();
    const deadlines = new Map<string, number>();
    const later = () => clock.now() + 1_000_000 + gen.int(1000);
    for (let i = 0; i < 20_000; i++) {
      const key = `key:${gen.int(300)}:long-enough-to-slice`;
      const value = `value ${i}`.repeat(1 + gen.int(3));
      const exists = values.has(key);
      switch (gen.int(7)) {
        case 0:
          db.set(key, value);
          values.set(key, value);
          deadlines.delete(key);
          assert.equal(db.main.isPacked(db.main.find(key)), !exists, 'a SET packs a new key only');
          break;
        case 1:
          db.set(key, value, true);
          values.set(key, value);
          break;
        case 2: {
          const deadline = later();
          db.set(key, value, false, deadline);
          values.set(key, value);
          deadlines.set(key, deadline);
          break;
        }
        case 3:
          if (!exists) continue;
          db.lookupWrite(key);
          db.overwrite(key, value);
          values.set(key, value);
          break;
        case 4:
          if (!exists) continue;
          deadlines.set(key, later());
          db.setExpire(key, deadlines.get(key) as number);
          break;
        case 5:
          db.persist(key);
          deadlines.delete(key);
          break;
        case 6:
          db.delete(key);
          values.delete(key);
          deadlines.delete(key);
          break;
      }
      if (i % 500 === 0) assertConsistent(db, values, deadlines);
    }
    assertConsistent(db, values, deadlines);
  });
});
