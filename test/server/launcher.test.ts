/**
 * bin/keyhive's launcher: the V8 options it starts the server with
 * (src/launcher.ts). V8's worker pool is sized for the CPUs the server may
 * run on; a pool size given in the Node options is kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { v8PoolSize } from '../../src/launcher.js';
import { spawnKeyhive, type KeyhiveProcess } from '../robustness/keyhive-process.js';

function threadCount(pid: number): number {
  const m = /^Threads:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
  assert.ok(m, `Threads in /proc/${pid}/status`);
  return Number(m[1]);
}

const ON_ONE_CPU = ['taskset', '-c', '0'];
const canPin = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Starts a server on CPU 0 alone, runs check against it, and stops it. */
async function withPinnedServer(nodeArgs: string[], check: (server: KeyhiveProcess) => void): Promise<void> {
  const server = await spawnKeyhive([], nodeArgs, undefined, ON_ONE_CPU);
  try {
    check(server);
  } finally {
    await server.stop();
  }
}

describe('launcher', () => {
  it('sizes V8 worker pool as one thread per CPU beyond the server’s own, between 1 and Node’s 4', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 64].map(v8PoolSize), [1, 1, 2, 3, 4, 4, 4]);
  });

  it('on one CPU, runs the server in a child with one V8 worker; a pool size in the Node options is kept', { skip: !canPin && 'needs taskset on Linux' }, async () => {
    let sized = 0;
    let userOne = 0;
    let userFour = 0;
    await withPinnedServer([], (server) => {
      assert.notEqual(server.serverPid, server.child.pid, 'the server runs in a child of the launcher');
      sized = threadCount(server.serverPid);
    });
    await withPinnedServer(['--v8-pool-size=1'], (server) => {
      assert.equal(server.serverPid, server.child.pid, 'with the option given, the server runs in the launcher’s process');
      userOne = threadCount(server.serverPid);
    });
    await withPinnedServer(['--v8-pool-size=4'], (server) => {
      assert.equal(server.serverPid, server.child.pid);
      userFour = threadCount(server.serverPid);
    });
    assert.equal(sized, userOne, 'as many threads as with --v8-pool-size=1');
    assert.equal(userFour - userOne, 3, 'three threads fewer than with Node’s four workers');
  });
});
