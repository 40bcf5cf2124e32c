/**
 * The V8 heap guard. Node dies outright when its heap runs out ("JavaScript
 * heap out of memory"), which a cache server must never do, with or without
 * maxmemory. So the server watches the heap and, while its old generation is
 * past SAFE_FRACTION of its limit, refuses the commands that may grow memory
 * with Redis's OOM error, as maxmemory does; reads and deletes still run.
 *
 * What V8's limit weighs is the old generation's committed pages, free
 * space in them included (100 KB strings, two to a 256 KB page, leave a
 * fifth of each page empty), so that is what the guard watches too.
 *
 * Cheap: heap statistics are read at most once per SAMPLE_INPUT_BYTES that
 * clients send and once per cron tick, never per command. Pages may hold
 * garbage not yet collected, so before refusing anything the guard forces a
 * full collection and judges by what is committed after it. While that does
 * not help, the wait before the next forced collection doubles (a full heap
 * takes seconds to collect), unless used_memory shows that data was freed.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { fitYoungGeneration } from './young-generation.js';

const SAFE_FRACTION = 0.85;
/**
 * heap_size_limit counts the young generation too (three 16 MB semi-spaces
 * on 64-bit), which cannot take what fills the old generation: the safe
 * fraction applies to the rest.
 */
const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024;
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);
const SAMPLE_INPUT_BYTES = 1 << 20;
const MIN_GC_INTERVAL_MS = 1000;
const MAX_GC_INTERVAL_MS = 60_000;
/** used_memory below this fraction of its value at the last forced collection: data was freed since. */
const FREED_FRACTION = 0.9;

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
  /** Whether the old generation was past the safe fraction at the last sample. */
  private pressed = false;
  /** The server's input byte count at the last sample (CONFIG RESETSTAT may set that count back). */
  private sampledAtInput = -Infinity;
  private lastGcAt = -Infinity;
  private gcInterval = MIN_GC_INTERVAL_MS;
  private usedAtGc = 0;
  private gc: (() => void) | null = null;

  constructor(private readonly usedMemory: () => number) {}

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
    const oldBytes = oldGenerationBytes();
    fitYoungGeneration(oldBytes);
    if (!overLimit(oldBytes)) {
      this.pressed = false;
      this.gcInterval = MIN_GC_INTERVAL_MS;
    } else if (performance.now() - this.lastGcAt >= this.gcInterval || this.usedMemory() < this.usedAtGc * FREED_FRACTION) this.collect();
    else this.pressed = true;
  }

  /** A full collection now (also MEMORY PURGE's), then a fresh judgement. */
  collect(): void {
    (this.gc ??= fullGc())();
    this.lastGcAt = performance.now();
    this.usedAtGc = this.usedMemory();
    this.pressed = overLimit(oldGenerationBytes());
    this.gcInterval = this.pressed ? Math.min(2 * this.gcInterval, MAX_GC_INTERVAL_MS) : MIN_GC_INTERVAL_MS;
  }
}

function overLimit(oldBytes: number): boolean {
  return oldBytes >= (v8.getHeapStatistics().heap_size_limit - YOUNG_GENERATION_BYTES) * SAFE_FRACTION;
}

/** Bytes committed to the old generation's spaces. */
function oldGenerationBytes(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(space.space_name)) bytes += space.space_size;
  return bytes;
}
