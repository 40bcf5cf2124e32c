/**
 * Side-by-side benchmark of Keyhive and redis-server with redis-benchmark.
 *
 *   npm run bench                        default profile (about two minutes)
 *   npm run bench -- --quick             one round, fewer requests (a smoke test)
 *   npm run bench -- --full              five rounds, more requests, more commands
 *   npm run bench -- --tests set,lpush   any redis-benchmark test names
 *
 * Each server runs as its own process pinned to CPU 0 and redis-benchmark to
 * CPU 1 (when there are two CPUs and taskset). Every scenario (pipeline 1 or
 * 16, 3- or 100-byte values, 50 clients) runs against both servers, in an
 * order that alternates between rounds; the medians of the rounds give
 * requests per second and p50/p99 latency. The table of Keyhive/Redis ratios
 * is printed and written to bench/RESULTS.md with the machine and the exact
 * commands.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, REDIS_SERVER } from '../test/support/servers.js';
import { RawClient } from '../test/support/raw-client.js';
import { markedSections } from './results-section.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench/RESULTS.md');
const CLIENTS = 50;

/** redis-benchmark test names; more (e.g. spop, rpush, lrange_300) can be given with --tests. */
const CORE_TESTS = ['set', 'get', 'incr', 'mset'];
const MORE_TESTS = ['lpush', 'lpop', 'sadd', 'hset', 'zadd', 'lrange_100'];

interface Profile {
  rounds: number;
  /** Requests per test, by pipeline depth. */
  requests: Record<number, number>;
  tests: string[];
}

const PROFILES: Record<string, Profile> = {
  quick: { rounds: 1, requests: { 1: 5000, 16: 20000 }, tests: CORE_TESTS },
  default: { rounds: 3, requests: { 1: 30000, 16: 200000 }, tests: CORE_TESTS },
  full: { rounds: 5, requests: { 1: 200000, 16: 1000000 }, tests: [...CORE_TESTS, ...MORE_TESTS] },
};

interface Scenario {
  pipeline: number;
  valueSize: number;
}

const SCENARIOS: Scenario[] = [
  { pipeline: 1, valueSize: 3 },
  { pipeline: 1, valueSize: 100 },
  { pipeline: 16, valueSize: 3 },
  { pipeline: 16, valueSize: 100 },
];

type ServerKind = 'keyhive' | 'redis';

interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

interface BenchServer {
  kind: ServerKind;
  port: number;
  command: string[];
  process: ChildProcess;
}

function parseArgs(argv: string[]): Profile {
  let profile = PROFILES.default;
  let tests: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') profile = PROFILES.quick;
    else if (arg === '--full') profile = PROFILES.full;
    else if (arg === '--tests' && argv[i + 1]) tests = argv[++i].split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg}; use --quick, --full or --tests a,b,c`);
  }
  return tests ? { ...profile, tests } : profile;
}

function haveTaskset(): boolean {
  return os.availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

const PINNED = haveTaskset();
/** Other work on the machine skews the figures; the report says how busy it was. */
const LOAD_AT_START = os.loadavg();

/** The command prefixed with `taskset -c cpu` when pinning is possible. */
function onCpu(cpu: number, command: string[]): string[] {
  return PINNED ? ['taskset', '-c', String(cpu), ...command] : command;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      const reply = await c.call('PING');
      c.close();
      if (reply === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no server answered PING on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startBenchServer(kind: ServerKind): Promise<BenchServer> {
  const port = await freePort();
  const command = onCpu(
    0,
    kind === 'keyhive'
      ? ['node', 'bin/keyhive', '--port', String(port), '--loglevel', 'warning']
      : [REDIS_SERVER, '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
  );
  const child = spawn(command[0], command.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPing(port);
  return { kind, port, command, process: child };
}

function stopBenchServer(server: BenchServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.process.exitCode !== null) return resolve();
    server.process.once('exit', () => resolve());
    server.process.kill('SIGKILL');
  });
}

function benchmarkCommand(port: number, scenario: Scenario, tests: string[], requests: number): string[] {
  return onCpu(1, [
    'redis-benchmark', '-p', String(port), '-t', tests.join(','), '-c', String(CLIENTS), '-n', String(requests),
    '-P', String(scenario.pipeline), '-d', String(scenario.valueSize), '--csv',
  ]);
}

/** Rows of redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms". */
function parseCsv(csv: string): Map<string, Sample> {
  const samples = new Map<string, Sample>();
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header.split(',').map((c) => c.replace(/"/g, ''));
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`redis-benchmark --csv has no ${name} column: ${header}`);
    return i;
  };
  const [rps, p50, p99] = [at('rps'), at('p50_latency_ms'), at('p99_latency_ms')];
  for (const row of rows) {
    const cells = row.split('","').map((c) => c.replace(/"/g, ''));
    samples.set(cells[0], { rps: Number(cells[rps]), p50: Number(cells[p50]), p99: Number(cells[p99]) });
  }
  return samples;
}

function runBenchmark(command: string[]): Promise<Map<string, Sample>> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 || /ERR/.test(out + err)) reject(new Error(`${command.join(' ')} failed (${code}): ${err}${out}`));
      else resolve(parseCsv(out));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianSample(samples: Sample[]): Sample {
  return { rps: median(samples.map((s) => s.rps)), p50: median(samples.map((s) => s.p50)), p99: median(samples.map((s) => s.p99)) };
}

interface Row {
  scenario: Scenario;
  test: string;
  keyhive: Sample;
  redis: Sample;
}

const fmt = {
  rps: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => n.toFixed(3),
  ratio: (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2)),
};

function resultsTable(rows: Row[]): string {
  const lines = [
    '| pipeline | value | test | Keyhive req/s | Redis req/s | req/s ratio | Keyhive p50 / p99 ms | Redis p50 / p99 ms | p50 ratio | p99 ratio |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { scenario, test, keyhive, redis } of rows) {
    lines.push(
      `| ${scenario.pipeline} | ${scenario.valueSize} B | ${test} | ${fmt.rps(keyhive.rps)} | ${fmt.rps(redis.rps)} | ${fmt.ratio(keyhive.rps, redis.rps)} | ` +
        `${fmt.ms(keyhive.p50)} / ${fmt.ms(keyhive.p99)} | ${fmt.ms(redis.p50)} / ${fmt.ms(redis.p99)} | ${fmt.ratio(keyhive.p50, redis.p50)} | ${fmt.ratio(keyhive.p99, redis.p99)} |`,
    );
  }
  return lines.join('\n');
}

/** A command line as a shell would need it typed. */
function shellJoin(command: string[]): string {
  return command.map((a) => (/^[\w@%+=:,./$-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function firstLine(command: string, args: string[]): string {
  return spawnSync(command, args, { encoding: 'utf8' }).stdout.split('\n')[0].trim();
}

/** The commit benchmarked, and whether the working tree differed from it. */
function sourceRevision(): string {
  const git = (...args: string[]) => spawnSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bin').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' plus uncommitted changes in src/' : ''}`;
}

