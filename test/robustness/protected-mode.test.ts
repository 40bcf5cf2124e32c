/**
 * Protected mode, side by side with redis-server. Redis 7.0 counts only
 * 127.0.0.1 and ::1 as local, so a connection from 127.0.0.2 (which Linux
 * routes over the loopback device) is a real "remote" client for both
 * servers. A second suite reaches the servers across a veth pair from a
 * network namespace made for the test (needs root; skipped otherwise).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { RawClient } from '../support/raw-client.js';
import { type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import { runProcess } from '../clients/run-process.js';
import type { RunningServer } from '../../src/index.js';

/** Sends bytes from localAddress and returns all the server sent until it closed the connection, or what came before `enough` matched. */
function exchange(port: number, localAddress: string, bytes: string, enough: RegExp): Promise<{ received: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.createConnection({ host: '127.0.0.1', port, localAddress }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer after ${JSON.stringify(received)}`));
    }, 10000);
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (enough.test(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ received, closedByServer: false });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closedByServer: true });
    });
  });
}

async function configSet(port: number, ...args: string[]): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    assert.equal(await c.call('CONFIG', 'SET', ...args), 'OK');
  } finally {
    c.close();
  }
}

async function rejectedConnections(port: number): Promise<number> {
  const c = await RawClient.connect(port);
  try {
    return Number(/rejected_connections:(\d+)/.exec(String(await c.call('INFO', 'stats')))?.[1]);
  } finally {
    c.close();
  }
}

describe('protected mode vs redis-server, from 127.0.0.2', () => {
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  const ports = () => [keyhive.port, redis.port];
  before(async () => {
    [keyhive, redis] = await startKeyhiveAndRedis();
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
  });

  it('refuses a non-loopback client with the same DENIED text, then closes', async () => {
    const before = await rejectedConnections(keyhive.port);
    const [ours, theirs] = await Promise.all(ports().map((p) => exchange(p, '127.0.0.2', 'PING\r\n', /PONG/)));
    assert.match(theirs.received, /^-DENIED Redis is running in protected mode /, 'the reference refuses it');
    assert.equal(JSON.stringify(ours.received), JSON.stringify(theirs.received));
    assert.ok(ours.closedByServer);
    assert.equal(await rejectedConnections(keyhive.port), before + 1);
  });

  it('lets 127.0.0.1 in', async () => {
    for (const port of ports()) assert.equal((await exchange(port, '127.0.0.1', 'PING\r\n', /PONG/)).received, '+PONG\r\n');
  });

  it('lets everyone in once protected-mode is no, and refuses again when it is back', async () => {
    for (const port of ports()) await configSet(port, 'protected-mode', 'no');
    for (const port of ports()) assert.equal((await exchange(port, '127.0.0.2', 'PING\r\n', /PONG/)).received, '+PONG\r\n');
    for (const port of ports()) await configSet(port, 'protected-mode', 'yes');
    const [ours, theirs] = await Promise.all(ports().map((p) => exchange(p, '127.0.0.2', 'PING\r\n', /PONG/)));
    assert.equal(ours.received, theirs.received);
    assert.match(ours.received, /^-DENIED/);
  });

  it('does not apply once the default user has a password: the client must authenticate instead', async () => {
    for (const port of ports()) await configSet(port, 'requirepass', 'secret');
    try {
      const [ours, theirs] = await Promise.all(ports().map((p) => exchange(p, '127.0.0.2', 'PING\r\nAUTH secret\r\nPING\r\n', /PONG/)));
      assert.equal(theirs.received, '-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n');
      assert.equal(ours.received, theirs.received);
    } finally {
      for (const port of ports()) {
        const c = await RawClient.connect(port);
        await c.call('AUTH', 'secret');
        await c.call('CONFIG', 'SET', 'requirepass', '');
        c.close();
      }
    }
  });
});

/** ip(8) as root, throwing on failure. */
function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

/** A network namespace joined to this one by a veth pair: HOST_ADDRESS here, the namespace's own address there. */
const HOST_ADDRESS = '10.213.13.1';
const NS_ADDRESS = '10.213.13.2';

function createNamespace(name: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    ip('netns', 'add', name);
  } catch {
    return false;
  }
  const [hostEnd, nsEnd] = [`${name}a`, `${name}b`];
  ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd);
  ip('link', 'set', nsEnd, 'netns', name);
  ip('addr', 'add', `${HOST_ADDRESS}/30`, 'dev', hostEnd);
  ip('link', 'set', hostEnd, 'up');
  ip('netns', 'exec', name, 'ip', 'addr', 'add', `${NS_ADDRESS}/30`, 'dev', nsEnd);
  ip('netns', 'exec', name, 'ip', 'link', 'set', nsEnd, 'up');
  return true;
}

/** A client inside the namespace: sends PING and prints what came back until the server closed or answered. */
const NS_CLIENT = `
const socket = require('net').createConnection({ host: process.argv[1], port: Number(process.argv[2]) }, () => socket.write('PING\\r\\n'));
let received = '';
socket.on('data', (d) => { received += d.toString('latin1'); if (received.includes('PONG')) socket.destroy(); });
socket.on('close', () => process.stdout.write(received));
socket.on('error', (e) => process.stderr.write(e.message));
`;

describe('protected mode across a veth pair from a network namespace', () => {
  const namespace = `kh${process.pid % 100000}`;
  let created = false;
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  before(async () => {
    created = createNamespace(namespace);
    if (!created) return;
    const bind = `127.0.0.1 ${HOST_ADDRESS}`;
    [keyhive, redis] = await startKeyhiveAndRedis({ bind }, ['--bind', bind]);
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
    // Deleting the namespace deletes the veth pair with it.
    if (created) ip('netns', 'del', namespace);
  });

  const fromNamespace = (port: number) => runProcess('ip', ['netns', 'exec', namespace, process.execPath, '-e', NS_CLIENT, HOST_ADDRESS, String(port)]);

  it('refuses a client on another network as redis-server does, until protected-mode is off', async (t) => {
    if (!created) {
      t.skip('needs root and ip netns');
      return;
    }
    const [ours, theirs] = await Promise.all([fromNamespace(keyhive.port), fromNamespace(redis.port)]);
    assert.match(theirs.stdout, /^-DENIED Redis is running in protected mode/, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout, ours.stderr);
    await configSet(keyhive.port, 'protected-mode', 'no');
    assert.equal((await fromNamespace(keyhive.port)).stdout, '+PONG\r\n');
  });
});
