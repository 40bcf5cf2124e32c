/**
 * The intset codec: widths, order, malformed and hostile blobs, and, against
 * redis-server, the intsets SADD builds (taken out of DUMP payloads) and
 * which blobs its RESTORE accepts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIntset, encodeIntset } from '../../src/persistence/intset.js';
import { Generator } from '../support/prng.js';
import { PayloadReader, rdbLength, skipChecksumValidation, uncheckedPayload } from '../support/rdb-payload.js';
import { RespError } from '../support/resp.js';
import { haveRedisServer, redisClientForSuite } from '../support/servers.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const INT64_MAX = '9223372036854775807';
const INT64_MIN = '-9223372036854775808';

/** Member sets at each width's edges: [members, bytes per value]. */
const WIDTH_CASES: [members: string[], width: number][] = [
  [['0'], 2],
  [['32767', '-32768', '1', '-1'], 2],
  [['32768', '5'], 4],
  [['-32769', '5'], 4],
  [['2147483647', '-2147483648', '0'], 4],
  [['2147483648', '-3'], 8],
  [['-2147483649', '7'], 8],
  [[INT64_MAX, INT64_MIN, '9007199254740993', '-9007199254740993', '9007199254740992', '0'], 8],
];

/** The members in numeric order. */
function ascending(members: string[]): string[] {
  return [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** 64 random bits (the generator's floats carry 32). */
function random64(g: Generator): bigint {
  return (BigInt(g.int(2 ** 32)) << 32n) | BigInt(g.int(2 ** 32));
}

/** An intset written by hand: width, count, and values of that width. */
function handmade(width: number, count: number, values: bigint[]): Buffer {
  const out = Buffer.alloc(8 + width * values.length);
  out.writeUInt32LE(width, 0);
  out.writeUInt32LE(count, 4);
  values.forEach((v, i) => {
    if (width === 8) out.writeBigInt64LE(v, 8 + 8 * i);
    else out.writeIntLE(Number(v), 8 + width * i, width);
  });
  return out;
}

describe('intset encoding', () => {
  it('uses the smallest width that holds every member', () => {
    for (const [members, width] of WIDTH_CASES) {
      const is = encodeIntset(members);
      assert.equal(is.readUInt32LE(0), width, members.join(','));
      assert.equal(is.readUInt32LE(4), members.length);
      assert.equal(is.length, 8 + width * members.length);
    }
  });

  it('writes values ascending, little-endian', () => {
    assert.equal(hex(encodeIntset(['3', '-2', '1'])), '02000000' + '03000000' + 'feff' + '0100' + '0300');
    assert.equal(hex(encodeIntset(['70000', '-1'])), '04000000' + '02000000' + 'ffffffff' + '70110100');
    assert.equal(hex(encodeIntset([INT64_MAX, INT64_MIN])), '08000000' + '02000000' + '0000000000000080' + 'ffffffffffffff7f');
  });

  it('orders 64-bit members exactly, beyond a double', () => {
    const members = ['9007199254740993', '9007199254740992', '9007199254740994', '-9007199254740993', '-9007199254740994'];
    assert.deepEqual(decodeIntset(encodeIntset(members)), ascending(members));
  });

  it('round-trips random sets of each width', () => {
    const g = new Generator(1);
    for (let round = 0; round < 300; round++) {
      const bits = g.pick([8, 15, 16, 31, 32, 52, 63]);
      const members = new Set<string>();
      for (let n = 1 + g.int(50); members.size < n; ) members.add(String(BigInt.asIntN(bits + 1, random64(g))));
      const list = [...members];
      assert.deepEqual(decodeIntset(encodeIntset(list)), ascending(list));
    }
  });

  it('refuses a member that is no canonical integer', () => {
    for (const member of ['007', '-0', '+1', ' 1', '1.0', 'a', '', '9223372036854775808']) {
      assert.throws(() => encodeIntset(['1', member]), RangeError, JSON.stringify(member));
    }
  });
});

describe('intset decoding', () => {
  it('reads each width', () => {
    assert.deepEqual(decodeIntset(handmade(2, 3, [-32768n, 0n, 32767n])), ['-32768', '0', '32767']);
    assert.deepEqual(decodeIntset(handmade(4, 2, [-2147483648n, 2147483647n])), ['-2147483648', '2147483647']);
    assert.deepEqual(decodeIntset(handmade(8, 2, [BigInt(INT64_MIN), BigInt(INT64_MAX)])), [INT64_MIN, INT64_MAX]);
  });

  it('accepts values wider than needed, as Redis does', () => {
    assert.deepEqual(decodeIntset(handmade(8, 2, [1n, 2n])), ['1', '2']);
  });

  it('reads a view into a larger buffer', () => {
    const is = encodeIntset(['5', '-70000']);
    const backing = new Uint8Array(is.length + 9);
    backing.set(is, 5);
    assert.deepEqual(decodeIntset(backing.subarray(5, 5 + is.length)), ['-70000', '5']);
  });

  it('rejects a bad width, a count that does not match the size, or no members', () => {
    assert.equal(decodeIntset(new Uint8Array(0)), null);
    assert.equal(decodeIntset(Buffer.from('0200000000', 'hex')), null);
    assert.equal(decodeIntset(handmade(2, 0, [])), null, 'empty');
    for (const width of [0, 1, 3, 5, 16, 0xffffffff]) {
      const is = handmade(2, 1, [1n]);
      is.writeUInt32LE(width, 0);
      assert.equal(decodeIntset(is), null, `width ${width}`);
    }
    assert.equal(decodeIntset(handmade(2, 3, [1n, 2n])), null, 'count above');
    assert.equal(decodeIntset(handmade(2, 1, [1n, 2n])), null, 'count below');
    assert.equal(decodeIntset(handmade(2, 0xffffffff, [1n, 2n])), null, 'huge count');
  });

  it('rejects values out of order or repeated', () => {
    assert.equal(decodeIntset(handmade(2, 2, [2n, 1n])), null);
    assert.equal(decodeIntset(handmade(4, 3, [1n, 5n, 5n])), null);
    assert.equal(decodeIntset(handmade(8, 2, [BigInt(INT64_MAX), BigInt(INT64_MIN)])), null);
  });

  const sample = encodeIntset(['-70000', '3', '99999']);

  it('rejects a blob truncated at any offset', () => {
    for (let n = 0; n < sample.length; n++) assert.equal(decodeIntset(sample.subarray(0, n)), null, `first ${n} bytes`);
  });

  it('never throws on corrupted bytes or random blobs', () => {
    for (let at = 0; at < sample.length; at++) {
      for (let value = 0; value < 256; value++) {
        const bad = Buffer.from(sample);
        bad[at] = value;
        const members = decodeIntset(bad);
        if (members !== null) assert.deepEqual(members, ascending(members));
      }
    }
    const g = new Generator(2);
    for (let round = 0; round < 5000; round++) {
      const blob = Buffer.from(Array.from({ length: g.int(40) }, () => g.int(256)));
      if (g.int(2) === 0 && blob.length >= 8) blob.writeUInt32LE(g.pick([2, 4, 8]), 0);
      decodeIntset(blob);
    }
  });
});

const RDB_TYPE_SET_INTSET = 11;
const noRedis = haveRedisServer() ? false : 'redis-server is not installed';

describe('intset: the blobs redis-server builds', { skip: noRedis }, () => {
  const client = redisClientForSuite(['--rdbcompression', 'no', '--sanitize-dump-payload', 'yes'], skipChecksumValidation);

  /** The intset in a DUMP payload: type 11, then a plain RDB string (no compression: rdbcompression is off). */
  async function intsetOf(key: string): Promise<Buffer> {
    const reply = await client().call('DUMP', key);
    assert.equal(typeof reply, 'string', `DUMP ${key}`);
    const reader = new PayloadReader(Buffer.from(reply as string, 'latin1'));
    assert.equal(reader.byte(), RDB_TYPE_SET_INTSET);
    const blob = reader.string();
    reader.end();
    return blob;
  }

  it('SADD of each width, negatives included: the same bytes, and SMEMBERS decoded', async () => {
    const wide = Array.from({ length: 512 }, (_, i) => String((i - 256) * 8_000_000_007));
    const cases = [...WIDTH_CASES.map(([members]) => members), wide];
    for (const [i, members] of cases.entries()) {
      const key = `s${i}`;
      // Out of order, and some twice.
      for (let j = 0; j < members.length; j += 100) {
        const chunk = members.slice(j, j + 100).reverse();
        await client().call('SADD', key, ...chunk, chunk[0]);
      }
      assert.equal(await client().call('OBJECT', 'ENCODING', key), 'intset');
      const blob = await intsetOf(key);
      assert.equal(hex(blob), hex(encodeIntset(members)), key);
      assert.deepEqual(decodeIntset(blob), await client().call('SMEMBERS', key));
    }
  });

  it('RESTORE (sanitizing payloads) accepts a corrupted or truncated intset exactly when we decode it', async () => {
    const blob = encodeIntset(['-70000', '3', '99999']);
    const variants: Buffer[] = [];
    for (let at = 0; at < blob.length; at++) {
      for (const value of [0x00, 0x01, 0x02, 0x04, 0x08, 0x7f, 0x80, 0xff]) {
        const bad = Buffer.from(blob);
        bad[at] = value;
        variants.push(bad);
      }
      variants.push(blob.subarray(0, at));
    }
    for (const [i, variant] of variants.entries()) client().send('RESTORE', `v${i}`, '0', uncheckedPayload(Buffer.from([RDB_TYPE_SET_INTSET]), rdbLength(variant.length), variant));
    const accepted = new Set<number>();
    for (let i = 0; i < variants.length; i++) if (!((await client().read()) instanceof RespError)) accepted.add(i);
    for (const i of accepted) client().send('SMEMBERS', `v${i}`);
    const members = new Map<number, unknown>();
    for (const i of accepted) members.set(i, await client().read());
    variants.forEach((variant, i) => {
      const ours = decodeIntset(variant);
      assert.equal(accepted.has(i), ours !== null, `variant ${i}: ${hex(variant)}`);
      if (ours !== null) assert.deepEqual(ours, members.get(i), `variant ${i}: ${hex(variant)}`);
    });
    assert.ok(accepted.size > 0 && accepted.size < variants.length);
  });
});
