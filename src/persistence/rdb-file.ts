/**
 * An RDB file as Redis 7.0's rdbSaveRio writes it and rdbLoadRio reads it: "REDIS0010", the AUX
 * fields, then for each database holding keys a SELECTDB and a RESIZEDB
 * opcode and its keys (a key's deadline first, its IDLE or FREQ under an
 * LRU or LFU policy, then its type, name and value), then EOF and the
 * CRC64 of everything before it (zeros with rdbchecksum no). redis-server
 * and redis-check-rdb read what this writes.
 */
import type { Keyspace } from '../store/keyspace.js';
import { lfuCounter, lruIdleMs } from '../store/access.js';
import { crc64 } from './crc64.js';
import { BadDataFormat, EmptyCollection, RDB_VERSION, RdbReader, RdbWriter, encodeValue, readValue, type EncodeOptions, type RdbLimits } from './rdb-value.js';

const OPCODE_AUX = 0xfa;
const OPCODE_RESIZEDB = 0xfb;
const OPCODE_EXPIRETIME_MS = 0xfc;
const OPCODE_SELECTDB = 0xfe;
const OPCODE_EOF = 0xff;

export interface SnapshotOptions extends EncodeOptions {
  /** rdbchecksum: whether the file ends with its CRC64, or with zeros. */
  checksum: boolean;
  /** The AUX fields: the Redis version the server stands for, and used_memory. */
  redisVersion: string;
  usedMemory: number;
  /** Unix milliseconds, for the ctime field. */
  now: number;
  /** What each key's access record is saved as: its LRU idle time (IDLE), its LFU counter (FREQ), or nothing, by the maxmemory policy as in Redis. */
  accessRecord: 'lru' | 'lfu' | null;
}

function aux(out: RdbWriter, field: string, value: string): void {
  out.byte(OPCODE_AUX);
  out.string(field);
  out.string(value);
}

/** The whole dataset as an RDB file. */
export function encodeRdbFile(keyspace: Keyspace, options: SnapshotOptions): Buffer {
  const out = new RdbWriter(options.compress);
  out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  aux(out, 'redis-ver', options.redisVersion);
  aux(out, 'redis-bits', '64');
  aux(out, 'ctime', String(Math.floor(options.now / 1000)));
  aux(out, 'used-mem', String(options.usedMemory));
  aux(out, 'aof-base', '0');
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    out.byte(OPCODE_SELECTDB);
    out.length(db.index);
    out.byte(OPCODE_RESIZEDB);
    out.length(db.size);
    out.length(db.expires.size);
    db.main.forEachId((id) => {
      const key = db.main.keyAt(id);
      const deadline = db.getExpire(key);
      if (deadline !== -1) {
        out.byte(OPCODE_EXPIRETIME_MS);
        out.int64(deadline);
      }
      if (options.accessRecord !== null) writeAccessRecord(out, keyspace, db.main.tagAt(id), options.accessRecord);
      // A value's encoding is its type byte, then its object: the key goes between them.
      const value = encodeValue(db.main.valueAt(id), options);
      out.byte(value[0]);
      out.string(key);
      out.bytes(value.subarray(1));
    });
  }
  out.byte(OPCODE_EOF);
  const body = out.done();
  return Buffer.concat([body, options.checksum ? crc64(body) : Buffer.alloc(8)]);
}

/** A key's IDLE (seconds since its last access) or FREQ (its LFU counter, decayed as OBJECT FREQ reads it), as rdbSaveKeyValuePair writes them. */
function writeAccessRecord(out: RdbWriter, keyspace: Keyspace, tag: number, record: 'lru' | 'lfu'): void {
  if (record === 'lru') {
    out.byte(OPCODE_IDLE);
    out.length(Math.floor(lruIdleMs(keyspace.lruClock, tag) / 1000));
  } else if (keyspace.lfu !== null) {
    out.byte(OPCODE_FREQ);
    out.byte(lfuCounter(tag, keyspace.lfu, keyspace.lfuMinutes));
  }
}

const OPCODE_FUNCTION2 = 0xf5;
const OPCODE_FUNCTION = 0xf6;
const OPCODE_MODULE_AUX = 0xf7;
const OPCODE_IDLE = 0xf8;
const OPCODE_FREQ = 0xf9;
const OPCODE_EXPIRETIME = 0xfd;
const MAGIC = 'REDIS';
/** RDB versions before 5 end with no checksum. */
const FIRST_CHECKSUMMED_VERSION = 5;

/** A file that cannot be loaded, with what Redis logs for it. */
export class RdbFileError extends Error {}

