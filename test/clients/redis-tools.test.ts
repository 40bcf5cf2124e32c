/**
 * Debian's redis-cli and redis-benchmark against an embedded Keyhive. The
 * redis-cli invocations also run against redis-server, and their output must
 * be the same (the CLI's formatting depends on the exact reply types).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyhive, type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';
import { runProcess, type ProcessResult } from './run-process.js';

interface Invocation {
  args: string[];
  input?: string;
  /** Compare output lines in any order (SCAN order is the hash table's). */
  unordered?: boolean;
}

/** Run in order against both servers; the state they build is the same. */
const INVOCATIONS: Invocation[] = [
  { args: ['flushall'] },
  { args: ['ping'] },
  { args: ['set', 'k', 'v'] },
  { args: ['get', 'k'] },
  { args: ['get', 'missing'] },
  { args: ['--no-raw', 'get', 'missing'] },
  { args: ['--no-raw', 'rpush', 'l', 'a', 'b c', 'd"e'] },
  { args: ['--no-raw', 'lrange', 'l', '0', '-1'] },
  { args: ['lrange', 'l', '0', '-1'] },
  { args: ['--no-raw', 'lrange', 'missing', '0', '-1'] },
  { args: ['--no-raw', 'mget', 'k', 'missing', 'l'] },
  { args: ['--no-raw', 'incr', 'k'] },
  { args: ['incr', 'k'] },
  { args: ['--no-raw', 'set', 'k', 'v2', 'GET'] },
  { args: ['--no-raw', 'exists', 'k', 'l', 'nope'] },
  { args: ['--no-raw', 'ttl', 'k'] },
  { args: ['--no-raw', 'type', 'l'] },
  { args: ['--no-raw', 'nosuchcommand', 'x'] },
  { args: ['--no-raw', 'config', 'get', 'maxmemory'] },
  { args: ['-3', '--no-raw', 'config', 'get', 'maxmemory'] },
  { args: ['-3', '--no-raw', 'hset', 'h', 'f', 'v', 'g', 'w'] },
  { args: ['-3', '--no-raw', 'hgetall', 'h'], unordered: true },
  { args: ['-3', '--no-raw', 'zadd', 'z', '1.5', 'm', '2', 'n'] },
  { args: ['-3', '--no-raw', 'zscore', 'z', 'm'] },
  { args: ['-3', '--no-raw', 'zrange', 'z', '0', '-1', 'WITHSCORES'] },
  { args: ['-3', '--no-raw', 'get', 'missing'] },
  { args: ['--no-raw', 'zrange', 'z', '0', '-1', 'WITHSCORES'] },
  { args: ['--no-raw', 'multi'] },
  { args: [], input: 'set a 1\nincr a\nincrby a 10\nget a\nappend a xyz\n' },
  { args: ['--no-raw'], input: 'multi\nset t 1\nincr t\nexec\n' },
  { args: ['-x', 'set', 'fromstdin'], input: 'bytes\nwith a newline\n' },
  { args: ['--no-raw', 'get', 'fromstdin'] },
  { args: ['--no-raw', 'strlen', 'fromstdin'] },
  { args: ['-n', '3', 'set', 'in3', 'x'] },
  { args: ['-n', '3', '--no-raw', 'dbsize'] },
  { args: ['--no-raw', 'dbsize'] },
  { args: ['--scan', '--pattern', '*'], unordered: true },
  { args: ['--no-raw', 'keys', 'f*'] },
  { args: ['--no-raw', 'expire', 'k', '100', 'GT'] },
  { args: ['--no-raw', 'object', 'encoding', 'l'] },
  { args: ['--no-raw', 'del', 'k', 'l', 'h', 'nope'] },
];

function cli(port: number, inv: Invocation): Promise<ProcessResult> {
  return runProcess('redis-cli', ['-p', String(port), ...inv.args], { input: inv.input });
}

function normalise(r: ProcessResult, inv: Invocation): { code: number | null; stdout: string | string[] } {
  return { code: r.code, stdout: inv.unordered ? r.stdout.split('\n').sort() : r.stdout };
}

describe('redis-cli', () => {
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  before(async () => {
    [keyhive, redis] = await startKeyhiveAndRedis();
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
  });

  it('prints PONG, OK and values', async () => {
    const port = keyhive.port;
    assert.equal((await cli(port, { args: ['ping'] })).stdout, 'PONG\n');
    assert.equal((await cli(port, { args: ['set', 'greeting', 'hello world'] })).stdout, 'OK\n');
    assert.equal((await cli(port, { args: ['get', 'greeting'] })).stdout, 'hello world\n');
    await cli(port, { args: ['rpush', 'cli:list', 'a', 'b'] });
    assert.equal((await cli(port, { args: ['--no-raw', 'lrange', 'cli:list', '0', '-1'] })).stdout, '1) "a"\n2) "b"\n');
  });

  it('prints INFO server', async () => {
    const { code, stdout } = await cli(keyhive.port, { args: ['INFO', 'server'] });
    assert.equal(code, 0);
    assert.match(stdout, /^# Server\r?$/m);
    assert.match(stdout, /^redis_version:7\.0\.\d+\r?$/m);
    assert.match(stdout, new RegExp(`^tcp_port:${keyhive.port}\\r?$`, 'm'));
    assert.doesNotMatch(stdout, /^# Clients/m, 'only the requested section');
  });

  it('gives the same output as with redis-server, command by command', async () => {
    for (const inv of INVOCATIONS) {
      const [ours, theirs] = await Promise.all([cli(keyhive.port, inv), cli(redis.port, inv)]);
      const label = `redis-cli ${inv.args.join(' ')}${inv.input ? ` <<< ${JSON.stringify(inv.input)}` : ''}`;
      assert.deepEqual(normalise(ours, inv), normalise(theirs, inv), label);
    }
  });
});

/** "SET: 12345.68 requests per second, p50=0.103 msec" lines of redis-benchmark -q, by test name. */
function requestsPerSecond(output: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const line of output.split(/[\r\n]+/)) {
    const m = /^([A-Z_]+(?: \(\d+ keys\))?): ([\d.]+) requests per second/.exec(line);
    if (m) rates.set(m[1], Number(m[2]));
  }
  return rates;
}

describe('redis-benchmark', () => {
  let keyhive: RunningServer;
  before(async () => {
    keyhive = await startKeyhive();
  });
  after(async () => {
    await keyhive?.close();
  });

  it('runs ping, set, get, incr and mset without errors', async () => {
    const { code, stdout, stderr } = await runProcess('redis-benchmark', ['-p', String(keyhive.port), '-t', 'ping,set,get,incr,mset', '-q', '-n', '2000']);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /ERR/);
    assert.doesNotMatch(`${stdout}${stderr}`, /WARN|[Ee]rror/);
    const rates = requestsPerSecond(stdout);
    assert.deepEqual([...rates.keys()].sort(), ['GET', 'INCR', 'MSET (10 keys)', 'PING_INLINE', 'PING_MBULK', 'SET'], stdout);
    for (const [test, rate] of rates) assert.ok(rate > 0, `${test}: ${rate} requests per second`);
  });
});
