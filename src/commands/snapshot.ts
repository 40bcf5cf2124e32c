/**
 * SAVE and BGSAVE: the dataset written to `dir`/`dbfilename` as an RDB file
 * (persistence/rdb-file.ts) that redis-server loads. Node cannot fork, so
 * BGSAVE saves in the foreground too, then replies as Redis does. Keyhive
 * saves only when asked: it does not act on `save` points, save at
 * shutdown, or load a file at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../server/client.js';
import { REDIS_VERSION } from '../server/server.js';
import { encodeRdbFile } from '../persistence/rdb-file.js';
import { SYNTAX_ERROR, fail, isKeyword } from './args.js';
import { memoryOverhead } from './memory.js';
import type { CommandSpec } from './table.js';

/** Writes the snapshot through a temporary file renamed into place, as rdbSave does; returns whether it was saved. */
function saveSnapshot(c: Client): boolean {
  const server = c.server;
  const config = server.config;
  const dir = config.get('dir');
  const target = path.resolve(dir, config.get('dbfilename'));
  const temp = path.resolve(dir, `temp-${process.pid}.rdb`);
  const now = server.clock.now();
  const snapshot = encodeRdbFile(server.keyspace, {
    listFill: config.getNumber('list-max-listpack-size'),
    compress: config.getBool('rdbcompression'),
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

function save(c: Client): void {
  // Redis answers a failed save with its bare shared error, "-ERR" and no message (the reason is in the log).
  if (!saveSnapshot(c)) fail('-ERR');
  c.reply.ok();
}

function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && !isKeyword(argv[1], 'schedule'))) fail(SYNTAX_ERROR);
  c.server.log('notice', `Background saving started by pid ${process.pid}`);
  if (saveSnapshot(c)) c.server.log('notice', 'Background saving terminated with success');
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