export interface LoadOptions {
  limits: RdbLimits;
  /** rdbchecksum: whether a non-zero checksum is verified. */
  verifyChecksum: boolean;
  /** Unix milliseconds: keys whose deadline has passed are not loaded. */
  now: number;
  /** A key the keyspace holds already is replaced (DEBUG RELOAD MERGE, Redis's RDBFLAGS_ALLOW_DUP); otherwise the file is refused. */
  replaceExisting?: boolean;
}

export interface LoadResult {
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: string[];
  /** The AUX redis-ver, if the file has one. */
  redisVersion: string | null;
}

/** Loads an RDB file into keyspace (rdbLoadRio); throws RdbFileError with Redis's words for a file it cannot load, or one holding a key the keyspace has (unless replaceExisting). */
export function decodeRdbFile(file: Buffer, keyspace: Keyspace, options: LoadOptions): LoadResult {
  const version = rdbVersionOf(file);
  const input = new RdbReader(file);
  input.take(MAGIC.length + 4);
  const result: LoadResult = { keysLoaded: 0, keysExpired: 0, emptyKeysSkipped: [], redisVersion: null };
  let db = keyspace.dbs[0];
  let deadline = -1;
  let idleSeconds = -1;
  let frequency = -1;
  try {
    for (;;) {
      const type = input.byte();
      if (type === OPCODE_EOF) break;
      switch (type) {
        case OPCODE_AUX: {
          const field = input.string();
          const value = input.string();
          if (field === 'redis-ver') result.redisVersion = value;
          continue;
        }
        case OPCODE_RESIZEDB:
          input.length();
          input.length();
          continue;
        case OPCODE_SELECTDB: {
          const index = input.length();
          if (index >= keyspace.dbs.length) {
            throw new RdbFileError(`FATAL: Data file was created with a Redis server configured to handle more than ${keyspace.dbs.length} databases. Exiting`);
          }
          db = keyspace.dbs[index];
          continue;
        }
        case OPCODE_EXPIRETIME_MS:
          deadline = Number(input.take(8).readBigInt64LE(0));
          continue;
        case OPCODE_EXPIRETIME:
          deadline = input.take(4).readInt32LE(0) * 1000;
          continue;
        case OPCODE_IDLE:
          idleSeconds = input.length();
          continue;
        case OPCODE_FREQ:
          frequency = input.byte();
          continue;
        case OPCODE_MODULE_AUX:
        case OPCODE_FUNCTION:
        case OPCODE_FUNCTION2:
          throw new RdbFileError(`The RDB file holds ${type === OPCODE_MODULE_AUX ? 'module data' : 'functions'}, which Keyhive does not have`);
      }
      const key = input.string();
      loadKey(input, type, key);
      deadline = -1;
      idleSeconds = -1;
      frequency = -1;
    }
  } catch (e) {
    if (e instanceof BadDataFormat) throw new RdbFileError(`Internal error in RDB reading offset ${input.offset}: ${e.message}`);
    throw e;
  }
  if (version >= FIRST_CHECKSUMMED_VERSION) verifyChecksum(file, input, options.verifyChecksum);
  return result;

  function loadKey(input: RdbReader, type: number, key: string): void {
    let value;
    try {
      value = readValue(input, type, options.limits);
    } catch (e) {
      if (!(e instanceof EmptyCollection)) throw e;
      result.emptyKeysSkipped.push(key);
      return;
    }
    if (deadline !== -1 && deadline < options.now) {
      result.keysExpired++;
      return;
    }
    if (!options.replaceExisting && db.has(key)) throw new RdbFileError(`RDB has duplicated key '${key}' in DB ${db.index}`);
    db.set(key, value, false, deadline === -1 ? undefined : deadline);
    const tag = keyspace.restoredTag(idleSeconds, frequency);
    if (tag !== null) db.setAccessTag(key, tag);
    result.keysLoaded++;
  }
}

function rdbVersionOf(file: Buffer): number {
  if (file.length < MAGIC.length + 4 || file.latin1Slice(0, MAGIC.length) !== MAGIC) throw new RdbFileError('Wrong signature trying to load DB from file');
  const digits = file.latin1Slice(MAGIC.length, MAGIC.length + 4);
  const version = /^\d{4}$/.test(digits) ? Number(digits) : 0;
  if (version < 1 || version > RDB_VERSION) throw new RdbFileError(`Can't handle RDB format version ${digits}`);
  return version;
}

/** The 8 bytes after EOF: the CRC64 of everything before them, or zeros when the file was saved with rdbchecksum no. */
function verifyChecksum(file: Buffer, input: RdbReader, verify: boolean): void {
  const end = input.offset;
  if (file.length < end + 8) throw new RdbFileError('Short read or OOM loading DB. Unrecoverable error, aborting now.');
  const stored = file.subarray(end, end + 8);
  if (!verify || stored.every((b) => b === 0)) return;
  if (!crc64(file.subarray(0, end)).equals(stored)) throw new RdbFileError('Wrong RDB checksum. Aborting now.');
}
