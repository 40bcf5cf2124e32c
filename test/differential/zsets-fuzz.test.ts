/**
 * Property-based differential test for sorted sets: random command sequences
 * (fixed seeds, bounded length, few keys, members and scores so that
 * commands collide, invalid arguments now and then) run against Keyhive and
 * redis-server, every reply compared byte for byte in RESP2 and RESP3.
 *
 * The keys: z1/z2/d1 start small (listpack) and may grow past the limits;
 * big starts as a skiplist; lex only ever gets score 0, the only case where
 * Redis defines lex ranges; s is a plain set, str a string (WRONGTYPE).
 * ZRANDMEMBER, ZSCAN and the blocking pops have their own tests.
 */
import { describeDifferential, type Step } from '../support/differential.js';
import { Generator } from '../support/prng.js';

const STEPS = 300;
const SEEDS = [11, 22, 33, 44];

const KEYS = ['z1', 'z1', 'z2', 'd1', 'big', 'big', 's', 'str', 'missing'];
const STORE_KEYS = ['z1', 'z2', 'd1', 'str'];
const LONG_MEMBER = 'a member longer than zset-max-listpack-value, which is sixty-four bytes';
const MEMBERS = ['a', 'b', 'c', 'd', 'e', 'f', '', '1', 'm3', 'm77', 'm150', LONG_MEMBER];
const SCORES = ['0', '1', '-1', '2.5', '3', '10', '1e3', '0.1', '-0', 'inf', '-inf', '+inf', '1e-3', 'x'];
const INCREMENTS = ['1', '-1', '0.5', 'inf', '-inf', '0', '1e300', 'nan'];
const BOUNDS = ['-inf', '+inf', '(1', '0', '1', '2.5', '(2.5', '10', '(inf', '(-inf', '3', 'x'];
const LEX_MEMBERS = ['a', 'aa', 'b', 'ba', 'c', 'd', 'e', '', 'zz'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(ba', '[c', '(d', '[', '(', 'x', '[zz'];
const INDEXES = ['0', '1', '2', '-1', '-2', '5', '10', '-100', '200'];
const COUNTS = ['0', '1', '2', '3', '10', '-1', 'x'];

function zaddOptions(g: Generator): string[] {
  return g.some(['NX', 'XX', 'CH', 'GT', 'LT', 'INCR', 'CH', 'CH'], 0, 2);
}

function limit(g: Generator): string[] {
  return g.int(3) === 0 ? ['LIMIT', g.pick(['0', '1', '2', '-1']), g.pick(['1', '2', '5', '-1', '0'])] : [];
}

function setOperands(g: Generator): string[] {
  const keys = g.some(['z1', 'z2', 'big', 's', 'missing', 'd1', 'z1'], 1, 3);
  return [String(keys.length), ...keys];
}

function setOptions(g: Generator, numkeys: number, weighs: boolean): string[] {
  const out: string[] = [];
  if (weighs && g.int(2) === 0) out.push('WEIGHTS', ...Array.from({ length: numkeys }, () => g.pick(['1', '2', '0', '-1', '0.5', 'inf'])));
  if (weighs && g.int(2) === 0) out.push('AGGREGATE', g.pick(['SUM', 'MIN', 'MAX']));
  return out;
}

/** One random sorted-set command. */
function command(g: Generator): Step {
  const key = g.pick(KEYS);
  const member = () => g.pick(MEMBERS);
  const pairs = (): string[] => g.some(MEMBERS, 1, 3).flatMap((m) => [g.pick(SCORES), m]);
  const withScores = (): string[] => (g.int(2) === 0 ? ['WITHSCORES'] : []);
  switch (g.int(34)) {
    case 0:
    case 1:
    case 2:
      return ['ZADD', key, ...zaddOptions(g), ...pairs()];
    case 3:
      return ['ZADD', 'lex', ...zaddOptions(g), ...g.some(LEX_MEMBERS, 1, 3).flatMap((m) => ['0', m])];
    case 4:
      return ['ZINCRBY', key, g.pick(INCREMENTS), member()];
    case 5:
      return ['ZREM', key, ...g.some(MEMBERS, 1, 3)];
    case 6:
      return ['ZCARD', key];
    case 7:
      return ['ZSCORE', key, member()];
    case 8:
      return ['ZMSCORE', key, ...g.some(MEMBERS, 1, 3)];
    case 9:
      return [g.pick(['ZRANK', 'ZREVRANK']), key, member()];
    case 10:
      return ['ZCOUNT', key, g.pick(BOUNDS), g.pick(BOUNDS)];
    case 11:
      return ['ZRANGE', key, g.pick(INDEXES), g.pick(INDEXES), ...(g.int(2) ? ['REV'] : []), ...withScores()];
    case 12:
      return ['ZRANGE', key, g.pick(BOUNDS), g.pick(BOUNDS), 'BYSCORE', ...(g.int(2) ? ['REV'] : []), ...withScores(), ...limit(g)];
    case 13:
      return ['ZRANGE', 'lex', g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), 'BYLEX', ...(g.int(2) ? ['REV'] : []), ...limit(g)];
    case 14:
      return [g.pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), key, g.pick(BOUNDS), g.pick(BOUNDS), ...withScores(), ...limit(g)];
    case 15:
      return [g.pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), 'lex', g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), ...limit(g)];
    case 16:
      return ['ZLEXCOUNT', 'lex', g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)];
    case 17:
      return ['ZREVRANGE', key, g.pick(INDEXES), g.pick(INDEXES), ...withScores()];
    case 18:
      return ['ZREMRANGEBYRANK', key, g.pick(INDEXES), g.pick(INDEXES)];
    case 19:
      return ['ZREMRANGEBYSCORE', key, g.pick(BOUNDS), g.pick(BOUNDS)];
    case 20:
      return ['ZREMRANGEBYLEX', 'lex', g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)];
    case 21:
      return [g.pick(['ZPOPMIN', 'ZPOPMAX']), key, ...(g.int(2) ? [g.pick(COUNTS)] : [])];
    case 22: {
      const keys = g.some(KEYS, 1, 3);
      return ['ZMPOP', String(keys.length), ...keys, g.pick(['MIN', 'MAX']), ...(g.int(2) ? ['COUNT', g.pick(COUNTS)] : [])];
    }
    case 23:
    case 24: {
      const operands = setOperands(g);
      const op = g.pick(['ZUNION', 'ZINTER', 'ZDIFF']);
      return [op, ...operands, ...setOptions(g, Number(operands[0]), op !== 'ZDIFF'), ...withScores()];
    }
    case 25:
    case 26: {
      const operands = setOperands(g);
      const op = g.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
      return [op, g.pick(STORE_KEYS), ...operands, ...setOptions(g, Number(operands[0]), op !== 'ZDIFFSTORE')];
    }
    case 27:
      return ['ZINTERCARD', ...setOperands(g), ...(g.int(2) ? ['LIMIT', g.pick(['0', '1', '2'])] : [])];
    case 28:
      return ['ZRANGESTORE', g.pick(STORE_KEYS), key, g.pick(INDEXES), g.pick(INDEXES), ...(g.int(2) ? ['REV'] : [])];
    case 29:
      return ['ZRANGESTORE', g.pick(STORE_KEYS), key, g.pick(BOUNDS), g.pick(BOUNDS), 'BYSCORE', ...limit(g)];
    case 30:
      return ['OBJECT', 'ENCODING', key];
    case 31:
      return ['EXISTS', key];
    case 32:
      return ['ZRANGE', key, '0', '-1', 'WITHSCORES'];
    default:
      return ['SADD', 's', ...g.some(MEMBERS, 1, 2)];
  }
}

function sequence(seed: number): Step[] {
  const g = new Generator(seed);
  const setup: Step[] = [
    ['ZADD', 'big', ...Array.from({ length: 150 }, (_, i) => [String(i % 13), `m${i}`]).flat()],
    ['ZADD', 'z1', '1', 'a', '2', 'b', '3', 'c'],
    ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c'],
    ['SADD', 's', 'a', 'c', 'e', 'm3'],
    ['SET', 'str', 'x'],
  ];
  return [...setup, ...Array.from({ length: STEPS }, () => command(g))];
}

describeDifferential('sorted sets: random command sequences', (t) => {
  for (const seed of SEEDS) t.sequence(`seed ${seed}`, sequence(seed));
});
