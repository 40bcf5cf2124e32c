/**
 * The V8 heap guard. Node dies outright when its heap runs out ("JavaScript
 * heap out of memory"), which a cache server must never do, with or without
 * maxmemory. So the server watches the heap and, while what is live in it is
 * past SAFE_FRACTION of its limit, refuses the commands that may grow memory
 * with Redis's OOM error, as maxmemory does; reads and deletes still run.
 *
 * Cheap: heap statistics are read at most once per SAMPLE_INPUT_BYTES that
 * clients send and once per cron tick, never per command. The heap's used
 * size includes garbage not yet collected, so before refusing anything the
 * guard forces a full collection (at most once per MIN_GC_INTERVAL_MS) and
 * judges by what survives it.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

const SAFE_FRACTION = 0.85;
const SAMPLE_INPUT_BYTES = 1 << 20;
const MIN_GC_INTERVAL_MS = 1000;

/**
 * A full collection: global.gc under --expose-gc, else the same function
 * taken from a fresh context after enabling the flag at run time.
 */
function fullGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export class HeapGuard {
  /** Whether the live heap was past the safe fraction at the last sample. */
  private pressed = false;
  /** The server's input byte count at the last sample (CONFIG RESETSTAT may set that count back). */
  private sampledAtInput = -Infinity;
  private lastGcAt = -Infinity;
  private gc: (() => void) | null = null;

  /** Whether memory-growing commands must be refused; inputBytes is the server's running count of bytes received. */
  critical(inputBytes: number): boolean {
    if (inputBytes - this.sampledAtInput >= SAMPLE_INPUT_BYTES || inputBytes < this.sampledAtInput) {
      this.sampledAtInput = inputBytes;
      this.sample();
    }
    return this.pressed;
  }

  /** Reads the heap statistics (cron, and critical() every SAMPLE_INPUT_BYTES). */
  sample(): void {
    const limit = v8.getHeapStatistics().heap_size_limit * SAFE_FRACTION;
    if (usedHeap() < limit) {
      this.pressed = false;
      return;
    }
    if (performance.now() - this.lastGcAt >= MIN_GC_INTERVAL_MS) this.collect();
    this.pressed = usedHeap() >= limit;
  }

  /** A full collection now (also MEMORY PURGE's). */
  collect(): void {
    (this.gc ??= fullGc())();
    this.lastGcAt = performance.now();
  }
}

function usedHeap(): number {
  return v8.getHeapStatistics().used_heap_size;
}
