/**
 * Server administration: CONFIG, INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME,
 * LASTSAVE, DEBUG, MONITOR, SLOWLOG, LATENCY and SHUTDOWN, after Redis 7.0's
 * config.c, server.c, db.c, debug.c, slowlog.c and latency.c.
 */
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { ConfigError, type ParamSpec, type SetOptions } from '../config.js';
import { rewriteConfigFile } from '../config-rewrite.js';
import { strerror } from '../config.js';
import { infoText } from '../server/info.js';
import { datasetDigest, valueDigest } from '../server/digest.js';
import { latencyGraph, latencyReport } from '../server/latency.js';
import { redactArgument } from '../server/monitor.js';
import { GlobPattern } from '../store/glob.js';
import { LRU_CLOCK_MAX, stringOf, type Database } from '../store/keyspace.js';
import { lruIdleMs } from '../store/access.js';
import { cString, fail, isKeyword, parsePositiveLong, parseRangeLong, replyHelp, subcommandSyntaxError, SYNTAX_ERROR, NO_SUCH_KEY, LONG_MAX } from './args.js';
import { inNestedCall } from './dispatch.js';
import { TLS_CONTEXT_PARAMS, TLS_UPDATE_ERROR, TlsConfigError } from '../server/tls.js';
import type { ShutdownFlags } from '../server/shutdown.js';
import { stringEncoding } from './strings.js';
import { debugQuicklistPackedThreshold } from './lists.js';
import type { Command, CommandFlag, CommandSpec } from './table.js';
import { lookupFullName } from './command.js';
import { isLocalAddress } from '../server/protected-mode.js';
import { debugReload, hasSavePoints, saveSnapshot } from './snapshot.js';

// ---- protected actions ----------------------------------------------------------

/** enable-protected-configs / enable-debug-command / enable-module-command: yes, or local for local clients. */
function allowProtectedAction(c: Client, parameter: string): boolean {
  const setting = c.server.config.get(parameter);
  return setting === 'yes' || (setting === 'local' && isLocalAddress(c.socket.remoteAddress));
}

