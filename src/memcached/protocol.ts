/**
 * The memcached text protocol's requests, parsed as memcached 1.6 parses
 * them: a command line ended by "\n" (a "\r" before it is dropped), split at
 * spaces, and for the storage commands a data block of the declared length
 * followed by "\r\n". The decoder resumes across reads, keeping only the
 * bytes of an unfinished request.
 */

/** Commands followed by a data block: "<command> <key> <flags> <exptime> <bytes> [cas unique] [noreply]". */
export const STORAGE_COMMANDS = new Set(['set', 'add', 'replace', 'append', 'prepend', 'cas']);

/** memcached's KEY_MAX_LENGTH. */
export const KEY_MAX_LENGTH = 250;
/** memcached's default item size limit (-I 1m): larger values are refused, their data swallowed. */
export const ITEM_SIZE_MAX = 1024 * 1024;
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
  /** A reply for a request that could not be parsed (the connection goes on). */
  onProtocolError(reply: string): void;
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

  /** Handles the requests completed by chunk; closed: stop (QUIT or a fatal error). */
  feed(chunk: Buffer, closed: () => boolean): void {
    let buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    while (pos < buf.length && !closed()) {
      const next = this.pending === null ? this.readLine(buf, pos) : this.readData(buf, pos, this.pending);
      if (next < 0) break;
      pos = next;
    }
    // The chunk may be a view of a buffer the next read reuses: what is kept is copied.
    buf = buf.subarray(pos);
    this.buf = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  }

  /** Parses the command line at pos; returns where the next request starts, or -1 until its newline arrives. */
  private readLine(buf: Buffer, pos: number): number {
    const lf = buf.indexOf(10, pos);
    if (lf < 0) {
      if (buf.length - pos > LINE_MAX) this.host.onFatal('CLIENT_ERROR line too long');
      return -1;
    }
    const end = lf > pos && buf[lf - 1] === 13 ? lf - 1 : lf;
    const tokens = buf.latin1Slice(pos, end).split(' ').filter((token) => token !== '');
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
    if (tokens.length !== fixed && tokens.length !== fixed + 1) return this.host.onProtocolError('ERROR');
    const [, key, flags, exptime, bytes] = tokens;
    const casUnique = withCas ? parseUnsigned(tokens[5], 64) : null;
    const length = parseUnsigned(bytes, 31);
    const noreply = tokens.length === fixed + 1 && tokens[fixed] === 'noreply';
    const flagBits = parseUnsigned(flags, 64);
    const valid = key.length <= KEY_MAX_LENGTH && flagBits !== null && isInteger(exptime) && length !== null && (!withCas || casUnique !== null);
    if (!valid) return this.host.onProtocolError(BAD_FORMAT);
    // Flags are 32 bits: memcached reads a larger number and keeps its low bits.
    const request = { command, key, flags: Number(BigInt.asUintN(32, flagBits)), exptime: Number(exptime), casUnique, noreply };
    const tooLarge = Number(length) > ITEM_SIZE_MAX;
    if (tooLarge) this.host.onProtocolError('SERVER_ERROR object too large for cache');
    this.pending = { request, bytes: Number(length), swallow: tooLarge ? Number(length) + 2 : null };
  }

  /** Takes the data block at pos; returns where the next request starts, or -1 until all of it arrived. */
  private readData(buf: Buffer, pos: number, pending: PendingStorage): number {
    if (pending.swallow !== null) return this.swallow(buf, pos, pending.swallow);
    const end = pos + pending.bytes;
    if (end + 2 > buf.length) return -1;
    this.pending = null;
    // memcached reads exactly the declared bytes and their CRLF; a block that does not end there is refused, and what follows is read as a command.
    if (buf[end] !== 13 || buf[end + 1] !== 10) {
      this.host.onProtocolError('CLIENT_ERROR bad data chunk');
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

/** A decimal of digits only that fits in `bits` bits, as strtoul/strtoull read memcached's numbers; null otherwise. */
export function parseUnsigned(text: string, bits: number): bigint | null {
  if (!/^\d{1,20}$/.test(text)) return null;
  const n = BigInt(text);
  return n < 1n << BigInt(bits) ? n : null;
}

/** An exptime: a decimal that may be negative (already expired). */
export function isInteger(text: string): boolean {
  return /^-?\d{1,11}$/.test(text);
}