function machineDescription(): string[] {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const keyhiveVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  return [
    `- CPUs (nproc): ${os.availableParallelism()}, ${cpu}`,
    `- Kernel: ${os.type()} ${os.release()}, memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average at start ${LOAD_AT_START.map((l) => l.toFixed(2)).join(' ')}`,
    `- Node.js ${process.version}, Keyhive ${keyhiveVersion} at commit ${sourceRevision()}`,
    `- ${firstLine(REDIS_SERVER, ['--version'])}`,
    `- ${firstLine('redis-benchmark', ['--version'])}`,
  ];
}

function report(profileName: string, profile: Profile, servers: BenchServer[], commands: string[], rows: Row[]): string {
  return [
    '# Keyhive vs Redis: redis-benchmark',
    '',
    `Made by \`npm run bench${profileName === 'default' ? '' : ` -- --${profileName}`}\` (bench/run.ts) on ${new Date().toISOString()}.`,
    '',
    `Each scenario ran against both servers in ${profile.rounds} round(s), alternating which server goes first; the figures are the medians.`,
    `Both servers ran as separate processes${PINNED ? ' pinned to CPU 0 (`taskset -c 0`), redis-benchmark pinned to CPU 1' : ' (not pinned: taskset or a second CPU is missing)'}.`,
    'Each server first got one untimed warm-up run. Ratios are Keyhive/Redis: above 1 in req/s means Keyhive is faster; below 1 in latency means Keyhive answers sooner.',
    '',
    '## Machine',
    '',
    ...machineDescription(),
    '',
    '## Results',
    '',
    resultsTable(rows),
    '',
    '## Commands',
    '',
    '```sh',
    ...servers.map((s) => `${shellJoin(s.command).replace(`--port ${s.port}`, '--port $PORT')}   # ${s.kind}`),
    ...commands,
    '```',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const profile = parseArgs(argv);
  const profileName = argv.includes('--quick') ? 'quick' : argv.includes('--full') ? 'full' : 'default';
  const servers = [await startBenchServer('keyhive'), await startBenchServer('redis')];
  const samples = new Map<string, Record<ServerKind, Sample[]>>();
  const commands = new Set<string>();
  try {
    for (const server of servers) await runBenchmark(benchmarkCommand(server.port, SCENARIOS[0], profile.tests, profile.requests[1]));
    for (let round = 0; round < profile.rounds; round++) {
      for (const scenario of SCENARIOS) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const command = benchmarkCommand(server.port, scenario, profile.tests, profile.requests[scenario.pipeline]);
          commands.add(shellJoin(command).replace(`-p ${server.port}`, '-p $PORT'));
          process.stderr.write(`round ${round + 1}/${profile.rounds} ${server.kind} -P ${scenario.pipeline} -d ${scenario.valueSize}\n`);
          for (const [test, sample] of await runBenchmark(command)) {
            const key = `${scenario.pipeline}|${scenario.valueSize}|${test}`;
            const entry = samples.get(key) ?? { keyhive: [], redis: [] };
            entry[server.kind].push(sample);
            samples.set(key, entry);
          }
        }
      }
    }
  } finally {
    await Promise.all(servers.map(stopBenchServer));
  }
  const rows: Row[] = [...samples].map(([key, byServer]) => {
    const [pipeline, valueSize, test] = key.split('|');
    return { scenario: { pipeline: Number(pipeline), valueSize: Number(valueSize) }, test, keyhive: medianSample(byServer.keyhive), redis: medianSample(byServer.redis) };
  });
  const text = report(profileName, profile, servers, [...commands], rows);
  // Other benchmarks' sections (bench/results-section.ts) stay.
  const others = fs.existsSync(RESULTS_FILE) ? markedSections(fs.readFileSync(RESULTS_FILE, 'utf8')) : '';
  fs.writeFileSync(RESULTS_FILE, others ? `${text}\n${others}` : text);
  process.stdout.write(`${resultsTable(rows)}\n\nWritten to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
