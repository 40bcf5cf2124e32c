/**
 * MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP (Redis's object.c), and
 * the overhead breakdown INFO memory shares with MEMORY STATS. used_memory
 * is Keyhive's accounted figure (store/memory.ts); the "allocator" is V8:
 * allocated = heap in use plus memory outside it (typed arrays, buffers),
 * active = heap reserved plus outside memory, resident = heap pages in RAM
 * plus outside memory.
 */
import v8 from 'node:v8';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { BASELINE_BYTES, EXPIRES_ENTRY_BYTES, MAIN_ENTRY_BYTES } from '../store/memory.js';
import { fail, parseInteger, replyHelp, SYNTAX_ERROR } from './args.js';
import type { CommandSpec } from './table.js';

interface DatabaseOverhead {
  index: number;
  main: number;
  expires: number;
}

/** Redis's redisMemOverhead, from Keyhive's figures. */
export interface MemoryOverhead {
  used: number;
  peak: number;
  startup: number;
  clientsNormal: number;
  databases: DatabaseOverhead[];
  overheadTotal: number;
  keys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPercent: number;
  peakPercent: number;
  rss: number;
  allocatorAllocated: number;
  allocatorActive: number;
  allocatorResident: number;
}

export function memoryOverhead(server: Server): MemoryOverhead {
  const meter = server.memory;
  const used = meter.notePeak();
  const heap = v8.getHeapStatistics();
  const databases: DatabaseOverhead[] = [];
  let overheadTotal = BASELINE_BYTES + meter.clientBytes;
  let keys = 0;
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    const entry = { index: db.index, main: db.size * MAIN_ENTRY_BYTES, expires: db.expires.size * EXPIRES_ENTRY_BYTES };
    databases.push(entry);
    overheadTotal += entry.main + entry.expires;
  }
  const dataset = used - overheadTotal;
  const netUsage = used > BASELINE_BYTES ? used - BASELINE_BYTES : 1;
  return {
    used,
    peak: meter.peak,
    startup: BASELINE_BYTES,
    clientsNormal: meter.clientBytes,
    databases,
    overheadTotal,
    keys,
    bytesPerKey: keys === 0 ? 0 : Math.floor(netUsage / keys),
    dataset,
    datasetPercent: (dataset * 100) / netUsage,
    peakPercent: (used * 100) / meter.peak,
    rss: process.memoryUsage.rss(),
    allocatorAllocated: heap.used_heap_size + heap.external_memory,
    allocatorActive: heap.total_heap_size + heap.external_memory,
    allocatorResident: heap.total_physical_size + heap.external_memory,
  };
}

/** The ratios and differences Redis derives from the allocator figures. */
export function fragmentation(m: MemoryOverhead): { allocatorFrag: number; allocatorRss: number; rssExtra: number; total: number } {
  return {
    allocatorFrag: m.allocatorActive / m.allocatorAllocated,
    allocatorRss: m.allocatorResident / m.allocatorActive,
    rssExtra: m.rss / m.allocatorResident,
    total: m.rss / m.used,
  };
}

function memoryUsage(c: Client, argv: string[]): void {
  for (let j = 3; j < argv.length; j++) {
    if (argv[j].toLowerCase() !== 'samples' || j + 1 >= argv.length) fail(SYNTAX_ERROR);
    // Sizes are kept exact as values change, so there is nothing to sample; the count is only checked.
    if (parseInteger(argv[++j]) < 0) fail(SYNTAX_ERROR);
  }
  // As Redis: straight from the table, a logically expired key included.
  c.server.keyspace.settleSizes();
  const id = c.db.main.find(argv[2]);
  if (id < 0) return c.reply.nullBulk();
  c.reply.integer(c.db.accountedBytesAt(id));
}

