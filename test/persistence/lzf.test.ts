/**
 * LZF: round trips, decompression of hostile streams, and compression
 * against redis-server itself: the LZF bytes in Redis's DUMP of a string
 * must be exactly lzfCompress's, and where Redis stores a long string
 * uncompressed lzfCompress must give up too. The same payloads check crc64.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lzfCompress, lzfDecompress } from '../../src/persistence/lzf.js';
import { crc64 } from '../../src/persistence/crc64.js';
import { Generator } from '../support/prng.js';
import { PayloadReader } from '../support/rdb-payload.js';
import { haveRedisServer, redisClientForSuite } from '../support/servers.js';

function randomBytes(gen: Generator, length: number, alphabet = 256): Buffer {
  return Buffer.from(Array.from({ length }, () => gen.int(alphabet)));
}

/** Text that repeats words and numbers, as cached values often do. */
function mixedText(gen: Generator, length: number): Buffer {
  const words = ['user', 'id', 'name', 'email', '"status":', 'active', '{', '}', ',', 'the', 'cache', 'key', 'value'];
  let text = '';
  while (text.length < length) text += gen.pick(words) + (gen.int(3) === 0 ? String(gen.int(1000)) : ' ');
  return Buffer.from(text.slice(0, length), 'latin1');
}

/** Random bytes copying earlier stretches, near and up to 8 KB back, so that back references of every length and distance occur. */
function selfSimilar(gen: Generator, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; ) {
    if (i > 8 && gen.int(3) > 0) {
      const from = i - 1 - gen.int(Math.min(i - 1, gen.int(2) ? 16 : 9000));
      const count = Math.min(1 + gen.int(gen.int(4) ? 12 : 300), length - i);
      for (let k = 0; k < count; k++) out[i + k] = out[from + k];
      i += count;
    } else {
      out[i++] = gen.int(gen.int(2) ? 4 : 256);
    }
  }
  return out;
}

function roundTrip(input: Buffer): void {
  const compressed = lzfCompress(input, input.length + input.length / 32 + 16);
  assert.ok(compressed, `length ${input.length} compresses`);
  assert.deepEqual(lzfDecompress(compressed, input.length), input);
}

describe('lzf round trips', () => {
  it('round-trips random bytes, which do not shrink', () => {
    const gen = new Generator(1);
    for (const length of [1, 2, 3, 4, 31, 32, 33, 64, 1000, 65536]) {
      const input = randomBytes(gen, length);
      roundTrip(input);
      assert.equal(lzfCompress(input, input.length - 4), null);
    }
  });

  it('round-trips repetitive text and self-similar bytes', () => {
    const gen = new Generator(2);
    for (const length of [3, 21, 100, 264, 265, 8192, 8193, 20000]) {
      roundTrip(Buffer.from('abc'.repeat(length).slice(0, length)));
      roundTrip(mixedText(gen, length));
      roundTrip(selfSimilar(gen, length));
    }
  });

  it('round-trips random blocks repeated, whose back references overlap their own output at every period', () => {
    const gen = new Generator(4);
    for (const period of [1, 2, 7, 31, 32, 33, 40, 100, 263, 264, 265, 1000]) {
      const block = randomBytes(gen, period);
      roundTrip(Buffer.concat(Array.from({ length: Math.ceil(3000 / period) + 1 }, () => block)));
    }
  });

  it('round-trips runs of one byte of every length to 600', () => {
    for (let length = 1; length <= 600; length++) roundTrip(Buffer.alloc(length, 0x78));
  });

  it('round-trips 1 MB of mixed content', () => {
    const gen = new Generator(3);
    const parts: Buffer[] = [];
    for (let size = 0; size < 1 << 20; ) {
      const part = [randomBytes(gen, 5000), mixedText(gen, 50000), selfSimilar(gen, 30000), Buffer.alloc(10000, 7)][gen.int(4)];
      parts.push(part);
      size += part.length;
    }
    const input = Buffer.concat(parts).subarray(0, 1 << 20);
    const compressed = lzfCompress(input, input.length - 4);
    assert.ok(compressed && compressed.length < input.length / 2);
    assert.deepEqual(lzfDecompress(compressed, input.length), input);
  });

  it('gives the same bytes under any maxOutput it fits in, and null under smaller ones', () => {
    const gen = new Generator(4);
    for (let n = 0; n < 100; n++) {
      const input = n % 2 ? selfSimilar(gen, 21 + gen.int(200)) : randomBytes(gen, 21 + gen.int(60), 1 + gen.int(8));
      const full = lzfCompress(input, 1 << 20);
      assert.ok(full);
      let fitted = false;
      for (let maxOutput = 1; maxOutput <= full.length + 8; maxOutput++) {
        const result = lzfCompress(input, maxOutput);
        if (result === null) {
          assert.ok(!fitted, `null at ${maxOutput} after fitting in less`);
        } else {
          assert.ok(maxOutput >= full.length);
          assert.deepEqual(result, full);
          fitted = true;
        }
      }
      assert.ok(fitted);
    }
  });

  it('compresses nothing to null and decompresses nothing to nothing', () => {
    assert.equal(lzfCompress(Buffer.alloc(0), 100), null);
    assert.deepEqual(lzfDecompress(Buffer.alloc(0), 0), Buffer.alloc(0));
  });
});

