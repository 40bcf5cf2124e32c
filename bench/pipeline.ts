/**
 * A minimal pipelining RESP client for the benchmark: it sends batches of
 * commands and only counts the replies (an error reply fails the batch), so
 * loading a million keys costs the bench process little. The same client,
 * one command at a time, measures round trips.
 */
import net from 'node:net';

/** A command in RESP. Arguments are ASCII here, so string length is byte length. */
export function resp(...args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

const CR = 13;

/** Where the reply at pos ends, or -1 while it is incomplete. Throws on an error reply. */
function replyEnd(buf: Buffer, pos: number): number {
  const cr = buf.indexOf(CR, pos);
  if (cr < 0 || cr + 1 >= buf.length) return -1;
  const line = buf.latin1Slice(pos, cr);
  switch (line[0]) {
    case '-':
      throw new Error(`server replied ${line}`);
    case '$': {
      const length = Number(line.slice(1));
      if (length < 0) return cr + 2;
      const end = cr + 2 + length + 2;
      return end <= buf.length ? end : -1;
    }
    case '*': {
      let at = cr + 2;
      for (let n = Number(line.slice(1)); n > 0 && at >= 0; n--) at = replyEnd(buf, at);
      return at;
    }
    default:
      return cr + 2;
  }
}

interface Waiter {
  remaining: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class PipelineClient {
  private unread: Buffer | null = null;
  private readonly waiters: Waiter[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.failAll(e));
    socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  static connect(port: number): Promise<PipelineClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new PipelineClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends the RESP text of count commands; resolves when their count replies have arrived. */
  exchange(commands: string, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ remaining: count, resolve, reject });
      this.socket.write(commands, 'latin1');
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const buf = this.unread ? Buffer.concat([this.unread, chunk]) : chunk;
    let pos = 0;
    try {
      while (this.waiters.length > 0) {
        const end = replyEnd(buf, pos);
        if (end < 0) break;
        pos = end;
        const head = this.waiters[0];
        if (--head.remaining === 0) {
          this.waiters.shift();
          head.resolve();
        }
      }
    } catch (e) {
      this.failAll(e as Error);
      this.socket.destroy();
      return;
    }
    this.unread = pos < buf.length ? buf.subarray(pos) : null;
  }

  private failAll(e: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(e);
  }
}

const BATCH = 1000;
const IN_FLIGHT = 4;

/**
 * Sends commandFor(i) for every i in [from, to) over one connection, BATCH
 * commands a write with IN_FLIGHT batches outstanding, and waits for every
 * reply. Returns the milliseconds it took.
 */
export async function load(port: number, from: number, to: number, commandFor: (i: number) => string): Promise<number> {
  const started = performance.now();
  const client = await PipelineClient.connect(port);
  const inFlight: Promise<void>[] = [];
  try {
    for (let first = from; first < to; first += BATCH) {
      const last = Math.min(first + BATCH, to);
      let batch = '';
      for (let i = first; i < last; i++) batch += commandFor(i);
      const replies = client.exchange(batch, last - first);
      replies.catch(() => {}); // a failure is thrown by the await below; the others need not be reported too
      inFlight.push(replies);
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    client.close();
  }
  return performance.now() - started;
}

/** Milliseconds from sending one command to its reply, nothing else outstanding. */
export async function roundTrip(client: PipelineClient, command: string): Promise<number> {
  const sent = performance.now();
  await client.exchange(command, 1);
  return performance.now() - sent;
}
