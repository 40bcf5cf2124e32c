/** String commands (t_string.c). */
import type { Client } from '../server/client.js';
import { conditionHolds, counterValue, isString, stringOf, type SetCondition, type StringValue, type Value } from '../store/keyspace.js';
import { INT64_MAX, INT64_MIN, isInt64 } from '../store/int64.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../store/long-double.js';
import { NOT_FLOAT, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE, addInt64, fail, isKeyword, parseExactInt64, parseInteger, toInt64 } from './args.js';
import type { CommandSpec, KeyRange, KeySpec, KeySpecFlag } from './table.js';

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;
/** V8's String::kMaxLength on 64-bit: no JS string is longer, whatever proto-max-bulk-len allows. */
const MAX_JS_STRING_LENGTH = 2 ** 29 - 24;

/** OBJECT ENCODING of a string value, by Redis's rules for a freshly set value. */
export function stringEncoding(value: StringValue): 'int' | 'embstr' | 'raw' {
  if (typeof value === 'number' || isInt64(value)) return 'int';
  return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

function asString(v: Value | undefined): string | undefined {
  if (v === undefined || typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  fail(WRONGTYPE);
}

/** The string at key for reading, undefined when missing; WRONGTYPE for other types. */
export function readString(c: Client, key: string): string | undefined {
  return asString(c.db.lookupRead(key));
}

/** The string at key for a command about to change it, undefined when missing; WRONGTYPE for other types. */
export function writableString(c: Client, key: string): string | undefined {
  return asString(c.db.lookupWrite(key));
}

/** Redis's checkStringLength, with V8's own string limit as a second bound. */
export function checkStringLength(c: Client, length: number): void {
  if (length > c.server.limits.maxBulkLen || length > MAX_JS_STRING_LENGTH) {
    fail('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
}

// ---- SET / GETEX options --------------------------------------------------

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const EXPIRY = EX | PX | EXAT | PXAT;

interface OptionRule {
  flag: number;
  /** Options that may not be combined with this one (repeating the same option is fine). */
  excludes: number;
  takesValue: boolean;
}

function expiryRule(flag: number): OptionRule {
  return { flag, excludes: KEEPTTL | PERSIST | (EXPIRY & ~flag), takesValue: true };
}

type OptionRules = readonly (readonly [string, OptionRule])[];

const EXPIRY_OPTIONS: OptionRules = [
  ['ex', expiryRule(EX)],
  ['px', expiryRule(PX)],
  ['exat', expiryRule(EXAT)],
  ['pxat', expiryRule(PXAT)],
];

const SET_OPTIONS: OptionRules = [
  ...EXPIRY_OPTIONS,
  ['nx', { flag: NX, excludes: XX, takesValue: false }],
  ['xx', { flag: XX, excludes: NX, takesValue: false }],
  ['get', { flag: GET, excludes: 0, takesValue: false }],
  ['keepttl', { flag: KEEPTTL, excludes: EXPIRY, takesValue: false }],
];

const GETEX_OPTIONS: OptionRules = [...EXPIRY_OPTIONS, ['persist', { flag: PERSIST, excludes: EXPIRY, takesValue: false }]];

/** The rule of the option arg names, or undefined. */
function ruleOf(arg: string, rules: OptionRules): OptionRule | undefined {
  for (let i = 0; i < rules.length; i++) if (isKeyword(arg, rules[i][0])) return rules[i][1];
  return undefined;
}

interface StringOptions {
  flags: number;
  /** The argument of EX, PX, EXAT or PXAT. */
  expiry: string | undefined;
}

/** Redis's parseExtendedStringArgumentsOrReply: options from argv[from] on. */
function parseOptions(argv: string[], from: number, rules: OptionRules): StringOptions {
  let flags = 0;
  let expiry: string | undefined;
  for (let j = from; j < argv.length; j++) {
    const rule = ruleOf(argv[j], rules);
    if (rule === undefined || (flags & rule.excludes) !== 0 || (rule.takesValue && j === argv.length - 1)) fail(SYNTAX_ERROR);
    flags |= rule.flag;
    if (rule.takesValue) expiry = argv[++j];
  }
  return { flags, expiry };
}

/**
 * The absolute deadline (unix ms) an expiry argument names: seconds for
 * EX/EXAT, relative for EX/PX. Anything not positive, or past int64 once
 * scaled and made absolute, is an invalid expire time as in Redis.
 */
function expireDeadline(c: Client, command: string, arg: string, flags: number): number {
  const n = parseInteger(arg);
  const invalid = `ERR invalid expire time in '${command}' command`;
  if (n <= 0) fail(invalid);
  const scale = flags & (EX | EXAT) ? 1000 : 1;
  const base = flags & (EX | PX) ? c.server.clock.now() : 0;
  const deadline = n * scale + base;
  if (deadline > Number.MAX_SAFE_INTEGER && BigInt(arg) * BigInt(scale) + BigInt(base) > INT64_MAX) fail(invalid);
  return deadline;
}

// ---- GET / SET family -------------------------------------------------------

/** What a SET-like command answers when it sets the key, and when NX/XX made it skip. */
interface SetReplies {
  done(c: Client): void;
  skipped(c: Client): void;
}

const SET_REPLIES: SetReplies = { done: (c) => c.reply.ok(), skipped: (c) => c.reply.nullBulk() };
const SETNX_REPLIES: SetReplies = { done: (c) => c.reply.integer(1), skipped: (c) => c.reply.integer(0) };

/** A plain string write (SET without options, MSET): the key is replaced whatever it held. */
function storeString(c: Client, key: string, value: string): void {
  c.db.replace(key, value);
  c.db.changed(key, '$', 'set');
}

/** Redis's setGenericCommand, behind SET with options, SETNX, SETEX, PSETEX and GETSET. */
function setGeneric(c: Client, command: string, key: string, value: string, options: StringOptions, replies: SetReplies): void {
  const { flags, expiry } = options;
  const deadline = expiry === undefined ? undefined : expireDeadline(c, command, expiry, flags);
  const condition: SetCondition = flags & NX ? 'absent' : flags & XX ? 'present' : 'always';
  const keepTtl = (flags & KEEPTTL) !== 0;
  if (flags & GET) {
    const old = readString(c, key);
    c.reply.bulkOrNull(old);
    if (!conditionHolds(condition, old !== undefined)) return;
    c.db.set(key, value, keepTtl, deadline);
  } else if (!c.db.setIf(key, value, condition, keepTtl, deadline)) return replies.skipped(c);
  c.db.changed(key, '$', 'set');
  if (deadline !== undefined) c.db.changed(key, 'g', 'expire');
  if (!(flags & GET)) replies.done(c);
}

function get(c: Client, argv: string[]): void {
  replyString(c, argv[1]);
}

/** Replies with the string at key, or null when it is missing or (with nullForOtherTypes, as MGET) not a string; otherwise WRONGTYPE. */
function replyString(c: Client, key: string, nullForOtherTypes = false): void {
  const id = c.db.findRead(key);
  if (id < 0) return c.reply.nullBulk();
  if (c.db.writeValueTo(id, c.reply)) return;
  const v = c.db.main.valueAt(id);
  if (isString(v)) c.reply.bulk(stringOf(v));
  else if (nullForOtherTypes) c.reply.nullBulk();
  else fail(WRONGTYPE);
}

function set(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    storeString(c, argv[1], argv[2]);
    c.reply.ok();
    return;
  }
  setGeneric(c, 'set', argv[1], argv[2], parseOptions(argv, 3, SET_OPTIONS), SET_REPLIES);
}

function setnx(c: Client, argv: string[]): void {
  setGeneric(c, 'setnx', argv[1], argv[2], { flags: NX, expiry: undefined }, SETNX_REPLIES);
}

function setex(c: Client, argv: string[]): void {
  setGeneric(c, 'setex', argv[1], argv[3], { flags: EX, expiry: argv[2] }, SET_REPLIES);
}

function psetex(c: Client, argv: string[]): void {
  setGeneric(c, 'psetex', argv[1], argv[3], { flags: PX, expiry: argv[2] }, SET_REPLIES);
}

function getset(c: Client, argv: string[]): void {
  setGeneric(c, 'getset', argv[1], argv[2], { flags: GET, expiry: undefined }, SET_REPLIES);
}

function getdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = readString(c, key);
  c.reply.bulkOrNull(value);
  if (value !== undefined) {
    c.db.delete(key);
    c.db.changed(key, 'g', 'del');
  }
}

function getex(c: Client, argv: string[]): void {
  const { flags, expiry } = parseOptions(argv, 2, GETEX_OPTIONS);
  const key = argv[1];
  const value = readString(c, key);
  if (value === undefined) {
    c.reply.nullBulk();
    return;
  }
  const deadline = expiry === undefined ? undefined : expireDeadline(c, 'getex', expiry, flags);
  c.reply.bulk(value);
  if (deadline !== undefined) {
    if (flags & (EXAT | PXAT) && deadline <= c.server.clock.now()) {
      c.db.delete(key);
      c.db.changed(key, 'g', 'del');
    } else {
      c.db.setExpire(key, deadline);
      c.db.changed(key, 'g', 'expire');
    }
  } else if (flags & PERSIST && c.db.persist(key)) c.db.changed(key, 'g', 'persist');
}

function mget(c: Client, argv: string[]): void {
  c.reply.arrayHeader(argv.length - 1);
  for (let i = 1; i < argv.length; i++) replyString(c, argv[i], true);
}

function msetGeneric(c: Client, argv: string[], onlyIfNoneExists: boolean): void {
  if (argv.length % 2 === 0) fail(`ERR wrong number of arguments for '${onlyIfNoneExists ? 'msetnx' : 'mset'}' command`);
  if (onlyIfNoneExists) {
    for (let i = 1; i < argv.length; i += 2) {
      if (c.db.hasForWrite(argv[i])) {
        c.reply.integer(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) storeString(c, argv[i], argv[i + 1]);
  if (onlyIfNoneExists) c.reply.integer(1);
  else c.reply.ok();
}

function mset(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnx(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

// ---- in-place edits -----------------------------------------------------------

function append(c: Client, argv: string[]): void {
  const key = argv[1];
  const old = writableString(c, key);
  if (old !== undefined) checkStringLength(c, old.length + argv[2].length);
  const value = old === undefined ? argv[2] : old + argv[2];
  c.db.overwrite(key, value);
  c.db.changed(key, '$', 'append');
  c.reply.integer(value.length);
}

function strlen(c: Client, argv: string[]): void {
  c.reply.integer(readString(c, argv[1])?.length ?? 0);
}

/** s with patch written at offset, zero-padded when s is shorter than offset. */
export function overwriteAt(s: string, offset: number, patch: string): string {
  const head = s.length >= offset ? s.slice(0, offset) : s + '\0'.repeat(offset - s.length);
  return head + patch + s.slice(offset + patch.length);
}

function setrange(c: Client, argv: string[]): void {
  const offset = parseInteger(argv[2]);
  if (offset < 0) fail('ERR offset is out of range');
  const key = argv[1];
  const patch = argv[3];
  const old = writableString(c, key);
  if (patch.length === 0) {
    c.reply.integer(old?.length ?? 0);
    return;
  }
  checkStringLength(c, offset + patch.length);
  const value = overwriteAt(old ?? '', offset, patch);
  c.db.overwrite(key, value);
  c.db.changed(key, '$', 'setrange');
  c.reply.integer(value.length);
}

/** An int64 as a number, clamped to ±(2^53 - 1): past that, every bound clamps to the same end of a string (which is shorter). */
function safeBound(n: number | bigint): number {
  return typeof n === 'number' ? n : n < 0n ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}

/** GETRANGE's slice of s: inclusive offsets, negative ones counted from the end, then both clamped to s. */
function substring(s: string, start: number, end: number): string {
  const length = s.length;
  if (start < 0) start = Math.max(0, start + length);
  if (end < 0) end = Math.max(0, end + length);
  end = Math.min(end, length - 1);
  if (start > end || length === 0) return '';
  return s.slice(start, end + 1);
}

function getrange(c: Client, argv: string[]): void {
  const start = parseExactInt64(argv[2]);
  const end = parseExactInt64(argv[3]);
  const value = readString(c, argv[1]) ?? '';
  // Compared before clamping, exactly: both from the end and start past end is empty.
  if (start < 0 && end < 0 && start > end) return c.reply.bulk('');
  c.reply.bulk(substring(value, safeBound(start), safeBound(end)));
}

// ---- counters -----------------------------------------------------------------

/** A key's value read as a counter by INCR and its family: 0 when missing; NOT_INTEGER for a string that is no int64. */
function counterOf(value: Value | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const current = toInt64(asString(value) as string);
  if (current === null) fail(NOT_INTEGER);
  return current;
}

function incrementBy(c: Client, key: string, by: number | bigint): void {
  const old = c.db.lookupWrite(key);
  const sum = addInt64(counterOf(old), (old as StringValue | undefined) ?? 0, by);
  c.db.overwrite(key, counterValue(sum));
  c.db.changed(key, '$', 'incrby');
  c.reply.integer(sum);
}

function incr(c: Client, argv: string[]): void {
  incrementBy(c, argv[1], 1);
}

function decr(c: Client, argv: string[]): void {
  incrementBy(c, argv[1], -1);
}

function incrby(c: Client, argv: string[]): void {
  incrementBy(c, argv[1], parseExactInt64(argv[2]));
}

function decrby(c: Client, argv: string[]): void {
  const by = parseExactInt64(argv[2]);
  if (by === INT64_MIN) fail('ERR decrement would overflow');
  incrementBy(c, argv[1], -by);
}

function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const current = parseLongDouble(writableString(c, key) ?? '0');
  const by = parseLongDouble(argv[2]);
  if (current === null || by === null) fail(NOT_FLOAT);
  const sum = addLongDouble(current, by);
  if (sum.infinite) fail('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  c.db.overwrite(key, text);
  c.db.changed(key, '$', 'incrbyfloat');
  c.reply.bulk(text);
}

// ---- LCS ------------------------------------------------------------------------

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

function parseLcsOptions(argv: string[]): LcsOptions {
  const options: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (isKeyword(opt, 'idx')) options.idx = true;
    else if (isKeyword(opt, 'len')) options.len = true;
    else if (isKeyword(opt, 'withmatchlen')) options.withMatchLen = true;
    else if (isKeyword(opt, 'minmatchlen') && j < argv.length - 1) options.minMatchLen = Math.max(0, parseInteger(argv[++j]));
    else fail(SYNTAX_ERROR);
  }
  if (options.len && options.idx) fail('ERR If you want both the length and indexes, please just use IDX.');
  return options;
}

/** The dynamic-programming table: at i*(b.length+1)+j, the LCS length of a[0..i) and b[0..j). */
function lcsTable(c: Client, a: Buffer, b: Buffer): Uint32Array {
  const size = (a.length + 1) * (b.length + 1);
  if (size * 4 > c.server.limits.maxBulkLen) fail('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  let table: Uint32Array;
  try {
    table = new Uint32Array(size);
  } catch {
    fail('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  const width = b.length + 1;
  for (let i = 1; i <= a.length; i++) {
    const row = i * width;
    const above = row - width;
    for (let j = 1; j <= b.length; j++) {
      table[row + j] = a[i - 1] === b[j - 1] ? table[above + j - 1] + 1 : Math.max(table[above + j], table[row + j - 1]);
    }
  }
  return table;
}

/** One common run: inclusive ranges in a and in b. */
type LcsMatch = [aStart: number, aEnd: number, bStart: number, bEnd: number];

/**
 * Walks the table back from the end, as Redis does, collecting the common
 * subsequence and its contiguous runs, last run first.
 */
function lcsWalk(a: Buffer, b: Buffer, table: Uint32Array): { text: string; matches: LcsMatch[] } {
  const width = b.length + 1;
  let k = table[a.length * width + b.length];
  const text = Buffer.allocUnsafe(k);
  const matches: LcsMatch[] = [];
  let run: LcsMatch | null = null;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let closeRun = false;
    if (a[i - 1] === b[j - 1]) {
      text[--k] = a[i - 1];
      if (run === null) run = [i - 1, i - 1, j - 1, j - 1];
      else {
        run[0] = i - 1;
        run[2] = j - 1;
      }
      // A run that reached the start of either string can grow no further.
      closeRun = i === 1 || j === 1;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      closeRun = run !== null;
    }
    if (closeRun && run !== null) {
      matches.push(run);
      run = null;
    }
  }
  return { text: text.latin1Slice(0, text.length), matches };
}

function replyLcsMatches(c: Client, matches: LcsMatch[], total: number, options: LcsOptions): void {
  const shown = matches.filter(([aStart, aEnd]) => aEnd - aStart + 1 >= options.minMatchLen);
  c.reply.mapHeader(2);
  c.reply.bulk('matches');
  c.reply.arrayHeader(shown.length);
  for (const [aStart, aEnd, bStart, bEnd] of shown) {
    c.reply.arrayHeader(options.withMatchLen ? 3 : 2);
    c.reply.arrayHeader(2);
    c.reply.integer(aStart);
    c.reply.integer(aEnd);
    c.reply.arrayHeader(2);
    c.reply.integer(bStart);
    c.reply.integer(bEnd);
    if (options.withMatchLen) c.reply.integer(aEnd - aStart + 1);
  }
  c.reply.bulk('len');
  c.reply.integer(total);
}

function lcs(c: Client, argv: string[]): void {
  const first = c.db.lookupRead(argv[1]);
  const second = c.db.lookupRead(argv[2]);
  if ((first !== undefined && !isString(first)) || (second !== undefined && !isString(second))) {
    fail('ERR The specified keys must contain string values');
  }
  const options = parseLcsOptions(argv);
  const a = Buffer.from(first === undefined ? '' : stringOf(first), 'latin1');
  const b = Buffer.from(second === undefined ? '' : stringOf(second), 'latin1');
  const table = lcsTable(c, a, b);
  const total = table[table.length - 1];
  if (options.len) {
    c.reply.integer(total);
    return;
  }
  const { text, matches } = lcsWalk(a, b, table);
  if (options.idx) replyLcsMatches(c, matches, total, options);
  else c.reply.bulk(text);
}

// ---- the table ------------------------------------------------------------------

const ONE_KEY: KeyRange = { first: 1, last: 1, step: 1 };
const READ: KeySpecFlag[] = ['RO', 'access'];
const READ_UPDATE: KeySpecFlag[] = ['RW', 'access', 'update'];
const OVERWRITE: KeySpecFlag[] = ['OW', 'update'];
const INSERT_ONLY: KeySpecFlag[] = ['OW', 'insert'];

/** SET reads its key only with GET (Redis's setGetKeys), which ACL read/write key rules and GETKEYSANDFLAGS see. */
function setKeyFlags(argv: readonly string[]): KeySpecFlag[] {
  for (let i = 3; i < argv.length; i++) if (argv[i].toLowerCase() === 'get') return READ_UPDATE;
  return OVERWRITE;
}

/** A string command's entry: the shared parts (group, ACL category, one key unless told) filled in. */
interface StringCommand extends Omit<CommandSpec, 'group' | 'keys' | 'keySpecs' | 'acl'> {
  keys?: KeyRange;
  /** Flags of the key spec derived from keys. */
  keyFlags: KeySpecFlag[];
  keyNotes?: string;
}

function stringCommand({ keys = ONE_KEY, keyFlags, keyNotes, complexity = 'O(1)', ...spec }: StringCommand): CommandSpec {
  const keySpec: KeySpec = {
    flags: keyFlags,
    begin: { index: keys.first },
    find: { lastkey: keys.last < 0 ? keys.last : keys.last - keys.first, keystep: keys.step, limit: 0 },
  };
  if (keyNotes !== undefined) keySpec.notes = keyNotes;
  return { ...spec, complexity, keys, keySpecs: [keySpec], acl: ['@string'], group: 'string' };
}

const GETRANGE_COMPLEXITY =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';
const MULTI_KEY_COMPLEXITY = (verb: string) => `O(N) where N is the number of keys to ${verb}.`;

const specs: StringCommand[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keyFlags: READ, since: '1.0.0', summary: 'Get the value of a key', run: get },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    constantTime: true,
    keyFlags: ['RW', 'access', 'update', 'variable_flags'],
    keyNotes: 'RW and ACCESS due to the optional `GET` argument',
    variableKeyFlags: setKeyFlags,
    since: '1.0.0',
    summary: 'Set the string value of a key',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    run: set,
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: INSERT_ONLY,
    since: '1.0.0',
    summary: 'Set the value of a key, only if the key does not exist',
    run: setnx,
  },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], constantTime: true, keyFlags: OVERWRITE, since: '2.0.0', summary: 'Set the value and expiration of a key', run: setex },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    constantTime: true,
    keyFlags: OVERWRITE,
    since: '2.6.0',
    summary: 'Set the value and expiration in milliseconds of a key',
    run: psetex,
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: READ_UPDATE,
    since: '1.0.0',
    summary: 'Set the string value of a key and return its old value',
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`SET` with the `!GET` argument',
    run: getset,
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keyFlags: ['RW', 'access', 'delete'],
    since: '6.2.0',
    summary: 'Get the value of a key and delete the key',
    run: getdel,
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keyFlags: READ_UPDATE,
    keyNotes: 'RW and UPDATE because it changes the TTL',
    since: '6.2.0',
    summary: 'Get the value of a key and optionally set its expiration',
    run: getex,
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: -1, step: 1 },
    keyFlags: READ,
    since: '1.0.0',
    summary: 'Get the values of all the given keys',
    complexity: MULTI_KEY_COMPLEXITY('retrieve'),
    tips: ['request_policy:multi_shard'],
    run: mget,
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    keyFlags: OVERWRITE,
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values',
    complexity: MULTI_KEY_COMPLEXITY('set'),
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    run: mset,
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 2 },
    keyFlags: INSERT_ONLY,
    since: '1.0.1',
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    complexity: MULTI_KEY_COMPLEXITY('set'),
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    run: msetnx,
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: ['RW', 'insert'],
    since: '2.0.0',
    summary: 'Append a value to a key',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    run: append,
  },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], keyFlags: ['RO'], since: '2.2.0', summary: 'Get the length of the value stored in a key', run: strlen },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keyFlags: READ,
    since: '2.4.0',
    summary: 'Get a substring of the string stored at a key',
    complexity: GETRANGE_COMPLEXITY,
    run: getrange,
  },
  {
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    keyFlags: READ,
    since: '1.0.0',
    summary: 'Get a substring of the string stored at a key',
    complexity: GETRANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '2.0.0',
    replacedBy: '`GETRANGE`',
    run: getrange,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    keyFlags: ['RW', 'update'],
    since: '2.2.0',
    summary: 'Overwrite part of a string at key starting at the specified offset',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    run: setrange,
  },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], keyFlags: READ_UPDATE, since: '1.0.0', summary: 'Increment the integer value of a key by one', run: incr },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: READ_UPDATE,
    since: '1.0.0',
    summary: 'Increment the integer value of a key by the given amount',
    run: incrby,
  },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], keyFlags: READ_UPDATE, since: '1.0.0', summary: 'Decrement the integer value of a key by one', run: decr },
  {
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: READ_UPDATE,
    since: '1.0.0',
    summary: 'Decrement the integer value of a key by the given number',
    run: decrby,
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keyFlags: READ_UPDATE,
    since: '2.6.0',
    summary: 'Increment the float value of a key by the given amount',
    run: incrbyfloat,
  },
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    keys: { first: 1, last: 2, step: 1 },
    keyFlags: READ,
    since: '7.0.0',
    summary: 'Find longest common substring',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    run: lcs,
  },
];

export const commands: CommandSpec[] = specs.map(stringCommand);
