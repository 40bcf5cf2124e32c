import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeDifferential, type Connect, type Step } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';
import { Generator } from '../support/prng.js';

/** Bytes that LZF cannot shorten. */
function randomBytes(n: number, seed: number): string {
  return new Generator(seed).latin1(n);
}

/** Values of every type and encoding whose DUMP is deterministic, so both servers must give the same bytes. */
const SMALL_VALUES: Step[] = [
  ['SET', 'int8', '-12'],
  ['SET', 'int16', '3000'],
  ['SET', 'int32', '-2000000000'],
  ['SET', 'int64', '9000000000'],
  ['SET', 'leading-zero', '007'],
  ['SET', 'empty', ''],
  ['SET', 'short', 'hello world'],
  ['SET', 'twenty', 'x'.repeat(20)],
  ['SET', 'compressible', 'abc'.repeat(40)],
  ['SET', 'incompressible', randomBytes(300, 1)],
  ['SET', 'counter', '10'],
  ['INCRBY', 'counter', '5'],
  ['APPEND', 'appended', 'abc'],
  ['SETRANGE', 'ranged', '30', 'z'],
  ['RPUSH', 'list', 'a', '1', '-5', '300', '70000', '5000000000', 'b'.repeat(70), randomBytes(5000, 2)],
  ['LPUSH', 'list-head', 'x', 'y', 'z'],
  ['SADD', 'intset16', '1', '2', '-3'],
  ['SADD', 'intset32', '1', '100000'],
  ['SADD', 'intset64', '-1', '5000000000'],
  ['HSET', 'hash', 'f1', 'v1', 'n', '42', 'long', 'l'.repeat(60)],
  ['ZADD', 'zset', '1', 'one', '2.5', 'two-and-half', '-3', 'minus', '1e20', 'big', 'inf', 'top', '-inf', 'bottom'],
];

const KEYS = ['int8', 'int16', 'int32', 'int64', 'leading-zero', 'empty', 'short', 'twenty', 'compressible', 'incompressible', 'counter', 'appended', 'ranged', 'list', 'list-head', 'intset16', 'intset32', 'intset64', 'hash', 'zset'];

/** Reads a key back whole, in a form that does not depend on hash table order. */
async function contents(c: RawClient, key: string): Promise<unknown> {
  const type = await c.call('TYPE', key);
  const sorted = (v: RespValue) => (v as string[]).slice().sort();
  switch (type) {
    case 'string':
      return ['string', await c.call('GET', key)];
    case 'list':
      return ['list', await c.call('LRANGE', key, 0, -1)];
    case 'set':
      return ['set', sorted(await c.call('SMEMBERS', key))];
    case 'hash': {
      const flat = (await c.call('HGETALL', key)) as string[];
      const pairs: string[] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
      return ['hash', pairs.sort()];
    }
    case 'zset':
      return ['zset', await c.call('ZRANGE', key, 0, -1, 'WITHSCORES')];
    default:
      return [type];
  }
}

/** Values too large for one listpack, whose encodings both servers agree on (OBJECT ENCODING is compared) but whose dump order may differ. */
function largeValues(): string[][] {
  const many = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
  return [
    ['RPUSH', 'biglist', ...many(3000, (i) => [`element-${i}-${'p'.repeat(i % 50)}`])],
    ['SADD', 'bigset', ...many(600, (i) => [`member-${i}`])],
    ['SADD', 'bigintset', ...many(600, (i) => [String(i * 7919 - 100000)])],
    ['HSET', 'bighash', ...many(300, (i) => [`field-${i}`, `value-${i}`])],
    ['HSET', 'longvaluehash', 'f', 'v'.repeat(100)],
    ['ZADD', 'bigzset', ...many(300, (i) => [String(i / 3), `member-${i}`])],
    ['SET', 'bigstring', 'bigstring '.repeat(100000)],
    ['SET', 'bigrandom', randomBytes(70000, 3)],
  ];
}

