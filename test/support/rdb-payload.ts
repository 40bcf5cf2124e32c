/**
 * DUMP payloads for tests against redis-server: one value in the RDB
 * encoding, then a footer of the RDB version (two bytes) and a CRC64 (eight).
 */
import assert from 'node:assert/strict';
import type { RawClient } from './raw-client.js';

/** The footer's bytes: the RDB version and the CRC64. */
const FOOTER_LENGTH = 10;

/** An RDB length, as rdbSaveLen writes it: in 6 or 14 bits, or after 0x80 in 32 bits or 0x81 in 64 bits (big-endian). */
export function rdbLength(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n < 2 ** 32) {
    const out = Buffer.from([0x80, 0, 0, 0, 0]);
    out.writeUInt32BE(n, 1);
    return out;
  }
  const out = Buffer.alloc(9);
  out[0] = 0x81;
  out.writeBigUInt64BE(BigInt(n), 1);
  return out;
}

/** Tells the server to take payloads whatever their CRC64, as uncheckedPayload's need. */
export async function skipChecksumValidation(client: RawClient): Promise<void> {
  assert.equal(await client.call('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'), 'OK');
}

/**
 * A DUMP payload of body: the body, RDB version 10 (little-endian), then
 * eight zero bytes where the CRC64 goes. No server takes it unless told not
 * to check the CRC (DEBUG SET-SKIP-CHECKSUM-VALIDATION 1).
 */
export function uncheckedPayload(...body: Buffer[]): Buffer {
  return Buffer.concat([...body, Buffer.from([10, 0]), Buffer.alloc(8)]);
}

/** Reads a DUMP payload's RDB encoding from the start: bytes, lengths and plain strings. */
export class PayloadReader {
  private pos = 0;
  constructor(private readonly payload: Buffer) {}

  byte(): number {
    return this.take(1)[0];
  }

  /** The next n bytes. */
  take(n: number): Buffer {
    assert.ok(this.pos + n <= this.payload.length, `${n} bytes at ${this.pos} run past the payload's ${this.payload.length}`);
    this.pos += n;
    return this.payload.subarray(this.pos - n, this.pos);
  }

  /** An RDB length, or (encoded) the special form 11xxxxxx that starts an integer or LZF string, with its low six bits as value. */
  lengthOrEncoding(): { value: number; encoded: boolean } {
    const first = this.byte();
    switch (first >> 6) {
      case 0:
        return { value: first, encoded: false };
      case 1:
        return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
      case 3:
        return { value: first & 0x3f, encoded: true };
    }
    if (first === 0x80) return { value: this.take(4).readUInt32BE(), encoded: false };
    assert.equal(first, 0x81, 'a 32- or 64-bit length');
    return { value: Number(this.take(8).readBigUInt64BE()), encoded: false };
  }

  /** An RDB length, failing on a special encoding. */
  length(): number {
    const { value, encoded } = this.lengthOrEncoding();
    assert.ok(!encoded, `a length, not special encoding ${value} (an integer, or an LZF string where rdbcompression is on)`);
    return value;
  }

  /** A plain RDB string: its length, then its bytes. */
  string(): Buffer {
    return this.take(this.length());
  }

  /** Asserts that only the footer remains: the RDB version and CRC64. */
  end(): void {
    assert.equal(this.payload.length - this.pos, FOOTER_LENGTH, 'only the RDB version and CRC64 remain');
  }
}

/** What a decoder of a hostile blob may give: null, or entries that are byte strings. */
export function assertEntriesOrNull(entries: string[] | null): void {
  if (entries === null) return;
  assert.ok(Array.isArray(entries));
  for (const entry of entries) assert.ok(typeof entry === 'string' && /^[\x00-\xff]*$/.test(entry));
}

/** blob (a listpack or ziplist: total bytes as uint32 LE first, 0xFF last) cut short after each length from `from` on, its total and terminator fixed up to match. */
export function truncationsWithHeaderFixed(blob: Buffer, from: number): Buffer[] {
  const cuts: Buffer[] = [];
  for (let n = from; n < blob.length; n++) {
    const cut = Buffer.from(blob.subarray(0, n));
    cut.writeUInt32LE(n, 0);
    cut[n - 1] = 0xff;
    cuts.push(cut);
  }
  return cuts;
}