/** Dispatch's refusal of DEBUG (and MODULE) when the configuration does not allow them, or null. */
export function protectedCommandRefusal(c: Client, cmd: Command): string | null {
  if (!cmd.isProtected) return null;
  const name = cmd.fullName === 'debug' ? 'DEBUG' : 'MODULE';
  if (allowProtectedAction(c, `enable-${name.toLowerCase()}-command`)) return null;
  return `ERR ${name} command not allowed. If the enable-${name.toLowerCase()}-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;
}

// ---- CONFIG ----------------------------------------------------------------------

function configGet(c: Client, argv: string[]): void {
  const config = c.server.config;
  const found: [string, ParamSpec][] = [];
  const seen = new Set<string>();
  const add = (name: string, spec: ParamSpec) => {
    if (seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    found.push([name, spec]);
  };
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (!/[[*?]/.test(arg)) {
      const spec = config.spec(arg);
      if (spec) add(arg, spec);
      continue;
    }
    const pattern = new GlobPattern(arg, true);
    for (const name of config.visibleNames()) if (pattern.matches(name)) add(name, config.spec(name) as ParamSpec);
  }
  c.reply.mapHeader(found.length);
  for (const [name, spec] of found) {
    c.reply.bulk(name);
    c.reply.bulk(config.show(spec));
  }
}

/** Parameters whose change needs the listening sockets redone, and the error Redis gives when that fails. */
const LISTENER_PARAMS: Record<string, string> = {
  port: 'Unable to listen on this port. Check server logs.',
  'tls-port': 'Unable to listen on this port. Check server logs.',
  bind: 'Failed to bind to specified addresses.',
};

function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 === 1) fail(SYNTAX_ERROR);
  const config = c.server.config;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  for (let i = 2; i < argv.length; i += 2) if (config.spec(argv[i])?.sensitive) redactArgument(argv, i + 1);
  // For rollback; an unknown name makes setMany fail before these are used.
  const previous = pairs.map(([name]): [string, string] => [name, config.spec(name) ? config.get(name) : '']);
  const options: SetOptions = { configSet: true, allowProtected: allowProtectedAction(c, 'enable-protected-configs') };
  try {
    config.setMany(pairs, options);
  } catch (e) {
    if (e instanceof ConfigError) fail(`ERR ${e.message}`);
    throw e;
  }
  const firstChanged = (wanted: (canonical: string) => boolean) =>
    pairs.find(([name], i) => wanted(config.spec(name)?.name ?? '') && config.get(name) !== previous[i][1]);
  const oomChange = firstChanged((name) => name === 'oom-score-adj' || name === 'oom-score-adj-values');
  if (oomChange !== undefined && c.server.ownProcess?.applyOomScore() === false) {
    config.setMany(previous, false);
    c.server.ownProcess.applyOomScore();
    fail(`ERR CONFIG SET failed (possibly related to argument '${oomChange[0].toLowerCase()}') - Failed to set current oom_score_adj. Check server logs.`);
  }
  const tlsChange = firstChanged((name) => TLS_CONTEXT_PARAMS.has(name));
  const tlsApplied = tlsChange !== undefined && applyTlsChange(c, tlsChange[0], () => config.setMany(previous, false));
  const changedListener = firstChanged((name) => name in LISTENER_PARAMS);
  if (!changedListener) return c.reply.ok();
  const listenerParam = config.spec(changedListener[0]) as ParamSpec;
  applyListenerChange(c, listenerParam, () => {
    config.setMany(previous, false);
    if (tlsApplied) applyTlsChange(c, tlsChange[0], () => {});
  });
}

/**
 * Rebuilds the TLS context after CONFIG SET changed one of its parameters
 * while TLS is in use (Redis's applyTlsCfg); returns whether it did. When the
 * new settings do not load, restores the previous ones and fails.
 */
function applyTlsChange(c: Client, name: string, restore: () => void): boolean {
  const tls = c.server.tls;
  if (!tls.enabled) return false;
  try {
    tls.configure();
  } catch (e) {
    if (!(e instanceof TlsConfigError)) throw e;
    c.server.log('warning', `Failed applying new configuration. Possibly related to new ${name.toLowerCase()} setting. Restoring previous settings.`);
    restore();
    fail(`ERR CONFIG SET failed (possibly related to argument '${name.toLowerCase()}') - ${TLS_UPDATE_ERROR}`);
  }
  return true;
}

/**
 * Rebinds the listening sockets after CONFIG SET port/bind. Binding is
 * asynchronous in Node.js, so the client's reply (and its next commands)
 * wait for it; on failure every parameter of the CONFIG SET is restored.
 */
function applyListenerChange(c: Client, param: ParamSpec, rollback: () => void): void {
  const server = c.server;
  const rebind = () => server.relisten(param.name as 'port' | 'tls-port' | 'bind');
  const failure = async (e: unknown) => {
    server.log('warning', `Failed applying new configuration for ${param.name}: ${(e as Error)?.message ?? e}. Restoring previous settings.`);
    rollback();
    // A failed port change left the old listeners in place; a bind change had closed them.
    if (param.name !== 'bind') return;
    await rebind().catch((again) => server.log('warning', `Could not listen again after the failed CONFIG SET: ${(again as Error)?.message ?? again}`));
  };
  if (inNestedCall()) {
    // Inside EXEC or a script the reply cannot wait: it is OK, and a failure only shows in the log.
    c.reply.ok();
    rebind().catch(failure);
    return;
  }
  c.decoder.paused = true;
  rebind()
    .then(
      () => c.reply.ok(),
      async (e) => {
        await failure(e);
        const why = e instanceof TlsConfigError ? TLS_UPDATE_ERROR : LISTENER_PARAMS[param.name];
        c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${param.name}') - ${why}`);
      },
    )
    .finally(() => c.resume());
}

/** Zeroes what INFO counts (resetServerStats, resetCommandTableStats, resetErrorTableStats). */
function resetStats(server: Server): void {
  const s = server.stats;
  s.commandsProcessed = s.connectionsReceived = s.rejectedConnections = 0;
  s.netInputBytes = s.netOutputBytes = s.readsProcessed = s.writesProcessed = 0;
  const ks = server.keyspace.stats;
  ks.keyspaceHits = ks.keyspaceMisses = ks.expiredKeys = ks.evictedKeys = 0;
  const expiry = server.activeExpiry.stats;
  expiry.stalePercent = expiry.timeCapReachedCount = expiry.cycleTimeUsedUs = 0;
  for (const cmd of server.commands.all()) {
    cmd.calls = cmd.usec = cmd.rejectedCalls = cmd.failedCalls = 0;
    cmd.latency = null;
  }
  server.errorStats.reset();
  server.metrics.reset(server.clock.now());
  server.eviction.resetStats();
  server.clientEviction.evicted = 0;
  const denials = server.acl.denials;
  denials.command = denials.key = denials.channel = denials.auth = 0;
}

