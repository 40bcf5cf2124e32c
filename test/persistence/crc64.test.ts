/**
 * crc64 against Redis's own check values (crc64.c's test) and against a
 * bit-at-a-time BigInt version of Redis's reference _crc64 over random
 * buffers. The lzf tests check it against real DUMP payloads too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc64 } from '../../src/persistence/crc64.js';
import { Generator } from '../support/prng.js';

const POLY = 0xad93d23594c935a9n;
const MASK = (1n << 64n) - 1n;

function reflect64(x: bigint): bigint {
  let out = 0n;
  for (let i = 0; i < 64; i++) {
    out = (out << 1n) | (x & 1n);
    x >>= 1n;
  }
  return out;
}

/** Redis's _crc64: the unreflected register fed each byte's bits from the lowest, reflected at the end. */
function referenceCrc64(data: Uint8Array): bigint {
  let crc = 0n;
  for (const byte of data) {
    for (let i = 0; i < 8; i++) {
      const bit = ((crc >> 63n) & 1n) ^ BigInt((byte >> i) & 1);
      crc = (crc << 1n) & MASK;
      if (bit) crc ^= POLY;
    }
  }
  return reflect64(crc);
}

const value = (data: Uint8Array) => crc64(data).readBigUInt64LE(0);

describe('crc64', () => {
  it('gives the check value 0xe9c6d914c4b8d9ca for "123456789"', () => {
    assert.equal(value(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  });

  it("gives Redis's test value for its lorem ipsum text with the terminating NUL", () => {
    const text =
      'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
      'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ' +
      'Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. ' +
      'Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.\0';
    assert.equal(value(Buffer.from(text, 'latin1')), 0xc7794709e69683b3n);
  });

  it('is 8 zero bytes for empty input', () => {
    assert.deepEqual(crc64(new Uint8Array(0)), Buffer.alloc(8));
  });

  it('is written little-endian', () => {
    assert.equal(crc64(Buffer.from('123456789')).toString('hex'), 'cad9b8c414d9c6e9');
  });

  it('agrees with a bit-by-bit reference over random buffers', () => {
    const gen = new Generator(64);
    for (const length of [1, 2, 7, 8, 9, 100, 255, 1000, 4096]) {
      const data = Buffer.from(Array.from({ length }, () => gen.int(256)));
      assert.equal(value(data), referenceCrc64(data), `length ${length}`);
    }
  });

  it('reads only the view it is given', () => {
    const whole = Buffer.from('xx123456789yy');
    assert.equal(value(whole.subarray(2, 11)), 0xe9c6d914c4b8d9can);
  });
});
