/**
 * memcached's text protocol on a port of its own (`--memcached-port`), beside
 * the Redis port, over the same keyspace: the path of a memcached request is
 * socket -> protocol.ts -> this file's dispatch -> commands.ts -> keyspace.
 * Replies of one read go out in one write. Once OUTPUT_HIGH_WATER bytes of
 * replies wait for a client, its requests wait too, and so does reading its
 * socket, until the replies drain: a pipeline of GETs of large values, or a
 * client that does not read, cannot make the server hold every reply at once.
 */
import net from 'node:net';
import type { Server } from '../server/server.js';
import { OUTPUT_HIGH_WATER } from '../server/client.js';
import { readingIntoSharedBuffer } from '../server/read-buffer.js';
import { MemcachedDecoder, type RequestHost, type StorageRequest } from './protocol.js';
import { MEMCACHED_VERSION, MemcachedStore, asksNoreply, type Replier } from './commands.js';

export class MemcachedFrontEnd {
  readonly store: MemcachedStore;
  private listener: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  /** The port listened on, once listening. */
  port = 0;

  constructor(private readonly server: Server) {
    this.store = new MemcachedStore(server);
  }

  /** Listens on host:port (port 0 picks a free one). */
  async listen(host: string, port: number): Promise<void> {
    const listener = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host, port }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    this.listener = listener;
    this.port = (listener.address() as net.AddressInfo).port;
    this.server.log('notice', `memcached text protocol on ${host} port ${this.port}`);
  }

  private accept(accepted: net.Socket): void {
    const socket = readingIntoSharedBuffer(accepted);
    socket.setNoDelay(true);
    const connection = new Connection(this.server, this.store, socket);
    this.connections.add(connection);
    this.store.connections++;
    this.store.totalConnections++;
    socket.once('close', () => {
      this.connections.delete(connection);
      this.store.connections--;
    });
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.store.close();
    for (const connection of this.connections) connection.destroy();
    const listener = this.listener;
    this.listener = null;
    if (listener !== null) await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

const NOTHING = Buffer.alloc(0);

class Connection implements RequestHost, Replier {
  private out = '';
  private closing = false;
  /** The request being answered asked for noreply. */
  private quiet = false;
  /** Replies past the high water wait in the socket: requests wait for 'drain'. */
  private waitingForDrain = false;
  private readonly decoder = new MemcachedDecoder(this);

  constructor(
    private readonly server: Server,
    private readonly store: MemcachedStore,
    private readonly socket: net.Socket,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => {
      if (!this.waitingForDrain) return;
      this.waitingForDrain = false;
      socket.resume();
      this.receive(NOTHING);
    });
    socket.on('error', () => socket.destroy());
  }

  /**
   * Runs the requests of chunk. Past the high water the replies are written
   * before more requests run; when the kernel takes them at once, the rest
   * runs at once too, else after 'drain'.
   */
  private receive(chunk: Buffer): void {
    this.server.keyspace.refreshClock();
    const overHighWater = () => this.closing || this.out.length + this.socket.writableLength > OUTPUT_HIGH_WATER;
    let more = this.decoder.feed(chunk, overHighWater);
    this.flush();
    while (more && !this.closing && !this.waitingForDrain) {
      more = this.decoder.feed(NOTHING, overHighWater);
      this.flush();
    }
  }

  private flush(): void {
    if (this.out !== '') {
      this.socket.write(Buffer.from(this.out, 'latin1'));
      this.out = '';
    }
    if (this.closing) this.socket.end();
    else if (this.socket.writableLength > OUTPUT_HIGH_WATER) {
      this.waitingForDrain = true;
      this.socket.pause();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  // ---- Replier ---------------------------------------------------------------

  send(line: string): void {
    if (!this.quiet) this.out += `${line}\r\n`;
  }

  unknown(): void {
    this.out += 'ERROR\r\n';
  }

  value(key: string, flags: number, data: string, casUnique: bigint | null): void {
    this.out += `VALUE ${key} ${flags} ${data.length}${casUnique === null ? '' : ` ${casUnique}`}\r\n${data}\r\n`;
  }

  // ---- RequestHost -----------------------------------------------------------

  onStorage(request: StorageRequest): void {
    this.answer(request.noreply, () => this.store.store(request, this));
  }

  onTooLarge(request: Omit<StorageRequest, 'data'>): void {
    this.answer(request.noreply, () => this.store.tooLarge(request, this));
  }

  onCommand(tokens: string[]): void {
    const command = tokens[0];
    this.answer(asksNoreply(tokens), () => this.run(command, tokens));
  }

  /** Runs one request's work, its replies dropped when it asked for noreply. */
  private answer(noreply: boolean, work: () => void): void {
    this.quiet = noreply;
    try {
      work();
    } finally {
      this.quiet = false;
    }
  }

  private run(command: string | undefined, tokens: string[]): void {
    switch (command) {
      case 'get':
      case 'gets':
      case 'gat':
      case 'gats':
        return this.store.retrieve(command, tokens, this);
      case 'delete':
        return this.store.delete(tokens, this);
      case 'incr':
      case 'decr':
        return this.store.incrDecr(command, tokens, this);
      case 'touch':
        return this.store.touch(tokens, this);
      case 'flush_all':
        return this.store.flushAll(tokens, this);
      case 'stats':
        return this.store.statistics(tokens, this);
      case 'version':
        return this.send(`VERSION ${MEMCACHED_VERSION}`);
      case 'verbosity':
        return this.store.verbosity(tokens, this);
      case 'quit':
        this.closing = true;
        return;
      default:
        return this.unknown();
    }
  }

  onProtocolError(reply: string, noreply: boolean): void {
    this.answer(noreply, () => this.send(reply));
  }

  onFatal(reply: string): void {
    this.send(reply);
    this.closing = true;
  }
}