function configResetstat(c: Client): void {
  resetStats(c.server);
  c.reply.ok();
}

/** Rewrites the config file (forceAll writes every parameter); replies OK or the error. */
function rewriteConfig(c: Client, forceAll: boolean, errorPrefix: string): void {
  const file = c.server.config.configFile;
  if (file === null) fail('ERR The server is running without a config file');
  try {
    rewriteConfigFile(c.server.config, file, forceAll);
  } catch (e) {
    c.server.log('warning', `CONFIG REWRITE failed: ${strerror(e)}`);
    fail(`ERR ${errorPrefix}: ${strerror(e)}`);
  }
  c.server.log('warning', 'CONFIG REWRITE executed with success.');
  c.reply.ok();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

// ---- INFO, DBSIZE, FLUSH*, TIME, LASTSAVE ---------------------------------------

function info(c: Client, argv: string[]): void {
  c.reply.verbatim(infoText(c.server, argv.slice(1)));
}

function dbsize(c: Client): void {
  c.reply.integer(c.db.size);
}

/** FLUSHDB/FLUSHALL's optional SYNC or ASYNC. Keyhive frees memory to the garbage collector either way. */
function checkFlushMode(argv: string[]): void {
  if (argv.length === 1) return;
  if (argv.length === 2 && (isKeyword(argv[1], 'sync') || isKeyword(argv[1], 'async'))) return;
  fail(SYNTAX_ERROR);
}

/** Empties db, counting its keys as changes since the last save (FLUSHDB, FLUSHALL, memcached's flush_all). */
export function flushDatabase(server: Server, db: Database, event?: 'flushall'): void {
  server.keyspace.dirty += db.size;
  db.flush(event);
}

function flushdb(c: Client, argv: string[]): void {
  checkFlushMode(argv);
  flushDatabase(c.server, c.db);
  c.reply.ok();
}

function flushall(c: Client, argv: string[]): void {
  checkFlushMode(argv);
  for (const db of c.server.keyspace.dbs) flushDatabase(c.server, db, 'flushall');
  // As Redis's flushAllDataAndResetRDB: with save points, the snapshot on disk is made empty too (a failure only logged).
  if (hasSavePoints(c.server)) saveSnapshot(c.server);
  c.reply.ok();
}

function time(c: Client): void {
  const micros = c.server.clock.nowMicros();
  c.reply.arrayHeader(2);
  c.reply.bulk(String(Math.floor(micros / 1e6)));
  c.reply.bulk(String(micros % 1e6));
}

function lastsave(c: Client): void {
  c.reply.integer(c.server.lastSave);
}

// ---- MONITOR, SHUTDOWN ---------------------------------------------------------

function monitor(c: Client): void {
  if (inNestedCall()) fail("ERR MONITOR isn't allowed for DENY BLOCKING client");
  // Redis ignores MONITOR from a client that already monitors, without a reply.
  if (c.server.monitors.has(c)) return;
  c.server.monitors.add(c);
  c.reply.ok();
}

function shutdown(c: Client, argv: string[]): void {
  const flags: ShutdownFlags = { save: false, nosave: false, now: false, force: false };
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i].toLowerCase();
    if (flag === 'abort') abort = true;
    else if (Object.hasOwn(flags, flag)) flags[flag as keyof ShutdownFlags] = true;
    else fail(SYNTAX_ERROR);
  }
  const anyFlag = flags.save || flags.nosave || flags.now || flags.force;
  if ((abort && anyFlag) || (flags.save && flags.nosave)) fail(SYNTAX_ERROR);
  const server = c.server;
  if (abort) {
    if (!server.shutdown.abort()) fail('ERR No shutdown in progress.');
    return c.reply.ok();
  }
  if (!flags.now && inNestedCall()) fail("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
  // As Redis blocks the client (BLOCKED_SHUTDOWN): it gets a reply only if the server keeps running.
  c.decoder.paused = true;
  if (server.shutdown.inProgress) return;
  void server.shutdown.run(flags).then((done) => {
    if (done) return;
    c.reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    c.resume();
  });
}