function memoryStats(c: Client): void {
  const m = memoryOverhead(c.server);
  const f = fragmentation(m);
  const r = c.reply;
  const integer = (name: string, n: number) => {
    r.bulk(name);
    r.integer(n);
  };
  const double = (name: string, d: number) => {
    r.bulk(name);
    r.double(Math.fround(d));
  };
  r.mapHeader(27 + m.databases.length);
  integer('peak.allocated', m.peak);
  integer('total.allocated', m.used);
  integer('startup.allocated', m.startup);
  for (const name of ['replication.backlog', 'clients.slaves']) integer(name, 0);
  integer('clients.normal', m.clientsNormal);
  for (const name of ['cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches']) integer(name, 0);
  for (const db of m.databases) {
    r.bulk(`db.${db.index}`);
    r.mapHeader(3);
    integer('overhead.hashtable.main', db.main);
    integer('overhead.hashtable.expires', db.expires);
    integer('overhead.hashtable.slot-to-keys', 0);
  }
  integer('overhead.total', m.overheadTotal);
  integer('keys.count', m.keys);
  integer('keys.bytes-per-key', m.bytesPerKey);
  integer('dataset.bytes', m.dataset);
  double('dataset.percentage', m.datasetPercent);
  double('peak.percentage', m.peakPercent);
  integer('allocator.allocated', m.allocatorAllocated);
  integer('allocator.active', m.allocatorActive);
  integer('allocator.resident', m.allocatorResident);
  double('allocator-fragmentation.ratio', f.allocatorFrag);
  integer('allocator-fragmentation.bytes', m.allocatorActive - m.allocatorAllocated);
  double('allocator-rss.ratio', f.allocatorRss);
  integer('allocator-rss.bytes', m.allocatorResident - m.allocatorActive);
  double('rss-overhead.ratio', f.rssExtra);
  integer('rss-overhead.bytes', m.rss - m.allocatorResident);
  double('fragmentation', f.total);
  integer('fragmentation.bytes', m.rss - m.used);
}

const TEN_MB = 10 << 20;

/** Redis's getMemoryDoctorReport, with the conditions that apply to Keyhive (no replicas, no scripts). */
function doctorReport(server: Server): string {
  const m = memoryOverhead(server);
  const f = fragmentation(m);
  if (m.used < 5 * 1024 * 1024) {
    return 'Hi Sam, this instance is empty or is using very little memory, my issues detector can\'t be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
  }
  const issues: string[] = [];
  if (m.peak / m.used > 1.5) {
    issues.push(
      ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n',
    );
  }
  if (f.total > 1.4 && m.rss - m.used > TEN_MB) {
    issues.push(
      ' * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "v8".\n\n',
    );
  }
  if (f.allocatorFrag > 1.1 && m.allocatorActive - m.allocatorAllocated > TEN_MB) {
    issues.push(
      " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n",
    );
  }
  if (f.allocatorRss > 1.1 && m.allocatorResident - m.allocatorActive > TEN_MB) {
    issues.push(
      ' * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n',
    );
  }
  if (f.rssExtra > 1.1 && m.rss - m.allocatorResident > TEN_MB) {
    issues.push(
      ' * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n',
    );
  }
  if (server.clients.size > 0 && m.clientsNormal / server.clients.size > 1024 * 200) {
    issues.push(
      ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n',
    );
  }
  if (issues.length === 0) return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join('')}I'm here to keep you safe, Sam. I want to help you.\n`;
}

/** The V8 heap's statistics, overall and by space, in place of an allocator's report. */
function mallocStats(): string {
  const lines = ['V8 heap statistics'];
  for (const [name, value] of Object.entries(v8.getHeapStatistics())) lines.push(`  ${name}: ${value}`);
  for (const space of v8.getHeapSpaceStatistics()) {
    lines.push(`${space.space_name}: size ${space.space_size}, used ${space.space_used_size}, available ${space.space_available_size}, physical ${space.physical_space_size}`);
  }
  return `${lines.join('\n')}\n`;
}

const MEMORY_HELP = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

const REPORT_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'];

function report(name: string, summary: string, complexity: string, run: CommandSpec['run']): CommandSpec {
  return { name, arity: 2, flags: [], group: 'server', summary, since: '4.0.0', complexity, tips: REPORT_TIPS, run };
}

export const commands: CommandSpec[] = [
  {
    name: 'memory',
    arity: -2,
    flags: [],
    group: 'server',
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      report('doctor', 'Outputs memory problems report', 'O(1)', (c) => c.reply.verbatim(doctorReport(c.server))),
      report('malloc-stats', 'Show allocator internal stats', 'Depends on how much memory is allocated, could be slow', (c) => c.reply.verbatim(mallocStats())),
      report('stats', 'Show memory usage details', 'O(1)', memoryStats),
      {
        name: 'purge',
        arity: 2,
        flags: [],
        group: 'server',
        summary: 'Ask the allocator to release memory',
        since: '4.0.0',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        run: (c) => {
          c.server.eviction.heap.collect();
          c.reply.ok();
        },
      },
      {
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { lastkey: 0, keystep: 1, limit: 0 } }],
        group: 'server',
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        complexity: 'O(N) where N is the number of samples.',
        run: memoryUsage,
      },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], group: 'server', summary: 'Show helpful text about the different subcommands', since: '4.0.0', complexity: 'O(1)', run: (c) => replyHelp(c, 'memory', MEMORY_HELP) },
    ],
  },
];
