/**
 * Latency at pipeline 1: p50, p99 and p99.9, two ways.
 *   - Under load: redis-benchmark with 50 clients (GET and SET, 3-byte
 *     values), its summary's p50/p99 and its distribution's 99.9% line.
 *   - Alone: one connection of the bench process sends PINGs, then GETs of
 *     a 100-byte value, one at a time, timing each round trip.
 * Rounds alternate which server goes first; the figures are medians.
 */
import { alternate, call, listPerKind, fmt, log, median, provenance, quantile, startBenchServer, stopBenchServer, tableAndCommands, type BenchServer, type RunOptions, type Section, type BenchKind } from './common.js';
import { PipelineClient, resp, roundTrip } from './pipeline.js';
import { benchmarkCommand, parsePercentiles, runBenchmark, shownCommand, type Percentiles } from './redis-benchmark.js';

const BENCHMARK_TESTS = ['get', 'set'];
const SIZES = {
  quick: { benchmark: 20_000, sequential: 5_000 },
  default: { benchmark: 100_000, sequential: 30_000 },
  full: { benchmark: 300_000, sequential: 100_000 },
};
const SEQUENTIAL_WARMUP = 1000;
const SEQUENTIAL_COMMANDS = { PING: resp('PING'), GET: resp('GET', 'latency:key') };

/** One run of Percentiles per row label, per server. */
type Runs = Map<string, Record<BenchKind, Percentiles[]>>;

function record(runs: Runs, label: string, kind: BenchKind, stats: Percentiles): void {
  const entry = runs.get(label) ?? listPerKind<Percentiles>();
  entry[kind].push(stats);
  runs.set(label, entry);
}

async function sequentialLatency(port: number, command: string, count: number): Promise<Percentiles> {
  const client = await PipelineClient.connect(port);
  try {
    for (let i = 0; i < SEQUENTIAL_WARMUP; i++) await roundTrip(client, command);
    const times = new Float64Array(count);
    for (let i = 0; i < count; i++) times[i] = await roundTrip(client, command);
    times.sort();
    return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), p999: quantile(times, 0.999), max: times[count - 1] };
  } finally {
    client.close();
  }
}

function loadCommand(server: BenchServer<BenchKind>, options: RunOptions): string[] {
  const requests = String(SIZES[options.profile].benchmark);
  return benchmarkCommand(server.port, ['-t', BENCHMARK_TESTS.join(','), '-c', '50', '-n', requests, '-P', '1', '--precision', '3']);
}

async function measureRound(server: BenchServer<BenchKind>, options: RunOptions, runs: Runs, commands: Set<string>): Promise<void> {
  const sizes = SIZES[options.profile];
  const command = loadCommand(server, options);
  commands.add(shownCommand(command, server.port));
  for (const [test, percentiles] of parsePercentiles(await runBenchmark(command))) {
    record(runs, `${test}, 50 clients (redis-benchmark)`, server.kind, percentiles);
  }
  for (const [name, request] of Object.entries(SEQUENTIAL_COMMANDS)) {
    record(runs, `${name}, 1 client, one at a time`, server.kind, await sequentialLatency(server.port, request, sizes.sequential));
  }
}

function medianPercentiles(stats: Percentiles[]): Percentiles {
  const of = (field: keyof Percentiles) => median(stats.map((s) => s[field]));
  return { p50: of('p50'), p99: of('p99'), p999: of('p999'), max: of('max') };
}

function table(runs: Runs): string {
  const lines = [
    '| requests | Keyhive p50 / p99 / p99.9 ms | Redis p50 / p99 / p99.9 ms | p50 ratio | p99 ratio | p99.9 ratio | max ms Keyhive / Redis | Node floor p50 / p99 / p99.9 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [label, byServer] of runs) {
    const [k, r, f] = [medianPercentiles(byServer.keyhive), medianPercentiles(byServer.redis), medianPercentiles(byServer.floor)];
    const triple = (s: Percentiles) => `${fmt.ms(s.p50)} / ${fmt.ms(s.p99)} / ${fmt.ms(s.p999)}`;
    lines.push(
      `| ${label} | ${triple(k)} | ${triple(r)} | ${fmt.ratio(k.p50, r.p50)} | ${fmt.ratio(k.p99, r.p99)} | ${fmt.ratio(k.p999, r.p999)} | ${fmt.ms(k.max)} / ${fmt.ms(r.max)} | ${triple(f)} |`,
    );
  }
  return lines.join('\n');
}

async function run(options: RunOptions) {
  const made = provenance(options, 'latency.ts');
  const sizes = SIZES[options.profile];
  const servers = [await startBenchServer('keyhive'), await startBenchServer('redis'), await startBenchServer('floor')];
  const runs: Runs = new Map();
  const commands = new Set<string>();
  try {
    for (const server of servers) if (server.kind !== 'floor') await call(server.port, 'SET', 'latency:key', 'v'.repeat(100));
    // Warm, as a server in use is: a fresh Node.js process runs its first few thousand requests before they are compiled.
    for (const server of servers) await runBenchmark(loadCommand(server, options));
    for (let round = 0; round < options.rounds; round++) {
      for (const server of alternate(servers, round)) {
        log(`latency: round ${round + 1}/${options.rounds} ${server.kind}`);
        await measureRound(server, options, runs, commands);
      }
    }
  } finally {
    await Promise.all(servers.map(stopBenchServer));
  }
  const text = table(runs);
  const markdown = [
    '## Latency at pipeline 1',
    '',
    made,
    '',
    `Medians of ${options.rounds} round(s), alternating which server goes first, after one untimed redis-benchmark run against each server.`,
    'Ratios are Keyhive/Redis (below 1: Keyhive answers sooner).',
    `- 50 clients: redis-benchmark, ${fmt.int(sizes.benchmark)} requests per test, 3-byte values. p50, p99 and max are its summary's;`,
    "  p99.9 is the first line of its \"Latency by percentile distribution\" at or past 99.9% (the 99.902% line), so a little above the exact p99.9.",
    `- 1 client: one connection of the bench process (Node.js, on CPU 1) sends ${fmt.int(sizes.sequential)} PINGs, then as many GETs of a 100-byte value,`,
    `  each after the previous reply (after ${fmt.int(SEQUENTIAL_WARMUP)} untimed ones), timing every round trip.`,
    "  The client's own time per round trip (a few microseconds of Node.js) is in both servers' figures.",
    '- Node floor: the same requests against bench/floor-server.ts (see the floor section), which only finds where each request ends and answers',
    '  +OK (+PONG to PING): the latency a Node.js server gets from its sockets and event loop alone, with no command run.',
    '',
    ...tableAndCommands(text, commands),
  ].join('\n');
  return { table: text, markdown };
}

export const latency: Section = { name: 'latency', inDefault: true, run };