// ---- SLOWLOG ----------------------------------------------------------------------

function slowlogGet(c: Client, argv: string[]): void {
  const slowlog = c.server.slowlog;
  let count = 10;
  if (argv.length === 3) {
    count = parseRangeLong(argv[2], -1n, LONG_MAX, 'ERR count should be greater than or equal to -1');
    if (count === -1) count = slowlog.length;
  } else if (argv.length > 3) subcommandSyntaxError('slowlog', argv[1]);
  const entries = slowlog.newest(count);
  c.reply.arrayHeader(entries.length);
  for (const e of entries) {
    c.reply.arrayHeader(6);
    c.reply.integer(e.id);
    c.reply.integer(e.time);
    c.reply.integer(e.duration);
    c.reply.bulkArray(e.args);
    c.reply.bulk(e.peer);
    c.reply.bulk(e.clientName);
  }
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

// ---- LATENCY ------------------------------------------------------------------------

function latencyLatest(c: Client): void {
  const events = c.server.latency.events;
  c.reply.arrayHeader(events.size);
  for (const [name, series] of events) {
    c.reply.arrayHeader(4);
    c.reply.bulk(name);
    c.reply.integer(series.latest.time);
    c.reply.integer(series.latest.latency);
    c.reply.integer(series.max);
  }
}

function latencyHistory(c: Client, argv: string[]): void {
  const samples = c.server.latency.events.get(argv[2])?.samples ?? [];
  c.reply.arrayHeader(samples.length);
  for (const s of samples) {
    c.reply.arrayHeader(2);
    c.reply.integer(s.time);
    c.reply.integer(s.latency);
  }
}

function latencyReset(c: Client, argv: string[]): void {
  const latency = c.server.latency;
  if (argv.length === 2) return c.reply.integer(latency.reset());
  let resets = 0;
  for (let i = 2; i < argv.length; i++) resets += latency.reset(argv[i]);
  c.reply.integer(resets);
}

function latencyDoctor(c: Client): void {
  const server = c.server;
  c.reply.verbatim(latencyReport(server.latency, { slowlogSlowerThan: server.slowlog.slowerThan, hz: server.config.getNumber('hz') }));
}

function latencyGraphCommand(c: Client, argv: string[]): void {
  const series = c.server.latency.events.get(argv[2]);
  if (!series) fail(`ERR No samples available for event '${cString(argv[2])}'`);
  c.reply.verbatim(latencyGraph(argv[2], series, Math.floor(c.server.clock.now() / 1000)));
}

/** One command's LATENCY HISTOGRAM entry: its name, then {calls, histogram_usec}. */
function replyHistogram(c: Client, cmd: Command): void {
  const histogram = cmd.latency;
  if (!histogram) return;
  const buckets = histogram.cumulativeBuckets();
  c.reply.bulk(cmd.fullName);
  c.reply.mapHeader(2);
  c.reply.bulk('calls');
  c.reply.integer(histogram.total);
  c.reply.bulk('histogram_usec');
  c.reply.mapHeader(buckets.length);
  for (const [usec, count] of buckets) {
    c.reply.integer(usec);
    c.reply.integer(count);
  }
}

function latencyHistogram(c: Client, argv: string[]): void {
  const table = c.server.commands;
  const wanted: Command[] = [];
  if (argv.length === 2) {
    for (const cmd of table.all()) if (cmd.latency) wanted.push(cmd);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupFullName(c, argv[i]);
      if (!cmd) continue;
      if (cmd.latency) wanted.push(cmd);
      for (const sub of cmd.subcommands?.values() ?? []) if (sub.latency) wanted.push(sub);
    }
  }
  c.reply.mapHeader(wanted.length);
  for (const cmd of wanted) replyHistogram(c, cmd);
}

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

// ---- DEBUG ----------------------------------------------------------------------------

