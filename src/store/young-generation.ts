/**
 * The size of V8's young generation, set at run time.
 *
 * Left to itself, V8 grows the two semi-spaces from 1 MB to 16 MB each under
 * a steady allocation rate, such as a server's, and keeps them: 30 MB of
 * resident memory that holds nothing live between scavenges, 30 B per key of
 * a million. The launcher caps them at their initial size; scavenges then
 * come more often, each cheaper, and small heaps lose no throughput.
 *
 * A large heap does: every write stores a new young string into old-space
 * tables, and each scavenge must visit what those writes recorded, so at ten
 * million keys SET throughput fell by a third with the cap. Once the old
 * generation passes LIFT_AT_BYTES the 30 MB are a few percent of it, and the
 * cap is lifted. The semi-spaces' bounds are fixed when Node starts, but the
 * growth factor is read at each growth, so it is the growth factor that
 * changes.
 */
import v8 from 'node:v8';

const LIFT_AT_BYTES = 512 * 1024 * 1024;
/** V8's own default growth factor. */
const DEFAULT_GROWTH_FACTOR = 2;

let capped = false;

export function capYoungGeneration(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  capped = true;
}

/** Lifts the cap once the old generation holds oldGenerationBytes past LIFT_AT_BYTES (the heap guard's samples tell). */
export function fitYoungGeneration(oldGenerationBytes: number): void {
  if (!capped || oldGenerationBytes < LIFT_AT_BYTES) return;
  v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  capped = false;
}
