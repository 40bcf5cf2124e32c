/**
 * oom-score-adj and oom-score-adj-values, beside redis-server: the score
 * each process gets in /proc at start-up and after each CONFIG SET, and the
 * replies. Where the kernel refuses a lower score (no CAP_SYS_RESOURCE, as
 * in a container), both servers must fail the same way and roll back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { RawClient } from '../support/raw-client.js';
import { RespError } from '../support/resp.js';
import { startRedis } from '../support/servers.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';

const START = ['--oom-score-adj', 'yes', '--oom-score-adj-values', '200 0 0'];

/** CONFIG SETs, in order; each step's reply and the score after it are compared. */
const STEPS: [string, string][] = [
  ['oom-score-adj-values', '300 200 800'],
  ['oom-score-adj', 'absolute'],
  ['oom-score-adj-values', '2000 0 0'],
  ['oom-score-adj-values', '-100 0 0'],
  ['oom-score-adj', 'relative'],
  ['oom-score-adj', 'no'],
  ['oom-score-adj-values', '700 0 0'],
  ['oom-score-adj', 'yes'],
];

function scoreOf(pid: number): number {
  return Number(fs.readFileSync(`/proc/${pid}/oom_score_adj`, 'latin1'));
}

async function transcript(port: number, pid: number): Promise<string[]> {
  const lines = [`start: ${scoreOf(pid)}`];
  const c = await RawClient.connect(port);
  try {
    for (const [name, value] of STEPS) {
      const reply = await c.call('CONFIG', 'SET', name, value);
      const shown = reply instanceof RespError ? `-${reply.message}` : String(reply);
      lines.push(`${name} ${value}: ${shown}, score ${scoreOf(pid)}, config ${(await c.call('CONFIG', 'GET', 'oom-score-adj')) as string[]} ${(await c.call('CONFIG', 'GET', 'oom-score-adj-values')) as string[]}`);
    }
  } finally {
    c.close();
  }
  return lines;
}

describe('oom-score-adj', () => {
  it('scores the process for the OOM killer as redis-server does', { timeout: 30000 }, async () => {
    const [keyhive, redis] = await Promise.all([spawnKeyhive(START), startRedis(START)]);
    try {
      const [ours, theirs] = await Promise.all([transcript(keyhive.port, keyhive.serverPid), transcript(redis.port, redis.process.pid as number)]);
      assert.equal(theirs[0], 'start: 200');
      assert.deepEqual(ours, theirs);
    } finally {
      await Promise.all([keyhive.stop(), redis.close()]);
    }
  });
});
