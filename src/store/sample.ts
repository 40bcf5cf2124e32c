/**
 * Random sampling shared by hashes, sets and sorted sets (HRANDFIELD,
 * SRANDMEMBER, ZRANDMEMBER, SPOP with a count). They address their entries
 * by "slots": small integers that are array positions in the compact
 * encodings, entry ids in a Dict, and ranks in a sorted set.
 */

export interface Slotted {
  readonly size: number;
  /** A uniformly random slot of a non-empty collection. */
  randomSlot(): number;
  /** Every slot, in iteration order. */
  slots(): number[];
}

/**
 * When count is this close to the size, picking at random until enough
 * distinct slots turn up wastes draws; shuffling every slot is cheaper
 * (Redis switches strategy at the same ratio).
 */
const SHUFFLE_RATIO = 3;

/** count distinct random slots of s, for 0 < count < s.size. */
export function distinctRandomSlots(s: Slotted, count: number): number[] {
  if (count * SHUFFLE_RATIO > s.size) {
    const all = s.slots();
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (all.length - i));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    all.length = count;
    return all;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(s.randomSlot());
  return [...picked];
}
