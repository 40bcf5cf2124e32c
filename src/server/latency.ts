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

// ---- LATENCY GRAPH and DOCTOR ---------------------------------------------------

const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;
const SPARK_CHARS = '_o#';

/** How long ago a sample was, as LATENCY GRAPH labels it: 12s, 5m, 3h, 2d. */
function ago(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** Renders samples as Redis's filled ASCII sparkline (sparkline.c), labels written downwards under each column. */
function sparkline(values: number[], labels: string[]): string {
  const min = Math.min(...values);
  const range = Math.max(...values) - min || 1;
  const steps = SPARK_CHARS.length * GRAPH_ROWS;
  let out = '';
  for (let offset = 0; offset < values.length; offset += GRAPH_COLUMNS) {
    if (offset !== 0) out += '\n';
    const part = values.slice(offset, offset + GRAPH_COLUMNS);
    const partLabels = labels.slice(offset, offset + GRAPH_COLUMNS);
    const levels = part.map((v) => Math.min(steps - 1, Math.max(0, Math.floor(((v - min) * steps) / range))));
    for (let row = 0; row < GRAPH_ROWS; row++) {
      out += `${levels
        .map((step) => {
          const idx = step - (GRAPH_ROWS - row - 1) * SPARK_CHARS.length;
          return idx >= 0 && idx < SPARK_CHARS.length ? SPARK_CHARS[idx] : idx >= SPARK_CHARS.length ? '|' : ' ';
        })
        .join('')}\n`;
    }
    // One blank row, then the labels one character per row.
    const height = Math.max(...partLabels.map((l) => l.length));
    out += `${' '.repeat(part.length)}\n`;
    for (let row = 0; row < height; row++) out += `${partLabels.map((l) => l[row] ?? ' ').join('')}\n`;
  }
  return out;
}

/** LATENCY GRAPH's text for one event. */
export function latencyGraph(event: string, series: LatencySeries, nowSeconds: number): string {
  const values = series.samples.map((s) => s.latency);
  const header = `${event} - high ${Math.max(...values)} ms, low ${Math.min(...values)} ms (all time high ${series.max} ms)\n${'-'.repeat(GRAPH_COLUMNS)}\n`;
  return header + sparkline(values, series.samples.map((s) => ago(nowSeconds - s.time)));
}

/** What the doctor needs to know about the server besides the events. */
export interface DoctorContext {
  slowlogSlowerThan: number;
  hz: number;
}

const ADVICE = {
  slowlogEnable: (ctx: DoctorContext, threshold: number) =>
    `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`,
  slowlogTune: (ctx: DoctorContext, threshold: number) =>
    `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${threshold * 1000}'.\n`,
  slowlogInspect: () =>
    '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n',
  scheduler: () =>
    '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
    '  1) Lower the system load.\n' +
    '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
    '  3) Check if you have a "noisy neighbour" problem.\n' +
    "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
    '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n',
  hz: (ctx: DoctorContext) =>
    ctx.hz < 100 ? "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n" : '',
  largeObjects: () =>
    '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
  massEviction: () =>
    "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n",
};

type AdviceName = keyof typeof ADVICE;

/** Statistics of one event's samples, as analyzeLatencyForEvent computes them. */
function analyze(series: LatencySeries, nowSeconds: number): { avg: number; mad: number; period: number } {
  const n = series.samples.length;
  const sum = series.samples.reduce((a, s) => a + s.latency, 0);
  const avg = Math.floor(sum / n);
  const mad = Math.floor(series.samples.reduce((a, s) => a + Math.abs(avg - s.latency), 0) / n);
  const oldest = Math.min(...series.samples.map((s) => s.time));
  return { avg, mad, period: nowSeconds - oldest || 1 };
}

/** LATENCY DOCTOR's report, with Redis's wording for the events Keyhive records. */
export function latencyReport(monitor: LatencyMonitor, ctx: DoctorContext, nowSeconds = Math.floor(Date.now() / 1000)): string {
  if (monitor.events.size === 0 && monitor.threshold === 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  }
  let report = '';
  const advices = new Set<AdviceName>();
  let eventNum = 0;
  for (const [event, series] of monitor.events) {
    eventNum++;
    if (eventNum === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    const { avg, mad, period } = analyze(series, nowSeconds);
    const n = series.samples.length;
    report += `${eventNum}. ${event}: ${n} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${(period / n).toFixed(2)} sec). Worst all time event ${series.max}ms.\n`;
    const name = event.toLowerCase();
    if (name === 'command') {
      if (ctx.slowlogSlowerThan < 0) advices.add('slowlogEnable');
      else if (Math.floor(ctx.slowlogSlowerThan / 1000) > monitor.threshold) advices.add('slowlogTune');
      advices.add('slowlogInspect').add('largeObjects');
    } else if (name === 'fast-command') advices.add('scheduler');
    else if (name === 'expire-cycle') advices.add('hz').add('largeObjects');
    else if (name === 'eviction-del') advices.add('largeObjects');
    else if (name === 'eviction-cycle') advices.add('massEviction');
  }
  if (eventNum === 0 && advices.size === 0) {
    return `${report}Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n`;
  }
  if (advices.size === 0) {
    return `${report}\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n`;
  }
  report += '\nI have a few advices for you:\n\n';
  // In Redis's order of advice.
  for (const name of Object.keys(ADVICE) as AdviceName[]) if (advices.has(name)) report += ADVICE[name](ctx, monitor.threshold);
  return report;
}
