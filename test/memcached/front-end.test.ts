/**
 * The memcached front end (src/memcached): the same text-protocol requests
 * sent to Keyhive's memcached port and to Debian's memcached, replies compared
 * byte for byte; libmemcached's memccapable conformance run; keys shared with
 * Redis clients both ways; and bad input.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../../src/index.js';
import { MemcachedClient, startMemcached, type ReferenceMemcached } from '../support/memcached.js';
import { RawClient } from '../support/raw-client.js';
import { runProcess } from '../clients/run-process.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';
import { Generator } from '../support/prng.js';

const LONG_KEY = 'k'.repeat(251);

/**
 * Requests in order; `{cas}` stands for the CAS unique the last `gets` on
 * the connection returned, which each server numbers its own way.
 */
const SCRIPT: string[] = [
  'set a 5 0 3\r\nabc\r\n',
  'get a\r\n',
  'get a missing a\r\n',
  'add a 0 0 1\r\nx\r\n',
  'replace missing 0 0 1\r\nx\r\n',
  'replace a 7 0 3\r\nxyz\r\n',
  'append a 0 0 2\r\nde\r\n',
  'prepend a 9 100 2\r\nxy\r\n',
  'get a\r\n',
  'append missing 0 0 1\r\nx\r\n',
  'set n 0 0 2\r\n10\r\n',
  'incr n 5\r\n',
  'decr n 3\r\n',
  'decr n 100\r\n',
  'incr a 1\r\n',
  'incr n abc\r\n',
  'incr n -1\r\n',
  'incr missing 1\r\n',
  'set max 0 0 20\r\n18446744073709551615\r\n',
  'incr max 2\r\n',
  'incr n 1 extra\r\n',
  'incr n 1 noreply\r\n',
  // Not GET: memcached pads a number DECR shortened with spaces, Keyhive does not (see memcached/commands.ts).
  'incr n 0\r\n',
  'delete a\r\n',
  'delete a\r\n',
  'delete a 0\r\n',
  'delete a 1\r\n',
  'delete a b c d e\r\n',
  'delete n noreply\r\n',
  'get n\r\n',
  'set t 3 0 1\r\n1\r\n',
  'touch t 100\r\n',
  'touch missing 100\r\n',
  'touch t abc\r\n',
  'touch t\r\n',
  'gat 0 t\r\n',
  'gats 100 t missing\r\n',
  'gat abc t\r\n',
  'gets t\r\n',
  'cas t 4 0 1 {cas}\r\nq\r\n',
  'cas t 4 0 1 {cas}\r\nr\r\n',
  'gets t\r\n',
  'touch t 1000\r\n',
  'cas t 5 0 1 {cas}\r\ns\r\n',
  'cas missing 0 0 1 1\r\nx\r\n',
  'get t\r\n',
  'set e 0 -1 1\r\nx\r\n',
  'get e\r\n',
  'set later 0 100 1\r\nx\r\n',
  'gat -1 later\r\n',
  'get later\r\n',
  'set f 4294967295 0 1\r\n1\r\n',
  'get f\r\n',
  'set f 4294967296 0 1\r\n1\r\n',
  'get f\r\n',
  'set bin 0 0 6\r\n\x00\r\n\xff\r\n\r\n',
  'get bin\r\n',
  'set q 0 0 1 noreply\r\nz\r\n',
  'get q\r\n',
  'bogus\r\n',
  'GET q\r\n',
  '\r\n',
  'get\r\n',
  'gets\r\n',
  'set x\r\n',
  'set x 0 0 abc\r\n',
  'set x 0 0 -1\r\n',
  `set ${LONG_KEY} 0 0 1\r\nx\r\n`,
  `get ${LONG_KEY}\r\n`,
  'set big 0 0 2\r\n123456\r\n',
  'set big 0 0 2\r\n12\r\n',
  // Over the 1 MB item limit: refused, and a set takes the old value away too.
  `set big 0 0 ${1024 * 1024 + 1}\r\n${'x'.repeat(1024 * 1024 + 1)}\r\n`,
  'get big\r\n',
  `add big 0 0 ${1024 * 1024 + 1} noreply\r\n${'x'.repeat(1024 * 1024 + 1)}\r\n`,
  'set z 0 0 1\r\nxx\r\n',
  'incr\r\n',
  'delete\r\n',
  'verbosity\r\n',
  'verbosity 1\r\n',
  'verbosity noreply\r\n',
  'verbosity foo bar my\r\n',
  'stats noreply\r\n',
  'set lf 0 0 1\nx\r\nget lf\n',
  'flush_all abc\r\n',
  'flush_all 100\r\n',
  'get q\r\n',
  'flush_all 0 0\r\n',
  'get q f\r\n',
  'flush_all noreply\r\n',
];

