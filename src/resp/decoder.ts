/**
 * Incremental request decoder for RESP multibulk frames and inline commands,
 * following Redis's processMultibulkBuffer/processInlineBuffer (networking.c),
 * including its error strings.
 *
 * It parses by offset on the receive buffer and keeps its cursor, the argv
 * built so far and the length of the bulk it waits for across data events.
 * The bytes of an unfinished request are kept in a buffer of the decoder's
 * own, reused from read to read; a read that completes the bulk waited for
 * adds only what that bulk lacks to it, and the rest of the read is parsed
 * where it arrived.
 */
import { latin1 } from './latin1.js';
import { splitInlineArgs } from './inline.js';

/** Longest inline request or count line Redis accepts without a newline. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 2147483647;
/**
 * Arguments become JS strings, and V8 caps a string at 2^29 - 24 chars: a bulk
 * longer than that (only the last 24 bytes below the default 512 MB
 * proto-max-bulk-len) is refused as an invalid length rather than failing later.
 */
const MAX_STRING_LENGTH = 2 ** 29 - 24;
const CR = 13;
const LF = 10;

export interface DecoderHost {
  /** Handles one complete command. */
  onCommand(argv: string[]): void;
  /** Whether the connection still has to AUTH (Redis then caps frame sizes). */
  readonly authRequired: boolean;
  readonly maxBulkLen: number;
}

export class ProtocolError {
  constructor(readonly message: string) {}
}

/** Parses a strict integer as Redis's string2ll does (no sign but '-', no leading zeros); NaN when invalid. */
export function parseLineInteger(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return NaN;
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* - */) {
    negative = true;
    i++;
    if (i === end) return NaN;
  }
  if (buf[i] === 48 /* 0 */) return i + 1 === end && !negative ? 0 : NaN;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

export class RequestDecoder {
  /** The bytes being parsed: a read's chunk as it arrived, or the first bytes of held. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** This decoder's buffer for the bytes it keeps between reads, reused while it stays small (HELD_REUSED_MAX). */
  private held: Buffer = EMPTY;
  /** Bytes needed past pos before parsing can progress (0: unknown). */
  private need = 0;
  /** Arguments still expected in the current multibulk frame, or 0 between frames. */
  private argsLeft = 0;
  private argv: string[] = NO_ARGS;
  /** How many arguments of the current frame are in argv. */
  private argc = 0;
  /** Bytes of the arguments in argv, a frame's arguments parsed while the rest is awaited. */
  private argvBytes = 0;
  /** Length of the bulk being waited for, or -1 when its $ line is next. */
  private bulkLen = -1;
  /** The last command name decoded, reused while the following ones are the same bytes. */
  private lastName = '';
  /** While true the decoder keeps bytes but hands out no commands (blocked or paused client). */
  paused = false;

  constructor(private readonly host: DecoderHost) {}

  /** Bytes received and not yet consumed (the client's query buffer). */
  get bufferedBytes(): number {
    return this.buf.length - this.pos;
  }

  /** Bytes of the arguments of an incomplete command, parsed already (Redis's argv_len_sum). */
  get pendingArgBytes(): number {
    return this.argvBytes;
  }

  /** Bytes held including those of commands already run from the current read (Redis's querybuf while it processes them). */
  get heldBytes(): number {
    return this.buf.length;
  }

  /**
   * Adds received bytes and runs every complete command. Throws ProtocolError.
   * The chunk may be a view of a buffer that the next read overwrites
   * (server/read-buffer.ts), so whatever is kept past this call is copied.
   */
  feed(chunk: Buffer): void {
    const kept = this.buf.length - this.pos;
    if (kept === 0) return this.parseInPlace(chunk, 0);
    // Bytes are held: add what the bulk waited for lacks, or all of the chunk when that is unknown or nothing may run.
    const take = this.need > kept && !this.paused ? Math.min(chunk.length, this.need - kept) : chunk.length;
    this.hold(chunk, 0, take);
    this.drain();
    // Short of the whole chunk, take ends the bulk waited for, and the held bytes end with it: all were parsed.
    if (take < chunk.length) this.parseInPlace(chunk, take);
  }

  /** Parses chunk from `from` where it arrived, then keeps what is left of it. */
  private parseInPlace(chunk: Buffer, from: number): void {
    this.buf = chunk;
    this.pos = from;
    try {
      this.drain();
    } finally {
      if (this.buf === chunk) this.keepUnread();
    }
  }

