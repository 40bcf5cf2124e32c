/**
 * Generic key commands (Redis's db.c, expire.c and OBJECT from object.c):
 * deleting, inspecting, renaming, copying and moving keys, iterating the
 * keyspace, and deadlines.
 */
import type { Client } from '../server/client.js';
import { typeOf, type Database, type Value } from '../store/keyspace.js';
import { lfuCounter, lruIdleMs } from '../store/access.js';
import { GlobPattern } from '../store/glob.js';
import { INT64_MAX, INT64_MIN } from '../store/int64.js';
import { DB_OUT_OF_RANGE, NO_SUCH_KEY, SYNTAX_ERROR, cString, fail, isKeyword, parseDbIndex, parseInteger, replyHelp } from './args.js';
import { parseScanCursor, parseScanOptions, replyScan, scanDict } from './scan.js';
import { stringEncoding } from './strings.js';
import { keyAt, type CommandSpec, type Handler, type KeySpecFlag } from './table.js';

const SAME_OBJECT = 'ERR source and destination objects are the same';

// ---- deleting and inspecting ------------------------------------------------

/** DEL and UNLINK (values are freed by the garbage collector either way). */
function del(c: Client, argv: string[]): void {
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    // The lookup expires a stale key first, so it counts as already gone.
    if (!c.db.has(key)) continue;
    c.db.delete(key);
    c.db.changed(key, 'g', 'del');
    deleted++;
  }
  c.reply.integer(deleted);
}

function exists(c: Client, argv: string[]): void {
  let found = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.hasForRead(argv[i], false)) found++;
  c.reply.integer(found);
}

function type(c: Client, argv: string[]): void {
  const value = c.db.lookupRead(argv[1], false);
  c.reply.simple(value === undefined ? 'none' : typeOf(value));
}

function touch(c: Client, argv: string[]): void {
  let touched = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.hasForRead(argv[i])) touched++;
  c.reply.integer(touched);
}

// ---- iterating ------------------------------------------------------------

function keys(c: Client, argv: string[]): void {
  const db = c.db;
  const pattern = argv[1] === '*' ? null : new GlobPattern(argv[1]);
  const now = c.server.clock.now();
  const out: string[] = [];
  // KEYS only reports stale keys as missing; deleting them is left to lookups and the expire cycle.
  const checkDeadlines = db.expires.size !== 0;
  db.main.forEachKey((key) => {
    if (pattern !== null && !pattern.matches(key)) return;
    if (checkDeadlines && isStale(db, key, now)) return;
    out.push(key);
  });
  c.reply.bulkArray(out);
}

function isStale(db: Database, key: string, now: number): boolean {
  const when = db.getExpire(key);
  return when >= 0 && now > when;
}

function scan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]);
  const { count, match, type } = parseScanOptions(argv, 2, true);
  const db = c.db;
  const found: string[] = [];
  const next = scanDict(db.main, cursor, count, (id) => {
    const key = db.main.keyAt(id);
    if (match === null || match.matches(key)) found.push(key);
  });
  // Filtering may delete stale keys, so it runs after the walk, as in Redis.
  const kept = found.filter((key) => (type === null || hasType(c, key, type)) && !(db.expires.size !== 0 && db.expireIfNeeded(key)));
  replyScan(c, next, kept);
}

/** SCAN's TYPE filter: compares with the key's type name ("none" when missing), ignoring case. */
function hasType(c: Client, key: string, wanted: string): boolean {
  const value = c.db.lookupRead(key, false);
  const name = value === undefined ? 'none' : typeOf(value);
  return name.length === wanted.length && name === wanted.toLowerCase();
}

function randomkey(c: Client): void {
  const db = c.db;
  for (;;) {
    const id = db.main.randomId();
    if (id < 0) return c.reply.nullBulk();
    const key = db.main.keyAt(id);
    // A stale pick is deleted and another drawn, so an all-stale database ends up empty (null).
    if (db.expires.size !== 0 && db.expireIfNeeded(key)) continue;
    return c.reply.bulk(key);
  }
}

// ---- renaming, copying, moving ----------------------------------------------

