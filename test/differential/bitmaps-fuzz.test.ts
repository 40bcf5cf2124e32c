/**
 * Property-based differential test for bitmaps: random SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP and BITFIELD sequences (fixed seeds, bounded
 * lengths, a few short keys so that operations overlap) run against Keyhive
 * and redis-server, every reply compared byte for byte.
 */
import { describeDifferential, type Step } from '../support/differential.js';
import { Generator } from '../support/random.js';

const SEEDS = [11, 12, 13];
const STEPS = 400;
const KEYS = ['b1', 'b1', 'b2', 'b3', 'list'];
const OPS = ['AND', 'OR', 'XOR', 'NOT'];
const OVERFLOWS = ['WRAP', 'SAT', 'FAIL'];

/** A bit offset within, at the edge of or past bitmaps of a few dozen bytes. */
function bitOffset(g: Generator): string {
  return String(g.pick([g.between(0, 15), g.between(0, 300), g.between(0, 2000)]));
}

/** A BITCOUNT/BITPOS index, possibly negative or past the end. */
function rangeIndex(g: Generator): string {
  return String(g.pick([g.between(-3, 3), g.between(-70, 70), g.between(-400, 400)]));
}

function fieldType(g: Generator): string {
  const signed = g.int(2) === 0;
  const bits = g.pick([1, 3, 8, 13, 16, 31, 32, 33, 53, 63, signed ? 64 : 63]);
  return `${signed ? 'i' : 'u'}${bits}`;
}

function fieldValue(g: Generator): string {
  return g.pick([String(g.between(-300, 300)), String(g.between(-(2 ** 40), 2 ** 40)), '9223372036854775807', '-9223372036854775808', '0', '1', '-1']);
}

function fieldOffset(g: Generator): string {
  return g.int(4) === 0 ? `#${g.between(0, 20)}` : bitOffset(g);
}

function bitfieldArgs(g: Generator): string[] {
  const args: string[] = [];
  for (let n = g.between(1, 4); n > 0; n--) {
    switch (g.int(4)) {
      case 0:
        args.push('GET', fieldType(g), fieldOffset(g));
        break;
      case 1:
        args.push('SET', fieldType(g), fieldOffset(g), fieldValue(g));
        break;
      case 2:
        args.push('INCRBY', fieldType(g), fieldOffset(g), fieldValue(g));
        break;
      case 3:
        args.push('OVERFLOW', g.pick(OVERFLOWS));
    }
  }
  return args;
}

function bitmapCommand(g: Generator): Step {
  const key = g.pick(KEYS);
  const unit = g.pick([[], [], ['BYTE'], ['BIT']]);
  switch (g.int(16)) {
    case 0:
    case 1:
    case 2:
      return ['SETBIT', key, bitOffset(g), String(g.int(2))];
    case 3:
      return ['GETBIT', key, bitOffset(g)];
    case 4:
      return ['BITCOUNT', key];
    case 5:
      return ['BITCOUNT', key, rangeIndex(g), rangeIndex(g), ...unit];
    case 6:
      return ['BITPOS', key, String(g.int(2))];
    case 7:
      return ['BITPOS', key, String(g.int(2)), rangeIndex(g)];
    case 8:
      return ['BITPOS', key, String(g.int(2)), rangeIndex(g), rangeIndex(g), ...unit];
    case 9: {
      const op = g.pick(OPS);
      return ['BITOP', op, g.pick(KEYS), ...g.some(KEYS, 1, op === 'NOT' ? 1 : 3)];
    }
    case 10:
    case 11:
      return ['BITFIELD', key, ...bitfieldArgs(g)];
    case 12:
      return ['BITFIELD_RO', key, 'GET', fieldType(g), fieldOffset(g)];
    case 13:
      return ['GET', key];
    case 14:
      return g.int(3) === 0 ? ['DEL', key] : ['SETRANGE', key, String(g.between(0, 40)), g.pick(['\xff\x00\x81', 'abc', '\x00'])];
    default:
      return ['RPUSH', 'list', 'x'];
  }
}

describeDifferential('bitmaps: random sequences', (t) => {
  for (const seed of SEEDS) {
    const g = new Generator(seed);
    const steps = Array.from({ length: STEPS }, () => bitmapCommand(g));
    t.sequence(`seed ${seed}`, steps);
  }
});
