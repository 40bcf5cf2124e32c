import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../src/index.js';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive, startRedis } from '../support/servers.js';
import { spawnKeyhive } from '../robustness/keyhive-process.js';

/** Keys of every type and encoding, in three databases, some with deadlines. */
const DATASET: string[][] = [
  ['SET', 'string', 'hello'],
  ['SET', 'counter', '12345'],
  ['SET', 'long', 'compressible text '.repeat(100)],
  ['SET', 'binary', '\x00\xff\r\n'],
  ['SET', 'expiring', 'soon', 'EX', '100000'],
  ['RPUSH', 'list', 'a', '1', 'b'.repeat(70)],
  ['RPUSH', 'biglist', ...Array.from({ length: 2000 }, (_, i) => `element-${i}`)],
  ['HSET', 'hash', 'f', 'v', 'n', '2'],
  ['HSET', 'bighash', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ['SADD', 'intset', '1', '-2', '70000'],
  ['SADD', 'set', 'x', 'y', 'z'],
  ['ZADD', 'zset', '1', 'one', '2.5', 'two'],
  ['ZADD', 'bigzset', ...Array.from({ length: 200 }, (_, i) => [String(i / 7), `m${i}`]).flat()],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['PEXPIRE', 'hash', '50000000'],
  ['SELECT', '3'],
  ['SET', 'in-db-3', 'three'],
  ['SELECT', '15'],
  ['LPUSH', 'in-db-15', 'fifteen'],
  ['SELECT', '0'],
];

describe('SAVE and BGSAVE write an RDB file that redis-server loads', () => {
  let dir: string;
  let keyhive: RunningServer;
  let client: RawClient;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-snapshot-'));
    keyhive = await startKeyhive({ config: { dir, 'enable-protected-configs': 'yes' } });
    client = await RawClient.connect(keyhive.port);
    for (const command of DATASET) await client.call(...command);
  });
  after(async () => {
    client?.close();
    await keyhive?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SAVE writes dir/dbfilename, and INFO and LASTSAVE follow', async () => {
    const before = Number(await client.call('LASTSAVE'));
    assert.equal(await client.call('SAVE'), 'OK');
    assert.ok(fs.existsSync(path.join(dir, 'dump.rdb')));
    assert.deepEqual(fs.readdirSync(dir), ['dump.rdb'], 'the temporary file is renamed into place');
    const info = String(await client.call('INFO', 'persistence'));
    assert.match(info, /rdb_changes_since_last_save:0\r\n/);
    assert.match(info, /rdb_saves:1\r\n/);
    assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
    assert.ok(Number(await client.call('LASTSAVE')) >= before);
    assert.equal(await client.call('BGSAVE'), 'Background saving started');
    assert.equal(await client.call('BGSAVE', 'SCHEDULE'), 'Background saving started');
    assert.match(String(await client.call('INFO', 'persistence')), /rdb_saves:3\r\n/);
  });

  it('redis-check-rdb finds the file sound, and redis-server loads the same dataset (DEBUG DIGEST, keys and deadlines)', async () => {
    assert.equal(await client.call('SAVE'), 'OK');
    const check = execFileSync('redis-check-rdb', [path.join(dir, 'dump.rdb')], { encoding: 'latin1' });
    assert.match(check, /RDB looks OK/);
    assert.match(check, /16 keys read/);
    const redis = await startRedis(['--dir', dir, '--dbfilename', 'dump.rdb']);
    const loaded = await RawClient.connect(redis.port);
    try {
      assert.equal(await loaded.call('DEBUG', 'DIGEST'), await client.call('DEBUG', 'DIGEST'));
      for (const db of ['0', '3', '15']) {
        await loaded.call('SELECT', db);
        await client.call('SELECT', db);
        assert.equal(await loaded.call('DBSIZE'), await client.call('DBSIZE'), `DBSIZE of db ${db}`);
      }
      await loaded.call('SELECT', '0');
      await client.call('SELECT', '0');
      for (const key of ['expiring', 'hash']) assert.equal(await loaded.call('PEXPIRETIME', key), await client.call('PEXPIRETIME', key), `deadline of ${key}`);
      assert.equal(await loaded.call('PEXPIRETIME', 'string'), -1);
      for (const key of ['list', 'intset', 'zset', 'hash', 'biglist']) {
        assert.equal(await loaded.call('OBJECT', 'ENCODING', key), await client.call('OBJECT', 'ENCODING', key), `encoding of ${key}`);
      }
    } finally {
      loaded.close();
      await redis.close();
    }
  });

  it('a save that cannot be written answers -ERR, as redis-server does, and INFO says so', async () => {
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-gone-'));
    const redis = await startRedis(['--enable-protected-configs', 'yes']);
    const theirs = await RawClient.connect(redis.port);
    try {
      for (const c of [client, theirs]) assert.equal(await c.call('CONFIG', 'SET', 'dir', gone), 'OK');
      fs.rmSync(gone, { recursive: true });
      assert.equal(await client.callRaw('SAVE'), await theirs.callRaw('SAVE'));
      assert.equal(await client.callRaw('SAVE'), '-ERR\r\n');
      assert.match(String(await client.call('INFO', 'persistence')), /rdb_last_bgsave_status:err\r\n/);
      assert.equal(await client.callRaw('BGSAVE', 'NOW'), await theirs.callRaw('BGSAVE', 'NOW'));
    } finally {
      await client.call('CONFIG', 'SET', 'dir', dir);
      theirs.close();
      await redis.close();
    }
  });
});

