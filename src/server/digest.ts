/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE, after Redis's debug.c: a SHA-1 based
 * signature of the dataset (or of single values) that is the same for the
 * same content whatever the encoding, so tests can compare datasets. The
 * byte-level recipe is Redis's, so the signatures equal Redis's own:
 * ordered contents (strings, lists) are mixed in, unordered ones (sets,
 * hashes, sorted sets) xored, and a deadline adds a fixed marker.
 */
import { createHash } from 'node:crypto';
import { stringOf, typeOf, type Database, type Keyspace, type Value } from '../store/keyspace.js';
import type { Hash } from '../store/hash.js';
import type { SetValue } from '../store/set.js';
import type { ZSet } from '../store/zset.js';
import type { List } from '../store/list.js';
import { formatG17 } from '../resp/writer.js';

const DIGEST_BYTES = 20;

/** Redis's type numbers (OBJ_STRING ...), part of each value's signature. */
const TYPE_CODES: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

/** digest ^= SHA1(data) */
function xorDigest(digest: Buffer, data: Buffer): void {
  const hash = sha1(data);
  for (let i = 0; i < DIGEST_BYTES; i++) digest[i] ^= hash[i];
}

/** digest = SHA1(digest ^ SHA1(data)): order matters. */
function mixDigest(digest: Buffer, data: Buffer): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

const bytes = (s: string) => Buffer.from(s, 'latin1');

/** printf("%.17g"), infinities included. */
function printfG17(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatG17(d);
}

/** One unordered element: its parts mixed into a fresh digest that is then xored in. */
function xorElement(digest: Buffer, parts: string[]): void {
  const element = Buffer.alloc(DIGEST_BYTES);
  for (const part of parts) mixDigest(element, bytes(part));
  xorDigest(digest, element);
}

/** A value's signature mixed into digest, as xorObjectDigest. */
function mixValue(digest: Buffer, value: Value, hasDeadline: boolean): void {
  const type = typeOf(value);
  const code = Buffer.alloc(4);
  code.writeUInt32BE(TYPE_CODES[type]);
  mixDigest(digest, code);
  if (typeof value !== 'object') mixDigest(digest, bytes(stringOf(value)));
  else if (type === 'list') (value as List).walk(0, false, (element) => mixDigest(digest, bytes(element)));
  else if (type === 'set') (value as SetValue).forEach((member) => xorDigest(digest, bytes(member)));
  else if (type === 'hash') (value as Hash).forEach((field, v) => xorElement(digest, [field, v]));
  else if (type === 'zset') {
    const zset = value as ZSet;
    zset.forEach(0, zset.size, false, (member, score) => xorElement(digest, [member, printfG17(score)]));
  }
  if (hasDeadline) xorDigest(digest, bytes('!!expire!!'));
}

/** The signature of key's value in db: 20 zero bytes when there is no such key (expired or not, it counts). */
export function valueDigest(db: Database, key: string): Buffer {
  const digest = Buffer.alloc(DIGEST_BYTES);
  const id = db.main.find(key);
  if (id >= 0) mixValue(digest, db.main.valueAt(id), db.getExpire(key) !== -1);
  return digest;
}

/** The signature of every key of every database, as computeDatasetDigest. */
export function datasetDigest(keyspace: Keyspace): Buffer {
  const final = Buffer.alloc(DIGEST_BYTES);
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    const index = Buffer.alloc(4);
    index.writeUInt32BE(db.index);
    mixDigest(final, index);
    db.main.forEachId((id) => {
      const key = db.main.keyAt(id);
      const digest = Buffer.alloc(DIGEST_BYTES);
      mixDigest(digest, bytes(key));
      mixValue(digest, db.main.valueAt(id), db.getExpire(key) !== -1);
      xorDigest(final, digest);
    });
  }
  return final;
}
