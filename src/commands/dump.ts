/**
 * DUMP and RESTORE (Redis's cluster.c): a key's value as a payload of the
 * RDB object format (persistence/rdb-value.ts), followed by the RDB version
 * and a CRC64 of everything before it, and a key made again from one.
 * Payloads move between Keyhive and Redis 7.0 both ways.
 */
import type { Client } from '../server/client.js';
import { BadDataFormat, RDB_VERSION, decodeValue, encodeValue, type EncodeOptions } from '../persistence/rdb-value.js';
import type { Config } from '../config.js';
import { crc64 } from '../persistence/crc64.js';
import { SYNTAX_ERROR, fail, isKeyword, parseInteger } from './args.js';
import { encodingLimits } from './encoding-limits.js';
import { keyAt, type CommandSpec } from './table.js';

const BUSY_KEY = 'BUSYKEY Target key name already exists.';
const FOOTER_BYTES = 10;

/** The settings a value is written with, in a DUMP payload as in an RDB file. */
export function valueEncodeOptions(config: Config): EncodeOptions {
  return { listFill: config.getNumber('list-max-listpack-size'), compress: config.getBool('rdbcompression') };
}

function dumpPayload(c: Client, key: string): Buffer | null {
  const value = c.db.lookupRead(key);
  if (value === undefined) return null;
  const body = encodeValue(value, valueEncodeOptions(c.server.config));
  const withVersion = Buffer.allocUnsafe(body.length + 2);
  body.copy(withVersion);
  withVersion.writeUInt16LE(RDB_VERSION, body.length);
  return Buffer.concat([withVersion, crc64(withVersion)]);
}

function dump(c: Client, argv: string[]): void {
  const payload = dumpPayload(c, argv[1]);
  if (payload === null) return c.reply.nullBulk();
  c.reply.bulkBytes(payload, 0, payload.length);
}

/** Redis's verifyDumpPayload: an RDB version this server reads, and a matching checksum unless DEBUG said not to check it. */
function payloadIsSound(c: Client, payload: Buffer): boolean {
  if (payload.length < FOOTER_BYTES) return false;
  const footer = payload.length - FOOTER_BYTES;
  if (payload.readUInt16LE(footer) > RDB_VERSION) return false;
  return c.server.skipChecksumValidation || crc64(payload.subarray(0, footer + 2)).equals(payload.subarray(footer + 2));
}

interface RestoreOptions {
  replace: boolean;
  absoluteTtl: boolean;
  /** IDLETIME's seconds, or -1. */
  idleSeconds: number;
  /** FREQ's counter, or -1. */
  frequency: number;
}

/** REPLACE, ABSTTL, IDLETIME seconds and FREQ frequency, from argv[4] on; IDLETIME and FREQ exclude each other. */
function parseRestoreOptions(argv: string[]): RestoreOptions {
  const options: RestoreOptions = { replace: false, absoluteTtl: false, idleSeconds: -1, frequency: -1 };
  for (let i = 4; i < argv.length; i++) {
    const hasValue = i + 1 < argv.length;
    if (isKeyword(argv[i], 'replace')) options.replace = true;
    else if (isKeyword(argv[i], 'absttl')) options.absoluteTtl = true;
    else if (isKeyword(argv[i], 'idletime') && hasValue && options.frequency === -1) {
      options.idleSeconds = parseInteger(argv[++i]);
      if (options.idleSeconds < 0) fail('ERR Invalid IDLETIME value, must be >= 0');
    } else if (isKeyword(argv[i], 'freq') && hasValue && options.idleSeconds === -1) {
      options.frequency = parseInteger(argv[++i]);
      if (options.frequency < 0 || options.frequency > 255) fail('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else fail(SYNTAX_ERROR);
  }
  return options;
}

function restore(c: Client, argv: string[]): void {
  const [, key, ttlArg] = argv;
  const options = parseRestoreOptions(argv);
  if (!options.replace && c.db.hasForWrite(key)) fail(BUSY_KEY);
  let ttl = parseInteger(ttlArg);
  if (ttl < 0) fail('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(argv[3], 'latin1');
  if (!payloadIsSound(c, payload)) fail('ERR DUMP payload version or checksum are wrong');
  let value;
  try {
    value = decodeValue(payload, encodingLimits(c.server.config));
  } catch (e) {
    if (!(e instanceof BadDataFormat)) throw e;
    c.server.log('verbose', `RESTORE of a bad payload: ${e.message}`);
    fail('ERR Bad data format');
  }
  const deleted = options.replace && c.db.delete(key);
  const now = c.server.clock.now();
  if (ttl !== 0 && !options.absoluteTtl) ttl += now;
  if (ttl !== 0 && ttl <= now) {
    // Already expired: the key is gone, as if deleted by the restore.
    if (deleted) c.db.changed(key, 'g', 'del');
    return c.reply.ok();
  }
  c.db.set(key, value, false, ttl !== 0 ? ttl : undefined);
  const tag = c.server.keyspace.restoredTag(options.idleSeconds, options.frequency);
  if (tag !== null) c.db.setAccessTag(key, tag);
  c.db.changed(key, 'g', 'restore');
  c.reply.ok();
}

const SERIALIZE_COMPLEXITY =
  'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).';
const RESTORE_COMPLEXITY =
  'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).';
const KEY = { first: 1, last: 1, step: 1 };

export const commands: CommandSpec[] = [
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    keys: KEY,
    keySpecs: [keyAt(1, ['RO', 'access'])],
    acl: ['@keyspace'],
    group: 'generic',
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    complexity: SERIALIZE_COMPLEXITY,
    tips: ['nondeterministic_output'],
    run: dump,
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: KEY,
    keySpecs: [keyAt(1, ['OW', 'update'])],
    acl: ['@keyspace', '@dangerous'],
    group: 'generic',
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    complexity: RESTORE_COMPLEXITY,
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    run: restore,
  },
];
