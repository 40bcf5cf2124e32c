/**
 * Reply encoder for RESP2 and RESP3. Each connection has one ReplyWriter that
 * knows its protocol version; command code calls the typed methods (bulk,
 * integer, map, double, ...) and never writes protocol bytes itself.
 *
 * All writers encode into one shared slab. The writer that is encoding owns
 * the open region of the slab; when another writer starts (a PUBLISH reaching
 * a subscriber, say), the open region is sealed into its owner's chunk list.
 * A connection's chunks are written to its socket once per event-loop turn,
 * so every reply of one read goes out in one write.
 */

import { putBulkString, putDecimal, putLengthLine } from './framing.js';
import { SHORT_LATIN1, putLatin1 } from './latin1.js';

const SLAB_SIZE = 256 * 1024;
/**
 * Values longer than this are copied into a chunk of their own instead of
 * the slab. Up to it, slabs (which are reused, see recycleSlabs) are the
 * cheaper home: GETs of 64 KB values at pipeline 16 ran at 24k/s with a
 * chunk each and 30k/s in slabs (Redis 32k).
 */
const LARGE_VALUE = 128 * 1024;
/** Up to this many bytes, putBytes copies in a JS loop rather than by a native copy (about 60 ns a call). */
const SHORT_BYTES = 32;
/** Fewest neighbouring bulk strings of one length that putBulks joins into one write. */
const MIN_JOINED = 4;

/** Bytes a bulk string of up to LARGE_VALUE bytes takes beyond its content: "$", at most 6 digits, two CRLFs. */
const BULK_FRAMING = 11;
/** Bytes of the longest integer reply of a 32-bit integer: ":-2147483648\r\n". */
const INT32_TEXT = 14;

let slab: Buffer = Buffer.allocUnsafe(SLAB_SIZE);
let slabPos = 0;
let owner: ReplyWriter | null = null;
let ownerStart = 0;

/*
 * Slabs are filled again once the kernel has taken all that was written
 * from them. A socket write the kernel takes whole returns with nothing left
 * in the socket, so after a turn in which every write did so and every
 * writer's chunks were taken, no region of any slab is referenced. A new
 * slab for each one filled costs more than the copying into it: with 16 KB
 * GETs pipelined, a 256 KB ArrayBuffer per flush, and the external-memory
 * scavenges and marking V8 runs to free them.
 */
/**
 * The most slabs kept for reuse: 16 MB, what 50 clients' pipelines of 16
 * replies of 16 KB fill in one turn. With 4, GETs of 16 KB values at
 * pipeline 16 ran at 118k/s; with 16, 128k; with 64, 182k, as Redis.
 */
const MAX_SPARE_SLABS = 64;
/** Slabs filled since the open slab was last known free, to be kept if they are free too. */
const filledSlabs: Buffer[] = [];
const spareSlabs: Buffer[] = [];
/** Spare slabs taken since releaseIdleSpareSlabs last ran. */
let spareTakes = 0;
/** Whether a write not yet finished may reference the open slab. */
let openSlabReferenced = false;
/** Writers with chunks not yet taken (see takeChunks). */
let writersPending = 0;

/** The open slab is full: it is kept for reuse unless a write may reference it, and another takes its place. */
function replaceSlab(bytes: number): void {
  if (!openSlabReferenced && slab.length === SLAB_SIZE) filledSlabs.push(slab);
  openSlabReferenced = false;
  if (bytes <= SLAB_SIZE && spareSlabs.length > 0) {
    slab = spareSlabs.pop() as Buffer;
    spareTakes++;
  } else slab = Buffer.allocUnsafe(Math.max(SLAB_SIZE, bytes));
  slabPos = 0;
}

/** Drops the spare slabs if none was taken since the last call (the server's cron calls it every few seconds). */
export function releaseIdleSpareSlabs(): void {
  if (spareTakes === 0) spareSlabs.length = 0;
  spareTakes = 0;
}

/** A socket kept part of what was written to it: the slabs it was written from may be referenced until it drains. */
export function noteUnfinishedWrite(): void {
  openSlabReferenced = true;
  filledSlabs.length = 0;
}

