/**
 * Graceful operations of `node bin/keyhive` as a child process: SIGTERM and
 * SIGINT shut it down cleanly (connections closed, exit code 0, Redis's log
 * lines), SHUTDOWN with its flags and ABORT, a config file rewritten by
 * CONFIG REWRITE and read back by a restart, log levels and the logfile,
 * and a failure inside a command that costs one error reply, not the
 * process. SHUTDOWN's error replies are compared with redis-server's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../support/raw-client.js';
import { RespError } from '../support/resp.js';
import { freePort, type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import { REPO_ROOT, spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';
import type { RunningServer } from '../../src/index.js';

const DEBUG = ['--enable-debug-command', 'yes'];

/** Waits until the server's log matches pattern (the log is written asynchronously to the command that causes it). */
async function logShows(server: KeyhiveProcess, pattern: RegExp): Promise<void> {
  for (let waited = 0; !pattern.test(server.output()); waited += 10) {
    if (waited > 10000) assert.fail(`the log never showed ${pattern}:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The log lines matching each pattern, in the order given, must appear in that order. */
function assertLogOrder(log: string, patterns: RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const at = log.slice(from).search(pattern);
    assert.ok(at >= 0, `${pattern} after position ${from} of the log:\n${log}`);
    from += at;
  }
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-graceful-'));
}

describe('shutdown signals', () => {
  it('SIGTERM closes every connection and the listener, makes the final save save points call for, logs Redis\'s lines and exits 0', async () => {
    const dir = tempDir();
    const server = await spawnKeyhive(['--dir', dir, '--save', '3600 1']);
    try {
      const idle = await RawClient.connect(server.port);
      const blocked = await RawClient.connect(server.port);
      const subscriber = await RawClient.connect(server.port);
      assert.equal(await idle.call('SET', 'kept', 'value'), 'OK');
      blocked.send('BLPOP', 'nothing', '0');
      assert.deepEqual(await subscriber.call('SUBSCRIBE', 'news'), ['subscribe', 'news', 1]);
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited(), { code: 0, signal: null });
      for (const c of [idle, blocked, subscriber]) await c.waitClosed();
      assert.equal(blocked.pending, '', 'the blocked client got no reply');
      assertLogOrder(server.output(), [
        /# Received SIGTERM scheduling shutdown\.\.\./,
        /# User requested shutdown\.\.\./,
        /\* Saving the final RDB snapshot before exiting\./,
        /\* DB saved on disk/,
        /# Keyhive is now ready to exit, bye bye\.\.\./,
      ]);
      assert.match(fs.readFileSync(path.join(dir, 'dump.rdb'), 'latin1'), /^REDIS0010[\s\S]*kept[\s\S]*value/);
      await assert.rejects(RawClient.connect(server.port), /ECONNREFUSED/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGINT with shutdown-on-sigint nosave exits 0 without the save that save points call for', async () => {
    const dir = tempDir();
    const server = await spawnKeyhive(['--dir', dir, '--save', '3600 1', '--shutdown-on-sigint', 'nosave']);
    try {
      const c = await RawClient.connect(server.port);
      assert.equal(await c.call('SET', 'k', 'v'), 'OK');
      server.child.kill('SIGINT');
      assert.deepEqual(await server.exited(), { code: 0, signal: null });
      assertLogOrder(server.output(), [/# Received SIGINT scheduling shutdown/, /# User requested shutdown/, /bye bye/]);
      assert.doesNotMatch(server.output(), /Saving the final RDB snapshot/);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with no save points (Keyhive\'s default) a shutdown writes nothing', async () => {
    const dir = tempDir();
    const server = await spawnKeyhive(['--dir', dir]);
    try {
      const c = await RawClient.connect(server.port);
      assert.equal(await c.call('SET', 'k', 'v'), 'OK');
      assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '']);
      c.send('SHUTDOWN');
      await c.waitClosed();
      assert.deepEqual(await server.exited(), { code: 0, signal: null });
      assert.doesNotMatch(server.output(), /Saving the final RDB snapshot/);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a shutdown that cannot save keeps the server running; a second SIGINT before the cron exits at once with 1', async () => {
    const server = await spawnUnableToSave(['--shutdown-on-sigint', 'save', ...DEBUG]);
    try {
      const c = await RawClient.connect(server.port);
      server.child.kill('SIGINT');
      await logShows(server, /Errors trying to shut down the server/);
      assert.match(server.output(), /# Error trying to save the DB, can't exit\./);
      assert.equal(await c.call('PING'), 'PONG', 'still serving');
      assert.equal(await c.call('DEBUG', 'PAUSE-CRON', '1'), 'OK');
      server.child.kill('SIGINT');
      await logShows(server, /Received SIGINT scheduling shutdown[\s\S]*Received SIGINT scheduling shutdown/);
      server.child.kill('SIGINT');
      assert.deepEqual(await server.exited(), { code: 1, signal: null });
      assert.match(server.output(), /# You insist\.\.\. exiting now\./);
    } finally {
      await server.stop();
    }
  });

  it('SHUTDOWN ABORT cancels a SIGTERM the cron has not acted on yet', async () => {
    const server = await spawnKeyhive(DEBUG);
    try {
      const c = await RawClient.connect(server.port);
      assert.equal(await c.call('DEBUG', 'PAUSE-CRON', '1'), 'OK');
      server.child.kill('SIGTERM');
      await logShows(server, /Received SIGTERM scheduling shutdown/);
      assert.equal(await c.call('SHUTDOWN', 'ABORT'), 'OK');
      assert.match(server.output(), /\* Shutdown manually aborted\./);
      assert.deepEqual(await c.call('SHUTDOWN', 'ABORT'), new RespError('ERR No shutdown in progress.'));
      assert.equal(await c.call('DEBUG', 'PAUSE-CRON', '0'), 'OK');
      // Several cron runs later (hz 10), the server is still there.
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await c.call('PING'), 'PONG');
      }
      assert.doesNotMatch(server.output(), /User requested shutdown/);
    } finally {
      await server.stop();
    }
  });
});

/** bin/keyhive whose dir is gone once it has started, so that any save fails. */
async function spawnUnableToSave(extraArgs: string[] = []): Promise<KeyhiveProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-vanishing-'));
  const server = await spawnKeyhive(['--dir', dir, ...extraArgs]);
  fs.rmSync(dir, { recursive: true });
  return server;
}

describe('SHUTDOWN', () => {
  it('SAVE writes the snapshot to dir/dbfilename, then the process exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-final-save-'));
    const server = await spawnKeyhive(['--dir', dir]);
    try {
      const c = await RawClient.connect(server.port);
      await c.call('SET', 'kept', 'value');
      c.send('SHUTDOWN', 'SAVE');
      await c.waitClosed();
      assert.deepEqual(await server.exited(), { code: 0, signal: null });
      assertLogOrder(server.output(), [/\* Saving the final RDB snapshot before exiting\./, /\* DB saved on disk/, /bye bye/]);
      assert.match(fs.readFileSync(path.join(dir, 'dump.rdb'), 'latin1'), /^REDIS0010[\s\S]*kept[\s\S]*value/);
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SAVE that cannot save keeps the server, and the client hears why; SAVE FORCE exits anyway', async () => {
    const server = await spawnUnableToSave();
    try {
      const c = await RawClient.connect(server.port);
      assert.deepEqual(await c.call('SHUTDOWN', 'SAVE'), new RespError('ERR Errors trying to SHUTDOWN. Check logs.'));
      assert.equal(await c.call('PING'), 'PONG');
      c.send('SHUTDOWN', 'SAVE', 'FORCE');
      await c.waitClosed();
      assert.deepEqual(await server.exited(), { code: 0, signal: null });
      assertLogOrder(server.output(), [/# Error trying to save the DB, can't exit\./, /# Error trying to save the DB\. Exit anyway\./, /bye bye/]);
    } finally {
      await server.stop();
    }
  });

  it('NOSAVE NOW after a pipelined command: that command is answered, then the connection closes and the process exits 0', async () => {
    const server = await spawnKeyhive();
    const c = await RawClient.connect(server.port);
    c.write('SET last words\r\nSHUTDOWN NOSAVE NOW\r\nPING\r\n');
    await c.waitClosed();
    assert.equal(c.pending, '+OK\r\n');
    assert.deepEqual(await server.exited(), { code: 0, signal: null });
  });

  describe('error replies vs redis-server', () => {
    let keyhive: RunningServer;
    let redis: ReferenceServer;
    before(async () => {
      [keyhive, redis] = await startKeyhiveAndRedis();
    });
    after(async () => {
      await Promise.all([keyhive?.close(), redis?.close()]);
    });

    for (const args of [['FOO'], ['SAVE', 'NOSAVE'], ['ABORT'], ['ABORT', 'NOW'], ['NOW', 'ABORT'], ['abort'], ['NOSAVE', 'SAVE', 'FORCE']]) {
      it(`SHUTDOWN ${args.join(' ')}`, async () => {
        const replies = await Promise.all(
          [keyhive.port, redis.port].map(async (port) => {
            const c = await RawClient.connect(port);
            try {
              return await c.callRaw('SHUTDOWN', ...args);
            } finally {
              c.close();
            }
          }),
        );
        assert.match(replies[1], /^-/, 'the reference refuses it');
        assert.equal(replies[0], replies[1]);
      });
    }

    it('SHUTDOWN inside MULTI is refused at queueing time', async () => {
      const replies = await Promise.all(
        [keyhive.port, redis.port].map(async (port) => {
          const c = await RawClient.connect(port);
          try {
            return [await c.callRaw('MULTI'), await c.callRaw('SHUTDOWN', 'NOSAVE'), await c.callRaw('EXEC')];
          } finally {
            c.close();
          }
        }),
      );
      assert.deepEqual(replies[0], replies[1]);
    });
  });
});

describe('CONFIG REWRITE', () => {
  it('writes the config file that a restart reads back', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keyhive.conf');
    fs.writeFileSync(file, '# my settings\ntimeout 3\nmaxmemory-policy noeviction\n\n# keep me\nhz 12\n');
    try {
      const first = await spawnKeyhive([], [], file);
      const c = await RawClient.connect(first.port);
      assert.equal(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'timeout', '17', 'notify-keyspace-events', 'KEA', 'save', ''), 'OK');
      assert.equal(await c.call('CONFIG', 'REWRITE'), 'OK');
      c.send('SHUTDOWN', 'NOSAVE');
      await c.waitClosed();
      assert.deepEqual(await first.exited(), { code: 0, signal: null });
      const text = fs.readFileSync(file, 'latin1');
      assert.match(text, /^# my settings\ntimeout 17\nmaxmemory-policy allkeys-lru\n\n# keep me\nhz 12\n/, 'lines rewritten in place, comments kept');

      const second = await spawnKeyhive([], [], file);
      try {
        const d = await RawClient.connect(second.port);
        for (const [name, value] of [['maxmemory-policy', 'allkeys-lru'], ['timeout', '17'], ['notify-keyspace-events', 'AKE'], ['save', ''], ['hz', '12']]) {
          assert.deepEqual(await d.call('CONFIG', 'GET', name), [name, value]);
        }
        d.close();
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('logging', () => {
  it('logfile receives the log at the level set, and CONFIG SET loglevel changes what is written', async () => {
    const dir = tempDir();
    const logfile = path.join(dir, 'keyhive.log');
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/keyhive'), '--port', String(port), '--logfile', logfile, '--loglevel', 'warning', ...DEBUG], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let c: RawClient | null = null;
      for (let tries = 0; c === null; tries++) {
        c = await RawClient.connect(port).catch(async (e) => {
          if (tries > 500) throw e;
          await new Promise((r) => setTimeout(r, 20));
          return null;
        });
      }
      assert.equal(await c.call('DEBUG', 'LOG', 'first warning'), 'OK');
      const protocolError = async () => {
        const bad = await RawClient.connect(port);
        bad.write('*1\r\n$x\r\n');
        await bad.waitClosed();
      };
      await protocolError();
      assert.equal(await c.call('CONFIG', 'SET', 'loglevel', 'verbose'), 'OK');
      await protocolError();
      assert.equal(await c.call('CONFIG', 'SET', 'loglevel', 'nothing'), 'OK');
      assert.equal(await c.call('DEBUG', 'LOG', 'silenced'), 'OK');
      assert.equal(await c.call('CONFIG', 'SET', 'loglevel', 'warning'), 'OK');
      assert.equal(await c.call('DEBUG', 'LOG', 'last warning'), 'OK');
      c.send('SHUTDOWN', 'NOSAVE');
      await c.waitClosed();
      await exited;
      const log = fs.readFileSync(logfile, 'latin1');
      const lines = log.trimEnd().split('\n');
      for (const line of lines) assert.match(line, /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] /, 'Redis\'s log line format');
      assert.doesNotMatch(log, /ready to accept connections/, 'notice lines are below warning');
      assert.equal(log.match(/Protocol error \(/g)?.length, 1, 'only the protocol error while at verbose');
      assert.doesNotMatch(log, /silenced/);
      assertLogOrder(log, [/# DEBUG LOG: first warning/, /- Protocol error \(invalid bulk length\) from client: id=\d+ addr=127\.0\.0\.1:\d+/, /# DEBUG LOG: last warning/, /bye bye/]);
      assert.equal(stdout, '', 'nothing on stdout when a logfile is set');
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a failure inside a command', () => {
  let server: KeyhiveProcess;
  before(async () => {
    server = await spawnKeyhive(DEBUG);
  });
  after(async () => {
    await server?.stop();
  });

  it('DEBUG ASSERT gets an error reply and a log line; the server and the connection go on', async () => {
    const c = await RawClient.connect(server.port);
    const bystander = await RawClient.connect(server.port);
    assert.equal(await bystander.call('SET', 'k', 'v'), 'OK');
    assert.deepEqual(await c.call('DEBUG', 'ASSERT'), new RespError("ERR internal error while running 'debug'"));
    await logShows(server, /# Error in command 'debug': Error: DEBUG ASSERT: assertion failed\n\s+at /);
    assert.equal(await c.call('PING'), 'PONG');
    assert.equal(await bystander.call('GET', 'k'), 'v');
    assert.ok(server.alive());
    c.close();
    bystander.close();
  });

  it('inside MULTI it fails that command alone', async () => {
    const c = await RawClient.connect(server.port);
    assert.equal(await c.call('MULTI'), 'OK');
    assert.equal(await c.call('SET', 'm', '1'), 'QUEUED');
    assert.equal(await c.call('DEBUG', 'ASSERT'), 'QUEUED');
    assert.equal(await c.call('INCR', 'm'), 'QUEUED');
    assert.deepEqual(await c.call('EXEC'), ['OK', new RespError("ERR internal error while running 'debug'"), 2]);
    c.close();
  });
});
