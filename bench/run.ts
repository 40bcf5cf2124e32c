/**
 * Side-by-side benchmark of Keyhive and redis-server on this machine, in one
 * run: each section measures both servers and reports Keyhive/Redis ratios.
 *
 *   npm run bench                           the default sections (about five minutes)
 *   npm run bench -- --quick                one round, small sizes (a smoke test)
 *   npm run bench -- --full                 every section, more rounds and sizes
 *   npm run bench -- --only memory,startup  just these sections (any profile)
 *   npm run bench -- --tests set,lpush      redis-benchmark tests of the throughput section
 *
 * Sections: throughput, floor, latency, startup, memory, expiry (default),
 * commands (--full or --only: some fifty commands beyond redis-benchmark's
 * tests, a few minutes), memcached (--full or --only: the memcached front end
 * beside memcached, with memcslap) and scale (--full or --only: it loads ten
 * million keys). Servers run pinned to CPU 0, everything that loads them
 * (redis-benchmark, and this process's loaders and latency clients) on CPU 1.
 * Each section's table is printed and written as its own section of
 * bench/RESULTS.md, with how it was made; sections not run keep their
 * previous text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REDIS_SERVER } from '../test/support/servers.js';
import { loadAverage, log, PINNED, pinSelfToLoadCpu, REPO_ROOT, serverCommand, shellJoin, SERVER_KINDS, type ProfileName, type RunOptions, type Section } from './common.js';
import { commands } from './commands.js';
import { expiry } from './expiry.js';
import { latency } from './latency.js';
import { memory } from './memory.js';
import { markedSections, writeSection } from './results-section.js';
import { scale } from './scale.js';
import { startup } from './startup.js';
import { CORE_TESTS, MORE_TESTS, throughput } from './throughput.js';
import { floor } from './floor.js';
import { memcached } from './memcached.js';

const RESULTS_FILE = path.join(REPO_ROOT, 'bench/RESULTS.md');
const SECTIONS: Section[] = [throughput, floor, latency, startup, memory, expiry, commands, memcached, scale];
const ROUNDS: Record<ProfileName, number> = { quick: 1, default: 3, full: 5 };

interface Plan {
  options: RunOptions;
  sections: Section[];
}

function parseArgs(argv: string[]): Plan {
  let profile: ProfileName = 'default';
  let tests: string[] | null = null;
  let only: string[] | null = null;
  const list = (i: number) => (argv[i] ?? '').split(',').filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') profile = 'quick';
    else if (arg === '--full') profile = 'full';
    else if (arg === '--tests') tests = list(++i);
    else if (arg === '--only') only = list(++i);
    else throw new Error(`unknown argument ${arg}; use --quick, --full, --only ${SECTIONS.map((s) => s.name).join(',')} or --tests a,b,c`);
  }
  const unknown = only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`no section ${unknown.join(', ')}; sections are ${SECTIONS.map((s) => s.name).join(', ')}`);
  const sections = SECTIONS.filter((s) => (only ? only.includes(s.name) : profile === 'full' || s.inDefault));
  const invocation = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  return {
    options: { profile, rounds: ROUNDS[profile], invocation, tests: tests ?? (profile === 'full' ? [...CORE_TESTS, ...MORE_TESTS] : CORE_TESTS) },
    sections,
  };
}

function firstLine(command: string, args: string[]): string {
  return spawnSync(command, args, { encoding: 'utf8' }).stdout.split('\n')[0].trim();
}

/** What bench/RESULTS.md says before the sections: how to run it, the method every section shares, the machine. */
function preamble(): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return [
    '# Keyhive vs Redis: benchmarks',
    '',
    '`npm run bench` (bench/run.ts) measures Keyhive beside redis-server 7.0 on the same machine in the same run and writes each section below',
    '(`--only throughput,floor,latency,startup,memory,expiry,commands,memcached,scale` picks sections; `--full` adds the commands, memcached and scale sections, more rounds and sizes; `--quick` is a smoke test).',
    'Each section says what made it, when, at which commit, and the load average as it started.',
    '',
    '**These figures are for the record, not for assertions.** The machine has two CPUs and is shared: other engineers run test suites on it',
    'while benchmarks run (load averages of 4 to 8 are common), so every figure carries noise, the tails most of all.',
    '',
    '## Method',
    '',
    `- Each server is its own process${PINNED ? ', pinned to CPU 0 (`taskset -c 0`)' : ' (not pinned: taskset or a second CPU is missing)'}, started as below (port chosen free).`,
    `- Load comes from CPU 1${PINNED ? '' : ' (unpinned here)'}: redis-benchmark (\`taskset -c 1\`), and the bench process itself (pinned with \`taskset -a -p\`), which loads data sets with pipelined RESP and runs the latency clients.`,
    '- Repeated measurements alternate which server goes first and report medians. Ratios are Keyhive/Redis.',
    '',
    '```sh',
    ...SERVER_KINDS.map((kind) => `${shellJoin(serverCommand(kind, 0)).replace('--port 0', '--port $PORT')}   # ${kind}`),
    '```',
    '',
    '## Machine',
    '',
    `- CPUs: ${os.cpus().length}, ${cpu}; memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}, Keyhive ${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}`,
    `- ${firstLine(REDIS_SERVER, ['--version'])}`,
    `- ${firstLine('redis-benchmark', ['--version'])}`,
    '',
  ].join('\n');
}

/** Rewrites the preamble and keeps every marked section (ours and other benchmarks'). */
function rewritePreamble(): void {
  const sections = fs.existsSync(RESULTS_FILE) ? markedSections(fs.readFileSync(RESULTS_FILE, 'utf8')) : '';
  fs.writeFileSync(RESULTS_FILE, `${preamble()}\n${sections}`);
}

async function main(): Promise<void> {
  const { options, sections } = parseArgs(process.argv.slice(2));
  pinSelfToLoadCpu();
  log(`${options.invocation}: ${sections.map((s) => s.name).join(', ')}; load average ${loadAverage()}`);
  rewritePreamble();
  for (const section of sections) {
    const started = performance.now();
    const report = await section.run(options);
    log(`${section.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    writeSection(RESULTS_FILE, section.name, report.markdown);
    process.stdout.write(`\n${section.name}\n${report.table}\n`);
  }
  process.stdout.write(`\nWritten to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
