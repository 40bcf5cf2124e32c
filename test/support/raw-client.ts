/**
 * A raw socket client for tests: sends commands or arbitrary bytes and reads
 * replies as exact bytes (for differential comparison) or decoded values.
 */
import net from 'node:net';
import tls from 'node:tls';
import { decodeReply, encodeCommand, type RespValue } from './resp.js';

export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection({ port, host }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Connects to a unix socket at file. */
  static connectUnix(file: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.createConnection({ path: file }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Connects over TLS; options carry the CA to trust and the client certificate, if any. */
  static connectTls(port: number, options: tls.ConnectionOptions, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ port, host, ...options }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  send(...args: (string | Buffer | number)[]): void {
    this.write(encodeCommand(args));
  }

  private async waitFor<T>(attempt: () => T | null, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = attempt();
      if (r !== null) return r;
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buf.latin1Slice(0, 200))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for reply; have: ${JSON.stringify(this.buf.latin1Slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Reads one whole reply and returns its exact bytes (latin1). */
  async readRaw(timeoutMs = 5000): Promise<string> {
    return this.waitFor(() => {
      const r = decodeReply(this.buf, 0);
      if (!r) return null;
      const raw = this.buf.latin1Slice(0, r[1]);
      this.buf = this.buf.subarray(r[1]);
      return raw;
    }, timeoutMs);
  }

  async read(timeoutMs = 5000): Promise<RespValue> {
    return this.waitFor(() => {
      const r = decodeReply(this.buf, 0);
      if (!r) return null;
      this.buf = this.buf.subarray(r[1]);
      return [r[0]] as [RespValue];
    }, timeoutMs).then((x) => x[0]);
  }

  async call(...args: (string | Buffer | number)[]): Promise<RespValue> {
    this.send(...args);
    return this.read();
  }

  async callRaw(...args: (string | Buffer | number)[]): Promise<string> {
    this.send(...args);
    return this.readRaw();
  }

  /** Resolves when the server closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await this.waitFor(() => (this.closed ? true : null), timeoutMs);
  }

  /** Bytes received and not yet read. */
  get pending(): string {
    return this.buf.latin1Slice(0, this.buf.length);
  }

  close(): void {
    this.socket.destroy();
  }
}