  /** Copies the bytes not yet parsed out of the chunk they arrived in, into held. */
  private keepUnread(): void {
    this.hold(EMPTY, 0, 0);
  }

  /**
   * Moves the unparsed bytes to the start of held and appends src[from, to)
   * to them; buf is then those bytes. held doubles when it must grow: it is
   * not sized to a declared bulk length, which costs nothing to declare. But
   * it grows no further than the bulk waited for needs: a 6 MB value would
   * otherwise be received into 8 MB or more (client eviction counts them).
   */
  private hold(src: Buffer, from: number, to: number): void {
    const kept = this.buf.length - this.pos;
    const total = kept + (to - from);
    if (total === 0) return this.release();
    const inHeld = this.held.length > 0 && this.buf.buffer === this.held.buffer;
    if (this.held.length < total) {
      const doubled = this.need > total ? Math.min(2 * this.held.length, this.need) : 2 * this.held.length;
      const grown = Buffer.allocUnsafe(Math.max(total, doubled, HELD_MIN));
      this.buf.copy(grown, 0, this.pos);
      this.held = grown;
    } else if (!inHeld) this.buf.copy(this.held, 0, this.pos);
    else if (this.pos > 0) this.held.copyWithin(0, this.pos, this.buf.length);
    src.copy(this.held, kept, from, to);
    this.buf = this.held.subarray(0, total);
    this.pos = 0;
  }

  /** Nothing is kept: held is dropped when a large request made it large. */
  private release(): void {
    this.buf = EMPTY;
    this.pos = 0;
    if (this.held.length > HELD_REUSED_MAX) this.held = EMPTY;
  }

  /** Memory the decoder holds for received bytes: its held buffer, or the chunk it parses (Redis's query buffer allocation). */
  get allocatedBytes(): number {
    return Math.max(this.held.length, this.buf.length);
  }

  /** Drops the held buffer when it holds nothing: the server's cron does so for idle clients, as Redis frees their query buffers. */
  releaseIdleBuffer(): void {
    if (this.pos >= this.buf.length) this.held = EMPTY;
  }

  /** Runs the commands already buffered, e.g. after a paused client resumes. */
  drain(): void {
    while (!this.paused && this.pos < this.buf.length) {
      const progressed = this.argsLeft === 0 ? this.startFrame() : this.readBulks();
      if (!progressed) break;
    }
    if (this.pos >= this.buf.length && this.buf !== EMPTY) this.release();
  }

  /** Parses the start of a new request; returns false when more bytes are needed. */
  private startFrame(): boolean {
    if (this.buf[this.pos] === 42 /* * */) return this.readMultibulkCount();
    return this.readInline();
  }

  private findCR(from: number, tooLongMessage: string): number {
    const buf = this.buf;
    const limit = Math.min(buf.length, from + PROTO_INLINE_MAX_SIZE + 2);
    for (let i = from; i < limit; i++) if (buf[i] === CR) return i;
    if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError(tooLongMessage);
    return -1;
  }

  private readMultibulkCount(): boolean {
    const cr = this.findCR(this.pos, 'Protocol error: too big mbulk count string');
    if (cr < 0 || cr + 1 >= this.buf.length) return false;
    const count = parseLineInteger(this.buf, this.pos + 1, cr);
    if (Number.isNaN(count) || count > INT_MAX) throw new ProtocolError('Protocol error: invalid multibulk length');
    if (count > 10 && this.host.authRequired) throw new ProtocolError('Protocol error: unauthenticated multibulk length');
    this.pos = cr + 2;
    if (count <= 0) return true;
    this.argsLeft = count;
    // Sized up front (a hostile count only up to a bound) so filling it never reallocates.
    this.argv = new Array<string>(Math.min(count, PREALLOCATED_ARGS_MAX));
    this.argc = 0;
    this.bulkLen = -1;
    return true;
  }

