/**
 * The process title (set-proc-title, proc-title-template) of a server
 * process, beside redis-server's, and left alone for an embedded server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../support/raw-client.js';
import { REDIS_SERVER, freePort, startKeyhive, waitUntilServing } from '../support/servers.js';
import { REPO_ROOT, spawnKeyhive } from '../robustness/keyhive-process.js';

/** A process's title: its command line up to the first NUL (setproctitle pads the rest). */
function titleOf(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0];
}

const TEMPLATE = 'T {listen-addr} {port} {tls-port} {unixsocket} {config-file} {server-mode}';

describe('process title', () => {
  it('follows proc-title-template as redis-server\'s does', { timeout: 30000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-title-'));
    const stops: (() => void)[] = [];
    try {
      const titles = await Promise.all(
        (['keyhive', 'redis'] as const).map(async (name) => {
          const configFile = path.join(dir, `${name}.conf`);
          fs.writeFileSync(configFile, 'save ""\n');
          const port = await freePort();
          const args = ['--port', String(port), '--bind', '127.0.0.1', '--unixsocket', path.join(dir, `${name}.sock`)];
          let pid: number;
          if (name === 'keyhive') {
            const server = await spawnKeyhive(args, [], configFile);
            stops.push(() => void server.stop());
            pid = server.serverPid;
          } else {
            const child = spawn(REDIS_SERVER, [configFile, ...args], { stdio: 'ignore' });
            stops.push(() => child.kill('SIGKILL'));
            await waitUntilServing(port, 'redis-server');
            pid = child.pid as number;
          }
          const defaultTitle = titleOf(pid);
          const c = await RawClient.connect(port);
          assert.equal(await c.call('CONFIG', 'SET', 'proc-title-template', TEMPLATE), 'OK');
          const templated = titleOf(pid).split(dir).join('<dir>').split(String(port)).join('<port>').split(`/${name}.`).join('/<name>.');
          c.close();
          return { port, defaultTitle, templated };
        }),
      );
      const [ours, theirs] = titles;
      assert.equal(theirs.templated, 'T 127.0.0.1:<port> <port> 0 <dir>/<name>.sock <dir>/<name>.conf');
      assert.equal(ours.templated, theirs.templated);
      assert.equal(theirs.defaultTitle, `${REDIS_SERVER} 127.0.0.1:${theirs.port}`);
      assert.equal(ours.defaultTitle, `${path.join(REPO_ROOT, 'bin/keyhive')} 127.0.0.1:${ours.port}`);
    } finally {
      for (const stop of stops) stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is left alone by a server embedded in another program', async () => {
    const before = process.title;
    const server = await startKeyhive();
    try {
      const c = await RawClient.connect(server.port);
      assert.equal(await c.call('CONFIG', 'SET', 'proc-title-template', TEMPLATE), 'OK');
      c.close();
      assert.equal(process.title, before);
    } finally {
      await server.close();
    }
  });
});
