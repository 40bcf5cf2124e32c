/**
 * One connection: its socket, request decoder, reply writer and the state
 * Redis keeps per client (selected db, protocol, name, MULTI queue, ...).
 */
import type { Socket } from 'node:net';
import { ProtocolError, RequestDecoder, type DecoderHost } from '../resp/decoder.js';
import { ReplyWriter } from '../resp/writer.js';
import { beginCommandBatch, dispatch, endCommandBatch } from '../commands/dispatch.js';
import type { Database } from '../store/keyspace.js';
import type { Command } from '../commands/table.js';
import type { Server } from './server.js';
import type { ClientSubscriptions } from './pubsub.js';
import type { ClientTracking } from './tracking.js';
import type { BlockedState } from './blocking.js';
import type { User } from './acl.js';
import { mustAuthenticate, resetAuthentication } from './auth.js';

/** Redis's listNode and watchedKey for a watched key, and its dictEntry and bucket for a subscription (64-bit sizes). */
const WATCHED_KEY_BYTES = 24 + 32;
const SUBSCRIPTION_BYTES = 24 + 8;
/** Redis's estimate for a node of a client's tracking prefix tree: sizeof(raxNode) * sizeof(raxNode*). */
const TRACKING_PREFIX_BYTES = 4 * 8;

/** Stop reading from a client whose unwritten replies exceed this, until they drain. */
export const OUTPUT_HIGH_WATER = 4 * 1024 * 1024;

export interface QueuedCommand {
  cmd: Command;
  argv: string[];
}

export interface MultiState {
  queue: QueuedCommand[];
  /** The queued arguments' bytes plus a pointer each, as Redis's mstate.argv_len_sums. */
  argvBytes: number;
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

/** CLIENT REPLY state: 'skip-next' was just requested, 'skip' silences the command now running. */
export type ReplyMode = 'on' | 'off' | 'skip-next' | 'skip';

export class Client implements DecoderHost {
  readonly id: number;
  readonly decoder: RequestDecoder;
  readonly reply: ReplyWriter;
  readonly createdAt: number;
  db: Database;
  name = '';
  libName = '';
  libVersion = '';
  /** The ACL user the client is logged in as (set by resetAuthentication). */
  user!: User;
  authenticated!: boolean;
  lastInteraction: number;
  /** Name of the last command run, for CLIENT LIST. */
  lastCommand = 'NULL';
  multi: MultiState | null = null;
  /** Keys this client WATCHes. */
  watched: WatchedKey[] = [];
  /** A watched key changed: the next EXEC fails. */
  watchTouched = false;
  replyMode: ReplyMode = 'on';
  /** Pub/Sub subscriptions, created on the first SUBSCRIBE. */
  subscriptions: ClientSubscriptions | null = null;
  /** Client-side caching mode, while CLIENT TRACKING is on. */
  tracking: ClientTracking | null = null;
  noEvict = false;
  noTouch = false;
  /** What the client waits for while a blocking command (BLPOP...) holds it. */
  blocked: BlockedState | null = null;
  /** A command held back by CLIENT PAUSE, run when the pause ends. */
  postponed: string[] | null = null;
  /** Set by QUIT and protocol errors: close once pending replies are written. */
  closeAfterReply = false;
  closed = false;
  /** Requests wait until the socket drains: the replies not yet written passed OUTPUT_HIGH_WATER. */
  private outputPaused = false;
  /** Why CLIENT KILL or a limit closed this client, for the log. */
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  /** Hooks run once when the connection ends (pub/sub, blocking, monitor clean-up). */
  readonly onClose: (() => void)[] = [];

  constructor(
    readonly server: Server,
    readonly socket: Socket,
    /** The unix socket's path as configured, for a client connected through it; else null. */
    readonly unixSocket: string | null = null,
  ) {
    this.id = server.nextClientId();
    this.createdAt = server.clock.now();
    this.lastInteraction = this.createdAt;
    this.db = server.keyspace.dbs[0];
    resetAuthentication(this);
    // Redis shows a unix socket client's both ends as the socket's path, port 0.
    this.addr = unixSocket !== null ? `${unixSocket}:0` : formatAddress(socket.remoteAddress, socket.remotePort);
    this.laddr = unixSocket !== null ? this.addr : formatAddress(socket.localAddress, socket.localPort);
    this.fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    this.reply = new ReplyWriter(() => server.scheduleFlush(this));
    this.reply.onError = (text) => server.errorStats.count(text);
    this.reply.onGrowth = () => server.outputLimits.enforce(this, socket.writableLength + this.reply.pendingBytes);
    this.decoder = new RequestDecoder(this);
  }

  /** Whether the decoder caps frame sizes, as Redis does until a client authenticates. */
  get authRequired(): boolean {
    return this.mustAuthenticate();
  }

