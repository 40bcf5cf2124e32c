/**
 * Running redis-benchmark (pinned to the load CPU) and reading its output:
 * the --csv rows, or the latency percentile distribution it prints
 * without --csv.
 */
import { spawn } from 'node:child_process';
import { onCpu, shellJoin } from './common.js';

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

/** The redis-benchmark command line against port, pinned to CPU 1. */
export function benchmarkCommand(port: number, args: string[]): string[] {
  return onCpu(1, ['redis-benchmark', '-p', String(port), ...args]);
}

/** The command as the report shows it, with the port left as $PORT. */
export function shownCommand(command: string[], port: number): string {
  return shellJoin(command).replace(`-p ${port}`, '-p $PORT');
}

/** Runs the command and returns its standard output; an ERR anywhere fails it. */
export function runBenchmark(command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 || /ERR/.test(out + err)) reject(new Error(`${command.join(' ')} failed (${code}): ${err}${out}`));
      else resolve(out);
    });
  });
}

/** Rows of redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms". */
export function parseCsv(csv: string): Map<string, Sample> {
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

export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * Per test, latency percentiles in ms from redis-benchmark's plain output.
 * p50, p99 and max are the summary's; p99.9 is the first line of its
 * "Latency by percentile distribution" at or past 99.9% (HdrHistogram
 * iterates by halving steps, so that line is the 99.902% one).
 */
export function parsePercentiles(output: string): Map<string, Percentiles> {
  const result = new Map<string, Percentiles>();
  const blocks = output.split(/^====== (.+) ======$/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const [test, text] = [blocks[i], blocks[i + 1]];
    const summary = /^\s+avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/m.exec(text);
    const tail = [...text.matchAll(/^([\d.]+)% <= ([\d.]+) milliseconds/gm)].find((m) => Number(m[1]) >= 99.9);
    if (!summary || !tail) throw new Error(`no latency distribution for ${test} in redis-benchmark's output`);
    result.set(test, { p50: Number(summary[3]), p99: Number(summary[5]), p999: Number(tail[2]), max: Number(summary[6]) });
  }
  return result;
}
