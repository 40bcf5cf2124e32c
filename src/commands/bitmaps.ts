/**
 * Bitmap commands (bitops.c) on string values: SETBIT, GETBIT, BITCOUNT,
 * BITPOS, BITOP, BITFIELD and BITFIELD_RO. Bit 0 is the most significant bit
 * of the first byte, and a string reads as if endless zero bytes followed it.
 */
import type { Client } from '../server/client.js';
import { SYNTAX_ERROR, fail, isKeyword, parseBigInteger, parseInteger, toInt64 } from './args.js';
import { storeOrDelete } from './collections.js';
import { checkStringLength, overwriteAt, readString, writableString } from './strings.js';
import { keyAt, type CommandSpec, type KeySpecFlag } from './table.js';

const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';

/**
 * Redis's getBitOffsetFromArgument: a bit offset below proto-max-bulk-len
 * bytes. For BITFIELD (fieldBits > 0), "#n" means the n-th field of that
 * width, multiplied in int64 as C does.
 */
function parseBitOffset(c: Client, arg: string, fieldBits = 0): number {
  const perField = fieldBits > 0 && arg.charCodeAt(0) === 35; /* '#' */
  const digits = perField ? arg.slice(1) : arg;
  let offset = toInt64(digits);
  if (offset === null) fail(BIT_OFFSET_ERROR);
  if (perField) {
    offset *= fieldBits;
    if (!Number.isSafeInteger(offset)) offset = Number(BigInt.asIntN(64, BigInt(digits) * BigInt(fieldBits)));
  }
  if (offset < 0 || Math.floor(offset / 8) >= c.server.limits.maxBulkLen) fail(BIT_OFFSET_ERROR);
  return offset;
}

/** The byte holding bit offset, and the mask of that bit in it. */
function byteOf(offset: number): number {
  return Math.floor(offset / 8);
}

function maskOf(offset: number): number {
  return 0x80 >> (offset & 7);
}

// ---- SETBIT, GETBIT -------------------------------------------------------------

function setbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2]);
  const on = toInt64(argv[3]);
  if (on !== 0 && on !== 1) fail('ERR bit is not an integer or out of range');
  const key = argv[1];
  const old = writableString(c, key);
  const byte = byteOf(offset);
  const mask = maskOf(offset);
  const grows = old === undefined || byte >= old.length;
  const current = grows ? 0 : old.charCodeAt(byte);
  const wasSet = (current & mask) !== 0;
  // As in Redis, an unchanged bit is no write unless the string had to grow.
  if (grows || wasSet !== (on === 1)) {
    if (grows) checkStringLength(c, byte + 1);
    c.db.overwrite(key, overwriteAt(old ?? '', byte, String.fromCharCode(on ? current | mask : current & ~mask)));
    c.db.changed(key, '$', 'setbit');
  }
  c.reply.integer(wasSet ? 1 : 0);
}

function getbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2]);
  const value = readString(c, argv[1]) ?? '';
  const byte = byteOf(offset);
  c.reply.integer(byte < value.length && (value.charCodeAt(byte) & maskOf(offset)) !== 0 ? 1 : 0);
}

// ---- BITCOUNT, BITPOS -------------------------------------------------------------

/** Set bits per byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
});

/** An inclusive range of bits, already clamped to the string. */
interface BitRange {
  first: number;
  last: number;
}

/** Whether start > end for int64 arguments, exact beyond 2^53 too. */
function isGreater(start: number, end: number, startArg: string, endArg: string): boolean {
  if (Number.isSafeInteger(start) && Number.isSafeInteger(end)) return start > end;
  return BigInt(startArg) > BigInt(endArg);
}

/** BIT or BYTE (true for BIT). */
function parseUnit(arg: string): boolean {
  if (isKeyword(arg, 'bit')) return true;
  if (isKeyword(arg, 'byte')) return false;
  fail(SYNTAX_ERROR);
}

/**
 * BITCOUNT's and BITPOS's start/end (negative = from the end), in bytes or
 * bits, made a bit range within a string of length bytes; null when empty.
 */
