/**
 * INFO, after Redis 7.0's genRedisInfoString: the same sections, the same
 * field names in the same order, the same number formats. Fields about
 * machinery Keyhive does not have (forks, AOF, replicas, defrag, ...) report
 * what an idle Redis without it reports. Also kept here: the error-reply
 * counters (errorstat_*) and the instantaneous rates (ops/sec, kbps).
 */
import os from 'node:os';
import path from 'node:path';
import type { Server } from './server.js';
import type { Command } from '../commands/table.js';
import { REDIS_VERSION, KEYHIVE_VERSION } from './server.js';
import { LRU_CLOCK_MAX } from '../store/keyspace.js';
import { fragmentation, memoryOverhead } from '../commands/memory.js';

/** Error replies by code, and whether a command produced any (failed_calls). */
export class ErrorStats {
  /** Code -> count, e.g. ERR, WRONGTYPE. */
  readonly byCode = new Map<string, number>();
  total = 0;
  /** total when last asked, see takeNew(). */
  private mark = 0;

  /** Counts one error reply by its code, the first word of its text (Redis's afterErrorReply). */
  count(text: string): void {
    this.total++;
    const space = text.indexOf(' ');
    const code = space > 0 && space < 31 ? text.slice(0, space) : 'ERR';
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
  }

  /** Whether errors were replied since the previous call (incrCommandStatsOnError's bookkeeping). */
  takeNew(): boolean {
    const any = this.total > this.mark;
    this.mark = this.total;
    return any;
  }

  reset(): void {
    this.byCode.clear();
    this.total = 0;
    this.mark = 0;
  }
}

/** Redis samples its rates every 100 ms and averages the last 16 samples. */
const SAMPLE_PERIOD_MS = 100;
const SAMPLES = 16;

class Rate {
  private readonly samples = new Float64Array(SAMPLES);
  private index = 0;
  private lastTime = 0;
  private lastValue = 0;

  sample(nowMs: number, value: number): void {
    if (this.lastTime !== 0 && nowMs > this.lastTime) {
      this.samples[this.index] = ((value - this.lastValue) * 1000) / (nowMs - this.lastTime);
      this.index = (this.index + 1) % SAMPLES;
    }
    this.lastTime = nowMs;
    this.lastValue = value;
  }

  /** Per-second average of the recent samples. */
  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / SAMPLES;
  }

  reset(nowMs: number): void {
    this.samples.fill(0);
    this.lastTime = nowMs;
    this.lastValue = 0;
  }
}

/** instantaneous_ops_per_sec and the kbps rates, fed from the server cron. */
export class InstantaneousMetrics {
  readonly ops = new Rate();
  readonly input = new Rate();
  readonly output = new Rate();
  private lastSample = 0;

  sample(server: Server, nowMs: number): void {
    if (nowMs - this.lastSample < SAMPLE_PERIOD_MS) return;
    this.lastSample = nowMs;
    this.ops.sample(nowMs, server.stats.commandsProcessed);
    this.input.sample(nowMs, server.stats.netInputBytes);
    this.output.sample(nowMs, server.stats.netOutputBytes);
  }

  reset(nowMs: number): void {
    for (const rate of [this.ops, this.input, this.output]) rate.reset(nowMs);
  }
}

// ---- formatting helpers --------------------------------------------------------

/** Redis's bytesToHuman: 1023B, 1.50K, 2.00M, ... */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  for (let i = 0; i < units.length; i++) {
    if (n < 1024 ** (i + 2)) return `${(n / 1024 ** (i + 1)).toFixed(2)}${units[i]}`;
  }
  return `${n}B`;
}

