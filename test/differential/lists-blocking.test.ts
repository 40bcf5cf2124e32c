/**
 * Blocking list commands with several connections, run against Keyhive and
 * redis-server alike; each scenario's transcript of raw replies must match.
 */
import { waitBlocked } from '../support/blocked.js';
import { describeDifferential } from '../support/differential.js';
import { recordOwnEvents } from '../support/key-events.js';
import type { RawClient } from '../support/raw-client.js';

/** The id CLIENT ID gives c. */
async function clientId(c: RawClient): Promise<string> {
  return String(await c.call('CLIENT', 'ID'));
}

describeDifferential('lists: blocked clients', (t) => {
  t.scenario('three clients block, three pushes: served in arrival order', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const clients = [await connect(), await connect(), await connect()];
    out.push(await clients[2].callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    for (const [i, c] of clients.entries()) {
      c.send(i === 1 ? 'BRPOP' : 'BLPOP', 'other', 'l', '0');
      await waitBlocked(admin, i + 1);
    }
    out.push(await admin.callRaw('RPUSH', 'l', 'a'));
    out.push(await clients[0].readRaw());
    out.push(await admin.callRaw('RPUSH', 'l', 'b', 'c', 'd'));
    out.push(await clients[1].readRaw());
    out.push(await clients[2].readRaw());
    out.push(await admin.callRaw('LRANGE', 'l', '0', '-1'));
    out.push(await admin.callRaw('INFO', 'clients').then((r) => /blocked_clients:\d+/.exec(r)?.[0] ?? r));
    return out;
  });

  t.scenario('a push inside MULTI/EXEC wakes the waiter after EXEC, with what EXEC left', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BLPOP', 'l', '0');
    await waitBlocked(admin, 1);
    for (const cmd of [['MULTI'], ['RPUSH', 'l', 'a', 'b'], ['LPOP', 'l'], ['EXEC']]) out.push(await admin.callRaw(...cmd));
    out.push(await waiter.readRaw());
    waiter.send('BLPOP', 'l', '0');
    await waitBlocked(admin, 1);
    // Pushed then popped inside the transaction: nothing to serve, the waiter keeps waiting.
    for (const cmd of [['MULTI'], ['RPUSH', 'l', 'x'], ['RPOP', 'l'], ['EXEC']]) out.push(await admin.callRaw(...cmd));
    out.push(await admin.callRaw('RPUSH', 'l', 'y'));
    out.push(await waiter.readRaw());
    return out;
  });

  t.scenario('BLMOVE and RPOPLPUSH targets wake their own waiters', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const mover = await connect();
    const popper = await connect();
    const chained = await connect();
    popper.send('BLPOP', 'dst', '0');
    await waitBlocked(admin, 1);
    mover.send('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0');
    await waitBlocked(admin, 2);
    out.push(await admin.callRaw('RPUSH', 'src', '1', '2'));
    out.push(await mover.readRaw());
    out.push(await popper.readRaw());
    popper.send('BRPOPLPUSH', 'dst2', 'final', '0');
    await waitBlocked(admin, 1);
    chained.send('BLPOP', 'final', '0');
    await waitBlocked(admin, 2);
    out.push(await admin.callRaw('RPOPLPUSH', 'src', 'dst2'));
    out.push(await popper.readRaw());
    out.push(await chained.readRaw());
    out.push(await admin.callRaw('KEYS', '*'));
    return out;
  });

  t.scenario('circular and self-referential BRPOPLPUSH', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const a = await connect();
    const b = await connect();
    a.send('BRPOPLPUSH', 'l1', 'l2', '0');
    await waitBlocked(admin, 1);
    b.send('BRPOPLPUSH', 'l2', 'l1', '0');
    await waitBlocked(admin, 2);
    out.push(await admin.callRaw('RPUSH', 'l1', 'foo'));
    out.push(await a.readRaw());
    out.push(await b.readRaw());
    out.push(await admin.callRaw('LRANGE', 'l1', '0', '-1'));
    out.push(await admin.callRaw('LRANGE', 'l2', '0', '-1'));
    a.send('BRPOPLPUSH', 'self', 'self', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('RPUSH', 'self', 'x', 'y'));
    out.push(await a.readRaw());
    out.push(await admin.callRaw('LRANGE', 'self', '0', '-1'));
    return out;
  });

  t.scenario('a waited key that turns into another type keeps the waiter waiting', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('SET', 'k', 'string'));
    out.push(await admin.callRaw('DEL', 'k'));
    out.push(await admin.callRaw('SADD', 'k', 'member'));
    out.push(await admin.callRaw('HSET', 'h', 'f', 'v'));
    out.push(await admin.callRaw('RENAME', 'h', 'k'));
    out.push(await admin.callRaw('UNLINK', 'k'));
    out.push(await admin.callRaw('ZADD', 'k', '1', 'm'));
    out.push(await admin.callRaw('DEL', 'k'));
    out.push(await admin.callRaw('LPUSH', 'k', 'finally'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('EXISTS', 'k'));
    return out;
  });

  t.scenario('RENAME and MOVE onto a waited key serve the waiter', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BLPOP', 'target', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('RPUSH', 'other', 'a', 'b'));
    out.push(await admin.callRaw('RENAME', 'other', 'target'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('LRANGE', 'target', '0', '-1'));
    out.push(await admin.callRaw('DEL', 'target'));
    waiter.send('BRPOP', 'target', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('SELECT', '10'));
    out.push(await admin.callRaw('RPUSH', 'target', 'from10'));
    out.push(await admin.callRaw('MOVE', 'target', '9'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('FLUSHDB'));
    return out;
  });

  t.scenario('BRPOPLPUSH towards a key of another type: the waiter gets WRONGTYPE', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BRPOPLPUSH', 'src', 'dst', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('SET', 'dst', 'string'));
    out.push(await admin.callRaw('RPUSH', 'src', 'a', 'b'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('LRANGE', 'src', '0', '-1'));
    out.push(await waiter.callRaw('PING'));
    return out;
  });

  t.scenario('timeouts reply with the null of each protocol', async (connect) => {
    const out: string[] = [];
    const resp2 = await connect();
    const resp3 = await connect();
    out.push(await resp3.callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    for (const c of [resp2, resp3]) {
      out.push(await c.callRaw('BLPOP', 'none', '0.05'));
      out.push(await c.callRaw('BRPOPLPUSH', 'none', 'dst', '0.05'));
      out.push(await c.callRaw('BLMOVE', 'none', 'dst', 'LEFT', 'LEFT', '0.05'));
      out.push(await c.callRaw('BLMPOP', '0.05', '1', 'none', 'RIGHT'));
    }
    return out;
  });

  t.scenario('CLIENT UNBLOCK with TIMEOUT and with ERROR', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    const id = await clientId(waiter);
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id));
    waiter.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'bogus'));
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'TIMEOUT', 'extra'));
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', 'notanumber'));
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id));
    out.push(await waiter.readRaw());
    waiter.send('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'error'));
    out.push(await waiter.readRaw());
    waiter.send('BLMPOP', '0', '1', 'k', 'LEFT');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id, 'TIMEOUT'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('CLIENT', 'UNBLOCK', id));
    out.push(await admin.callRaw('RPUSH', 'k', 'left'));
    return out;
  });

  t.scenario('clients that disconnect or are killed while blocked take nothing', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const leaving = await connect();
    const staying = await connect();
    leaving.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 1);
    staying.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 2);
    const killed = await connect();
    const killedId = await clientId(killed);
    killed.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 3);
    leaving.close();
    await waitBlocked(admin, 2);
    out.push(await admin.callRaw('CLIENT', 'KILL', 'ID', killedId));
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('RPUSH', 'k', 'a', 'b'));
    out.push(await staying.readRaw());
    out.push(await admin.callRaw('LRANGE', 'k', '0', '-1'));
    return out;
  });

  t.scenario('pipelined commands after a blocking command wait their turn', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nk\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$4\r\n0.05\r\nECHO after\r\n');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('RPUSH', 'k', 'a', 'b'));
    for (let i = 0; i < 5; i++) out.push(await waiter.readRaw());
    out.push(await admin.callRaw('EXISTS', 'k'));
    return out;
  });

  t.scenario('a client blocked on several keys is served once, by the first ready key', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BLMPOP', '0', '3', 'k1', 'k2', 'k3', 'RIGHT', 'COUNT', '2');
    await waitBlocked(admin, 1);
    for (const cmd of [['MULTI'], ['RPUSH', 'k3', 'a', 'b', 'c'], ['RPUSH', 'k2', 'x'], ['EXEC']]) out.push(await admin.callRaw(...cmd));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('LRANGE', 'k3', '0', '-1'));
    out.push(await admin.callRaw('LRANGE', 'k2', '0', '-1'));
    return out;
  });

  t.scenario('SWAPDB wakes clients waiting in either database', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    waiter.send('BLPOP', 'k', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('SELECT', '10'));
    out.push(await admin.callRaw('RPUSH', 'k', 'from10'));
    out.push(await admin.callRaw('SWAPDB', '9', '10'));
    out.push(await waiter.readRaw());
    out.push(await admin.callRaw('FLUSHDB'));
    return out;
  });

  t.scenario('pushes from a blocked BRPOPLPUSH touch WATCHed keys; waiting does not', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    const watcher = await connect();
    out.push(await watcher.callRaw('WATCH', 'dst'));
    waiter.send('BRPOPLPUSH', 'src', 'dst', '0');
    await waitBlocked(admin, 1);
    for (const cmd of [['MULTI'], ['PING'], ['EXEC']]) out.push(await watcher.callRaw(...cmd));
    out.push(await watcher.callRaw('WATCH', 'dst'));
    out.push(await admin.callRaw('RPUSH', 'src', 'v'));
    out.push(await waiter.readRaw());
    for (const cmd of [['MULTI'], ['PING'], ['EXEC']]) out.push(await watcher.callRaw(...cmd));
    return out;
  });

  t.scenario('keyspace events of served pops and moves', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    const listener = await connect();
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
    try {
      out.push(await listener.callRaw('PSUBSCRIBE', '__keyevent@9__:*'));
      waiter.send('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
      await waitBlocked(admin, 1);
      out.push(await admin.callRaw('RPUSH', 'src', 'a'));
      out.push(await waiter.readRaw());
      out.push(await admin.callRaw('LTRIM', 'dst', '5', '10'));
      out.push(await admin.callRaw('RPUSH', 'l', 'a', 'b', 'a'));
      out.push(await admin.callRaw('LINSERT', 'l', 'BEFORE', 'b', 'c'));
      out.push(await admin.callRaw('LSET', 'l', '0', 'z'));
      out.push(await admin.callRaw('LREM', 'l', '0', 'a'));
      out.push(await admin.callRaw('LMPOP', '1', 'l', 'LEFT', 'COUNT', '5'));
      out.push(await admin.callRaw('LPUSHX', 'l', 'nothing'));
      for (let i = 0; i < 12; i++) out.push(await listener.readRaw());
    } finally {
      await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
    return out;
  });
});

describeDifferential('lists: own keyspace events in RESP3', (t) => {
  t.scenario('replies and event pushes interleave as in Redis', (connect) =>
    recordOwnEvents(connect, 'KEA', ['SUBSCRIBE', '__keyevent@9__:lpush', '__keyevent@9__:rpush', '__keyevent@9__:lpop', '__keyevent@9__:rpop', '__keyevent@9__:del', '__keyevent@9__:lset', '__keyevent@9__:linsert', '__keyevent@9__:lrem', '__keyevent@9__:ltrim'], [
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPUSH', 'l', 'z'],
      ['LSET', 'l', '0', 'y'],
      ['LINSERT', 'l', 'AFTER', 'a', 'x'],
      ['LREM', 'l', '1', 'x'],
      ['LMOVE', 'l', 'm', 'RIGHT', 'LEFT'],
      ['LPOP', 'l'],
      ['RPOP', 'l', '5'],
      ['LMPOP', '1', 'm', 'LEFT'],
      ['RPUSH', 't', '1'],
      ['LTRIM', 't', '1', '0'],
      ['RPUSH', 'b', '1'],
      ['BLPOP', 'b', '0'],
    ]),
  );
});
