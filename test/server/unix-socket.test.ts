/**
 * unixsocket and unixsocketperm, against redis-server started the same way:
 * the socket file's mode, how a client on it shows in CLIENT INFO and is
 * found by CLIENT KILL, and real clients (node-redis, ioredis, redis-cli)
 * served through it. The lifecycle of the socket file and of the PID file
 * in a bin/keyhive process is checked beside redis-server's too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RawClient } from '../support/raw-client.js';
import { REDIS_SERVER, freePort, startKeyhive, startRedis, waitUntilServing, type ReferenceServer } from '../support/servers.js';
import { runProcess } from '../clients/run-process.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';
import type { RunningServer } from '../../src/index.js';

/** The fields of a CLIENT INFO line. */
function clientFields(line: string): Map<string, string> {
  return new Map(line.trim().split(' ').map((pair) => pair.split('=', 2) as [string, string]));
}

/** What CLIENT INFO says of a connection to the unix socket at file, after CLIENT NO-EVICT on, with file written as <socket>. */
async function unixClientInfo(file: string): Promise<{ addr?: string; laddr?: string; flags?: string }> {
  const c = await RawClient.connectUnix(file);
  try {
    assert.equal(await c.call('CLIENT', 'NO-EVICT', 'on'), 'OK');
    const fields = clientFields(String(await c.call('CLIENT', 'INFO')).split(file).join('<socket>'));
    return { addr: fields.get('addr'), laddr: fields.get('laddr'), flags: fields.get('flags') };
  } finally {
    c.close();
  }
}

/** CLIENT KILL ADDR of a client connected to the socket at file, sent over TCP to port: its reply, and whether the victim saw its connection close. */
async function killUnixClient(port: number, file: string): Promise<{ reply: unknown; victimClosed: boolean }> {
  const victim = await RawClient.connectUnix(file);
  const killer = await RawClient.connect(port);
  try {
    assert.equal(await victim.call('PING'), 'PONG');
    const reply = await killer.call('CLIENT', 'KILL', 'ADDR', `${file}:0`);
    await new Promise<void>((resolve) => (victim.closed ? resolve() : victim.socket.once('close', () => resolve())));
    return { reply, victimClosed: victim.closed };
  } finally {
    victim.close();
    killer.close();
  }
}

describe('unix socket: unixsocket and unixsocketperm', () => {
  let dir: string;
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  let keyhiveSocket: string;
  let redisSocket: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-unix-'));
    keyhiveSocket = path.join(dir, 'keyhive.sock');
    redisSocket = path.join(dir, 'redis.sock');
    [keyhive, redis] = await Promise.all([
      startKeyhive({ config: { unixsocket: keyhiveSocket, unixsocketperm: 700 } }),
      startRedis(['--unixsocket', redisSocket, '--unixsocketperm', '700']),
    ]);
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes a socket file with the mode unixsocketperm gives', () => {
    for (const file of [keyhiveSocket, redisSocket]) {
      const stat = fs.statSync(file);
      assert.ok(stat.isSocket(), file);
      assert.equal(stat.mode & 0o777, 0o700, file);
    }
  });

  it('shows a client on the socket as Redis does: both ends the path with port 0, and flag U', async () => {
    const [ours, theirs] = await Promise.all([unixClientInfo(keyhiveSocket), unixClientInfo(redisSocket)]);
    assert.deepEqual(theirs, { addr: '<socket>:0', laddr: '<socket>:0', flags: 'Ue' });
    assert.deepEqual(ours, theirs);
    const tcp = await RawClient.connect(keyhive.port);
    try {
      assert.equal(clientFields(String(await tcp.call('CLIENT', 'INFO'))).get('flags'), 'N');
    } finally {
      tcp.close();
    }
  });

  it('finds a client on the socket by its address for CLIENT KILL', async () => {
    const [ours, theirs] = await Promise.all([killUnixClient(keyhive.port, keyhiveSocket), killUnixClient(redis.port, redisSocket)]);
    assert.deepEqual(theirs, { reply: 1, victimClosed: true });
    assert.deepEqual(ours, theirs);
  });

  it('serves node-redis, ioredis and redis-cli through the socket', async () => {
    const nodeRedis = createClient({ socket: { path: keyhiveSocket, tls: false } });
    nodeRedis.on('error', () => {});
    await nodeRedis.connect();
    const ioredis = new Redis({ path: keyhiveSocket, lazyConnect: true });
    await ioredis.connect();
    try {
      assert.equal(await nodeRedis.set('unix:key', 'from node-redis'), 'OK');
      assert.equal(await ioredis.get('unix:key'), 'from node-redis');
      assert.equal(await ioredis.incr('unix:counter'), 1);
      const cli = await runProcess('redis-cli', ['-s', keyhiveSocket, 'INCR', 'unix:counter']);
      assert.equal(cli.stdout.trim(), '2');
      assert.equal(await nodeRedis.get('unix:counter'), '2');
    } finally {
      await nodeRedis.quit();
      ioredis.disconnect();
    }
  });
});

