/** prng.ts's seeded Generator, plus integer ranges. */
import { Generator as PickingGenerator } from './prng.js';

export { prng } from './prng.js';

export class Generator extends PickingGenerator {
  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
}
