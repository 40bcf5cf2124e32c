/**
 * The bookkeeping of a command that blocked: as in Redis 7.0, it enters the
 * slow log (with its own arguments) when it is served, not when it blocks,
 * and not at all when it times out. Compared with redis-server.
 */
import { describeDifferential } from '../support/differential.js';
import type { RawClient } from '../support/raw-client.js';

async function waitBlocked(admin: RawClient, n: number): Promise<void> {
  for (;;) {
    const info = String(await admin.call('INFO', 'clients'));
    if (Number(/blocked_clients:(\d+)/.exec(info)?.[1]) === n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The commands in the slow log, newest first, without their times and ids. */
async function slowlogCommands(admin: RawClient): Promise<string> {
  const entries = (await admin.call('SLOWLOG', 'GET', '-1')) as unknown[][];
  return JSON.stringify(entries.map((entry) => entry[3]));
}

describeDifferential('blocked commands: slow log', (t) => {
  t.scenario('logged when served, with the arguments it blocked with', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    const waiter = await connect();
    await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    try {
      await admin.call('SLOWLOG', 'RESET');
      waiter.send('BLPOP', 'l', '0');
      await waitBlocked(admin, 1);
      await admin.call('SLOWLOG', 'RESET');
      // Served after EXEC, which ran SLOWLOG RESET: the served BLPOP is the newest entry.
      for (const cmd of [['MULTI'], ['RPUSH', 'l', 'a'], ['SLOWLOG', 'RESET'], ['EXEC']]) out.push(await admin.callRaw(...cmd));
      out.push(await waiter.readRaw());
      out.push(await slowlogCommands(admin));

      waiter.send('BZPOPMIN', 'z', '0');
      await waitBlocked(admin, 1);
      await admin.call('SLOWLOG', 'RESET');
      out.push(await admin.callRaw('ZADD', 'z', '1', 'm'));
      out.push(await waiter.readRaw());
      out.push(await slowlogCommands(admin));

      // A wait that times out is never logged.
      await admin.call('SLOWLOG', 'RESET');
      out.push(await waiter.callRaw('BLPOP', 'none', '0.01'));
      out.push(await slowlogCommands(admin));
    } finally {
      await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    }
    return out;
  });
});
