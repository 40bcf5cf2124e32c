/**
 * An RDB file as Redis 7.0's rdbSaveRio writes it: "REDIS0010", the AUX
 * fields, then for each database holding keys a SELECTDB and a RESIZEDB
 * opcode and its keys (a key's deadline first, then its type, name and
 * value), then EOF and the CRC64 of everything before it (zeros with
 * rdbchecksum no). redis-server and redis-check-rdb read what this writes.
 */
import type { Keyspace } from '../store/keyspace.js';
import { crc64 } from './crc64.js';
import { RDB_VERSION, RdbWriter, encodeValue, type EncodeOptions } from './rdb-value.js';

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
