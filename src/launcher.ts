/**
 * What bin/keyhive runs. V8 fixes its heap limit when Node starts, so to
 * keep that limit consistent with maxmemory the launcher runs the server in
 * a child Node started with --max-old-space-size sized for the configured
 * maxmemory (heapLimitMb). Without maxmemory, or when the user set the limit
 * in the Node options, the server runs in this process under that limit,
 * and the heap guard (store/heap-guard.ts) keeps it from running out.
 *
 * The parent stays as a thin supervisor: it forwards SIGINT, SIGTERM and
 * SIGHUP and exits as the child did (with its code, or by the same signal).
 * The child has a process group of its own, so a terminal's Ctrl-C reaches
 * it once, through the parent; and it exits when its IPC channel to the
 * parent closes, so it is never left running if the parent is killed.
 */
import { spawn } from 'node:child_process';
import { capYoungGeneration } from './store/young-generation.js';
import { Config } from './config.js';
import { applyDirectives, commandLineDirectives, main } from './cli.js';

/** Set in the child's environment: it runs under a heap limit sized for its maxmemory. */
const SIZED_MARK = 'KEYHIVE_HEAP_SIZED';
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const MB = 1024 * 1024;

/** V8 old space for a maxmemory: the data, half as much again for garbage between collections, and a margin for the rest. */
export function heapLimitMb(maxmemory: number): number {
  return Math.ceil((maxmemory * 1.5) / MB) + 256;
}

/** maxmemory as the command line sets it; 0 when it cannot be read (main then reports why). */
function configuredMaxmemory(argv: string[]): number {
  try {
    const config = new Config();
    applyDirectives(config, commandLineDirectives(argv).directives);
    return config.getNumber('maxmemory');
  } catch {
    return 0;
  }
}

/** Whether the Node options (command line or NODE_OPTIONS) mention a V8 option. */
function nodeOptionGiven(name: string): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((option) => option.includes(name));
}

/** Runs the server for the command line argv; script is the launcher's own path, for the child. */
export async function launch(script: string, argv: string[]): Promise<void> {
  // See store/young-generation.ts; a user's own semi-space option wins.
  if (!nodeOptionGiven('semi-space')) capYoungGeneration();
  if (process.env[SIZED_MARK] !== undefined) {
    exitWithParent();
    return main(argv);
  }
  const maxmemory = configuredMaxmemory(argv);
  if (maxmemory === 0 || nodeOptionGiven('max-old-space-size')) return main(argv);
  supervise(script, argv, heapLimitMb(maxmemory));
}

function supervise(script: string, argv: string[], heapMb: number): void {
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${heapMb}`, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
    env: { ...process.env, [SIZED_MARK]: String(heapMb) },
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
