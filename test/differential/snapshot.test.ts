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
      const savesBefore = [Number(await persistenceField(client, 'rdb_saves')), Number(await persistenceField(theirs, 'rdb_saves'))];
      for (const c of [client, theirs]) assert.equal(await c.callRaw('SAVE'), '-ERR\r\n');
      // A failed SAVE leaves rdb_last_bgsave_status alone; a failed BGSAVE sets it (Redis's once its child has failed).
      assert.equal(await persistenceField(client, 'rdb_last_bgsave_status'), 'ok');
      assert.equal(await persistenceField(theirs, 'rdb_last_bgsave_status'), 'ok');
      assert.equal(await client.callRaw('BGSAVE', 'NOW'), await theirs.callRaw('BGSAVE', 'NOW'));
      for (const c of [client, theirs]) assert.equal(await c.call('BGSAVE'), 'Background saving started');
      await until(async () => (await persistenceField(theirs, 'rdb_last_bgsave_status')) === 'err', 'redis-server\'s BGSAVE to fail');
      assert.equal(await persistenceField(client, 'rdb_last_bgsave_status'), 'err');
      assert.equal(Number(await persistenceField(client, 'rdb_saves')) - savesBefore[0], Number(await persistenceField(theirs, 'rdb_saves')) - savesBefore[1], 'saves tried, failed ones too');
    } finally {
      await client.call('CONFIG', 'SET', 'dir', dir);
      theirs.close();
      await redis.close();
    }
  });

  it('DEBUG RELOAD saves, empties and loads back; NOSAVE, NOFLUSH and MERGE as redis-server has them', async () => {
    const redis = await startRedis();
    const theirs = await RawClient.connect(redis.port);
    try {
      for (const command of DATASET) await theirs.call(...command);
      const digest = await client.call('DEBUG', 'DIGEST');
      assert.equal(await theirs.call('DEBUG', 'DIGEST'), digest);
      const deadline = await client.call('PEXPIRETIME', 'expiring');
      const script: string[][] = [
        ['DEBUG', 'RELOAD'],
        ['DEBUG', 'DIGEST'],
        ['SET', 'extra', '1'],
        ['SAVE'],
        ['SET', 'extra', '2'],
        ['SET', 'other', 'x'],
        ['DEBUG', 'RELOAD', 'NOSAVE'],
        ['MGET', 'extra', 'other'],
        ['SET', 'extra', '3'],
        ['SET', 'other', 'y'],
        ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'],
        ['MGET', 'extra', 'other'],
        ['DEBUG', 'RELOAD', 'FAST'],
        ['DEL', 'extra', 'other'],
        ['DEBUG', 'RELOAD'],
        ['DEBUG', 'DIGEST'],
      ];
      for (const command of script) assert.deepEqual(await client.call(...command), await theirs.call(...command), command.join(' '));
      assert.equal(await client.call('DEBUG', 'DIGEST'), digest);
      assert.equal(await client.call('PEXPIRETIME', 'expiring'), deadline);
      fs.rmSync(path.join(dir, 'dump.rdb'));
      const theirDir = ((await theirs.call('CONFIG', 'GET', 'dir')) as string[])[1];
      fs.rmSync(path.join(theirDir, 'dump.rdb'));
      assert.equal(await client.callRaw('DEBUG', 'RELOAD', 'NOSAVE'), await theirs.callRaw('DEBUG', 'RELOAD', 'NOSAVE'));
      for (const c of [client, theirs]) assert.equal(await c.call('DBSIZE'), 0, 'the dataset was emptied before the load failed');
    } finally {
      theirs.close();
      await redis.close();
    }
  });
});

/** A field of INFO persistence. */
async function persistenceField(c: RawClient, name: string): Promise<string | undefined> {
  return new RegExp(`^${name}:(.*)\r$`, 'm').exec(String(await c.call('INFO', 'persistence')))?.[1];
}

/** Polls condition every 50 ms, failing after 10 s. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 50) {
    if (waited > 10000) assert.fail(`waited 10 s for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The log's lines from the first matching patterns[0], each the next line that matches its pattern; fails if one is missing. */
