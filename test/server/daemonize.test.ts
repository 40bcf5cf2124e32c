/**
 * `daemonize yes`: bin/keyhive returns once the server listens, leaving it
 * running detached (its own session, no hold on the caller's output), with
 * its PID in the PID file; a server that cannot start makes it exit 1 with
 * the error. Redis's own parent exits before its server binds, so this is
 * checked on Keyhive alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../robustness/keyhive-process.js';
import { runProcess } from '../clients/run-process.js';
import { RawClient } from '../support/raw-client.js';
import { freePort } from '../support/servers.js';

const KEYHIVE = [path.join(REPO_ROOT, 'bin/keyhive'), '--daemonize', 'yes', '--bind', '127.0.0.1', '--save', ''];

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The session id of a process, from /proc/PID/stat (its sixth field). */
function sessionOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('daemonize yes', () => {
  it('returns once the server listens, and leaves it running detached with its PID in the PID file', { timeout: 30000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-daemon-'));
    const pidfile = path.join(dir, 'keyhive.pid');
    const logfile = path.join(dir, 'keyhive.log');
    const port = await freePort();
    let pid = 0;
    try {
      // runProcess resolves when the launcher has exited and its output pipes have closed: the daemon must not hold them.
      const started = await runProcess(process.execPath, [...KEYHIVE, '--port', String(port), '--pidfile', pidfile, '--logfile', logfile]);
      assert.deepEqual(started, { code: 0, stdout: '', stderr: '' });
      pid = Number(fs.readFileSync(pidfile, 'latin1'));
      assert.ok(isRunning(pid));
      assert.equal(sessionOf(pid), pid, 'the daemon leads a session of its own');
      const c = await RawClient.connect(port);
      assert.equal(await c.call('SET', 'k', 'v'), 'OK');
      await c.call('SHUTDOWN').catch(() => null);
      c.close();
      await until(() => !isRunning(pid), 'the daemon exits');
      assert.equal(fs.existsSync(pidfile), false);
      assert.match(fs.readFileSync(logfile, 'latin1'), /Removing the pid file\./);
    } finally {
      if (pid !== 0 && isRunning(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with the error when the server cannot listen', { timeout: 30000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const started = await runProcess(process.execPath, [...KEYHIVE, '--port', String(port)]);
      assert.equal(started.code, 1);
      assert.equal(started.stderr, `Could not start: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use\n`);
    } finally {
      blocker.close();
    }
  });
});
