/**
 * Redis's integer rules (string2ll) as store/int64.ts applies them, checked
 * against a plain model: a regular expression for the form and BigInt for
 * the range, over boundary values and random digit strings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INT64_MAX, INT64_MIN, isInt64, toBigInt64, toInt64 } from '../../src/store/int64.js';

function modelIsInt64(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  const big = BigInt(s);
  return big <= INT64_MAX && big >= INT64_MIN;
}

function check(s: string): void {
  const valid = modelIsInt64(s);
  assert.equal(isInt64(s), valid, `isInt64(${JSON.stringify(s)})`);
  assert.equal(toInt64(s), valid ? Number(s) : null, `toInt64(${JSON.stringify(s)})`);
  assert.equal(toBigInt64(s), valid ? BigInt(s) : null, `toBigInt64(${JSON.stringify(s)})`);
}

/** A random string of digits, sometimes with a '-', a leading zero or a stray character. */
function randomCandidate(): string {
  const length = Math.floor(Math.random() * 22);
  let s = '';
  for (let i = 0; i < length; i++) s += String(Math.floor(Math.random() * 10));
  const roll = Math.random();
  if (roll < 0.3) s = `-${s}`;
  else if (roll < 0.35) s = `0${s}`;
  else if (roll < 0.4 && s.length > 0) {
    const at = Math.floor(Math.random() * s.length);
    s = s.slice(0, at) + ' +.ea/:'[Math.floor(Math.random() * 7)] + s.slice(at + 1);
  }
  return s;
}

describe('int64 strings', () => {
  it('accept what string2ll accepts at the boundaries', () => {
    const edges = [
      '', '-', '0', '-0', '00', '01', '+1', ' 1', '1 ', '1a', '9', '-9',
      '999999999999999', '-99999999999999', '1000000000000000', '-999999999999999', '9007199254740991', '9007199254740993',
      String(INT64_MAX), String(INT64_MIN), String(INT64_MAX + 1n), String(INT64_MIN - 1n), '99999999999999999999', '-9999999999999999999', '100000000000000000000',
    ];
    for (const s of edges) check(s);
  });

  it('agree with the model on random digit strings', () => {
    for (let i = 0; i < 20000; i++) check(randomCandidate());
  });
});
