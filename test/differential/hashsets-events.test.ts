/**
 * Keyspace events of hash and set writes: the same commands run against both
 * servers while a subscriber records every __keyevent@9__ message, so event
 * names, their order and the writes that must stay silent all get compared.
 */
import { describeDifferential } from '../support/differential.js';
import type { RawClient } from '../support/raw-client.js';

const COMMANDS: string[][] = [
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['HSET', 'h', 'a', '1'],
  ['HMSET', 'h', 'c', '3'],
  ['HSETNX', 'h', 'a', 'x'],
  ['HSETNX', 'h', 'd', '4'],
  ['HINCRBY', 'h', 'n', '5'],
  ['HINCRBY', 'h', 'a', 'x'],
  ['HINCRBYFLOAT', 'h', 'f', '1.5'],
  ['HDEL', 'h', 'nope'],
  ['HDEL', 'h', 'a', 'b'],
  ['HDEL', 'h', 'c', 'd', 'n', 'f'],
  ['SADD', 's', '1', '2', '3'],
  ['SADD', 's', '1'],
  ['SREM', 's', 'nope'],
  ['SREM', 's', '1'],
  ['SPOP', 's', '0'],
  ['SPOP', 's', '10'],
  ['SADD', 'src', 'a', 'b'],
  ['SADD', 'dst', 'b'],
  ['SMOVE', 'src', 'dst', 'nope'],
  ['SMOVE', 'src', 'dst', 'b'],
  ['SMOVE', 'src', 'src', 'a'],
  ['SMOVE', 'src', 'new', 'a'],
  ['SADD', 'one', 'x'],
  ['SPOP', 'one'],
  ['SINTERSTORE', 'out', 'dst', 'new'],
  ['SUNIONSTORE', 'out', 'dst', 'new'],
  ['SDIFFSTORE', 'out', 'dst', 'new'],
  ['SDIFFSTORE', 'out', 'new', 'new'],
  ['SINTERSTORE', 'out', 'missing', 'dst'],
  ['SUNIONSTORE', 'out', 'missing'],
  ['SREM', 'dst', 'b'],
];

/** Reads pushed messages until the marker published last arrives. */
async function messagesUntilMarker(sub: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const message = await sub.readRaw();
    if (message.includes('end-of-test')) return out;
    out.push(message);
  }
}

describeDifferential('keyspace events of hash and set commands', (t) => {
  t.scenario('every write reports Redis events, no-ops report none', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const sub = await connect();
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'));
    sub.send('PSUBSCRIBE', '__keyevent@9__:*');
    out.push(await sub.readRaw());
    sub.send('SUBSCRIBE', 'marker');
    out.push(await sub.readRaw());
    for (const command of COMMANDS) out.push(await admin.callRaw(...command));
    await admin.callRaw('PUBLISH', 'marker', 'end-of-test');
    out.push(...(await messagesUntilMarker(sub)));
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', ''));
    return out;
  });
});
