/**
 * A port that is taken, or a unix socket that cannot be made: bin/keyhive
 * logs what redis-server logs (Redis's test suite and supervisors look for
 * "Failed listening on port") and exits with 1.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../robustness/keyhive-process.js';
import { REDIS_SERVER } from '../support/servers.js';

/** Runs a server command to its exit; its exit code and the messages of its log lines (after the level mark). */
function runToExit(command: string, args: string[]): Promise<{ code: number | null; messages: string[] }> {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const messages = out.split('\n').flatMap((line) => /^\d+:[A-Z] .*? [.\-*#] (.*)$/.exec(line)?.[1] ?? []);
      resolve({ code, messages });
    }),
  );
}

function listenMessages(messages: string[]): string[] {
  return messages.filter((m) => /listening/i.test(m));
}

describe('listening on a taken port', () => {
  it('logs and exits as redis-server does', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as net.AddressInfo).port);
    try {
      const options = ['--port', port, '--bind', '127.0.0.1', '--save', ''];
      const [ours, theirs] = await Promise.all([
        runToExit(process.execPath, [path.join(REPO_ROOT, 'bin/keyhive'), ...options]),
        runToExit(REDIS_SERVER, options),
      ]);
      assert.deepEqual(listenMessages(theirs.messages), [
        `Warning: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use`,
        `Failed listening on port ${port} (TCP), aborting.`,
      ]);
      assert.deepEqual(listenMessages(ours.messages), listenMessages(theirs.messages));
      assert.equal(ours.code, 1);
      assert.equal(theirs.code, 1);
    } finally {
      blocker.close();
    }
  });
});

describe('listening on a unix socket in a missing directory', () => {
  it('logs and exits as redis-server does', async () => {
    const options = ['--port', '0', '--bind', '127.0.0.1', '--save', '', '--unixsocket', '/nonexistent-keyhive-dir/server.sock'];
    const [ours, theirs] = await Promise.all([runToExit(process.execPath, [path.join(REPO_ROOT, 'bin/keyhive'), ...options]), runToExit(REDIS_SERVER, options)]);
    const unixMessages = (messages: string[]) => messages.filter((m) => /unix socket/i.test(m));
    assert.deepEqual(unixMessages(theirs.messages), ['Failed opening Unix socket: bind: No such file or directory']);
    assert.deepEqual(unixMessages(ours.messages), unixMessages(theirs.messages));
    assert.equal(ours.code, 1);
    assert.equal(theirs.code, 1);
  });
});
