/**
 * A value in Redis's RDB object format (rdb.c's rdbSaveObjectType,
 * rdbSaveObject and rdbLoadObject): the body of a DUMP payload, and what an
 * RDB file holds for each key.
 *
 * A value is written in the RDB type of its encoding, as Redis 7.0 writes
 * it: a small hash or sorted set as one listpack, a set of integers as an
 * intset, a list as quicklist nodes of listpacks. Strings follow
 * rdbSaveRawString (small integers as integers, longer strings LZF
 * compressed when that saves four bytes or more), so a DUMP of a value
 * Keyhive and Redis encode alike is byte for byte Redis's.
 *
 * Reading takes every type Redis 7.0 reads but modules and streams, which
 * Keyhive does not have, including the ziplist and zipmap forms of older
 * versions. A value is rebuilt through the types' own insertions, so it
 * gets the encoding its size calls for here, as Redis converts on loading.
 */
import { isString, stringOf, type Value } from '../store/keyspace.js';
import { List } from '../store/list.js';
import { Hash } from '../store/hash.js';
import { SetValue } from '../store/set.js';
import { ZSet, listpackScoreText } from '../store/zset.js';
import type { EncodingLimits } from '../commands/encoding-limits.js';
import { toInt64 } from '../store/int64.js';
import { toDouble } from '../commands/args.js';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { EMPTY_LISTPACK_BYTES, decodeListpack, encodeListpack, listpackEntryBytes } from './listpack.js';
import { decodeIntset, encodeIntset } from './intset.js';
import { decodeZiplist, decodeZipmap } from './ziplist.js';
import { latin1, putLatin1 } from '../resp/latin1.js';

/** The RDB version Redis 7.0 writes, the newest it reads. */
export const RDB_VERSION = 10;

const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  ZSet2 = 5,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZSetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  HashListpack = 16,
  ZSetListpack = 17,
  ListQuicklist2 = 18,
}

/** The first byte of a length, by its top two bits (rdbSaveLen / rdbLoadLen). */
const LEN_6BIT = 0;
const LEN_14BIT = 1;
const LEN_32BIT = 0x80;
const LEN_64BIT = 0x81;
/** Top bits 11: a string in a special encoding, named by the low six bits. */
const ENCODED = 3;
const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** Quicklist node containers (quicklist.h). */
const PLAIN_NODE = 1;
const PACKED_NODE = 2;

/** The settings that shape what a value is written as. */
export interface EncodeOptions {
  /** list-max-listpack-size, which splits a list into quicklist nodes: a count of entries when positive, else a size class (-1: 4 KB ... -5: 64 KB). */
  listFill: number;
  /** rdbcompression: whether strings longer than 20 bytes may be LZF compressed. */
  compress: boolean;
}

/** Where a value is read back into Keyhive's types, with the encoding thresholds of the server it goes to. */
export type RdbLimits = EncodingLimits;

/** Thrown while reading a malformed payload, with what was wrong (Redis's words where it reports it); RESTORE answers "Bad data format". */
export class BadDataFormat extends Error {}

/** An empty collection, which Redis 7.0 never writes: RESTORE refuses it, loading a file skips it. */
export class EmptyCollection extends BadDataFormat {}

function bad(reason = 'Bad data format'): never {
  throw new BadDataFormat(reason);
}

function empty(): never {
  throw new EmptyCollection('Empty collection');
}

// ---- writing ----------------------------------------------------------------

