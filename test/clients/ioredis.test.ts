/**
 * ioredis over real sockets against an embedded Keyhive, in RESP3 (its
 * default: HELLO 3 on connect, RESP2-shaped replies) and in RESP2, plus its
 * "resp3" reply mapping where maps become objects and doubles numbers:
 * connection, strings, keys, transactions and server commands as an
 * application calls them, binary values as Buffers included.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis, type RedisOptions } from 'ioredis';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Flat [k1, v1, k2, v2, ...] reply to an object. */
function pairs(flat: unknown): Record<string, unknown> {
  assert.ok(Array.isArray(flat), `a flat array of pairs: ${JSON.stringify(flat)}`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

/** Every key a scanStream emits. */
function scanAll(redis: Redis, options: Parameters<Redis['scanStream']>[0]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const keys: string[] = [];
    const stream = redis.scanStream(options);
    stream.on('data', (batch: string[]) => keys.push(...batch));
    stream.on('end', () => resolve(keys));
    stream.on('error', reject);
  });
}

let server: RunningServer;
const opened: Redis[] = [];

function connect(options: RedisOptions = {}): Redis {
  const redis = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => null, ...options });
  redis.on('error', () => {});
  opened.push(redis);
  return redis;
}

before(async () => {
  server = await startKeyhive();
});
after(async () => {
  for (const redis of opened) redis.disconnect();
  await server?.close();
});

