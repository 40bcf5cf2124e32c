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
  readonly child: ChildProcess;
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

const READY_LINE = /ready to accept connections .* port (\d+)/;

/** extraArgs are keyhive's options, nodeArgs Node's (--expose-gc...). */
/** Starts bin/keyhive on a free port of 127.0.0.1: node nodeArgs bin/keyhive [configFile] --port 0 --bind 127.0.0.1 extraArgs. */
export function spawnKeyhive(extraArgs: string[] = [], nodeArgs: string[] = [], configFile?: string): Promise<KeyhiveProcess> {
  const fileArg = configFile === undefined ? [] : [configFile];
  const child = spawn(process.execPath, [...nodeArgs, path.join(REPO_ROOT, 'bin/keyhive'), ...fileArg, '--port', '0', '--bind', '127.0.0.1', ...extraArgs], {
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
