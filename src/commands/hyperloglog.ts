/**
 * HyperLogLog commands (hyperloglog.c): PFADD, PFCOUNT, PFMERGE and the
 * PFDEBUG / PFSELFTEST internals. An HLL is a string value in Redis's exact
 * layout (store/hyperloglog.ts), so GET, SET, DUMP-free copies and SETRANGE
 * corruption all behave as in Redis.
 */
import type { Client } from '../server/client.js';
import type { Value } from '../store/keyspace.js';
import {
  HyperLogLog,
  REGISTERS,
  cachedCardinality,
  countRegisters,
  createDense,
  isHyperLogLog,
  withCachedCardinality,
} from '../store/hyperloglog.js';
import { WRONGTYPE, cString, fail } from './args.js';
import { keyAt, type CommandSpec } from './table.js';

const INVALID_HLL = '-INVALIDOBJ Corrupted HLL object detected';
const NOT_HLL = '-WRONGTYPE Key is not a valid HyperLogLog string value.';

/** Redis's isHLLObjectOrReply: the value as a valid HLL string, or the errors Redis gives. */
function asHyperLogLog(value: Value): string {
  if (typeof value !== 'string') fail(typeof value === 'number' ? NOT_HLL : WRONGTYPE);
  if (!isHyperLogLog(value)) fail(NOT_HLL);
  return value;
}

function sparseMaxBytes(c: Client): number {
  return c.server.config.getNumber('hll-sparse-max-bytes');
}

function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const current = c.db.lookupWrite(key);
  const hll = current === undefined ? HyperLogLog.create() : HyperLogLog.load(asHyperLogLog(current));
  // Creating the key counts as a change, even with no elements.
  let updated = current === undefined ? 1 : 0;
  const maxBytes = sparseMaxBytes(c);
  for (let j = 2; j < argv.length; j++) {
    const outcome = hll.add(argv[j], maxBytes);
    if (outcome < 0) {
      // Redis edits the value in place: what changed before the corruption was found stays.
      if (updated > 0) c.db.overwrite(key, hll.toString());
      fail(INVALID_HLL);
    }
    updated += outcome;
  }
  if (updated > 0) {
    hll.invalidateCache();
    const stored = hll.toString();
    c.db.overwrite(key, stored);
    hll.holds(stored);
    c.db.changed(key, '$', 'pfadd');
  } else if (current !== undefined) hll.holds(current as string);
  c.reply.integer(updated > 0 ? 1 : 0);
}

/** The registers of the HLLs at keys merged by maximum (missing keys are empty); whether any was dense. */
function mergeKeys(c: Client, keys: string[]): { max: Uint8Array; anyDense: boolean } {
  const max = new Uint8Array(REGISTERS);
  let anyDense = false;
  for (const key of keys) {
    const value = c.db.lookupRead(key);
    if (value === undefined) continue;
    const hll = HyperLogLog.load(asHyperLogLog(value));
    if (!hll.isSparse) anyDense = true;
    if (!hll.mergeInto(max)) fail(INVALID_HLL);
  }
  return { max, anyDense };
}

function pfcount(c: Client, argv: string[]): void {
  if (argv.length > 2) return c.reply.integer(countRegisters(mergeKeys(c, argv.slice(1)).max));
  const key = argv[1];
  const current = c.db.lookupRead(key);
  if (current === undefined) return c.reply.integer(0);
  const value = asHyperLogLog(current);
  const cached = cachedCardinality(value);
  if (cached !== null) return c.reply.integer(cached);
  const count = HyperLogLog.load(value).count();
  if (count === null) fail(INVALID_HLL);
  // The cache lives in the value: refreshing it is a write that Redis signals but does not notify.
  c.db.overwrite(key, withCachedCardinality(value, count));
  c.db.modified(key);
  c.reply.integer(count);
}

function pfmerge(c: Client, argv: string[]): void {
  // The destination is also a source.
  const { max, anyDense } = mergeKeys(c, argv.slice(1));
  const key = argv[1];
  const current = c.db.lookupWrite(key);
  const hll = current === undefined ? HyperLogLog.create() : HyperLogLog.load(current as string);
  if (anyDense && !hll.toDense()) fail(INVALID_HLL);
  const maxBytes = sparseMaxBytes(c);
  for (let i = 0; i < REGISTERS; i++) if (max[i] !== 0) hll.raise(i, max[i], maxBytes);
  hll.invalidateCache();
  c.db.overwrite(key, hll.toString());
  // PFMERGE reports itself as a PFADD, as in Redis.
  c.db.changed(key, '$', 'pfadd');
  c.reply.ok();
}

// ---- PFDEBUG, PFSELFTEST -----------------------------------------------------------

