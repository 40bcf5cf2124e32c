/**
 * 2,000 clients connected at the same time, each doing a SET and a GET of its
 * own key, against `node bin/keyhive` in its own process (so the server's
 * file descriptors and the test's are counted apart).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { RawClient } from '../support/raw-client.js';
import { spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';

const CLIENTS = 2000;
const CONNECT_BATCH = 200;

/** The soft limit on open files of this process (Node raises it to the hard limit at start-up). */
function openFilesLimit(): number {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

async function connectAll(port: number): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let i = 0; i < CLIENTS; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, CLIENTS - i) }, () => RawClient.connect(port));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

describe(`${CLIENTS} concurrent clients`, () => {
  let server: KeyhiveProcess;
  let clients: RawClient[] = [];
  before(async () => {
    server = await spawnKeyhive();
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('each does a SET and a GET of its own key while all are connected', async (t) => {
    const limit = openFilesLimit();
    if (limit < CLIENTS + 100) {
      t.skip(`needs ${CLIENTS + 100} open files, ulimit -n is ${limit} (raise it: ulimit -n 4096)`);
      return;
    }
    clients = await connectAll(server.port);
    assert.equal(clients.filter((c) => !c.closed).length, CLIENTS, 'every connection is open before the first command');
    const replies = await Promise.all(
      clients.map(async (c, i) => {
        c.send('SET', `client:${i}`, `value of client ${i}`);
        c.send('GET', `client:${i}`);
        return [await c.read(30000), await c.read(30000)];
      }),
    );
    replies.forEach(([set, get], i) => {
      assert.equal(set, 'OK', `SET of client ${i}`);
      assert.equal(get, `value of client ${i}`, `GET of client ${i}`);
    });
    assert.equal(clients.filter((c) => !c.closed).length, CLIENTS, 'no connection was dropped');

    const checker = await RawClient.connect(server.port);
    try {
      const info = String(await checker.call('INFO', 'clients'));
      assert.equal(/connected_clients:(\d+)/.exec(info)?.[1], String(CLIENTS + 1), 'the server counts every client');
      for (let i = 0; i < CLIENTS; i++) checker.send('GET', `client:${i}`);
      for (let i = 0; i < CLIENTS; i++) assert.equal(await checker.read(), `value of client ${i}`);
    } finally {
      checker.close();
    }
    assert.ok(server.alive());
  });
});
