import { waitBlocked } from '../support/blocked.js';
import { describeDifferential } from '../support/differential.js';

describeDifferential('sorted sets: blocking pops', (t) => {
  t.sequence('members at hand: no blocking', [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['BZPOPMIN', 'missing', 'z', '0'],
    ['BZPOPMAX', 'z', '0'],
    ['BZMPOP', '0', '2', 'missing', 'z', 'MIN', 'COUNT', '5'],
    ['EXISTS', 'z'],
    ['ZADD', 'z', '1', 'a', '2', 'b'],
    ['BZMPOP', '0', '1', 'z', 'max'],
  ]);

  t.sequence('argument errors', [
    ['SET', 's', 'x'],
    ['BZPOPMIN', 's', '0'],
    ['BZPOPMIN', 'missing', 's', '0'],
    ['BZPOPMIN', 'z', '-1'],
    ['BZPOPMIN', 'z', 'x'],
    ['BZPOPMAX', 'z', 'inf'],
    ['BZPOPMIN', 'z'],
    ['BZMPOP', 'x', '1', 'z', 'MIN'],
    ['BZMPOP', '-1', '1', 'z', 'MIN'],
    ['BZMPOP', '0', '0', 'z', 'MIN'],
    ['BZMPOP', '0', '2', 'z', 'MIN'],
    ['BZMPOP', '0', '1', 'z', 'UP'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT'],
    ['BZMPOP', 'x', '1', 'z', 'UP'],
    ['BZMPOP', '0', '1', 's', 'MIN'],
    ['BZMPOP', '0', '1', 'z'],
  ]);

  t.sequence('inside MULTI a blocking pop answers at once', [
    ['MULTI'],
    ['BZPOPMIN', 'empty', '0'],
    ['BZPOPMAX', 'empty', '0'],
    ['BZMPOP', '0', '1', 'empty', 'MIN'],
    ['ZADD', 'z', '1', 'a'],
    ['BZPOPMIN', 'z', '0'],
    ['EXEC'],
  ]);

  t.scenario('waiters are served in arrival order, each with its own end and protocol', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const [c1, c2, c3] = [await connect(), await connect(), await connect()];
    out.push(await c3.callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    c1.send('BZPOPMIN', 'z', '0');
    await waitBlocked(admin, 1);
    c2.send('BZPOPMAX', 'other', 'z', '0');
    await waitBlocked(admin, 2);
    c3.send('BZPOPMIN', 'z', '0');
    await waitBlocked(admin, 3);
    out.push(await admin.callRaw('ZADD', 'z', '1', 'a', '2', 'b'));
    out.push(await c1.readRaw());
    out.push(await c2.readRaw());
    out.push(await admin.callRaw('EXISTS', 'z'));
    out.push(await admin.callRaw('ZADD', 'z', '3', 'c', '4', 'd'));
    out.push(await c3.readRaw());
    out.push(await admin.callRaw('ZRANGE', 'z', '0', '-1', 'WITHSCORES'));
    return out;
  });

  t.scenario('BZMPOP with COUNT on several keys, in RESP2 and RESP3', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const c2 = await connect();
    const c3 = await connect();
    out.push(await c3.callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    c2.send('BZMPOP', '0', '2', 'k1', 'k2', 'MAX', 'COUNT', '5');
    await waitBlocked(admin, 1);
    c3.send('BZMPOP', '0', '2', 'k2', 'k1', 'MIN', 'COUNT', '2');
    await waitBlocked(admin, 2);
    out.push(await admin.callRaw('ZADD', 'k2', '1', 'x', '2', 'y', '3', 'z'));
    out.push(await c2.readRaw());
    out.push(await admin.callRaw('ZADD', 'k1', '1', 'p', '2', 'q', '3', 'r'));
    out.push(await c3.readRaw());
    out.push(await admin.callRaw('ZRANGE', 'k1', '0', '-1'));
    return out;
  });

  t.scenario('writes that wake a waiter: ZINCRBY, ZUNIONSTORE, ZRANGESTORE, and a key of another type that does not', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const c = await connect();
    c.send('BZPOPMIN', 'a', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('ZINCRBY', 'a', '5', 'm'));
    out.push(await c.readRaw());

    out.push(await admin.callRaw('ZADD', 'src', '1', 'x', '2', 'y'));
    c.send('BZPOPMAX', 'u', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('ZUNIONSTORE', 'u', '1', 'src'));
    out.push(await c.readRaw());
    out.push(await admin.callRaw('ZRANGE', 'u', '0', '-1'));

    c.send('BZMPOP', '0', '1', 'r', 'MIN', 'COUNT', '10');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('ZRANGESTORE', 'r', 'src', '0', '-1'));
    out.push(await c.readRaw());

    c.send('BZPOPMIN', 'typed', '0');
    await waitBlocked(admin, 1);
    out.push(await admin.callRaw('SET', 'typed', 'string'));
    out.push(await admin.callRaw('DEL', 'typed'));
    out.push(await admin.callRaw('ZADD', 'typed', '7', 'seven'));
    out.push(await c.readRaw());
    return out;
  });

  t.scenario('a transaction that adds and pops serves waiters after EXEC', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const c = await connect();
    c.send('BZPOPMAX', 'z', '0');
    await waitBlocked(admin, 1);
    for (const cmd of [['MULTI'], ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZPOPMAX', 'z'], ['EXEC']]) out.push(await admin.callRaw(...cmd));
    out.push(await c.readRaw());
    out.push(await admin.callRaw('ZRANGE', 'z', '0', '-1'));
    return out;
  });

  t.scenario('timeouts answer with a null array', async (connect) => {
    const out: string[] = [];
    const c2 = await connect();
    const c3 = await connect();
    out.push(await c3.callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    for (const c of [c2, c3]) {
      out.push(await c.callRaw('BZPOPMIN', 'z', '0.01'));
      out.push(await c.callRaw('BZMPOP', '0.01', '1', 'z', 'MAX'));
    }
    return out;
  });
});