function logLinesInOrder(log: string, patterns: RegExp[]): string[] {
  const lines = log.split('\n');
  let from = 0;
  return patterns.map((pattern) => {
    const at = lines.findIndex((line, i) => i >= from && pattern.test(line));
    assert.ok(at >= 0, `${pattern} after line ${from} of the log:\n${log}`);
    from = at + 1;
    return lines[at].replace(/^.*?[*#] /, '').replace(/pid \d+/, 'pid N');
  });
}

const SCHEDULED_SAVE_LINES = [/2 changes in 1 seconds\. Saving\.\.\./, /Background saving started by pid/, /DB saved on disk/, /Background saving terminated with success/];

describe('save points, as Redis acts on them (Keyhive has none by default)', () => {
  it('the cron saves once enough changes are older than a point\'s seconds, logging Redis\'s lines; FLUSHALL saves too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-save-points-'));
    const keyhive = await spawnKeyhive(['--dir', dir, '--save', '1 2']);
    const logfile = path.join(dir, 'redis.log');
    const redis = await startRedis(['--save', '1 2', '--logfile', logfile]);
    const ours = await RawClient.connect(keyhive.port);
    const theirs = await RawClient.connect(redis.port);
    try {
      for (const c of [ours, theirs]) assert.equal(await c.call('SET', 'a', '1'), 'OK');
      // Two cron seconds pass with one change: a point of two changes is not reached.
      await new Promise((r) => setTimeout(r, 2300));
      for (const c of [ours, theirs]) {
        const fields = ['rdb_changes_since_last_save', 'rdb_saves', 'rdb_last_bgsave_time_sec'];
        assert.deepEqual(await Promise.all(fields.map((field) => persistenceField(c, field))), ['1', '0', '-1']);
      }
      assert.ok(!fs.existsSync(path.join(dir, 'dump.rdb')));
      for (const c of [ours, theirs]) assert.equal(await c.call('SET', 'b', '2'), 'OK');
      for (const c of [ours, theirs]) await until(async () => (await persistenceField(c, 'rdb_changes_since_last_save')) === '0', 'the scheduled save');
      assert.deepEqual(logLinesInOrder(keyhive.output(), SCHEDULED_SAVE_LINES), logLinesInOrder(fs.readFileSync(logfile, 'latin1'), SCHEDULED_SAVE_LINES));
      for (const c of [ours, theirs]) {
        assert.deepEqual([await persistenceField(c, 'rdb_saves'), await persistenceField(c, 'rdb_last_bgsave_status')], ['1', 'ok']);
        // Whole seconds between the save's start and end: 0, or 1 when a quick save crosses a second (Redis's time(NULL) difference).
        assert.match(String(await persistenceField(c, 'rdb_last_bgsave_time_sec')), /^[01]$/);
      }
      await assertSnapshotHolds(dir, 2);
      for (const c of [ours, theirs]) {
        assert.equal(await c.call('FLUSHALL'), 'OK');
        // FLUSHALL's save, as SHUTDOWN's, is not counted in rdb_saves.
        assert.deepEqual([await persistenceField(c, 'rdb_changes_since_last_save'), await persistenceField(c, 'rdb_saves')], ['0', '1']);
      }
      await assertSnapshotHolds(dir, 0);
    } finally {
      ours.close();
      theirs.close();
      await keyhive.stop();
      await redis.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a failed background save, writes and PING are refused with MISCONF until a save succeeds, as redis-server refuses them', async () => {
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-misconf-'));
    const keyhive = await startKeyhive({ config: { dir: gone, 'enable-protected-configs': 'yes' } });
    const redis = await startRedis(['--enable-protected-configs', 'yes']);
    const ours = await RawClient.connect(keyhive.port);
    const theirs = await RawClient.connect(redis.port);
    try {
      for (const c of [ours, theirs]) assert.equal(await c.call('CONFIG', 'SET', 'dir', gone), 'OK');
      fs.rmSync(gone, { recursive: true });
      for (const c of [ours, theirs]) assert.equal(await c.call('CONFIG', 'SET', 'save', '1 1'), 'OK');
      for (const c of [ours, theirs]) assert.equal(await c.call('SET', 'k', 'v'), 'OK');
      for (const c of [ours, theirs]) await until(async () => (await persistenceField(c, 'rdb_last_bgsave_status')) === 'err', 'the scheduled save to fail');
      const script: string[][] = [
        ['SET', 'k', 'w'],
        ['PING'],
        ['GET', 'k'],
        ['FLUSHALL'],
        ['MULTI'],
        ['INCR', 'n'],
        ['EXEC'],
        ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no'],
        ['SET', 'k', 'x'],
        ['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'],
        ['DEL', 'k'],
        ['CONFIG', 'SET', 'save', ''],
        ['SET', 'k', 'y'],
        ['PING'],
        ['CONFIG', 'SET', 'save', '3600 1'],
        ['SET', 'k', 'z'],
      ];
      for (const command of script) assert.equal(await ours.callRaw(...command), await theirs.callRaw(...command), command.join(' '));
      assert.match(await ours.callRaw('SET', 'k', 'z'), /^-MISCONF Redis is configured to save RDB snapshots/);
    } finally {
      ours.close();
      theirs.close();
      await keyhive.close();
      await redis.close();
    }
  });
});

/** bin/keyhive started on dir finds keys keys in its dump.rdb. */
async function assertSnapshotHolds(dir: string, keys: number): Promise<void> {
  const loader = await spawnKeyhive(['--dir', dir]);
  const c = await RawClient.connect(loader.port);
  try {
    assert.equal(await c.call('DBSIZE'), keys);
  } finally {
    c.close();
    await loader.stop();
  }
}

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

  it('Keyhive saves a key\'s idle time under an LRU policy and its counter under an LFU one (IDLE, FREQ), and redis-server loads them', async () => {
    for (const [saved, loaded, expected] of [
      ['allkeys-lru', 'allkeys-lru', (idle: number) => idle >= 1000 && idle < 1010],
      ['volatile-lfu', 'allkeys-lfu', (freq: number) => freq === 100],
      // No access records under noeviction: the loaded key is as fresh as a new one.
      ['noeviction', 'allkeys-lru', (idle: number) => idle < 10],
    ] as const) {
      const keyhive = await startKeyhive({ config: { dir, 'maxmemory-policy': saved } });
      const ours = await RawClient.connect(keyhive.port);
      try {
        await ours.call('SET', 'source', 'v');
        const payload = Buffer.from((await ours.call('DUMP', 'source')) as string, 'latin1');
        const access = saved.endsWith('lfu') ? ['FREQ', '100'] : ['IDLETIME', '1000'];
        assert.equal(await ours.call('RESTORE', 'aged', 0, payload, ...access), 'OK');
        assert.equal(await ours.call('SAVE'), 'OK');
      } finally {
        ours.close();
        await keyhive.close();
      }
      const redis = await startRedis(['--dir', dir, '--maxmemory-policy', loaded]);
      const theirs = await RawClient.connect(redis.port);
      try {
        const reading = loaded.endsWith('lfu') ? 'FREQ' : 'IDLETIME';
        const value = Number(await theirs.call('OBJECT', reading, 'aged'));
        assert.ok(expected(value), `OBJECT ${reading} after saving under ${saved}: ${value}`);
      } finally {
        theirs.close();
        await redis.close();
      }
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
