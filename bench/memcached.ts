/**
 * The memcached front end beside Debian's memcached: libmemcached's memcslap
 * sets, then gets, keys over 50 connections (one thread each, each waiting
 * for its reply), against Keyhive's --memcached-port and against memcached
 * with one worker thread, each pinned to CPU 0 with the load on CPU 1.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { freePort } from '../test/support/servers.js';
import { MEMCACHED, MemcachedClient } from '../test/support/memcached.js';
import { alternate, fmt, log, median, onCpu, provenance, serverCommand, shellJoin, sleep, spawnServer, stopProcess, tableAndCommands, waitForPong, type RunOptions, type Section } from './common.js';

type Kind = 'keyhive' | 'memcached';
const KINDS: Kind[] = ['keyhive', 'memcached'];
const TESTS = ['set', 'get'] as const;
const CONCURRENCY = 50;
/** Requests per connection: memcslap's --execute-number. */
const PER_CONNECTION = { quick: 200, default: 2000, full: 4000 };

/** The command line of a memcached-speaking server of kind on memcachedPort (Keyhive's Redis port beside it). */
function command(kind: Kind, memcachedPort: number, redisPort: number): string[] {
  if (kind === 'keyhive') return serverCommand('keyhive', redisPort, ['--memcached-port', String(memcachedPort)]);
  const user = os.userInfo().uid === 0 ? ['-u', 'root'] : [];
  return onCpu(0, [MEMCACHED, '-p', String(memcachedPort), '-U', '0', '-l', '127.0.0.1', '-t', '1', ...user]);
}

async function waitForMemcached(port: number): Promise<void> {
  for (let waited = 0; ; waited += 50) {
    try {
      (await MemcachedClient.connect(port)).close();
      return;
    } catch {
      if (waited > 15000) throw new Error(`nothing answered on port ${port}`);
      await sleep(50);
    }
  }
}

function memcslap(port: number, test: string, perConnection: number): string[] {
  return onCpu(1, ['memcslap', `--servers=127.0.0.1:${port}`, `--concurrency=${CONCURRENCY}`, `--execute-number=${perConnection}`, `--test=${test}`]);
}

/** Requests a second memcslap's test took, from its "Time to <test> N keys by M threads: S seconds." line. */
function requestsPerSecond(output: string, test: string): number {
  const m = new RegExp(`Time to ${test}\\s+(\\d+) keys by\\s+\\d+ threads:\\s+([\\d.]+) seconds`).exec(output);
  if (m === null) throw new Error(`memcslap printed no ${test} time:\n${output}`);
  return Number(m[1]) / Number(m[2]);
}

async function measure(kind: Kind, perConnection: number): Promise<Record<(typeof TESTS)[number], number>> {
  const [memcachedPort, redisPort] = [await freePort(), await freePort()];
  const child = spawnServer(command(kind, memcachedPort, redisPort));
  try {
    if (kind === 'keyhive') await waitForPong(redisPort);
    await waitForMemcached(memcachedPort);
    const result = { set: 0, get: 0 };
    for (const test of TESTS) {
      const [bin, ...args] = memcslap(memcachedPort, test, perConnection);
      const run = spawnSync(bin, args, { encoding: 'utf8' });
      result[test] = requestsPerSecond(run.stdout + run.stderr, test);
    }
    return result;
  } finally {
    await stopProcess(child);
  }
}

async function run(options: RunOptions) {
  const made = provenance(options, 'memcached.ts');
  const perConnection = PER_CONNECTION[options.profile];
  const samples: Record<Kind, Record<string, number[]>> = { keyhive: { set: [], get: [] }, memcached: { set: [], get: [] } };
  for (let round = 0; round < options.rounds; round++) {
    for (const kind of alternate(KINDS, round)) {
      const result = await measure(kind, perConnection);
      for (const test of TESTS) samples[kind][test].push(result[test]);
    }
    log(`memcached: round ${round + 1}/${options.rounds}`);
  }
  const rows = TESTS.map((test) => {
    const [ours, theirs] = [median(samples.keyhive[test]), median(samples.memcached[test])];
    return `| ${test.toUpperCase()} | ${fmt.int(ours)} | ${fmt.int(theirs)} | ${fmt.ratio(ours, theirs)} |`;
  });
  const table = ['| test | Keyhive req/s | memcached req/s | ratio |', '|---|---:|---:|---:|', ...rows].join('\n');
  const markdown = [
    '## memcached front end (memcslap)',
    '',
    made,
    '',
    `memcslap (libmemcached-tools) against Keyhive's \`--memcached-port\` and against Debian's memcached with one worker thread (\`-t 1\`), each pinned to CPU 0, memcslap on CPU 1:`,
    `${CONCURRENCY} connections, one thread each, each sending ${fmt.int(perConnection)} requests and waiting for every reply. The get test first sets its keys.`,
    `${options.rounds} round(s), alternating which server goes first; medians. Ratios are Keyhive/memcached.`,
    '',
    ...tableAndCommands(
      table,
      [shellJoin(command('memcached', 11211, 0)), shellJoin(command('keyhive', 11211, 6379)), ...TESTS.map((test) => shellJoin(memcslap(11211, test, perConnection)))],
    ),
  ].join('\n');
  return { table, markdown };
}

export const memcached: Section = { name: 'memcached', inDefault: false, run };
