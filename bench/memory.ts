/**
 * Memory per entry: a million string keys with 100-byte values (without and
 * with a TTL), a million-field hash and a million-member sorted set, each
 * loaded the same way into a freshly started server of each kind. Resident
 * memory (VmRSS) after the load minus that of the fresh server, per entry;
 * INFO's used_memory likewise.
 */
import { residentBytes } from '../test/robustness/keyhive-process.js';
import { alternate, call, fmt, infoNumber, log, median, provenance, sleep, SERVER_KINDS, startBenchServer, stopBenchServer, type BenchServer, type RunOptions, type Section, type ServerKind } from './common.js';
import { load, resp } from './pipeline.js';

const ENTRIES = { quick: 100_000, default: 1_000_000, full: 1_000_000 };
const ROUNDS = { quick: 1, default: 1, full: 3 };
/** Wait after start-up and after the last reply before reading memory. */
const SETTLE_MS = 2000;
/** Quiet time before the second reading: V8's memory reducer returns a heap's garbage some 10-25 s after allocation slows down. */
const QUIET_MS = 30000;
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
  /** Bytes per entry, SETTLE_MS after the load. */
  rss: number;
  /** Bytes per entry after QUIET_MS of quiet. */
  quietRss: number;
  used: number;
  /** The fresh server's RSS in bytes. */
  baseline: number;
  /** The RSS of the launcher that runs the server in a child process, 0 when the server runs in the process spawned. */
  launcher: number;
  loadMs: number;
}

interface Loaded {
  server: BenchServer;
  rss0: number;
  rss1: number;
  used: number;
  loadMs: number;
}

/** Loads the data set into a fresh server and reads its memory before and SETTLE_MS after. */
async function loadInto(kind: ServerKind, data: DataSet, entries: number): Promise<Loaded> {
  const server = await startBenchServer(kind);
  await sleep(SETTLE_MS);
  const [rss0, used0] = [residentBytes(server.pid), await infoNumber(server.port, 'memory', 'used_memory')];
  const loadMs = await load(server.port, 0, entries / data.perCommand, (c) => data.command(c * data.perCommand));
  await sleep(SETTLE_MS);
  const [rss1, used1] = [residentBytes(server.pid), await infoNumber(server.port, 'memory', 'used_memory')];
  const count = await call(server.port, ...data.count);
  if (count !== entries) throw new Error(`${kind} holds ${String(count)} ${data.unit}s after loading ${entries}`);
  return { server, rss0, rss1, used: (used1 - used0) / entries, loadMs };
}

/** Both servers loaded one after the other, then left quiet together for QUIET_MS before the second reading. */
async function measure(kinds: ServerKind[], data: DataSet, entries: number): Promise<Map<ServerKind, Measurement>> {
  const loaded: Loaded[] = [];
  try {
    for (const kind of kinds) loaded.push(await loadInto(kind, data, entries));
    await sleep(QUIET_MS);
    const perEntry = (bytes: number, l: Loaded) => (bytes - l.rss0) / entries;
    return new Map(
      loaded.map((l) => [
        l.server.kind,
        {
          rss: perEntry(l.rss1, l),
          quietRss: perEntry(residentBytes(l.server.pid), l),
          used: l.used,
          baseline: l.rss0,
          launcher: l.server.pid === l.server.process.pid ? 0 : residentBytes(l.server.process.pid as number),
          loadMs: l.loadMs,
        },
      ]),
    );
  } finally {
    await Promise.all(loaded.map((l) => stopBenchServer(l.server)));
  }
}

function medianOf(ms: Measurement[]): Measurement {
  const of = (field: keyof Measurement) => median(ms.map((m) => m[field]));
  return { rss: of('rss'), quietRss: of('quietRss'), used: of('used'), baseline: of('baseline'), launcher: of('launcher'), loadMs: of('loadMs') };
}

async function run(options: RunOptions) {
  const made = provenance(options, 'memory.ts');
  const entries = ENTRIES[options.profile];
  const rounds = ROUNDS[options.profile];
  const results = DATA_SETS.map(() => ({ keyhive: [] as Measurement[], redis: [] as Measurement[] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, data] of DATA_SETS.entries()) {
      log(`memory: round ${round + 1}/${rounds} ${data.label}`);
      for (const [kind, m] of await measure(alternate(SERVER_KINDS, round + i), data, entries)) results[i][kind].push(m);
    }
  }
  const lines = [
    `| data set | Keyhive RSS B/entry | Redis RSS B/entry | RSS ratio | after ${QUIET_MS / 1000} s quiet: Keyhive / Redis RSS B/entry | ratio | Keyhive used_memory B/entry | Redis used_memory B/entry | used_memory ratio | load s Keyhive / Redis |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [i, data] of DATA_SETS.entries()) {
    const [k, r] = [medianOf(results[i].keyhive), medianOf(results[i].redis)];
    lines.push(
      `| ${fmt.int(entries)} ${data.label} | ${k.rss.toFixed(1)} | ${r.rss.toFixed(1)} | ${fmt.ratio(k.rss, r.rss)} | ` +
        `${k.quietRss.toFixed(1)} / ${r.quietRss.toFixed(1)} | ${fmt.ratio(k.quietRss, r.quietRss)} | ` +
        `${k.used.toFixed(1)} | ${r.used.toFixed(1)} | ${fmt.ratio(k.used, r.used)} | ${(k.loadMs / 1000).toFixed(1)} / ${(r.loadMs / 1000).toFixed(1)} |`,
    );
  }
  const mib = (kind: ServerKind, field: 'baseline' | 'launcher') => `${(median(results.flatMap((r) => r[kind].map((m) => m[field]))) / 2 ** 20).toFixed(1)} MiB`;
  const launcher = median(results.flatMap((r) => r.keyhive.map((m) => m.launcher))) === 0 ? '' : ` (its launcher, which runs it in a child process here, another ${mib('keyhive', 'launcher')}, not counted)`;
  const table = lines.join('\n');
  const markdown = [
    '## Memory per entry',
    '',
    made,
    '',
    `Each data set is loaded into a freshly started server of each kind (no maxmemory), ${rounds === 1 ? 'once' : `in ${rounds} rounds (medians)`}.`,
    `RSS is VmRSS from /proc/<pid>/status read ${SETTLE_MS / 1000} s after the last reply of the load, minus VmRSS read ${SETTLE_MS / 1000} s after start-up,`,
    'divided by the entries. No GC is forced in Keyhive: its RSS includes whatever garbage the V8 heap still holds then (as a server in use would).',
    `Both servers of a data set are then left running with no requests, and RSS is read again ${QUIET_MS / 1000} s after the later load ended:`,
    "that reading shows what V8's memory reducer gives back once a server is quiet (one that stays busy keeps more of the load's garbage).",
    "used_memory is INFO's, after minus before, per entry: Redis's counts its allocator's bytes, Keyhive's is its own estimate of the data it holds.",
    `The loader is the bench process (on CPU 1): one connection, pipelined writes of 1,000 commands, four writes outstanding;`,
    `\`SET key:N <100 bytes>\` (and \`EX 86400\`), \`HSET hash\` and \`ZADD zset\` with ${PER_COMMAND} fields or members a command.`,
    'The load column is how long it took, for the record. Ratios are Keyhive/Redis.',
    `A fresh server's RSS (subtracted): Keyhive ${mib('keyhive', 'baseline')}${launcher}, Redis ${mib('redis', 'baseline')}.`,
    '',
    table,
  ].join('\n');
  return { table, markdown };
}

export const memory: Section = { name: 'memory', inDefault: true, run };
