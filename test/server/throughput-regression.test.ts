/**
 * A regression check on throughput, not a benchmark (bench/ has those): the
 * same redis-benchmark runs against Keyhive (its own process, as users run it)
 * and redis-server, and Keyhive must reach a generous fraction of Redis's
 * requests per second. bench/RESULTS.md has Keyhive at 0.5-1.0x of Redis; a
 * result under MIN_RATIO means something on the request path became many
 * times slower (an O(n) step per command, a lost pipeline batch).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis, waitUntilServing, type ReferenceServer } from '../support/servers.js';
import { runProcess } from '../clients/run-process.js';

const MIN_RATIO = 0.2;
const TESTS = 'set,get,incr,lpush,hset,mset';
const LAUNCHER = fileURLToPath(new URL('../../../bin/keyhive', import.meta.url));

/** Requests per second of each test of one redis-benchmark run, from its --csv output. */
async function benchmark(port: number, pipeline: number): Promise<Map<string, number>> {
  const args = ['-p', String(port), '-t', TESTS, '-c', '50', '-n', String(pipeline === 1 ? 10000 : 50000), '-P', String(pipeline), '--csv'];
  const { code, stdout, stderr } = await runProcess('redis-benchmark', args);
  assert.equal(code, 0, stderr);
  const rps = new Map<string, number>();
  for (const line of stdout.trim().split('\n').slice(1)) {
    const [test, value] = line.split(',').map((field) => field.replace(/"/g, ''));
    rps.set(test, Number(value));
  }
  return rps;
}

/** The best of two runs per server, alternating which goes first, so one noisy moment does not decide. */
async function bestOfTwo(ports: { keyhive: number; redis: number }, pipeline: number): Promise<{ keyhive: Map<string, number>; redis: Map<string, number> }> {
  const best = { keyhive: new Map<string, number>(), redis: new Map<string, number>() };
  for (const order of [['keyhive', 'redis'], ['redis', 'keyhive']] as const) {
    for (const server of order) {
      for (const [test, rps] of await benchmark(ports[server], pipeline)) best[server].set(test, Math.max(best[server].get(test) ?? 0, rps));
    }
  }
  return best;
}

describe('throughput against redis-server (regression check)', () => {
  let redis: ReferenceServer;
  let keyhive: ChildProcess;
  let keyhivePort: number;

  before(async () => {
    redis = await startRedis();
    keyhivePort = await freePort();
    keyhive = spawn(process.execPath, [LAUNCHER, '--port', String(keyhivePort), '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitUntilServing(keyhivePort, 'keyhive');
  });

  after(async () => {
    keyhive.kill('SIGKILL');
    await redis.close();
  });

  for (const pipeline of [1, 16]) {
    it(`reaches ${MIN_RATIO}x of Redis's requests per second at pipeline ${pipeline}`, async (t) => {
      const best = await bestOfTwo({ keyhive: keyhivePort, redis: redis.port }, pipeline);
      assert.equal(best.keyhive.size, TESTS.split(',').length, 'every test reported');
      for (const [test, redisRps] of best.redis) {
        const ratio = (best.keyhive.get(test) ?? 0) / redisRps;
        t.diagnostic(`${test}: Keyhive ${best.keyhive.get(test)} req/s, Redis ${redisRps} req/s, ratio ${ratio.toFixed(2)}`);
        assert.ok(ratio >= MIN_RATIO, `${test} at pipeline ${pipeline}: ${ratio.toFixed(2)}x of Redis`);
      }
    });
  }
});