function clampRange(start: number, end: number, inBits: boolean, length: number): BitRange | null {
  const total = inBits ? length * 8 : length;
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  end = Math.min(end, total - 1);
  if (start > end) return null;
  return inBits ? { first: start, last: end } : { first: start * 8, last: end * 8 + 7 };
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Bytes from which counting a word at a time pays for copying the string into a buffer. */
const WORDWISE_COUNT = 256;

/** Where countBytes copies a string's bytes to count them a word at a time, a piece at a time; its words view the same memory. */
const COUNT_PIECE_BYTES = 64 * 1024;
const countPiece = Buffer.allocUnsafeSlow(COUNT_PIECE_BYTES);
const countPieceWords = new Int32Array(countPiece.buffer, countPiece.byteOffset, COUNT_PIECE_BYTES >> 2);

/** The set bits of value's bytes from first to last, inclusive. */
function countBytes(value: string, first: number, last: number): number {
  let n = 0;
  if (last - first < WORDWISE_COUNT) {
    for (let i = first; i <= last; i++) n += POPCOUNT[value.charCodeAt(i)];
    return n;
  }
  for (let from = first; from <= last; from += COUNT_PIECE_BYTES) {
    const length = Math.min(COUNT_PIECE_BYTES, last + 1 - from);
    countPiece.latin1Write(value.slice(from, from + length), 0);
    const words = length >> 2;
    for (let w = 0; w < words; w++) n += popcount32(countPieceWords[w]);
    for (let i = words << 2; i < length; i++) n += POPCOUNT[countPiece[i]];
  }
  return n;
}

/** The set bits of value within range. */
function countBits(value: string, range: BitRange): number {
  const firstByte = byteOf(range.first);
  const lastByte = byteOf(range.last);
  let n = countBytes(value, firstByte, lastByte);
  // Take back the bits of the edge bytes that lie outside the range.
  n -= POPCOUNT[value.charCodeAt(firstByte) & ~(0xff >> (range.first & 7)) & 0xff];
  n -= POPCOUNT[value.charCodeAt(lastByte) & (0x7f >> (range.last & 7))];
  return n;
}

function bitcount(c: Client, argv: string[]): void {
  const value = readString(c, argv[1]);
  if (value === undefined) return c.reply.integer(0);
  let range: BitRange | null;
  if (argv.length === 2) range = clampRange(0, -1, false, value.length);
  else if (argv.length === 4 || argv.length === 5) {
    const start = parseInteger(argv[2]);
    const end = parseInteger(argv[3]);
    if (start < 0 && end < 0 && isGreater(start, end, argv[2], argv[3])) return c.reply.integer(0);
    range = clampRange(start, end, argv.length === 5 && parseUnit(argv[4]), value.length);
  } else fail(SYNTAX_ERROR);
  c.reply.integer(range === null ? 0 : countBits(value, range));
}

/** Position of the first bit equal to bit within range, or -1. */
function findBit(value: string, bit: number, range: BitRange): number {
  const firstByte = byteOf(range.first);
  const lastByte = byteOf(range.last);
  for (let i = firstByte; i <= lastByte; i++) {
    // Search for a 1 in the byte, or in its complement when looking for a 0.
    let byte = bit === 1 ? value.charCodeAt(i) : ~value.charCodeAt(i) & 0xff;
    if (i === firstByte) byte &= 0xff >> (range.first & 7);
    if (i === lastByte) byte &= (0xff80 >> (range.last & 7)) & 0xff;
    if (byte !== 0) return i * 8 + Math.clz32(byte) - 24;
  }
  return -1;
}

function bitpos(c: Client, argv: string[]): void {
  const bit = parseInteger(argv[2]);
  if (bit !== 0 && bit !== 1) fail('ERR The bit argument must be 1 or 0.');
  const value = readString(c, argv[1]);
  // A missing key is an endless run of zeros.
  if (value === undefined) return c.reply.integer(bit === 1 ? -1 : 0);
  if (argv.length > 6) fail(SYNTAX_ERROR);
  const start = argv.length > 3 ? parseInteger(argv[3]) : 0;
  const inBits = argv.length === 6 && parseUnit(argv[5]);
  const endGiven = argv.length > 4;
  const end = endGiven ? parseInteger(argv[4]) : -1;
  const range = clampRange(start, end, inBits, value.length);
  if (range === null) return c.reply.integer(-1);
  const found = findBit(value, bit, range);
  // Without an explicit end, the zeros that pad the string to the right count.
  if (found < 0 && bit === 0 && !endGiven) return c.reply.integer(range.last + 1);
  c.reply.integer(found);
}

// ---- BITOP --------------------------------------------------------------------------

type BitOperation = 'and' | 'or' | 'xor' | 'not';

function parseBitOperation(arg: string): BitOperation {
  const op = arg.toLowerCase();
  if (op === 'and' || op === 'or' || op === 'xor' || op === 'not') return op;
  fail(SYNTAX_ERROR);
}

/** Combines operand into result (both length bytes, zero-padded) a 32-bit word at a time. */
function combineInto(result: Buffer, operand: Buffer, op: BitOperation): void {
  const words = result.length >> 2;
  const r = new Int32Array(result.buffer, result.byteOffset, words);
  const o = new Int32Array(operand.buffer, operand.byteOffset, words);
  if (op === 'and') for (let i = 0; i < words; i++) r[i] &= o[i];
  else if (op === 'or') for (let i = 0; i < words; i++) r[i] |= o[i];
  else for (let i = 0; i < words; i++) r[i] ^= o[i];
  for (let i = words * 4; i < result.length; i++) {
    if (op === 'and') result[i] &= operand[i];
    else if (op === 'or') result[i] |= operand[i];
    else result[i] ^= operand[i];
  }
}

/** The bitwise combination of the sources, as long as the longest (shorter ones read as zero-padded). */
function bitwise(op: BitOperation, sources: string[]): string {
  let length = 0;
  for (const s of sources) length = Math.max(length, s.length);
  if (length === 0) return '';
  // Unpooled buffers start on a word boundary, as Int32Array views need.
  const result = Buffer.alloc(length);
  result.latin1Write(sources[0], 0);
  if (op === 'not') {
    for (let i = 0; i < length; i++) result[i] = ~result[i];
    return result.latin1Slice(0, length);
  }
  const operand = Buffer.alloc(length);
  for (let j = 1; j < sources.length; j++) {
    operand.fill(0);
    operand.latin1Write(sources[j], 0);
    combineInto(result, operand, op);
  }
  return result.latin1Slice(0, length);
}

function bitop(c: Client, argv: string[]): void {
  const op = parseBitOperation(argv[1]);
  if (op === 'not' && argv.length !== 4) fail('ERR BITOP NOT must be called with a single source key.');
  const sources: string[] = [];
  for (let i = 3; i < argv.length; i++) sources.push(readString(c, argv[i]) ?? '');
  const result = bitwise(op, sources);
  storeOrDelete(c, argv[2], result.length > 0 ? result : null, '$', 'set');
  c.reply.integer(result.length);
}

// ---- BITFIELD ---------------------------------------------------------------------------

/** A field type (i1..i64, u1..u63) and the range of values it holds. */
interface FieldType {
  signed: boolean;
  bits: number;
  min: bigint;
  max: bigint;
}

function fieldType(signed: boolean, bits: number): FieldType {
  const span = 1n << BigInt(bits);
  return signed ? { signed, bits, min: -(span >> 1n), max: (span >> 1n) - 1n } : { signed, bits, min: 0n, max: span - 1n };
}

const SIGNED_TYPES = Array.from({ length: 65 }, (_, bits) => fieldType(true, bits));
const UNSIGNED_TYPES = Array.from({ length: 64 }, (_, bits) => fieldType(false, bits));

const FIELD_TYPE_ERROR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** i<bits> or u<bits>; the width ends at a NUL byte, as C's strlen sees it. */
function parseFieldType(arg: string): FieldType {
  const sign = arg.charCodeAt(0);
  if (sign !== 105 /* i */ && sign !== 117 /* u */) fail(FIELD_TYPE_ERROR);
  const nul = arg.indexOf('\0', 1);
  const bits = toInt64(nul < 0 ? arg.slice(1) : arg.slice(1, nul));
  const types = sign === 105 ? SIGNED_TYPES : UNSIGNED_TYPES;
  if (bits === null || bits < 1 || bits >= types.length) fail(FIELD_TYPE_ERROR);
  return types[bits];
}

type Overflow = 'wrap' | 'sat' | 'fail';

function parseOverflow(arg: string): Overflow {
  const how = arg.toLowerCase();
  if (how === 'wrap' || how === 'sat' || how === 'fail') return how;
  fail('ERR Invalid OVERFLOW type specified');
}

interface FieldOp {
  type: FieldType;
  offset: number;
  /** null for GET. */
  write: 'set' | 'incrby' | null;
  /** SET's value or INCRBY's increment. */
  argument: bigint;
  overflow: Overflow;
}

/** The subcommands from argv[2] on, checked as Redis checks them before touching the key. */
function parseFieldOps(c: Client, argv: string[]): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const name = argv[j].toLowerCase();
    let write: FieldOp['write'];
    if (name === 'get' && left >= 2) write = null;
    else if ((name === 'set' || name === 'incrby') && left >= 3) write = name;
    else if (name === 'overflow' && left >= 1) {
      overflow = parseOverflow(argv[++j]);
      continue;
    } else fail(SYNTAX_ERROR);
    const type = parseFieldType(argv[j + 1]);
    const offset = parseBitOffset(c, argv[j + 2], type.bits);
    const argument = write === null ? 0n : parseBigInteger(argv[j + 3]);
    ops.push({ type, offset, write, argument, overflow });
    j += write === null ? 2 : 3;
  }
  return ops;
}

