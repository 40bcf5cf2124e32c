/**
 * Replies are encoded into a shared slab (resp/writer.ts), and a socket that
 * cannot send at once keeps regions of it queued. A client that stops
 * reading must get exactly its replies when it reads again, however many
 * replies other clients got in between: one client pipelines thousands of
 * GETs of random binary values and does not read while other clients run
 * GETs of their own; when it reads at last, every reply must be the value it
 * asked for, byte for byte.
 *
 * Slabs are also filled again once every write has gone out whole
 * (recycleSlabs): clients that pipeline GETs of large values, round after
 * round, must each get their own values while the slabs are reused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { encodeCommand } from '../support/resp.js';
import { Generator } from '../support/prng.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

/** Enough replies (16 MB) that the stalled client's socket cannot take them all at once. */
const STALLED_GETS = 2000;
const VALUE_BYTES = 8000;
const BUSY_CLIENTS = 4;
const BUSY_GETS = 300;

function randomValue(gen: Generator, bytes = VALUE_BYTES): string {
  return Buffer.from(Array.from({ length: bytes }, () => gen.int(256))).toString('latin1');
}

/** Pipelined GETs of 16,000-byte values by several clients at once: each round's replies fill and recycle several slabs. */
const PIPELINING_CLIENTS = 8;
const PIPELINE = 16;
const ROUNDS = 40;
const LARGE_VALUE_BYTES = 16000;

describe('replies queued for a client that does not read', () => {
  let server: RunningServer;
  before(async () => {
    server = await startKeyhive();
  });
  after(async () => {
    await server?.close();
  });

  it('stay intact while other clients are answered', async () => {
    const gen = new Generator(53);
    const values = Array.from({ length: STALLED_GETS }, () => randomValue(gen));
    const loader = await RawClient.connect(server.port);
    loader.write(Buffer.concat(values.map((v, i) => encodeCommand(['SET', `stalled:${i}`, v]))));
    for (let i = 0; i < STALLED_GETS; i++) assert.equal(await loader.read(), 'OK');
    loader.close();

    const stalled = await RawClient.connect(server.port);
    stalled.socket.pause();
    stalled.write(Buffer.concat(values.map((_, i) => encodeCommand(['GET', `stalled:${i}`]))));

    const busy = await Promise.all(Array.from({ length: BUSY_CLIENTS }, () => RawClient.connect(server.port)));
    await Promise.all(
      busy.map(async (c, n) => {
        for (let i = 0; i < BUSY_GETS; i++) {
          const key = (n * BUSY_GETS + i) % STALLED_GETS;
          assert.equal(await c.call('GET', `stalled:${key}`), values[key], `busy client ${n}, GET stalled:${key}`);
        }
        c.close();
      }),
    );

    stalled.socket.resume();
    for (let i = 0; i < STALLED_GETS; i++) {
      const reply = await stalled.read();
      // assert.equal would print 8 KB of binary on failure: compare, then say where.
      if (reply !== values[i]) assert.fail(`reply ${i} of the stalled client is not its value (length ${String(reply).length})`);
    }
    stalled.close();
  });

  it('stay intact while slabs are filled again, round after round', async () => {
    const gen = new Generator(59);
    const values = Array.from({ length: 64 }, () => randomValue(gen, LARGE_VALUE_BYTES));
    const loader = await RawClient.connect(server.port);
    for (let i = 0; i < values.length; i++) assert.equal(await loader.call('SET', `large:${i}`, values[i]), 'OK');
    loader.close();

    const clients = await Promise.all(Array.from({ length: PIPELINING_CLIENTS }, () => RawClient.connect(server.port)));
    await Promise.all(
      clients.map(async (c, n) => {
        for (let round = 0; round < ROUNDS; round++) {
          const keys = Array.from({ length: PIPELINE }, (_, i) => (n * 7 + round * 3 + i * 5) % values.length);
          c.write(Buffer.concat(keys.map((key) => encodeCommand(['GET', `large:${key}`]))));
          for (const key of keys) {
            const reply = await c.read();
            if (reply !== values[key]) assert.fail(`client ${n}, round ${round}: the reply to GET large:${key} is not its value`);
          }
        }
        c.close();
      }),
    );
  });
});
