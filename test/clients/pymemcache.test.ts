/**
 * pymemcache (Debian's python3-pymemcache) against Keyhive's memcached port,
 * with redis-py reading the same keys from the Redis port:
 * test/clients/py/pymemcache_usage.py. Each Python test becomes a subtest.
 */
import { after, before, describe } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/index.js';
import { runProcess, type ProcessResult } from './run-process.js';
import { itPassesEveryUnittest } from './unittest-output.js';

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

  itPassesEveryUnittest(() => run, 9);
});