/** A growing buffer of RDB encodings: lengths, strings (rdbSaveRawString's forms), values. */
export class RdbWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  constructor(private readonly compress: boolean) {}

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  latin1(s: string): void {
    this.reserve(s.length);
    this.pos = putLatin1(this.buf, this.pos, s);
  }

  length(n: number): void {
    if (n < 1 << 6) this.byte((LEN_6BIT << 6) | n);
    else if (n < 1 << 14) {
      this.byte((LEN_14BIT << 6) | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(LEN_32BIT);
      this.reserve(4);
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    } else {
      this.byte(LEN_64BIT);
      this.reserve(8);
      this.pos = this.buf.writeBigUInt64BE(BigInt(n), this.pos);
    }
  }

  /** rdbSaveRawString for a string held as latin1 text. */
  string(s: string): void {
    if (s.length <= 11 && this.smallInteger(s)) return;
    if (this.compress && s.length > 20) return this.raw(Buffer.from(s, 'latin1'));
    this.length(s.length);
    this.latin1(s);
  }

  /** rdbSaveRawString for bytes that are not an integer's text (a listpack or intset blob), or whose integer check is done. */
  raw(data: Uint8Array): void {
    if (this.compress && data.length > 20) {
      const compressed = lzfCompress(data, data.length - 4);
      if (compressed !== null) {
        this.byte((ENCODED << 6) | ENC_LZF);
        this.length(compressed.length);
        this.length(data.length);
        this.bytes(compressed);
        return;
      }
    }
    this.length(data.length);
    this.bytes(data);
  }

  /** rdbTryIntegerEncoding: a canonical integer that fits 32 bits goes as 1, 2 or 4 bytes; returns whether s was one. */
  private smallInteger(s: string): boolean {
    const n = toInt64(s);
    if (n === null || n < -(2 ** 31) || n > 2 ** 31 - 1) return false;
    if (n >= -128 && n <= 127) {
      this.byte((ENCODED << 6) | ENC_INT8);
      this.byte(n & 0xff);
    } else if (n >= -32768 && n <= 32767) {
      this.byte((ENCODED << 6) | ENC_INT16);
      this.reserve(2);
      this.pos = this.buf.writeInt16LE(n, this.pos);
    } else {
      this.byte((ENCODED << 6) | ENC_INT32);
      this.reserve(4);
      this.pos = this.buf.writeInt32LE(n, this.pos);
    }
    return true;
  }

  /** A signed 64-bit little-endian integer (an RDB deadline in milliseconds). */
  int64(n: number): void {
    this.reserve(8);
    this.pos = this.buf.writeBigInt64LE(BigInt(n), this.pos);
  }

  binaryDouble(d: number): void {
    this.reserve(8);
    this.pos = this.buf.writeDoubleLE(d, this.pos);
  }

  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** The value's RDB type byte and object, as rdbSaveObjectType and rdbSaveObject write them. */
export function encodeValue(value: Value, options: EncodeOptions): Buffer {
  const out = new RdbWriter(options.compress);
  if (isString(value)) {
    out.byte(RdbType.String);
    out.string(stringOf(value));
  } else if (value instanceof List) writeList(out, value, options.listFill);
  else if (value instanceof SetValue) writeSet(out, value);
  else if (value instanceof ZSet) writeZSet(out, value);
  else if (value instanceof Hash) writeHash(out, value);
  else throw new Error(`no RDB form for a ${value.type}`);
  return out.done();
}

/** Redis's quicklist split: an element joins the last node while the node's estimated size stays within fill's limit (_quicklistNodeAllowInsert). */
const NODE_SIZE_LIMITS = [4096, 8192, 16384, 32768, 65536];
const NODE_SAFETY_LIMIT = 8192;
const NODE_ENTRY_OVERHEAD = 8;

function nodeTakes(fill: number, nodeBytes: number, nodeCount: number, elementBytes: number): boolean {
  const estimate = nodeBytes + elementBytes + NODE_ENTRY_OVERHEAD;
  if (fill < 0 && -fill - 1 < NODE_SIZE_LIMITS.length && estimate <= NODE_SIZE_LIMITS[-fill - 1]) return true;
  return estimate <= NODE_SAFETY_LIMIT && nodeCount < fill;
}

/**
 * The list's quicklist nodes, each a listpack, as appending its elements one
 * by one to an empty quicklist makes them. (Redis gives an element of 1 GB
 * or more a plain node of its own; no JS string is that long.)
 */
function quicklistNodes(list: List, fill: number): Buffer[] {
  const nodes: Buffer[] = [];
  let entries: string[] = [];
  let bytes = 0;
  list.walk(0, false, (element) => {
    if (entries.length > 0 && !nodeTakes(fill, bytes, entries.length, element.length)) {
      nodes.push(encodeListpack(entries));
      entries = [];
    }
    entries.push(element);
    // The node's real size, as Redis compares it: its listpack's bytes so far.
    bytes = (entries.length === 1 ? EMPTY_LISTPACK_BYTES : bytes) + listpackEntryBytes(element);
  });
  if (entries.length > 0) nodes.push(encodeListpack(entries));
  return nodes;
}

function writeList(out: RdbWriter, list: List, fill: number): void {
  out.byte(RdbType.ListQuicklist2);
  const nodes = quicklistNodes(list, fill);
  out.length(nodes.length);
  for (const node of nodes) {
    out.length(PACKED_NODE);
    out.raw(node);
  }
}

/** A collection in its compact encoding: the type, then one blob. */
function writeBlob(out: RdbWriter, type: RdbType, blob: Buffer): void {
  out.byte(type);
  out.raw(blob);
}

/** A collection as a table: the type, the count of members (or pairs), then its strings. */
function writeStrings(out: RdbWriter, type: RdbType, count: number, strings: string[]): void {
  out.byte(type);
  out.length(count);
  for (const s of strings) out.string(s);
}

function writeSet(out: RdbWriter, set: SetValue): void {
  const members: string[] = [];
  set.forEach((member) => void members.push(member));
  if (set.encoding() === 'intset') writeBlob(out, RdbType.SetIntset, encodeIntset(members));
  else writeStrings(out, RdbType.Set, members.length, members);
}

function writeZSet(out: RdbWriter, zset: ZSet): void {
  if (zset.encoding() === 'listpack') {
    const entries: string[] = [];
    zset.forEachAscending((member, score) => void entries.push(member, listpackScoreText(score)));
    return writeBlob(out, RdbType.ZSetListpack, encodeListpack(entries));
  }
  out.byte(RdbType.ZSet2);
  out.length(zset.size);
  // Greatest first, as Redis walks its skip list from the tail: loading then inserts each at the head.
  zset.forEach(zset.size - 1, zset.size, true, (member, score) => {
    out.string(member);
    out.binaryDouble(score);
  });
}

function writeHash(out: RdbWriter, hash: Hash): void {
  const entries: string[] = [];
  hash.forEach((field, value) => void entries.push(field, value));
  if (hash.encoding() === 'listpack') writeBlob(out, RdbType.HashListpack, encodeListpack(entries));
  else writeStrings(out, RdbType.Hash, hash.size, entries);
}

// ---- reading ----------------------------------------------------------------

/** Reads RDB encodings from a buffer, throwing BadDataFormat at anything malformed or cut short. */
export class RdbReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  /** Bytes read so far. */
  get offset(): number {
    return this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) bad('Unexpected end of payload');
    return this.buf[this.pos++];
  }

  take(n: number): Buffer {
    if (n > this.buf.length - this.pos) bad('Unexpected end of payload');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length (rdbLoadLen); an encoded-string marker is no length here. */
  length(): number {
    const { value, encoded } = this.lengthOrEncoding();
    if (encoded) bad('An encoded string where a length belongs');
    return value;
  }

  private lengthOrEncoding(): { value: number; encoded: boolean } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === LEN_6BIT) return { value: first & 0x3f, encoded: false };
    if (kind === LEN_14BIT) return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (kind === ENCODED) return { value: first & 0x3f, encoded: true };
    if (first === LEN_32BIT) return { value: this.take(4).readUInt32BE(0), encoded: false };
    if (first === LEN_64BIT) {
      const n = this.take(8).readBigUInt64BE(0);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) bad('Length past 2^53');
      return { value: Number(n), encoded: false };
    }
    bad(`Unknown length encoding ${first}`);
  }

  /** A string (rdbGenericLoadStringObject): plain, an integer, or LZF compressed; as bytes. */
  bytesString(): Buffer {
    const { value, encoded } = this.lengthOrEncoding();
    if (!encoded) return this.take(value);
    if (value === ENC_INT8) return Buffer.from(String(this.take(1).readInt8(0)), 'latin1');
    if (value === ENC_INT16) return Buffer.from(String(this.take(2).readInt16LE(0)), 'latin1');
    if (value === ENC_INT32) return Buffer.from(String(this.take(4).readInt32LE(0)), 'latin1');
    if (value !== ENC_LZF) bad(`Unknown RDB encoding type ${value}`);
    const compressedLength = this.length();
    const length = this.length();
    return lzfDecompress(this.take(compressedLength), length) ?? bad('Invalid LZF compressed string');
  }

  string(): string {
    const bytes = this.bytesString();
    return latin1(bytes, 0, bytes.length);
  }

  binaryDouble(): number {
    return this.take(8).readDoubleLE(0);
  }

  /** A double as text with a length byte (rdbLoadDoubleValue), in the first sorted set format. */
  textDouble(): number {
    const length = this.byte();
    if (length === 253) return NaN;
    if (length === 254) return Infinity;
    if (length === 255) return -Infinity;
    return toDouble(this.take(length).latin1Slice(0, length)) ?? bad('Invalid double value');
  }
}

