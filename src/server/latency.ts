/**
 * Latency monitoring, after Redis's latency.c: a time series of latency
 * spikes per event class ("command", "fast-command", "expire-cycle", ...),
 * recorded when they reach latency-monitor-threshold, plus the per-command
 * latency histograms behind INFO latencystats and LATENCY HISTOGRAM.
 */

/** Samples kept per event: one per second at most, the last 160. */
const SAMPLES_PER_EVENT = 160;

export interface LatencySample {
  /** Unix time, seconds. */
  time: number;
  /** Milliseconds. */
  latency: number;
}

/** One event class's ring of samples and its all-time maximum. */
export class LatencySeries {
  readonly samples: LatencySample[] = [];
  max = 0;

  add(time: number, latency: number): void {
    if (latency > this.max) this.max = latency;
    const last = this.samples[this.samples.length - 1];
    // One sample per second: a later spike in the same second only raises it.
    if (last && last.time === time) {
      if (latency > last.latency) last.latency = latency;
      return;
    }
    this.samples.push({ time, latency });
    if (this.samples.length > SAMPLES_PER_EVENT) this.samples.shift();
  }

  get latest(): LatencySample {
    return this.samples[this.samples.length - 1];
  }
}

export class LatencyMonitor {
  /** Event name -> samples, in the order events were first seen. */
  readonly events = new Map<string, LatencySeries>();
  /** latency-monitor-threshold in ms; 0 disables the monitor. */
  threshold = 0;

  /** Records a spike if monitoring is on and latencyMs reaches the threshold (latencyAddSampleIfNeeded). */
  addSampleIfNeeded(event: string, latencyMs: number, nowSeconds: number): void {
    if (this.threshold === 0 || latencyMs < this.threshold) return;
    let series = this.events.get(event);
    if (!series) this.events.set(event, (series = new LatencySeries()));
    series.add(nowSeconds, latencyMs);
  }

  /** Forgets one event (matched case-insensitively) or, with no name, all; returns how many were dropped. */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }
}

// ---- per-command latency histograms -------------------------------------------

/*
 * A log-linear histogram laid out as HdrHistogram does with 2 significant
 * figures (what Redis configures): 256 sub-buckets, so values below 256 are
 * exact and each power-of-two range above is split into 128 equal slots.
 * Values are nanoseconds, clamped to 1 ns .. 1 s like Redis's.
 */
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const MIN_VALUE = 1;
const MAX_VALUE = 1_000_000_000;
/** Slots needed to reach MAX_VALUE (2^30 > 10^9: bucket index 23). */
const COUNTS_LEN = (23 + 2) * SUB_BUCKET_HALF_COUNT;

function bucketIndex(value: number): number {
  // Position of the highest set bit of (value | 255), minus the sub-bucket magnitude (8).
  return 31 - Math.clz32(value | 255) - SUB_BUCKET_HALF_COUNT_MAGNITUDE;
}

function countsIndex(value: number): number {
  const bucket = bucketIndex(value);
  const subBucket = value >>> bucket;
  return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucket - SUB_BUCKET_HALF_COUNT);
}

/** The lowest value a counts slot stands for. */
function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    subBucket -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return subBucket * 2 ** bucket;
}

function lowestEquivalent(value: number): number {
  const bucket = bucketIndex(value);
  return (value >>> bucket) * 2 ** bucket;
}

function highestEquivalent(value: number): number {
  const bucket = bucketIndex(value);
  const subBucket = value >>> bucket;
  const rangeBucket = subBucket >= 2 * SUB_BUCKET_HALF_COUNT ? bucket + 1 : bucket;
  return lowestEquivalent(value) + 2 ** rangeBucket - 1;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(COUNTS_LEN);
  total = 0;

  /** Records one duration in nanoseconds. */
  record(ns: number): void {
    const value = Math.min(MAX_VALUE, Math.max(MIN_VALUE, Math.floor(ns)));
    this.counts[countsIndex(value)]++;
    this.total++;
  }

  /** The value (ns) at a percentile, as hdr_value_at_percentile reports it. */
  valueAtPercentile(percentile: number): number {
    const requested = Math.min(percentile, 100);
    const countAtPercentile = Math.max(1, Math.floor((requested / 100) * this.total + 0.5));
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= countAtPercentile) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * Cumulative counts at power-of-two boundaries from 1024 ns, as LATENCY
   * HISTOGRAM lists them: [upper bound in µs, calls at or below it], skipping
   * boundaries that add nothing.
   */
  cumulativeBuckets(): [number, number][] {
    const out: [number, number][] = [];
    let index = 0;
    let cumulative = 0;
    let previous = 0;
    for (let level = 1024; cumulative < this.total && level <= 2 * MAX_VALUE; level *= 2) {
      const upTo = countsIndex(Math.min(level, MAX_VALUE));
      for (; index <= upTo; index++) cumulative += this.counts[index];
      if (cumulative > previous) out.push([Math.floor(highestEquivalent(Math.min(level, MAX_VALUE)) / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }
}
