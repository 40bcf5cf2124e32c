/**
 * The keyspace keeps a key with its short string value as a record unless
 * the key was used within the last HOT_KEY_MS (see Database.main and isHot):
 * random writes of every kind against a model of values, deadlines and last
 * uses, on a clock that moves only when told, checking each key's value and
 * deadline, that the expires table lists exactly the keys with a deadline,
 * that the byte count includes the expires table's own string of
 * each key in a record that has a deadline, and that a SET leaves a key in a
 * record exactly when it is new or was not used in the last HOT_KEY_MS.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../src/store/clock.js';
import { HOT_KEY_MS, Keyspace, type Database } from '../../src/store/keyspace.js';
import { Generator } from '../support/prng.js';
import { stringBytes } from '../../src/store/memory.js';
import { RECORD_MAX } from '../../src/store/records.js';

function assertConsistent(db: Database, values: Map<string, string>, deadlines: Map<string, number>): void {
  assert.equal(db.size, values.size);
  let counted = 0;
  for (const [key, value] of values) {
    const id = db.main.find(key);
    assert.equal(db.main.valueAt(id), value, `${key}'s value`);
    assert.equal(db.getExpire(key), deadlines.get(key) ?? -1, `${key}'s deadline`);
    assert.equal(db.expires.find(key) >= 0, deadlines.has(key), `${key} is in the expires table exactly while it has a deadline`);
    const deadlineKeyBytes = db.main.isRecord(id) && deadlines.has(key) ? stringBytes(key.length) : 0;
    counted += db.accountedBytesAt(id) + deadlineKeyBytes;
  }
  assert.equal(db.bytes, counted, "bytes, with the expires table's own string of each key in a record that has a deadline");
}

/** A clock that stands still until moved. */
class StillClock extends Clock {
  at = 1_700_000_000_000;
  override now(): number {
    return this.at;
  }
}

describe('keyspace records', () => {
  it('keeps cold keys in records, deadline or not, and counts their bytes', () => {
    const gen = new Generator(21);
    const clock = new StillClock();
    const keyspace = new Keyspace(1, clock);
    keyspace.refreshClock();
    const db = keyspace.dbs[0];
    const lastUse = new Map<string, number>();
    const values = new Map<string, string>();
    const deadlines = new Map<string, number>();
    const later = () => clock.now() + 1_000_000 + gen.int(1000);
    for (let i = 0; i < 20_000; i++) {
      const key = `key:${gen.int(300)}:long-enough-to-slice`;
      // Now and then a value too long for a record.
      const value = gen.int(10) === 0 ? 'L'.repeat(RECORD_MAX) : `value ${i}`.repeat(1 + gen.int(3));
      const exists = values.has(key);
      const lastUseBefore = lastUse.get(key);
      if (gen.int(50) === 0) {
        // Just far enough for a key used before to be cold, or far past it.
        clock.at += gen.int(2) === 0 ? HOT_KEY_MS : 5000;
        keyspace.refreshClock();
      }
      const op = gen.int(7);
      if (op <= 3 && (exists || op < 3)) lastUse.set(key, clock.at);
      switch (op) {
        case 0: {
          const cold = !exists || clock.at - (lastUseBefore ?? 0) >= HOT_KEY_MS;
          const fits = key.length + value.length <= RECORD_MAX;
          db.set(key, value);
          values.set(key, value);
          deadlines.delete(key);
          assert.equal(db.main.isRecord(db.main.find(key)), cold && fits, 'a SET leaves a key in a record when it is new or was not used in the last HOT_KEY_MS, and its value fits');
          break;
        }
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
