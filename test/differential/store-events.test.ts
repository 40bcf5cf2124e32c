/**
 * The STORE forms of every family writing over a destination whose deadline
 * has passed (active expiry off, so only the command can notice): Redis's
 * setKey expires it first, an 'expired' event before the command's own,
 * while an empty result deletes it with a plain 'del'. A subscriber records
 * the __keyevent@9__ messages of both servers; a RESP3 client subscribed to
 * its own events also sees where they fall around each reply.
 */
import { describeDifferential } from '../support/differential.js';
import { recordKeyEvents, recordOwnEvents, type EventStep } from '../support/key-events.js';

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
    const admin = await connect();
    const out = [await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0')];
    for (const command of SOURCES) out.push(await admin.callRaw(...command));
    const steps: EventStep[] = [];
    for (const command of STORES) {
      steps.push(['SET', 'dst', 'old', 'PX', '1'], { sleep: 20 }, command);
      steps.push(['SET', 'dst', 'old'], command);
    }
    out.push(...(await recordOwnEvents(connect, 'KEA', ['PSUBSCRIBE', '__keyevent@9__:*'], steps)));
    out.push(await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    return out;
  });
});