/**
 * Moves key's value, deadline and LRU clock from one database (and name) to
 * another, replacing whatever the destination held (deleted first, so that
 * the key is new there, as Redis's dbDelete + dbAdd report it). The source
 * goes first: a collection changed earlier in a transaction is taken out at
 * the size it was counted at, before the destination counts it afresh.
 */
function relocate(from: Database, key: string, to: Database, newKey: string): void {
  const value = from.main.get(key) as Value;
  const deadline = from.getExpire(key);
  const lastAccess = from.main.tagAt(from.main.find(key));
  from.delete(key);
  to.delete(newKey);
  to.set(newKey, value, false, deadline >= 0 ? deadline : undefined);
  to.main.setTagAt(to.main.find(newKey), lastAccess);
}

function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const [, source, target] = argv;
  if (!c.db.hasForWrite(source)) fail(NO_SUCH_KEY);
  if (source === target) return nx ? c.reply.integer(0) : c.reply.ok();
  if (c.db.hasForWrite(target) && nx) return c.reply.integer(0);
  relocate(c.db, source, c.db, target);
  c.db.changed(source, 'g', 'rename_from');
  c.db.changed(target, 'g', 'rename_to');
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function rename(c: Client, argv: string[]): void {
  renameGeneric(c, argv, false);
}

function renamenx(c: Client, argv: string[]): void {
  renameGeneric(c, argv, true);
}

/** The database a DB index argument names, or the out-of-range error. */
function parseDatabase(c: Client, arg: string): Database {
  const db = c.server.keyspace.dbs[parseDbIndex(arg)];
  if (db === undefined) fail(DB_OUT_OF_RANGE);
  return db;
}

function move(c: Client, argv: string[]): void {
  const key = argv[1];
  const source = c.db;
  const target = parseDatabase(c, argv[2]);
  if (target === source) fail(SAME_OBJECT);
  if (!source.hasForWrite(key) || target.hasForWrite(key)) return c.reply.integer(0);
  relocate(source, key, target, key);
  source.changed(key, 'g', 'move_from');
  target.changed(key, 'g', 'move_to');
  c.reply.integer(1);
}

/** A copy of a value for COPY: strings are immutable, collections copy themselves. */
function duplicate(value: Value): Value {
  return typeof value === 'object' ? value.clone() : value;
}

function copy(c: Client, argv: string[]): void {
  const [, source, target] = argv;
  let targetDb = c.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    if (isKeyword(argv[i], 'replace')) replace = true;
    else if (isKeyword(argv[i], 'db') && i + 1 < argv.length) targetDb = parseDatabase(c, argv[++i]);
    else fail(SYNTAX_ERROR);
  }
  if (targetDb === c.db && source === target) fail(SAME_OBJECT);
  const value = c.db.lookupRead(source);
  if (value === undefined) return c.reply.integer(0);
  const deadline = c.db.getExpire(source);
  if (targetDb.hasForWrite(target)) {
    if (!replace) return c.reply.integer(0);
    // Replaced as Redis does (delete, then add): the copy is a new key.
    targetDb.delete(target);
  }
  targetDb.set(target, duplicate(value), false, deadline >= 0 ? deadline : undefined);
  targetDb.changed(target, 'g', 'copy_to');
  c.reply.integer(1);
}

// ---- deadlines --------------------------------------------------------------

type ExpireCondition = 'nx' | 'xx' | 'gt' | 'lt';
const EXPIRE_CONDITIONS: readonly ExpireCondition[] = ['nx', 'xx', 'gt', 'lt'];

/** Parses EXPIRE's NX/XX/GT/LT options (argv[3] on), with Redis's errors. */
function parseExpireConditions(argv: string[]): Set<ExpireCondition> {
  const conditions = new Set<ExpireCondition>();
  for (let i = 3; i < argv.length; i++) {
    const option = EXPIRE_CONDITIONS.find((condition) => isKeyword(argv[i], condition));
    if (option === undefined) fail(`ERR Unsupported option ${cString(argv[i])}`);
    conditions.add(option);
  }
  if (conditions.has('nx') && conditions.size > 1) fail('ERR NX and XX, GT or LT options at the same time are not compatible');
  if (conditions.has('gt') && conditions.has('lt')) fail('ERR GT and LT options at the same time are not compatible');
  return conditions;
}

