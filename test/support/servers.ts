/**
 * Servers for tests: an embedded Keyhive on a free port, and Debian's
 * redis-server (the reference) on a free port for differential tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type StartOptions, type RunningServer } from '../../src/index.js';
import { after, before } from 'node:test';
import { RawClient } from './raw-client.js';

/** An embedded Keyhive; like startRedis's server it allows DEBUG. */
export async function startKeyhive(options: StartOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, loglevel: 'nothing', ...options, config: { 'enable-debug-command': 'yes', ...options.config } });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export function haveRedisServer(): boolean {
  return fs.existsSync(REDIS_SERVER);
}

export interface ReferenceServer {
  port: number;
  process: ChildProcess;
  close(): Promise<void>;
}

/**
 * Resolves once a server on port (a number, or a unix socket's path) answers
 * PING; any reply (PONG, or NOAUTH when started with a password) means it is serving.
 */
export async function waitUntilServing(port: number | string, name: string): Promise<void> {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const c = typeof port === 'number' ? await RawClient.connect(port) : await RawClient.connectUnix(port);
      await c.call('PING');
      c.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${name} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts redis-server with no persistence on a free port; extra args are redis-server flags. */
export async function startRedis(extraArgs: string[] = []): Promise<ReferenceServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-ref-'));
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitUntilServing(port, 'redis-server');
  return {
    port,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGKILL');
      }),
  };
}

/**
 * Keyhive and redis-server started side by side. If either cannot start, the
 * other is stopped before the error is thrown: a server left running would
 * keep the test process from ever exiting.
 */
export async function startKeyhiveAndRedis(options: StartOptions = {}, redisArgs: string[] = []): Promise<[RunningServer, ReferenceServer]> {
  const [keyhive, redis] = await Promise.allSettled([startKeyhive(options), startRedis(redisArgs)]);
  if (keyhive.status === 'fulfilled' && redis.status === 'fulfilled') return [keyhive.value, redis.value];
  if (keyhive.status === 'fulfilled') await keyhive.value.close();
  if (redis.status === 'fulfilled') await redis.value.close();
  throw keyhive.status === 'rejected' ? keyhive.reason : (redis as PromiseRejectedResult).reason;
}

/**
 * For a describe block: redis-server (with extraArgs) started before its
 * tests and stopped after them, and a connection to it, set up by setup;
 * returns the connection's getter.
 */
export function redisClientForSuite(extraArgs: string[] = [], setup?: (client: RawClient) => Promise<void>): () => RawClient {
  let redis: ReferenceServer | undefined;
  let client: RawClient | undefined;
  before(async () => {
    redis = await startRedis(extraArgs);
    client = await RawClient.connect(redis.port);
    await setup?.(client);
  });
  after(async () => {
    client?.close();
    await redis?.close();
  });
  return () => client as RawClient;
}
