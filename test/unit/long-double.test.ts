/**
 * store/long-double.ts reads plain decimals ("12.5", "-.5") on a path of its
 * own, without regular expressions. Appending "e0" to such a decimal keeps
 * its value but sends it through the general literal path, which the
 * differential tests hold to redis-server: both must give the same value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLongDoubleHuman, parseLongDouble } from '../../src/store/long-double.js';
import { Generator } from '../support/random.js';

function digits(g: Generator, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(g.pick([g.int(10), 0, 9]));
  return s;
}

/** A plain decimal around the plain path's limit of 15 digits, with the forms strtold allows: a sign, no integer or no fraction digits. */
function randomPlainDecimal(g: Generator): string {
  const sign = g.pick(['', '', '-', '+']);
  const whole = digits(g, g.pick([0, 1, 2, g.int(10), g.between(13, 17)]));
  const point = g.int(4) > 0;
  const fraction = point ? digits(g, g.pick([0, 1, 2, g.int(10), g.between(13, 17)])) : '';
  return `${sign}${whole}${point ? '.' : ''}${fraction}`;
}

describe('parseLongDouble', () => {
  it('reads a plain decimal as it reads the same value written with an exponent', () => {
    const g = new Generator(20261127);
    for (let i = 0; i < 50_000; i++) {
      const s = randomPlainDecimal(g);
      const general = parseLongDouble(`${s}e0`);
      assert.deepEqual(parseLongDouble(s), general, s);
      if (general !== null) assert.equal(formatLongDoubleHuman(parseLongDouble(s)!), formatLongDoubleHuman(general), s);
    }
  });

  it('refuses the malformed forms, as strtold on the whole string does', () => {
    for (const s of ['', '-', '+', '.', '-.', '1.2.3', '--1', '+-1', ' 1', '1 ', '1a', '1,5']) assert.equal(parseLongDouble(s), null, JSON.stringify(s));
  });

  it('prints the sums INCRBYFLOAT is known for', () => {
    assert.equal(formatLongDoubleHuman(parseLongDouble('10.6')!), '10.6');
    assert.equal(formatLongDoubleHuman(parseLongDouble('-0')!), '0');
    assert.equal(formatLongDoubleHuman(parseLongDouble('5200')!), '5200');
    assert.equal(formatLongDoubleHuman(parseLongDouble('0.000000000000000001')!), '0');
    assert.equal(formatLongDoubleHuman(parseLongDouble('123456789012345.5')!), '123456789012345.5');
  });
});