/** Below this, seconds x 1000 + now stays well within exact double arithmetic. */
const SMALL_TIME = 1e12;

/**
 * The deadline in unix ms for EXPIRE-family argument arg, given in units of
 * unitMs (1000 for seconds) after baseMs (0 for the *AT forms); fails like
 * Redis when the int64 arithmetic would overflow.
 */
function parseDeadline(command: string, arg: string, unitMs: number, baseMs: number): number {
  const n = parseInteger(arg);
  if (Math.abs(n) < SMALL_TIME) return n * unitMs + baseMs;
  const invalid = `ERR invalid expire time in '${command}' command`;
  let when = BigInt(arg);
  if (unitMs !== 1) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) fail(invalid);
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(baseMs)) fail(invalid);
  return Number(when + BigInt(baseMs));
}

/** Whether the conditions allow replacing deadline current (-1: none) by when. */
function conditionsAllow(conditions: Set<ExpireCondition>, current: number, when: number): boolean {
  if (conditions.has('nx') && current !== -1) return false;
  if (conditions.has('xx') && current === -1) return false;
  // No deadline counts as an infinite one: GT never beats it, LT always does.
  if (conditions.has('gt') && (current === -1 || when <= current)) return false;
  if (conditions.has('lt') && current !== -1 && when >= current) return false;
  return true;
}

function expireGeneric(c: Client, argv: string[], unitMs: number, relative: boolean): void {
  const key = argv[1];
  const conditions = argv.length > 3 ? parseExpireConditions(argv) : null;
  const now = c.server.clock.now();
  const when = parseDeadline(argv[0].toLowerCase(), argv[2], unitMs, relative ? now : 0);
  if (!c.db.hasForWrite(key)) return c.reply.integer(0);
  if (conditions !== null && !conditionsAllow(conditions, c.db.getExpire(key), when)) return c.reply.integer(0);
  if (when <= now) {
    // A deadline already past deletes the key at once, reported as a DEL.
    c.db.delete(key);
    c.db.changed(key, 'g', 'del');
  } else {
    c.db.setExpire(key, when);
    c.db.changed(key, 'g', 'expire');
  }
  c.reply.integer(1);
}

function expire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 1000, true);
}

function pexpire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 1, true);
}

function expireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 1000, false);
}

function pexpireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, 1, false);
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing key, -1 no deadline. */
function ttlGeneric(c: Client, key: string, inMs: boolean, absolute: boolean): void {
  if (!c.db.hasForRead(key, false)) return c.reply.integer(-2);
  const deadline = c.db.getExpire(key);
  if (deadline === -1) return c.reply.integer(-1);
  const ms = Math.max(0, absolute ? deadline : deadline - c.server.clock.now());
  c.reply.integer(inMs ? ms : Math.floor((ms + 500) / 1000));
}

function ttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], false, false);
}

function pttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], true, false);
}

function expiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], false, true);
}

function pexpiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], true, true);
}

function persist(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!c.db.hasForWrite(key) || !c.db.persist(key)) return c.reply.integer(0);
  c.db.changed(key, 'g', 'persist');
  c.reply.integer(1);
}

// ---- OBJECT -----------------------------------------------------------------

/** Integers Redis shares between keys (and reports with refcount INT_MAX). */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

function maxmemoryPolicy(c: Client): string {
  return c.server.config.get('maxmemory-policy');
}

/** OBJECT's lookup: no LRU touch and no keymiss event, but hits and misses are counted; null reply when missing. */
function objectLookup(c: Client, key: string): Value | undefined {
  const value = c.db.lookupRead(key, false, false);
  if (value === undefined) c.reply.nullBulk();
  return value;
}

function objectEncoding(c: Client, argv: string[]): void {
  const value = objectLookup(c, argv[2]);
  if (value === undefined) return;
  c.reply.bulk(typeof value === 'object' ? value.encoding() : stringEncoding(value));
}

function objectRefcount(c: Client, argv: string[]): void {
  const value = objectLookup(c, argv[2]);
  if (value === undefined) return;
  c.reply.integer(isSharedInteger(c, value) ? SHARED_REFCOUNT : 1);
}