/** Characters INFO cannot carry in a field name are replaced, as getSafeInfoString does. */
function safeInfoName(s: string): string {
  return s.replace(/[#:\r\n]/g, '_');
}

/** "%ld.%06ld" of a duration in microseconds. */
function secondsWithMicros(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
}

type Fields = [string, string | number][];

function section(title: string, fields: Fields): string {
  let out = `# ${title}\r\n`;
  for (const [name, value] of fields) out += `${name}:${value}\r\n`;
  return out;
}

const MULTIPLEXING: Record<string, string> = { linux: 'epoll', darwin: 'kqueue', freebsd: 'kqueue', openbsd: 'kqueue', sunos: 'evport' };

// ---- sections ------------------------------------------------------------------

function serverSection(server: Server): Fields {
  const now = server.clock.now();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.getNumber('hz');
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', Buffer.from(KEYHIVE_VERSION).toString('hex').padEnd(16, '0').slice(0, 15)],
    ['redis_mode', server.config.getBool('cluster-enabled') ? 'cluster' : 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', MULTIPLEXING[process.platform] ?? 'select'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', server.clock.nowMicros()],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', hz],
    ['configured_hz', hz],
    ['lru_clock', Math.floor(now / 1000) & LRU_CLOCK_MAX],
    ['executable', path.resolve(process.argv[1] ?? process.execPath)],
    ['config_file', server.config.configFile ?? ''],
    ['io_threads_active', 0],
    ['keyhive_version', KEYHIVE_VERSION],
  ];
}

function clientsSection(server: Server): Fields {
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.getNumber('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0],
    // Clients postponed by CLIENT PAUSE count as blocked, as in Redis.
    ['blocked_clients', server.blocking.blockedClients + server.pause.waiting.size],
    ['tracking_clients', server.tracking.clientCount],
    ['clients_in_timeout_table', server.blocking.clientsWithTimeout],
  ];
}

function memorySection(server: Server): Fields {
  const m = memoryOverhead(server);
  const f = fragmentation(m);
  const maxmemory = server.config.getNumber('maxmemory');
  const totalSystem = os.totalmem();
  return [
    ['used_memory', m.used],
    ['used_memory_human', bytesToHuman(m.used)],
    ['used_memory_rss', m.rss],
    ['used_memory_rss_human', bytesToHuman(m.rss)],
    ['used_memory_peak', m.peak],
    ['used_memory_peak_human', bytesToHuman(m.peak)],
    ['used_memory_peak_perc', `${m.peakPercent.toFixed(2)}%`],
    ['used_memory_overhead', m.overheadTotal],
    ['used_memory_startup', m.startup],
    ['used_memory_dataset', m.dataset],
    ['used_memory_dataset_perc', `${m.datasetPercent.toFixed(2)}%`],
    ['allocator_allocated', m.allocatorAllocated],
    ['allocator_active', m.allocatorActive],
    ['allocator_resident', m.allocatorResident],
    ['total_system_memory', totalSystem],
    ['total_system_memory_human', bytesToHuman(totalSystem)],
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.get('maxmemory-policy')],
    ['allocator_frag_ratio', f.allocatorFrag.toFixed(2)],
    ['allocator_frag_bytes', m.allocatorActive - m.allocatorAllocated],
    ['allocator_rss_ratio', f.allocatorRss.toFixed(2)],
    ['allocator_rss_bytes', m.allocatorResident - m.allocatorActive],
    ['rss_overhead_ratio', f.rssExtra.toFixed(2)],
    ['rss_overhead_bytes', m.rss - m.allocatorResident],
    ['mem_fragmentation_ratio', f.total.toFixed(2)],
    ['mem_fragmentation_bytes', m.rss - m.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', m.clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'v8'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(server: Server): Fields {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', server.keyspace.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', server.lastSave],
    ['rdb_last_bgsave_status', server.lastBackgroundSaveFailed ? 'err' : 'ok'],
    ['rdb_last_bgsave_time_sec', server.lastBackgroundSaveSeconds],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', server.rdbSaves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', 0],
    ['rdb_last_load_keys_loaded', 0],
    ['aof_enabled', server.config.getBool('appendonly') ? 1 : 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_rewrites', 0],
    ['aof_rewrites_consecutive_failures', 0],
    ['aof_last_write_status', 'ok'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
}

function statsSection(server: Server): Fields {
  const s = server.stats;
  const ks = server.keyspace.stats;
  const expiry = server.activeExpiry.stats;
  const exceeded = server.eviction.exceededTime();
  const kbps = (bytesPerSec: number) => (bytesPerSec / 1024).toFixed(2);
  return [
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.commandsProcessed],
    ['instantaneous_ops_per_sec', Math.floor(server.metrics.ops.value)],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', kbps(server.metrics.input.value)],
    ['instantaneous_output_kbps', kbps(server.metrics.output.value)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', (expiry.stalePercent * 100).toFixed(2)],
    ['expired_time_cap_reached_count', expiry.timeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', Math.floor(expiry.cycleTimeUsedUs / 1000)],
    ['evicted_keys', ks.evictedKeys],
    ['evicted_clients', server.clientEviction.evicted],
    ['total_eviction_exceeded_time', exceeded.total],
    ['current_eviction_exceeded_time', exceeded.current],
    ['keyspace_hits', ks.keyspaceHits],
    ['keyspace_misses', ks.keyspaceMisses],
    ['pubsub_channels', server.pubsub.channelCount],
    ['pubsub_patterns', server.pubsub.patternCount],
    ['pubsubshard_channels', server.pubsub.activeChannels('shard', null).length],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', server.tracking.totalKeys],
    ['tracking_total_items', server.tracking.totalItems],
    ['tracking_total_prefixes', server.tracking.totalPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', server.errorStats.total],
    ['acl_access_denied_auth', server.acl.denials.auth],
    ['acl_access_denied_cmd', server.acl.denials.command],
    ['acl_access_denied_key', server.acl.denials.key],
    ['acl_access_denied_channel', server.acl.denials.channel],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.readsProcessed],
    ['total_writes_processed', s.writesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationSection(server: Server): Fields {
  // Redis shows its count of good replicas only while min-replicas-to-write asks for some.
  const goodReplicas: Fields = server.limits.writesNeedReplicas ? [['min_slaves_good_slaves', 0]] : [];
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ...goodReplicas,
    ['master_failover_state', 'no-failover'],
    ['master_replid', server.replId],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', server.config.getNumber('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const cpu = process.cpuUsage();
  return [
    ['used_cpu_sys', secondsWithMicros(cpu.system)],
    ['used_cpu_user', secondsWithMicros(cpu.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', secondsWithMicros(cpu.system)],
    ['used_cpu_user_main_thread', secondsWithMicros(cpu.user)],
  ];
}

function commandStatsSection(server: Server): Fields {
  const fields: Fields = [];
  for (const cmd of server.commands.all()) {
    if (cmd.calls === 0 && cmd.failedCalls === 0 && cmd.rejectedCalls === 0) continue;
    const usec = Math.floor(cmd.usec);
    const perCall = cmd.calls === 0 ? 0 : usec / cmd.calls;
    fields.push([
      `cmdstat_${safeInfoName(cmd.fullName)}`,
      `calls=${cmd.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
    ]);
  }
  return fields;
}

function errorStatsSection(server: Server): Fields {
  const codes = [...server.errorStats.byCode.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${safeInfoName(code)}`, `count=${server.errorStats.byCode.get(code)}`]);
}

/** The p<percentile> list of latency-tracking-info-percentiles, values in µs with 3 decimals. */
export function latencyPercentiles(server: Server, cmd: Command): string {
  const percentiles = server.config.get('latency-tracking-info-percentiles');
  if (!cmd.latency || percentiles === '') return '';
  return percentiles
    .split(' ')
    .map((p) => `p${p}=${((cmd.latency as NonNullable<Command['latency']>).valueAtPercentile(Number(p)) / 1000).toFixed(3)}`)
    .join(',');
}

function latencyStatsSection(server: Server): Fields {
  const fields: Fields = [];
  for (const cmd of server.commands.all()) {
    if (cmd.latency) fields.push([`latency_percentiles_usec_${safeInfoName(cmd.fullName)}`, latencyPercentiles(server, cmd)]);
  }
  return fields;
}

function keyspaceSection(server: Server): Fields {
  const fields: Fields = [];
  for (const db of server.keyspace.dbs) {
    if (db.size === 0 && db.expires.size === 0) continue;
    fields.push([`db${db.index}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${server.activeExpiry.averageTtl(db)}`]);
  }
  return fields;
}

interface InfoSection {
  name: string;
  title: string;
  fields: (server: Server) => Fields;
  /** Part of INFO and INFO default (else only of INFO all/everything or by name). */
  byDefault: boolean;
}

/** In INFO's order. */
const SECTIONS: InfoSection[] = [
  { name: 'server', title: 'Server', fields: serverSection, byDefault: true },
  { name: 'clients', title: 'Clients', fields: clientsSection, byDefault: true },
  { name: 'memory', title: 'Memory', fields: memorySection, byDefault: true },
  { name: 'persistence', title: 'Persistence', fields: persistenceSection, byDefault: true },
  { name: 'stats', title: 'Stats', fields: statsSection, byDefault: true },
  { name: 'replication', title: 'Replication', fields: replicationSection, byDefault: true },
  { name: 'cpu', title: 'CPU', fields: cpuSection, byDefault: true },
  { name: 'module_list', title: 'Modules', fields: () => [], byDefault: true },
  { name: 'commandstats', title: 'Commandstats', fields: commandStatsSection, byDefault: false },
  { name: 'errorstats', title: 'Errorstats', fields: errorStatsSection, byDefault: true },
  { name: 'latencystats', title: 'Latencystats', fields: latencyStatsSection, byDefault: false },
  { name: 'cluster', title: 'Cluster', fields: () => [['cluster_enabled', 0]], byDefault: true },
  { name: 'keyspace', title: 'Keyspace', fields: keyspaceSection, byDefault: true },
];

function addDefaults(wanted: Set<string>): void {
  for (const s of SECTIONS) if (s.byDefault) wanted.add(s.name);
}

/** INFO's text for its arguments: section names (any case), default, all, everything. */
export function infoText(server: Server, args: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false;
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === 'default') addDefaults(wanted);
    else if (name === 'all' || name === 'everything') all = true;
    else wanted.add(name === 'modules' ? 'module_list' : name);
  }
  if (args.length === 0) addDefaults(wanted);
  const parts: string[] = [];
  for (const s of SECTIONS) {
    if (all || wanted.has(s.name)) parts.push(section(s.title, s.fields(server)));
  }
  return parts.join('\r\n');
}
