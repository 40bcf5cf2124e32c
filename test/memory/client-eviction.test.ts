/**
 * Client eviction (maxmemory-clients) beside redis-server: the client
 * holding most is closed once all clients' buffers reach the limit, no more
 * than needed, and never one with CLIENT NO-EVICT on; INFO counts them.
 */
import assert from 'node:assert/strict';
import type { RawClient } from '../support/raw-client.js';
import { describeDifferential, type Connect } from '../support/differential.js';

/** The start of a SET whose 2,000,000-byte value has 1,500,000 bytes sent: a client holding 1.5 MB of query buffer. */
const PARTIAL_SET = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n${'x'.repeat(1_500_000)}`;
const REST_OF_SET = `${'x'.repeat(500_000)}\r\n`;

/** Whether the server closes c within ms. */
function closedWithin(c: RawClient, ms: number): Promise<boolean> {
  if (c.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    c.socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function evictedClients(c: RawClient): Promise<string> {
  return /evicted_clients:(\d+)/.exec(String(await c.call('INFO', 'stats')))?.[1] ?? 'missing';
}

/** Evicts the client with a large query buffer and only it; returns what each step saw. */
async function evictsTheLargest(connect: Connect): Promise<string[]> {
  const [admin, keeper, bystander, victim] = [await connect(), await connect(), await connect(), await connect()];
  const seen = [`config: ${await admin.call('CONFIG', 'SET', 'maxmemory-clients', '1mb')}`];
  seen.push(`no-evict: ${await keeper.call('CLIENT', 'NO-EVICT', 'on')}`, `bystander: ${await bystander.call('PING')}`);
  victim.write(PARTIAL_SET);
  seen.push(`victim closed: ${await closedWithin(victim, 5000)}`);
  seen.push(`bystander: ${await bystander.call('PING')}`, `keeper: ${await keeper.call('PING')}`);
  seen.push(`evicted_clients: ${await evictedClients(admin)}`);
  assert.deepEqual(seen.slice(3), ['victim closed: true', 'bystander: PONG', 'keeper: PONG', 'evicted_clients: 1']);
  return seen;
}

/** A client with CLIENT NO-EVICT on holding more than the limit is spared; the evictable clients go, however small. */
async function sparesNoEvict(connect: Connect): Promise<string[]> {
  const [keeper, bystander] = [await connect(), await connect()];
  const seen = [`config: ${await keeper.call('CONFIG', 'SET', 'maxmemory-clients', '1mb')}`];
  seen.push(`no-evict: ${await keeper.call('CLIENT', 'NO-EVICT', 'on')}`, `bystander: ${await bystander.call('PING')}`);
  keeper.write(PARTIAL_SET);
  seen.push(`bystander closed: ${await closedWithin(bystander, 5000)}`);
  keeper.write(REST_OF_SET);
  seen.push(`keeper's SET: ${await keeper.read()}`, `evicted_clients: ${await evictedClients(keeper)}`);
  seen.push(`limit off: ${await keeper.call('CONFIG', 'SET', 'maxmemory-clients', '0')}`);
  assert.deepEqual(seen.slice(3, 5), ['bystander closed: true', "keeper's SET: OK"]);
  return seen;
}

/** maxmemory-clients as a percentage of maxmemory: 7% of 6 MB is 440,401 bytes, which a 500,000-byte query buffer passes. */
async function percentageOfMaxmemory(connect: Connect): Promise<string[]> {
  const [admin, victim] = [await connect(), await connect()];
  const seen = [`config: ${await admin.call('CONFIG', 'SET', 'maxmemory', '6mb', 'maxmemory-clients', '7%')}`];
  seen.push(`victim: ${await victim.call('PING')}`);
  victim.write(`*1\r\n$600000\r\n${'v'.repeat(500_000)}`);
  seen.push(`victim closed: ${await closedWithin(victim, 5000)}`, `admin: ${await admin.call('PING')}`);
  seen.push(`restored: ${await admin.call('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-clients', '0')}`);
  assert.deepEqual(seen.slice(2, 4), ['victim closed: true', 'admin: PONG']);
  return seen;
}

/**
 * A client closed for its output buffer limit frees what it held: the client
 * with a large query buffer, under maxmemory-clients only without that
 * output, stays (Redis's "avoid client eviction when client is freed by
 * output buffer limit").
 */
async function outputLimitFreesFirst(connect: Connect): Promise<string[]> {
  const [admin, holder, reader] = [await connect(), await connect(), await connect()];
  const seen = [`config: ${await admin.call('CONFIG', 'SET', 'maxmemory-clients', '10mb', 'client-output-buffer-limit', 'normal 3mb 0 0')}`];
  seen.push(`value: ${await admin.call('SETRANGE', 'big', String(4 * 1024 * 1024), 'v')}`);
  holder.write(`*1\r\n$6291456\r\n${'v'.repeat(6_291_456)}`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  reader.send('GET', 'big');
  seen.push(`reader closed: ${await closedWithin(reader, 5000)}`, `holder closed: ${await closedWithin(holder, 300)}`);
  seen.push(`evicted_clients: ${await evictedClients(admin)}`);
  seen.push(`restored: ${await admin.call('CONFIG', 'SET', 'maxmemory-clients', '0', 'client-output-buffer-limit', 'normal 0 0 0')}`);
  assert.deepEqual(seen.slice(2, 4), ['reader closed: true', 'holder closed: false']);
  return seen;
}

/** Tracking prefixes count too: adding BCAST prefixes, 100 a pipeline, a client passes 200,000 bytes and is evicted. */
async function trackingPrefixes(connect: Connect): Promise<string[]> {
  const [admin, tracker] = [await connect(), await connect()];
  const seen = [`config: ${await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200000')}`];
  let sent = 0;
  while (!tracker.closed && sent < 20_000) {
    for (let i = 0; i < 100; i++, sent++) tracker.send('CLIENT', 'TRACKING', 'on', 'PREFIX', String(sent).padStart(12, '0'), 'BCAST');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  seen.push(`evicted before 20,000 prefixes: ${await closedWithin(tracker, 5000)}`, `admin: ${await admin.call('PING')}`);
  seen.push(`restored: ${await admin.call('CONFIG', 'SET', 'maxmemory-clients', '0')}`);
  assert.deepEqual(seen.slice(1, 3), ['evicted before 20,000 prefixes: true', 'admin: PONG']);
  return seen;
}

describeDifferential('client eviction (maxmemory-clients)', (t) => {
  t.scenario('closes the client holding most, and only as many as needed', evictsTheLargest);
  t.scenario('takes a percentage as of maxmemory', percentageOfMaxmemory);
  t.scenario('counts nothing more for a client closed for its output buffer limit', outputLimitFreesFirst);
  t.scenario('never closes a client with CLIENT NO-EVICT on', sparesNoEvict);
  t.scenario('counts tracking prefixes', trackingPrefixes);
});
