/**
 * Keyspace events of the generic key commands: the same commands run against
 * both servers while a subscriber records every __keyevent@*__ message (all
 * databases, for MOVE and COPY ... DB), so event names, order, databases and
 * the commands that must stay silent all get compared. The m (keymiss) class
 * is on too.
 */
import { describeDifferential } from '../support/differential.js';
import { recordKeyEvents } from '../support/key-events.js';

const COMMANDS: (string[] | { sleep: number })[] = [
  ['SET', 'a', '1'],
  ['DEL', 'a', 'missing'],
  ['MSET', 'b', '1', 'c', '2'],
  ['UNLINK', 'b', 'c'],
  ['EXISTS', 'missing'],
  ['TYPE', 'missing'],
  ['TTL', 'missing'],
  ['TOUCH', 'missing'],
  ['OBJECT', 'ENCODING', 'missing'],
  ['SET', 'src', 'v'],
  ['RENAME', 'src', 'dst'],
  ['RENAME', 'dst', 'dst'],
  ['SET', 'other', 'w'],
  ['RENAMENX', 'dst', 'other'],
  ['RENAME', 'dst', 'other'],
  ['COPY', 'other', 'copy'],
  ['COPY', 'other', 'copy'],
  ['COPY', 'other', 'copy', 'REPLACE'],
  ['COPY', 'other', 'copy', 'DB', '10'],
  ['COPY', 'missing', 'x'],
  ['MOVE', 'copy', '11'],
  ['MOVE', 'missing', '11'],
  ['EXPIRE', 'other', '100'],
  ['EXPIRE', 'other', '50', 'GT'],
  ['PEXPIRE', 'other', '100000'],
  ['PERSIST', 'other'],
  ['PERSIST', 'other'],
  ['EXPIRE', 'other', '-1'],
  ['EXPIRE', 'missing', '10'],
  ['SET', 'short', 'v', 'PX', '1'],
  { sleep: 20 },
  ['GET', 'short'],
  ['SET', 'short2', 'v', 'PX', '1'],
  { sleep: 20 },
  ['DEL', 'short2'],
  ['SET', 'short3', 'v', 'PX', '1'],
  { sleep: 20 },
  ['RANDOMKEY'],
  ['SET', 'short4', 'v', 'PX', '1'],
  { sleep: 20 },
  ['SCAN', '0'],
  ['SET', 'short5', 'v', 'PX', '1'],
  { sleep: 20 },
  ['RENAME', 'short5', 'x'],
];

describeDifferential('keyspace events of generic key commands', (t) => {
  t.scenario('every write reports Redis events, no-ops report none', async (connect) => {
    const out = await recordKeyEvents(connect, 'KEAm', '__keyevent@*__:*', async (admin) => {
      // Active expiry would race the lazy expiry these steps exercise.
      const replies = [await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0')];
      for (const step of COMMANDS) {
        if ('sleep' in step) await new Promise((r) => setTimeout(r, step.sleep));
        else replies.push(await admin.callRaw(...step));
      }
      return replies;
    });
    const admin = await connect();
    out.push(await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    for (const db of ['10', '11']) {
      await admin.callRaw('SELECT', db);
      await admin.callRaw('FLUSHDB');
    }
    return out;
  });
});
