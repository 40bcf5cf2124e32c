/**
 * node-redis (npm `redis`), over real sockets against an embedded Keyhive, in
 * RESP3 (its default, HELLO 3 on connect) and in RESP2: connection, strings,
 * keys, transactions and server commands as an application calls them,
 * binary values through a Buffer type mapping included.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, RESP_TYPES, WatchError, MultiErrorReply } from 'redis';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

function newClient(port: number, resp: 2 | 3, database: number) {
  const c = createClient({ socket: { host: '127.0.0.1', port }, RESP: resp, database });
  c.on('error', () => {});
  return c;
}

type Client = ReturnType<typeof newClient>;

/** "key:value" lines of an INFO reply. */
function parseInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) fields.set(line.slice(0, i), line.slice(i + 1));
  }
  return fields;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function describeNodeRedis(resp: 2 | 3): void {
  describe(`node-redis, RESP${resp}`, () => {
    let server: RunningServer;
    let client: Client;
    let other: Client;
    /** A client of its own on db 9, for commands that see the whole keyspace. */
    let scratch: Client;
    const connect = async (database = 0) => {
      const c = newClient(server.port, resp, database);
      await c.connect();
      return c;
    };

    before(async () => {
      server = await startKeyhive();
      [client, other, scratch] = await Promise.all([connect(), connect(), connect(9)]);
    });
    after(async () => {
      for (const c of [client, other, scratch]) c?.destroy();
      await server?.close();
    });

    describe('connection', () => {
      it('PING and ECHO', async () => {
        assert.equal(await client.ping(), 'PONG');
        assert.equal(await client.ping('hello'), 'hello');
        assert.equal(await client.echo('bin\r\n\x00ary'), 'bin\r\n\x00ary');
      });

      it('HELLO reports the protocol in use and the client id', async () => {
        const hello = (await client.hello()) as unknown as Record<string, unknown>;
        assert.equal(hello.server, 'redis');
        assert.match(String(hello.version), /^7\.0\./);
        assert.equal(hello.proto, resp);
        assert.equal(hello.id, await client.clientId());
        assert.equal(hello.mode, 'standalone');
        assert.equal(hello.role, 'master');
        assert.deepEqual(hello.modules, []);
      });

      it('SELECT switches the database of the connection', async () => {
        const c = await connect();
        try {
          await c.select(3);
          await c.set('nr:selected', 'in db 3');
          await c.select(0);
          assert.equal(await c.get('nr:selected'), null);
          await c.select(3);
          assert.equal(await c.get('nr:selected'), 'in db 3');
          await assert.rejects(c.select(9999), /ERR DB index is out of range/);
        } finally {
          c.destroy();
        }
      });

      it('CLIENT SETNAME, GETNAME, ID, LIST and INFO', async () => {
        assert.equal(await client.clientGetName(), null);
        assert.equal(await client.clientSetName('node-redis-test'), 'OK');
        assert.equal(await client.clientGetName(), 'node-redis-test');
        await assert.rejects(client.clientSetName('has space'), /Client names cannot contain spaces, newlines or special characters/);
        const id = await client.clientId();
        assert.ok(Number.isInteger(id) && id > 0);
        const list = await client.clientList();
        assert.ok(list.length >= 3, 'all our connections are listed');
        const me = list.find((c) => c.id === id);
        assert.ok(me, `client ${id} in CLIENT LIST`);
        assert.equal(me.name, 'node-redis-test');
        assert.equal(me.db, 0);
        assert.equal(me.cmd, 'client|list');
        assert.equal(me.resp, resp);
        assert.equal(me.libName, 'node-redis');
        const info = await client.clientInfo();
        assert.equal(info.id, id);
        assert.equal(info.cmd, 'client|info');
        assert.ok(list.some((c) => c.db === 9), 'the scratch client is on db 9');
      });
    });

    describe('strings', () => {
      it('SET with every option', async () => {
        assert.equal(await client.set('nr:s', 'v1'), 'OK');
        assert.equal(await client.set('nr:s', 'v2', { condition: 'NX' }), null);
        assert.equal(await client.set('nr:s', 'v2', { condition: 'XX' }), 'OK');
        assert.equal(await client.set('nr:nope', 'v', { condition: 'XX' }), null);
        assert.equal(await client.get('nr:nope'), null);
        assert.equal(await client.set('nr:s', 'v3', { GET: true }), 'v2');
        assert.equal(await client.set('nr:s', 'v4', { condition: 'NX', GET: true }), 'v3', 'NX GET returns the old value and sets nothing');
        assert.equal(await client.get('nr:s'), 'v3');
        assert.equal(await client.set('nr:fresh', 'v', { condition: 'NX', GET: true }), null);
        assert.equal(await client.get('nr:fresh'), 'v');

        assert.equal(await client.set('nr:s', 'ex', { expiration: { type: 'EX', value: 100 } }), 'OK');
        assert.ok([99, 100].includes(await client.ttl('nr:s')));
        assert.equal(await client.set('nr:s', 'px', { expiration: { type: 'PX', value: 100000 } }), 'OK');
        const pttl = await client.pTTL('nr:s');
        assert.ok(pttl > 99000 && pttl <= 100000, `PTTL ${pttl}`);
        assert.equal(await client.set('nr:s', 'keep', { expiration: 'KEEPTTL' }), 'OK');
        assert.ok((await client.pTTL('nr:s')) > 0, 'KEEPTTL keeps the TTL');
        assert.equal(await client.set('nr:s', 'plain'), 'OK');
        assert.equal(await client.ttl('nr:s'), -1, 'a plain SET clears the TTL');
        const at = nowSeconds() + 200;
        assert.equal(await client.set('nr:s', 'exat', { expiration: { type: 'EXAT', value: at } }), 'OK');
        assert.equal(await client.expireTime('nr:s'), at);
        assert.equal(await client.set('nr:s', 'pxat', { expiration: { type: 'PXAT', value: at * 1000 + 123 } }), 'OK');
        assert.equal(await client.pExpireTime('nr:s'), at * 1000 + 123);
        assert.equal(await client.set('nr:s', 'old', { EX: 50, XX: true }), 'OK', 'the deprecated option spelling still works');
        assert.ok((await client.ttl('nr:s')) > 0);

        await assert.rejects(client.set('nr:s', 'v', { expiration: { type: 'EX', value: 0 } }), /ERR invalid expire time in 'set' command/);
        await assert.rejects(client.sendCommand(['SET', 'nr:s', 'v', 'NX', 'XX']), /ERR syntax error/);
        await assert.rejects(client.sendCommand(['SET', 'nr:s', 'v', 'EX', 'ten']), /ERR value is not an integer or out of range/);
      });

      it('SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX', async () => {
        assert.equal(await client.setNX('nr:nx', 'first'), 1);
        assert.equal(await client.setNX('nr:nx', 'second'), 0);
        assert.equal(await client.get('nr:nx'), 'first');
        assert.equal(await client.setEx('nr:ex', 100, 'v'), 'OK');
        assert.ok([99, 100].includes(await client.ttl('nr:ex')));
        assert.equal(await client.pSetEx('nr:pex', 100000, 'v'), 'OK');
        assert.ok((await client.pTTL('nr:pex')) > 99000);
        await assert.rejects(client.setEx('nr:ex', 0, 'v'), /ERR invalid expire time in 'setex' command/);
        await assert.rejects(client.pSetEx('nr:ex', -5, 'v'), /ERR invalid expire time in 'psetex' command/);
        assert.equal(await client.getSet('nr:ex', 'replaced'), 'v');
        assert.equal(await client.ttl('nr:ex'), -1, 'GETSET clears the TTL');
        assert.equal(await client.getSet('nr:gs-new', 'x'), null);
        assert.equal(await client.getEx('nr:ex', { type: 'EX', value: 100 }), 'replaced');
        assert.ok((await client.ttl('nr:ex')) > 0);
        assert.equal(await client.getEx('nr:ex', { type: 'PERSIST' }), 'replaced');
        assert.equal(await client.ttl('nr:ex'), -1);
        assert.equal(await client.getEx('nr:ex', { type: 'PXAT', value: Date.now() + 100000 }), 'replaced');
        assert.ok((await client.pTTL('nr:ex')) > 0);
        assert.equal(await client.getEx('nr:missing', { type: 'EX', value: 10 }), null);
        assert.equal(await client.getDel('nr:ex'), 'replaced');
        assert.equal(await client.getDel('nr:ex'), null);
        assert.equal(await client.exists('nr:ex'), 0);
      });

      it('MGET, MSET, MSETNX', async () => {
        assert.equal(await client.mSet({ 'nr:m1': 'a', 'nr:m2': 'b' }), 'OK');
        assert.equal(await client.mSet([['nr:m3', 'c']]), 'OK');
        assert.deepEqual(await client.mGet(['nr:m1', 'nr:m2', 'nr:m3', 'nr:none']), ['a', 'b', 'c', null]);
        assert.equal(await client.mSetNX({ 'nr:m4': 'd', 'nr:m5': 'e' }), 1);
        assert.equal(await client.mSetNX({ 'nr:m5': 'x', 'nr:m6': 'f' }), 0);
        assert.deepEqual(await client.mGet(['nr:m4', 'nr:m5', 'nr:m6']), ['d', 'e', null]);
        await client.rPush('nr:mlist', 'x');
        assert.deepEqual(await client.mGet(['nr:m1', 'nr:mlist']), ['a', null], 'MGET answers nil for other types');
        await assert.rejects(client.sendCommand(['MSET', 'nr:m1']), /ERR wrong number of arguments for 'mset' command/);
      });

      it('APPEND, STRLEN, GETRANGE, SETRANGE', async () => {
        assert.equal(await client.append('nr:a', 'Hello'), 5);
        assert.equal(await client.append('nr:a', ' World'), 11);
        assert.equal(await client.strLen('nr:a'), 11);
        assert.equal(await client.strLen('nr:none'), 0);
        assert.equal(await client.getRange('nr:a', 0, 4), 'Hello');
        assert.equal(await client.getRange('nr:a', -5, -1), 'World');
        assert.equal(await client.getRange('nr:a', 5, 2), '');
        assert.equal(await client.getRange('nr:a', 0, 1000), 'Hello World');
        assert.equal(await client.setRange('nr:a', 6, 'Redis'), 11);
        assert.equal(await client.get('nr:a'), 'Hello Redis');
        assert.equal(await client.setRange('nr:pad', 3, 'abc'), 6);
        assert.equal(await client.get('nr:pad'), '\x00\x00\x00abc');
        await assert.rejects(client.setRange('nr:a', -1, 'x'), /ERR offset is out of range/);
        await assert.rejects(client.setRange('nr:a', 536870911, 'xx'), /ERR string exceeds maximum allowed size \(proto-max-bulk-len\)/);
      });

      it('INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT', async () => {
        assert.equal(await client.incr('nr:n'), 1);
        assert.equal(await client.incrBy('nr:n', 41), 42);
        assert.equal(await client.decr('nr:n'), 41);
        assert.equal(await client.decrBy('nr:n', 50), -9);
        await client.set('nr:big', '9223372036854775806');
        assert.equal(await client.sendCommand(['INCR', 'nr:big']), 9223372036854775807);
        await assert.rejects(client.incr('nr:big'), /ERR increment or decrement would overflow/);
        await client.set('nr:text', 'abc');
        await assert.rejects(client.incr('nr:text'), /ERR value is not an integer or out of range/);
        await assert.rejects(client.incrBy('nr:n', 1.5), /ERR value is not an integer or out of range/);
        assert.equal(await client.incrByFloat('nr:f', 10.5), '10.5');
        assert.equal(await client.incrByFloat('nr:f', 0.1), '10.6');
        assert.equal(await client.incrByFloat('nr:f', -5), '5.6');
        await client.set('nr:f', '5.0e3');
        assert.equal(await client.incrByFloat('nr:f', 200), '5200');
        await assert.rejects(client.sendCommand(['INCRBYFLOAT', 'nr:f', 'inf']), /ERR increment would produce NaN or Infinity/);
        await client.rPush('nr:list', 'x');
        await assert.rejects(client.incr('nr:list'), { message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
      });

      it('LCS with LEN, IDX, MINMATCHLEN and WITHMATCHLEN', async () => {
        await client.mSet({ 'nr:lcs1': 'ohmytext', 'nr:lcs2': 'mynewtext' });
        assert.equal(await client.lcs('nr:lcs1', 'nr:lcs2'), 'mytext');
        assert.equal(await client.lcsLen('nr:lcs1', 'nr:lcs2'), 6);
        assert.deepEqual(await client.lcsIdx('nr:lcs1', 'nr:lcs2'), {
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
        assert.deepEqual(await client.lcsIdxWithMatchLen('nr:lcs1', 'nr:lcs2', { MINMATCHLEN: 4 }), {
          matches: [[[4, 7], [5, 8], 4]],
          len: 6,
        });
        assert.equal(await client.lcs('nr:lcs1', 'nr:none'), '');
      });

      it('binary keys and values as Buffers', async () => {
        const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
        const key = Buffer.from([0x6e, 0x72, 0x3a, 0x00, 0xff, 0x0d, 0x0a]);
        const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        assert.equal(await bin.set(key, value), 'OK');
        assert.deepEqual(await bin.get(key), value);
        assert.equal(await bin.strLen(key), 256);
        assert.equal(await bin.append(key, Buffer.from([0xfe, 0x00])), 258);
        assert.deepEqual(await bin.getRange(key, -2, -1), Buffer.from([0xfe, 0x00]));
        assert.deepEqual(await bin.mGet([key, 'nr:none']), [Buffer.concat([value, Buffer.from([0xfe, 0x00])]), null]);
        const large = Buffer.alloc(1024 * 1024, 0xab);
        large[12345] = 0;
        assert.equal(await bin.set('nr:large', large), 'OK');
        assert.deepEqual(await bin.get('nr:large'), large);
        assert.deepEqual(await bin.getDel(key), Buffer.concat([value, Buffer.from([0xfe, 0x00])]));
      });

      it('a thousand pipelined INCRs from concurrent callers', async () => {
        const replies = await Promise.all(Array.from({ length: 1000 }, () => client.incr('nr:pipelined')));
        assert.deepEqual(
          replies.sort((a, b) => a - b),
          Array.from({ length: 1000 }, (_, i) => i + 1),
        );
      });
    });

    describe('keys', () => {
      it('DEL, UNLINK, EXISTS, TYPE', async () => {
        await client.mSet({ 'nr:k1': '1', 'nr:k2': '2', 'nr:k3': '3' });
        await client.rPush('nr:klist', 'a');
        await client.hSet('nr:khash', 'f', 'v');
        await client.sAdd('nr:kset', 'm');
        await client.zAdd('nr:kzset', { score: 1, value: 'm' });
        assert.equal(await client.exists(['nr:k1', 'nr:k1', 'nr:none']), 2, 'EXISTS counts repeated keys');
        assert.equal(await client.type('nr:k1'), 'string');
        assert.equal(await client.type('nr:klist'), 'list');
        assert.equal(await client.type('nr:khash'), 'hash');
        assert.equal(await client.type('nr:kset'), 'set');
        assert.equal(await client.type('nr:kzset'), 'zset');
        assert.equal(await client.type('nr:none'), 'none');
        assert.equal(await client.del(['nr:k1', 'nr:k2', 'nr:none']), 2);
        assert.equal(await client.unlink(['nr:k3', 'nr:klist', 'nr:none']), 2);
        assert.equal(await client.exists(['nr:k1', 'nr:k2', 'nr:k3', 'nr:klist']), 0);
      });

      it('RENAME, RENAMENX, COPY, MOVE', async () => {
        await client.set('nr:r1', 'v', { expiration: { type: 'EX', value: 100 } });
        assert.equal(await client.rename('nr:r1', 'nr:r2'), 'OK');
        assert.equal(await client.get('nr:r2'), 'v');
        assert.ok((await client.ttl('nr:r2')) > 0, 'RENAME keeps the TTL');
        await assert.rejects(client.rename('nr:none', 'nr:r3'), { message: 'ERR no such key' });
        await client.set('nr:r3', 'other');
        assert.equal(await client.renameNX('nr:r2', 'nr:r3'), 0);
        assert.equal(await client.renameNX('nr:r2', 'nr:r4'), 1);
        assert.equal(await client.copy('nr:r4', 'nr:c1'), 1);
        assert.equal(await client.copy('nr:r4', 'nr:c1'), 0, 'COPY does not overwrite without REPLACE');
        assert.equal(await client.copy('nr:r3', 'nr:c1', { REPLACE: true }), 1);
        assert.equal(await client.get('nr:c1'), 'other');
        await client.rPush('nr:clist', ['a', 'b']);
        assert.equal(await client.copy('nr:clist', 'nr:clist2'), 1);
        await client.rPush('nr:clist2', 'c');
        assert.deepEqual(await client.lRange('nr:clist', 0, -1), ['a', 'b'], 'COPY is deep');
        assert.equal(await client.copy('nr:c1', 'nr:indb9', { DB: 9 }), 1);
        assert.equal(await scratch.get('nr:indb9'), 'other');
        assert.equal(await client.move('nr:c1', 9), 1);
        assert.equal(await client.exists('nr:c1'), 0);
        assert.equal(await scratch.get('nr:c1'), 'other');
        await client.set('nr:indb9', 'here too');
        assert.equal(await client.move('nr:indb9', 9), 0, 'MOVE refuses when the key exists there');
        await assert.rejects(client.move('nr:r3', 0), /ERR source and destination objects are the same/);
        await scratch.flushDb();
      });

      it('KEYS, SCAN iterator with MATCH, COUNT and TYPE, RANDOMKEY, DBSIZE', async () => {
        await scratch.flushDb();
        assert.equal(await scratch.randomKey(), null);
        await scratch.set('only', '1');
        assert.equal(await scratch.randomKey(), 'only');
        const names = Array.from({ length: 300 }, (_, i) => `scan:${i}`);
        await scratch.mSet(names.map((n) => [n, n] as [string, string]));
        await scratch.rPush('scan:list', 'x');
        assert.equal(await scratch.dbSize(), 302);
        assert.deepEqual((await scratch.keys('scan:1?')).sort(), Array.from({ length: 10 }, (_, i) => `scan:1${i}`).sort());
        const seen: string[] = [];
        for await (const keys of scratch.scanIterator({ MATCH: 'scan:*', COUNT: 25 })) seen.push(...keys);
        assert.deepEqual([...new Set(seen)].sort(), [...names, 'scan:list'].sort());
        const lists: string[] = [];
        for await (const keys of scratch.scanIterator({ TYPE: 'list' })) lists.push(...keys);
        assert.deepEqual(lists, ['scan:list']);
        assert.ok(names.includes(String(await scratch.randomKey())) || (await scratch.randomKey()) !== null);
        await scratch.flushDb();
      });

      it('TOUCH and OBJECT', async () => {
        await client.mSet({ 'nr:t1': '12345', 'nr:t2': 'short text', 'nr:t3': 'x'.repeat(100) });
        assert.equal(await client.touch(['nr:t1', 'nr:t2', 'nr:none']), 2);
        assert.equal(await client.objectEncoding('nr:t1'), 'int');
        assert.equal(await client.objectEncoding('nr:t2'), 'embstr');
        assert.equal(await client.objectEncoding('nr:t3'), 'raw');
        assert.equal(await client.objectEncoding('nr:none'), null);
        assert.equal(await client.objectRefCount('nr:t3'), 1);
        const idle = await client.objectIdleTime('nr:t3');
        assert.ok(typeof idle === 'number' && idle >= 0);
        await assert.rejects(client.objectFreq('nr:t3'), /ERR An LFU maxmemory policy is not selected, access frequency not tracked/);
      });

      it('EXPIRE family with NX, XX, GT, LT; TTL, PTTL, EXPIRETIME, PERSIST', async () => {
        await client.mSet({ 'nr:e': 'v', 'nr:p': 'v' });
        assert.equal(await client.expire('nr:e', 100), 1);
        assert.equal(await client.expire('nr:e', 50, 'NX'), 0);
        assert.equal(await client.expire('nr:e', 200, 'XX'), 1);
        assert.equal(await client.expire('nr:e', 100, 'GT'), 0);
        assert.equal(await client.expire('nr:e', 300, 'GT'), 1);
        assert.equal(await client.expire('nr:e', 10, 'LT'), 1);
        assert.ok([9, 10].includes(await client.ttl('nr:e')));
        assert.equal(await client.expire('nr:p', 10, 'XX'), 0, 'XX needs a TTL');
        assert.equal(await client.expire('nr:p', 10, 'GT'), 0, 'no TTL counts as infinite for GT');
        assert.equal(await client.expire('nr:p', 10, 'LT'), 1, 'and for LT');
        await assert.rejects(client.sendCommand(['EXPIRE', 'nr:p', '10', 'NX', 'XX']), /ERR NX and XX, GT or LT options at the same time are not compatible/);
        assert.equal(await client.pExpire('nr:p', 50000), 1);
        const pttl = await client.pTTL('nr:p');
        assert.ok(pttl > 49000 && pttl <= 50000);
        const at = nowSeconds() + 500;
        assert.equal(await client.expireAt('nr:p', at), 1);
        assert.equal(await client.expireTime('nr:p'), at);
        assert.equal(await client.pExpireAt('nr:p', at * 1000 + 7), 1);
        assert.equal(await client.pExpireTime('nr:p'), at * 1000 + 7);
        assert.equal(await client.persist('nr:p'), 1);
        assert.equal(await client.persist('nr:p'), 0);
        assert.equal(await client.ttl('nr:p'), -1);
        assert.equal(await client.pTTL('nr:p'), -1);
        assert.equal(await client.expireTime('nr:p'), -1);
        assert.equal(await client.ttl('nr:none'), -2);
        assert.equal(await client.pExpireTime('nr:none'), -2);
        assert.equal(await client.expire('nr:none', 10), 0);
        assert.equal(await client.expire('nr:p', -1), 1, 'a past expiry deletes the key');
        assert.equal(await client.exists('nr:p'), 0);
        await client.set('nr:short', 'v', { expiration: { type: 'PX', value: 30 } });
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(await client.get('nr:short'), null, 'expired keys are gone');
      });
    });

    describe('transactions', () => {
      it('MULTI/EXEC returns every reply', async () => {
        assert.deepEqual(await client.multi().set('nr:tx', '1').incr('nr:tx').incrBy('nr:tx', 10).get('nr:tx').exec(), ['OK', 2, 12, '12']);
      });

      it('a command failing inside EXEC does not stop the others', async () => {
        await client.set('nr:txt', 'text');
        const err = await client
          .multi()
          .incr('nr:txt')
          .set('nr:tx2', 'ok')
          .exec()
          .then(
            () => null,
            (e: unknown) => e,
          );
        assert.ok(err instanceof MultiErrorReply, String(err));
        assert.deepEqual(err.errorIndexes, [0]);
        assert.match(String(err.replies[0]), /ERR value is not an integer or out of range/);
        assert.equal(err.replies[1], 'OK');
        assert.equal(await client.get('nr:tx2'), 'ok');
      });

      it('a queuing error aborts the transaction with EXECABORT', async () => {
        await assert.rejects(client.multi().set('nr:tx3', 'x').addCommand(['NOSUCHCOMMAND']).exec(), /unknown command|EXECABORT/);
        assert.equal(await client.get('nr:tx3'), null);
      });

      it('WATCH: an untouched key lets EXEC run, a touched one makes EXEC answer null', async () => {
        await client.set('nr:w', '1');
        assert.equal(await client.watch('nr:w'), 'OK');
        assert.deepEqual(await client.multi().incr('nr:w').exec(), [2]);
        assert.equal(await client.watch('nr:w'), 'OK');
        await other.set('nr:w', 'changed');
        await assert.rejects(client.multi().set('nr:w', 'mine').exec(), WatchError);
        assert.equal(await client.get('nr:w'), 'changed');
        await client.watch('nr:w');
        assert.equal(await client.unwatch(), 'OK');
        await other.set('nr:w', 'again');
        assert.deepEqual(await client.multi().get('nr:w').exec(), ['again'], 'UNWATCH forgets the keys');
      });

      it('a pipeline without MULTI', async () => {
        assert.deepEqual(await client.multi().set('nr:pl', 'a').append('nr:pl', 'b').get('nr:pl').execAsPipeline(), ['OK', 2, 'ab']);
      });
    });

    describe('server', () => {
      it('INFO parses into sections and fields', async () => {
        const info = await client.info();
        assert.match(info, /^# Server\r\n/);
        for (const section of ['# Clients', '# Memory', '# Stats', '# Keyspace']) assert.ok(info.includes(`${section}\r\n`), section);
        const fields = parseInfo(info);
        assert.match(fields.get('redis_version') ?? '', /^7\.0\./);
        assert.equal(fields.get('tcp_port'), String(server.port));
        assert.ok(Number(fields.get('connected_clients')) >= 3);
        assert.ok(Number(fields.get('used_memory')) > 0);
        const server_ = await client.info('server');
        assert.ok(!server_.includes('# Clients'), 'only the requested section');
        await client.set('nr:info', '1');
        assert.match(await client.info('keyspace'), /^db0:keys=\d+,expires=\d+,avg_ttl=\d+\r$/m);
      });

      it('CONFIG GET and SET', async () => {
        assert.deepEqual(await client.configGet('maxmemory'), { maxmemory: '0' });
        const many = await client.configGet(['maxmemory*', 'timeout']);
        assert.equal(many['maxmemory-policy'], 'noeviction');
        assert.equal(many.timeout, '0');
        assert.equal(await client.configSet('maxmemory-policy', 'allkeys-lru'), 'OK');
        assert.deepEqual(await client.configGet('maxmemory-policy'), { 'maxmemory-policy': 'allkeys-lru' });
        assert.equal(await client.configSet({ 'maxmemory-policy': 'noeviction', 'hz': '10' }), 'OK');
        assert.equal((await client.configGet('maxmemory-policy'))['maxmemory-policy'], 'noeviction');
        await assert.rejects(client.configSet('no-such-parameter', '1'), /ERR Unknown option or number of arguments for CONFIG SET - 'no-such-parameter'/);
        assert.deepEqual(await client.configGet('no-such-parameter'), {});
      });

      it('DBSIZE and FLUSHDB', async () => {
        await scratch.flushDb();
        await scratch.mSet({ a: '1', b: '2', c: '3' });
        assert.equal(await scratch.dbSize(), 3);
        assert.equal(await scratch.flushDb(), 'OK');
        assert.equal(await scratch.dbSize(), 0);
        assert.ok((await client.dbSize()) > 0, 'FLUSHDB leaves other databases alone');
      });

      it('TIME', async () => {
        const [seconds, micros] = await client.time();
        assert.ok(Math.abs(Number(seconds) - nowSeconds()) < 60);
        assert.ok(Number(micros) >= 0 && Number(micros) < 1e6);
      });

      it('COMMAND COUNT matches the top-level names of COMMAND LIST', async () => {
        const count = await client.commandCount();
        const list = (await client.sendCommand(['COMMAND', 'LIST'])) as string[];
        assert.ok(count > 100, `COMMAND COUNT ${count}`);
        assert.equal(count, list.filter((name) => !name.includes('|')).length);
        assert.ok(list.includes('config|get'), 'subcommands are listed by their full names');
        for (const name of ['get', 'set', 'lcs', 'getex', 'expiretime', 'copy', 'hello', 'client']) assert.ok(list.includes(name), name);
      });
    });
  });
}

describeNodeRedis(3);
describeNodeRedis(2);
