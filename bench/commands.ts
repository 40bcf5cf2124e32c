/**
 * Commands beyond redis-benchmark's -t tests, at pipeline 16 with 50
 * clients: the reads and writes of every family that caches, counters,
 * leaderboards and rate limiters send, each on data loaded beforehand (a
 * 1,000-field hash, a 1,000-member sorted set, a 600-element list, ...).
 * Every command ran once untimed on each server before its rounds, so the
 * figures are of compiled code on both sides. Each found slow paths the -t
 * tests do not reach (a sparse HLL walk, INCRBYFLOAT's long double
 * arithmetic, printing exact scores, LSET of an equal-length value).
 */
import { alternate, call, fmt, log, median, provenance, startBenchServer, stopBenchServer, tableAndCommands, type BenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { benchmarkCommand, parseCsv, runBenchmark, shownCommand, type Sample } from './redis-benchmark.js';

const CLIENTS = 50;
const PIPELINE = 16;
const REQUESTS = { quick: 20000, default: 200000, full: 400000 };
const WARM_UP_REQUESTS = 50000;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What each server holds before the first command runs. */
const DATA: string[][] = [
  ['SET', 'str', 'hello world'],
  ['SET', 'float', '3.5'],
  ['SET', 'counter', '100'],
  ['SET', 'ttlkey', 'v', 'EX', '100000'],
  ['MSET', ...range(10).flatMap((i) => [`k${i}`, 'value'])],
  ['HSET', 'smallhash', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3'],
  ['HSET', 'tablehash', ...range(1000).flatMap((i) => [`field:${i}`, `value:${i}`])],
  ['RPUSH', 'list', ...range(600).map(() => 'xxx')],
  ['SADD', 'set50', ...range(50).map((i) => `m${i}`)],
  ['SADD', 'set50b', ...range(50).map((i) => `m${2 * i}`)],
  ['ZADD', 'zset', ...range(1000).flatMap((i) => [String(i), `member:${i}`])],
  ['ZADD', 'decimalzset', ...range(100).flatMap((i) => [`${i}.5`, `m${i}`])],
  ['SETBIT', 'bits', '5000', '1'],
  ['PFADD', 'hll', ...range(1000).map((i) => `e${i}`)],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
];

/** The commands, by family; each leaves the data as able to serve the next run as it found it. */
const COMMANDS: string[][] = [
  ['GETRANGE', 'str', '0', '4'],
  ['STRLEN', 'str'],
  ['GETEX', 'str'],
  ['SETRANGE', 'str', '6', 'world'],
  ['SET', 'cache', 'value', 'EX', '3600'],
  ['SET', 'str', 'hello world', 'NX'],
  ['SETEX', 'session', '3600', 'value'],
  ['MGET', ...range(10).map((i) => `k${i}`)],
  ['INCRBYFLOAT', 'float', '0.5'],
  ['DECRBY', 'counter', '3'],
  ['EXISTS', 'str'],
  ['TYPE', 'str'],
  ['EXPIRE', 'ttlkey', '100000'],
  ['TTL', 'ttlkey'],
  ['DEL', 'missing'],
  ['HGET', 'smallhash', 'f2'],
  ['HGET', 'tablehash', 'field:500'],
  ['HMGET', 'tablehash', 'field:1', 'field:2', 'field:3'],
  ['HGETALL', 'smallhash'],
  ['HINCRBY', 'smallhash', 'hits', '1'],
  ['HINCRBYFLOAT', 'smallhash', 'score', '0.5'],
  ['HEXISTS', 'tablehash', 'field:7'],
  ['LINDEX', 'list', '300'],
  ['LSET', 'list', '5', 'yyy'],
  ['LRANGE', 'list', '0', '9'],
  ['LLEN', 'list'],
  ['SISMEMBER', 'set50', 'm7'],
  ['SMISMEMBER', 'set50', 'm1', 'm2', 'm99'],
  ['SMEMBERS', 'set50'],
  ['SINTER', 'set50', 'set50b'],
  ['SRANDMEMBER', 'set50'],
  ['ZSCORE', 'zset', 'member:500'],
  ['ZRANK', 'zset', 'member:500'],
  ['ZREVRANK', 'zset', 'member:500'],
  ['ZINCRBY', 'zset', '1', 'member:5'],
  ['ZRANGE', 'zset', '0', '9', 'WITHSCORES'],
  ['ZRANGE', 'decimalzset', '0', '9', 'WITHSCORES'],
  ['ZRANGEBYSCORE', 'zset', '10', '20'],
  ['ZCOUNT', 'zset', '10', '500'],
  ['SETBIT', 'bits', '1000', '1'],
  ['GETBIT', 'bits', '1000'],
  ['BITCOUNT', 'bits'],
  ['PFADD', 'hll', 'e5'],
  ['PFCOUNT', 'hll'],
  ['GEODIST', 'geo', 'Palermo', 'Catania', 'km'],
  ['GEOPOS', 'geo', 'Palermo'],
  ['GEOSEARCH', 'geo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
];

function commandLine(port: number, requests: number, command: string[]): string[] {
  return benchmarkCommand(port, ['-c', String(CLIENTS), '-n', String(requests), '-P', String(PIPELINE), '--csv', ...command]);
}

async function runOnce(port: number, requests: number, command: string[]): Promise<Sample> {
  const samples = [...parseCsv(await runBenchmark(commandLine(port, requests, command))).values()];
  if (samples.length !== 1) throw new Error(`redis-benchmark gave ${samples.length} rows for ${command.join(' ')}`);
  return samples[0];
}

async function load(server: BenchServer): Promise<void> {
  for (const argv of DATA) await call(server.port, ...argv);
}

interface Row {
  command: string[];
  rps: Record<ServerKind, number>;
}

async function measure(servers: BenchServer[], options: RunOptions, shown: Set<string>): Promise<Row[]> {
  const requests = REQUESTS[options.profile];
  const rows: Row[] = [];
  // The request path all commands share is compiled first, so that the first command's warm-up is as good as the last's.
  for (const server of servers) await runBenchmark(commandLine(server.port, 4 * WARM_UP_REQUESTS, ['-t', 'ping,set,get']));
  for (const command of COMMANDS) {
    const samples: Record<ServerKind, number[]> = { keyhive: [], redis: [] };
    for (const server of servers) await runOnce(server.port, Math.min(WARM_UP_REQUESTS, requests), command);
    for (let round = 0; round < options.rounds; round++) {
      for (const server of alternate(servers, round)) {
        log(`commands: ${command.join(' ')}: round ${round + 1}/${options.rounds} ${server.kind}`);
        samples[server.kind].push((await runOnce(server.port, requests, command)).rps);
      }
    }
    shown.add(shownCommand(commandLine(servers[0].port, requests, command), servers[0].port));
    rows.push({ command, rps: { keyhive: median(samples.keyhive), redis: median(samples.redis) } });
  }
  return rows;
}

function resultsTable(rows: Row[]): string {
  const lines = ['| command | Keyhive req/s | Redis req/s | ratio |', '|---|---:|---:|---:|'];
  for (const { command, rps } of rows) lines.push(`| ${command.join(' ')} | ${fmt.int(rps.keyhive)} | ${fmt.int(rps.redis)} | ${fmt.ratio(rps.keyhive, rps.redis)} |`);
  const ratios = rows.map((r) => r.rps.keyhive / r.rps.redis);
  lines.push(`| median of the ratios | | | ${median(ratios).toFixed(2)} |`);
  return lines.join('\n');
}

async function run(options: RunOptions) {
  const made = provenance(options, 'commands.ts');
  const servers = [await startBenchServer('keyhive'), await startBenchServer('redis')];
  const shown = new Set<string>();
  let rows: Row[];
  try {
    for (const server of servers) await load(server);
    rows = await measure(servers, options, shown);
  } finally {
    await Promise.all(servers.map(stopBenchServer));
  }
  const table = resultsTable(rows);
  const markdown = [
    `## More commands at pipeline ${PIPELINE} (redis-benchmark, ${CLIENTS} clients)`,
    '',
    made,
    '',
    `Each command ran against both servers in ${options.rounds} round(s) of ${fmt.int(REQUESTS[options.profile])} requests, alternating which server goes first, after one untimed run on each; the figures are the medians.`,
    'The data each command reads is loaded first: see DATA in bench/commands.ts. A ratio above 1 means Keyhive is faster.',
    '',
    ...tableAndCommands(table, shown),
  ].join('\n');
  return { table, markdown };
}

export const commands: Section = { name: 'commands', inDefault: false, run };
