/**
 * ChunkedArray, the Dict's key and value columns: slots across the growable
 * first chunk and whole later chunks, and truncation, after which the
 * dropped slots read undefined again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedArray } from '../../src/store/chunked-array.js';

describe('ChunkedArray', () => {
  it('keeps what is set, in the first chunk and in later ones, and reads unset slots as undefined', () => {
    const a = new ChunkedArray<string>();
    for (let i = 0; i < 20000; i += 3) a.set(i, `v${i}`);
    for (let i = 0; i < 20000; i++) assert.equal(a.get(i), i % 3 === 0 ? `v${i}` : undefined, `slot ${i}`);
    assert.equal(a.get(1_000_000), undefined);
  });

  for (const length of [0, 100, 4096, 5000, 8192, 9000]) {
    it(`truncated to ${length}, keeps the slots below and forgets the rest`, () => {
      const a = new ChunkedArray<number>();
      for (let i = 0; i < 12000; i++) a.set(i, i);
      const before = a.memoryUsage();
      a.truncate(length);
      for (let i = 0; i < 12000; i++) assert.equal(a.get(i), i < length ? i : undefined, `slot ${i}`);
      // 12,000 slots take three chunks of 4,096; truncating to 9,000 keeps all three.
      if (length <= 8192) assert.ok(a.memoryUsage() < before, 'memory is given back');
      else assert.equal(a.memoryUsage(), before);
    });
  }
});
