/**
 * maxmemory, MEMORY and OBJECT FREQ/IDLETIME against redis-server. Byte
 * counts differ by nature (V8 is not jemalloc): those replies are compared
 * by shape, everything else (errors, OOM refusals, transactions) exactly.
 * Each sequence puts maxmemory and the policy back, as the servers are shared.
 */
import { describeDifferential, type Step } from '../support/differential.js';

const RESET: Step[] = [['CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'noeviction']];

describeDifferential('memory', (t) => {
  t.sequence('noeviction with a tiny maxmemory: OOM for denyoom commands, reads and deletes still work', [
    ['SET', 'k', 'v'],
    ['RPUSH', 'l', 'a', 'b'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['SET', 'k', 'w'],
    ['APPEND', 'k', 'x'],
    ['RPUSH', 'l', 'c'],
    ['INCR', 'counter'],
    ['GET', 'k'],
    ['LRANGE', 'l', '0', '-1'],
    ['EXISTS', 'k', 'l'],
    ['EXPIRE', 'k', '100'],
    ['LPOP', 'l'],
    ['DEL', 'k'],
    ['MULTI'],
    ['GET', 'l'],
    ['PING'],
    ['EXEC'],
    ['MULTI'],
    ['LLEN', 'l'],
    ['DISCARD'],
    ['EXEC', 'extra'],
    ...RESET,
    ['SET', 'k', 'v'],
  ]);

  t.scenario('EXEC of a transaction queued before the limit: aborted if it holds a denyoom command, run if it only reads', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const c = await connect();
    out.push(await c.callRaw('SET', 'x', 'value'));
    for (const cmd of [['MULTI'], ['GET', 'x'], ['SET', 'x', '1']]) out.push(await c.callRaw(...cmd));
    out.push(await admin.callRaw('CONFIG', 'SET', 'maxmemory', '1'));
    out.push(await c.callRaw('EXEC'));
    out.push(await c.callRaw('EXEC'));
    out.push(await admin.callRaw('CONFIG', 'SET', 'maxmemory', '0'));
    for (const cmd of [['MULTI'], ['GET', 'x'], ['PING']]) out.push(await c.callRaw(...cmd));
    out.push(await admin.callRaw('CONFIG', 'SET', 'maxmemory', '1'));
    out.push(await c.callRaw('EXEC'));
    out.push(await admin.callRaw('CONFIG', 'SET', 'maxmemory', '0'));
    return out;
  });

  t.sequence('MEMORY USAGE: an integer for any type, null when missing, its errors', [
    ['SET', 'str', 'hello'],
    ['HSET', 'hash', 'a', '1', 'b', '2'],
    ['ZADD', 'zset', '1', 'a'],
    { cmd: ['MEMORY', 'USAGE', 'str'], match: 'shape' },
    { cmd: ['MEMORY', 'USAGE', 'hash'], match: 'shape' },
    { cmd: ['MEMORY', 'USAGE', 'zset', 'SAMPLES', '0'], match: 'shape' },
    { cmd: ['memory', 'usage', 'str', 'samples', '10'], match: 'shape' },
    ['MEMORY', 'USAGE', 'missing'],
    ['MEMORY', 'USAGE', 'missing', 'SAMPLES', 'x'],
    ['MEMORY', 'USAGE', 'str', 'SAMPLES', '-1'],
    ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'x'],
    ['MEMORY', 'USAGE', 'str', 'SAMPLES'],
    ['MEMORY', 'USAGE', 'str', 'FOO', '1'],
    ['MEMORY', 'USAGE'],
  ]);

  t.sequence('MEMORY STATS, DOCTOR, MALLOC-STATS, PURGE and HELP; unknown subcommands and arities', [
    { cmd: ['MEMORY', 'STATS'], match: 'shape' },
    ['SET', 'k', 'v'],
    { cmd: ['MEMORY', 'STATS'], match: 'shape' },
    { cmd: ['MEMORY', 'DOCTOR'], match: 'shape' },
    { cmd: ['MEMORY', 'MALLOC-STATS'], match: 'shape' },
    ['MEMORY', 'PURGE'],
    ['MEMORY', 'HELP'],
    ['MEMORY', 'help'],
    ['MEMORY', 'NOPE'],
    ['MEMORY', 'STATS', 'extra'],
    ['MEMORY', 'HELP', 'extra'],
    ['MEMORY'],
  ]);

  t.sequence('OBJECT FREQ only under LFU policies, OBJECT IDLETIME only under the others', [
    ['SET', 'k', 'v'],
    ['OBJECT', 'FREQ', 'k'],
    ['OBJECT', 'FREQ', 'missing'],
    // Each server's LRU clock ticks each second on its own, so a fresh key may read 0 or 1.
    { cmd: ['OBJECT', 'IDLETIME', 'k'], match: 'shape' },
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
    ['SET', 'fresh', 'v'],
    ['OBJECT', 'FREQ', 'fresh'],
    ['GET', 'fresh'],
    ['OBJECT', 'FREQ', 'fresh'],
    ['OBJECT', 'FREQ', 'missing'],
    ['OBJECT', 'IDLETIME', 'fresh'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
    ['OBJECT', 'IDLETIME', 'fresh'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl'],
    ['OBJECT', 'FREQ', 'fresh'],
    ...RESET,
  ]);

  t.sequence('INFO memory and stats carry the maxmemory fields', [
    ['CONFIG', 'SET', 'maxmemory', '123mb', 'maxmemory-policy', 'allkeys-lru'],
    { cmd: ['INFO', 'memory'], match: 'shape' },
    ...RESET,
  ]);

  t.sequence('MEMORY command metadata', [
    { cmd: ['COMMAND', 'INFO', 'memory'], match: 'unordered' },
    ['COMMAND', 'INFO', 'memory|usage', 'memory|stats', 'memory|doctor', 'memory|malloc-stats', 'memory|purge', 'memory|help'],
    ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k', 'SAMPLES', '5'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'MEMORY', 'USAGE', 'k'],
  ]);
});
