/**
 * The request decoder turns every argument into the latin1 string of its
 * exact bytes, whichever way it builds it (String.fromCharCode for short
 * arguments, Buffer's native slice for longer ones): arguments of every
 * length around those boundaries, of random bytes 0-255, fed whole and split.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestDecoder } from '../../src/resp/decoder.js';
import { Generator } from '../support/prng.js';

function frame(args: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/**
 * Feeds input in reads of random lengths through one read buffer of `size`
 * bytes, overwritten after every read, as server/read-buffer.ts gives every
 * plain TCP connection; afterRead runs after each read.
 */
function feedInReads(decoder: RequestDecoder, input: Buffer, gen: Generator, size: number, afterRead: () => void = () => {}): void {
  const readBuffer = Buffer.alloc(size);
  for (let at = 0; at < input.length; ) {
    const n = Math.min(1 + gen.int(size), input.length - at);
    input.copy(readBuffer, 0, at, at + n);
    decoder.feed(readBuffer.subarray(0, n));
    readBuffer.fill(0x2a);
    at += n;
    afterRead();
  }
}

function decoderInto(commands: string[][]): RequestDecoder {
  return new RequestDecoder({ onCommand: (argv) => commands.push(argv), maxBulkLen: 1 << 20, authRequired: false });
}

describe('request decoder', () => {
  it('decodes arguments of 0 to 40 random bytes to their latin1 strings', () => {
    const gen = new Generator(31);
    const args = Array.from({ length: 41 }, (_, n) => Buffer.from(Array.from({ length: n }, () => gen.int(256))));
    const expected = ['SET', ...args.map((a) => a.toString('latin1'))];
    const input = frame([Buffer.from('SET'), ...args]);
    for (const splitAt of [input.length, 7, Math.floor(input.length / 2)]) {
      const commands: string[][] = [];
      const decoder = decoderInto(commands);
      decoder.feed(input.subarray(0, splitAt));
      if (splitAt < input.length) decoder.feed(input.subarray(splitAt));
      assert.deepEqual(commands, [expected], `split at ${splitAt}`);
    }
  });

  it('keeps its own copy of unconsumed bytes: the buffer a chunk came in may be overwritten by the next read', () => {
    const gen = new Generator(32);
    const input = Buffer.concat(
      Array.from({ length: 50 }, (_, i) => frame([Buffer.from('SET'), Buffer.from(`key:${i}`), Buffer.from(Array.from({ length: gen.int(300) }, () => gen.int(256)))])),
    );
    const expected: string[][] = [];
    decoderInto(expected).feed(Buffer.from(input));
    const commands: string[][] = [];
    const decoder = decoderInto(commands);
    feedInReads(decoder, input, gen, 64);
    assert.equal(commands.length, 50);
    assert.deepEqual(commands, expected);
  });

  it('decodes commands of more arguments than it preallocates (1,024), whole and split, and the commands after them', () => {
    for (const count of [1023, 1024, 1025, 3000]) {
      const args = Array.from({ length: count }, (_, i) => Buffer.from(`member:${i}`));
      const input = Buffer.concat([frame([Buffer.from('SADD'), Buffer.from('s'), ...args]), frame([Buffer.from('GET'), Buffer.from('k')])]);
      const expected = [['SADD', 's', ...args.map((a) => a.toString('latin1'))], ['GET', 'k']];
      for (const splitAt of [input.length, Math.floor(input.length / 3)]) {
        const commands: string[][] = [];
        const decoder = decoderInto(commands);
        decoder.feed(input.subarray(0, splitAt));
        if (splitAt < input.length) decoder.feed(input.subarray(splitAt));
        assert.deepEqual(commands, expected, `${count} arguments, split at ${splitAt}`);
      }
    }
  });

  it('keeps the rest of a read when a command pauses it, including a read that completed a held request', () => {
    const gen = new Generator(33);
    const frames = Array.from({ length: 40 }, (_, i) => [`CMD${i}`, Buffer.from(Array.from({ length: gen.int(5000) }, () => gen.int(256))).toString('latin1')]);
    const input = Buffer.concat(frames.map((argv) => frame(argv.map((a) => Buffer.from(a, 'latin1')))));
    const commands: string[][] = [];
    // Every third command pauses the decoder (as a blocked client's does); it gets reads while paused, and resumes after one read in three.
    const decoder: RequestDecoder = new RequestDecoder({
      onCommand: (argv) => {
        commands.push(argv);
        if (commands.length % 3 === 0) decoder.paused = true;
      },
      maxBulkLen: 1 << 20,
      authRequired: false,
    });
    const resume = () => {
      while (decoder.paused) {
        decoder.paused = false;
        decoder.drain();
      }
    };
    feedInReads(decoder, input, gen, 4096, () => {
      if (gen.int(3) === 0) resume();
    });
    resume();
    assert.deepEqual(commands, frames);
  });

  it('reuses its held buffer for unfinished requests, keeps one only up to 64 KB, and gives it back when idle', () => {
    const commands: string[][] = [];
    const decoder = decoderInto(commands);
    const value = 'v'.repeat(20000);
    const request = frame([Buffer.from('SET'), Buffer.from('k'), Buffer.from(value)]);
    decoder.feed(request.subarray(0, 5000));
    assert.ok(decoder.allocatedBytes >= 5000, 'the unfinished request is held');
    decoder.feed(request.subarray(5000));
    assert.deepEqual(commands, [['SET', 'k', value]]);
    const reused = decoder.allocatedBytes;
    assert.ok(reused >= 20000 && reused <= 64 * 1024, `a held buffer of ${reused} bytes is kept for the next request`);
    decoder.releaseIdleBuffer();
    assert.equal(decoder.allocatedBytes, 0);

    const large = frame([Buffer.from('SET'), Buffer.from('k'), Buffer.alloc(100000, 0x61)]);
    decoder.feed(large.subarray(0, 50000));
    decoder.feed(large.subarray(50000));
    assert.equal(commands.length, 2);
    assert.equal(decoder.allocatedBytes, 0, 'a held buffer over 64 KB is dropped once emptied');
  });
});
