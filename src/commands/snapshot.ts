/**
 * SAVE and BGSAVE: the dataset written to `dir`/`dbfilename` as an RDB file
 * (persistence/rdb-file.ts) that redis-server loads; and that file loaded
 * when bin/keyhive starts, as redis-server loads it (an embedded server
 * starts empty). Node cannot fork, so a background save (BGSAVE, or one the
 * `save` points call for) is made in the foreground, then logged and
 * replied to as Redis does.
 *
 * The `save` points act as Redis's do (serverCron saves once enough changes
 * are old enough; FLUSHALL and SHUTDOWN save too; writes are refused with
 * MISCONF after a failed background save), but Keyhive's default is no
 * points at all: an in-memory server that writes no file unless told to,
 * as a Memorystore instance until RDB snapshots are enabled.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../server/client.js';
import { REDIS_VERSION, type Server } from '../server/server.js';
import { RdbFileError, decodeRdbFile, encodeRdbFile } from '../persistence/rdb-file.js';
import { encodingLimits } from './encoding-limits.js';
import { SYNTAX_ERROR, fail, isKeyword } from './args.js';
import { memoryOverhead } from './memory.js';
import { valueEncodeOptions } from './dump.js';
import type { CommandSpec } from './table.js';

/** What Redis saves of each key's accesses under a maxmemory policy: IDLE under the LRU ones, FREQ under the LFU ones. */
function accessRecordFor(policy: string): 'lru' | 'lfu' | null {
  if (policy.endsWith('-lru')) return 'lru';
  return policy.endsWith('-lfu') ? 'lfu' : null;
}

function snapshotPath(server: Server): string {
  return path.resolve(server.config.get('dir'), server.config.get('dbfilename'));
}

/** Writes the snapshot through a temporary file renamed into place, as rdbSave does; returns whether it was saved. SAVE and background saves count themselves in rdb_saves; FLUSHALL's and SHUTDOWN's do not, as in Redis. */
export function saveSnapshot(server: Server): boolean {
  const config = server.config;
  const dir = config.get('dir');
  const target = snapshotPath(server);
  const temp = path.resolve(dir, `temp-${process.pid}.rdb`);
  const now = server.clock.now();
  const snapshot = encodeRdbFile(server.keyspace, {
    ...valueEncodeOptions(config),
    checksum: config.getBool('rdbchecksum'),
    redisVersion: REDIS_VERSION,
    usedMemory: memoryOverhead(server).used,
    now,
    accessRecord: accessRecordFor(config.get('maxmemory-policy')),
  });
  try {
    fs.writeFileSync(temp, snapshot);
    fs.renameSync(temp, target);
  } catch (e) {
    server.log('warning', `Failed saving the DB to ${target}: ${(e as Error).message}`);
    fs.rmSync(temp, { force: true });
    return false;
  }
  server.log('notice', 'DB saved on disk');
  server.keyspace.dirty = 0;
  server.lastSave = Math.floor(now / 1000);
  // Any save that succeeds clears rdb_last_bgsave_status, as rdbSave does.
  server.lastBackgroundSaveFailed = false;
  return true;
}

/** Redis's rdbSaveBackground with its child's work done at once: a failure here (not a SAVE's) sets rdb_last_bgsave_status to err. */
export function saveInBackground(server: Server): void {
  server.rdbSaves++;
  const started = Math.floor(server.clock.now() / 1000);
  server.lastBackgroundSaveTry = started;
  server.log('notice', `Background saving started by pid ${process.pid}`);
  const saved = saveSnapshot(server);
  server.lastBackgroundSaveFailed = !saved;
  server.lastBackgroundSaveSeconds = Math.floor(server.clock.now() / 1000) - started;
  if (saved) server.log('notice', 'Background saving terminated with success');
  else server.log('warning', 'Background saving error');
}

/** Whether `save` points are configured (Redis's saveparamslen > 0). */
export function hasSavePoints(server: Server): boolean {
  return server.config.get('save') !== '';
}

/** Seconds Redis waits after a failed background save before a save point may try again (CONFIG_BGSAVE_RETRY_DELAY). */
const BACKGROUND_SAVE_RETRY_DELAY = 5;