describe('bin/keyhive loads the RDB file redis-server saved', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-load-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the same DEBUG DIGEST, deadlines and databases, with Redis\'s log lines; an embedded server starts empty', async () => {
    const redis = await startRedis(['--dir', dir]);
    const theirs = await RawClient.connect(redis.port);
    let digest: unknown;
    try {
      for (const command of DATASET) await theirs.call(...command);
      digest = await theirs.call('DEBUG', 'DIGEST');
      // A key whose deadline passes before the file is loaded: saved (active expiry is off), then not loaded.
      await theirs.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      await theirs.call('SET', 'gone', 'x', 'PX', '1');
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await theirs.call('SAVE'), 'OK');
    } finally {
      theirs.close();
      await redis.close();
    }
    const keyhive = await spawnKeyhive(['--dir', dir, '--enable-debug-command', 'yes']);
    const ours = await RawClient.connect(keyhive.port);
    try {
      assert.equal(await ours.call('DEBUG', 'DIGEST'), digest);
      assert.ok(Number(await ours.call('PTTL', 'expiring')) > 99_000_000);
      await ours.call('SELECT', '15');
      assert.deepEqual(await ours.call('LRANGE', 'in-db-15', 0, -1), ['fifteen']);
      assert.match(keyhive.output(), /Loading RDB produced by version 7\.0\.15/);
      assert.match(keyhive.output(), /Done loading RDB, keys loaded: 16, keys expired: 1\./);
      assert.match(String(await ours.call('INFO', 'persistence')), /rdb_changes_since_last_save:0\r\n/);
    } finally {
      ours.close();
      await keyhive.stop();
    }
    const embedded = await startKeyhive({ config: { dir } });
    const client = await RawClient.connect(embedded.port);
    try {
      assert.equal(await client.call('DBSIZE'), 0);
    } finally {
      client.close();
      await embedded.close();
    }
  });

  it('an LFU counter saved under an LFU policy (the FREQ opcode) is the loaded key\'s', async () => {
    const lfu = ['--maxmemory-policy', 'allkeys-lfu'];
    const redis = await startRedis(['--dir', dir, ...lfu]);
    const theirs = await RawClient.connect(redis.port);
    try {
      await theirs.call('SET', 'source', 'v');
      assert.equal(await theirs.call('RESTORE', 'counted', 0, Buffer.from((await theirs.call('DUMP', 'source')) as string, 'latin1'), 'FREQ', 100), 'OK');
      assert.equal(await theirs.call('SAVE'), 'OK');
    } finally {
      theirs.close();
      await redis.close();
    }
    const keyhive = await spawnKeyhive(['--dir', dir, ...lfu]);
    const ours = await RawClient.connect(keyhive.port);
    try {
      assert.equal(await ours.call('OBJECT', 'FREQ', 'counted'), 100);
    } finally {
      ours.close();
      await keyhive.stop();
    }
  });

  it('a file it cannot load keeps bin/keyhive from starting, with Redis\'s reason and exit code 1', async () => {
    for (const [contents, reason] of [
      ['not an rdb file', /Wrong signature trying to load DB from file/],
      ['REDIS0011\xff', /Can't handle RDB format version 0011/],
      ['REDIS0010\x00\x01a', /Internal error in RDB reading offset/],
    ] as const) {
      fs.writeFileSync(path.join(dir, 'dump.rdb'), Buffer.from(contents, 'latin1'));
      await assert.rejects(spawnKeyhive(['--dir', dir]), (e: Error) => reason.test(e.message) && /code 1/.test(e.message) && /Terminating server after rdb file reading failure\./.test(e.message));
    }
  });
});
