/**
 * For the memcached front end's tests: Debian's memcached as the reference
 * server, and a raw text-protocol client that tells where each reply ends by
 * sending `version` after the request (every memcached answers it, and a
 * request with noreply or a swallowed data block answers nothing).
 */
import net from 'node:net';
import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './servers.js';

export const MEMCACHED = process.env.MEMCACHED ?? '/usr/bin/memcached';

export interface ReferenceMemcached {
  port: number;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Starts memcached on a free port of 127.0.0.1, without UDP. */
export async function startMemcached(): Promise<ReferenceMemcached> {
  const port = await freePort();
  // memcached refuses to run as root unless told which user to be.
  const user = os.userInfo().uid === 0 ? ['-u', 'root'] : [];
  const child = spawn(MEMCACHED, ['-p', String(port), '-U', '0', '-l', '127.0.0.1', ...user], { stdio: 'ignore' });
  for (let waited = 0; ; waited += 50) {
    try {
      (await MemcachedClient.connect(port)).close();
      break;
    } catch (e) {
      if (waited > 10000) throw new Error(`memcached did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

const VERSION_LINE = /VERSION [^\r\n]*\r\n$/;

export class MemcachedClient {
  /** What arrived since the last reply was taken, and its last bytes (replies of many megabytes are joined once, when complete). */
  private chunks: Buffer[] = [];
  private tail = '';
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.tail = (this.tail + d.subarray(-256).toString('latin1')).slice(-256);
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<MemcachedClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ port, host: '127.0.0.1' }, () => resolve(new MemcachedClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends request (latin1) and returns all it answered, as text; the server must not close the connection. */
  async exchange(request: string): Promise<string> {
    this.socket.write(Buffer.from(`${request}version\r\n`, 'latin1'));
    const text = await this.readUntil((tail) => VERSION_LINE.test(tail));
    return text.replace(VERSION_LINE, '');
  }

  /** Sends bytes and returns what arrives until the server closes the connection. */
  async sendUntilClosed(request: string | Buffer): Promise<string> {
    this.socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
    return this.readUntil(() => false);
  }

  /** Waits until done holds for the last bytes received (or the connection closes); returns all received, as text. */
  private async readUntil(done: (tail: string) => boolean): Promise<string> {
    const deadline = Date.now() + 10000;
    while (!done(this.tail)) {
      if (this.closed) break;
      if (Date.now() > deadline) throw new Error(`no complete reply; received ${JSON.stringify(this.tail.slice(-200))}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 100);
      });
      this.waiter = null;
    }
    const text = Buffer.concat(this.chunks).toString('latin1');
    this.chunks = [];
    this.tail = '';
    return text;
  }

  close(): void {
    this.socket.destroy();
  }
}
