/**
 * Clients that declare huge frames and never send them (`*2147483647`,
 * `$536870888`, the longest bulk a V8 string holds) must not make the server reserve
 * that memory: it buffers only the bytes that actually arrived, keeps
 * serving everyone else, and forgets the partial frames when they disconnect.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { residentBytes, spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';

const CONNECTIONS = 50;
/** Far below what reserving the declared sizes would take (CONNECTIONS x 512 MB). */
const MAX_GROWTH_BYTES = 200 * 1024 * 1024;

function writeFully(c: RawClient, data: string): Promise<void> {
  return new Promise((resolve, reject) => c.socket.write(Buffer.from(data, 'latin1'), (e) => (e ? reject(e) : resolve())));
}

describe('huge declared lengths', () => {
  let server: KeyhiveProcess;
  before(async () => {
    server = await spawnKeyhive();
  });
  after(async () => {
    await server?.stop();
  });

  it('reserve no memory and do not disturb other clients', async () => {
    const pid = server.serverPid;
    const sanity = await RawClient.connect(server.port);
    assert.equal(await sanity.call('SET', 'before', 'v'), 'OK');
    const rssBefore = residentBytes(pid);
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawClient.connect(server.port)));
    await Promise.all(
      clients.map((c, i) =>
        writeFully(c, i % 2 === 0 ? `*1\r\n$536870888\r\n${'x'.repeat(1024)}` : `*2147483647\r\n$3\r\nSET\r\n$1\r\nk\r\n`),
      ),
    );
    // A round trip after the writes: the server has read what was sent before it answers.
    assert.equal(await sanity.call('GET', 'before'), 'v');
    const growth = residentBytes(pid) - rssBefore;
    assert.ok(growth < MAX_GROWTH_BYTES, `resident memory grew by ${(growth / 2 ** 20).toFixed(1)} MB`);
    assert.ok(
      clients.every((c) => !c.closed && c.pending === ''),
      'the partial frames are still awaited, unanswered',
    );
    for (const c of clients) c.close();
    assert.equal(await sanity.call('SET', 'after', 'w'), 'OK');
    assert.equal(await sanity.call('GET', 'after'), 'w');
    sanity.close();
    assert.ok(server.alive());
  });
});
