/**
 * How commands are timed (call() in src/commands/dispatch.ts): a pipelined
 * run of fast commands is timed as a whole and its time shared among them,
 * while any other command ends the run and is timed alone. Durations differ
 * from run to run and from Redis's, so a differential test cannot check
 * them; these tests check where time is attributed, with a sleep far longer
 * than anything else in the pipeline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/index.js';
import { RawClient } from '../support/raw-client.js';
import { encodeCommand, type RespValue } from '../support/resp.js';
import { startKeyhive } from '../support/servers.js';

const SLEEP_SECONDS = 0.05;
const SLEEP_USEC = SLEEP_SECONDS * 1e6;

/** Sends commands in a single write and reads their replies. */
async function pipeline(c: RawClient, commands: string[][]): Promise<RespValue[]> {
  c.write(Buffer.concat(commands.map((cmd) => encodeCommand(cmd))));
  const replies: RespValue[] = [];
  for (let i = 0; i < commands.length; i++) replies.push(await c.read());
  return replies;
}

/** calls and usec of one command in INFO commandstats. */
async function commandStats(c: RawClient, name: string): Promise<{ calls: number; usec: number }> {
  const info = String(await c.call('INFO', 'commandstats'));
  const match = new RegExp(`cmdstat_${name}:calls=(\\d+),usec=(\\d+),`).exec(info);
  assert.ok(match, `no cmdstat_${name} in ${info}`);
  return { calls: Number(match[1]), usec: Number(match[2]) };
}

function repeat(cmd: string[], times: number): string[][] {
  return Array.from({ length: times }, () => cmd);
}

describe('command timing in pipelines', () => {
  let server: RunningServer;
  let c: RawClient;

  before(async () => {
    server = await startKeyhive();
    c = await RawClient.connect(server.port);
    await c.call('SET', 'k', 'v');
  });

  after(async () => {
    c.close();
    await server.close();
  });

  it('times a slow command among fast ones alone: its time goes to it, not to the GETs around it', async () => {
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', String(SLEEP_USEC / 2));
    await c.call('SLOWLOG', 'RESET');
    await c.call('CONFIG', 'RESETSTAT');
    const replies = await pipeline(c, [...repeat(['GET', 'k'], 20), ['DEBUG', 'SLEEP', String(SLEEP_SECONDS)], ...repeat(['GET', 'k'], 20)]);
    assert.deepEqual(replies, [...repeat(['v'], 20).flat(), 'OK', ...repeat(['v'], 20).flat()]);

    const entries = (await c.call('SLOWLOG', 'GET', '-1')) as RespValue[][];
    assert.equal(entries.length, 1, JSON.stringify(entries));
    assert.deepEqual(entries[0][3], ['DEBUG', 'SLEEP', String(SLEEP_SECONDS)]);
    assert.ok((entries[0][2] as number) >= SLEEP_USEC, `slow log duration ${entries[0][2]}`);

    const get = await commandStats(c, 'get');
    assert.equal(get.calls, 40);
    assert.ok(get.usec < SLEEP_USEC / 2, `GET usec ${get.usec}`);
    assert.ok((await commandStats(c, 'debug')).usec >= SLEEP_USEC);
  });

  it('records every command of a run once the read is done', async () => {
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('CONFIG', 'RESETSTAT');
    // SET is no fast command in Redis, but takes constant time here and joins runs (CommandSpec.constantTime).
    const run = [...repeat(['GET', 'k'], 10), ...repeat(['SET', 'k', 'v'], 3), ...repeat(['INCR', 'n'], 5)];
    const replies = await pipeline(c, run);
    assert.deepEqual(replies.slice(10), ['OK', 'OK', 'OK', 1, 2, 3, 4, 5]);
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');

    // Newest first: the INCRs, the SETs, then the GETs, then CONFIG RESETSTAT.
    const logged = ((await c.call('SLOWLOG', 'GET', '-1')) as RespValue[][]).map((entry) => (entry[3] as string[]).join(' '));
    assert.deepEqual(logged.slice(0, run.length), run.map((cmd) => cmd.join(' ')).reverse());
    assert.equal((await commandStats(c, 'get')).calls, 10);
    assert.equal((await commandStats(c, 'set')).calls, 3);
    assert.equal((await commandStats(c, 'incr')).calls, 5);
  });
});
