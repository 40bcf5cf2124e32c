/**
 * The floor server of bench/floor.ts answers what redis-benchmark sends; with
 * --store its GET must return what SET stored, or the store floor's figures
 * would be for less work than SET and GET need. redis-benchmark checks no
 * reply, so this does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitUntilServing } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import { encodeCommand } from '../support/resp.js';
import { stopProcess } from '../../bench/common.js';

const FLOOR_SERVER = fileURLToPath(new URL('../../bench/floor-server.js', import.meta.url));

async function startFloor(args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [FLOOR_SERVER, '--port', String(port), ...args], { stdio: 'ignore' });
  await waitUntilServing(port, 'floor server');
  return { port, child };
}

describe('floor server with --store', () => {
  let server: { port: number; child: ChildProcess };
  let c: RawClient;
  before(async () => {
    server = await startFloor(['--store']);
    c = await RawClient.connect(server.port);
  });
  after(async () => {
    c.close();
    await stopProcess(server.child);
  });

  it('answers GET with what SET stored, and a null for a key never set', async () => {
    assert.equal(await c.callRaw('SET', 'key:1', 'xxx'), '+OK\r\n');
    assert.equal(await c.callRaw('GET', 'key:1'), '$3\r\nxxx\r\n');
    assert.equal(await c.callRaw('GET', 'key:2'), '$-1\r\n');
    assert.equal(await c.callRaw('PING'), '+PONG\r\n');
  });

  it('keeps binary values and values larger than its reply buffer whole', async () => {
    const binary = Buffer.from([0, 13, 10, 255, 128, 36]).toString('latin1');
    await c.callRaw('SET', 'binary', Buffer.from(binary, 'latin1'));
    assert.equal(await c.callRaw('GET', 'binary'), `$6\r\n${binary}\r\n`);
    const large = 'v'.repeat(100_000);
    await c.callRaw('SET', 'large', large);
    assert.equal(await c.callRaw('GET', 'large'), `$100000\r\n${large}\r\n`);
  });

  it('answers a pipeline that arrives split inside a request, in order', async () => {
    const pipeline = Buffer.concat([encodeCommand(['SET', 'split', 'abc']), encodeCommand(['GET', 'split']), encodeCommand(['GET', 'none'])]);
    c.write(pipeline.subarray(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 20));
    c.write(pipeline.subarray(20));
    assert.equal(await c.readRaw(), '+OK\r\n');
    assert.equal(await c.readRaw(), '$3\r\nabc\r\n');
    assert.equal(await c.readRaw(), '$-1\r\n');
  });
});

describe('floor server without --store', () => {
  it('answers +OK to anything but PING, storing nothing', async () => {
    const { port, child } = await startFloor([]);
    const c = await RawClient.connect(port);
    try {
      assert.equal(await c.callRaw('SET', 'key:1', 'xxx'), '+OK\r\n');
      assert.equal(await c.callRaw('GET', 'key:1'), '+OK\r\n');
      assert.equal(await c.callRaw('PING'), '+PONG\r\n');
    } finally {
      c.close();
      await stopProcess(child);
    }
  });
});
