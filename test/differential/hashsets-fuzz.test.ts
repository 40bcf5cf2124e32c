/**
 * Property-based differential tests for hashes and sets: random command
 * sequences (fixed seeds, bounded length, a few keys and members so that
 * commands collide) run against Keyhive and redis-server, every reply
 * compared. Replies whose order Redis leaves unspecified are compared as
 * multisets.
 */
import { describeDifferential, type Step } from '../support/differential.js';
import { Generator } from '../support/prng.js';

const STEPS = 400;

// ---- hashes -----------------------------------------------------------------

const HASH_KEYS = ['h1', 'h2', 'h2', 'str'];
const FIELDS = ['a', 'b', 'c', 'd', '1', '2', '-3', ''];
const VALUES = ['x', 'yy', '0', '7', '-12', '1.5', '3e2', 'abc', '', '9223372036854775807'];
const INCREMENTS = ['1', '-1', '100', '0', 'x', '9223372036854775807'];
const FLOAT_INCREMENTS = ['0.1', '-2.5', '1e3', '10', 'x', 'inf'];

/** One random hash command; `ordered` says whether the hash order is Redis's (listpack) or not. */
function hashCommand(g: Generator, ordered: boolean): Step {
  const key = g.pick(HASH_KEYS);
  const listing = (...cmd: string[]): Step => ({ cmd, match: ordered ? 'exact' : 'unordered' });
  const pairs = () => g.some(FIELDS, 1, 3).flatMap((f) => [f, g.pick(VALUES)]);
  switch (g.int(18)) {
    case 0:
    case 1:
      return ['HSET', key, ...pairs()];
    case 2:
      return ['HMSET', key, ...pairs()];
    case 3:
      return ['HSETNX', key, g.pick(FIELDS), g.pick(VALUES)];
    case 4:
      return ['HGET', key, g.pick(FIELDS)];
    case 5:
      return ['HMGET', key, ...g.some(FIELDS, 1, 4)];
    case 6:
      return ['HDEL', key, ...g.some(FIELDS, 1, 3)];
    case 7:
      return ['HEXISTS', key, g.pick(FIELDS)];
    case 8:
      return ['HLEN', key];
    case 9:
      return ['HSTRLEN', key, g.pick(FIELDS)];
    case 10:
      return listing(g.pick(['HGETALL', 'HKEYS', 'HVALS']), key);
    case 11:
      return ['HINCRBY', key, g.pick(FIELDS), g.pick(INCREMENTS)];
    case 12:
      return ['HINCRBYFLOAT', key, g.pick(FIELDS), g.pick(FLOAT_INCREMENTS)];
    case 13:
      // A count beyond the size returns the whole hash: deterministic.
      return listing('HRANDFIELD', key, '100', ...(g.int(2) ? ['WITHVALUES'] : []));
    case 14:
      return listing('HSCAN', key, '0', 'COUNT', '100');
    case 15:
      return ['OBJECT', 'ENCODING', key];
    case 16:
      return g.int(3) === 0 ? ['DEL', key] : ['EXISTS', key];
    default:
      return ['TYPE', key];
  }
}

function hashSequence(seed: number, ordered: boolean): Step[] {
  const g = new Generator(seed);
  return [['SET', 'str', 'string'], ...Array.from({ length: STEPS }, () => hashCommand(g, ordered))];
}

// ---- sets -------------------------------------------------------------------

const SET_KEYS = ['s1', 's2', 's3', 'str', 'gone'];
const MEMBERS = ['0', '1', '2', '3', '10', '-1', '-20', 'a', 'b', 'c'];
const INT_MEMBERS = ['0', '1', '2', '3', '10', '-1', '-20', '7', '8'];

function setCommand(g: Generator): Step {
  const key = g.pick(SET_KEYS);
  const keys = () => g.some(SET_KEYS, 1, 3);
  const unordered = (...cmd: string[]): Step => ({ cmd, match: 'unordered' });
  // Integers dominate so that intsets live long enough to matter.
  const members = (min: number, max: number) => g.some(g.int(3) === 0 ? MEMBERS : INT_MEMBERS, min, max);
  switch (g.int(20)) {
    case 0:
    case 1:
    case 2:
      return ['SADD', key, ...members(1, 4)];
    case 3:
      return ['SREM', key, ...members(1, 3)];
    case 4:
      return ['SISMEMBER', key, g.pick(MEMBERS)];
    case 5:
      return ['SMISMEMBER', key, ...g.some(MEMBERS, 1, 4)];
    case 6:
      return ['SCARD', key];
    case 7:
      return unordered('SMEMBERS', key);
    case 8:
      return ['SMOVE', key, g.pick(SET_KEYS), g.pick(MEMBERS)];
    case 9:
      return unordered(g.pick(['SINTER', 'SUNION', 'SDIFF']), ...keys());
    case 10: {
      const k = keys();
      return ['SINTERCARD', String(k.length), ...k, ...(g.int(2) ? ['LIMIT', String(g.int(4))] : [])];
    }
    case 11:
    case 12:
      return [g.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), g.pick(SET_KEYS), ...keys()];
    case 13:
      // Counts beyond the size take the whole set: deterministic.
      return unordered(g.pick(['SPOP', 'SRANDMEMBER']), key, '100');
    case 14:
      return unordered('SSCAN', key, '0', 'COUNT', '100');
    case 15:
    case 16:
      return ['OBJECT', 'ENCODING', key];
    case 17:
      return ['DEL', key];
    case 18:
      return ['EXISTS', key];
    default:
      return ['TYPE', key];
  }
}

function setSequence(seed: number, configure: Step[]): Step[] {
  const g = new Generator(seed);
  return [['SET', 'str', 'string'], ...configure, ...Array.from({ length: STEPS }, () => setCommand(g))];
}

describeDifferential('hash and set command sequences (property-based)', (t) => {
  for (const seed of [1, 2]) t.sequence(`random hash commands, listpack order, seed ${seed}`, hashSequence(seed, true));
  t.sequence('random hash commands, hashtable encoding', [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '2'],
    ...hashSequence(3, false),
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
  ]);
  for (const seed of [4, 5]) t.sequence(`random set commands, seed ${seed}`, setSequence(seed, []));
  t.sequence('random set commands, small intsets', [
    ...setSequence(6, [['CONFIG', 'SET', 'set-max-intset-entries', '4']]),
    ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
  ]);
});
