/**
 * One connection: its socket, request decoder, reply writer and the state
 * Redis keeps per client (selected db, protocol, name, MULTI queue, ...).
 */
import type { Socket } from 'node:net';
import { ProtocolError, RequestDecoder } from '../resp/decoder.js';
import { ReplyWriter } from '../resp/writer.js';
import type { Database } from '../store/keyspace.js';
import type { Command } from '../commands/table.js';
import type { Server } from './server.js';

export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

export interface MultiState {
  queue: QueuedCommand[];
  /** A queuing error happened: EXEC must answer EXECABORT. */
  aborted: boolean;
}

/** One WATCHed key; `expired` records that it was already stale when watched (Redis's wk->expired). */
export interface WatchedKey {
  client: Client;
  db: Database;
  key: string;
  expired: boolean;
}

export type ReplyMode = 'on' | 'off' | 'skip';

export class Client {
  readonly id: number;
  readonly decoder: RequestDecoder;
  readonly reply: ReplyWriter;
  readonly createdAt: number;
  db: Database;
  name = '';
  libName = '';
  libVersion = '';
  user = 'default';
  authenticated: boolean;
  lastInteraction: number;
  /** Name of the last command run, for CLIENT LIST. */
  lastCommand = 'NULL';
  multi: MultiState | null = null;
  /** Keys this client WATCHes. */
  watched: WatchedKey[] = [];
  /** A watched key changed: the next EXEC fails. */
  watchTouched = false;
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  /** Set by QUIT and protocol errors: close once pending replies are written. */
  closeAfterReply = false;
  closed = false;
  /** Why CLIENT KILL or a limit closed this client, for the log. */
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  /** Hooks run once when the connection ends (pub/sub, blocking, monitor clean-up). */
  readonly onClose: (() => void)[] = [];

  constructor(
    readonly server: Server,
    readonly socket: Socket,
  ) {
    this.id = server.nextClientId();
    this.createdAt = server.clock.now();
    this.lastInteraction = this.createdAt;
    this.db = server.keyspace.dbs[0];
    this.authenticated = !server.authRequired();
    this.addr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.laddr = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    this.reply = new ReplyWriter(() => server.scheduleFlush(this));
    const client = this;
    this.decoder = new RequestDecoder({
      onCommand: (argv) => server.dispatch(client, argv),
      get authRequired() {
        return !client.authenticated;
      },
      get maxBulkLen() {
        return server.limits.maxBulkLen;
      },
    });
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  /** Handles bytes from the socket. */
  receive(chunk: Buffer): void {
    this.lastInteraction = this.server.clock.now();
    try {
      this.decoder.feed(chunk);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.server.log('verbose', `Protocol error (${e.message}) from client: id=${this.id} addr=${this.addr}`);
      this.reply.enabled = true;
      this.reply.error(e.message);
      this.closeAfterReply = true;
      this.decoder.paused = true;
      return;
    }
    if (this.decoder.bufferedBytes > this.server.limits.maxQueryBuffer) {
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`);
      this.close();
    }
  }

  /** Closes the connection now, dropping unwritten replies. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.decoder.paused = true;
    this.socket.destroy();
    this.server.clientClosed(this);
    for (const hook of this.onClose) hook();
  }

  selectDb(index: number): void {
    this.db = this.server.keyspace.dbs[index];
  }
}
