/**
 * The memcached text protocol's requests, parsed as memcached 1.6 parses
 * them: a command line ended by "\n" (a "\r" before it is dropped), split at
 * spaces, and for the storage commands a data block of the declared length
 * followed by "\r\n". The decoder resumes across reads, keeping only the
 * bytes of an unfinished request.
 */

/** Commands followed by a data block: "<command> <key> <flags> <exptime> <bytes> [cas unique] [noreply]". */
const STORAGE_COMMANDS = new Set(['set', 'add', 'replace', 'append', 'prepend', 'cas']);

/** memcached's KEY_MAX_LENGTH. */
export const KEY_MAX_LENGTH = 250;
/** memcached's default item size limit (-I 1m): larger values are refused, their data swallowed. */
export const ITEM_SIZE_MAX = 1024 * 1024;
/** The longest data block a command line may declare (memcached's INT_MAX - 2, before the size limit refuses it). */
const LENGTH_MAX = 2 ** 31 - 3;
/** The longest command line kept while its newline is awaited; memcached's own limit for key lists is of this order. */
const LINE_MAX = 64 * 1024;

export const BAD_FORMAT = 'CLIENT_ERROR bad command line format';

export interface StorageRequest {
  command: string;
  key: string;
  flags: number;
  exptime: number;
  /** The data block, as latin1 (binary-safe). */
  data: string;
  casUnique: bigint | null;
  noreply: boolean;
}

export interface RequestHost {
  /** A command line other than a storage command's, split at spaces. */
  onCommand(tokens: string[]): void;
  onStorage(request: StorageRequest): void;
  /** A storage request whose value is over ITEM_SIZE_MAX: refused, its data dropped as it arrives. */
  onTooLarge(request: Omit<StorageRequest, 'data'>): void;
  /** A reply for a request that could not be parsed (the connection goes on); not sent for a request with noreply, as memcached's. */
  onProtocolError(reply: string, noreply: boolean): void;
  /** A request the connection cannot survive: the reply is sent, then the connection closes. */
  onFatal(reply: string): void;
}

/** A storage command's line, checked; the data block follows it. */
interface PendingStorage {
  request: Omit<StorageRequest, 'data'>;
  bytes: number;
  /** Refused as too large: its data block and CRLF are dropped as they arrive, and this many bytes of them are still to come. */
  swallow: number | null;
}

