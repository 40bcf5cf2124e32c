/**
 * The expiry spike: a million keys share one deadline a few seconds ahead;
 * across it a separate client sends PINGs one at a time and times each. The
 * latency of the PINGs answered while the server reclaims the keys, next to
 * that of the second before, shows how much the active expiry cycle stalls
 * the server.
 */
import { RawClient } from '../test/support/raw-client.js';
import { alternate, call, fmt, log, median, provenance, quantile, SERVER_KINDS, sleep, startBenchServer, stopBenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { load, PipelineClient, resp, roundTrip } from './pipeline.js';

const KEYS = { quick: 100_000, default: 1_000_000, full: 1_000_000 };
const ROUNDS = { quick: 1, default: 1, full: 3 };
const VALUE = 'v'.repeat(10);
/** Keys loaded, timed and flushed first, to foresee how long the real load takes. */
const CALIBRATION_KEYS = 50_000;
/** The deadline is this long after the foreseen end of the load (which may take half as long again as foreseen). */
const LOAD_SLACK = 1.5;
/** Loads that overran their deadline on a busy machine are done again, foreseen by the last one's length, this many times in all. */
const LOAD_ATTEMPTS = 3;
const LEAD_MS = 2000;
/** The quiet window before the deadline that the burst is compared with. */
const BEFORE_MS = 1000;
const DBSIZE_POLL_MS = 100;
const GIVE_UP_MS = 60_000;

interface Window {
  pings: number;
  p50: number;
  p999: number;
  max: number;
}

interface Spike {
  before: Window;
  burst: Window;
  /** From the deadline until DBSIZE first read 0. */
  reclaimMs: number;
}

function windowOf(latencies: number[]): Window {
  const sorted = Float64Array.from(latencies).sort();
  return { pings: sorted.length, p50: quantile(sorted, 0.5), p999: quantile(sorted, 0.999), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Loads the keys with one PXAT deadline far enough ahead for the load to
 * finish before it; returns the deadline on performance.now()'s clock. The
 * load is foreseen from calibration keys set the same way (with a deadline
 * an hour ahead); one that overruns anyway is flushed and done again.
 */
async function loadExpiringKeys(port: number, keys: number): Promise<number> {
  const inAnHour = String(Date.now() + 3_600_000);
  const calibrationMs = await load(port, 0, CALIBRATION_KEYS, (i) => resp('SET', `calibration:${i}`, VALUE, 'PXAT', inAnHour));
  let foreseenMs = (calibrationMs * keys) / CALIBRATION_KEYS;
  for (let attempt = 1; ; attempt++) {
    await call(port, 'FLUSHALL');
    const deadline = Date.now() + LEAD_MS + foreseenMs * LOAD_SLACK;
    const loadMs = await load(port, 0, keys, (i) => resp('SET', `key:${i}`, VALUE, 'PXAT', String(Math.round(deadline))));
    const left = deadline - Date.now();
    if (left >= BEFORE_MS) return performance.now() + left;
    if (attempt === LOAD_ATTEMPTS) throw new Error(`loading ${keys} keys overran its deadline ${attempt} times (${Math.round(left)} ms left)`);
    log(`expiry: loading ${fmt.int(keys)} keys took ${fmt.int(loadMs)} ms, past the deadline; loading them again`);
    foreseenMs = loadMs;
  }
}

/** PINGs one at a time until stopped; each reply's time and latency. */
async function pingStream(port: number, stopped: () => boolean): Promise<{ at: number; ms: number }[]> {
  const client = await PipelineClient.connect(port);
  const ping = resp('PING');
  const samples: { at: number; ms: number }[] = [];
  try {
    while (!stopped()) {
      const ms = await roundTrip(client, ping);
      samples.push({ at: performance.now(), ms });
    }
  } finally {
    client.close();
  }
  return samples;
}

/** When (performance.now()) DBSIZE first reads 0 after the deadline; NaN after GIVE_UP_MS. */
async function whenEmptied(port: number, deadline: number): Promise<number> {
  const client = await RawClient.connect(port);
  try {
    await sleep(Math.max(0, deadline - performance.now()));
    while (performance.now() < deadline + GIVE_UP_MS) {
      if ((await client.call('DBSIZE')) === 0) return performance.now();
      await sleep(DBSIZE_POLL_MS);
    }
    return NaN;
  } finally {
    client.close();
  }
}

async function measure(kind: ServerKind, keys: number): Promise<Spike> {
  const server = await startBenchServer(kind);
  try {
    const deadline = await loadExpiringKeys(server.port, keys);
    let done = false;
    const pings = pingStream(server.port, () => done);
    let emptied: number;
    try {
      emptied = await whenEmptied(server.port, deadline);
    } finally {
      done = true;
    }
    const samples = await pings;
    if (Number.isNaN(emptied)) throw new Error(`${kind} still held keys ${GIVE_UP_MS} ms after their deadline`);
    const between = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at < to).map((s) => s.ms);
    return { before: windowOf(between(deadline - BEFORE_MS, deadline)), burst: windowOf(between(deadline, emptied)), reclaimMs: emptied - deadline };
  } finally {
    await stopBenchServer(server);
  }
}

function medianSpike(spikes: Spike[]): Spike {
  const windowMedian = (pick: (s: Spike) => Window): Window => {
    const of = (field: keyof Window) => median(spikes.map((s) => pick(s)[field]));
    return { pings: of('pings'), p50: of('p50'), p999: of('p999'), max: of('max') };
  };
  return { before: windowMedian((s) => s.before), burst: windowMedian((s) => s.burst), reclaimMs: median(spikes.map((s) => s.reclaimMs)) };
}

async function run(options: RunOptions) {
  const made = provenance(options, 'expiry.ts');
  const keys = KEYS[options.profile];
  const rounds = ROUNDS[options.profile];
  const spikes: Record<ServerKind, Spike[]> = { keyhive: [], redis: [] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of alternate(SERVER_KINDS, round)) {
      log(`expiry: round ${round + 1}/${rounds} ${kind}`);
      spikes[kind].push(await measure(kind, keys));
    }
  }
  const [k, r] = [medianSpike(spikes.keyhive), medianSpike(spikes.redis)];
  const row = (label: string, pick: (s: Spike) => number) => `| ${label} | ${fmt.ms(pick(k))} | ${fmt.ms(pick(r))} | ${fmt.ratio(pick(k), pick(r))} |`;
  const table = [
    '| PING round trip, ms | Keyhive | Redis | ratio |',
    '|---|---:|---:|---:|',
    row('max during the expiry burst', (s) => s.burst.max),
    row('p99.9 during the burst', (s) => s.burst.p999),
    row('p50 during the burst', (s) => s.burst.p50),
    row(`max in the ${BEFORE_MS / 1000} s before the deadline`, (s) => s.before.max),
    row('p99.9 before the deadline', (s) => s.before.p999),
    row('burst length: deadline to DBSIZE 0', (s) => s.reclaimMs),
    `| PINGs answered during the burst / before | ${fmt.int(k.burst.pings)} / ${fmt.int(k.before.pings)} | ${fmt.int(r.burst.pings)} / ${fmt.int(r.before.pings)} | |`,
  ].join('\n');
  const markdown = [
    '## Expiry spike',
    '',
    made,
    '',
    `A freshly started server of each kind gets ${fmt.int(keys)} keys (\`SET key:N <10 bytes> PXAT <deadline>\`, all the same deadline), pipelined by the bench process (on CPU 1).`,
    `The deadline is chosen to fall ${LEAD_MS / 1000} s or more after the load ends: ${fmt.int(CALIBRATION_KEYS)} keys are first loaded the same way, timed and flushed to foresee the load's length (a load that overruns it anyway is flushed and done again).`,
    'From the end of the load a separate connection sends PINGs, one at a time, and times each round trip; another polls DBSIZE every',
    `${DBSIZE_POLL_MS} ms from the deadline on. The burst is from the deadline until DBSIZE first reads 0 (both servers count keys not yet reclaimed);`,
    `a PING belongs to the window its reply arrives in. Nothing reads the keys, so only the active expiry cycle reclaims them.`,
    `${rounds === 1 ? 'One run' : `Medians of ${rounds} runs`} per server${rounds === 1 ? '' : ', alternating which goes first'}; ratios are Keyhive/Redis.`,
    '',
    table,
  ].join('\n');
  return { table, markdown };
}

export const expiry: Section = { name: 'expiry', inDefault: true, run };