/**
 * Random requests, valid and not: storage commands with right and wrong
 * lengths, flags and exptimes, retrievals, incr, delete, touch, flush_all and
 * stray lines. DECR is left out: where it shortens a number, memcached pads it
 * and Keyhive does not, a difference the script above covers. Numbers come
 * in the forms C's strtoul reads besides plain digits (a sign, white space).
 */
function randomScript(seed: number, length: number): string[] {
  const g = new Generator(seed);
  const key = () => g.pick(['k0', 'k1', 'k2', 'n0', 'n1', '', LONG_KEY]);
  // No value or delta near 2^64: an incr that wraps shortens the number, which memcached then pads, as DECR below.
  const value = () => g.pick(['', '0', '7', '42', '4294967296', 'abc', '\x00\r\n', g.latin1(g.int(20))]);
  const noreply = () => (g.int(5) === 0 ? ' noreply' : '');
  const requests: (() => string)[] = [
    () => {
      const command = g.pick(['set', 'add', 'replace', 'append', 'prepend', 'cas']);
      const data = value();
      // Declared one byte short at times (a bad data chunk); never longer, which would swallow the next request.
      const declared = g.int(8) === 0 ? data.length - 1 : data.length;
      const unique = command === 'cas' ? ` ${g.pick(['{cas}', '{cas}', '1', 'x'])}` : '';
      const flags = g.pick(['0', '1', '4294967295', '4294967296', '+3', '-0', '-1', 'x']);
      const exptime = g.pick(['0', '0', '100', '-1', 'abc', '+0', '4294967396']);
      return `${command} ${key()} ${flags} ${exptime} ${declared}${unique}${noreply()}\r\n${data}\r\n`;
    },
    () => `${g.pick(['get', 'gets'])} ${g.some(['k0', 'k1', 'k2', 'n0', 'n1', 'missing'], 0, 3).join(' ')}\r\n`,
    () => `${g.pick(['gat', 'gats'])} ${g.pick(['0', '100', '-1', 'x'])} ${g.some(['k0', 'k1', 'n0'], 0, 2).join(' ')}\r\n`,
    () => `incr ${key()} ${g.pick(['1', '0', '+5', ' 3', 'abc', '-1', '-0'])}${noreply()}\r\n`,
    () => `delete ${key()}${g.pick(['', ' 0', ' 1', ' noreply'])}\r\n`,
    () => `touch ${key()} ${g.pick(['0', '100', '-1', 'x'])}${noreply()}\r\n`,
    () => (g.int(10) === 0 ? `flush_all${noreply()}\r\n` : 'get k0\r\n'),
    () => `${g.pick(['bogus', 'GET', 'stats noreply', 'verbosity', 'incr', 'cas k0', ''])} ${g.latin1(g.int(6)).replace(/[\r\n]/g, '')}\r\n`,
  ];
  return Array.from({ length }, () => g.pick(requests)());
}

/** Runs script on one connection; CAS uniques in the replies are replaced by <cas>. */
async function runScript(port: number, script: string[]): Promise<string[]> {
  const c = await MemcachedClient.connect(port);
  try {
    const replies: string[] = [];
    let cas = '0';
    for (const request of script) {
      const reply = await c.exchange(request.replaceAll('{cas}', cas));
      cas = /^VALUE \S+ \d+ \d+ (\d+)\r\n/.exec(reply)?.[1] ?? cas;
      replies.push(reply.replace(/^(VALUE \S+ \d+ \d+) \d+\r\n/gm, '$1 <cas>\r\n'));
    }
    return replies;
  } finally {
    c.close();
  }
}

