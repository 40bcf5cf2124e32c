/**
 * pymemcache (Debian's python3-pymemcache) against Keyhive's memcached port,
 * with redis-py reading the same keys from the Redis port:
 * test/clients/py/pymemcache_usage.py. Each Python test becomes a subtest.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/index.js';
import { runProcess, type ProcessResult } from './run-process.js';
import { failureDetails, testOutcomes } from './unittest-output.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/clients/py/pymemcache_usage.py');

describe('pymemcache on the memcached port, beside redis-py', () => {
  let keyhive: RunningServer;
  let run: ProcessResult;
  before(async () => {
    keyhive = await startServer({ port: 0, loglevel: 'nothing', memcachedPort: 0 });
    const env = { ...process.env, MEMCACHEDPORT: String(keyhive.memcachedPort), REDISPORT: String(keyhive.port) };
    run = await runProcess(PYTHON, [SCRIPT], { env });
  });
  after(async () => {
    await keyhive?.close();
  });

  it('every check of the script passes', async (t) => {
    const outcomes = testOutcomes(run.stderr);
    assert.ok(outcomes.size >= 9, `expected the script's tests in its output:\n${run.stderr}`);
    for (const [test, outcome] of outcomes) {
      await t.test(test, () => assert.equal(outcome, 'ok', failureDetails(run.stderr, test)));
    }
  });

  it('exits with 0 and reports OK', () => {
    assert.equal(run.stderr.trimEnd().split('\n').at(-1), 'OK', run.stderr.slice(-3000));
    assert.equal(run.code, 0);
  });
});
