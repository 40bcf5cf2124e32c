/** Hash commands (t_hash.c). */
import type { Client } from '../server/client.js';
import { Hash } from '../store/hash.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../store/long-double.js';
import { NOT_FLOAT, addInt64, fail, parseExactInt64, parseRandomCount, toInt64 } from './args.js';
import { ofType, removeMembers, replyRandomPicks } from './collections.js';
import { encodingLimits } from './encoding-limits.js';
import { COLLECTION_SCAN_COMPLEXITY, parseScanCursor, replyEmptyScan, scanCollection } from './scan.js';
import { familyEntry, keyAt, type CommandSpec, type KeySpecFlag } from './table.js';

function readHash(c: Client, key: string): Hash | undefined {
  return ofType(c.db.lookupRead(key), Hash);
}

function writeHash(c: Client, key: string): Hash | undefined {
  return ofType(c.db.lookupWrite(key), Hash);
}

/** The hash at key for writing, created empty (and added to the db) when missing. */
function hashForUpdate(c: Client, key: string): Hash {
  let hash = writeHash(c, key);
  if (hash === undefined) {
    hash = new Hash();
    c.db.set(key, hash);
  }
  return hash;
}

// ---- writes ---------------------------------------------------------------

function setPairs(c: Client, argv: string[], commandName: string): number {
  if (argv.length % 2 === 1) fail(`ERR wrong number of arguments for '${commandName}' command`);
  const hash = hashForUpdate(c, argv[1]);
  const limits = encodingLimits(c.server.config);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i], argv[i + 1], limits)) created++;
  c.db.changed(argv[1], 'h', 'hset');
  return created;
}

function hset(c: Client, argv: string[]): void {
  c.reply.integer(setPairs(c, argv, 'hset'));
}

function hmset(c: Client, argv: string[]): void {
  setPairs(c, argv, 'hmset');
  c.reply.ok();
}

function hsetnx(c: Client, argv: string[]): void {
  const hash = hashForUpdate(c, argv[1]);
  if (hash.has(argv[2])) return c.reply.integer(0);
  hash.set(argv[2], argv[3], encodingLimits(c.server.config));
  c.db.changed(argv[1], 'h', 'hset');
  c.reply.integer(1);
}

function hdel(c: Client, argv: string[]): void {
  removeMembers(c, argv, writeHash(c, argv[1]), 'h', 'hdel');
}

function hincrby(c: Client, argv: string[]): void {
  const incr = parseExactInt64(argv[3]);
  const hash = hashForUpdate(c, argv[1]);
  const current = hash.get(argv[2]);
  const value = current === undefined ? 0 : toInt64(current);
  if (value === null) fail('ERR hash value is not an integer');
  const sum = addInt64(value, current ?? 0, incr);
  hash.set(argv[2], String(sum), encodingLimits(c.server.config));
  c.db.changed(argv[1], 'h', 'hincrby');
  c.reply.integer(sum);
}

function hincrbyfloat(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) fail(NOT_FLOAT);
  if (incr.infinite) fail('ERR value is NaN or Infinity');
  const hash = hashForUpdate(c, argv[1]);
  const current = hash.get(argv[2]);
  let value = incr;
  if (current !== undefined) {
    const parsed = parseLongDouble(current);
    if (parsed === null) fail('ERR hash value is not a float');
    value = addLongDouble(parsed, incr);
  }
  if (value.infinite) fail('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(value);
  const limits = encodingLimits(c.server.config);
  hash.fitArgument(argv[3].length, limits);
  hash.set(argv[2], text, limits);
  c.db.changed(argv[1], 'h', 'hincrbyfloat');
  c.reply.bulk(text);
}

// ---- reads ----------------------------------------------------------------

/** Replies with field's value in hash, or null when either is missing. */
function replyField(c: Client, hash: Hash | undefined, field: string): void {
  if (!hash?.writeValueTo(field, c.reply)) c.reply.nullBulk();
}

function hget(c: Client, argv: string[]): void {
  replyField(c, readHash(c, argv[1]), argv[2]);
}

function hmget(c: Client, argv: string[]): void {
  const hash = readHash(c, argv[1]);
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyField(c, hash, argv[i]);
}

function hexists(c: Client, argv: string[]): void {
  c.reply.integer(readHash(c, argv[1])?.has(argv[2]) ? 1 : 0);
}

function hlen(c: Client, argv: string[]): void {
  c.reply.integer(readHash(c, argv[1])?.size ?? 0);
}

function hstrlen(c: Client, argv: string[]): void {
  c.reply.integer(readHash(c, argv[1])?.get(argv[2])?.length ?? 0);
}

function hgetall(c: Client, argv: string[]): void {
  const hash = readHash(c, argv[1]);
  c.reply.mapHeader(hash?.size ?? 0);
  hash?.writeEntries(c.reply, true, true);
}

function hkeys(c: Client, argv: string[]): void {
  const hash = readHash(c, argv[1]);
  c.reply.arrayHeader(hash?.size ?? 0);
  hash?.writeEntries(c.reply, true, false);
}

function hvals(c: Client, argv: string[]): void {
  const hash = readHash(c, argv[1]);
  c.reply.arrayHeader(hash?.size ?? 0);
  hash?.writeEntries(c.reply, false, true);
}

function hscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const hash = readHash(c, argv[1]);
  if (hash === undefined) return replyEmptyScan(c);
  const table = hash.dict;
  scanCollection(
    c,
    argv,
    cursor,
    table ? { dict: table, value: (id) => table.valueAt(id) } : { compact: (emit) => hash.forEach(emit) },
  );
}

// ---- HRANDFIELD -----------------------------------------------------------

/** One field of a HRANDFIELD reply: the field, or [field, value] (a pair in RESP3, flat in RESP2). */
function replyRandomField(c: Client, hash: Hash, slot: number, withValues: boolean): void {
  if (withValues && c.protocol === 3) c.reply.arrayHeader(2);
  c.reply.bulk(hash.fieldAt(slot));
  if (withValues) c.reply.bulk(hash.valueAt(slot));
}

function hrandfieldWithCount(c: Client, argv: string[]): void {
  const { count, withPairs: withValues } = parseRandomCount(argv, 'withvalues');
  const hash = readHash(c, argv[1]);
  if (hash === undefined || count === 0) return c.reply.arrayHeader(0);
  const pick = (slot: number) => replyRandomField(c, hash, slot, withValues);
  replyRandomPicks(c, hash, count, {
    header: (n) => c.reply.arrayHeader(withValues && c.protocol === 2 ? 2 * n : n),
    pick,
    all: () => hash.slots().forEach(pick),
  });
}

function hrandfield(c: Client, argv: string[]): void {
  if (argv.length > 2) return hrandfieldWithCount(c, argv);
  const hash = readHash(c, argv[1]);
  if (hash === undefined) return c.reply.nullBulk();
  c.reply.bulk(hash.fieldAt(hash.randomSlot()));
}

// ---- table ----------------------------------------------------------------

/** The key spec of every hash command: argv[1], used as flags say. */
const hashKey = (flags: KeySpecFlag[]) => [keyAt(1, flags)];
const READ = hashKey(['RO', 'access']);
const INSPECT = hashKey(['RO']);
const UPDATE = hashKey(['RW', 'update']);
const INCREMENT = hashKey(['RW', 'access', 'update']);

const entry = familyEntry('hash', '@hash');

const WHOLE_HASH = 'O(N) where N is the size of the hash.';

export const commands: CommandSpec[] = [
  entry('hdel', -3, ['write', 'fast'], hashKey(['RW', 'delete']), 'Delete one or more hash fields', '2.0.0', 'O(N) where N is the number of fields to be removed.', hdel, {
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
  }),
  entry('hexists', 3, ['readonly', 'fast'], INSPECT, 'Determine if a hash field exists', '2.0.0', 'O(1)', hexists),
  entry('hget', 3, ['readonly', 'fast'], READ, 'Get the value of a hash field', '2.0.0', 'O(1)', hget),
  entry('hgetall', 2, ['readonly'], READ, 'Get all the fields and values in a hash', '2.0.0', WHOLE_HASH, hgetall, { tips: ['nondeterministic_output_order'] }),
  entry('hincrby', 4, ['write', 'denyoom', 'fast'], INCREMENT, 'Increment the integer value of a hash field by the given number', '2.0.0', 'O(1)', hincrby),
  entry('hincrbyfloat', 4, ['write', 'denyoom', 'fast'], INCREMENT, 'Increment the float value of a hash field by the given amount', '2.6.0', 'O(1)', hincrbyfloat),
  entry('hkeys', 2, ['readonly'], READ, 'Get all the fields in a hash', '2.0.0', WHOLE_HASH, hkeys, { tips: ['nondeterministic_output_order'] }),
  entry('hlen', 2, ['readonly', 'fast'], INSPECT, 'Get the number of fields in a hash', '2.0.0', 'O(1)', hlen),
  entry('hmget', -3, ['readonly', 'fast'], READ, 'Get the values of all the given hash fields', '2.0.0', 'O(N) where N is the number of fields being requested.', hmget),
  entry('hmset', -4, ['write', 'denyoom', 'fast'], UPDATE, 'Set multiple hash fields to multiple values', '2.0.0', 'O(N) where N is the number of fields being set.', hmset, {
    docFlags: ['deprecated'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
  }),
  entry('hrandfield', -2, ['readonly'], READ, 'Get one or multiple random fields from a hash', '6.2.0', 'O(N) where N is the number of fields returned', hrandfield, {
    tips: ['nondeterministic_output'],
  }),
  entry('hscan', -3, ['readonly'], READ, 'Incrementally iterate hash fields and associated values', '2.8.0', COLLECTION_SCAN_COMPLEXITY, hscan, { tips: ['nondeterministic_output'] }),
  entry(
    'hset',
    -4,
    ['write', 'denyoom', 'fast'],
    UPDATE,
    'Set the string value of a hash field',
    '2.0.0',
    'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    hset,
    { history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']] },
  ),
  entry('hsetnx', 4, ['write', 'denyoom', 'fast'], hashKey(['RW', 'insert']), 'Set the value of a hash field, only if the field does not exist', '2.0.0', 'O(1)', hsetnx),
  entry('hstrlen', 3, ['readonly', 'fast'], INSPECT, 'Get the length of the value of a hash field', '3.2.0', 'O(1)', hstrlen),
  entry('hvals', 2, ['readonly'], READ, 'Get all the values in a hash', '2.0.0', WHOLE_HASH, hvals, { tips: ['nondeterministic_output_order'] }),
];
