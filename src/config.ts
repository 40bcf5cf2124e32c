/**
 * Every configuration parameter of Redis 7.0 in one table: name, alias, type,
 * default, range, whether CONFIG SET may change it, and how its value is
 * parsed, shown (CONFIG GET's canonical form) and rewritten (CONFIG REWRITE).
 * The command line, the config file, CONFIG GET/SET/REWRITE and INFO all read
 * it. Parameters Keyhive does not act on are still stored and reported as
 * Redis would, so clients and tools that read or set them see no difference.
 *
 * Keyhive's defaults differ from Redis's on purpose in two places:
 * - bind is "127.0.0.1 -::1" (Redis compiles in "* -::*"): an embedded cache
 *   should not listen on every interface unless asked to;
 * - dir is the working directory at start-up, and CONFIG SET dir checks the
 *   directory and records it without chdir(), so a server embedded in a
 *   bigger process does not move that process's working directory.
 * loglevel also accepts "nothing" (silence), as Redis 7.2 does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cString, toBigInt64, toDouble } from './commands/args.js';
import { splitInlineArgs } from './resp/inline.js';

export type ParamType = 'bool' | 'integer' | 'memory' | 'octal' | 'enum' | 'flags' | 'string' | 'special';

/** One name of an enum parameter and its numeric code (several names may share a code, e.g. yes/relative). */
export interface Choice {
  name: string;
  code: number;
  /** Accepted, but not listed in error messages (Keyhive extensions). */
  unlisted?: boolean;
}

export interface ParamSpec {
  name: string;
  /** The older name Redis still accepts (hash-max-ziplist-entries, slaveof...). */
  alias?: string;
  type: ParamType;
  /** The default in CONFIG GET's canonical form. */
  default: string;
  /** Settable by CONFIG SET (Redis's non-IMMUTABLE_CONFIG). */
  mutable: boolean;
  /** CONFIG SET needs enable-protected-configs (dir, dbfilename). */
  protected?: boolean;
  /** Only an exact CONFIG GET name shows it, never a pattern (HIDDEN_CONFIG). */
  hidden?: boolean;
  /** Its CONFIG SET value is redacted in SLOWLOG and MONITOR (SENSITIVE_CONFIG). */
  sensitive?: boolean;
  /** Takes several words (save 3600 1 300 100); CONFIG SET splits its value on spaces. */
  multiArg?: boolean;
  /** String parameters Redis stores as NULL when empty: CONFIG REWRITE leaves them out. */
  emptyIsNull?: boolean;
  /** Numeric bounds, as Redis's long long / unsigned long long. */
  min?: bigint;
  max?: bigint;
  /** Compared and shown as an unsigned 64-bit number (Redis's size_t, unsigned int, unsigned long long). */
  unsigned?: boolean;
  /** A memory parameter that also takes "N%" (maxmemory-clients). */
  percent?: boolean;
  /** Enum and flags parameters. */
  choices?: Choice[];
  /** Extra validation of a parsed value; returns Redis's error text or null. */
  check?: (value: string) => string | null;
  /** Special parameters: turns the arguments into the canonical value or throws ConfigError. */
  parse?: (args: string[], current: string) => string;
  /** Normalises a value once set (hz is clamped to 1..500). */
  adjust?: (value: string) => string;
  /** How CONFIG GET shows a stored value, when that differs from the value itself. */
  show?: (value: string) => string;
  /** Special parameters: the redis.conf lines for CONFIG REWRITE, and whether they must be written. */
  rewrite?: (value: string, name: string) => RewriteLines;
}

export interface RewriteLines {
  lines: string[];
  /** Written even if the old file does not mention the parameter. */
  force: boolean;
}

export class ConfigError extends Error {}

const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

// ---- value parsers, with the C library's quirks Redis inherits -----------

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any
 * case). No sign; an empty number is 0; an overflowing number saturates and
 * the product wraps, as in C. Null when invalid.
 */
export function memtoull(s: string): bigint | null {
  const m = /^(\d*)(.*)$/s.exec(s) as RegExpExecArray;
  const unit = MEMORY_UNITS[m[2].toLowerCase()];
  if (unit === undefined || m[1].length >= 128) return null;
  const digits = m[1] === '' ? 0n : BigInt(m[1]);
  return BigInt.asUintN(64, (digits > ULLONG_MAX ? ULLONG_MAX : digits) * unit);
}

/** Parses "100mb", "1gb", "1024" the way redis.conf does; null when invalid. */
export function parseMemory(value: string): number | null {
  const v = memtoull(value);
  return v === null ? null : Number(v);
}

/** C's strtoll over the whole string (leading blanks, a sign, saturation); null on trailing garbage. */
function strtoll(s: string, radix: 8 | 10 = 10): bigint | null {
  const m = (radix === 8 ? /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/ : /^[ \t\n\v\f\r]*([+-]?)(\d*)$/).exec(s);
  if (m === null) return null;
  // With no digits strtoll consumes nothing: only an empty string ends there.
  if (m[2] === '') return m[0] === '' ? 0n : null;
  const magnitude = BigInt(radix === 8 ? `0o${m[2]}` : m[2]);
  const v = m[1] === '-' ? -magnitude : magnitude;
  return v > LONG_MAX ? LONG_MAX : v < -LONG_MAX - 1n ? -LONG_MAX - 1n : v;
}

