/**
 * The V8 heap never dies: bin/keyhive sizes its heap for maxmemory and
 * eviction keeps the data within it, however much is written; without
 * maxmemory, the heap guard refuses writes with OOM before the heap runs out.
 * Both run the real launcher as a child process.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { RawClient } from '../support/raw-client.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';

const VALUE_BYTES = 100 * 1024;

/** One pipelined SET of a key to the shared value, as RESP bytes. */
function setCommand(key: string, value: Buffer): Buffer[] {
  return [Buffer.from(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n`, 'latin1'), value, Buffer.from('\r\n')];
}

/**
 * Sends count SETs of VALUE_BYTES each as one pipeline, with back-pressure,
 * and counts the replies: every one is a single line, +OK or an error.
 */
async function pipelineSets(port: number, count: number, keyOf: (i: number) => string): Promise<{ ok: number; errors: string[] }> {
  const value = Buffer.alloc(VALUE_BYTES, 'v');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const result = { ok: 0, errors: [] as string[] };
  let pending = '';
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk) => {
      const lines = (pending + chunk.toString('latin1')).split('\r\n');
      pending = lines.pop() as string;
      for (const line of lines) {
        if (line === '+OK') result.ok++;
        else result.errors.push(line);
      }
      if (result.ok + result.errors.length === count) resolve();
    });
    socket.once('close', () => reject(new Error(`connection closed after ${result.ok + result.errors.length} replies`)));
  });
  for (let i = 0; i < count; i++) {
    let flowing = true;
    for (const part of setCommand(keyOf(i), value)) flowing = socket.write(part);
    if (!flowing) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await done;
  socket.destroy();
  return result;
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  assert.ok(m, `INFO has ${name}`);
  return Number(m[1]);
}

/** Peak resident set size of a process in bytes (Linux's VmHWM). */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
  assert.ok(m, 'VmHWM in /proc');
  return Number(m[1]) * 1024;
}

describe('V8 heap under write pressure', () => {
  it('maxmemory 200mb with allkeys-lru: 2 GB of pipelined writes leave the process alive, its RSS under 1 GB and the latest keys', async () => {
    const server = await spawnKeyhive(['--maxmemory', '200mb', '--maxmemory-policy', 'allkeys-lru']);
    try {
      const admin = await RawClient.connect(server.port);
      const pid = infoField(String(await admin.call('INFO', 'server')), 'process_id');
      const count = 20000;
      const { ok, errors } = await pipelineSets(server.port, count, (i) => `key:${i}`);
      assert.ok(server.alive(), 'the server process is alive');
      assert.deepEqual(errors, []);
      assert.equal(ok, count);
      const memory = String(await admin.call('INFO', 'memory'));
      assert.ok(infoField(memory, 'used_memory') <= 200 * 1024 * 1024, 'used_memory within maxmemory');
      const latest = Array.from({ length: 100 }, (_, i) => `key:${count - 1 - i}`);
      assert.equal(await admin.call('EXISTS', ...latest), latest.length, 'the 100 latest keys are present');
      const evicted = infoField(String(await admin.call('INFO', 'stats')), 'evicted_keys');
      assert.ok(evicted > count / 2, `most keys were evicted (${evicted})`);
      assert.ok(peakRss(pid) < 1024 * 1024 * 1024, `peak RSS ${peakRss(pid)} under 1 GB`);
      admin.close();
    } finally {
      await server.stop();
    }
  });

  it('without maxmemory, writes past the heap limit get OOM errors, not a crash, and succeed again once memory is freed', async () => {
    // A small heap (set by the user, so the launcher keeps it) makes the limit quick to reach.
    const server = await spawnKeyhive([], ['--max-old-space-size=128']);
    const port = server.port;
    try {
      const { ok, errors } = await pipelineSets(port, 3000, (i) => `key:${i}`);
      assert.ok(server.alive(), 'the server process is alive');
      assert.ok(ok > 100, `writes succeeded until the heap filled (${ok})`);
      assert.ok(errors.length > 0, 'then writes were refused');
      assert.deepEqual(new Set(errors), new Set(["-OOM command not allowed when used memory > 'maxmemory'."]));
      const c = await RawClient.connect(port);
      assert.equal(await c.call('GET', 'nosuchkey'), null, 'reads still work');
      assert.equal(await c.call('FLUSHALL'), 'OK');
      assert.equal(await c.call('MEMORY', 'PURGE'), 'OK');
      assert.equal(await c.call('SET', 'after', 'flush'), 'OK', 'writes succeed once memory is freed');
      c.close();
    } finally {
      await server.stop();
    }
  });
});
