/**
 * SAVE and BGSAVE: the dataset written to `dir`/`dbfilename` as an RDB file
 * (persistence/rdb-file.ts) that redis-server loads; and that file loaded
 * when bin/keyhive starts, as redis-server loads it (an embedded server
 * starts empty). Node cannot fork, so BGSAVE saves in the foreground too,
 * then replies as Redis does. Keyhive saves only when asked (SAVE, BGSAVE,
 * SHUTDOWN SAVE): it does not act on `save` points or save at every shutdown.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../server/client.js';
import { REDIS_VERSION, type Server } from '../server/server.js';
import { decodeRdbFile, encodeRdbFile } from '../persistence/rdb-file.js';
import { encodingLimits } from './encoding-limits.js';
import { SYNTAX_ERROR, fail, isKeyword } from './args.js';
import { memoryOverhead } from './memory.js';
import { valueEncodeOptions } from './dump.js';
import type { CommandSpec } from './table.js';

function snapshotPath(server: Server): string {
  return path.resolve(server.config.get('dir'), server.config.get('dbfilename'));
}

/** Writes the snapshot through a temporary file renamed into place, as rdbSave does; returns whether it was saved. */
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
  });
  try {
    fs.writeFileSync(temp, snapshot);
    fs.renameSync(temp, target);
  } catch (e) {
    server.log('warning', `Failed saving the DB to ${target}: ${(e as Error).message}`);
    fs.rmSync(temp, { force: true });
    server.lastSaveFailed = true;
    return false;
  }
  server.log('notice', 'DB saved on disk');
  server.keyspace.dirty = 0;
  server.lastSave = Math.floor(now / 1000);
  server.lastSaveFailed = false;
  server.rdbSaves++;
  return true;
}

/**
 * Loads `dir`/`dbfilename` into the (empty) dataset if the file exists, with
 * Redis's log lines; throws with Redis's words for a file it cannot load,
 * which keeps the server from starting.
 */
export function loadSnapshot(server: Server): void {
  const file = snapshotPath(server);
  if (!fs.existsSync(file)) return;
  const started = performance.now();
  const keyspace = server.keyspace;
  const result = decodeRdbFile(fs.readFileSync(file), keyspace, {
    limits: encodingLimits(server.config),
    verifyChecksum: server.config.getBool('rdbchecksum'),
    now: server.clock.now(),
  });
  keyspace.dirty = 0;
  if (result.redisVersion !== null) server.log('notice', `Loading RDB produced by version ${result.redisVersion}`);
  for (const key of result.emptyKeysSkipped) server.log('warning', `rdbLoadObject skipping empty key: ${key}`);
  const empties = result.emptyKeysSkipped.length > 0 ? `, empty keys skipped: ${result.emptyKeysSkipped.length}` : '';
  server.log('notice', `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}${empties}.`);
  server.log('notice', `DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
}

function save(c: Client): void {
  // Redis answers a failed save with its bare shared error, "-ERR" and no message (the reason is in the log).
  if (!saveSnapshot(c.server)) fail('-ERR');
  c.reply.ok();
}

function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isKeyword(argv[1], 'schedule'))) fail(SYNTAX_ERROR);
  c.server.log('notice', `Background saving started by pid ${process.pid}`);
  if (saveSnapshot(c.server)) c.server.log('notice', 'Background saving terminated with success');
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