/** count (at most 32) bits of bytes from bit `bit` of byte `at` on, most significant first. */
function readBits(bytes: Uint8Array, at: number, bit: number, count: number): number {
  let value = 0;
  for (const end = bit + count; bit < end; bit++) value = value * 2 + ((bytes[at + (bit >> 3)] >> (7 - (bit & 7))) & 1);
  return value;
}

function writeBits(bytes: Uint8Array, at: number, bit: number, count: number, value: number): void {
  for (let i = bit + count - 1; i >= bit; i--) {
    const mask = 0x80 >> (i & 7);
    if (value % 2 === 1) bytes[at + (i >> 3)] |= mask;
    else bytes[at + (i >> 3)] &= ~mask;
    value = Math.floor(value / 2);
  }
}

/** The field at bit offset of bytes: a number up to 32 bits wide, a bigint beyond. */
function readField(bytes: Uint8Array, offset: number, type: FieldType): number | bigint {
  const at = byteOf(offset);
  const bit = offset & 7;
  if (type.bits <= 32) {
    const u = readBits(bytes, at, bit, type.bits);
    return type.signed && u >= 2 ** (type.bits - 1) ? u - 2 ** type.bits : u;
  }
  const high = readBits(bytes, at, bit, type.bits - 32);
  const u = (BigInt(high) << 32n) | BigInt(readBits(bytes, at, bit + type.bits - 32, 32));
  return type.signed ? BigInt.asIntN(type.bits, u) : u;
}

