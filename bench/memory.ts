/**
 * Memory per entry: a million string keys with 100-byte values (without and
 * with a TTL), a million-field hash and a million-member sorted set, each
 * loaded the same way into a freshly started server of each kind. Resident
 * memory (VmRSS) after the load minus that of the fresh server, per entry;
 * INFO's used_memory likewise.
 */
import { alternate, call, fmt, infoNumber, log, median, provenance, residentBytes, sleep, SERVER_KINDS, startBenchServer, stopBenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { load, resp } from './pipeline.js';

const ENTRIES = { quick: 100_000, default: 1_000_000, full: 1_000_000 };
const ROUNDS = { quick: 1, default: 1, full: 3 };
/** Wait after start-up and after the last reply before reading memory. */
const SETTLE_MS = 2000;
const VALUE = 'v'.repeat(100);
/** Hash fields and sorted-set members go ten to a command. */
const PER_COMMAND = 10;

interface DataSet {
  label: string;
  unit: string;
  /** Entries each command adds. */
  perCommand: number;
  /** The command adding entries first .. first + perCommand - 1. */
  command(first: number): string;
  /** A command whose integer reply is the number of entries. */
  count: string[];
}

function pairs(first: number, pair: (i: number) => [string, string]): string[] {
  return Array.from({ length: PER_COMMAND }, (_, k) => pair(first + k)).flat();
}

const DATA_SETS: DataSet[] = [
  { label: 'string keys, 100-byte values', unit: 'key', perCommand: 1, command: (i) => resp('SET', `key:${i}`, VALUE), count: ['DBSIZE'] },
  {
    label: 'string keys, 100-byte values, with TTL',
    unit: 'key',
    perCommand: 1,
    command: (i) => resp('SET', `key:${i}`, VALUE, 'EX', '86400'),
    count: ['DBSIZE'],
  },
  {
    label: 'hash fields (field:N → value:N)',
    unit: 'field',
    perCommand: PER_COMMAND,
    command: (i) => resp('HSET', 'hash', ...pairs(i, (j) => [`field:${j}`, `value:${j}`])),
    count: ['HLEN', 'hash'],
  },
  {
    label: 'sorted-set members (member:N, score N)',
    unit: 'member',
    perCommand: PER_COMMAND,
    command: (i) => resp('ZADD', 'zset', ...pairs(i, (j) => [String(j), `member:${j}`])),
    count: ['ZCARD', 'zset'],
  },
];

interface Measurement {
  /** Bytes per entry. */
  rss: number;
  used: number;
  /** The fresh server's RSS in bytes. */
  baseline: number;
  loadMs: number;
}

async function measure(kind: ServerKind, data: DataSet, entries: number): Promise<Measurement> {
  const server = await startBenchServer(kind);
  try {
    await sleep(SETTLE_MS);
    const [rss0, used0] = [residentBytes(server), await infoNumber(server.port, 'memory', 'used_memory')];
    const loadMs = await load(server.port, 0, entries / data.perCommand, (c) => data.command(c * data.perCommand));
    await sleep(SETTLE_MS);
    const [rss1, used1] = [residentBytes(server), await infoNumber(server.port, 'memory', 'used_memory')];
    const count = await call(server.port, ...data.count);
    if (count !== entries) throw new Error(`${kind} holds ${String(count)} ${data.unit}s after loading ${entries}`);
    return { rss: (rss1 - rss0) / entries, used: (used1 - used0) / entries, baseline: rss0, loadMs };
  } finally {
    await stopBenchServer(server);
  }
}

function medianOf(ms: Measurement[]): Measurement {
  const of = (field: keyof Measurement) => median(ms.map((m) => m[field]));
  return { rss: of('rss'), used: of('used'), baseline: of('baseline'), loadMs: of('loadMs') };
}

async function run(options: RunOptions) {
  const made = provenance(options, 'memory.ts');
  const entries = ENTRIES[options.profile];
  const rounds = ROUNDS[options.profile];
  const results = DATA_SETS.map(() => ({ keyhive: [] as Measurement[], redis: [] as Measurement[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, data] of DATA_SETS.entries()) {
      for (const kind of alternate(SERVER_KINDS, round + i)) {
        log(`memory: round ${round + 1}/${rounds} ${kind} ${data.label}`);
        results[i][kind].push(await measure(kind, data, entries));
      }
    }
  }
  const lines = [
    '| data set | Keyhive RSS B/entry | Redis RSS B/entry | RSS ratio | Keyhive used_memory B/entry | Redis used_memory B/entry | used_memory ratio | load s Keyhive / Redis |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [i, data] of DATA_SETS.entries()) {
    const [k, r] = [medianOf(results[i].keyhive), medianOf(results[i].redis)];
    lines.push(
      `| ${fmt.int(entries)} ${data.label} | ${k.rss.toFixed(1)} | ${r.rss.toFixed(1)} | ${fmt.ratio(k.rss, r.rss)} | ` +
        `${k.used.toFixed(1)} | ${r.used.toFixed(1)} | ${fmt.ratio(k.used, r.used)} | ${(k.loadMs / 1000).toFixed(1)} / ${(r.loadMs / 1000).toFixed(1)} |`,
    );
  }
  const baseline = (kind: ServerKind) => `${(median(results.flatMap((r) => r[kind].map((m) => m.baseline))) / 2 ** 20).toFixed(1)} MiB`;
  const table = lines.join('\n');
  const markdown = [
    '## Memory per entry',
    '',
    made,
    '',
    `Each data set is loaded into a freshly started server of each kind (no maxmemory), ${rounds === 1 ? 'once' : `in ${rounds} rounds (medians)`}.`,
    `RSS is VmRSS from /proc/<pid>/status read ${SETTLE_MS / 1000} s after the last reply of the load, minus VmRSS read ${SETTLE_MS / 1000} s after start-up,`,
    'divided by the entries. No GC is forced in Keyhive: its RSS includes whatever garbage the V8 heap still holds then (as a server in use would).',
    "used_memory is INFO's, after minus before, per entry: Redis's counts its allocator's bytes, Keyhive's is its own estimate of the data it holds.",
    `The loader is the bench process (on CPU 1): one connection, pipelined writes of 1,000 commands, four writes outstanding;`,
    `\`SET key:N <100 bytes>\` (and \`EX 86400\`), \`HSET hash\` and \`ZADD zset\` with ${PER_COMMAND} fields or members a command.`,
    'The load column is how long it took, for the record. Ratios are Keyhive/Redis.',
    `A fresh server's RSS (subtracted): Keyhive ${baseline('keyhive')}, Redis ${baseline('redis')}.`,
    '',
    table,
  ].join('\n');
  return { table, markdown };
}

export const memory: Section = { name: 'memory', inDefault: true, run };
