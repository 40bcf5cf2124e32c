/**
 * The floor: the least a Node.js server must do to serve redis-benchmark.
 * It finds where each RESP request ends and answers +OK (+PONG to PING),
 * with no keyspace, no dispatch, no reply encoder; it reads each connection
 * into a shared buffer and writes each socket's replies once per event-loop
 * turn, as Keyhive does. What it reaches on this
 * machine is what Node's sockets allow; bench/floor.ts sets Keyhive and
 * redis-server beside it.
 *
 * With --store it also does the least that SET and GET need: the key (and
 * a SET's value) become strings, as Keyhive holds them, a JS Map keeps the
 * values, and GET answers with the value as a bulk string (or a null). No
 * argument vector, no command table, no expiry, no statistics: about the
 * most a Node.js server that keeps its data as JS strings can reach.
 *
 *   node dist/bench/floor-server.js --port 7000 [--store]
 *
 * bench/inprocess.ts also runs its Connection without a socket (--floor).
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { readingIntoSharedBuffer } from '../src/server/read-buffer.js';
import { latin1 } from '../src/resp/latin1.js';
import { bulkLength, putBulkString } from '../src/resp/framing.js';

const OK = Buffer.from('+OK\r\n');
const PONG = Buffer.from('+PONG\r\n');
const NULL_BULK = Buffer.from('$-1\r\n');
const CR = 13;
/** Where the first three arguments of the request requestEnd last read start and end (a bulk's bytes, without its CRLF). */
const argStart = new Int32Array(3);
const argEnd = new Int32Array(3);

/**
 * Parses complete requests from the bytes of one connection, appends a reply
 * for each to the turn's reply bytes, and keeps the incomplete tail. Without a
 * store nothing is allocated per request, so the floor is the sockets' cost,
 * not this code's; with one, a request allocates only its strings.
 */
export class Connection {
  private pending: Buffer = Buffer.alloc(0);
  /** Replies of this event-loop turn, written once in flush(). */
  private out = Buffer.allocUnsafe(64 * 1024);
  private outLength = 0;
  /** Whether it waits in this turn's flush list. */
  queued = false;

  /** store: the values SET keeps and GET reads (--store), or null to answer +OK to all but PING. */
  constructor(
    readonly socket: Pick<net.Socket, 'write'>,
    private readonly store: Map<string, string> | null,
  ) {}

  /** Answers every complete request in pending + chunk; returns whether any was answered. */
  take(chunk: Buffer): boolean {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const before = this.outLength;
    let pos = 0;
    for (let end = requestEnd(buf, pos); end >= 0; end = requestEnd(buf, pos)) {
      if (this.store !== null) this.runStored(buf, this.store);
      else this.append(isPing(buf, pos) ? PONG : OK);
      pos = end;
    }
    // The chunk is a view of the read buffer all connections share (src/server/read-buffer.ts): a tail kept is copied.
    this.pending = pos === buf.length ? EMPTY : Buffer.from(buf.subarray(pos));
    return this.outLength > before;
  }

  /** --store: runs the request requestEnd just read, by its name's first letter: GET, SET, PING, and +OK to anything else. */
  private runStored(buf: Buffer, values: Map<string, string>): void {
    switch (buf[argStart[0]] | 0x20) {
      case 0x67 /* g */: {
        const value = values.get(latin1(buf, argStart[1], argEnd[1]));
        return value === undefined ? this.append(NULL_BULK) : this.appendBulk(value);
      }
      case 0x73 /* s */:
        values.set(latin1(buf, argStart[1], argEnd[1]), latin1(buf, argStart[2], argEnd[2]));
        return this.append(OK);
      case 0x70 /* p */:
        return this.append(PONG);
      default:
        return this.append(OK);
    }
  }

  private append(reply: Buffer): void {
    this.reserve(reply.length);
    reply.copy(this.out, this.outLength);
    this.outLength += reply.length;
  }

  private appendBulk(value: string): void {
    this.reserve(bulkLength(value.length));
    this.outLength = putBulkString(this.out, this.outLength, value);
  }

  private reserve(bytes: number): void {
    if (this.outLength + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLength + bytes));
    this.out.copy(bigger, 0, 0, this.outLength);
    this.out = bigger;
  }

  flush(): void {
    this.socket.write(Buffer.from(this.out.subarray(0, this.outLength)));
    this.outLength = 0;
    this.queued = false;
  }
}

const EMPTY = Buffer.alloc(0);

/** Where readNumber's line ended (the index after its LF); a module variable rather than a result object per line. */
let lineEnd = 0;

/** Where the multibulk request starting at pos ends, or -1 if it is not all here. */
function requestEnd(buf: Buffer, pos: number): number {
  let args = readNumber(buf, pos);
  if (args < 0) return -1;
  pos = lineEnd;
  for (let arg = 0; arg < args; arg++) {
    const length = readNumber(buf, pos);
    if (length < 0) return -1;
    pos = lineEnd + length + 2;
    if (pos > buf.length) return -1;
    if (arg < 3) {
      argStart[arg] = lineEnd;
      argEnd[arg] = lineEnd + length;
    }
  }
  return pos;
}

/** The number on a "*N\r\n" or "$N\r\n" line at pos (setting lineEnd), or -1 if the line is incomplete. */
function readNumber(buf: Buffer, pos: number): number {
  let value = 0;
  let i = pos + 1;
  for (; i < buf.length && buf[i] !== CR; i++) value = value * 10 + buf[i] - 48;
  if (i + 1 >= buf.length) return -1;
  lineEnd = i + 2;
  return value;
}

/** Whether the request at pos is PING (its first argument starts with P). */
function isPing(buf: Buffer, pos: number): boolean {
  const firstBulk = buf.indexOf(36 /* $ */, pos);
  const name = buf.indexOf(10 /* \n */, firstBulk) + 1;
  return (buf[name] | 0x20) === 0x70 /* p */;
}

function serve(port: number, store: Map<string, string> | null): void {
  const waiting: Connection[] = [];
  const flush = () => {
    for (const connection of waiting) connection.flush();
    waiting.length = 0;
  };
  net
    .createServer((accepted) => {
      const socket = readingIntoSharedBuffer(accepted);
      socket.setNoDelay(true);
      socket.on('error', () => socket.destroy());
      const connection = new Connection(socket, store);
      socket.on('data', (chunk: Buffer) => {
        if (!connection.take(chunk)) return;
        if (connection.queued) return;
        if (waiting.length === 0) setImmediate(flush);
        connection.queued = true;
        waiting.push(connection);
      });
    })
    .listen(port, '127.0.0.1');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const portIndex = process.argv.indexOf('--port');
  serve(Number(process.argv[portIndex + 1]), process.argv.includes('--store') ? new Map() : null);
}