function writeField(bytes: Uint8Array, offset: number, type: FieldType, value: bigint): void {
  const at = byteOf(offset);
  const bit = offset & 7;
  const u = BigInt.asUintN(type.bits, value);
  if (type.bits <= 32) return writeBits(bytes, at, bit, type.bits, Number(u));
  writeBits(bytes, at, bit, type.bits - 32, Number(u >> 32n));
  writeBits(bytes, at, bit + type.bits - 32, 32, Number(u & 0xffffffffn));
}

/**
 * What a field of type stores for the integer target, by the overflow
 * policy; null when FAIL refuses it. (Redis's check*BitfieldOverflow,
 * stated on exact integers.)
 */
function settle(target: bigint, type: FieldType, overflow: Overflow): bigint | null {
  if (target >= type.min && target <= type.max) return target;
  if (overflow === 'wrap') return type.signed ? BigInt.asIntN(type.bits, target) : BigInt.asUintN(type.bits, target);
  if (overflow === 'sat') return target > type.max ? type.max : type.min;
  return null;
}

/** The nine bytes that hold any field starting in byte `at` of value (zeros past its end): GET's window. */
const fieldWindow = new Uint8Array(9);

function loadWindow(value: string | Uint8Array, at: number): Uint8Array {
  fieldWindow.fill(0);
  const end = Math.min(value.length, at + 9);
  for (let i = at; i < end; i++) fieldWindow[i - at] = typeof value === 'string' ? value.charCodeAt(i) : value[i];
  return fieldWindow;
}

function replyGet(c: Client, value: string | Uint8Array, op: FieldOp): void {
  const at = byteOf(op.offset);
  c.reply.integer(readField(loadWindow(value, at), op.offset - at * 8, op.type));
}

/** Runs a SET or INCRBY on bytes and replies; returns whether the field was written. */
function runWrite(c: Client, bytes: Uint8Array, op: FieldOp): { written: boolean; changed: boolean } {
  const old = BigInt(readField(bytes, op.offset, op.type));
  let target: bigint;
  if (op.write === 'incrby') target = old + op.argument;
  // An unsigned field is SET to the value's two's complement, as C casts it.
  else target = op.type.signed ? op.argument : BigInt.asUintN(64, op.argument);
  const stored = settle(target, op.type, op.overflow);
  if (stored === null) {
    c.reply.nullBulk();
    return { written: false, changed: false };
  }
  c.reply.integer(op.write === 'incrby' ? stored : old);
  writeField(bytes, op.offset, op.type, stored);
  return { written: true, changed: stored !== old };
}

/** BITFIELD with only GETs (and BITFIELD_RO): a plain read. */
function bitfieldRead(c: Client, key: string, ops: FieldOp[]): void {
  const value = readString(c, key) ?? '';
  c.reply.arrayHeader(ops.length);
  for (const op of ops) replyGet(c, value, op);
}

