/**
 * Client-side caching against redis-server: CLIENT TRACKING's errors and
 * modes, and the invalidation messages themselves (pushes, redirection to a
 * RESP2 subscriber, broadcasting), byte for byte. Each scenario ends its steps
 * with a PING on the tracking connections, so a message Redis sends and
 * Keyhive does not (or the other way round) shows up in the transcript.
 */
import { describeDifferential, type Connect } from '../support/differential.js';
import type { RawClient } from '../support/raw-client.js';
import { encodeCommand } from '../support/resp.js';

const PONG_REPLIES = ['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n'];

/** Reads everything c was sent up to the reply of a PING sent now: messages show up in order, and nothing is left unread. */
async function upToPing(c: RawClient): Promise<string[]> {
  c.send('PING');
  const out: string[] = [];
  for (;;) {
    const reply = await c.readRaw();
    if (PONG_REPLIES.includes(reply)) return out;
    out.push(reply);
  }
}

/** A client ID differs between the two servers: transcripts show it as <id>. */
function hideId(text: string, id: number): string {
  return text.split(`:${id}\r\n`).join(':<id>\r\n');
}

async function clientId(c: RawClient): Promise<number> {
  return Number((await c.callRaw('CLIENT', 'ID')).slice(1, -2));
}

/** A RESP2 connection subscribed to __redis__:invalidate, the target of REDIRECT for RESP2 clients. */
async function invalidationListener(connect: Connect): Promise<{ c: RawClient; id: number }> {
  const c = await connect();
  const id = await clientId(c);
  await c.callRaw('SUBSCRIBE', '__redis__:invalidate');
  return { c, id };
}

async function resp3(connect: Connect): Promise<RawClient> {
  const c = await connect();
  await c.callRaw('HELLO', '3');
  return c;
}