function pfdebug(c: Client, argv: string[]): void {
  const subcommand = argv[1];
  const key = argv[2];
  const current = c.db.lookupWrite(key);
  if (current === undefined) fail('ERR The specified key does not exist');
  const hll = HyperLogLog.load(asHyperLogLog(current));
  switch (subcommand.toLowerCase()) {
    case 'getreg':
      // Converting to dense changes the stored value, without a change event (as Redis).
      if (hll.isSparse) storeAsDense(c, key, hll);
      c.reply.arrayHeader(REGISTERS);
      for (const register of hll.denseRegisters()) c.reply.integer(register);
      return;
    case 'decode':
      if (!hll.isSparse) fail('ERR HLL encoding is not sparse');
      return c.reply.bulk(hll.decodeSparse());
    case 'encoding':
      return c.reply.simple(hll.isSparse ? 'sparse' : 'dense');
    case 'todense': {
      const converted = hll.isSparse;
      if (converted) storeAsDense(c, key, hll);
      return c.reply.integer(converted ? 1 : 0);
    }
    default:
      fail(`ERR Unknown PFDEBUG subcommand '${cString(subcommand)}'`);
  }
}

function storeAsDense(c: Client, key: string, hll: HyperLogLog): void {
  if (!hll.toDense()) fail(INVALID_HLL);
  c.db.overwrite(key, hll.toString());
}

const SELFTEST_CYCLES = 1000;
const SELFTEST_ELEMENTS = 10_000_000;

/** PFSELFTEST part 1: registers read back what was written, neighbours untouched. */
function selftestRegisters(): string | null {
  const dense = createDense();
  const expected = new Uint8Array(REGISTERS);
  for (let cycle = 0; cycle < SELFTEST_CYCLES; cycle++) {
    for (let i = 0; i < REGISTERS; i++) {
      expected[i] = Math.floor(Math.random() * 64);
      dense.setDenseRegister(i, expected[i]);
    }
    const actual = dense.denseRegisters();
    for (let i = 0; i < REGISTERS; i++) {
      if (actual[i] !== expected[i]) return `TESTFAILED Register ${i} should be ${expected[i]} but is ${actual[i]}`;
    }
  }
  return null;
}

/** PFSELFTEST part 2: dense and sparse agree, and the error stays within six standard errors. */
function selftestEstimates(c: Client): string | null {
  const dense = createDense();
  const sparse = HyperLogLog.create();
  const maxBytes = sparseMaxBytes(c);
  const relativeError = 1.04 / Math.sqrt(REGISTERS);
  const seed = Math.floor(Math.random() * 2 ** 32);
  const element = Buffer.alloc(8);
  element.writeUInt32LE(Math.floor(Math.random() * 2 ** 32), 4);
  let checkpoint = 1;
  for (let j = 1; j <= SELFTEST_ELEMENTS; j++) {
    element.writeUInt32LE((j ^ seed) >>> 0, 0);
    const text = element.latin1Slice(0, 8);
    dense.add(text, maxBytes);
    sparse.add(text, maxBytes);
    if (j !== checkpoint) continue;
    if (j < maxBytes / 2 && !sparse.isSparse) return 'TESTFAILED sparse encoding not used';
    const count = dense.count() as number;
    if (count !== sparse.count()) return 'TESTFAILED dense/sparse disagree';
    const allowed = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    if (Math.abs(checkpoint - count) > allowed) return `TESTFAILED Too big error. card:${checkpoint} abserr:${Math.abs(checkpoint - count)}`;
    checkpoint *= 10;
  }
  return null;
}

function pfselftest(c: Client): void {
  const failure = selftestRegisters() ?? selftestEstimates(c);
  if (failure !== null) fail(failure);
  c.reply.ok();
}

// ---- table --------------------------------------------------------------------------

function entry(spec: Omit<CommandSpec, 'group' | 'acl'>): CommandSpec {
  return { ...spec, group: 'hyperloglog', acl: ['@hyperloglog'] };
}

export const commands: CommandSpec[] = [
  entry({
    name: 'pfadd',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: [keyAt(1, ['RW', 'insert'])],
    summary: 'Adds the specified elements to the specified HyperLogLog.',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    run: pfadd,
  }),
  entry({
    name: 'pfcount',
    arity: -2,
    flags: ['readonly', 'may_replicate'],
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: [keyAt(1, ['RW', 'access'], -1, 'RW because it may change the internal representation of the key, and propagate to replicas')],
    summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
    since: '2.8.9',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    run: pfcount,
  }),
  entry({
    name: 'pfdebug',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    keys: { first: 2, last: 2, step: 1 },
    keySpecs: [keyAt(2, ['RW', 'access'])],
    summary: 'Internal commands for debugging HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    run: pfdebug,
  }),
  entry({
    name: 'pfmerge',
    arity: -2,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: [keyAt(1, ['RW', 'access', 'insert']), keyAt(2, ['RO', 'access'], -1)],
    summary: 'Merge N different HyperLogLogs into a single one.',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    run: pfmerge,
  }),
  entry({
    name: 'pfselftest',
    arity: 1,
    flags: ['admin'],
    summary: 'An internal command for testing HyperLogLog values',
    since: '2.8.9',
    complexity: 'N/A',
    docFlags: ['syscmd'],
    run: pfselftest,
  }),
];
