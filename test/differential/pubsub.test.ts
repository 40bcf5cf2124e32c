import { describeDifferential } from '../support/differential.js';

describeDifferential('pub/sub', (t) => {
  t.sequence('subscribe and unsubscribe confirmations', [
    { cmd: ['SUBSCRIBE', 'a', 'b', 'a'], replies: 3 },
    { cmd: ['PSUBSCRIBE', 'news.*', 'h?llo'], replies: 2 },
    { cmd: ['UNSUBSCRIBE', 'a', 'zz'], replies: 2 },
    { cmd: ['PUNSUBSCRIBE'], replies: 2, match: 'shape' },
    { cmd: ['UNSUBSCRIBE'], replies: 1 },
    ['UNSUBSCRIBE'],
    ['PUNSUBSCRIBE'],
    { cmd: ['SSUBSCRIBE', 's1', 's2'], replies: 2 },
    { cmd: ['SUNSUBSCRIBE'], replies: 2, match: 'shape' },
    ['SUNSUBSCRIBE'],
  ]);
  t.sequence('RESP2 subscribed context refuses other commands', [{ cmd: ['SUBSCRIBE', 'c'], replies: 1 }, ['GET', 'x'], ['SET', 'x', '1']], { protocols: [2] });
  t.sequence('RESP3 subscribed clients may run any command', [{ cmd: ['SUBSCRIBE', 'c'], replies: 1 }, ['SET', 'x', '1'], ['GET', 'x']], { protocols: [3] });
  t.sequence('PUBSUB introspection', [
    ['PUBLISH', 'nobody', 'hi'],
    ['PUBSUB', 'CHANNELS'],
    ['PUBSUB', 'NUMSUB', 'a', 'b'],
    ['PUBSUB', 'NUMPAT'],
    ['PUBSUB', 'SHARDCHANNELS', '*'],
    ['PUBSUB', 'SHARDNUMSUB', 'x'],
    ['PUBSUB', 'CHANNELS', 'a', 'b'],
    ['PUBSUB', 'NOPE'],
    ['PUBSUB', 'HELP'],
    ['SPUBLISH', 'nobody', 'hi'],
  ]);
  t.scenario('messages reach channel, pattern and shard subscribers in both protocols', async (connect) => {
    const out: string[] = [];
    const sub2 = await connect();
    const sub3 = await connect();
    const pub = await connect();
    out.push(await sub3.callRaw('HELLO', '3').then((r) => r.slice(0, 1)));
    for (const s of [sub2, sub3]) {
      s.send('SUBSCRIBE', 'chan');
      out.push(await s.readRaw());
      s.send('PSUBSCRIBE', 'ch*');
      out.push(await s.readRaw());
      s.send('SSUBSCRIBE', 'shard');
      out.push(await s.readRaw());
    }
    out.push(await pub.callRaw('PUBLISH', 'chan', 'hello\r\nworld'));
    out.push(await pub.callRaw('PUBLISH', 'chx', 'only pattern'));
    out.push(await pub.callRaw('SPUBLISH', 'shard', 'sharded'));
    out.push(await pub.callRaw('PUBSUB', 'NUMSUB', 'chan', 'shard'));
    out.push(await pub.callRaw('PUBSUB', 'SHARDNUMSUB', 'shard'));
    out.push(await pub.callRaw('PUBSUB', 'NUMPAT'));
    for (const s of [sub2, sub3]) for (let i = 0; i < 4; i++) out.push(await s.readRaw());
    out.push(await sub2.callRaw('PING'));
    out.push(await sub2.callRaw('PING', 'x'));
    return out;
  });
  t.scenario('keyspace notifications', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const sub = await connect();
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
    out.push(await admin.callRaw('CONFIG', 'GET', 'notify-keyspace-events'));
    sub.send('PSUBSCRIBE', '__key*@9__:*');
    out.push(await sub.readRaw());
    out.push(await admin.callRaw('SET', 'k', 'v'));
    out.push(await admin.callRaw('DEL', 'k'));
    out.push(await admin.callRaw('SET', 'gone', 'v', 'PX', '1'));
    for (let i = 0; i < 6; i++) out.push(await sub.readRaw());
    await new Promise((r) => setTimeout(r, 20));
    out.push(await admin.callRaw('GET', 'gone'));
    for (let i = 0; i < 2; i++) out.push(await sub.readRaw());
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', ''));
    return out;
  });
});
