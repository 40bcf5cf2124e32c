/**
 * SkipList.memoryUsage keeps the size of its lists of freed node blocks as
 * blocks are freed and reused; here it is held to a recount of those lists
 * after random inserts, score updates and deletes.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { SkipList } from '../../src/store/skiplist.js';
import { arrayBytes, objectBytes, typedArrayBytes, typedArrayBytesOf } from '../../src/store/memory.js';
import { prng } from '../support/prng.js';

function recount(list: SkipList): number {
  const inner = list as unknown as { words: Int32Array; freeBlocks: number[][] };
  const freeLists = arrayBytes(inner.freeBlocks.length) + inner.freeBlocks.reduce((sum, blocks) => sum + arrayBytes(blocks.length), 0);
  return objectBytes(10) + typedArrayBytes(inner.words) + typedArrayBytesOf(0) + freeLists;
}

it('memoryUsage counts the freed blocks as a recount of their lists does', () => {
  const random = prng(7);
  const members: string[] = [];
  const list = new SkipList((ref) => members[ref]);
  const scores = new Map<number, number>();
  for (let step = 0; step < 20_000; step++) {
    const ref = Math.floor(random() * 2000);
    members[ref] = `m${ref}`;
    const score = scores.get(ref);
    const roll = random();
    if (score === undefined) {
      const next = Math.floor(random() * 100);
      list.insert(next, members[ref], ref);
      scores.set(ref, next);
    } else if (roll < 0.5) {
      const next = Math.floor(random() * 100);
      list.updateScore(score, members[ref], next);
      scores.set(ref, next);
    } else {
      assert.ok(list.delete(score, members[ref]));
      scores.delete(ref);
    }
    if (step % 997 === 0) assert.equal(list.memoryUsage(), recount(list), `after step ${step}`);
  }
  assert.equal(list.length, scores.size);
  assert.equal(list.memoryUsage(), recount(list));
});
