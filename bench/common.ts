/**
 * What every section of `npm run bench` shares: how a run is set up,
 * starting Keyhive and redis-server as pinned processes, reading their
 * memory, pinning load to the other CPU, and small helpers for medians and
 * command lines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, REDIS_SERVER } from '../test/support/servers.js';
import { RawClient } from '../test/support/raw-client.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ProfileName = 'quick' | 'default' | 'full';

/** What a section of the benchmark is told about the run. */
export interface RunOptions {
  profile: ProfileName;
  /** Repetitions of each measurement, alternating which server goes first; sections report medians. */
  rounds: number;
  /** The command line that made the run, as the report quotes it. */
  invocation: string;
  /** redis-benchmark tests of the throughput section. */
  tests: string[];
}

/** A section's result: its table for the terminal and its whole text for bench/RESULTS.md. */
export interface SectionReport {
  table: string;
  markdown: string;
}

export interface Section {
  /** The name --only takes and the section's marker in bench/RESULTS.md. */
  name: string;
  /** Whether the default profile runs it (--full runs every section). */
  inDefault: boolean;
  run(options: RunOptions): Promise<SectionReport>;
}

/** The first line of a section's report: what made it, when, of which source, and how busy the machine was. */
export function provenance(options: RunOptions, module: string): string {
  return `Made by \`${options.invocation}\` (bench/${module}) on ${new Date().toISOString()} at commit ${sourceRevision()}; load average ${loadAverage()} at its start.`;
}

/** The commit benchmarked, and whether the working tree differed from it. */
export function sourceRevision(): string {
  const git = (...args: string[]) => spawnSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'bin').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' plus uncommitted changes in src/' : ''}`;
}

/** The two servers compared. */
export type ServerKind = 'keyhive' | 'redis';
export const SERVER_KINDS: ServerKind[] = ['keyhive', 'redis'];
/** Those two, or a floor: bench/floor-server.ts, the least a Node.js server does, alone or with a store of its own (see bench/floor.ts). */
export type BenchKind = ServerKind | 'floor' | 'floor-store';
export const BENCH_KINDS: BenchKind[] = ['floor', 'floor-store', 'keyhive', 'redis'];

/** An empty list per kind of server, for a section's samples. */
export function listPerKind<T>(): Record<BenchKind, T[]> {
  return { floor: [], 'floor-store': [], keyhive: [], redis: [] };
}

export interface BenchServer<K extends BenchKind = ServerKind> {
  kind: K;
  port: number;
  /** The command line that started it, as run (taskset included). */
  command: string[];
  /** What was spawned: the server, or for Keyhive the launcher, which may run the server in a child (src/launcher.ts). */
  process: ChildProcess;
  /** The server's own process, for its resident memory and CPU time. */
  pid: number;
}

function haveTaskset(): boolean {
  return os.availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** Servers run on CPU 0, everything that loads them (redis-benchmark, this process) on CPU 1. */
export const PINNED = haveTaskset();

/** The command prefixed with `taskset -c cpu` when pinning is possible. */
export function onCpu(cpu: number, command: string[]): string[] {
  return PINNED ? ['taskset', '-c', String(cpu), ...command] : command;
}

/** Moves this process (all its threads) to CPU 1, beside redis-benchmark, so its loaders and latency clients leave CPU 0 to the server. */
export function pinSelfToLoadCpu(): void {
  if (PINNED) spawnSync('taskset', ['-a', '-c', '-p', '1', String(process.pid)], { stdio: 'ignore' });
}

/** The command line that starts a server of this kind on port; extra are config flags Keyhive and Redis take (a floor takes none). */
export function serverCommand(kind: BenchKind, port: number, extra: string[] = []): string[] {
  const commands: Record<BenchKind, string[]> = {
    keyhive: ['node', 'bin/keyhive', '--port', String(port), '--loglevel', 'warning', ...extra],
    redis: [REDIS_SERVER, '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...extra],
    floor: ['node', 'dist/bench/floor-server.js', '--port', String(port)],
    'floor-store': ['node', 'dist/bench/floor-server.js', '--port', String(port), '--store'],
  };
  return onCpu(0, commands[kind]);
}

/** Resolves once a PING on port is answered with PONG; connection attempts are retryMs apart. */
export async function waitForPong(port: number, retryMs = 100, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
    await sleep(retryMs);
  }
}

export function spawnServer(command: string[]): ChildProcess {
  return spawn(command[0], command.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function startBenchServer<K extends BenchKind>(kind: K, extra: string[] = []): Promise<BenchServer<K>> {
  const port = await freePort();
  const command = serverCommand(kind, port, extra);
  const child = spawnServer(command);
  await waitForPong(port);
  // A floor has no INFO; it always runs in the process spawned.
  const pid = kind === 'floor' || kind === 'floor-store' ? (child.pid as number) : await infoNumber(port, 'server', 'process_id');
  return { kind, port, command, process: child, pid };
}

/** Kills the server; a launcher exits as its child did. */
export async function stopBenchServer(server: BenchServer<BenchKind>): Promise<void> {
  if (server.pid !== server.process.pid && server.process.exitCode === null && server.process.signalCode === null) process.kill(server.pid, 'SIGKILL');
  return stopProcess(server.process);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** One numeric field of an INFO section. */
export async function infoNumber(port: number, section: string, field: string): Promise<number> {
  const info = String(await call(port, 'INFO', section));
  const value = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1];
  if (value === undefined) throw new Error(`INFO ${section} has no ${field}`);
  return Number(value);
}

export async function call(port: number, ...args: string[]): Promise<unknown> {
  const c = await RawClient.connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The value at quantile q (0..1) of ascending sorted values: the smallest with at least q of them at or below it. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The end of a section's report: its table, then the commands that made it as a shell block. */
export function tableAndCommands(table: string, commands: Iterable<string>): string[] {
  return [table, '', '```sh', ...commands, '```'];
}

/** A command line as a shell would need it typed. */
export function shellJoin(command: string[]): string {
  return command.map((a) => (/^[\w@%+=:,./$-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The order servers take in round `round`: alternating, so neither always goes first. */
export function alternate<T>(items: T[], round: number): T[] {
  return round % 2 === 0 ? items : [...items].reverse();
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => n.toFixed(3),
  ratio: (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2)),
};

/** How busy the machine is now: other work skews the figures, so every section says. */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
