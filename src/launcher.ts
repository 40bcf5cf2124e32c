/**
 * What bin/keyhive runs. Two V8 settings that matter to a server are fixed
 * when Node starts, so when either needs a value other than Node's default
 * the launcher runs the server in a child Node started with them:
 *
 * - The heap limit, kept consistent with maxmemory: --max-old-space-size
 *   sized for it (heapLimitMb). Without maxmemory the server runs under
 *   Node's limit, and the heap guard (store/heap-guard.ts) keeps it from
 *   running out.
 * - V8's worker threads (--v8-pool-size), which run its concurrent and
 *   parallel GC work. Node starts four whatever the machine; where the
 *   server may use fewer CPUs than that plus its own thread, they take
 *   turns with it on the same CPU, and a request arriving during a major
 *   collection waits for all of them: on one CPU, mass expiry's PING round
 *   trips peaked at 17-21 ms with four and 7-11 ms with one (v8PoolSize).
 *
 * Options the user gave in the Node options (command line or NODE_OPTIONS)
 * are kept; with nothing to change, the server runs in this process.
 *
 * The parent stays as a thin supervisor: it forwards SIGINT, SIGTERM and
 * SIGHUP and exits as the child did (with its code, or by the same signal).
 * The child has a process group of its own, so a terminal's Ctrl-C reaches
 * it once, through the parent; and it exits when its IPC channel to the
 * parent closes, so it is never left running if the parent is killed. The
 * parent loads only the configuration code, not the server, so that
 * starting twice costs little.
 *
 * With `daemonize yes` the server runs in a detached child instead, with no
 * terminal (its log goes to logfile, or nowhere, as Redis's does), and the
 * launcher exits 0 once that child listens. Redis's parent exits before its
 * server has bound; waiting for it means a script's next command finds the
 * server, and a server that cannot start shows its error and exit code 1.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { capYoungGeneration } from './store/young-generation.js';
import { Config } from './config.js';
import { applyDirectives, commandLineDirectives } from './config-file.js';

/** Set in the child's environment to the V8 options it was started with. */
const CHILD_MARK = 'KEYHIVE_V8_OPTIONS';
/** Set in a daemon's environment: it tells the launcher that started it when it listens. */
const DAEMON_MARK = 'KEYHIVE_DAEMON';
/** Node's V8 worker threads unless told otherwise. */
const NODE_DEFAULT_POOL_SIZE = 4;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const MB = 1024 * 1024;

/** V8 old space for a maxmemory: the data, half as much again for garbage between collections, and a margin for the rest. */
export function heapLimitMb(maxmemory: number): number {
  return Math.ceil((maxmemory * 1.5) / MB) + 256;
}

/** The configuration the command line (and its config file) gives; the defaults when it cannot be read (main then reports why). */
function commandLineConfig(argv: string[]): Config {
  try {
    const config = new Config();
    applyDirectives(config, commandLineDirectives(argv).directives);
    return config;
  } catch {
    return new Config();
  }
}

/** Whether the Node options (command line or NODE_OPTIONS) mention a V8 option. */
function nodeOptionGiven(name: string): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((option) => option.includes(name));
}

/** V8 worker threads for a server that may run on cpus CPUs: one CPU is its own thread's, the others theirs, one at least and no more than Node's default. */
export function v8PoolSize(cpus: number): number {
  return Math.min(NODE_DEFAULT_POOL_SIZE, Math.max(1, cpus - 1));
}

/** The V8 options the server needs and Node's defaults do not give; none when the user set them. */
function v8Options(config: Config): string[] {
  const options: string[] = [];
  const maxmemory = config.getNumber('maxmemory');
  if (maxmemory !== 0 && !nodeOptionGiven('max-old-space-size')) options.push(`--max-old-space-size=${heapLimitMb(maxmemory)}`);
  // availableParallelism counts the CPUs this process may run on (its affinity), not the machine's.
  const poolSize = v8PoolSize(os.availableParallelism());
  if (poolSize !== NODE_DEFAULT_POOL_SIZE && !nodeOptionGiven('v8-pool-size')) options.push(`--v8-pool-size=${poolSize}`);
  return options;
}

/** Runs the server for the command line argv; script is the launcher's own path, for the child. */
export async function launch(script: string, argv: string[]): Promise<void> {
  // See store/young-generation.ts; a user's own semi-space option wins.
  if (!nodeOptionGiven('semi-space')) capYoungGeneration();
  const isDaemon = process.env[DAEMON_MARK] !== undefined;
  if (process.env[CHILD_MARK] !== undefined) exitWithParent();
  else if (!isDaemon) {
    const config = commandLineConfig(argv);
    const options = v8Options(config);
    if (config.getBool('daemonize')) return daemonize(script, argv, options);
    if (options.length > 0) return supervise(script, argv, options);
  }
  const { main } = await import('./cli.js');
  return main(argv, isDaemon ? leaveLauncher : undefined);
}

/**
 * Starts the server as a daemon: detached, with no terminal, and its error
 * output relayed only until it listens. Exits 0 then, or as the server did
 * if it could not start.
 */
function daemonize(script: string, argv: string[], options: string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...options, script, ...argv], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    detached: true,
    env: { ...process.env, [DAEMON_MARK]: '1' },
  });
  child.stderr?.pipe(process.stderr, { end: false });
  child.once('message', () => {
    child.stderr?.destroy();
    child.disconnect();
    child.unref();
    process.exit(0);
  });
  child.once('exit', (code) => process.exit(code ?? 1));
}

/** The daemon listens: the launcher waiting for it may go, and with it the reader of this process's error output. */
function leaveLauncher(): void {
  process.stderr.on('error', () => {});
  process.send?.('listening', () => process.disconnect());
}

function supervise(script: string, argv: string[], options: string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...options, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, [CHILD_MARK]: options.join(' ') },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.once('exit', (code, signal) => {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function exitWithParent(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.exit(1));
}