describe('unix socket that cannot be made, embedded', () => {
  it('rejects the start with Redis\'s message and leaves the TCP port it had bound closed', async () => {
    const port = await freePort();
    await assert.rejects(startKeyhive({ port, config: { unixsocket: '/nonexistent-keyhive-dir/server.sock' } }), {
      message: 'Failed opening Unix socket: bind: No such file or directory',
    });
    await assert.rejects(RawClient.connect(port), { code: 'ECONNREFUSED' });
  });
});

/** A server process for the lifecycle test: its PID, its log so far, how it ends. */
interface ServerProcess {
  readonly serverPid: number;
  output(): string;
  exited(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts redis-server with extra args; resolves once the unix socket at file answers PING. */
async function startRedisOnSocket(file: string, args: string[]): Promise<ServerProcess> {
  const child = spawn(REDIS_SERVER, ['--port', '0', '--save', '', '--unixsocket', file, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString('latin1')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server = {
    serverPid: child.pid as number,
    output: () => log,
    exited: () => exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitUntilServing(file, 'redis-server');
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}


/** The log's messages (after the level mark) about the PID file and the unix socket, the socket's path written as <socket>. */
function fileMessages(log: string, file: string): string[] {
  return log
    .split('\n')
    .flatMap((line) => /^\d+:[A-Z] .*? [.\-*#] (.*)$/.exec(line)?.[1] ?? [])
    .filter((m) => /pid file|unix socket|connections at/i.test(m))
    .map((m) => m.split(file).join('<socket>'));
}

describe('unix socket and PID file of a server process', () => {
  it('replaces a stale file at the socket path, writes the PID file, and removes both at SHUTDOWN, as redis-server does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-pid-'));
    try {
      const runs = await Promise.all(
        (['keyhive', 'redis'] as const).map(async (name) => {
          const file = path.join(dir, `${name}.sock`);
          const pidfile = path.join(dir, `${name}.pid`);
          fs.writeFileSync(file, 'left by a server that crashed');
          const args = ['--pidfile', pidfile, '--loglevel', 'notice'];
          const server: ServerProcess = name === 'keyhive' ? await spawnKeyhive(['--unixsocket', file, ...args]) : await startRedisOnSocket(file, args);
          try {
            const pidWritten = fs.readFileSync(pidfile, 'latin1');
            const c = await RawClient.connectUnix(file);
            await c.call('SHUTDOWN', 'NOSAVE').catch(() => null);
            c.close();
            await server.exited();
            return { pidWritten, pid: server.serverPid, left: [fs.existsSync(file), fs.existsSync(pidfile)], messages: fileMessages(server.output(), file) };
          } finally {
            await server.stop();
          }
        }),
      );
      const [ours, theirs] = runs;
      assert.equal(theirs.pidWritten, `${theirs.pid}\n`);
      assert.equal(ours.pidWritten, `${ours.pid}\n`);
      assert.deepEqual(theirs.left, [false, false]);
      assert.deepEqual(ours.left, theirs.left);
      assert.deepEqual(theirs.messages, ['The server is now ready to accept connections at <socket>', 'Removing the pid file.', 'Removing the unix socket file.']);
      assert.deepEqual(ours.messages, theirs.messages);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
