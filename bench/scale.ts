/**
 * Throughput as the key space grows: redis-benchmark GET and SET over
 * random keys of the whole key space (-r), pipeline 16, against servers
 * holding 10,000 keys and servers holding 10,000,000. Loading ten million
 * keys into each kind takes a minute or more, so the default run leaves
 * this section out; --full and --only scale run it.
 */
import { alternate, fmt, log, median, provenance, SERVER_KINDS, startBenchServer, stopBenchServer, tableAndCommands, type BenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { load, resp } from './pipeline.js';
import { benchmarkCommand, parseCsv, runBenchmark, shownCommand } from './redis-benchmark.js';

const SIZES = {
  quick: { small: 10_000, large: 200_000, requests: 100_000 },
  default: { small: 10_000, large: 10_000_000, requests: 500_000 },
  full: { small: 10_000, large: 10_000_000, requests: 1_000_000 },
};
const TESTS = ['get', 'set'];
const WARMUP_REQUESTS = 50_000;
/** redis-benchmark's SET payload: 3 bytes unless -d says otherwise. */
const VALUE = 'xxx';

/** The key redis-benchmark -r draws as number i: `key:__rand_int__` with twelve zero-padded digits. */
function benchmarkKey(i: number): string {
  return `key:${String(i).padStart(12, '0')}`;
}

/** req/s per key-space size, per test, per server: one figure a round. */
type Rates = Map<number, Map<string, Record<ServerKind, number[]>>>;

/** A server holding a key space of this size. */
interface Target {
  server: BenchServer;
  keys: number;
}

async function startTarget(kind: ServerKind, keys: number): Promise<Target> {
  const server = await startBenchServer(kind);
  const ms = await load(server.port, 0, keys, (i) => resp('SET', benchmarkKey(i), VALUE));
  log(`scale: ${kind} loaded ${fmt.int(keys)} keys in ${(ms / 1000).toFixed(1)} s`);
  return { server, keys };
}

function targetCommand({ server, keys }: Target, requests: number): string[] {
  return benchmarkCommand(server.port, ['-t', TESTS.join(','), '-r', String(keys), '-n', String(requests), '-c', '50', '-P', '16', '--csv']);
}

async function measure(targets: Target[], requests: number, options: RunOptions, commands: Set<string>): Promise<Rates> {
  const rates: Rates = new Map(targets.map((t) => [t.keys, new Map()]));
  for (const target of targets) await runBenchmark(targetCommand(target, WARMUP_REQUESTS));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of alternate(targets, round)) {
      log(`scale: round ${round + 1}/${options.rounds} ${target.server.kind} with ${fmt.int(target.keys)} keys`);
      const command = targetCommand(target, requests);
      commands.add(shownCommand(command, target.server.port));
      const byTest = rates.get(target.keys)!;
      for (const [test, sample] of parseCsv(await runBenchmark(command))) {
        const entry = byTest.get(test) ?? { keyhive: [], redis: [] };
        entry[target.server.kind].push(sample.rps);
        byTest.set(test, entry);
      }
    }
  }
  return rates;
}

function table(rates: Rates, small: number, large: number): string {
  const [s, l] = [fmt.int(small), fmt.int(large)];
  const lines = [
    `| test | Keyhive req/s ${s} keys | Keyhive ${l} | Keyhive ${l}/${s} | Redis req/s ${s} keys | Redis ${l} | Redis ${l}/${s} | Keyhive/Redis at ${s} | Keyhive/Redis at ${l} |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const test of rates.get(small)!.keys()) {
    const at = (keys: number, kind: ServerKind) => median(rates.get(keys)!.get(test)![kind]);
    const [ks, kl, rs, rl] = [at(small, 'keyhive'), at(large, 'keyhive'), at(small, 'redis'), at(large, 'redis')];
    lines.push(
      `| ${test} | ${fmt.int(ks)} | ${fmt.int(kl)} | ${fmt.ratio(kl, ks)} | ${fmt.int(rs)} | ${fmt.int(rl)} | ${fmt.ratio(rl, rs)} | ${fmt.ratio(ks, rs)} | ${fmt.ratio(kl, rl)} |`,
    );
  }
  return lines.join('\n');
}

async function run(options: RunOptions) {
  const made = provenance(options, 'scale.ts');
  const { small, large, requests } = SIZES[options.profile];
  const targets: Target[] = [];
  const commands = new Set<string>();
  let rates: Rates;
  try {
    for (const keys of [small, large]) for (const kind of SERVER_KINDS) targets.push(await startTarget(kind, keys));
    rates = await measure(targets, requests, options, commands);
  } finally {
    await Promise.all(targets.map((t) => stopBenchServer(t.server)));
  }
  const text = table(rates, small, large);
  const markdown = [
    '## Scale: throughput with a small and a large key space',
    '',
    made,
    '',
    `Four servers run side by side: each kind holding ${fmt.int(small)} keys and each holding ${fmt.int(large)}. Against each, redis-benchmark runs GET and SET over`,
    `random keys of its whole key space (\`-r\`, so every GET hits and every SET overwrites), pipeline 16, 50 clients, 3-byte values, ${fmt.int(requests)} requests:`,
    `one untimed warm-up run each, then ${options.rounds} round(s) over the four, the order reversed every other round (medians), so that the machine's changing load`,
    'falls alike on both sizes. The keys are loaded by the bench process (on CPU 1) with pipelined SETs named as redis-benchmark names them',
    '(`key:` and twelve zero-padded digits); DEBUG POPULATE, which both servers have, names keys `key:N` unpadded, which redis-benchmark would never hit.',
    `Ratios ${fmt.int(large)}/${fmt.int(small)} show what the larger key space costs each server; Keyhive/Redis compares them at each size.`,
    '',
    ...tableAndCommands(text, commands),
  ].join('\n');
  return { table: text, markdown };
}

export const scale: Section = { name: 'scale', inDefault: false, run };
