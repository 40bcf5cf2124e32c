/**
 * Keyspace steps the collection families share: the typed lookup behind
 * readList, writeZSet and the like, deleting a key whose collection a command
 * emptied, and the write of the STORE forms.
 */
import type { Client } from '../server/client.js';
import type { EventClass, Value } from '../store/keyspace.js';
import { WRONGTYPE, fail } from './args.js';

/** value as an instance of type: undefined when missing, WRONGTYPE when of another type. */
export function ofType<T>(value: Value | undefined, type: abstract new (...args: never[]) => T): T | undefined {
  if (value === undefined || value instanceof type) return value;
  fail(WRONGTYPE);
}

/** Deletes key once a command has left its collection with size 0, reporting 'del' as Redis does. */
export function deleteIfEmpty(c: Client, key: string, size: number): void {
  if (size !== 0) return;
  c.db.delete(key);
  c.db.changed(key, 'g', 'del');
}

/**
 * A STORE form's write (Redis's setKey, or dbDelete for an empty result):
 * result replaces whatever key held, reported by event; a null result deletes
 * key, reporting 'del' if it existed.
 */
export function storeOrDelete(c: Client, key: string, result: Value | null, eventClass: EventClass, event: string): void {
  if (result === null) {
    if (c.db.delete(key)) c.db.changed(key, 'g', 'del');
    return;
  }
  // setKey looks the key up for writing first, so a stale one is expired (and reported) before it is replaced.
  c.db.lookupWrite(key);
  c.db.set(key, result);
  c.db.changed(key, eventClass, event);
}