describeDifferential('client-side caching', (t) => {
  t.sequence('COMMAND INFO of the caching subcommands', [['COMMAND', 'INFO', 'client|tracking', 'client|caching', 'client|getredir', 'client|trackinginfo']]);

  t.sequence('CLIENT TRACKING errors', [
    ['CLIENT', 'TRACKING'],
    ['CLIENT', 'TRACKING', 'maybe'],
    ['CLIENT', 'TRACKING', 'on', 'nope'],
    ['CLIENT', 'TRACKING', 'off', 'nope'],
    ['CLIENT', 'TRACKING', 'on', 'REDIRECT'],
    ['CLIENT', 'TRACKING', 'on', 'PREFIX'],
    ['CLIENT', 'TRACKING', 'on', 'REDIRECT', 'abc'],
    ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '999999'],
    ['CLIENT', 'TRACKING', 'on', 'REDIRECT', '0'],
    ['CLIENT', 'TRACKING', 'on', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTIN'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'OPTOUT'],
    ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'OPTOUT'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'x'],
    ['CLIENT', 'TRACKING', 'maybe', 'BCAST'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKINGINFO', 'x'],
    ['CLIENT', 'GETREDIR'],
    ['CLIENT', 'GETREDIR', 'x'],
    ['CLIENT', 'CACHING', 'yes'],
    ['CLIENT', 'CACHING'],
    ['CLIENT', 'CACHING', 'yes', 'no'],
  ]);

  t.sequence('CLIENT TRACKING modes, CACHING and TRACKINGINFO', [
    ['CLIENT', 'TRACKING', 'on'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'GETREDIR'],
    ['CLIENT', 'CACHING', 'yes'],
    ['CLIENT', 'CACHING', 'no'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST'],
    ['CLIENT', 'TRACKING', 'on', 'OPTIN', 'NOLOOP'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'CACHING', 'no'],
    ['CLIENT', 'CACHING', 'maybe'],
    ['CLIENT', 'CACHING', 'YES'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKING', 'on', 'OPTOUT'],
    ['CLIENT', 'TRACKING', 'off'],
    ['CLIENT', 'TRACKING', 'off'],
    ['CLIENT', 'GETREDIR'],
    ['CLIENT', 'TRACKING', 'on', 'OPTOUT'],
    ['CLIENT', 'CACHING', 'yes'],
    ['CLIENT', 'CACHING', 'no'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKING', 'off'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ab'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c', 'NOLOOP'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKING', 'on'],
    ['CLIENT', 'TRACKING', 'off'],
    ['CLIENT', 'TRACKING', 'on', 'BCAST'],
    ['CLIENT', 'TRACKINGINFO'],
    ['RESET'],
    ['CLIENT', 'TRACKINGINFO'],
  ]);

  t.scenario('RESP3: reads are remembered, invalidated once per change', async (connect) => {
    const out: string[] = [];
    const tracker = await resp3(connect);
    const writer = await connect();
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on'));
    await writer.callRaw('MSET', 'a', '1', 'b', '2', 'h', 'x');
    await writer.callRaw('HSET', 'hash', 'f', 'v');
    for (const cmd of [['GET', 'a'], ['MGET', 'b', 'missing'], ['HGET', 'hash', 'f'], ['STRLEN', 'h'], ['EXISTS', 'a']]) out.push(await tracker.callRaw(...cmd));
    // Writes by another client: one message per key, then the key is forgotten.
    for (const cmd of [['SET', 'a', '10'], ['INCR', 'a'], ['DEL', 'b', 'missing'], ['HDEL', 'hash', 'f'], ['APPEND', 'h', 'y'], ['SET', 'untracked', '1']]) {
      out.push(await writer.callRaw(...cmd));
    }
    out.push(...(await upToPing(tracker)));
    // A write command does not remember what it reads.
    out.push(await tracker.callRaw('INCR', 'counter'));
    out.push(await writer.callRaw('INCR', 'counter'));
    out.push(...(await upToPing(tracker)));
    return out;
  });

  t.scenario('RESP3: own changes are invalidated after the reply, not at all with NOLOOP', async (connect) => {
    const out: string[] = [];
    const c = await resp3(connect);
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on'));
    await c.callRaw('MSET', 'x', '1', 'y', '2');
    out.push(await c.callRaw('MGET', 'x', 'y'));
    // The reply of MSET comes first, then the invalidations of both keys.
    c.send('MSET', 'x', '3', 'y', '4');
    out.push(...(await upToPing(c)));
    out.push(await c.callRaw('GET', 'x'));
    for (const cmd of [['MULTI'], ['INCR', 'x'], ['GET', 'y'], ['EXEC']]) c.send(...cmd);
    out.push(...(await upToPing(c)));
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on', 'NOLOOP'));
    out.push(await c.callRaw('GET', 'x'));
    out.push(await c.callRaw('SET', 'x', '5'));
    out.push(...(await upToPing(c)));
    return out;
  });

  t.scenario('RESP3: reads and own writes of one key in one pipeline, sent in a single write', async (connect) => {
    const out: string[] = [];
    const c = await resp3(connect);
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on'));
    out.push(await c.callRaw('SET', 'x', '1'));
    // GET and INCR are fast commands, timed together as a run (see call() in dispatch.ts); each GET is remembered at once, so each INCR invalidates.
    c.write(Buffer.concat([['GET', 'x'], ['INCR', 'x'], ['GET', 'x'], ['INCR', 'x'], ['INCR', 'x']].map((cmd) => encodeCommand(cmd))));
    out.push(...(await upToPing(c)));
    return out;
  });

  t.scenario('flushes invalidate everything with a null, SWAPDB invalidates nothing', async (connect) => {
    const out: string[] = [];
    const c = await resp3(connect);
    const other = await connect();
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on'));
    out.push(await c.callRaw('GET', 'k'));
    out.push(await other.callRaw('FLUSHALL'));
    out.push(...(await upToPing(c)));
    out.push(await other.callRaw('FLUSHDB', 'ASYNC'));
    out.push(await other.callRaw('SWAPDB', '9', '10'));
    out.push(await other.callRaw('SWAPDB', '9', '10'));
    out.push(...(await upToPing(c)));
    // Own flush inside a transaction: after EXEC's reply.
    for (const cmd of [['MULTI'], ['FLUSHDB'], ['EXEC']]) c.send(...cmd);
    out.push(...(await upToPing(c)));
    // The table starts over: a key read before the flush is not invalidated again.
    out.push(await other.callRaw('SET', 'k', 'v'));
    out.push(...(await upToPing(c)));
    return out;
  });

  t.scenario('RESP2 redirection to a subscriber of __redis__:invalidate', async (connect) => {
    const out: string[] = [];
    const listener = await invalidationListener(connect);
    const tracker = await connect();
    const writer = await connect();
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(listener.id)));
    out.push(hideId(await tracker.callRaw('CLIENT', 'GETREDIR'), listener.id));
    out.push(hideId(await tracker.callRaw('CLIENT', 'TRACKINGINFO'), listener.id));
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(listener.id), 'REDIRECT', String(listener.id)));
    out.push(await tracker.callRaw('GET', 'k'));
    out.push(await writer.callRaw('SET', 'k', 'v'));
    out.push(await tracker.callRaw('GET', 'k'));
    // The tracker itself changes the key: the message still goes to the listener.
    out.push(await tracker.callRaw('SET', 'k', 'w'));
    out.push(await writer.callRaw('FLUSHDB'));
    out.push(...(await upToPing(listener.c)));
    out.push(...(await upToPing(tracker)));
    return out;
  });

  t.scenario('redirection to a RESP3 client, and to a RESP2 client not subscribed', async (connect) => {
    const out: string[] = [];
    const receiver3 = await resp3(connect);
    const receiver2 = await connect();
    const tracker = await connect();
    const writer = await connect();
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(await clientId(receiver3))));
    out.push(await tracker.callRaw('GET', 'k'));
    out.push(await writer.callRaw('SET', 'k', 'v'));
    // The RESP2 tracker's "everything" null is $-1, even when a RESP3 client receives it.
    out.push(await writer.callRaw('FLUSHALL'));
    out.push(...(await upToPing(receiver3)));
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(await clientId(receiver2))));
    out.push(await tracker.callRaw('GET', 'k'));
    out.push(await writer.callRaw('SET', 'k', 'w'));
    out.push(...(await upToPing(receiver2)));
    out.push(...(await upToPing(tracker)));
    return out;
  });

  t.scenario('a redirect client that goes away: tracking-redir-broken', async (connect) => {
    const out: string[] = [];
    const listener = await invalidationListener(connect);
    const tracker = await resp3(connect);
    const writer = await connect();
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(listener.id)));
    out.push(await tracker.callRaw('GET', 'k'));
    out.push(await listener.c.callRaw('QUIT'));
    await listener.c.waitClosed();
    out.push(await writer.callRaw('SET', 'k', 'v'));
    out.push(...(await upToPing(tracker)).map((r) => hideId(r, listener.id)));
    out.push(hideId(await tracker.callRaw('CLIENT', 'TRACKINGINFO'), listener.id));
    // Broken or not, pushes get through CLIENT REPLY OFF.
    out.push(await tracker.callRaw('GET', 'k'));
    tracker.send('CLIENT', 'REPLY', 'OFF');
    out.push(await writer.callRaw('SET', 'k', 'w'));
    out.push(hideId(await tracker.readRaw(), listener.id));
    out.push(await tracker.callRaw('CLIENT', 'REPLY', 'ON'));
    out.push(...(await upToPing(tracker)));
    return out;
  });

  t.scenario('pushes get through CLIENT REPLY OFF', async (connect) => {
    const out: string[] = [];
    const tracker = await resp3(connect);
    const writer = await connect();
    out.push(await tracker.callRaw('CLIENT', 'TRACKING', 'on'));
    out.push(await tracker.callRaw('GET', 'foo'));
    tracker.send('CLIENT', 'REPLY', 'OFF');
    out.push(await writer.callRaw('SET', 'foo', 'bar'));
    out.push(await tracker.readRaw());
    out.push(await tracker.callRaw('CLIENT', 'REPLY', 'ON'));
    out.push(...(await upToPing(tracker)));
    return out;
  });

  t.scenario('OPTIN and OPTOUT with CLIENT CACHING', async (connect) => {
    const out: string[] = [];
    const c = await resp3(connect);
    const writer = await connect();
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on', 'OPTIN'));
    out.push(await c.callRaw('GET', 'not-cached'));
    out.push(await c.callRaw('CLIENT', 'CACHING', 'yes'));
    out.push(await c.callRaw('GET', 'cached'));
    out.push(await c.callRaw('GET', 'after'));
    // CACHING covers a whole transaction, and survives other CLIENT subcommands.
    out.push(await c.callRaw('CLIENT', 'CACHING', 'yes'));
    out.push(await c.callRaw('CLIENT', 'GETREDIR'));
    for (const cmd of [['MULTI'], ['GET', 'in-multi-1'], ['GET', 'in-multi-2'], ['EXEC']]) out.push(await c.callRaw(...cmd));
    out.push(await writer.callRaw('MSET', 'not-cached', '1', 'cached', '1', 'after', '1', 'in-multi-1', '1', 'in-multi-2', '1'));
    out.push(...(await upToPing(c)));
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'off'));
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on', 'OPTOUT'));
    out.push(await c.callRaw('GET', 'cached'));
    out.push(await c.callRaw('CLIENT', 'CACHING', 'no'));
    out.push(await c.callRaw('GET', 'not-cached'));
    out.push(await writer.callRaw('MSET', 'not-cached', '2', 'cached', '2'));
    out.push(...(await upToPing(c)));
    return out;
  });

  t.scenario('BCAST: every change under a prefix, keys in byte order, NOLOOP leaves out own changes', async (connect) => {
    const out: string[] = [];
    const all = await resp3(connect);
    const prefixed = await resp3(connect);
    const noloop = await resp3(connect);
    const writer = await connect();
    out.push(await all.callRaw('CLIENT', 'TRACKING', 'on', 'BCAST'));
    out.push(await prefixed.callRaw('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:'));
    out.push(await noloop.callRaw('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'NOLOOP'));
    out.push(await writer.callRaw('MSET', 'user:2', 'a', 'user:10', 'b', 'other', 'c', 'obj:1', 'd'));
    out.push(...(await upToPing(all)));
    out.push(...(await upToPing(prefixed)));
    out.push(...(await upToPing(noloop)));
    out.push(await noloop.callRaw('MSET', 'user:1', 'x', 'user:3', 'y'));
    out.push(await writer.callRaw('SET', 'user:3', 'z'));
    out.push(await noloop.callRaw('SET', 'user:4', 'w'));
    out.push(...(await upToPing(noloop)));
    out.push(...(await upToPing(prefixed)));
    out.push(await prefixed.callRaw('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'new:'));
    out.push(await writer.callRaw('SET', 'new:1', 'x'));
    out.push(...(await upToPing(prefixed)));
    return out;
  });

  t.scenario('expired keys are invalidated, lazily or by the active cycle', async (connect) => {
    const out: string[] = [];
    const c = await resp3(connect);
    const writer = await connect();
    out.push(await writer.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0'));
    out.push(await c.callRaw('CLIENT', 'TRACKING', 'on'));
    out.push(await writer.callRaw('MSET', 'x', '1', 'y', '2'));
    out.push(await c.callRaw('MGET', 'x', 'y'));
    // Deadlines of 100 ms: long enough that the reads before them finish first even on a loaded machine (1 ms failed about half the runs of this test alone).
    out.push(await writer.callRaw('PEXPIRE', 'y', '100'));
    out.push(...(await upToPing(c)));
    out.push(await c.callRaw('GET', 'y'));
    await new Promise((r) => setTimeout(r, 150));
    // The lazy expiry during the tracker's own MGET: invalidated after the reply.
    c.send('MGET', 'x', 'y');
    out.push(...(await upToPing(c)));
    out.push(await writer.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    out.push(await c.callRaw('GET', 'z'));
    out.push(await writer.callRaw('SET', 'z', 'v', 'PX', '100'));
    out.push(await c.callRaw('GET', 'z'));
    // The active cycle finds it: the message arrives on its own.
    out.push(await c.readRaw());
    out.push(...(await upToPing(c)));
    return out;
  });

  t.scenario('a served BLMOVE hears about its destination after its reply', async (connect) => {
    const out: string[] = [];
    const blocked = await resp3(connect);
    const pusher = await connect();
    out.push(await pusher.callRaw('RPUSH', 'dst', 'a'));
    out.push(await blocked.callRaw('CLIENT', 'TRACKING', 'on'));
    out.push(await blocked.callRaw('LRANGE', 'dst', '0', '-1'));
    blocked.send('BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    for (;;) {
      const info = await pusher.callRaw('INFO', 'clients');
      if (info.includes('blocked_clients:1')) break;
    }
    out.push(await pusher.callRaw('RPUSH', 'src', 'foo'));
    out.push(...(await upToPing(blocked)));
    return out;
  });
});