function describeIoredis(protocol: 2 | 3): void {
  describe(`ioredis, RESP${protocol}`, () => {
    let redis: Redis;
    let other: Redis;
    /** On db 10, for commands that see the whole keyspace. */
    let scratch: Redis;
    const p = `io${protocol}:`;
    before(() => {
      redis = connect({ protocol });
      other = connect({ protocol });
      scratch = connect({ protocol, db: 10 + protocol });
    });

    describe('connection', () => {
      it('PING and ECHO', async () => {
        assert.equal(await redis.ping(), 'PONG');
        assert.equal(await redis.ping('hi'), 'hi');
        assert.equal(await redis.echo('bin\r\n\x00ary'), 'bin\r\n\x00ary');
      });

      it('HELLO reports the protocol in use', async () => {
        const hello = pairs(await redis.call('HELLO'));
        assert.equal(hello.server, 'redis');
        assert.match(String(hello.version), /^7\.0\./);
        assert.equal(hello.proto, protocol);
        assert.equal(hello.id, await redis.client('ID'));
        assert.equal(hello.mode, 'standalone');
      });

      it('SELECT', async () => {
        const c = connect({ protocol });
        assert.equal(await c.select(4), 'OK');
        await c.set(`${p}sel`, 'db4');
        assert.equal(await c.select(0), 'OK');
        assert.equal(await c.get(`${p}sel`), null);
        await assert.rejects(c.select(100), { message: 'ERR DB index is out of range' });
        c.disconnect();
      });

      it('CLIENT SETNAME, GETNAME, ID, LIST', async () => {
        assert.equal(await redis.client('SETNAME', `ioredis-${protocol}`), 'OK');
        assert.equal(await redis.client('GETNAME'), `ioredis-${protocol}`);
        const id = await redis.client('ID');
        assert.ok(typeof id === 'number' && id > 0);
        const list = String(await redis.client('LIST'));
        const mine = list.split('\n').find((line) => line.startsWith(`id=${id} `));
        assert.ok(mine, `id=${id} in CLIENT LIST:\n${list}`);
        assert.match(mine, new RegExp(` name=ioredis-${protocol} `));
        assert.match(mine, new RegExp(` resp=${protocol} `));
        assert.match(mine, / cmd=client\|list /);
        assert.match(mine, / lib-name=ioredis /);
      });
    });

    describe('strings', () => {
      it('SET with every option', async () => {
        const k = `${p}s`;
        assert.equal(await redis.set(k, 'v1'), 'OK');
        assert.equal(await redis.set(k, 'v2', 'NX'), null);
        assert.equal(await redis.set(k, 'v2', 'XX'), 'OK');
        assert.equal(await redis.set(`${p}nope`, 'v', 'XX'), null);
        assert.equal(await redis.set(k, 'v3', 'GET'), 'v2');
        assert.equal(await redis.set(k, 'v4', 'EX', 100), 'OK');
        assert.ok([99, 100].includes(await redis.ttl(k)));
        assert.equal(await redis.set(k, 'v5', 'PX', 100000, 'XX', 'GET'), 'v4');
        assert.ok((await redis.pttl(k)) > 99000);
        assert.equal(await redis.set(k, 'v6', 'KEEPTTL'), 'OK');
        assert.ok((await redis.pttl(k)) > 0);
        const at = nowSeconds() + 300;
        assert.equal(await redis.set(k, 'v7', 'EXAT', at), 'OK');
        assert.equal(await redis.expiretime(k), at);
        assert.equal(await redis.set(k, 'v8', 'PXAT', at * 1000 + 5), 'OK');
        assert.equal(await redis.pexpiretime(k), at * 1000 + 5);
        assert.equal(await redis.call('SET', k, 'v9', 'NX', 'GET'), 'v8');
        await assert.rejects(redis.call('SET', k, 'v', 'EX', 10, 'PX', 10), { message: 'ERR syntax error' });
        await assert.rejects(redis.call('SET', k, 'v', 'KEEPTTL', 'EX', 10), { message: 'ERR syntax error' });
        await assert.rejects(redis.call('SET', k, 'v', 'PX', -1), { message: "ERR invalid expire time in 'set' command" });
      });

      it('SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX', async () => {
        assert.equal(await redis.setnx(`${p}nx`, 'a'), 1);
        assert.equal(await redis.setnx(`${p}nx`, 'b'), 0);
        assert.equal(await redis.setex(`${p}ex`, 100, 'v'), 'OK');
        assert.ok((await redis.ttl(`${p}ex`)) > 0);
        assert.equal(await redis.psetex(`${p}pex`, 100000, 'v'), 'OK');
        assert.ok((await redis.pttl(`${p}pex`)) > 99000);
        assert.equal(await redis.getset(`${p}ex`, 'new'), 'v');
        assert.equal(await redis.ttl(`${p}ex`), -1);
        assert.equal(await redis.getex(`${p}ex`, 'EX', 100), 'new');
        assert.ok((await redis.ttl(`${p}ex`)) > 0);
        assert.equal(await redis.getex(`${p}ex`, 'PERSIST'), 'new');
        assert.equal(await redis.ttl(`${p}ex`), -1);
        assert.equal(await redis.getex(`${p}ex`), 'new');
        await assert.rejects(redis.call('GETEX', `${p}ex`, 'EX', 10, 'PERSIST'), { message: 'ERR syntax error' });
        assert.equal(await redis.getdel(`${p}ex`), 'new');
        assert.equal(await redis.getdel(`${p}ex`), null);
      });

      it('MGET, MSET, MSETNX', async () => {
        assert.equal(await redis.mset(`${p}m1`, 'a', `${p}m2`, 'b'), 'OK');
        assert.equal(await redis.mset({ [`${p}m3`]: 'c' }), 'OK');
        assert.deepEqual(await redis.mget(`${p}m1`, `${p}m2`, `${p}m3`, `${p}none`), ['a', 'b', 'c', null]);
        assert.equal(await redis.msetnx(`${p}m4`, 'd', `${p}m5`, 'e'), 1);
        assert.equal(await redis.msetnx(`${p}m5`, 'x', `${p}m6`, 'f'), 0);
        assert.equal(await redis.exists(`${p}m6`), 0);
      });

      it('APPEND, STRLEN, GETRANGE, SETRANGE', async () => {
        const k = `${p}a`;
        assert.equal(await redis.append(k, 'foo'), 3);
        assert.equal(await redis.append(k, 'bar'), 6);
        assert.equal(await redis.strlen(k), 6);
        assert.equal(await redis.getrange(k, 1, -2), 'ooba');
        assert.equal(await redis.getrange(k, -100, 100), 'foobar');
        assert.equal(await redis.setrange(k, 3, 'BAZ!'), 7);
        assert.equal(await redis.get(k), 'fooBAZ!');
        assert.equal(await redis.setrange(`${p}empty`, 0, ''), 0);
        assert.equal(await redis.exists(`${p}empty`), 0, 'SETRANGE with nothing to write creates no key');
      });

      it('INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT', async () => {
        const k = `${p}n`;
        assert.equal(await redis.incr(k), 1);
        assert.equal(await redis.incrby(k, 9), 10);
        assert.equal(await redis.decr(k), 9);
        assert.equal(await redis.decrby(k, 19), -10);
        await redis.set(k, '-9223372036854775808');
        await assert.rejects(redis.decr(k), { message: 'ERR increment or decrement would overflow' });
        await redis.set(k, ' 1');
        await assert.rejects(redis.incr(k), { message: 'ERR value is not an integer or out of range' });
        assert.equal(await redis.incrbyfloat(`${p}f`, '3.0e3'), '3000');
        assert.equal(await redis.incrbyfloat(`${p}f`, 0.25), '3000.25');
        await redis.set(`${p}f`, '1.5abc');
        await assert.rejects(redis.incrbyfloat(`${p}f`, 1), { message: 'ERR value is not a valid float' });
      });

      it('LCS', async () => {
        await redis.mset(`${p}l1`, 'ohmytext', `${p}l2`, 'mynewtext');
        assert.equal(await redis.lcs(`${p}l1`, `${p}l2`), 'mytext');
        assert.equal(await redis.lcs(`${p}l1`, `${p}l2`, 'LEN'), 6);
        assert.deepEqual(pairs(await redis.call('LCS', `${p}l1`, `${p}l2`, 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN')), {
          matches: [[[4, 7], [5, 8], 4]],
          len: 6,
        });
        await assert.rejects(redis.call('LCS', `${p}l1`, `${p}l2`, 'LEN', 'IDX'), {
          message: 'ERR If you want both the length and indexes, please just use IDX.',
        });
      });

      it('binary values as Buffers', async () => {
        const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
        const value = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
        assert.equal(await redis.set(key, value), 'OK');
        assert.deepEqual(await redis.getBuffer(key), value);
        assert.deepEqual(await redis.mgetBuffer(key, `${p}none`), [value, null]);
        assert.deepEqual(await redis.getrangeBuffer(key, 0, 1), Buffer.from([255, 254]));
        assert.equal(await redis.append(key, Buffer.from([0xc3, 0x28])), 258);
        assert.deepEqual((await redis.getBuffer(key))?.subarray(256), Buffer.from([0xc3, 0x28]), 'invalid UTF-8 survives');
        const large = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
        await redis.set(`${p}large`, large);
        assert.deepEqual(await redis.getBuffer(`${p}large`), large);
        assert.deepEqual(await redis.getdelBuffer(key), Buffer.concat([value, Buffer.from([0xc3, 0x28])]));
      });
    });

    describe('keys', () => {
      it('DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX', async () => {
        await redis.mset(`${p}k1`, '1', `${p}k2`, '2');
        await redis.sadd(`${p}kset`, 'm');
        assert.equal(await redis.exists(`${p}k1`, `${p}k2`, `${p}kset`, `${p}none`), 3);
        assert.equal(await redis.type(`${p}kset`), 'set');
        assert.equal(await redis.type(`${p}none`), 'none');
        assert.equal(await redis.rename(`${p}k1`, `${p}k3`), 'OK');
        assert.equal(await redis.renamenx(`${p}k3`, `${p}k2`), 0);
        assert.equal(await redis.renamenx(`${p}k3`, `${p}k4`), 1);
        assert.equal(await redis.del(`${p}k2`, `${p}k4`, `${p}none`), 2);
        assert.equal(await redis.unlink(`${p}kset`), 1);
        assert.equal(await redis.exists(`${p}k1`, `${p}k2`, `${p}k3`, `${p}k4`, `${p}kset`), 0);
      });

      it('COPY and MOVE across databases', async () => {
        await scratch.flushdb();
        await redis.set(`${p}src`, 'v', 'EX', 100);
        const db = String(10 + protocol);
        assert.equal(await redis.copy(`${p}src`, `${p}dst`, 'DB', db), 1);
        assert.equal(await scratch.get(`${p}dst`), 'v');
        assert.ok((await scratch.ttl(`${p}dst`)) > 0, 'COPY copies the TTL');
        assert.equal(await redis.copy(`${p}src`, `${p}dst`, 'DB', db), 0);
        assert.equal(await redis.copy(`${p}src`, `${p}dst`, 'DB', db, 'REPLACE'), 1);
        await scratch.set(`${p}src`, 'there');
        assert.equal(await redis.move(`${p}src`, db), 0, 'the key exists there');
        assert.equal(await redis.move(`${p}none`, db), 0);
        await scratch.del(`${p}src`);
        assert.equal(await redis.move(`${p}src`, db), 1);
        assert.equal(await scratch.get(`${p}src`), 'v');
        await assert.rejects(redis.call('COPY', `${p}a`, `${p}b`, 'DB', 99), { message: 'ERR DB index is out of range' });
      });

      it('DUMP as a Buffer and RESTORE with a TTL, REPLACE and a bad payload', async () => {
        await redis.hset(`${p}h`, 'field', Buffer.from([0, 255, 10, 13]));
        const payload = await redis.dumpBuffer(`${p}h`);
        assert.ok(Buffer.isBuffer(payload) && payload.length > 10);
        assert.equal(await redis.dumpBuffer(`${p}missing`), null);
        assert.equal(await redis.restore(`${p}copy`, 60000, payload), 'OK');
        assert.deepEqual(await redis.hgetallBuffer(`${p}copy`), { field: Buffer.from([0, 255, 10, 13]) });
        const ttl = await redis.pttl(`${p}copy`);
        assert.ok(ttl > 59000 && ttl <= 60000, `TTL ${ttl}`);
        await assert.rejects(redis.restore(`${p}copy`, 0, payload), { message: 'BUSYKEY Target key name already exists.' });
        assert.equal(await redis.restore(`${p}copy`, 0, payload, 'REPLACE'), 'OK');
        assert.equal(await redis.pttl(`${p}copy`), -1);
        const damaged = Buffer.from(payload);
        damaged[payload.length - 1] ^= 1;
        await assert.rejects(redis.restore(`${p}other`, 0, damaged), { message: 'ERR DUMP payload version or checksum are wrong' });
      });

      it('KEYS, scanStream with MATCH, COUNT and TYPE, RANDOMKEY, TOUCH, OBJECT', async () => {
        await scratch.flushdb();
        assert.equal(await scratch.randomkey(), null);
        const names = Array.from({ length: 250 }, (_, i) => `scan:${i}`);
        await scratch.mset(...names.flatMap((n) => [n, n]));
        await scratch.zadd('scan:zset', 1, 'a');
        assert.deepEqual((await scratch.keys('scan:2?')).sort(), Array.from({ length: 10 }, (_, i) => `scan:2${i}`).sort());
        const all = await scanAll(scratch, { match: 'scan:*', count: 20 });
        assert.deepEqual([...new Set(all)].sort(), [...names, 'scan:zset'].sort());
        assert.deepEqual(await scanAll(scratch, { type: 'zset' }), ['scan:zset']);
        assert.ok((await scratch.randomkey())?.startsWith('scan:'));
        assert.equal(await scratch.touch('scan:1', 'scan:2', 'none'), 2);
        assert.equal(await scratch.object('ENCODING', 'scan:1'), 'embstr');
        assert.equal(await scratch.object('ENCODING', 'scan:zset'), 'listpack');
        assert.equal(await scratch.object('REFCOUNT', 'scan:1'), 1);
        assert.ok((await scratch.object('IDLETIME', 'scan:1')) as number >= 0);
        await scratch.flushdb();
      });

      it('EXPIRE NX/XX/GT/LT, PEXPIRE, EXPIREAT, TTL, PTTL, EXPIRETIME, PERSIST', async () => {
        const k = `${p}e`;
        await redis.set(k, 'v');
        assert.equal(await redis.expire(k, 100, 'XX'), 0);
        assert.equal(await redis.expire(k, 100, 'NX'), 1);
        assert.equal(await redis.expire(k, 200, 'NX'), 0);
        assert.equal(await redis.expire(k, 50, 'GT'), 0);
        assert.equal(await redis.expire(k, 50, 'LT'), 1);
        assert.equal(await redis.pexpire(k, 60000, 'GT'), 1);
        const pttl = await redis.pttl(k);
        assert.ok(pttl > 59000 && pttl <= 60000);
        const at = nowSeconds() + 1000;
        assert.equal(await redis.expireat(k, at), 1);
        assert.equal(await redis.expiretime(k), at);
        assert.equal(await redis.pexpireat(k, at * 1000), 1);
        assert.equal(await redis.pexpiretime(k), at * 1000);
        assert.equal(await redis.persist(k), 1);
        assert.equal(await redis.ttl(k), -1);
        assert.equal(await redis.expiretime(k), -1);
        assert.equal(await redis.ttl(`${p}none`), -2);
        assert.equal(await redis.pttl(`${p}none`), -2);
        await assert.rejects(redis.call('EXPIRE', k, 'soon'), { message: 'ERR value is not an integer or out of range' });
        await assert.rejects(redis.call('EXPIRE', k, 10, 'GT', 'LT'), { message: 'ERR GT and LT options at the same time are not compatible' });
        await assert.rejects(redis.call('EXPIRE', k, 9223372036854775807n.toString()), { message: "ERR invalid expire time in 'expire' command" });
        assert.equal(await redis.pexpireat(k, 1), 1, 'a time in the past deletes the key');
        assert.equal(await redis.exists(k), 0);
      });
    });

    describe('transactions', () => {
      it('MULTI/EXEC gives [error, reply] pairs', async () => {
        await redis.set(`${p}txt`, 'text');
        const replies = await redis.multi().set(`${p}t`, '5').incr(`${p}t`).incr(`${p}txt`).get(`${p}t`).exec();
        assert.ok(replies);
        assert.deepEqual(
          replies.map(([, r]) => r),
          ['OK', 6, undefined, '6'],
        );
        assert.match(String(replies[2][0]), /ERR value is not an integer or out of range/);
      });

      it('a queuing error discards the transaction with EXECABORT', async () => {
        await assert.rejects(redis.multi().set(`${p}q`, '1').call('NOSUCHCOMMAND').exec(), /EXECABORT Transaction discarded because of previous errors/);
        assert.equal(await redis.exists(`${p}q`), 0);
      });

      it('WATCH failure gives null', async () => {
        const k = `${p}w`;
        const watcher = connect({ protocol });
        await redis.set(k, '1');
        assert.equal(await watcher.watch(k), 'OK');
        assert.deepEqual(await watcher.multi().incr(k).exec(), [[null, 2]]);
        assert.equal(await watcher.watch(k), 'OK');
        await other.set(k, 'changed');
        assert.equal(await watcher.multi().set(k, 'mine').exec(), null);
        assert.equal(await redis.get(k), 'changed');
        assert.equal(await watcher.watch(k), 'OK');
        await other.expire(k, 100);
        assert.equal(await watcher.multi().get(k).exec(), null, 'EXPIRE touches a watched key too');
        watcher.disconnect();
      });

      it('a pipeline of many commands', async () => {
        const pipeline = redis.pipeline();
        for (let i = 0; i < 500; i++) pipeline.incr(`${p}pl`);
        pipeline.get(`${p}pl`);
        const replies = await pipeline.exec();
        assert.ok(replies);
        assert.equal(replies.length, 501);
        assert.deepEqual(replies[499], [null, 500]);
        assert.deepEqual(replies[500], [null, '500']);
      });
    });

    describe('server', () => {
      it('INFO, CONFIG GET/SET, DBSIZE, FLUSHDB, TIME, COMMAND COUNT', async () => {
        const info = await redis.info();
        assert.match(info, /^# Server\r\n/);
        assert.match(info, new RegExp(`\r\ntcp_port:${server.port}\r\n`));
        assert.match(info, /\r\nloading:0\r\n/);
        assert.match(await redis.info('clients'), /^# Clients\r\nconnected_clients:\d+\r\n/);
        assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
        assert.equal(await redis.config('SET', 'maxmemory-samples', '7'), 'OK');
        assert.deepEqual(await redis.config('GET', 'maxmemory-samples'), ['maxmemory-samples', '7']);
        assert.equal(await redis.config('SET', 'maxmemory-samples', '5'), 'OK');
        await assert.rejects(redis.config('SET', 'maxmemory-samples', 'many'), /ERR CONFIG SET failed \(possibly related to argument 'maxmemory-samples'\)/);
        await scratch.flushdb();
        await scratch.set('a', '1');
        assert.equal(await scratch.dbsize(), 1);
        assert.equal(await scratch.flushdb(), 'OK');
        assert.equal(await scratch.dbsize(), 0);
        const [seconds, micros] = await redis.time();
        assert.ok(Math.abs(Number(seconds) - nowSeconds()) < 60);
        assert.ok(Number(micros) < 1e6);
        const count = await redis.command('COUNT');
        assert.ok(typeof count === 'number' && count > 100);
      });
    });
  });
}

describeIoredis(3);
describeIoredis(2);

describe('ioredis, RESP3 with the "resp3" reply mapping', () => {
  it('maps become objects and doubles numbers', async () => {
    const redis = connect({ protocol: 3, replyMapping: 'resp3' });
    assert.deepEqual(await redis.config('GET', 'maxmemory'), { maxmemory: '0' });
    const hello = (await redis.call('HELLO')) as Record<string, unknown>;
    assert.equal(hello.proto, 3);
    assert.equal(hello.server, 'redis');
    await redis.zadd('io:resp3:z', 1.5, 'm');
    assert.equal(await redis.zscore('io:resp3:z', 'm'), 1.5);
    assert.equal(await redis.incrbyfloat('io:resp3:f', 2.5), '2.5', 'INCRBYFLOAT stays a bulk string');
    await redis.mset('io:resp3:a', 'ohmytext', 'io:resp3:b', 'mynewtext');
    assert.deepEqual(await redis.call('LCS', 'io:resp3:a', 'io:resp3:b', 'IDX'), {
      matches: [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      len: 6,
    });
  });
});