/**
 * From the cron, as serverCron: saves in the background when, for a save
 * point, at least its number of changes were made and more than its
 * seconds have passed since the last save. After a failed save, another
 * try waits BACKGROUND_SAVE_RETRY_DELAY seconds.
 */
export function saveOnSchedule(server: Server): void {
  const points = server.config.get('save');
  if (points === '') return;
  const now = Math.floor(server.clock.now() / 1000);
  if (server.lastBackgroundSaveFailed && now - server.lastBackgroundSaveTry <= BACKGROUND_SAVE_RETRY_DELAY) return;
  const words = points.split(' ').map(Number);
  for (let i = 0; i < words.length; i += 2) {
    const seconds = words[i];
    const changes = words[i + 1];
    if (server.keyspace.dirty >= changes && now - server.lastSave > seconds) {
      server.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
      return saveInBackground(server);
    }
  }
}

/** Redis's MISCONF refusal: writes (and PING) wait until a background save succeeds, while save points and stop-writes-on-bgsave-error are set. */
export function refusesWritesForFailedSave(server: Server): boolean {
  return server.lastBackgroundSaveFailed && hasSavePoints(server) && server.config.getBool('stop-writes-on-bgsave-error');
}

export const MISCONF_ERROR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/**
 * Loads `dir`/`dbfilename` into the dataset if the file exists, with Redis's
 * log lines; throws with Redis's words for a file it cannot load, which
 * keeps the server from starting. With replaceExisting, a key loaded
 * replaces the one the dataset holds. Returns whether there was a file.
 */
export function loadSnapshot(server: Server, replaceExisting = false): boolean {
  const file = snapshotPath(server);
  if (!fs.existsSync(file)) return false;
  const started = performance.now();
  const keyspace = server.keyspace;
  const result = decodeRdbFile(fs.readFileSync(file), keyspace, {
    limits: encodingLimits(server.config),
    verifyChecksum: server.config.getBool('rdbchecksum'),
    now: server.clock.now(),
    replaceExisting,
  });
  keyspace.dirty = 0;
  if (result.redisVersion !== null) server.log('notice', `Loading RDB produced by version ${result.redisVersion}`);
  for (const key of result.emptyKeysSkipped) server.log('warning', `rdbLoadObject skipping empty key: ${key}`);
  const empties = result.emptyKeysSkipped.length > 0 ? `, empty keys skipped: ${result.emptyKeysSkipped.length}` : '';
  server.log('notice', `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}${empties}.`);
  server.log('notice', `DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
  return true;
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the dataset, empties it and
 * loads the file back, as Redis's test suite does to check that data
 * survives persistence. NOFLUSH keeps the dataset, MERGE lets the file's
 * keys replace it, NOSAVE loads the file on disk as it is.
 */
export function debugReload(c: Client, argv: string[]): void {
  let save = true;
  let flush = true;
  let merge = false;
  for (const option of argv.slice(2)) {
    if (isKeyword(option, 'merge')) merge = true;
    else if (isKeyword(option, 'noflush')) flush = false;
    else if (isKeyword(option, 'nosave')) save = false;
    else fail('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const server = c.server;
  if (save && !saveSnapshot(server)) fail('-ERR');
  // As in Redis, the dataset is emptied before the file is found missing.
  if (flush) for (const db of server.keyspace.dbs) db.flush();
  let loaded = false;
  try {
    loaded = loadSnapshot(server, merge);
  } catch (e) {
    if (!(e instanceof RdbFileError)) throw e;
    server.log('warning', e.message);
  }
  if (!loaded) fail('ERR Error trying to load the RDB dump');
  server.log('warning', 'DB reloaded by DEBUG RELOAD');
  c.reply.ok();
}

function save(c: Client): void {
  c.server.rdbSaves++;
  // Redis answers a failed save with its bare shared error, "-ERR" and no message (the reason is in the log).
  if (!saveSnapshot(c.server)) fail('-ERR');
  c.reply.ok();
}

function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isKeyword(argv[1], 'schedule'))) fail(SYNTAX_ERROR);
  saveInBackground(c.server);
  c.reply.simple('Background saving started');
}

export const commands: CommandSpec[] = [
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    run: save,
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    run: bgsave,
  },
];