/** After a turn's writes: when nothing references them, the filled slabs become spares and the open slab starts over. */
export function recycleSlabs(): void {
  if (writersPending !== 0 || openSlabReferenced) return;
  while (filledSlabs.length > 0 && spareSlabs.length < MAX_SPARE_SLABS) spareSlabs.push(filledSlabs.pop() as Buffer);
  filledSlabs.length = 0;
  slabPos = 0;
}

/** Copies src[from, to) to slabPos, which must have room (claimed). */
function putBytes(src: Buffer, from: number, to: number): void {
  if (to - from <= SHORT_BYTES) for (let i = from; i < to; i++) slab[slabPos++] = src[i];
  else slabPos += src.copy(slab, slabPos, from, to);
}

/** Writes $<length>\r\n<s>\r\n at slabPos, which must have room (claimed). */
function putBulk(s: string): void {
  slabPos = putBulkString(slab, slabPos, s);
}

/**
 * putBulk for each of items[from, to), which must have room (claimed).
 * Neighbours of one length (fixed-size values are common) above
 * SHORT_LATIN1, which putBulkString would each write natively, go out as
 * one string joined with the framing between them: one native write for
 * the group instead of one per element, which halves the cost of a range
 * of 100-byte values.
 */
function putBulks(items: readonly string[], from: number, to: number): void {
  let i = from;
  while (i < to) {
    const n = items[i].length;
    let end = i + 1;
    if (n > SHORT_LATIN1) while (end < to && items[end].length === n) end++;
    if (end - i >= MIN_JOINED) putEqualLengthBulks(items, i, end, n);
    else for (; i < end; i++) putBulk(items[i]);
    i = end;
  }
}

/** The bulk strings items[from, to), all of length n, written by one native call. */
function putEqualLengthBulks(items: readonly string[], from: number, to: number, n: number): void {
  const buf = slab;
  let pos = putLengthLine(buf, slabPos, n);
  const group = from === 0 && to === items.length ? items : items.slice(from, to);
  pos += buf.latin1Write(group.join(`\r\n$${n}\r\n`), pos);
  buf[pos++] = 13;
  buf[pos++] = 10;
  slabPos = pos;
}

export type Protocol = 2 | 3;

function formatDoubleRepr(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return formatG17(d);
}

/** printf("%.17g", d) for finite d, which is how Redis 7.0 prints doubles. */
export function formatG17(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // An integer a double holds exactly has at most 16 digits, all of which %.17g prints, as String does.
  if (Number.isSafeInteger(d)) return String(d);
  const exact = exactShortest(d);
  if (exact !== null) return exact;
  // toPrecision(17) rounds to 17 digits as %.17g does, and picks the same notation but for exponents -5 and -6.
  const text = Math.abs(d) < 1e-4 ? d.toExponential(16) : d.toPrecision(17);
  const e = text.indexOf('e');
  if (e < 0) return stripFractionZeros(text);
  const exp = parseInt(text.slice(e + 1), 10);
  const mantissa = stripFractionZeros(text.slice(0, e));
  const digits = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
}

/**
 * The shortest text that reads back as d, when that text is d's exact value
 * and %.17g prints it in fixed notation (1e-4 <= |d| < 1e17); else null.
 * Scores such as 1.5 or 0.125 are exact: d times 2^(its fraction digits) is
 * then an integer, and %.17g prints just those digits. toPrecision(17) is
 * slowest on exactly these values (about 830 ns against 200: V8 falls back to
 * bignum arithmetic), String about 170.
 */
function exactShortest(d: number): string | null {
  const magnitude = Math.abs(d);
  // Past 1e-4 the shortest text has under 30 fraction digits: a d with more binary ones (0.1 among them) is not exact.
  if (magnitude < 1e-4 || magnitude >= 1e17 || !Number.isInteger(d * 2 ** 30)) return null;
  const shortest = String(d);
  const point = shortest.indexOf('.');
  if (point < 0) return null;
  return Number.isInteger(d * 2 ** (shortest.length - point - 1)) ? shortest : null;
}

function stripFractionZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}