/**
 * The value that the RDB type byte and object at the start of payload
 * encode (rdbLoadObjectType and rdbLoadObject); bytes after it are not
 * read, as Redis does not. Throws BadDataFormat for anything malformed, an
 * empty collection, duplicate members or a NaN score.
 */
export function decodeValue(payload: Buffer, limits: RdbLimits): Value {
  const input = new RdbReader(payload);
  return readValue(input, input.byte(), limits);
}

/** The value of RDB type `type` whose object input is at (rdbLoadObject). */
export function readValue(input: RdbReader, type: number, limits: RdbLimits): Value {
  switch (type) {
    case RdbType.String:
      return input.string();
    case RdbType.List:
      return listOf(readStrings(input, input.length()));
    case RdbType.ListZiplist:
      return listOf(blobEntries(input, decodeZiplist, 'List ziplist'));
    case RdbType.ListQuicklist:
      return listOf(readNodes(input, () => decodeZiplist(nodeBytes(input)) ?? bad('Ziplist integrity check failed.')));
    case RdbType.ListQuicklist2:
      return listOf(readNodes(input, () => readQuicklist2Node(input)));
    case RdbType.Set:
      return setOf(readStrings(input, input.length()), limits);
    case RdbType.SetIntset:
      return setOf(blobEntries(input, decodeIntset, 'Intset'), limits);
    case RdbType.ZSet:
    case RdbType.ZSet2:
      return zsetOf(readScoredMembers(input, type === RdbType.ZSet2), limits, 'Duplicate zset fields detected');
    case RdbType.ZSetZiplist:
      return zsetOf(pairsWithScores(blobEntries(input, decodeZiplist, ZSET_ZIPLIST)), limits, integrityFailure(ZSET_ZIPLIST));
    case RdbType.ZSetListpack:
      return zsetOf(pairsWithScores(blobEntries(input, decodeListpack, ZSET_LISTPACK)), limits, integrityFailure(ZSET_LISTPACK));
    case RdbType.Hash:
      return hashOf(readStrings(input, 2 * input.length()), limits, 'Duplicate hash fields detected');
    case RdbType.HashZipmap:
      return hashOf(blobEntries(input, decodeZipmap, ZIPMAP), limits, integrityFailure(ZIPMAP));
    case RdbType.HashZiplist:
      return hashOf(blobEntries(input, decodeZiplist, HASH_ZIPLIST), limits, integrityFailure(HASH_ZIPLIST));
    case RdbType.HashListpack:
      return hashOf(blobEntries(input, decodeListpack, HASH_LISTPACK), limits, integrityFailure(HASH_LISTPACK));
    default:
      // Modules and streams (types 6, 7, 15, 19) have no Keyhive form.
      bad(`No Keyhive type for RDB object type ${type}`);
  }
}

