/**
 * Abusive clients against `node bin/keyhive` in its own process, whose
 * resident memory is measured before and during the abuse: one that
 * announces a 500 MB bulk and trickles it in, one that opens thousands of
 * connections past maxclients, one that pipelines hundreds of thousands of
 * commands with large replies and never reads them. All the while a sanity
 * client keeps getting correct answers, and memory stays far below what the
 * abuse would take if the server buffered it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RawClient } from '../support/raw-client.js';
import { residentBytes, spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';

const MB = 1024 * 1024;

function writeAll(socket: net.Socket, data: Buffer | string): Promise<void> {
  return new Promise((resolve) => socket.write(data, () => resolve()));
}

/** A round trip on the sanity client with a value that must come back intact. */
async function sane(sanity: RawClient, round: number): Promise<void> {
  const value = `round ${round} ${'z'.repeat(round % 100)}`;
  assert.equal(await sanity.call('SET', `sanity:${round % 10}`, value), 'OK');
  assert.equal(await sanity.call('GET', `sanity:${round % 10}`), value);
}

describe('abusive clients', () => {
  let server: KeyhiveProcess;
  let sanity: RawClient;
  let pid: number;
  let baseline: number;
  let round = 0;
  before(async () => {
    // Room in the accept queue for every attempt at once: past it the kernel drops connections and the client's
    // retries come back on a backoff (1, 2, 4 ... 32 s) that can outlast the wait, whatever the server does.
    server = await spawnKeyhive(['--tcp-backlog', '4096']);
    pid = server.serverPid;
    sanity = await RawClient.connect(server.port);
    await sane(sanity, round++);
    baseline = residentBytes(pid);
  });
  after(async () => {
    sanity?.close();
    await server?.stop();
  });

  /** Resident memory above what the server used before any abuse. */
  const growth = () => residentBytes(pid) - baseline;
  const report = (bytes: number) => `${(bytes / MB).toFixed(1)} MB above the start`;

  it('a 500 MB bulk trickled in costs what arrived, and client-query-buffer-limit cuts it off with a log line', async () => {
    const slow = await RawClient.connect(server.port);
    slow.write(`*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$${500 * MB}\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 's');
    let peak = 0;
    for (let sent = 0; sent < 24 * MB; sent += chunk.length) {
      await writeAll(slow.socket, chunk);
      await sane(sanity, round++);
      peak = Math.max(peak, growth());
    }
    assert.ok(peak < 150 * MB, `with 24 MB of the bulk sent: ${report(peak)}`);
    assert.equal(await sanity.call('CONFIG', 'SET', 'client-query-buffer-limit', '16mb'), 'OK');
    await writeAll(slow.socket, chunk);
    await slow.waitClosed(10000);
    assert.equal(slow.pending, '');
    assert.match(server.output(), /# Closing client that reached max query buffer length: id=\d+ addr=127\.0\.0\.1:\d+/);
    assert.equal(await sanity.call('EXISTS', 'slow'), 0);
    assert.equal(await sanity.call('CONFIG', 'SET', 'client-query-buffer-limit', '1gb'), 'OK');
  });

  it('thousands of connections past maxclients are refused while admitted clients are served', async () => {
    const MAX = 300;
    const ATTEMPTS = 3000;
    assert.equal(await sanity.call('CONFIG', 'SET', 'maxclients', String(MAX)), 'OK');
    const sockets: net.Socket[] = [];
    let refused = 0;
    const otherwiseClosed: string[] = [];
    let peak = 0;
    try {
      for (let i = 0; i < ATTEMPTS; i++) {
        if (i % 500 === 0) await sane(sanity, round++);
        const socket = net.createConnection({ port: server.port, host: '127.0.0.1' });
        sockets.push(socket);
        let received = '';
        socket.on('data', (d) => (received += d.toString('latin1')));
        socket.on('error', () => {});
        // Admitted connections stay open until the end; refused ones get the error and are closed by the server.
        socket.once('close', () => {
          if (received === '-ERR max number of clients reached\r\n') refused++;
          else otherwiseClosed.push(received);
        });
      }
      const expected = ATTEMPTS - (MAX - 1);
      for (let waited = 0; refused + otherwiseClosed.length < expected && waited < 60000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      peak = growth();
      await sane(sanity, round++);
      assert.deepEqual(otherwiseClosed, [], 'connections closed without the error');
      assert.equal(refused, expected, 'every attempt past maxclients refused with the error');
      const info = String(await sanity.call('INFO', 'clients'));
      assert.equal(/connected_clients:(\d+)/.exec(info)?.[1], String(MAX), 'every slot taken, none more');
    } finally {
      for (const s of sockets) s.destroy();
      assert.equal(await sanity.call('CONFIG', 'SET', 'maxclients', '10000'), 'OK');
    }
    assert.ok(peak < 150 * MB, report(peak));
  });

  it('a client pipelining 200,000 GETs of a 64 KB value without reading does not make the server buffer the replies', async () => {
    const value = Buffer.alloc(64 * 1024, 'g');
    assert.equal(await sanity.call('SET', 'big', value), 'OK');
    const hog = await RawClient.connect(server.port);
    hog.socket.pause();
    // 12.5 GB of replies if the server kept them all.
    const requests = Buffer.from('GET big\r\n'.repeat(200_000));
    void writeAll(hog.socket, requests);
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      await sane(sanity, round++);
      peak = Math.max(peak, growth());
    }
    assert.ok(peak < 300 * MB, `with a non-reading pipeliner: ${report(peak)}`);
    hog.close();
    await sane(sanity, round++);
    assert.ok(server.alive());
  });
});