/** Blocks the whole process, as DEBUG SLEEP stops Redis. */
function sleepBlocking(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** C's atoi: leading blanks, a sign, digits; anything else ends the number. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** A stable token in place of the address DEBUG OBJECT prints: a JS value has none. */
function valueToken(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `0x7f${h.toString(16).padStart(8, '0')}`;
}

/** The length RDB would give a string: a compact integer, or a length prefix and the bytes. */
function serializedStringLength(value: string): number {
  if (stringEncoding(value) === 'int') {
    const n = Number(value);
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  const prefix = value.length < 64 ? 1 : value.length < 16384 ? 2 : value.length <= 0xffffffff ? 5 : 9;
  return prefix + value.length;
}

function debugObject(c: Client, argv: string[]): void {
  const db = c.db;
  const id = db.main.find(argv[2]);
  if (id < 0) fail(NO_SUCH_KEY);
  const value = db.main.valueAt(id);
  // Redis shows its 24-bit LRU clock of seconds; Keyhive's tag is in milliseconds (see access.ts).
  const tag = db.main.tagAt(id);
  const lru = Math.floor(tag / 1000) & LRU_CLOCK_MAX;
  const idle = Math.floor(lruIdleMs(c.server.keyspace.lruClock, tag) / 1000);
  const encoding = typeof value === 'object' ? value.encoding() : stringEncoding(value);
  const serialized = typeof value === 'object' ? 0 : serializedStringLength(stringOf(value));
  c.reply.simple(`Value at:${valueToken(argv[2])} refcount:1 encoding:${encoding} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`);
}

function debugPopulate(c: Client, argv: string[]): void {
  const count = parsePositiveLong(argv[2]);
  const valueSize = argv.length === 5 ? parsePositiveLong(argv[4]) : 0;
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (db.hasForWrite(key)) continue;
    const base = `value:${j}`;
    db.set(key, valueSize === 0 ? base : base.slice(0, valueSize).padEnd(valueSize, '\0'));
    db.changed(key, '$', 'set');
  }
  c.reply.ok();
}

function debugProtocol(c: Client, type: string): void {
  const r = c.reply;
  switch (type.toLowerCase()) {
    case 'string':
      return r.bulk('Hello World');
    case 'integer':
      return r.integer(12345);
    case 'double':
      return r.double(3.141);
    case 'bignum':
      // A RESP3 big number; RESP2 has none, so it goes as a bulk string.
      return c.protocol === 3 ? r.raw('(1234567999999999999999999999999999999\r\n') : r.bulk('1234567999999999999999999999999999999');
    case 'null':
      return r.nullBulk();
    case 'array':
    case 'set':
      if (type.toLowerCase() === 'set') r.setHeader(3);
      else r.arrayHeader(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case 'map':
      r.mapHeader(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.boolean(j === 1);
      }
      return;
    case 'attrib':
      if (c.protocol === 3) {
        r.raw('|1\r\n');
        r.bulk('key-popularity');
        r.arrayHeader(2);
        r.bulk('key:123');
        r.integer(90);
      }
      return r.bulk('Some real reply following the attribute');
    case 'push':
      if (c.protocol !== 3) fail('ERR RESP2 is not supported by this command');
      r.pushHeader(2);
      r.bulk('server-cpu-usage');
      r.integer(42);
      return r.bulk('Some real reply following the push reply');
    case 'true':
      return r.boolean(true);
    case 'false':
      return r.boolean(false);
    case 'verbatim':
      return r.verbatim('This is a verbatim\nstring');
  }
  fail('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
}

/** Runs random patterns and strings through the glob matcher, as DEBUG STRINGMATCH-TEST does. */
function stringmatchTest(c: Client): void {
  const alphabet = '*?[]^-\\ab';
  const random = (n: number) => Array.from({ length: Math.floor(Math.random() * n) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
  for (let i = 0; i < 1000; i++) new GlobPattern(random(32), i % 2 === 0).matches(random(32));
  c.reply.simple('Apparently Redis did not crash: test passed');
}

interface DebugSubcommand {
  /** Exact argument count including DEBUG and the subcommand, or -n for at least n. */
  argc: number;
  run: (c: Client, argv: string[]) => void;
}

const DEBUG_HELP = [
  'ASSERT',
  '    Fail as an assertion would. Redis crashes; Keyhive replies with an error and logs the failure.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load;',
  '      conflicting keys make the load fail (Redis kills the server).',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
];

/** A DEBUG subcommand that turns a server setting on or off by its <0|1> argument. */
function serverFlag(set: (server: Server, on: boolean) => void): DebugSubcommand {
  return {
    argc: 3,
    run: (c, argv) => {
      set(c.server, atoi(argv[2]) !== 0);
      c.reply.ok();
    },
  };
}

/** DEBUG's subcommands; other families may add theirs (e.g. DEBUG DIGEST with persistence). */
export const debugSubcommands = new Map<string, DebugSubcommand>([
  ['help', { argc: 2, run: (c) => replyHelp(c, 'debug', DEBUG_HELP) }],
  [
    'assert',
    {
      argc: 2,
      // What any failure inside a command turns into: an error reply and a log line, the server going on.
      run: () => {
        throw new Error('DEBUG ASSERT: assertion failed');
      },
    },
  ],
  [
    'sleep',
    {
      argc: 3,
      run: (c, argv) => {
        sleepBlocking(Math.trunc((Number.parseFloat(argv[2]) || 0) * 1e6) / 1000);
        c.reply.ok();
      },
    },
  ],
  ['set-active-expire', serverFlag((server, on) => (server.activeExpireEnabled = on))],
  ['set-skip-checksum-validation', serverFlag((server, on) => (server.skipChecksumValidation = on))],
  ['pause-cron', serverFlag((server, on) => (server.cronPaused = on))],
  ['object', { argc: 3, run: debugObject }],
  ['digest', { argc: 2, run: (c) => c.reply.simple(datasetDigest(c.server.keyspace).toString('hex')) }],
  [
    'digest-value',
    {
      argc: -2,
      run: (c, argv) => {
        c.reply.arrayHeader(argv.length - 2);
        for (let i = 2; i < argv.length; i++) c.reply.simple(valueDigest(c.db, argv[i]).toString('hex'));
      },
    },
  ],
  ['reload', { argc: -2, run: debugReload }],
  ['populate', { argc: -3, run: (c, argv) => (argv.length <= 5 ? debugPopulate(c, argv) : subcommandSyntaxError('debug', argv[1])) }],
  ['protocol', { argc: 3, run: (c, argv) => debugProtocol(c, argv[2]) }],
  [
    'change-repl-id',
    {
      argc: 2,
      run: (c) => {
        c.server.log('warning', 'Changing replication IDs after receiving DEBUG change-repl-id');
        c.server.replId = Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
        c.reply.ok();
      },
    },
  ],
  [
    'log',
    {
      argc: 3,
      run: (c, argv) => {
        c.server.log('warning', `DEBUG LOG: ${argv[2]}`);
        c.reply.ok();
      },
    },
  ],
  // Written raw, as Redis does: no ERR prefix, and not counted as an error reply.
  ['error', { argc: 3, run: (c, argv) => c.reply.raw(`-${argv[2].replace(/[\r\n]/g, ' ')}\r\n`) }],
  ['config-rewrite-force-all', { argc: 2, run: (c) => rewriteConfig(c, true, 'CONFIG-REWRITE-FORCE-ALL failed') }],
  ['stringmatch-test', { argc: 2, run: stringmatchTest }],
  ['quicklist-packed-threshold', { argc: 3, run: debugQuicklistPackedThreshold }],
]);

function debug(c: Client, argv: string[]): void {
  const sub = debugSubcommands.get(argv[1].toLowerCase());
  const argcFits = sub !== undefined && (sub.argc >= 0 ? argv.length === sub.argc : argv.length >= -sub.argc);
  if (!sub || !argcFits) subcommandSyntaxError('debug', argv[1]);
  sub.run(c, argv);
}

// ---- the table ----------------------------------------------------------------------

const ADMIN: CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const HELP_FLAGS: CommandFlag[] = ['loading', 'stale'];

function subcommand(name: string, arity: number, flags: CommandFlag[], summary: string, since: string, complexity: string, run: CommandSpec['run'], extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name, arity, flags, group: 'server', summary, since, complexity, run, ...extra };
}

function container(name: string, summary: string, since: string, subcommands: CommandSpec[]): CommandSpec {
  return { name, arity: -2, flags: [], group: 'server', summary, since, complexity: 'Depends on subcommand.', subcommands };
}

const SLOWLOG_FLAGS: CommandFlag[] = ['admin', 'loading', 'stale'];
const LATENCY_TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];

export const commands: CommandSpec[] = [
  container('config', 'A container for server configuration commands', '2.0.0', [
    subcommand('get', -3, ADMIN, 'Get the values of configuration parameters', '2.0.0', 'O(N) when N is the number of configuration parameters provided', configGet, {
      history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
    }),
    subcommand('set', -4, ADMIN, 'Set configuration parameters to the given values', '2.0.0', 'O(N) when N is the number of configuration parameters provided', configSet, {
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
    }),
    subcommand('resetstat', 2, ADMIN, 'Reset the stats returned by INFO', '2.0.0', 'O(1)', configResetstat),
    subcommand('rewrite', 2, ADMIN, 'Rewrite the configuration file with the in memory configuration', '2.8.0', 'O(1)', (c) => rewriteConfig(c, false, 'Rewriting config file')),
    subcommand('help', 2, HELP_FLAGS, 'Show helpful text about the different subcommands', '5.0.0', 'O(1)', (c) => replyHelp(c, 'config', CONFIG_HELP)),
  ]),
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['@dangerous'],
    group: 'server',
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    run: info,
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['@keyspace'],
    group: 'server',
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    run: dbsize,
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    acl: ['@keyspace', '@dangerous'],
    group: 'server',
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    run: flushdb,
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    acl: ['@keyspace', '@dangerous'],
    group: 'server',
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
    ],
    run: flushall,
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    group: 'server',
    summary: 'Return the current server time',
    since: '2.6.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    run: time,
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    acl: ['@admin', '@dangerous'],
    group: 'server',
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    run: lastsave,
  },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
    group: 'server',
    summary: 'A container for debugging commands',
    since: '1.0.0',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    run: debug,
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ADMIN,
    group: 'server',
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    run: monitor,
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    since: '1.0.0',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    run: shutdown,
  },
  container('slowlog', 'A container for slow log commands', '2.2.12', [
    subcommand('get', -2, SLOWLOG_FLAGS, "Get the slow log's entries", '2.2.12', 'O(N) where N is the number of entries returned', slowlogGet, {
      tips: ['request_policy:all_nodes', 'nondeterministic_output'],
      history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
    }),
    subcommand('len', 2, SLOWLOG_FLAGS, "Get the slow log's length", '2.2.12', 'O(1)', (c) => c.reply.integer(c.server.slowlog.length), {
      tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
    }),
    subcommand('reset', 2, SLOWLOG_FLAGS, 'Clear all entries from the slow log', '2.2.12', 'O(N) where N is the number of entries in the slowlog', (c) => {
      c.server.slowlog.reset();
      c.reply.ok();
    }, { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] }),
    subcommand('help', 2, HELP_FLAGS, 'Show helpful text about the different subcommands', '6.2.0', 'O(1)', (c) => replyHelp(c, 'slowlog', SLOWLOG_HELP)),
  ]),
  container('latency', 'A container for latency diagnostics commands', '2.8.13', [
    subcommand('latest', 2, ADMIN, 'Return the latest latency samples for all events.', '2.8.13', 'O(1)', latencyLatest, { tips: LATENCY_TIPS }),
    subcommand('history', 3, ADMIN, 'Return timestamp-latency samples for the event.', '2.8.13', 'O(1)', latencyHistory, { tips: LATENCY_TIPS }),
    subcommand('reset', -2, ADMIN, 'Reset latency data for one or more events.', '2.8.13', 'O(1)', latencyReset, {
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
    }),
    subcommand('doctor', 2, ADMIN, 'Return a human readable latency analysis report.', '2.8.13', 'O(1)', latencyDoctor, { tips: LATENCY_TIPS }),
    subcommand('graph', 3, ADMIN, 'Return a latency graph for the event.', '2.8.13', 'O(1)', latencyGraphCommand, { tips: LATENCY_TIPS }),
    subcommand(
      'histogram',
      -2,
      ADMIN,
      'Return the cumulative distribution of latencies of a subset of commands or all.',
      '7.0.0',
      'O(N) where N is the number of commands with latency information being retrieved.',
      latencyHistogram,
      { tips: LATENCY_TIPS },
    ),
    subcommand('help', 2, HELP_FLAGS, 'Show helpful text about the different subcommands.', '2.8.13', 'O(1)', (c) => replyHelp(c, 'latency', LATENCY_HELP)),
  ]),
];
