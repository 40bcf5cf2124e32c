/**
 * Where the time goes: Keyhive and redis-server beside the floor server
 * (bench/floor-server.ts, a Node.js server that only finds where requests
 * end and answers +OK) and the same server with --store (which also keeps
 * SET's values in a Map and answers GET with them). redis-benchmark runs
 * SET and GET against each at pipeline 1 and 16, and the server's CPU time
 * (utime + stime from /proc/<pid>/stat) is read around each run, giving CPU
 * microseconds per request: the floor's is what Node's sockets cost, the
 * store floor's minus the floor's what the least SET and GET work costs in
 * Node, and Keyhive's minus the store floor's what the rest of its request
 * path (argv, dispatch, statistics, the keyspace's bookkeeping) costs.
 */
import fs from 'node:fs';
import { alternate, BENCH_KINDS, fmt, listPerKind, log, median, provenance, serverCommand, shellJoin, startBenchServer, stopBenchServer, tableAndCommands, type BenchServer, type RunOptions, type Section, type BenchKind } from './common.js';
import { benchmarkCommand, parseCsv, runBenchmark } from './redis-benchmark.js';

const PIPELINES = [1, 16] as const;
const REQUESTS = { quick: { 1: 5000, 16: 50000 }, default: { 1: 50000, 16: 400000 }, full: { 1: 200000, 16: 1000000 } };
const TICKS_PER_SECOND = 100;

/** CPU seconds the process has used (user + system); taskset execs the server, so the pid is the server's. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ", utime and stime are the 12th and 13th fields.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

interface Sample {
  rps: number;
  /** Server CPU microseconds per request. */
  cpuUs: number;
}

async function sample(server: BenchServer<BenchKind>, pipeline: number, requests: number): Promise<Map<string, Sample>> {
  const result = new Map<string, Sample>();
  for (const test of ['set', 'get']) {
    const command = benchmarkCommand(server.port, ['-t', test, '-c', '50', '-n', String(requests), '-P', String(pipeline), '-d', '3', '--csv']);
    const before = cpuSeconds(server.pid);
    const [[name, { rps }]] = [...parseCsv(await runBenchmark(command))];
    const cpu = cpuSeconds(server.pid) - before;
    result.set(name, { rps, cpuUs: (cpu * 1e6) / requests });
  }
  return result;
}

async function run(options: RunOptions) {
  const made = provenance(options, 'floor.ts');
  const servers: BenchServer<BenchKind>[] = [];
  const samples = new Map<string, Record<BenchKind, Sample[]>>();
  try {
    for (const kind of BENCH_KINDS) servers.push(await startBenchServer(kind));
    for (const server of servers) await sample(server, 16, REQUESTS[options.profile][16]);
    for (let round = 0; round < options.rounds; round++) {
      for (const pipeline of PIPELINES) {
        for (const server of alternate(servers, round)) {
          log(`floor: round ${round + 1}/${options.rounds} ${server.kind} -P ${pipeline}`);
          for (const [test, s] of await sample(server, pipeline, REQUESTS[options.profile][pipeline])) {
            const key = `${pipeline}|${test}`;
            const entry = samples.get(key) ?? listPerKind<Sample>();
            entry[server.kind].push(s);
            samples.set(key, entry);
          }
        }
      }
    }
  } finally {
    await Promise.all(servers.map(stopBenchServer));
  }
  const lines = [
    '| pipeline | test | floor req/s | store floor req/s | Keyhive req/s | Redis req/s | floor/Redis | store floor/Redis | Keyhive/Redis | server CPU µs per request (busy): floor / store floor / Keyhive / Redis |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [key, byKind] of samples) {
    const [pipeline, test] = key.split('|');
    const rps = (kind: BenchKind) => median(byKind[kind].map((s) => s.rps));
    const cpu = (kind: BenchKind) => {
      const us = median(byKind[kind].map((s) => s.cpuUs));
      return `${us.toFixed(2)} (${Math.round((us * rps(kind)) / 1e4)}%)`;
    };
    const rates = BENCH_KINDS.map((kind) => fmt.int(rps(kind)));
    const ratios = BENCH_KINDS.filter((kind) => kind !== 'redis').map((kind) => fmt.ratio(rps(kind), rps('redis')));
    lines.push(`| ${pipeline} | ${test} | ${rates.join(' | ')} | ${ratios.join(' | ')} | ${BENCH_KINDS.map(cpu).join(' / ')} |`);
  }
  const table = lines.join('\n');
  const markdown = [
    '## Where the time goes: the Node.js floor',
    '',
    made,
    '',
    'The floor server (bench/floor-server.ts) is the least a Node.js server does to serve redis-benchmark: it finds where each request ends and answers',
    "+OK, writing each connection's replies once per event-loop turn as Keyhive does; no keyspace, no dispatch, no reply encoder.",
    'The store floor is the same server with `--store`: it also makes strings of the key (and of a SET\'s value), keeps values in a JS Map, and answers GET',
    'with the value as a bulk string: the least work SET and GET need in Node.js, with no argument vector, command table, expiry, statistics or memory accounting.',
    `All four servers run pinned to CPU 0 at once (idle but for the one measured), redis-benchmark (50 clients, 3-byte values) on CPU 1; ${options.rounds} round(s), alternating the order, medians.`,
    "Server CPU per request is the server process's user + system time (from /proc/<pid>/stat, 10 ms ticks) over the run, divided by its requests.",
    'Busy is that CPU time over the run\'s length: a server well under 100% busy was waiting for redis-benchmark (one thread on CPU 1), which then set the pace.',
    '',
    ...tableAndCommands(table, [
      `${shellJoin(serverCommand('floor', 0)).replace('--port 0', '--port $PORT')}   # and --store`,
      ...PIPELINES.map((p) => `taskset -c 1 redis-benchmark -p $PORT -t set -c 50 -n ${REQUESTS[options.profile][p]} -P ${p} -d 3 --csv   # and -t get`),
    ]),
  ].join('\n');
  return { table, markdown };
}

export const floor: Section = { name: 'floor', inDefault: true, run };
