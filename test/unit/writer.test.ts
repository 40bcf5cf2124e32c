/**
 * The reply writer's byte-level encoders (integers and bulk strings are
 * written digit by digit into the slab rather than through template
 * strings) against the RESP text they must produce.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatG17, recycleSlabs, ReplyWriter } from '../../src/resp/writer.js';
import { Generator } from '../support/random.js';

/** The bytes the writer produced for what write did, as latin1 text. */
function encode(write: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter(() => {});
  write(w);
  return Buffer.concat(w.takeChunks()).toString('latin1');
}

describe('ReplyWriter encodings', () => {
  it('integers at the edges of the 32-bit fast path and beyond it', () => {
    const cases: [number | bigint, string][] = [
      [0, ':0\r\n'],
      [-0, ':0\r\n'],
      [9, ':9\r\n'],
      [10, ':10\r\n'],
      [-1, ':-1\r\n'],
      [1234567, ':1234567\r\n'],
      [2147483647, ':2147483647\r\n'],
      [-2147483648, ':-2147483648\r\n'],
      [2147483648, ':2147483648\r\n'],
      [-9007199254740991, ':-9007199254740991\r\n'],
      [-(2n ** 63n), ':-9223372036854775808\r\n'],
    ];
    for (const [n, text] of cases) assert.equal(encode((w) => w.integer(n)), text, String(n));
  });

  it('integers with every count of digits, either side of each power of ten', () => {
    const cases = Array.from({ length: 10 }, (_, k) => 10 ** k).flatMap((p) => [p - 1, p, p + 1, 2 * p + 7, -p, -(p - 1)]);
    for (const n of cases) assert.equal(encode((w) => w.integer(n)), `:${n}\r\n`, String(n));
    // Bulk lengths go through the same digits.
    for (const n of [99, 100, 1000, 10000, 99999]) assert.equal(encode((w) => w.bulk('x'.repeat(n))).slice(0, 8), `$${n}\r\n`.padEnd(8, 'x'), String(n));
  });

  it("doubles as C's printf(\"%.17g\") prints them (the table is Python's '%.17g' % x)", () => {
    const cases: [number, string][] = [
      [0.1, '0.10000000000000001'],
      [1 / 3, '0.33333333333333331'],
      [1.5, '1.5'],
      [-2.25, '-2.25'],
      [0.0001, '0.0001'],
      [9.999999999999999e-5, '9.9999999999999991e-05'],
      [1.2345e-5, '1.2345e-05'],
      [1e-7, '9.9999999999999995e-08'],
      [123456789.123, '123456789.123'],
      [1.0000000000000002e16, '10000000000000002'],
      [9.999999999999998e16, '99999999999999984'],
      [1e17, '1e+17'],
      [1.5e17, '1.5e+17'],
      [5e-324, '4.9406564584124654e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-0.0001234, '-0.00012339999999999999'],
      [-0, '-0'],
      [42, '42'],
    ];
    for (const [d, text] of cases) assert.equal(formatG17(d), text, String(d));
  });

  it('doubles as toPrecision(17) reads them, over random values of every kind', () => {
    // The model: %.17g as toPrecision(17) gives it, in printf's notation, trailing fraction zeros dropped.
    const model = (d: number): string => {
      const text = Math.abs(d) < 1e-4 || Math.abs(d) >= 1e17 ? d.toExponential(16) : d.toPrecision(17);
      const [mantissa, exponent] = text.split('e');
      const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
      if (exponent === undefined) return trimmed;
      const e = Number(exponent);
      return `${trimmed}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    };
    const g = new Generator(17);
    const kinds: (() => number)[] = [
      () => g.int(1 << 20) / 2 ** g.int(24), // exact binary fractions: 1.5, 0.125, ...
      () => (g.int(1e6) - 5e5) / 10 ** g.int(8), // short decimals: 3.14, 0.001
      () => (g.int(2 ** 30) * 2 ** 23 + g.int(2 ** 23)) / 2 ** g.int(60), // full 53-bit significands
      () => 1700000000 + g.int(1e6) / 1000, // timestamps with milliseconds
      () => 10 ** (g.int(40) - 20) * (1 + g.int(1000) / 1000), // either side of the notation limits
    ];
    for (let i = 0; i < 100_000; i++) {
      const d = kinds[i % kinds.length]() * (g.int(2) === 0 ? 1 : -1);
      if (d !== 0) assert.equal(formatG17(d), model(d), String(d));
    }
  });

  it('bulk strings of every length class, alone and as a run', () => {
    const values = [0, 1, 9, 10, 24, 25, 99, 100, 16384, 16385, 70000, 99999, 100000, 131072, 131073].map((n) => '\xff'.repeat(n));
    const framed = (list: string[]) => list.map((v) => `$${v.length}\r\n${v}\r\n`).join('');
    assert.equal(encode((w) => values.forEach((v) => w.bulk(v))), framed(values));
    assert.equal(encode((w) => w.bulkArray(values)), `*${values.length}\r\n${framed(values)}`);
    assert.equal(encode((w) => w.bulks(values, 2, 5)), framed(values.slice(2, 5)));
  });

  it('runs with neighbours of one length, which go out joined', () => {
    const group = (n: number, count: number, c: string) => Array.from({ length: count }, (_, i) => String.fromCharCode(c.charCodeAt(0) + i).repeat(n));
    const values = [...group(30, 3, 'a'), ...group(100, 5, 'A'), ...group(5, 6, 'k'), ...group(100, 4, 'a'), 'z'.repeat(101), ...group(25, 9, 'B')];
    const framed = (list: string[]) => list.map((v) => `$${v.length}\r\n${v}\r\n`).join('');
    assert.equal(encode((w) => w.bulkArray(values)), `*${values.length}\r\n${framed(values)}`);
    for (const [from, to] of [[0, 4], [3, 8], [4, 7], [14, 18], [18, 28]]) {
      assert.equal(encode((w) => w.bulks(values, from, to)), framed(values.slice(from, to)), `${from}..${to}`);
    }
  });

  it('a run of bulk strings longer than a slab', () => {
    const values = Array.from({ length: 40 }, (_, i) => String.fromCharCode(65 + (i % 26)).repeat(10000));
    assert.equal(encode((w) => w.bulkArray(values)), `*40\r\n${values.map((v) => `$10000\r\n${v}\r\n`).join('')}`);
  });

  it('a large value in a run gets a chunk of its own, as alone', () => {
    const w = new ReplyWriter(() => {});
    const large = 'L'.repeat(200000);
    w.bulkArray(['a', large, 'b']);
    const chunks = w.takeChunks();
    assert.ok(chunks.some((chunk) => chunk.length === large.length));
    assert.equal(Buffer.concat(chunks).toString('latin1'), `*3\r\n$1\r\na\r\n$200000\r\n${large}\r\n$1\r\nb\r\n`);
  });

  it('values of six-digit lengths that end a slab at its last byte, or one past it', () => {
    // From an empty slab (nothing is pending, so recycleSlabs starts it over), the first value leaves
    // about 131,080 bytes for the second, whose framing takes 11 bytes beyond its 131,072.
    for (let first = 131045; first <= 131055; first++) {
      recycleSlabs();
      const values = ['a'.repeat(first), 'b'.repeat(131072)];
      assert.equal(encode((w) => values.forEach((v) => w.bulk(v))), values.map((v) => `$${v.length}\r\n${v}\r\n`).join(''), `after ${first} bytes`);
    }
  });

  it('nothing while replies are off', () => {
    assert.equal(encode((w) => ((w.enabled = false), w.integer(5), w.bulk('x'), w.bulks(['a', 'b'], 0, 2))), '');
  });
});