/** "%f" with trailing zeros (and a bare dot) trimmed, as Redis's trimDoubleString. */
function formatTrimmedDouble(d: number): string {
  const s = d.toFixed(6);
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** sdscatrepr: a double-quoted string with C escapes, as CONFIG REWRITE writes strings. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else out += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** redis.conf's compact memory form: 1gb, 64mb, 4kb, or plain bytes. */
function formatMemory(bytes: bigint): string {
  for (const [unit, size] of [['gb', 1n << 30n], ['mb', 1n << 20n], ['kb', 1n << 10n]] as const) {
    if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

// ---- keyspace notification classes (notify.c) --------------------------

/** Flag bits of notify-keyspace-events, as Redis numbers them. */
export const NOTIFY = {
  keyspace: 1 << 0,
  keyevent: 1 << 1,
  generic: 1 << 2,
  string: 1 << 3,
  list: 1 << 4,
  set: 1 << 5,
  hash: 1 << 6,
  zset: 1 << 7,
  expired: 1 << 8,
  evicted: 1 << 9,
  stream: 1 << 10,
  keyMiss: 1 << 11,
  module: 1 << 13,
  newKey: 1 << 14,
} as const;

/** 'A' stands for every class but key-miss and new-key, which must be asked for by name. */
const NOTIFY_ALL =
  NOTIFY.generic | NOTIFY.string | NOTIFY.list | NOTIFY.set | NOTIFY.hash | NOTIFY.zset | NOTIFY.expired | NOTIFY.evicted | NOTIFY.stream | NOTIFY.module;

const NOTIFY_CHARS: [string, number][] = [
  ['g', NOTIFY.generic],
  ['$', NOTIFY.string],
  ['l', NOTIFY.list],
  ['s', NOTIFY.set],
  ['h', NOTIFY.hash],
  ['z', NOTIFY.zset],
  ['x', NOTIFY.expired],
  ['e', NOTIFY.evicted],
  ['t', NOTIFY.stream],
  ['d', NOTIFY.module],
  ['n', NOTIFY.newKey],
];

/** notify-keyspace-events text to flag bits; null on an unknown class character. */
export function parseKeyspaceEvents(classes: string): number | null {
  let flags = 0;
  for (const ch of classes) {
    if (ch === 'A') flags |= NOTIFY_ALL;
    else if (ch === 'K') flags |= NOTIFY.keyspace;
    else if (ch === 'E') flags |= NOTIFY.keyevent;
    else if (ch === 'm') flags |= NOTIFY.keyMiss;
    else {
      const entry = NOTIFY_CHARS.find(([c]) => c === ch);
      if (!entry) return null;
      flags |= entry[1];
    }
  }
  return flags;
}

/**
 * Flag bits back to text. Redis's own form (CONFIG GET, REWRITE) lets "A"
 * swallow the classes it covers and, by a quirk, n too; the stored form keeps
 * n so that new-key events still fire.
 */
export function formatKeyspaceEvents(flags: number, keepNewKey = false): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = keepNewKey && flags & NOTIFY.newKey ? 'An' : 'A';
  else for (const [ch, bit] of NOTIFY_CHARS) if (flags & bit) out += ch;
  if (flags & NOTIFY.keyspace) out += 'K';
  if (flags & NOTIFY.keyevent) out += 'E';
  if (flags & NOTIFY.keyMiss) out += 'm';
  return out;
}

// ---- special parameters ---------------------------------------------------

function parseSave(args: string[]): string {
  // A single empty argument means "no save points".
  if (args.length === 1 && args[0] === '') return '';
  const nums = args.map((a) => strtoll(a));
  const valid = args.length % 2 === 0 && nums.every((n, i) => n !== null && n >= (i % 2 === 0 ? 1n : 0n));
  if (!valid) throw new ConfigError('Invalid save parameters');
  return (nums as bigint[]).map((n, i) => (i % 2 === 0 ? n : BigInt.asIntN(32, n))).join(' ');
}

function rewriteSave(value: string): RewriteLines {
  if (value === '') return { lines: ['save ""'], force: true };
  const words = value.split(' ');
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 2) lines.push(`save ${words[i]} ${words[i + 1]}`);
  return { lines, force: true };
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
const OBUF_DEFAULT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

function obufClassIndex(name: string): number {
  const lower = name.toLowerCase();
  if (lower === 'replica') return 1;
  return OBUF_CLASSES.indexOf(lower as (typeof OBUF_CLASSES)[number]);
}

/** client-output-buffer-limit <class> <hard> <soft> <seconds> ...: updates only the classes given. */
function parseOutputBufferLimits(args: string[], current: string): string {
  if (args.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const words = current.split(' ');
  const limits = OBUF_CLASSES.map((_, i) => words.slice(i * 4 + 1, i * 4 + 4));
  for (let j = 0; j < args.length; j += 4) {
    const cls = obufClassIndex(args[j]);
    if (cls < 0) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const seconds = strtoll(args[j + 3]);
    if (hard === null || soft === null || seconds === null || BigInt.asIntN(32, seconds) < 0n) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    limits[cls] = [String(hard), String(soft), String(BigInt.asIntN(32, seconds))];
  }
  return OBUF_CLASSES.map((name, i) => `${name} ${limits[i].join(' ')}`).join(' ');
}

function rewriteOutputBufferLimits(value: string, name: string): RewriteLines {
  const words = value.split(' ');
  const defaults = OBUF_DEFAULT.split(' ');
  let force = false;
  const lines = OBUF_CLASSES.map((cls, i) => {
    const [hard, soft, seconds] = words.slice(i * 4 + 1, i * 4 + 4);
    if (words.slice(i * 4, i * 4 + 4).join(' ') !== defaults.slice(i * 4, i * 4 + 4).join(' ')) force = true;
    const label = cls === 'slave' ? 'replica' : cls;
    return `${name} ${label} ${formatMemory(BigInt(hard))} ${formatMemory(BigInt(soft))} ${seconds}`;
  });
  return { lines, force };
}

function parseOomScoreAdjValues(args: string[]): string {
  if (args.length !== 3) throw new ConfigError('wrong number of arguments');
  return args
    .map((a) => {
      const v = strtoll(a);
      if (v === null || v < -2000n || v > 2000n) throw new ConfigError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
      return String(v);
    })
    .join(' ');
}

function parseNotifyKeyspaceEvents(args: string[]): string {
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  const flags = parseKeyspaceEvents(args[0]);
  if (flags === null) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return formatKeyspaceEvents(flags, true);
}

function showKeyspaceEvents(value: string): string {
  return formatKeyspaceEvents(parseKeyspaceEvents(value) as number);
}

const BIND_MAX = 16;

function parseBind(args: string[]): string {
  if (args.length > BIND_MAX) throw new ConfigError('Too many bind addresses specified.');
  if (args.length === 1 && args[0] === '') return '';
  return args.join(' ');
}

function parseReplicaOf(args: string[]): string {
  if (args.length !== 2) throw new ConfigError('wrong number of arguments');
  if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return '';
  const port = /^[ \t]*[+-]?\d+$/.test(args[1]) ? Number(args[1]) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('Invalid master port');
  return `${args[0]} ${port}`;
}

function parsePercentiles(args: string[]): string {
  if (args.length === 1 && args[0] === '') return '';
  return args
    .map((a) => {
      const d = toDouble(a);
      if (d === null) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
      if (d > 100 || d < 0) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
      return formatTrimmedDouble(d);
    })
    .join(' ');
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

/** strerror() for a Node.js system error (file system, sockets). */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  return ERRNO_TEXT[code] ?? (e as Error)?.message ?? String(e);
}

/** dir: must be an accessible directory; kept as the absolute path getcwd() would report after chdir(). */
function parseDir(args: string[], current: string): string {
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  try {
    const resolved = fs.realpathSync(path.resolve(current, args[0]));
    if (!fs.statSync(resolved).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    fs.accessSync(resolved, fs.constants.X_OK);
    return resolved;
  } catch (e) {
    throw new ConfigError(strerror(e));
  }
}

// ---- string validators ------------------------------------------------------

function baseNameOnly(what: string, noun: string, allowEmpty = true) {
  return (v: string): string | null => {
    if (!allowEmpty && v === '') return `${what} can't be empty`;
    return v.includes('/') || v.includes('\\') ? `${what} can't be a path, just a ${noun}` : null;
  };
}

/**
 * A proc-title-template expanded as Redis's sdstemplate and sdstrim do:
 * {name} is a variable's value (null for an unknown one, which makes the
 * template invalid), "{{" a brace, and spaces around the result go.
 */
export function expandProcTitle(template: string, valueOf: (variable: string) => string | null): string | null {
  let expanded = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      expanded += template.slice(i);
      break;
    }
    expanded += template.slice(i, open);
    if (open + 1 >= template.length) return null;
    if (template[open + 1] === '{') {
      expanded += '{';
      i = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close < 0) return null;
    const value = valueOf(template.slice(open + 1, close));
    if (value === null) return null;
    expanded += value;
    i = close + 1;
  }
  return expanded.replace(/^ +| +$/g, '');
}

/** What each variable expands to when a template is checked (an empty title, as Redis checks it, and no unix socket). */
const PROC_TITLE_CHECK_VALUES = new Map([
  ['title', ''],
  ['listen-addr', 'x'],
  ['server-mode', ''],
  ['config-file', 'x'],
  ['port', 'x'],
  ['tls-port', 'x'],
  ['unixsocket', ''],
]);

/** A proc-title-template must use known {variables} and not expand to nothing. */
function checkProcTitleTemplate(template: string): string | null {
  const expanded = expandProcTitle(template, (variable) => PROC_TITLE_CHECK_VALUES.get(variable) ?? null);
  return expanded === null || expanded === '' ? 'template format is invalid or contains unknown variables' : null;
}

function checkAnnouncedHostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(v) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

// ---- the table --------------------------------------------------------------

interface Extra {
  alias?: string;
  mutable?: boolean;
  protected?: boolean;
  hidden?: boolean;
  sensitive?: boolean;
  emptyIsNull?: boolean;
  check?: (value: string) => string | null;
  adjust?: (value: string) => string;
}

const IMMUTABLE: Extra = { mutable: false };

function bool(name: string, def: boolean, extra: Extra = {}): ParamSpec {
  return { name, type: 'bool', default: def ? 'yes' : 'no', mutable: true, ...extra };
}

function str(name: string, def: string, extra: Extra = {}): ParamSpec {
  return { name, type: 'string', default: def, mutable: true, ...extra };
}

function nullableStr(name: string, extra: Extra = {}): ParamSpec {
  return str(name, '', { emptyIsNull: true, ...extra });
}

function int(name: string, def: number, min: bigint, max: bigint, extra: Extra = {}): ParamSpec {
  return { name, type: 'integer', default: String(def), mutable: true, min, max, ...extra };
}

/** Redis's unsigned types (unsigned int, size_t, unsigned long long): negative input wraps above the maximum. */
function uint(name: string, def: number, min: bigint, max: bigint, extra: Extra = {}): ParamSpec {
  return { ...int(name, def, min, max, extra), unsigned: true };
}

function memory(name: string, def: number, min: bigint, max: bigint, unsigned: boolean, extra: Extra = {}): ParamSpec {
  return { name, type: 'memory', default: String(def), mutable: true, min, max, unsigned, ...extra };
}

function enumeration(name: string, def: string, names: (string | Choice)[], extra: Extra = {}): ParamSpec {
  const choices = names.map((n, code) => (typeof n === 'string' ? { name: n, code } : n));
  return { name, type: 'enum', default: def, mutable: true, choices, ...extra };
}

function special(
  name: string,
  def: string,
  parse: ParamSpec['parse'],
  rewrite: ParamSpec['rewrite'] | undefined,
  extra: Extra & { multiArg?: boolean } = {},
): ParamSpec {
  return { name, type: 'special', default: def, mutable: true, parse, rewrite, ...extra };
}

const PROTECTED_ACTION = ['no', 'yes', 'local'];
const SHUTDOWN_FLAGS: Choice[] = [
  { name: 'default', code: 0 },
  { name: 'save', code: 1 },
  { name: 'nosave', code: 2 },
  { name: 'now', code: 4 },
  { name: 'force', code: 8 },
];

function shutdownFlags(name: string): ParamSpec {
  return {
    name,
    type: 'flags',
    default: 'default',
    mutable: true,
    multiArg: true,
    choices: SHUTDOWN_FLAGS,
    check: (v) => (v.split(' ').includes('save') && v.split(' ').includes('nosave') ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null),
  };
}

const noDefrag = (v: string) =>
  v === 'yes'
    ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
    : null;

const clampHz = (v: string) => String(Math.min(500, Math.max(1, Number(v))));

/** Every Redis 7.0 parameter, in the order of config.c's table. */
export const PARAMS: ParamSpec[] = [
  bool('rdbchecksum', true, IMMUTABLE),
  bool('daemonize', false, IMMUTABLE),
  bool('io-threads-do-reads', false, IMMUTABLE),
  bool('always-show-logo', false, IMMUTABLE),
  bool('protected-mode', true),
  bool('rdbcompression', true),
  bool('rdb-del-sync-files', false),
  bool('activerehashing', true),
  bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true, IMMUTABLE),
  bool('dynamic-hz', true),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true),
  bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, { alias: 'cluster-slave-no-failover' }),
  bool('replica-lazy-flush', false, { alias: 'slave-lazy-flush' }),
  bool('replica-serve-stale-data', true, { alias: 'slave-serve-stale-data' }),
  bool('replica-read-only', true, { alias: 'slave-read-only' }),
  bool('replica-ignore-maxmemory', true, { alias: 'slave-ignore-maxmemory' }),
  bool('jemalloc-bg-thread', true),
  bool('activedefrag', false, { check: noDefrag }),
  bool('syslog-enabled', false, IMMUTABLE),
  bool('cluster-enabled', false, IMMUTABLE),
  bool('appendonly', false),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  bool('use-exit-on-panic', false, { hidden: true }),
  bool('disable-thp', true, IMMUTABLE),
  bool('cluster-allow-replica-migration', true),
  bool('replica-announced', true),
  bool('latency-tracking', true),
  bool('aof-disable-auto-gc', false),
  bool('replica-ignore-disk-write-errors', false),

  str('aclfile', '', IMMUTABLE),
  nullableStr('unixsocket', IMMUTABLE),
  nullableStr('pidfile', IMMUTABLE),
  nullableStr('replica-announce-ip', { alias: 'slave-announce-ip' }),
  nullableStr('masteruser', { sensitive: true }),
  nullableStr('cluster-announce-ip'),
  str('cluster-config-file', 'nodes.conf', IMMUTABLE),
  nullableStr('cluster-announce-hostname', { check: checkAnnouncedHostname }),
  str('syslog-ident', 'redis', IMMUTABLE),
  str('dbfilename', 'dump.rdb', { protected: true, check: baseNameOnly('dbfilename', 'filename') }),
  str('appendfilename', 'appendonly.aof', { mutable: false, check: baseNameOnly('appendfilename', 'filename', false) }),
  str('appenddirname', 'appendonlydir', { mutable: false, check: baseNameOnly('appenddirname', 'dirname', false) }),
  nullableStr('server_cpulist', IMMUTABLE),
  nullableStr('bio_cpulist', IMMUTABLE),
  nullableStr('aof_rewrite_cpulist', IMMUTABLE),
  nullableStr('bgsave_cpulist', IMMUTABLE),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', { check: checkProcTitleTemplate }),
  nullableStr('bind-source-addr'),
  str('logfile', '', IMMUTABLE),
  nullableStr('masterauth', { sensitive: true }),
  nullableStr('requirepass', { sensitive: true }),

  enumeration('supervised', 'no', [
    { name: 'upstart', code: 1 },
    { name: 'systemd', code: 2 },
    { name: 'auto', code: 3 },
    { name: 'no', code: 0 },
  ], IMMUTABLE),
  enumeration('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], IMMUTABLE),
  enumeration('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  enumeration('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', { name: 'nothing', code: 4, unlisted: true }]),
  enumeration('maxmemory-policy', 'noeviction', [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ]),
  enumeration('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  enumeration('oom-score-adj', 'no', [
    { name: 'no', code: 0 },
    { name: 'yes', code: 1 },
    { name: 'relative', code: 1 },
    { name: 'absolute', code: 2 },
  ]),
  enumeration('acl-pubsub-default', 'resetchannels', [
    { name: 'allchannels', code: 1 },
    { name: 'resetchannels', code: 0 },
  ]),
  enumeration('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  enumeration('enable-protected-configs', 'no', PROTECTED_ACTION, IMMUTABLE),
  enumeration('enable-debug-command', 'no', PROTECTED_ACTION, IMMUTABLE),
  enumeration('enable-module-command', 'no', PROTECTED_ACTION, IMMUTABLE),
  enumeration('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  enumeration('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  shutdownFlags('shutdown-on-sigint'),
  shutdownFlags('shutdown-on-sigterm'),

  int('databases', 16, 1n, INT_MAX, IMMUTABLE),
  int('port', 6379, 0n, 65535n),
  int('io-threads', 1, 1n, 128n, IMMUTABLE),
  int('auto-aof-rewrite-percentage', 100, 0n, INT_MAX),
  int('cluster-replica-validity-factor', 10, 0n, INT_MAX, { alias: 'cluster-slave-validity-factor' }),
  int('list-max-listpack-size', -2, INT_MIN, INT_MAX, { alias: 'list-max-ziplist-size' }),
  int('tcp-keepalive', 300, 0n, INT_MAX),
  int('cluster-migration-barrier', 1, 0n, INT_MAX),
  int('active-defrag-cycle-min', 1, 1n, 99n),
  int('active-defrag-cycle-max', 25, 1n, 99n),
  int('active-defrag-threshold-lower', 10, 0n, 1000n),
  int('active-defrag-threshold-upper', 100, 0n, 1000n),
  int('lfu-log-factor', 10, 0n, INT_MAX),
  int('lfu-decay-time', 1, 0n, INT_MAX),
  int('replica-priority', 100, 0n, INT_MAX, { alias: 'slave-priority' }),
  int('repl-diskless-sync-delay', 5, 0n, INT_MAX),
  int('maxmemory-samples', 5, 1n, INT_MAX),
  int('maxmemory-eviction-tenacity', 10, 0n, 100n),
  int('timeout', 0, 0n, INT_MAX),
  int('replica-announce-port', 0, 0n, 65535n, { alias: 'slave-announce-port' }),
  int('tcp-backlog', 511, 0n, INT_MAX, IMMUTABLE),
  int('cluster-port', 0, 0n, 65535n, IMMUTABLE),
  int('cluster-announce-bus-port', 0, 0n, 65535n),
  int('cluster-announce-port', 0, 0n, 65535n),
  int('cluster-announce-tls-port', 0, 0n, 65535n),
  int('repl-timeout', 60, 1n, INT_MAX),
  int('repl-ping-replica-period', 10, 1n, INT_MAX, { alias: 'repl-ping-slave-period' }),
  int('list-compress-depth', 0, 0n, INT_MAX),
  int('rdb-key-save-delay', 0, INT_MIN, INT_MAX, { hidden: true }),
  int('key-load-delay', 0, INT_MIN, INT_MAX, { hidden: true }),
  int('active-expire-effort', 1, 1n, 10n),
  int('hz', 10, 0n, INT_MAX, { adjust: clampHz }),
  int('min-replicas-to-write', 0, 0n, INT_MAX, { alias: 'min-slaves-to-write' }),
  int('min-replicas-max-lag', 10, 0n, INT_MAX, { alias: 'min-slaves-max-lag' }),
  int('watchdog-period', 0, 0n, INT_MAX, { hidden: true }),
  int('shutdown-timeout', 10, 0n, INT_MAX),
  int('repl-diskless-sync-max-replicas', 0, 0n, INT_MAX),

  uint('maxclients', 10000, 1n, UINT_MAX),
  { name: 'unixsocketperm', type: 'octal', default: '0', mutable: false, min: 0n, max: 0o777n, unsigned: true },
  uint('socket-mark-id', 0, 0n, UINT_MAX, IMMUTABLE),

  int('active-defrag-max-scan-fields', 1000, 1n, LONG_MAX),
  int('slowlog-max-len', 128, 0n, LONG_MAX),
  int('acllog-max-len', 128, 0n, LONG_MAX),

  int('busy-reply-threshold', 5000, 0n, LONG_MAX, { alias: 'lua-time-limit' }),
  int('cluster-node-timeout', 15000, 0n, LONG_MAX),
  int('slowlog-log-slower-than', 10000, -1n, LONG_MAX),
  int('latency-monitor-threshold', 0, 0n, LONG_MAX),
  memory('proto-max-bulk-len', 512 * 1024 * 1024, 1024n * 1024n, LONG_MAX, false),
  int('stream-node-max-entries', 100, 0n, LONG_MAX),
  memory('repl-backlog-size', 1024 * 1024, 1n, LONG_MAX, false),

  memory('maxmemory', 0, 0n, ULLONG_MAX, true),
  memory('cluster-link-sendbuf-limit', 0, 0n, ULLONG_MAX, true),

  uint('hash-max-listpack-entries', 512, 0n, LONG_MAX, { alias: 'hash-max-ziplist-entries' }),
  uint('set-max-intset-entries', 512, 0n, LONG_MAX),
  uint('zset-max-listpack-entries', 128, 0n, LONG_MAX, { alias: 'zset-max-ziplist-entries' }),
  memory('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1n, LONG_MAX, true),
  memory('hash-max-listpack-value', 64, 0n, LONG_MAX, true, { alias: 'hash-max-ziplist-value' }),
  memory('stream-node-max-bytes', 4096, 0n, LONG_MAX, true),
  memory('zset-max-listpack-value', 64, 0n, LONG_MAX, true, { alias: 'zset-max-ziplist-value' }),
  memory('hll-sparse-max-bytes', 3000, 0n, LONG_MAX, true),
  uint('tracking-table-max-keys', 1000000, 0n, LONG_MAX),
  memory('client-query-buffer-limit', 1024 * 1024 * 1024, 1024n * 1024n, LONG_MAX, true),
  { ...memory('maxmemory-clients', 0, -100n, LONG_MAX, false), percent: true },

  int('repl-backlog-ttl', 3600, 0n, LONG_MAX),
  memory('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0n, LONG_MAX, false),
  int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024n, INT_MAX, { hidden: true }),

  int('tls-port', 0, 0n, 65535n),
  int('tls-session-cache-size', 20 * 1024, 0n, INT_MAX),
  int('tls-session-cache-timeout', 300, 0n, INT_MAX),
  bool('tls-cluster', false),
  bool('tls-replication', false),
  enumeration('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  nullableStr('tls-cert-file'),
  nullableStr('tls-key-file'),
  nullableStr('tls-key-file-pass'),
  nullableStr('tls-client-cert-file'),
  nullableStr('tls-client-key-file'),
  nullableStr('tls-client-key-file-pass'),
  nullableStr('tls-dh-params-file'),
  nullableStr('tls-ca-cert-file'),
  nullableStr('tls-ca-cert-dir'),
  nullableStr('tls-protocols'),
  nullableStr('tls-ciphers'),
  nullableStr('tls-ciphersuites'),

  special('dir', process.cwd(), parseDir, (v, name) => ({ lines: [`${name} ${quoteRepr(v)}`], force: true }), { protected: true }),
  // Redis's default is '3600 1 300 100 60 10000'; Keyhive's is in-memory (see commands/snapshot.ts).
  special('save', '', parseSave, rewriteSave, { multiArg: true }),
  special('client-output-buffer-limit', OBUF_DEFAULT, parseOutputBufferLimits, rewriteOutputBufferLimits, { multiArg: true }),
  special('oom-score-adj-values', '0 200 800', parseOomScoreAdjValues, (v, name) => ({ lines: [`${name} ${v}`], force: v !== '0 200 800' }), {
    multiArg: true,
  }),
  {
    ...special('notify-keyspace-events', '', parseNotifyKeyspaceEvents, (v, name) => ({ lines: [`${name} ${quoteRepr(showKeyspaceEvents(v))}`], force: v !== '' })),
    show: showKeyspaceEvents,
  },
  special('bind', '127.0.0.1 -::1', parseBind, (v, name) => ({ lines: v === '127.0.0.1 -::1' ? [] : [`${name} ${v === '' ? '""' : v}`], force: true }), {
    multiArg: true,
  }),
  special('replicaof', '', parseReplicaOf, (v, name) => ({ lines: v === '' ? [] : [`${name} ${v}`], force: true }), {
    alias: 'slaveof',
    mutable: false,
    multiArg: true,
  }),
  special('latency-tracking-info-percentiles', '50 99 99.9', parsePercentiles, (v, name) => ({ lines: [`${name} ${v === '' ? '""' : v}`], force: true }), {
    multiArg: true,
  }),
];

// ---- parsing a value of each type ---------------------------------------

function parseBool(args: string[]): string {
  const v = args[0].toLowerCase();
  if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
  return v;
}

function enumError(spec: ParamSpec): ConfigError {
  const names = (spec.choices as Choice[]).filter((c) => !c.unlisted).map((c) => c.name);
  return new ConfigError(`argument(s) must be one of the following: ${names.join(', ')}`);
}

/** The canonical name(s) of an enum code, as Redis's configEnumGetName. */
function enumName(choices: Choice[], code: number, bitflags: boolean): string {
  const names: string[] = [];
  let unmatched = code;
  for (const choice of choices) {
    if (choice.code === code) return choice.name;
    if (bitflags && choice.code !== 0 && (unmatched & choice.code) === choice.code) {
      names.push(choice.name);
      unmatched &= ~choice.code;
    }
  }
  return names.length === 0 || unmatched !== 0 ? 'unknown' : names.join(' ');
}

function parseEnum(spec: ParamSpec, args: string[]): string {
  const bitflags = spec.type === 'flags';
  if (args.length === 0 || (!bitflags && args.length !== 1)) throw enumError(spec);
  const choices = spec.choices as Choice[];
  let code = 0;
  for (const arg of args) {
    const lower = arg.toLowerCase();
    const choice = choices.find((c) => c.name === lower);
    if (!choice) throw enumError(spec);
    code |= choice.code;
  }
  return enumName(choices, code, bitflags);
}

/** Parses a numeric value to Redis's long long, the way numericParseString tries memory, percent, octal, integer. */
function parseNumber(spec: ParamSpec, raw: string): bigint {
  if (spec.type === 'memory') {
    const v = memtoull(raw);
    if (v !== null) return BigInt.asIntN(64, v);
    if (spec.percent && raw.length > 1 && raw.endsWith('%')) {
      const p = toBigInt64(raw.slice(0, -1));
      if (p !== null && p >= 0n) return -p;
    }
    throw new ConfigError(spec.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value');
  }
  if (spec.type === 'octal') {
    const v = strtoll(raw, 8);
    if (v === null) throw new ConfigError("argument couldn't be parsed as an octal number");
    return v;
  }
  const v = toBigInt64(raw);
  if (v === null) throw new ConfigError("argument couldn't be parsed into an integer");
  return v;
}

function checkBounds(spec: ParamSpec, value: bigint): void {
  const min = spec.min as bigint;
  const max = spec.max as bigint;
  if (spec.unsigned) {
    const u = BigInt.asUintN(64, value);
    if (u > max || u < min) {
      const fmt = (n: bigint) => (spec.type === 'octal' ? n.toString(8) : String(n));
      throw new ConfigError(`argument must be between ${fmt(min)} and ${fmt(max)} inclusive`);
    }
  } else if (spec.percent && value < 0n) {
    if (value < min) throw new ConfigError(`percentage argument must be less or equal to ${-min}`);
  } else if (value > max || value < min) {
    throw new ConfigError(`argument must be between ${min} and ${max} inclusive`);
  }
}

function formatNumber(spec: ParamSpec, value: bigint): string {
  if (spec.percent && value < 0n) return `${-value}%`;
  if (spec.type === 'octal') return value.toString(8);
  return String(spec.unsigned || spec.type === 'memory' ? BigInt.asUintN(64, value) : value);
}

/** Splits a CONFIG SET value of a multi-word parameter on single spaces, as Redis does (empty words kept). */
function splitConfigSetValue(spec: ParamSpec, value: string): string[] {
  if (!spec.multiArg) return [value];
  return value === '' ? [] : value.split(' ');
}

// ---- the configuration -------------------------------------------------------

export type ConfigListener = (name: string, value: string) => void;

/** Who asks for a change; decides what CONFIG SET may touch. */
export interface SetOptions {
  /** From CONFIG SET: immutable parameters are refused. */
  configSet?: boolean;
  /** The client may change protected parameters (enable-protected-configs yes, or local and the client is local). */
  allowProtected?: boolean;
}

export class Config {
  private readonly specs = new Map<string, ParamSpec>();
  private readonly values = new Map<string, string>();
  private readonly listeners: ConfigListener[] = [];
  /** Names that a config file line has set already (a second "save" line adds to the first). */
  private readonly loaded = new Set<string>();
  /** The config file the server was started with (absolute), for CONFIG REWRITE and INFO. */
  configFile: string | null = null;
  /** `user <name> <rules...>` directives, for the ACL to load at start-up (Redis's UsersToLoad). */
  readonly users: string[][] = [];
  /** rename-command directives, [from, to], for the server to apply to its command table. */
  readonly renamedCommands: [string, string][] = [];
  /** Directives that are not parameters, by name, with their current lines for CONFIG REWRITE (the ACL's `user` lines). */
  readonly rewriters = new Map<string, () => string[]>();

  constructor(readonly params: ParamSpec[] = PARAMS) {
    for (const p of params) {
      this.specs.set(p.name, p);
      if (p.alias) this.specs.set(p.alias, p);
      this.values.set(p.name, p.default);
    }
  }

  /** The parameter called name (or by its alias), any case. */
  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name) ?? this.specs.get(name.toLowerCase());
  }

  /** Canonical parameter names, in table order. */
  names(): string[] {
    return [...this.values.keys()];
  }

  /** Every name a pattern may match: canonical names and aliases, hidden ones left out. */
  *visibleNames(): IterableIterator<string> {
    for (const p of this.params) {
      if (p.hidden) continue;
      yield p.name;
      if (p.alias) yield p.alias;
    }
  }

  get(name: string): string {
    const spec = this.spec(name);
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`);
    return this.values.get(spec.name) as string;
  }

  /** The value as CONFIG GET shows it. */
  show(spec: ParamSpec): string {
    const value = this.values.get(spec.name) as string;
    return spec.show ? spec.show(value) : value;
  }

  getNumber(name: string): number {
    return Number(this.get(name));
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  isDefault(spec: ParamSpec): boolean {
    return this.values.get(spec.name) === spec.default;
  }

  /** Parses arguments into the canonical value of spec; throws ConfigError with Redis's reason. */
  parse(spec: ParamSpec, args: string[]): string {
    let value: string;
    switch (spec.type) {
      case 'bool':
        value = parseBool(args);
        break;
      case 'enum':
      case 'flags':
        value = parseEnum(spec, args);
        break;
      case 'integer':
      case 'memory':
      case 'octal': {
        const n = parseNumber(spec, args[0]);
        checkBounds(spec, n);
        value = formatNumber(spec, n);
        break;
      }
      case 'string':
        value = args[0];
        break;
      case 'special':
        value = (spec.parse as NonNullable<ParamSpec['parse']>)(args, this.values.get(spec.name) as string);
        break;
    }
    const problem = spec.check?.(value);
    if (problem) throw new ConfigError(problem);
    return spec.adjust ? spec.adjust(value) : value;
  }

  /**
   * Sets several parameters at once, all validated before any changes, with
   * CONFIG SET's error texts. Throws ConfigError.
   */
  setMany(pairs: [string, string][], fromConfigSet: boolean | SetOptions): void {
    const options: SetOptions = typeof fromConfigSet === 'boolean' ? { configSet: fromConfigSet, allowProtected: true } : fromConfigSet;
    const failed = (name: string, why: string) => new ConfigError(`CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
    const found: ParamSpec[] = [];
    // Redis keeps an alias as an entry of its own, so a name and its alias together are no duplicate.
    const entries = new Set<string>();
    for (const [name] of pairs) {
      const spec = this.spec(name);
      if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`);
      if (options.configSet && !spec.mutable) throw failed(name, "can't set immutable config");
      if (options.configSet && spec.protected && !options.allowProtected) throw failed(name, "can't set protected config");
      const entry = name.toLowerCase();
      if (entries.has(entry)) throw failed(name, 'duplicate parameter');
      entries.add(entry);
      found.push(spec);
    }
    const staged = pairs.map(([name, raw], i): [ParamSpec, string] => {
      const spec = found[i];
      try {
        return [spec, this.parse(spec, splitConfigSetValue(spec, raw))];
      } catch (e) {
        if (e instanceof ConfigError) throw failed(name.toLowerCase(), e.message);
        throw e;
      }
    });
    for (const [spec, value] of staged) this.store(spec, value);
  }

  /** Sets one parameter, CONFIG SET's rules aside (start-up options, the port actually bound). */
  set(name: string, value: string): void {
    this.setMany([[name, value]], false);
  }

  /**
   * Applies a config file or command line directive: the words after the
   * name. A lone argument of a multi-word parameter is split like a config
   * line; a second "save" line adds save points to the first.
   */
  loadDirective(name: string, args: string[]): void {
    if (name === 'user') return this.addUser(args);
    if (name === 'rename-command' && args.length === 2) {
      this.renamedCommands.push([args[0], args[1]]);
      return;
    }
    const spec = this.spec(name);
    if (!spec) throw new ConfigError('Bad directive or wrong number of arguments');
    if (!spec.multiArg && args.length !== 1) throw new ConfigError('wrong number of arguments');
    let words = args;
    if (spec.multiArg && args.length === 1 && args[0] !== '') {
      const split = splitInlineArgs(args[0]);
      if (split === null) throw new ConfigError('Unbalanced quotes in configuration line');
      words = split;
    }
    const resetsSave = words.length === 1 && words[0] === '';
    if (spec.name === 'save' && this.loaded.has('save') && !resetsSave && this.get('save') !== '') {
      words = [...this.get('save').split(' '), ...words];
    }
    this.store(spec, this.parse(spec, words));
    this.loaded.add(spec.name);
  }

  private addUser(args: string[]): void {
    if (args.length === 0) throw new ConfigError('Bad directive or wrong number of arguments');
    if (this.users.some((u) => u[0] === args[0])) {
      throw new ConfigError(`Error in user declaration '${args[0]}': Duplicate user found. A user can only be defined once in config files`);
    }
    this.users.push(args);
  }

  private store(spec: ParamSpec, value: string): void {
    this.values.set(spec.name, value);
    for (const l of this.listeners) l(spec.name, value);
  }

  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /** The redis.conf line(s) for a parameter, and whether CONFIG REWRITE must write them. */
  rewriteLines(spec: ParamSpec): RewriteLines {
    const value = this.values.get(spec.name) as string;
    if (spec.rewrite) return spec.rewrite(value, spec.name);
    const force = value !== spec.default;
    if (spec.type === 'string') {
      if (spec.emptyIsNull && value === '') return { lines: [], force: true };
      return { lines: [`${spec.name} ${quoteRepr(value)}`], force };
    }
    if (spec.type === 'memory' && !value.endsWith('%')) return { lines: [`${spec.name} ${formatMemory(BigInt(value))}`], force };
    return { lines: [`${spec.name} ${value}`], force };
  }
}