describe('lzf decompression of hostile input', () => {
  const input = Buffer.from('abcabcabcabcabcabcabcabcabcabcabc hello hello hello hello');
  const compressed = lzfCompress(input, input.length)!;

  it('returns null for every truncation of a valid stream', () => {
    for (let length = 0; length < compressed.length; length++) {
      assert.equal(lzfDecompress(compressed.subarray(0, length), input.length), null, `first ${length} bytes`);
    }
  });

  it('returns null when the output length is not exactly right', () => {
    assert.deepEqual(lzfDecompress(compressed, input.length), input);
    assert.equal(lzfDecompress(compressed, input.length - 1), null);
    assert.equal(lzfDecompress(compressed, input.length + 1), null);
  });

  it('returns null for a back reference before the start', () => {
    assert.equal(lzfDecompress(Buffer.from([0x20, 0x00]), 3), null);
    // One byte of literal, then a reference two bytes back.
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0x20, 0x01]), 4), null);
    assert.deepEqual(lzfDecompress(Buffer.from([0x00, 0x61, 0x20, 0x00]), 4), Buffer.from('aaaa'));
  });

  it('returns null for a back reference missing its offset or length byte', () => {
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0x20]), 4), null);
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0]), 11), null);
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00]), 11), null);
    assert.deepEqual(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 10), Buffer.alloc(10, 0x61));
  });

  it('returns null for a literal run past the end of the input or of the output', () => {
    assert.equal(lzfDecompress(Buffer.from([0x03, 0x61, 0x62]), 4), null);
    assert.equal(lzfDecompress(Buffer.from([0x03, 0x61, 0x62, 0x63, 0x64]), 3), null);
  });

  it('returns null for a back reference past the end of the output', () => {
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0x20, 0x00]), 3), null);
  });

  it('returns null for output lengths no stream of that size can make, without allocating them', () => {
    for (const length of [-1, 0.5, NaN, Infinity, 2 ** 53, 1e12, compressed.length * 88 + 1]) {
      assert.equal(lzfDecompress(compressed, length), null, String(length));
    }
  });

  it('never throws on random or mutated streams, and returns null or exactly the bytes asked for', () => {
    const gen = new Generator(5);
    for (let n = 0; n < 5000; n++) {
      const stream = n % 2 ? randomBytes(gen, gen.int(40)) : Buffer.from(compressed);
      if (n % 2 === 0) for (let k = 1 + gen.int(3); k > 0; k--) stream[gen.int(stream.length)] = gen.int(256);
      const length = gen.int(2) ? input.length : gen.int(100);
      const result = lzfDecompress(stream, length);
      assert.ok(result === null || result.length === length);
    }
  });
});

interface StringDump {
  /** Redis's LZF bytes, or null when it stored the string as it is. */
  compressed: Buffer | null;
  value: Buffer;
}

