/**
 * The STORE forms of every family writing over a destination whose deadline
 * has passed (active expiry off, so only the command can notice): Redis's
 * setKey expires it first, an 'expired' event before the command's own,
 * while an empty result deletes it with a plain 'del'. A subscriber records
 * the __keyevent@9__ messages of both servers; a RESP3 client subscribed to
 * its own events also sees where they fall around each reply.
 */
import { describeDifferential } from '../support/differential.js';
import { recordKeyEvents } from '../support/key-events.js';
import type { RawClient } from '../support/raw-client.js';

const SOURCES: string[][] = [
  ['SADD', 's', 'a', 'b'],
  ['SADD', 't', 'c'],
  ['ZADD', 'z', '1', 'a', '2', 'b'],
  ['RPUSH', 'l', '3', '1', '2'],
  ['SET', 'bits', 'x'],
  ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo'],
];

/** Stores that produce a result, then stores whose result is empty. */
const STORES: string[][] = [
  ['SINTERSTORE', 'dst', 's'],
  ['SUNIONSTORE', 'dst', 's'],
  ['SDIFFSTORE', 'dst', 's'],
  ['ZUNIONSTORE', 'dst', '1', 'z'],
  ['ZINTERSTORE', 'dst', '1', 'z'],
  ['ZDIFFSTORE', 'dst', '1', 'z'],
  ['ZRANGESTORE', 'dst', 'z', '0', '-1'],
  ['SORT', 'l', 'STORE', 'dst'],
  ['BITOP', 'NOT', 'dst', 'bits'],
  ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '13', '38', 'BYRADIUS', '200', 'km'],
  ['SINTERSTORE', 'dst', 'missing'],
  ['SINTERSTORE', 'dst', 's', 't'],
  ['SDIFFSTORE', 'dst', 's', 's'],
  ['ZINTERSTORE', 'dst', '2', 'z', 'missing'],
  ['ZUNIONSTORE', 'dst', '1', 'missing'],
  ['ZRANGESTORE', 'dst', 'missing', '0', '-1'],
  ['SORT', 'missing', 'STORE', 'dst'],
  ['BITOP', 'NOT', 'dst', 'missing'],
];

/** Reads messages up to and including the next one that is no push. */
async function untilReply(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const message = await c.readRaw();
    out.push(message);
    if (!message.startsWith('>')) return out;
  }
}

describeDifferential('STORE forms over a stale destination', (t) => {
  t.scenario('the stale destination is expired before it is replaced, deleted when the result is empty', async (connect) => {
    const admin = await connect();
    const out = [await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0')];
    for (const command of SOURCES) out.push(await admin.callRaw(...command));
    out.push(
      ...(await recordKeyEvents(connect, 'KEA', '__keyevent@9__:*', async (driver) => {
        const replies: string[] = [];
        for (const command of STORES) {
          replies.push(await driver.callRaw('SET', 'dst', 'old', 'PX', '1'));
          await new Promise((r) => setTimeout(r, 20));
          replies.push(await driver.callRaw(...command));
        }
        return replies;
      })),
    );
    out.push(await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    return out;
  });

  t.scenario('a RESP3 client subscribed to its own events: write, reply, event', async (connect) => {
    const out: string[] = [];
    const c = await connect();
    // HELLO's reply names the server's version and the client's id: not compared.
    await c.callRaw('HELLO', '3');
    out.push(await c.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0'));
    for (const command of SOURCES) out.push(await c.callRaw(...command));
    out.push(await c.callRaw('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
    out.push(await c.callRaw('PSUBSCRIBE', '__keyevent@9__:*'));
    for (const command of STORES) {
      for (const stale of [true, false]) {
        c.send('SET', 'dst', 'old', ...(stale ? ['PX', '1'] : []));
        out.push(...(await untilReply(c)));
        if (stale) await new Promise((r) => setTimeout(r, 20));
        c.send(...command);
        out.push(...(await untilReply(c)));
      }
    }
    c.send('PUNSUBSCRIBE');
    for (let message = ''; !message.includes('punsubscribe'); ) out.push((message = await c.readRaw()));
    out.push(await c.callRaw('CONFIG', 'SET', 'notify-keyspace-events', ''));
    out.push(await c.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    return out;
  });
});
