/**
 * Property-based differential test for lists: random command sequences
 * (fixed seeds, bounded length, few keys and a small alphabet so that
 * commands collide, bursts of pushes so that lists span many chunks) run
 * against Keyhive and redis-server, every reply compared byte for byte.
 */
import { describeDifferential, type Step } from '../support/differential.js';
import { Generator } from '../support/random.js';

const SEEDS = [1, 2, 3];
const STEPS = 400;
const KEYS = ['l1', 'l1', 'l2', 'l3', 'str'];
const ELEMENTS = ['a', 'b', 'c', 'd', '1', '-2', ''];
const ENDS = ['LEFT', 'RIGHT'];

/** An index that may fall before, inside or past a list of up to a few hundred elements. */
function index(g: Generator): string {
  return String(g.pick([g.between(-3, 3), g.between(-400, 400), g.between(-140, 140)]));
}

function listCommand(g: Generator): Step {
  const key = g.pick(KEYS);
  const other = g.pick(KEYS);
  switch (g.int(24)) {
    case 0:
    case 1:
      return [g.pick(['LPUSH', 'RPUSH']), key, ...g.some(ELEMENTS, 1, 5)];
    case 2:
      // A burst, so that lists cross chunk boundaries.
      return [g.pick(['LPUSH', 'RPUSH']), key, ...g.some(ELEMENTS, 50, 300)];
    case 3:
      return [g.pick(['LPUSHX', 'RPUSHX']), key, ...g.some(ELEMENTS, 1, 3)];
    case 4:
      return [g.pick(['LPOP', 'RPOP']), key];
    case 5:
      return [g.pick(['LPOP', 'RPOP']), key, String(g.pick([0, 1, 3, 50, 500]))];
    case 6:
      return ['LLEN', key];
    case 7:
    case 8:
      return ['LINDEX', key, index(g)];
    case 9:
      return ['LSET', key, index(g), g.pick(ELEMENTS)];
    case 10:
    case 11:
      return ['LINSERT', key, g.pick(['BEFORE', 'AFTER']), g.pick(ELEMENTS), g.pick(ELEMENTS)];
    case 12:
    case 13:
      return ['LRANGE', key, index(g), index(g)];
    case 14:
      return ['LTRIM', key, index(g), index(g)];
    case 15:
      return ['LREM', key, String(g.pick([0, 1, 2, -1, -3, 20])), g.pick(ELEMENTS)];
    case 16: {
      const options = g.some([['RANK', String(g.pick([1, 2, -1, -3]))], ['COUNT', String(g.pick([0, 1, 5]))], ['MAXLEN', String(g.pick([0, 3, 100]))]], 0, 2);
      return ['LPOS', key, g.pick(ELEMENTS), ...options.flat()];
    }
    case 17:
      return ['LMOVE', key, other, g.pick(ENDS), g.pick(ENDS)];
    case 18:
      return ['RPOPLPUSH', key, other];
    case 19: {
      const keys = g.some(KEYS, 1, 3);
      return ['LMPOP', String(keys.length), ...keys, g.pick(ENDS), ...(g.int(2) ? ['COUNT', String(g.between(1, 40))] : [])];
    }
    case 20:
      return [g.pick(['BLPOP', 'BRPOP']), ...g.some(KEYS, 1, 2), '0.01'];
    case 21:
      return g.int(2) ? ['BLMOVE', key, other, g.pick(ENDS), g.pick(ENDS), '0.01'] : ['BRPOPLPUSH', key, other, '0.01'];
    case 22:
      return ['BLMPOP', '0.01', '2', key, other, g.pick(ENDS), 'COUNT', String(g.between(1, 10))];
    default:
      return g.int(4) ? ['LRANGE', key, '0', '-1'] : ['SET', 'str', g.pick(ELEMENTS)];
  }
}

describeDifferential('lists: random command sequences', (t) => {
  for (const seed of SEEDS) {
    const g = new Generator(seed);
    const steps: Step[] = Array.from({ length: STEPS }, () => listCommand(g));
    for (const key of ['l1', 'l2', 'l3']) steps.push(['LRANGE', key, '0', '-1']);
    t.sequence(`seed ${seed}`, steps);
  }
});
