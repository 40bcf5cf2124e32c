/**
 * Plain TCP connections all read into one shared buffer (server/read-buffer.ts),
 * so a request that arrives in pieces must survive other connections' reads
 * in between. Many clients send large binary SETs in random fragments,
 * interleaved, over real sockets; every value then reads back byte for byte.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { encodeCommand } from '../support/resp.js';
import { Generator } from '../support/prng.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

const CLIENTS = 30;

function randomBytes(gen: Generator, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => gen.int(256)));
}

/** buf cut at random points into pieces of 1 to maxPiece bytes. */
function fragments(gen: Generator, buf: Buffer, maxPiece: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < buf.length; ) {
    const n = Math.min(1 + gen.int(maxPiece), buf.length - at);
    pieces.push(buf.subarray(at, at + n));
    at += n;
  }
  return pieces;
}

describe('requests arriving in pieces on many connections', () => {
  let server: RunningServer;
  before(async () => {
    server = await startKeyhive();
  });
  after(async () => {
    await server?.close();
  });

  it('each connection’s pieces are joined into its own requests, whatever the other connections sent between them', async () => {
    const gen = new Generator(41);
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => RawClient.connect(server.port)));
    const values = clients.map(() => randomBytes(gen, 1 + gen.int(20000)));
    const pieces = values.map((value, i) => fragments(gen, Buffer.concat([encodeCommand(['SET', `key:${i}`, value.toString('latin1')]), encodeCommand(['PING'])]), 3000));
    for (let round = 0; pieces.some((p) => round < p.length); round++) {
      clients.forEach((c, i) => {
        if (round < pieces[i].length) c.write(pieces[i][round]);
      });
      // A pause lets the server read what each connection has sent so far.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const [i, c] of clients.entries()) {
      assert.equal(await c.read(), 'OK', `SET on connection ${i}`);
      assert.equal(await c.read(), 'PONG');
      assert.equal(await c.call('GET', `key:${i}`), values[i].toString('latin1'), `value of key:${i}`);
      c.close();
    }
  });
});