/** Whether Redis would store value as one of its shared integer objects. */
function isSharedInteger(c: Client, value: Value): boolean {
  if (typeof value === 'object' || stringEncoding(value) !== 'int') return false;
  const n = Number(value);
  if (n < 0 || n >= SHARED_INTEGERS) return false;
  // LRU and LFU policies need a clock per key, so Redis stops sharing integers under a memory limit.
  const policy = maxmemoryPolicy(c);
  return c.server.config.getNumber('maxmemory') === 0 || !(policy.includes('lru') || policy.includes('lfu'));
}

function objectIdletime(c: Client, argv: string[]): void {
  const value = objectLookup(c, argv[2]);
  if (value === undefined) return;
  if (maxmemoryPolicy(c).includes('lfu')) {
    fail('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
  }
  const main = c.db.main;
  c.reply.integer(Math.floor(lruIdleMs(c.server.keyspace.lruClock, main.tagAt(main.find(argv[2]))) / 1000));
}

function objectFreq(c: Client, argv: string[]): void {
  const value = objectLookup(c, argv[2]);
  if (value === undefined) return;
  const keyspace = c.server.keyspace;
  if (keyspace.lfu === null) {
    fail('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
  }
  // Read decayed, as the key may not have been touched for a while (Redis's LFUDecrAndReturn).
  const main = c.db.main;
  c.reply.integer(lfuCounter(main.tagAt(main.find(argv[2])), keyspace.lfu, keyspace.lfuMinutes));
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelp(c: Client): void {
  replyHelp(c, 'object', OBJECT_HELP);
}

// ---- the table ----------------------------------------------------------------

/** A key argument: where it is, how far the keys run (0: this one only, -1: to the last argument), its key-spec flags. */
type KeyArg = [index: number, lastkey: number, flags: KeySpecFlag[]];

/** A generic command's entry; group, the @keyspace category and key specs are filled in by keyCommand. */
interface KeyCommand extends Omit<CommandSpec, 'group' | 'keys' | 'keySpecs' | 'complexity'> {
  keyArgs?: KeyArg[];
  complexity?: string;
}

function keyCommand({ keyArgs = [], acl = [], complexity = 'O(1)', ...spec }: KeyCommand): CommandSpec {
  const entry: CommandSpec = { ...spec, complexity, acl: ['@keyspace', ...acl], group: 'generic' };
  if (keyArgs.length === 0) return entry;
  const first = keyArgs[0][0];
  const [lastIndex, lastkey] = keyArgs[keyArgs.length - 1];
  entry.keys = { first, last: lastkey < 0 ? lastkey : lastIndex + lastkey, step: 1 };
  entry.keySpecs = keyArgs.map(([index, lastkey, flags]) => keyAt(index, flags, lastkey));
  return entry;
}

const READ: KeySpecFlag[] = ['RO'];
const READ_ACCESS: KeySpecFlag[] = ['RO', 'access'];
const UPDATE: KeySpecFlag[] = ['RW', 'update'];
const MULTI_KEY_SUM = ['request_policy:multi_shard', 'response_policy:agg_sum'];
const EXPIRE_HISTORY: [string, string][] = [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']];
const TTL_HISTORY: [string, string][] = [['2.8.0', 'Added the -2 reply.']];

function expireCommand(name: string, summary: string, since: string, run: Handler): CommandSpec {
  return keyCommand({ name, arity: -3, flags: ['write', 'fast'], keyArgs: [[1, 0, UPDATE]], summary, since, history: EXPIRE_HISTORY, run });
}

function ttlCommand(name: string, summary: string, since: string, run: Handler, relative: boolean): CommandSpec {
  return keyCommand({
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    keyArgs: [[1, 0, READ_ACCESS]],
    summary,
    since,
    ...(relative ? { tips: ['nondeterministic_output'], history: TTL_HISTORY } : {}),
    run,
  });
}

function objectCommand(name: string, summary: string, since: string, run: Handler): CommandSpec {
  return keyCommand({ name, arity: 3, flags: ['readonly'], keyArgs: [[2, 0, READ]], tips: ['nondeterministic_output'], summary, since, run });
}

export const commands: CommandSpec[] = [
  keyCommand({
    name: 'del',
    arity: -2,
    flags: ['write'],
    keyArgs: [[1, -1, ['RM', 'delete']]],
    tips: MULTI_KEY_SUM,
    summary: 'Delete a key',
    since: '1.0.0',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    run: del,
  }),
  keyCommand({
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keyArgs: [[1, -1, ['RM', 'delete']]],
    tips: MULTI_KEY_SUM,
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    run: del,
  }),
  keyCommand({
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keyArgs: [[1, -1, READ]],
    tips: MULTI_KEY_SUM,
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    summary: 'Determine if a key exists',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of keys to check.',
    run: exists,
  }),
  keyCommand({ name: 'type', arity: 2, flags: ['readonly', 'fast'], keyArgs: [[1, 0, READ]], summary: 'Determine the type stored at key', since: '1.0.0', run: type }),
  keyCommand({
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keyArgs: [[1, -1, READ]],
    tips: MULTI_KEY_SUM,
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    run: touch,
  }),
  keyCommand({
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    acl: ['@dangerous'],
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    run: keys,
  }),
  keyCommand({
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    tips: ['nondeterministic_output', 'request_policy:special'],
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    run: scan,
  }),
  keyCommand({
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    run: randomkey,
  }),
  keyCommand({
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keyArgs: [
      [1, 0, ['RW', 'access', 'delete']],
      [2, 0, ['OW', 'update']],
    ],
    summary: 'Rename a key',
    since: '1.0.0',
    run: rename,
  }),
  keyCommand({
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keyArgs: [
      [1, 0, ['RW', 'access', 'delete']],
      [2, 0, ['OW', 'insert']],
    ],
    history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    run: renamenx,
  }),
  keyCommand({
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keyArgs: [
      [1, 0, READ_ACCESS],
      [2, 0, ['OW', 'update']],
    ],
    summary: 'Copy a key',
    since: '6.2.0',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    run: copy,
  }),
  keyCommand({ name: 'move', arity: 3, flags: ['write', 'fast'], keyArgs: [[1, 0, ['RW', 'access', 'update']]], summary: 'Move a key to another database', since: '1.0.0', run: move }),
  expireCommand('expire', "Set a key's time to live in seconds", '1.0.0', expire),
  expireCommand('pexpire', "Set a key's time to live in milliseconds", '2.6.0', pexpire),
  expireCommand('expireat', 'Set the expiration for a key as a UNIX timestamp', '1.2.0', expireat),
  expireCommand('pexpireat', 'Set the expiration for a key as a UNIX timestamp specified in milliseconds', '2.6.0', pexpireat),
  ttlCommand('ttl', 'Get the time to live for a key in seconds', '1.0.0', ttl, true),
  ttlCommand('pttl', 'Get the time to live for a key in milliseconds', '2.6.0', pttl, true),
  ttlCommand('expiretime', 'Get the expiration Unix timestamp for a key', '7.0.0', expiretime, false),
  ttlCommand('pexpiretime', 'Get the expiration Unix timestamp for a key in milliseconds', '7.0.0', pexpiretime, false),
  keyCommand({ name: 'persist', arity: 2, flags: ['write', 'fast'], keyArgs: [[1, 0, UPDATE]], summary: 'Remove the expiration from a key', since: '2.2.0', run: persist }),
  {
    name: 'object',
    arity: -2,
    flags: [],
    group: 'generic',
    summary: 'A container for object introspection commands',
    since: '2.2.3',
    complexity: 'Depends on subcommand.',
    subcommands: [
      objectCommand('encoding', 'Inspect the internal encoding of a Redis object', '2.2.3', objectEncoding),
      objectCommand('freq', 'Get the logarithmic access frequency counter of a Redis object', '4.0.0', objectFreq),
      objectCommand('idletime', 'Get the time since a Redis object was last accessed', '2.2.3', objectIdletime),
      objectCommand('refcount', 'Get the number of references to the value of the key', '2.2.3', objectRefcount),
      keyCommand({ name: 'help', arity: 2, flags: ['loading', 'stale'], summary: 'Show helpful text about the different subcommands', since: '6.2.0', run: objectHelp }),
    ],
  },
];