  get maxBulkLen(): number {
    return this.server.limits.maxBulkLen;
  }

  /**
   * Memory of the client's state beyond its buffers, as Redis's
   * getClientMemoryUsage counts it: queued commands' arguments, the list
   * and dict entries of its watched keys and subscriptions, and its
   * tracking prefixes.
   */
  get stateBytes(): number {
    const subs = this.subscriptions;
    const subscriptionEntries = subs === null ? 0 : subs.channels.size + subs.patterns.size + subs.shard.size;
    const trackingPrefixes = this.tracking?.prefixes.size ?? 0;
    return (
      (this.multi?.argvBytes ?? 0) +
      this.watched.length * WATCHED_KEY_BYTES +
      subscriptionEntries * SUBSCRIPTION_BYTES +
      trackingPrefixes * TRACKING_PREFIX_BYTES
    );
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  /** Whether commands other than AUTH/HELLO are refused (Redis's authRequired). */
  mustAuthenticate(): boolean {
    return mustAuthenticate(this);
  }

  /**
   * Runs one request from the decoder, whose host the client is. A pipeline
   * of requests with large replies stops here, and so does reading the
   * socket, once the replies not yet written pass OUTPUT_HIGH_WATER: a peer
   * that does not read must not make the server hold every reply at once.
   */
  onCommand(argv: string[]): void {
    dispatch(this, argv);
    if (this.decoder.paused || this.socket.writableLength + this.reply.pendingBytes <= OUTPUT_HIGH_WATER) return;
    this.outputPaused = true;
    this.decoder.paused = true;
    this.socket.pause();
  }

  /** The socket has written out what it held ('drain'): reading goes on, and so do requests held back by onCommand. */
  outputDrained(): void {
    if (this.closed) return;
    this.socket.resume();
    if (!this.outputPaused) return;
    this.outputPaused = false;
    this.decoder.paused = false;
    this.process(null);
  }

  /** Handles bytes from the socket. */
  receive(chunk: Buffer): void {
    const now = this.server.clock.now();
    this.lastInteraction = now;
    // Fresh to the millisecond, the LRU clock tells a key written over and over from one written now and then (see Database.isHot).
    this.server.keyspace.refreshClock(now);
    this.process(chunk);
  }

  /** Goes on after a pause: runs the postponed command, then the input that waited. */
  resume(): void {
    if (this.closed) return;
    this.decoder.paused = false;
    const postponed = this.postponed;
    if (postponed) {
      this.postponed = null;
      dispatch(this, postponed);
    } else if (this.replyMode !== 'on') {
      // A blocking command answered when it was served or timed out: it is over now.
      this.advanceReplyMode();
    }
    this.process(null);
  }

  /** Runs after every command, as Redis's resetClient: a CLIENT REPLY SKIP silences exactly the command that follows it. */
  advanceReplyMode(): void {
    if (this.replyMode === 'skip-next') {
      this.replyMode = 'skip';
      this.reply.enabled = false;
    } else if (this.replyMode === 'skip') {
      this.replyMode = 'on';
      this.reply.enabled = true;
    }
  }

  /** Closes the connection once the replies written so far are sent (QUIT, CLIENT KILL of oneself). */
  closeAfterReplies(): void {
    this.closeAfterReply = true;
    this.decoder.paused = true;
    this.server.scheduleFlush(this);
  }

  /** Runs the complete commands of chunk (null: of the input already buffered). */
  private process(chunk: Buffer | null): void {
    beginCommandBatch();
    try {
      if (chunk) this.decoder.feed(chunk);
      else this.decoder.drain();
    } catch (e) {
      if (!(e instanceof ProtocolError)) return this.failInternally(e);
      this.server.log('verbose', `Protocol error (${e.message.replace(/^Protocol error: /, '')}) from client: id=${this.id} addr=${this.addr}`);
      this.reply.enabled = true;
      this.reply.error(e.message);
      this.closeAfterReply = true;
      this.decoder.paused = true;
      return;
    } finally {
      endCommandBatch();
    }
    if (this.decoder.bufferedBytes > this.server.limits.maxQueryBuffer) {
      this.server.log('warning', `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr}`);
      this.close();
    }
  }

  /**
   * A failure outside any command (commands have theirs turned into error
   * replies by call()): logged, and only this connection pays for it, since
   * its state may be half-updated.
   */
  private failInternally(e: unknown): void {
    this.server.log('warning', `Internal error while serving client id=${this.id} addr=${this.addr}, closing it: ${(e as Error)?.stack ?? e}`);
    this.close();
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

/** Redis's address strings: ip:port, with IPv6 addresses in brackets. */
function formatAddress(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
}