async function dumpOf(c: RawClient, key: string): Promise<Buffer> {
  const payload = await c.call('DUMP', key);
  assert.equal(typeof payload, 'string', `DUMP ${key}`);
  return Buffer.from(payload as string, 'latin1');
}

describeDifferential('DUMP and RESTORE', (t) => {
  t.sequence('DUMP of every type and encoding gives Redis 7.0 payloads byte for byte', [
    ...SMALL_VALUES,
    ...KEYS.map((key) => ['DUMP', key]),
    ['CONFIG', 'SET', 'rdbcompression', 'no'],
    ['DUMP', 'compressible'],
    ['DUMP', 'list'],
    ['CONFIG', 'SET', 'rdbcompression', 'yes'],
    ['DUMP', 'missing'],
    ['DUMP'],
    ['DUMP', 'a', 'b'],
  ]);

  t.sequence('RESTORE refuses what Redis refuses, in Redis order', [
    ['SET', 'k', 'v'],
    ['RESTORE', 'k', '0', 'junk'],
    ['RESTORE', 'new', '0', 'junk'],
    ['RESTORE', 'new', '-1', 'junk'],
    ['RESTORE', 'new', 'x', 'junk'],
    ['RESTORE', 'new', '0', 'junk', 'FOO'],
    ['RESTORE', 'new', '0', 'junk', 'IDLETIME'],
    ['RESTORE', 'new', '0', 'junk', 'IDLETIME', '-1'],
    ['RESTORE', 'new', '0', 'junk', 'IDLETIME', 'x'],
    ['RESTORE', 'new', '0', 'junk', 'FREQ', '256'],
    ['RESTORE', 'new', '0', 'junk', 'IDLETIME', '10', 'FREQ', '5'],
    ['RESTORE', 'new', '0', 'junk', 'FREQ', '5', 'IDLETIME', '10'],
    ['RESTORE', 'new', '0', 'short'],
    ['RESTORE', 'new', '0'],
    ['EXISTS', 'new'],
  ]);

  /** Each key is dumped and restored under a new name on the same server, with every option, and read back. */
  const roundTrip = async (connect: Connect): Promise<string[]> => {
    const c = await connect();
    const out: string[] = [];
    for (const step of SMALL_VALUES) await c.call(...(step as string[]));
    for (const key of KEYS) {
      const payload = await dumpOf(c, key);
      out.push(await c.callRaw('RESTORE', `${key}:copy`, 0, payload));
      out.push(await c.callRaw('RESTORE', `${key}:copy`, 0, payload));
      out.push(await c.callRaw('RESTORE', `${key}:copy`, 0, payload, 'REPLACE'));
      out.push(await c.callRaw('DUMP', `${key}:copy`));
      out.push(await c.callRaw('OBJECT', 'ENCODING', `${key}:copy`));
      out.push(JSON.stringify(await contents(c, `${key}:copy`)));
      out.push(await c.callRaw('TTL', `${key}:copy`));
    }
    const payload = await dumpOf(c, 'short');
    out.push(await c.callRaw('RESTORE', 'ttl', 100000, payload));
    out.push(String(Number(await c.call('PTTL', 'ttl')) > 99000));
    out.push(await c.callRaw('RESTORE', 'abs', 4102444800000, payload, 'ABSTTL'));
    out.push(await c.callRaw('PEXPIRETIME', 'abs'));
    out.push(await c.callRaw('RESTORE', 'idle', 0, payload, 'IDLETIME', 1000));
    out.push(String(Number(await c.call('OBJECT', 'IDLETIME', 'idle')) >= 1000));
    // Already expired: OK, and no key; with REPLACE the old key is deleted.
    out.push(await c.callRaw('RESTORE', 'past', 1, payload, 'ABSTTL'));
    out.push(await c.callRaw('EXISTS', 'past'));
    out.push(await c.callRaw('RESTORE', 'short', 1, payload, 'ABSTTL', 'REPLACE'));
    out.push(await c.callRaw('EXISTS', 'short'));
    // A payload with a flipped byte fails its checksum; one from a newer RDB version is refused too.
    const flipped = Buffer.from(payload);
    flipped[1] ^= 1;
    out.push(await c.callRaw('RESTORE', 'bad', 0, flipped));
    const newer = Buffer.from(payload);
    newer.writeUInt16LE(11, newer.length - 10);
    out.push(await c.callRaw('RESTORE', 'bad', 0, newer));
    // DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 lets the flipped payload in; the version is still checked.
    out.push(await c.callRaw('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'));
    out.push(await c.callRaw('RESTORE', 'unchecked', 0, flipped));
    out.push(await c.callRaw('GET', 'unchecked'));
    out.push(await c.callRaw('RESTORE', 'bad', 0, newer));
    out.push(await c.callRaw('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0'));
    return out;
  };
  t.scenario('RESTORE of each DUMP gives the same key again, with TTL, ABSTTL, IDLETIME and REPLACE', roundTrip);

  t.scenario('RESTORE reports the restored key to WATCH and keyspace notifications', async (connect) => {
    const c = await connect();
    const watcher = await connect();
    const subscriber = await connect();
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await subscriber.call('PSUBSCRIBE', '__keyspace@9__:*');
    await c.call('SET', 'source', 'value');
    const payload = await dumpOf(c, 'source');
    await watcher.call('WATCH', 'target');
    await c.call('RESTORE', 'target', 0, payload);
    await watcher.call('MULTI');
    await watcher.call('PING');
    const exec = await watcher.callRaw('EXEC');
    await c.call('RESTORE', 'target', 1, payload, 'ABSTTL', 'REPLACE');
    await c.call('SET', 'end', 'x');
    const events: string[] = [];
    for (;;) {
      const message = (await subscriber.read()) as string[];
      events.push(`${message[2]} ${message[3]}`);
      if (message[2].endsWith(':end')) break;
    }
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    return [exec, ...events];
  });

  t.scenario('large values: encodings kept and contents equal after RESTORE on the same server', async (connect) => {
    const c = await connect();
    const out: string[] = [];
    for (const cmd of largeValues()) {
      await c.call(...cmd);
      const key = cmd[1];
      out.push(await c.callRaw('RESTORE', `${key}:copy`, 0, await dumpOf(c, key)));
      out.push(`${await c.call('OBJECT', 'ENCODING', key)} ${await c.call('OBJECT', 'ENCODING', `${key}:copy`)}`);
      assert.deepEqual(await contents(c, `${key}:copy`), await contents(c, key), key);
    }
    return out;
  });

  it('payloads move between Keyhive and Redis both ways, large values included', async () => {
    const keyhive = await RawClient.connect(t.servers.keyhive().port);
    const redis = await RawClient.connect(t.servers.redis().port);
    try {
      for (const c of [keyhive, redis]) {
        await c.call('SELECT', '9');
        await c.call('FLUSHDB');
        for (const step of [...SMALL_VALUES, ...largeValues()]) await c.call(...(step as string[]));
      }
      const keys = [...KEYS, ...largeValues().map((cmd) => cmd[1])];
      for (const [from, to, label] of [
        [keyhive, redis, 'Keyhive to Redis'],
        [redis, keyhive, 'Redis to Keyhive'],
      ] as const) {
        for (const key of keys) {
          const payload = await dumpOf(from, key);
          assert.equal(await to.call('RESTORE', `${key}:moved`, 0, payload, 'REPLACE'), 'OK', `${label}: ${key}`);
          assert.deepEqual(await contents(to, `${key}:moved`), await contents(from, key), `${label}: ${key}`);
        }
      }
      // Each server encodes what it restored by its own rules (a string SETRANGE made raw is restored embstr): alike on both.
      for (const key of keys) {
        assert.equal(await keyhive.call('OBJECT', 'ENCODING', `${key}:moved`), await redis.call('OBJECT', 'ENCODING', `${key}:moved`), `encoding of ${key}`);
      }
    } finally {
      keyhive.close();
      redis.close();
    }
  });
});
