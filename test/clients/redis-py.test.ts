/**
 * redis-py (Debian's python3-redis, RESP2) running the Memorystore for Redis
 * guide's usage against an embedded Keyhive: test/clients/py/memorystore_guide.py,
 * given REDISHOST/REDISPORT as the guide does. Each Python test becomes a
 * subtest here, so a failure names the check.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';
import { runProcess, type ProcessResult } from './run-process.js';
import { itPassesEveryUnittest } from './unittest-output.js';

/** Debian's interpreter, which has python3-redis (a `python3` on PATH may be another one). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/clients/py/memorystore_guide.py');

describe('redis-py: the Memorystore for Redis guide', () => {
  let keyhive: RunningServer;
  let run: ProcessResult;
  before(async () => {
    keyhive = await startKeyhive();
    run = await runProcess(PYTHON, [SCRIPT], { env: { ...process.env, REDISHOST: '127.0.0.1', REDISPORT: String(keyhive.port) } });
  });
  after(async () => {
    await keyhive?.close();
  });

  itPassesEveryUnittest(() => run, 15);

  it('the compare-and-set counter loop ran', () => {
    assert.match(run.stdout, /compare-and-set conflicts retried: \d+/);
  });
});