describe('memcached front end', () => {
  let keyhive: RunningServer;
  let memcached: ReferenceMemcached;
  before(async () => {
    keyhive = await startServer({ port: 0, loglevel: 'nothing', memcachedPort: 0 });
    memcached = await startMemcached();
  });
  after(async () => {
    await keyhive?.close();
    await memcached?.close();
  });

  function memcachedPort(): number {
    assert.ok(keyhive.memcachedPort !== null && keyhive.memcachedPort > 0);
    return keyhive.memcachedPort;
  }

  it('answers every request of the script as Debian\'s memcached does, byte for byte', async () => {
    const ours = await runScript(memcachedPort(), SCRIPT);
    const theirs = await runScript(memcached.port, SCRIPT);
    for (const [i, request] of SCRIPT.entries()) assert.equal(ours[i], theirs[i], `${JSON.stringify(request.slice(0, 60))}`);
  });

  it('answers seeded random request sequences as Debian\'s memcached does', async () => {
    // FUZZ_SEED replays one seed, as for the other fuzzers (README, Tests).
    for (const seed of process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : [1, 2, 3]) {
      const script = randomScript(seed, 300);
      for (const port of [memcachedPort(), memcached.port]) await runScript(port, ['flush_all\r\n']);
      const ours = await runScript(memcachedPort(), script);
      const theirs = await runScript(memcached.port, script);
      for (const [i, request] of script.entries()) assert.equal(ours[i], theirs[i], `seed ${seed}, request ${i}: ${JSON.stringify(request.slice(0, 80))}`);
    }
  });

  it('the same requests split at every byte boundary get the same replies', async () => {
    const request = 'set split 1 0 5\r\nhello\r\nget split\r\nincr split 1\r\ndelete split\r\n';
    const expected = 'STORED\r\nVALUE split 1 5\r\nhello\r\nEND\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nDELETED\r\n';
    for (const chunk of [1, 2, 3, 7]) {
      const c = await MemcachedClient.connect(memcachedPort());
      for (let i = 0; i < request.length; i += chunk) {
        c.socket.write(Buffer.from(request.slice(i, i + chunk), 'latin1'));
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(await c.exchange(''), expected, `chunks of ${chunk}`);
      c.close();
    }
  });

  it('passes libmemcached\'s memccapable text-protocol conformance run', async () => {
    const run = await runProcess('memccapable', ['-h', '127.0.0.1', '-p', String(memcachedPort()), '-a']);
    assert.match(run.stdout + run.stderr, /All tests passed/, run.stdout + run.stderr);
    assert.equal(run.code, 0);
  });

  it('shares its keys with Redis clients, both ways', async () => {
    const mc = await MemcachedClient.connect(memcachedPort());
    const redis = await RawClient.connect(keyhive.port);
    try {
      assert.equal(await mc.exchange('set shared 12 0 5\r\nhello\r\n'), 'STORED\r\n');
      assert.equal(await redis.call('GET', 'shared'), 'hello');
      assert.equal(await redis.call('APPEND', 'shared', '!'), 6);
      // A Redis write leaves the item without its memcached flags.
      assert.equal(await mc.exchange('get shared\r\n'), 'VALUE shared 0 6\r\nhello!\r\nEND\r\n');
      assert.equal(await redis.call('SET', 'counter', '41'), 'OK');
      assert.equal(await mc.exchange('incr counter 1\r\n'), '42\r\n');
      assert.equal(await redis.call('INCR', 'counter'), 43);
      // A shorter number is stored as it is, where memcached would pad it with a space ("9 "): Redis reads an integer.
      assert.equal(await mc.exchange('set ten 0 0 2\r\n10\r\ndecr ten 1\r\n'), 'STORED\r\n9\r\n');
      assert.equal(await redis.call('INCR', 'ten'), 10);
      assert.equal(await mc.exchange('set ttl 0 100 1\r\nx\r\n'), 'STORED\r\n');
      const ttl = Number(await redis.call('TTL', 'ttl'));
      assert.ok(ttl > 95 && ttl <= 100, `TTL ${ttl}`);
      assert.equal(await redis.call('HSET', 'hash', 'f', 'v'), 1);
      assert.equal(await mc.exchange('get hash\r\n'), 'END\r\n', 'a key of another Redis type is a miss');
      assert.equal(await redis.call('SELECT', '1'), 'OK');
      assert.equal(await redis.call('SET', 'elsewhere', 'v'), 'OK');
      assert.equal(await mc.exchange('get elsewhere\r\n'), 'END\r\n', 'memcached sees database 0 only');
      await redis.call('SELECT', '0');
      // A Redis write between gets and cas makes the cas fail, as a memcached write would.
      const gets = await mc.exchange('gets shared\r\n');
      const unique = /^VALUE shared 0 6 (\d+)\r\n/.exec(gets)?.[1];
      assert.ok(unique !== undefined, gets);
      assert.equal(await redis.call('SET', 'shared', 'changed'), 'OK');
      assert.equal(await mc.exchange(`cas shared 0 0 1 ${unique}\r\nx\r\n`), 'EXISTS\r\n');
      // WATCH sees memcached writes.
      assert.equal(await redis.call('WATCH', 'shared'), 'OK');
      assert.equal(await redis.call('MULTI'), 'OK');
      assert.equal(await redis.call('SET', 'shared', 'from-redis'), 'QUEUED');
      assert.equal(await mc.exchange('set shared 0 0 3\r\nnew\r\n'), 'STORED\r\n');
      assert.equal(await redis.call('EXEC'), null);
      assert.equal(await mc.exchange('delete shared\r\n'), 'DELETED\r\n');
      assert.equal(await redis.call('EXISTS', 'shared'), 0);
      assert.equal(await mc.exchange('flush_all\r\n'), 'OK\r\n');
      assert.equal(await redis.call('DBSIZE'), 0);
    } finally {
      mc.close();
      redis.close();
    }
  });

  it('refuses a value over 1 MB and reads on after it; a line with no end closes only that connection', async () => {
    const c = await MemcachedClient.connect(memcachedPort());
    const size = 1024 * 1024 + 1;
    assert.equal(await c.exchange(`set huge 0 0 ${size}\r\n${'x'.repeat(size)}\r\nget huge\r\n`), 'SERVER_ERROR object too large for cache\r\nEND\r\n');
    const flood = await MemcachedClient.connect(memcachedPort());
    assert.equal(await flood.sendUntilClosed('get ' + 'k'.repeat(70 * 1024)), 'CLIENT_ERROR line too long\r\n');
    assert.equal(await c.exchange('set after 0 0 2\r\nok\r\nget after\r\n'), 'STORED\r\nVALUE after 0 2\r\nok\r\nEND\r\n');
    c.close();
  });

  it('a pipeline of GETs of large values is answered whole, however far its replies run past the high water', async () => {
    const c = await MemcachedClient.connect(memcachedPort());
    const value = 'v'.repeat(1000 * 1000);
    assert.equal(await c.exchange(`set large 0 0 ${value.length}\r\n${value}\r\n`), 'STORED\r\n');
    const replies = await c.exchange('get large\r\n'.repeat(40));
    assert.equal(replies, `VALUE large 0 ${value.length}\r\n${value}\r\nEND\r\n`.repeat(40));
    c.close();
  });

  it('quit closes the connection; stats reports the counters memcached names', async () => {
    const c = await MemcachedClient.connect(memcachedPort());
    const stats = await c.exchange('stats\r\n');
    for (const name of ['pid', 'uptime', 'curr_connections', 'cmd_get', 'cmd_set', 'get_hits', 'get_misses', 'curr_items']) assert.match(stats, new RegExp(`^STAT ${name} \\d+\\r$`, 'm'));
    assert.match(stats, /^STAT version 1\.6\.18-keyhive\r$/m);
    assert.equal(await c.sendUntilClosed('quit\r\n'), '');
    assert.ok(c.closed);
  });
});

describe('bin/keyhive --memcached-port', () => {
  it('serves memcached on the port given, and refuses a bad one before listening', async () => {
    const server = await spawnKeyhive(['--memcached-port', '0']);
    try {
      const port = Number(/memcached text protocol on 127\.0\.0\.1 port (\d+)/.exec(server.output())?.[1]);
      const c = await MemcachedClient.connect(port);
      assert.equal(await c.exchange('set k 0 0 1\r\nv\r\nget k\r\n'), 'STORED\r\nVALUE k 0 1\r\nv\r\nEND\r\n');
      c.close();
    } finally {
      await server.stop();
    }
    await assert.rejects(spawnKeyhive(['--memcached-port', 'many']), (e: Error) => /--memcached-port needs a port number \(0-65535\), got 'many'/.test(e.message) && /code 1/.test(e.message));
  });
});
