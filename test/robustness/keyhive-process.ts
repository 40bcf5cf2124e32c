/**
 * Keyhive as a separate process (`node bin/keyhive --port 0`), for tests that
 * must see the real binary survive (or not) and that want the server's file
 * descriptors apart from the test's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from dist/test/robustness/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface KeyhiveProcess {
  readonly port: number;
  /** The process spawned: the launcher, which may run the server in a child of its own (src/launcher.ts). */
  readonly child: ChildProcess;
  /** The server's own process, as its ready line names it. */
  readonly serverPid: number;
  /** Everything the server printed so far (its log). */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resolves when the process has exited, with how. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it and waits for the exit. */
  stop(): Promise<void>;
}

/** The resident memory of a process (VmRSS), in bytes. */
export function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

const READY_LINE = /ready to accept connections .* port (\d+).*, PID: (\d+)/;

/**
 * Starts bin/keyhive on a free port of 127.0.0.1: [prefix] node nodeArgs bin/keyhive [configFile] --port 0 --bind 127.0.0.1 extraArgs.
 * extraArgs are keyhive's options, nodeArgs Node's (--expose-gc...), prefix a command that runs node (taskset -c 0).
 */
export function spawnKeyhive(extraArgs: string[] = [], nodeArgs: string[] = [], configFile?: string, prefix: string[] = []): Promise<KeyhiveProcess> {
  const fileArg = configFile === undefined ? [] : [configFile];
  const [command, ...args] = [...prefix, process.execPath, ...nodeArgs, path.join(REPO_ROOT, 'bin/keyhive'), ...fileArg, '--port', '0', '--bind', '127.0.0.1', ...extraArgs];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const collect = (d: Buffer) => {
    log += d.toString('latin1');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onReady = () => {
      const m = READY_LINE.exec(log);
      if (!m) return;
      child.stdout.off('data', onReady);
      resolve({
        port: Number(m[1]),
        child,
        serverPid: Number(m[2]),
        output: () => log,
        alive: () => child.exitCode === null && child.signalCode === null,
        exited: () => exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout.on('data', onReady);
    child.once('exit', (code, signal) => reject(new Error(`keyhive exited before ready (code ${code}, signal ${signal}): ${log}`)));
  });
}