function readStrings(input: RdbReader, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(input.string());
  return out;
}

/** The blobs of compact encodings, by the names Redis reports a bad one under (a duplicate member makes one bad, as Redis's checks find it). */
const ZSET_ZIPLIST = 'Zset ziplist';
const ZSET_LISTPACK = 'Zset listpack';
const HASH_ZIPLIST = 'Hash ziplist';
const HASH_LISTPACK = 'Hash listpack';
const ZIPMAP = 'Zipmap';

function integrityFailure(what: string): string {
  return `${what} integrity check failed.`;
}

/** The entries of a blob-encoded value (listpack, ziplist, intset, zipmap) that the next string holds; `what` names it in the reason for a bad one. */
function blobEntries(input: RdbReader, decode: (blob: Buffer) => string[] | null, what: string): string[] {
  return decode(input.bytesString()) ?? bad(integrityFailure(what));
}

/** A quicklist node's bytes, which Redis requires to be some. */
function nodeBytes(input: RdbReader): Buffer {
  const bytes = input.bytesString();
  return bytes.length > 0 ? bytes : bad('Empty quicklist node');
}

/** The elements of a quicklist's nodes; an empty node is skipped, as Redis skips it (an empty list is refused later). */
function readNodes(input: RdbReader, readNode: () => string[]): string[] {
  const count = input.length();
  const out: string[] = [];
  for (let i = 0; i < count; i++) for (const entry of readNode()) out.push(entry);
  return out;
}

