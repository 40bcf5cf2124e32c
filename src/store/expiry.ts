/**
 * Active expiry, after Redis's activeExpireCycle (expire.c): sample keys that
 * have a deadline, delete the stale ones, and keep going in a database while
 * more than 10% of a sample was stale, within a CPU budget per call. Lazy
 * expiry on access (Database.lookup) covers the rest.
 */
import type { Keyspace } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE_PERCENT = 10;

/** Runs one cycle over every database, for at most budgetMs of wall time. Returns keys expired. */
export function activeExpireCycle(keyspace: Keyspace, budgetMs: number): number {
  const start = performance.now();
  const now = keyspace.clock.now();
  let expired = 0;
  for (const db of keyspace.dbs) {
    for (;;) {
      const sampleSize = Math.min(KEYS_PER_LOOP, db.expires.size);
      if (sampleSize === 0) break;
      let staleInSample = 0;
      for (let i = 0; i < sampleSize; i++) {
        const id = db.expires.randomId();
        if (id < 0) break;
        if (db.expires.numberAt(id) < now) {
          db.deleteExpired(db.expires.keyAt(id));
          staleInSample++;
        }
      }
      expired += staleInSample;
      if (performance.now() - start > budgetMs) return expired;
      if (staleInSample * 100 <= sampleSize * ACCEPTABLE_STALE_PERCENT) break;
    }
  }
  return expired;
}