export class MemcachedDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pending: PendingStorage | null = null;

  constructor(private readonly host: RequestHost) {}

  /**
   * Handles the requests completed by chunk (empty: those kept) until stop
   * says to; the rest is kept for the next call. Returns whether it stopped
   * for stop, with bytes kept that may hold more requests.
   */
  feed(chunk: Buffer, stop: () => boolean): boolean {
    let buf = this.buf.length === 0 ? chunk : chunk.length === 0 ? this.buf : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    let stopped = false;
    while (pos < buf.length) {
      if (stop()) {
        stopped = true;
        break;
      }
      const next = this.pending === null ? this.readLine(buf, pos) : this.readData(buf, pos, this.pending);
      if (next < 0) break;
      pos = next;
    }
    // The chunk may be a view of a buffer the next read reuses: what is kept is copied.
    buf = buf.subarray(pos);
    this.buf = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    return stopped;
  }

  /** Parses the command line at pos; returns where the next request starts, or -1 until its newline arrives. */
  private readLine(buf: Buffer, pos: number): number {
    const lf = buf.indexOf(10, pos);
    if (lf < 0) {
      if (buf.length - pos > LINE_MAX) this.host.onFatal('CLIENT_ERROR line too long');
      return -1;
    }
    const end = lf > pos && buf[lf - 1] === 13 ? lf - 1 : lf;
    // memcached reads the line as a C string: a NUL byte ends it.
    const nul = buf.indexOf(0, pos);
    const tokens = buf.latin1Slice(pos, nul >= 0 && nul < end ? nul : end).split(' ').filter((token) => token !== '');
    // Command names are case-sensitive, as in memcached.
    const command = tokens[0];
    if (command !== undefined && STORAGE_COMMANDS.has(command)) this.startStorage(command, tokens);
    else this.host.onCommand(tokens);
    return lf + 1;
  }

  /** A storage command's line: its data block is awaited, unless the line is malformed (memcached then reads on from the next line). */
  private startStorage(command: string, tokens: string[]): void {
    const withCas = command === 'cas';
    const fixed = withCas ? 6 : 5;
    if (tokens.length !== fixed && tokens.length !== fixed + 1) return this.host.onProtocolError('ERROR', false);
    const [, key, flagsText, exptimeText, bytes] = tokens;
    // A last token other than noreply is ignored, as memcached ignores it.
    const noreply = tokens[tokens.length - 1] === 'noreply';
    const flags = cUnsigned32(flagsText);
    const exptime = cInt32(exptimeText);
    const casUnique = withCas ? cUnsigned64(tokens[5]) : null;
    const length = cInt32(bytes);
    const valid = key.length <= KEY_MAX_LENGTH && flags !== null && exptime !== null && (!withCas || casUnique !== null) && length !== null && length >= 0 && length <= LENGTH_MAX;
    if (!valid) return this.host.onProtocolError(BAD_FORMAT, noreply);
    const request = { command, key, flags, exptime, casUnique, noreply };
    const tooLarge = length > ITEM_SIZE_MAX;
    if (tooLarge) this.host.onTooLarge(request);
    this.pending = { request, bytes: length, swallow: tooLarge ? length + 2 : null };
  }

  /** Takes the data block at pos; returns where the next request starts, or -1 until all of it arrived. */
  private readData(buf: Buffer, pos: number, pending: PendingStorage): number {
    if (pending.swallow !== null) return this.swallow(buf, pos, pending.swallow);
    const end = pos + pending.bytes;
    if (end + 2 > buf.length) return -1;
    this.pending = null;
    // memcached reads exactly the declared bytes and their CRLF; a block that does not end there is refused, and what follows is read as a command.
    if (buf[end] !== 13 || buf[end + 1] !== 10) {
      this.host.onProtocolError('CLIENT_ERROR bad data chunk', pending.request.noreply);
      return end + 2;
    }
    this.host.onStorage({ ...pending.request, data: buf.latin1Slice(pos, end) });
    return end + 2;
  }

  /** Drops what arrived of a refused data block (never holding it: a declared 2 GB costs nothing); returns where reading goes on. */
  private swallow(buf: Buffer, pos: number, left: number): number {
    const available = buf.length - pos;
    if (available < left) {
      (this.pending as PendingStorage).swallow = left - available;
      return buf.length;
    }
    this.pending = null;
    return pos + left;
  }
}

/*
 * Numbers as memcached's safe_strtoull, safe_strtoul and safe_strtol read
 * them with C's strtoull and strtol: white space first, a sign, digits, and
 * then the end of the token or white space (what follows it is ignored).
 * Out of range is refused; what fits the C type but not the field is cut to
 * its low bits, as memcached's stores into 32-bit fields do.
 */
const C_NUMBER = /^[ \t\n\v\f\r]*([+-]?)(\d+)(?:[ \t\n\v\f\r]|$)/;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/** Plain digits that a double holds exactly: the common case, read without BigInt. */
const SHORT_DIGITS = /^\d{1,15}$/;

/** A token as C's strtoll/strtoull read it, as a signed value (an unsigned reading wraps a negative one); null when it is no number. */
function cNumber(text: string): bigint | null {
  const m = C_NUMBER.exec(text);
  return m === null ? null : (m[1] === '-' ? -1n : 1n) * BigInt(m[2]);
}

/** safe_strtoull: an unsigned 64-bit number; a negative one is refused unless it wraps to below 2^63. */
export function cUnsigned64(text: string): bigint | null {
  const read = cNumber(text);
  if (read === null || read >= TWO_64 || read <= -TWO_64) return null;
  const value = read < 0n ? TWO_64 + read : read;
  return value >= TWO_63 && text.includes('-') ? null : value;
}

/** safe_strtoul into a 32-bit field (flags, verbosity). */
export function cUnsigned32(text: string): number | null {
  if (SHORT_DIGITS.test(text)) return Number(text) >>> 0;
  const value = cUnsigned64(text);
  return value === null ? null : Number(BigInt.asUintN(32, value));
}

/** safe_strtol into a 32-bit field (exptimes, lengths). */
export function cInt32(text: string): number | null {
  if (SHORT_DIGITS.test(text)) return Number(text) | 0;
  const value = cNumber(text);
  if (value === null || value < -TWO_63 || value >= TWO_63) return null;
  return Number(BigInt.asIntN(32, value));
}