export class ReplyWriter {
  protocol: Protocol = 2;
  private chunks: Buffer[] = [];
  private flushScheduled = false;
  /** Replies are dropped while false (CLIENT REPLY OFF/SKIP). */
  enabled = true;
  /** Bytes written to chunks this turn, for output-buffer limits. */
  pendingBytes = 0;
  /** Told each time this turn's output grows by a full slab or a large value, so output limits apply while a reply grows. */
  onGrowth: (() => void) | null = null;

  /** onPending is called once per turn, when the writer first has bytes for its socket. */
  constructor(private readonly onPending: () => void) {}

  // ---- raw output -------------------------------------------------------

  private claim(bytes: number): void {
    if (owner !== this) {
      if (owner !== null) owner.seal();
      owner = this;
      ownerStart = slabPos;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        writersPending++;
        this.onPending();
      }
    }
    if (slabPos + bytes > slab.length) {
      this.seal();
      replaceSlab(bytes);
      owner = this;
      ownerStart = 0;
      this.onGrowth?.();
    }
  }

  /** Moves this writer's open slab region into its chunk list. */
  private seal(): void {
    if (owner !== this) return;
    if (slabPos > ownerStart) {
      this.chunks.push(slab.subarray(ownerStart, slabPos));
      this.pendingBytes += slabPos - ownerStart;
    }
    owner = null;
  }

  /** Appends protocol text (latin1). */
  raw(s: string): void {
    if (!this.enabled) return;
    this.claim(s.length);
    slabPos = putLatin1(slab, slabPos, s);
  }

  private rawLarge(s: string): void {
    this.ownChunk(Buffer.from(s, 'latin1'));
  }

  /** Queues b, bytes of a large reply, as a chunk of its own after what is in the slab. */
  private ownChunk(b: Buffer): void {
    this.claim(0);
    this.seal();
    this.chunks.push(b);
    this.pendingBytes += b.length;
    this.onGrowth?.();
  }

  /** Takes the chunks to write to the socket and resets the turn. */
  takeChunks(): Buffer[] {
    this.seal();
    const out = this.chunks;
    this.chunks = [];
    if (this.flushScheduled) writersPending--;
    this.flushScheduled = false;
    this.pendingBytes = 0;
    return out;
  }

  // ---- RESP types -------------------------------------------------------

  ok(): void {
    this.raw('+OK\r\n');
  }

  simple(s: string): void {
    this.raw(`+${s}\r\n`);
  }

  /** Told of every error reply, sent or not (INFO errorstats counts them as Redis's afterErrorReply does). */
  onError: ((text: string) => void) | null = null;

  /** An error reply; "ERR " is prefixed unless the message starts with an error code. */
  error(message: string): void {
    const text = errorText(message);
    this.onError?.(text);
    this.raw(`-${text}\r\n`);
  }

  integer(n: number | bigint): void {
    if (typeof n !== 'number' || (n | 0) !== n) return this.raw(`:${n}\r\n`);
    // Most replies are small counts and lengths: their digits go straight into the slab, with no string made.
    if (!this.enabled) return;
    this.claim(INT32_TEXT);
    let pos = slabPos;
    slab[pos++] = 58; // :
    if (n < 0) slab[pos++] = 45; // -
    pos = putDecimal(slab, pos, Math.abs(n));
    slab[pos++] = 13;
    slab[pos++] = 10;
    slabPos = pos;
  }

  bulk(s: string): void {
    if (!this.enabled) return;
    if (s.length > LARGE_VALUE) return this.largeBulk(s);
    this.claim(s.length + BULK_FRAMING);
    putBulk(s);
  }

  /**
   * The bulk strings items[from, to), in order: the elements of an array
   * whose header was written. One claim covers the whole run while it fits.
   */
  bulks(items: readonly string[], from: number, to: number): void {
    if (!this.enabled) return;
    let bytes = 0;
    for (let i = from; i < to && bytes <= SLAB_SIZE; i++) {
      const n = items[i].length;
      // A large value gets a chunk of its own (bulk() below), as alone.
      bytes += n > LARGE_VALUE ? SLAB_SIZE + 1 : n + BULK_FRAMING;
    }
    if (bytes <= SLAB_SIZE) {
      this.claim(bytes);
      putBulks(items, from, to);
    } else for (let i = from; i < to; i++) this.bulk(items[i]);
  }

  /**
   * Bulk strings already framed, src[from, to) (a run of a list's elements,
   * see List.replyRange): copied as they are. A run larger than a
   * large value gets a chunk of its own, as a large value does.
   */
  framedBulks(src: Buffer, from: number, to: number): void {
    if (!this.enabled) return;
    const n = to - from;
    if (n > LARGE_VALUE) return this.ownChunk(Buffer.from(src.subarray(from, to)));
    this.claim(n);
    putBytes(src, from, to);
  }

  /** src[from, to) as a bulk string: a string's bytes kept outside the heap (store/records.ts). */
  bulkBytes(src: Buffer, from: number, to: number): void {
    if (!this.enabled) return;
    const n = to - from;
    this.claim(n + BULK_FRAMING);
    slabPos = putLengthLine(slab, slabPos, n);
    putBytes(src, from, to);
    slab[slabPos++] = 13;
    slab[slabPos++] = 10;
  }

  private largeBulk(s: string): void {
    this.raw(`$${s.length}\r\n`);
    this.rawLarge(s);
    this.raw('\r\n');
  }

  /** A bulk string, or the null reply when s is undefined/null. */
  bulkOrNull(s: string | null | undefined): void {
    if (s === undefined || s === null) this.nullBulk();
    else this.bulk(s);
  }

  /** Null as a missing bulk string ($-1 in RESP2, _ in RESP3). */
  nullBulk(): void {
    this.raw(this.protocol === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** Null as a missing array (*-1 in RESP2, _ in RESP3). */
  nullArray(): void {
    this.raw(this.protocol === 3 ? '_\r\n' : '*-1\r\n');
  }

  arrayHeader(n: number): void {
    this.raw(`*${n}\r\n`);
  }

  /** A map of n pairs: %n in RESP3, a flat array of 2n in RESP2. */
  mapHeader(n: number): void {
    this.raw(this.protocol === 3 ? `%${n}\r\n` : `*${2 * n}\r\n`);
  }

  /** A set: ~n in RESP3, an array in RESP2. */
  setHeader(n: number): void {
    this.raw(this.protocol === 3 ? `~${n}\r\n` : `*${n}\r\n`);
  }

  /** An out-of-band push: >n in RESP3, an array in RESP2 (pub/sub messages). */
  pushHeader(n: number): void {
    this.raw(this.protocol === 3 ? `>${n}\r\n` : `*${n}\r\n`);
  }

  /** A double: ,d in RESP3, a bulk string in %.17g form in RESP2. */
  double(d: number): void {
    this.doubleText(formatDoubleRepr(d));
  }

  /** A double already formatted (Redis's addReplyHumanLongDouble: GEOPOS coordinates): ,text in RESP3, a bulk string in RESP2. */
  doubleText(text: string): void {
    if (this.protocol === 3) this.raw(`,${text}\r\n`);
    else this.bulk(text);
  }

  /** A boolean: #t/#f in RESP3, :1/:0 in RESP2. */
  boolean(b: boolean): void {
    if (this.protocol === 3) this.raw(b ? '#t\r\n' : '#f\r\n');
    else this.raw(b ? ':1\r\n' : ':0\r\n');
  }

  /** Verbatim text (INFO, CLIENT LIST...): =len\r\ntxt:... in RESP3, a bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.protocol === 3) {
      this.raw(`=${text.length + 4}\r\n${format}:`);
      if (text.length > LARGE_VALUE) this.rawLarge(text);
      else this.raw(text);
      this.raw('\r\n');
    } else this.bulk(text);
  }

  bulkArray(items: readonly string[]): void {
    this.arrayHeader(items.length);
    this.bulks(items, 0, items.length);
  }
}

/** Prefixes ERR unless the message starts with an uppercase error code, and strips newlines. */
export function errorText(message: string): string {
  let text = message.startsWith('-') ? message.slice(1) : /^[A-Z][A-Z_-]*[ ]/.test(message) ? message : `ERR ${message}`;
  // As Redis's addReplyErrorFormat: newlines at the end go, those inside become spaces.
  if (/[\r\n]/.test(text)) text = text.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
  return text;
}
