/**
 * Replies are encoded into a shared slab (resp/writer.ts), and a socket that
 * cannot send at once keeps regions of it queued. A client that stops
 * reading must get exactly its replies when it reads again, however many
 * replies other clients got in between: one client pipelines thousands of
 * GETs of random binary values and does not read while other clients run
 * GETs of their own; when it reads at last, every reply must be the value it
 * asked for, byte for byte.
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

function randomValue(gen: Generator): string {
  return Buffer.from(Array.from({ length: VALUE_BYTES }, () => gen.int(256))).toString('latin1');
}

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
});