/** Takes a DUMP of a string apart, checking its type byte, its footer's CRC and that nothing is left over. */
function parseStringDump(payload: Buffer): StringDump {
  assert.deepEqual(crc64(payload.subarray(0, payload.length - 8)), payload.subarray(payload.length - 8), 'CRC64');
  const reader = new PayloadReader(payload);
  assert.equal(reader.byte(), 0, 'string type');
  const { value: length, encoded } = reader.lengthOrEncoding();
  if (!encoded) {
    const value = reader.take(length);
    reader.end();
    return { compressed: null, value };
  }
  assert.equal(length, 3, 'LZF encoding');
  const compressedLength = reader.length();
  const valueLength = reader.length();
  const compressed = reader.take(compressedLength);
  reader.end();
  const value = lzfDecompress(compressed, valueLength);
  assert.ok(value, 'Redis LZF bytes decompress');
  return { compressed, value };
}

/** Strings over 20 bytes, which Redis tries to compress: every kind, around the format's boundaries. */
function referenceInputs(): Buffer[] {
  const gen = new Generator(6);
  const inputs: Buffer[] = [];
  const boundaries = [21, 22, 23, 31, 32, 33, 34, 63, 64, 65, 100, 263, 264, 265, 266, 267, 1000, 8191, 8192, 8193, 8194, 8195, 8200, 16384, 70000];
  for (const length of boundaries) {
    inputs.push(Buffer.alloc(length, 0x78));
    inputs.push(Buffer.from('abc'.repeat(length).slice(0, length)));
    inputs.push(mixedText(gen, length));
    inputs.push(selfSimilar(gen, length));
    inputs.push(randomBytes(gen, length));
    inputs.push(Buffer.concat([randomBytes(gen, length), Buffer.alloc(length, 0x2d)]));
  }
  for (let length = 21; length <= 300; length++) {
    inputs.push(Buffer.from('x'.repeat(length)));
    inputs.push(Buffer.from(('0123456789'.repeat(3) + 'y'.repeat(length)).slice(0, length)));
  }
  // A stretch repeated exactly as far back as a reference reaches, and one byte further, in filler that compresses.
  for (const distance of [8191, 8192, 8193]) {
    const input = Buffer.alloc(distance + 100, 0x78);
    const stretch = randomBytes(gen, 20, 128).map((b) => b + 128);
    input.set(stretch, 40);
    input.set(stretch, 40 + distance);
    inputs.push(input);
  }
  // Short strings of few symbols land on both sides of the four bytes Redis asks LZF to save.
  for (let n = 0; n < 400; n++) inputs.push(randomBytes(gen, 21 + gen.int(40), 2 + gen.int(6)));
  for (let n = 0; n < 100; n++) inputs.push(selfSimilar(gen, 21 + gen.int(gen.int(2) ? 100 : 20000)));
  return inputs;
}

describe('lzf and crc64 against redis-server', { skip: !haveRedisServer() && 'needs redis-server' }, () => {
  const client = redisClientForSuite();

  it('compresses exactly as Redis does in DUMP, and gives up exactly where Redis stores the string as it is', async () => {
    const inputs = referenceInputs();
    let compressedByRedis = 0;
    // Keys are kept: Redis leaves its LZF table uninitialised between calls, and a freed string's memory reused for a later one could let a stale entry change Redis's choices.
    for (const [n, input] of inputs.entries()) {
      const key = `lzf:${n}`;
      assert.equal(await client().call('SET', key, input), 'OK');
      const dump = parseStringDump(Buffer.from((await client().call('DUMP', key)) as string, 'latin1'));
      assert.deepEqual(dump.value, input, `${key}: Redis's payload holds the value`);
      const ours = lzfCompress(input, input.length - 4);
      if (dump.compressed) {
        compressedByRedis++;
        assert.ok(ours, `${key} (${input.length} bytes): Redis compressed it`);
        assert.equal(ours.toString('hex'), dump.compressed.toString('hex'), `${key} (${input.length} bytes)`);
      } else {
        assert.equal(ours, null, `${key} (${input.length} bytes): Redis stored it uncompressed`);
      }
    }
    assert.ok(compressedByRedis > 100 && compressedByRedis < inputs.length - 50, `both outcomes occur: ${compressedByRedis} of ${inputs.length}`);
  });
});
