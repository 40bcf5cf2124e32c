/**
 * The floor: the least a Node.js server must do to serve redis-benchmark.
 * It finds where each RESP request ends and answers +OK (+PONG to PING),
 * with no keyspace, no dispatch, no reply encoder, and writes each socket's
 * replies once per event-loop turn as Keyhive does. What it reaches on this
 * machine is what Node's sockets allow; bench/floor.ts sets Keyhive and
 * redis-server beside it.
 *
 *   node dist/bench/floor-server.js --port 7000
 */
import net from 'node:net';

const OK = Buffer.from('+OK\r\n');
const PONG = Buffer.from('+PONG\r\n');
const CR = 13;

/** Parses complete requests from the bytes of one connection and keeps the incomplete tail. */
class RequestCounter {
  private pending: Buffer = Buffer.alloc(0);

  /** The reply for each complete request in pending + chunk, in order. */
  take(chunk: Buffer): Buffer[] {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const replies: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const end = requestEnd(buf, pos);
      if (end < 0) break;
      replies.push(isPing(buf, pos) ? PONG : OK);
      pos = end;
    }
    this.pending = buf.subarray(pos);
    return replies;
  }
}

/** Where the multibulk request starting at pos ends, or -1 if it is not all here. */
function requestEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  let line = readLine(buf, pos);
  if (line === null) return -1;
  let args = line.value;
  pos = line.next;
  while (args-- > 0) {
    line = readLine(buf, pos);
    if (line === null) return -1;
    pos = line.next + line.value + 2;
    if (pos > buf.length) return -1;
  }
  return pos;
}

/** The number on a "*N\r\n" or "$N\r\n" line at pos and where the next line starts, or null if incomplete. */
function readLine(buf: Buffer, pos: number): { value: number; next: number } | null {
  let value = 0;
  let i = pos + 1;
  for (; i < buf.length && buf[i] !== CR; i++) value = value * 10 + buf[i] - 48;
  return i + 1 < buf.length ? { value, next: i + 2 } : null;
}

/** Whether the request at pos is PING (its first argument starts with P). */
function isPing(buf: Buffer, pos: number): boolean {
  const firstBulk = buf.indexOf(36 /* $ */, pos);
  const name = buf.indexOf(10 /* \n */, firstBulk) + 1;
  return (buf[name] | 0x20) === 0x70 /* p */;
}

function serve(port: number): void {
  const waiting: { socket: net.Socket; replies: Buffer[] }[] = [];
  const flush = () => {
    for (const { socket, replies } of waiting.splice(0)) socket.write(Buffer.concat(replies));
  };
  net
    .createServer((socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => socket.destroy());
      const counter = new RequestCounter();
      socket.on('data', (chunk: Buffer) => {
        const replies = counter.take(chunk);
        if (replies.length === 0) return;
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ socket, replies });
      });
    })
    .listen(port, '127.0.0.1');
}

const portIndex = process.argv.indexOf('--port');
serve(Number(process.argv[portIndex + 1]));
