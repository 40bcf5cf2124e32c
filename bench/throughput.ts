/**
 * Throughput and p50/p99 latency with redis-benchmark: 50 clients, pipeline
 * 1 and 16, 3- and 100-byte values (and SET and GET of 16 KB values, which
 * caches of rendered pages and JSON documents store), every scenario against
 * both servers in an order alternating between rounds; medians of the rounds.
 */
import { alternate, fmt, log, median, provenance, startBenchServer, stopBenchServer, tableAndCommands, type BenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { benchmarkCommand, parseCsv, runBenchmark, shownCommand, type Sample } from './redis-benchmark.js';

const CLIENTS = 50;

/** redis-benchmark test names: the performance issue's ten (ping runs PING_INLINE and PING_MBULK); more (e.g. spop, rpush, lrange_300) can be given with --tests. */
export const CORE_TESTS = ['ping', 'set', 'get', 'incr', 'mset', 'lpush', 'lpop', 'sadd', 'hset', 'zadd'];
export const MORE_TESTS = ['lrange_100', 'lrange_300'];

/** Requests per test, by profile and pipeline depth. */
const REQUESTS = {
  quick: { 1: 5000, 16: 20000 },
  default: { 1: 30000, 16: 200000 },
  full: { 1: 200000, 16: 1000000 },
};

interface Scenario {
  pipeline: 1 | 16;
  valueSize: number;
  /** Only these of the tests run (all when absent). */
  onlyTests?: readonly string[];
}

const SCENARIOS: Scenario[] = [
  { pipeline: 1, valueSize: 3 },
  { pipeline: 1, valueSize: 100 },
  { pipeline: 16, valueSize: 3 },
  { pipeline: 16, valueSize: 100 },
  { pipeline: 16, valueSize: 16384, onlyTests: ['set', 'get'] },
];

function scenarioTests(scenario: Scenario, tests: string[]): string[] {
  const only = scenario.onlyTests;
  return only ? tests.filter((t) => only.includes(t)) : tests;
}

interface Row {
  scenario: Scenario;
  test: string;
  keyhive: Sample;
  redis: Sample;
}

function scenarioCommand(port: number, scenario: Scenario, tests: string[], requests: number): string[] {
  return benchmarkCommand(port, [
    '-t', tests.join(','), '-c', String(CLIENTS), '-n', String(requests), '-P', String(scenario.pipeline), '-d', String(scenario.valueSize), '--csv',
  ]);
}

function medianSample(samples: Sample[]): Sample {
  return { rps: median(samples.map((s) => s.rps)), p50: median(samples.map((s) => s.p50)), p99: median(samples.map((s) => s.p99)) };
}

function resultsTable(rows: Row[]): string {
  const lines = [
    '| pipeline | value | test | Keyhive req/s | Redis req/s | req/s ratio | Keyhive p50 / p99 ms | Redis p50 / p99 ms | p50 ratio | p99 ratio |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { scenario, test, keyhive, redis } of rows) {
    lines.push(
      `| ${scenario.pipeline} | ${scenario.valueSize} B | ${test} | ${fmt.int(keyhive.rps)} | ${fmt.int(redis.rps)} | ${fmt.ratio(keyhive.rps, redis.rps)} | ` +
        `${fmt.ms(keyhive.p50)} / ${fmt.ms(keyhive.p99)} | ${fmt.ms(redis.p50)} / ${fmt.ms(redis.p99)} | ${fmt.ratio(keyhive.p50, redis.p50)} | ${fmt.ratio(keyhive.p99, redis.p99)} |`,
    );
  }
  return lines.join('\n');
}

async function measure(servers: BenchServer[], options: RunOptions, commands: Set<string>): Promise<Row[]> {
  const requests = REQUESTS[options.profile];
  const samples = new Map<string, Record<ServerKind, Sample[]>>();
  for (const server of servers) await runBenchmark(scenarioCommand(server.port, SCENARIOS[0], options.tests, requests[1]));
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of SCENARIOS) {
      const tests = scenarioTests(scenario, options.tests);
      if (tests.length === 0) continue;
      for (const server of alternate(servers, round)) {
        const command = scenarioCommand(server.port, scenario, tests, requests[scenario.pipeline]);
        commands.add(shownCommand(command, server.port));
        log(`throughput: round ${round + 1}/${options.rounds} ${server.kind} -P ${scenario.pipeline} -d ${scenario.valueSize}`);
        for (const [test, sample] of parseCsv(await runBenchmark(command))) {
          const key = `${scenario.pipeline}|${scenario.valueSize}|${test}`;
          const entry = samples.get(key) ?? { keyhive: [], redis: [] };
          entry[server.kind].push(sample);
          samples.set(key, entry);
        }
      }
    }
  }
  return [...samples].map(([key, byServer]) => {
    const [pipeline, valueSize, test] = key.split('|');
    const scenario = { pipeline: Number(pipeline) as Scenario['pipeline'], valueSize: Number(valueSize) };
    return { scenario, test, keyhive: medianSample(byServer.keyhive), redis: medianSample(byServer.redis) };
  });
}

async function run(options: RunOptions) {
  const made = provenance(options, 'throughput.ts');
  const servers = [await startBenchServer('keyhive'), await startBenchServer('redis')];
  const commands = new Set<string>();
  let rows: Row[];
  try {
    rows = await measure(servers, options, commands);
  } finally {
    await Promise.all(servers.map(stopBenchServer));
  }
  const table = resultsTable(rows);
  const markdown = [
    '## Throughput and latency under load (redis-benchmark, 50 clients)',
    '',
    made,
    '',
    `Each scenario ran against both servers in ${options.rounds} round(s), alternating which server goes first; the figures are the medians.`,
    'Each server first got one untimed warm-up run. Ratios are Keyhive/Redis: above 1 in req/s means Keyhive is faster; below 1 in latency means Keyhive answers sooner.',
    '',
    ...tableAndCommands(table, commands),
  ].join('\n');
  return { table, markdown };
}

export const throughput: Section = { name: 'throughput', inDefault: true, run };