function readQuicklist2Node(input: RdbReader): string[] {
  const container = input.length();
  if (container !== PLAIN_NODE && container !== PACKED_NODE) bad(integrityFailure('Quicklist'));
  const bytes = nodeBytes(input);
  if (container === PLAIN_NODE) return [latin1(bytes, 0, bytes.length)];
  return decodeListpack(bytes) ?? bad(integrityFailure('Listpack'));
}

function readScoredMembers(input: RdbReader, binaryScores: boolean): [string, number][] {
  const count = input.length();
  const out: [string, number][] = [];
  for (let i = 0; i < count; i++) {
    const member = input.string();
    out.push([member, binaryScores ? input.binaryDouble() : input.textDouble()]);
  }
  return out;
}

/** member, score, member, score... as a listpack or ziplist holds a sorted set, with the scores read as numbers. */
function pairsWithScores(entries: string[]): [string, number][] {
  if (entries.length % 2 !== 0) bad('Zset with an odd number of entries');
  const out: [string, number][] = [];
  for (let i = 0; i < entries.length; i += 2) out.push([entries[i], toDouble(entries[i + 1]) ?? bad('Invalid zset score')]);
  return out;
}


function listOf(elements: string[]): List {
  if (elements.length === 0) empty();
  const list = new List();
  for (const element of elements) list.pushTail(element);
  return list;
}

function setOf(members: string[], limits: RdbLimits): SetValue {
  if (members.length === 0) empty();
  const set = new SetValue();
  for (const member of members) if (!set.add(member, limits.maxIntsetEntries, members.length)) bad('Duplicate set members detected');
  return set;
}

/** duplicateReason: what a member given twice is reported as (a blob's integrity failure, or Redis's duplicate message for a table). */
function zsetOf(pairs: [string, number][], limits: RdbLimits, duplicateReason: string): ZSet {
  if (pairs.length === 0) empty();
  let longest = 0;
  for (const [member] of pairs) longest = Math.max(longest, member.length);
  const zset = new ZSet(limits, pairs.length, longest);
  for (const [member, score] of pairs) {
    if (Number.isNaN(score)) bad('Zset with NAN score detected');
    if (zset.score(member) !== undefined) bad(duplicateReason);
    zset.add(member, score);
  }
  return zset;
}

function hashOf(entries: string[], limits: RdbLimits, duplicateReason: string): Hash {
  if (entries.length === 0) empty();
  if (entries.length % 2 !== 0) bad('Hash with an odd number of entries');
  const hash = new Hash();
  for (let i = 0; i < entries.length; i += 2) if (!hash.set(entries[i], entries[i + 1], limits)) bad(duplicateReason);
  return hash;
}