function bitfieldWrite(c: Client, key: string, ops: FieldOp[]): void {
  let reach = 0;
  for (const op of ops) if (op.write !== null) reach = Math.max(reach, op.offset + op.type.bits);
  const old = writableString(c, key);
  const length = Math.max(old?.length ?? 0, Math.ceil(reach / 8));
  // As Redis's lookupStringForBitCommand: created or grown before the first write, even if every write then FAILs.
  const grown = old === undefined || old.length < length;
  if (grown) checkStringLength(c, length);
  const bytes = Buffer.alloc(length);
  bytes.latin1Write(old ?? '', 0);
  let changes = 0;
  c.reply.arrayHeader(ops.length);
  for (const op of ops) {
    if (op.write === null) replyGet(c, bytes, op);
    else {
      const { written, changed } = runWrite(c, bytes, op);
      if (written && (grown || changed)) changes++;
    }
  }
  if (grown || changes > 0) c.db.overwrite(key, bytes.latin1Slice(0, length));
  if (changes > 0) c.db.changed(key, '$', 'setbit');
}

function bitfield(c: Client, argv: string[]): void {
  const ops = parseFieldOps(c, argv);
  if (ops.every((op) => op.write === null)) bitfieldRead(c, argv[1], ops);
  else bitfieldWrite(c, argv[1], ops);
}

function bitfieldRo(c: Client, argv: string[]): void {
  const ops = parseFieldOps(c, argv);
  if (ops.some((op) => op.write !== null)) fail('ERR BITFIELD_RO only supports the GET subcommand');
  bitfieldRead(c, argv[1], ops);
}

/** BITFIELD's key is only read when every subcommand is a GET (Redis's bitfieldGetKeys). */
function bitfieldKeyFlags(argv: readonly string[]): KeySpecFlag[] {
  for (let i = 2; i < argv.length; i++) {
    const left = argv.length - i - 1;
    if (isKeyword(argv[i], 'get') && left >= 2) i += 2;
    else if (isKeyword(argv[i], 'overflow') && left >= 1) i += 1;
    else return ['RW', 'access', 'update'];
  }
  return ['RO', 'access'];
}

// ---- table ----------------------------------------------------------------------------

const ONE_KEY = { first: 1, last: 1, step: 1 };

const READ: KeySpecFlag[] = ['RO', 'access'];
const BYTE_OR_BIT: [string, string][] = [['7.0.0', 'Added the `BYTE|BIT` option.']];

function entry(spec: Omit<CommandSpec, 'group' | 'acl' | 'keys'> & { keys?: CommandSpec['keys'] }): CommandSpec {
  return { keys: ONE_KEY, ...spec, group: 'bitmap', acl: ['@bitmap'] };
}

export const commands: CommandSpec[] = [
  entry({
    name: 'bitcount',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Count set bits in a string',
    since: '2.6.0',
    complexity: 'O(N)',
    history: BYTE_OR_BIT,
    run: bitcount,
  }),
  entry({
    name: 'bitfield',
    arity: -2,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'access', 'update', 'variable_flags'], 0, 'This command allows both access and modification of the key')],
    variableKeyFlags: bitfieldKeyFlags,
    summary: 'Perform arbitrary bitfield integer operations on strings',
    since: '3.2.0',
    complexity: 'O(1) for each subcommand specified',
    run: bitfield,
  }),
  entry({
    name: 'bitfield_ro',
    arity: -2,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
    since: '6.0.0',
    complexity: 'O(1) for each subcommand specified',
    run: bitfieldRo,
  }),
  entry({
    name: 'bitop',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: { first: 2, last: -1, step: 1 },
    keySpecs: [keyAt(2, ['OW', 'update']), keyAt(3, READ, -1)],
    summary: 'Perform bitwise operations between strings',
    since: '2.6.0',
    complexity: 'O(N)',
    run: bitop,
  }),
  entry({
    name: 'bitpos',
    arity: -3,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Find first bit set or clear in a string',
    since: '2.8.7',
    complexity: 'O(N)',
    history: BYTE_OR_BIT,
    run: bitpos,
  }),
  entry({
    name: 'getbit',
    arity: 3,
    flags: ['readonly', 'fast'],
    keySpecs: [keyAt(1, READ)],
    summary: 'Returns the bit value at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    run: getbit,
  }),
  entry({
    name: 'setbit',
    arity: 4,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'access', 'update'])],
    summary: 'Sets or clears the bit at offset in the string value stored at key',
    since: '2.2.0',
    complexity: 'O(1)',
    run: setbit,
  }),
];