  private readBulks(): boolean {
    const buf = this.buf;
    while (this.argsLeft > 0) {
      if (this.bulkLen < 0 && !this.readBulkLength()) return false;
      const end = this.pos + this.bulkLen;
      if (end + 2 > buf.length) {
        this.need = this.bulkLen + 2;
        return false;
      }
      this.addArgument(this.argc === 0 ? this.commandName(end) : latin1(buf, this.pos, end));
      this.argvBytes += this.bulkLen;
      this.pos = end + 2;
      this.bulkLen = -1;
      this.need = 0;
      this.argsLeft--;
    }
    const argv = this.argv;
    this.argv = NO_ARGS;
    this.argvBytes = 0;
    this.host.onCommand(argv);
    return true;
  }

  /**
   * Stores the next argument. Past the preallocated length, argv grows by
   * push at a site of its own: an out-of-bounds store at the common site
   * would turn its inline cache megamorphic for good, and one command of
   * over PREALLOCATED_ARGS_MAX arguments would then slow every later
   * argument of every client (by about 10 ns each).
   */
  private addArgument(arg: string): void {
    if (this.argc < this.argv.length) this.argv[this.argc] = arg;
    else this.argv.push(arg);
    this.argc++;
  }

  /**
   * Reads a "$<len>\r\n" line into bulkLen; false when it is not complete yet.
   * The common case (plain digits, short length) is parsed in one pass; anything
   * else goes through the general checks with Redis's error messages.
   */
  private readBulkLength(): boolean {
    const buf = this.buf;
    const start = this.pos;
    if (buf[start] === 36 /* $ */) {
      let len = 0;
      let i = start + 1;
      for (; i < buf.length && i < start + 7; i++) {
        const d = buf[i] - 48;
        if (d < 0 || d > 9) break;
        len = len * 10 + d;
      }
      const digits = i - start - 1;
      if (digits > 0 && i + 1 < buf.length && buf[i] === CR && buf[i + 1] === LF && (digits === 1 || buf[start + 1] !== 48) && len <= 16384) {
        this.pos = i + 2;
        this.bulkLen = len;
        return true;
      }
    }
    if (start >= buf.length) return false;
    const cr = this.findCR(start, 'Protocol error: too big bulk count string');
    if (cr < 0 || cr + 1 >= buf.length) return false;
    if (buf[start] !== 36 /* $ */) {
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[start])}'`);
    }
    const len = parseLineInteger(buf, start + 1, cr);
    if (Number.isNaN(len) || len < 0 || len > this.host.maxBulkLen || len > MAX_STRING_LENGTH) throw new ProtocolError('Protocol error: invalid bulk length');
    if (len > 16384 && this.host.authRequired) throw new ProtocolError('Protocol error: unauthenticated bulk length');
    this.pos = cr + 2;
    this.bulkLen = len;
    return true;
  }

  /** The command name at pos..end, reusing the previous command's string when the bytes match (pipelines repeat names). */
  private commandName(end: number): string {
    const buf = this.buf;
    const last = this.lastName;
    const n = end - this.pos;
    if (last.length === n) {
      let i = 0;
      while (i < n && buf[this.pos + i] === last.charCodeAt(i)) i++;
      if (i === n) return last;
    }
    return (this.lastName = latin1(buf, this.pos, end));
  }

  private readInline(): boolean {
    const buf = this.buf;
    let lf = -1;
    const limit = Math.min(buf.length, this.pos + PROTO_INLINE_MAX_SIZE + 1);
    for (let i = this.pos; i < limit; i++) {
      if (buf[i] === LF) {
        lf = i;
        break;
      }
    }
    if (lf < 0) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) throw new ProtocolError('Protocol error: too big inline request');
      return false;
    }
    const end = lf > this.pos && buf[lf - 1] === CR ? lf - 1 : lf;
    const line = latin1(buf, this.pos, end);
    this.pos = lf + 1;
    const argv = splitInlineArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    if (argv.length > 0) this.host.onCommand(argv);
    return true;
  }
}

const EMPTY = Buffer.alloc(0);
/**
 * The smallest held buffer allocated, and the largest kept for reuse once
 * emptied (a larger one served one large request). Reuse matters: pipelined
 * 16 KB SETs leave part of a request at the end of most reads, and without it
 * ran at 89k against 117k requests a second.
 */
const HELD_MIN = 16 * 1024;
const HELD_REUSED_MAX = 64 * 1024;
/** argv between frames; never written, as each frame gets a fresh array. */
const NO_ARGS: string[] = [];
const PREALLOCATED_ARGS_MAX = 1024;
