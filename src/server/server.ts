/**
 * The server: listeners, the client registry, reply flushing, the periodic
 * cron (active expiry, clocks, idle timeouts) and shutdown. Everything a
 * command may need is reachable from here (client.server).
 */
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { Client, OUTPUT_HIGH_WATER } from './client.js';
import { noteUnfinishedWrite, recycleSlabs, releaseIdleSpareSlabs } from '../resp/writer.js';
import { Config, ConfigError, strerror } from '../config.js';
import { Clock } from '../store/clock.js';
import { Keyspace } from '../store/keyspace.js';
import { PubSub } from './pubsub.js';
import { Acl } from './acl.js';
import { Tracking } from './tracking.js';
import { OutputLimits } from './output-limits.js';
import { ClientPause } from './pause.js';
import { Blocking } from './blocking.js';
import { ActiveExpiry } from '../store/expiry.js';
import { MemoryMeter } from '../store/memory.js';
import { Eviction } from '../store/eviction.js';
import { CommandTable, type Command } from '../commands/table.js';
import { allCommands } from '../commands/index.js';
import { loadSnapshot, saveOnSchedule } from '../commands/snapshot.js';
import { MemcachedFrontEnd } from '../memcached/front-end.js';
import { RdbFileError } from '../persistence/rdb-file.js';
import { installWatch, unwatchAll, type WatchRegistry } from '../commands/transactions.js';
import { SlowLog } from './slowlog.js';
import { LatencyMonitor } from './latency.js';
import { Monitors } from './monitor.js';
import { ErrorStats, InstantaneousMetrics } from './info.js';
import { installAdmin, observeDuration } from './admin.js';
import { BindError, Listeners, UnixSocketError, type ListenerKind } from './listeners.js';
import { TlsAcceptor, TlsConfigError } from './tls.js';
import { PROTECTED_MODE_DENIED, protectedModeRefuses } from './protected-mode.js';
import { Shutdown } from './shutdown.js';
import { ClientEviction } from './client-eviction.js';
import type { OwnProcess } from './own-process.js';

export const REDIS_VERSION = '7.0.15';
export const KEYHIVE_VERSION = '0.1.0';

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning', 'nothing'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LOG_MARKS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#', nothing: '' };

/** How long close() lets connections finish sending their replies before cutting them off. */
const CLOSE_GRACE_MS = 1000;
/** How long a client stays idle before its decoder gives back the buffer it keeps for unfinished requests (2 s, as in Redis); also how often unused spare reply slabs are let go. */
const IDLE_QUERY_BUFFER_MS = 2000;


export type CommandObserver = (client: Client, cmd: Command, argv: string[]) => void;

export interface ServerStats {
  connectionsReceived: number;
  commandsProcessed: number;
  rejectedConnections: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Socket reads and writes (total_reads_processed, total_writes_processed). */
  readsProcessed: number;
  writesProcessed: number;
}

function randomHex40(): string {
  return Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

export class Server {
  readonly config: Config;
  readonly clock = new Clock();
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  /** Users, their permissions and the ACL log. */
  readonly acl: Acl;
  readonly clients = new Map<number, Client>();
  readonly watchers: WatchRegistry = new Map();
  readonly pause: ClientPause;
  readonly pubsub: PubSub;
  /** Client-side caching (CLIENT TRACKING). */
  readonly tracking: Tracking;
  readonly outputLimits: OutputLimits;
  readonly clientEviction: ClientEviction;
  /** Clients blocked on keys (BLPOP, BZPOPMIN, ...). */
  readonly blocking: Blocking;
  readonly stats: ServerStats = {
    connectionsReceived: 0,
    commandsProcessed: 0,
    rejectedConnections: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    readsProcessed: 0,
    writesProcessed: 0,
  };
  readonly errorStats = new ErrorStats();
  readonly metrics = new InstantaneousMetrics();
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  readonly monitors = new Monitors();
  /** latency-tracking: per-command latency histograms are kept. */
  latencyTracking = true;
  /** SHUTDOWN and the shutdown signals. */
  readonly shutdown = new Shutdown(this);
  /** Called once SHUTDOWN has closed the server: the command line exits the process, an embedded server just stays closed. */
  onShutdown: (() => void) | null = null;
  readonly startedAt = Date.now();
  readonly runId = randomHex40();
  /** Replication ID (master_replid); DEBUG CHANGE-REPL-ID renews it. */
  replId = randomHex40();
  /**
   * Config values read on hot paths. writesNeedReplicas: min-replicas-to-write
   * asks for replicas (with a max lag, as Redis requires for the check), and
   * Keyhive never has any, so every write is refused.
   */
  readonly limits = { maxBulkLen: 0, maxQueryBuffer: 0, writesNeedReplicas: false };
  activeExpireEnabled = true;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE takes payloads whatever their CRC64. */
  skipChecksumValidation = false;
  /** DEBUG PAUSE-CRON: the cron does nothing while set. */
  cronPaused = false;
  readonly activeExpiry: ActiveExpiry;
  /** used_memory (store/memory.ts) and maxmemory eviction with the V8 heap guard (store/eviction.ts). */
  readonly memory: MemoryMeter;
  readonly eviction: Eviction;
  /** Unix ms of the last successful save (LASTSAVE). */
  lastSave = Math.floor(Date.now() / 1000);
  /** Set by bin/keyhive: load dir/dbfilename before listening, as redis-server does (an embedded server starts empty). */
  loadsSnapshotAtStart = false;
  /** Set before listen() to serve memcached's text protocol on this port too (0: a free one), over the same keys. */
  memcachedPort: number | null = null;
  /** The memcached front end, while it listens. */
  memcached: MemcachedFrontEnd | null = null;
  /** Whether the last background save failed (INFO rdb_last_bgsave_status) and when it was tried (unix s); SAVEs and background saves tried (rdb_saves). */
  lastBackgroundSaveFailed = false;
  lastBackgroundSaveTry = 0;
  /** How long the last background save took, in whole seconds (rdb_last_bgsave_time_sec); -1 before the first. */
  lastBackgroundSaveSeconds = -1;
  rdbSaves = 0;
  private readonly listeners = new Listeners((socket, kind) => this.accept(socket, kind));
  /** The TLS context and handshakes of connections accepted on tls-port. */
  readonly tls: TlsAcceptor;
  private cronTimer: NodeJS.Timeout | null = null;
  private clientIdSeq = 0;
  /**
   * The pendingCount clients with replies this turn, and the list the turn
   * before used, swapped at each flush. Entries are cleared, not the lists
   * truncated (which would drop their storage): a turn allocates no list.
   */
  private pendingFlush: (Client | null)[] = [];
  private pendingCount = 0;
  private flushedLastTurn: (Client | null)[] = [];
  private flushQueued = false;
  /** flushAll as the one callback every turn schedules (a closure made per turn is garbage each turn). */
  private readonly flushAllOnce = () => this.flushAll();
  /** When releaseIdleBuffers last looked at the reply writer's spare slabs. */
  private spareSlabsCheckedAt = 0;
  private logLevel: LogLevel = 'notice';
  /** The logfile directive, read when the server starts listening; null: standard output. */
  private logfile: string | null = null;
  /** Address and port actually listened on, after listen(). */
  host = '127.0.0.1';
  port = 0;
  /** The TLS port listened on, 0 when TLS is off. */
  tlsPort = 0;

  constructor(config: Config = new Config()) {
    this.config = config;
    this.keyspace = new Keyspace(config.getNumber('databases'), this.clock);
    this.activeExpiry = new ActiveExpiry(this.keyspace, {
      mayExpire: () => this.activeExpireEnabled && !this.keyspace.frozen,
      sliceRan: (ms) => this.latency.addSampleIfNeeded('expire-cycle', Math.floor(ms), Math.floor(this.clock.now() / 1000)),
    });
    this.memory = new MemoryMeter(this.keyspace);
    this.commands = new CommandTable(allCommands);
    for (const [from, to] of config.renamedCommands) {
      try {
        this.commands.rename(from, to);
      } catch (e) {
        throw new ConfigError(`rename-command ${from} ${to}: ${(e as Error).message}`);
      }
    }
    this.tls = new TlsAcceptor(config, (socket) => this.admit(socket, 'tls'), (message) => this.log('warning', message));
    this.readConfig();
    config.onChange(() => this.readConfig());
    this.acl = new Acl(this);
    this.eviction = new Eviction(this);
    installWatch(this);
    installAdmin(this);
    this.pause = new ClientPause(this.keyspace, this.clock);
    // Before Pub/Sub: Redis invalidates a changed key before it publishes the change's notification.
    this.tracking = new Tracking(this);
    this.pubsub = new PubSub(this);
    this.outputLimits = new OutputLimits(this);
    this.clientEviction = new ClientEviction(this);
    this.blocking = new Blocking(this);
  }

  private readConfig(): void {
    this.limits.maxBulkLen = this.config.getNumber('proto-max-bulk-len');
    this.limits.maxQueryBuffer = this.config.getNumber('client-query-buffer-limit');
    this.limits.writesNeedReplicas = this.config.getNumber('min-replicas-to-write') > 0 && this.config.getNumber('min-replicas-max-lag') > 0;
    this.logLevel = this.config.get('loglevel') as LogLevel;
  }

  nextClientId(): number {
    return ++this.clientIdSeq;
  }

  // ---- logging ----------------------------------------------------------

  /**
   * Appends to the logfile as Redis does, opening it for each line and
   * writing before returning: a line is in the file once what it reports is
   * done, and a rotated log is simply created again. A log that cannot be
   * written is skipped, as in Redis.
   */
  log(level: LogLevel, message: string): void {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.logLevel)) return;
    const line = `${process.pid}:M ${logTimestamp(new Date())} ${LOG_MARKS[level]} ${message}\n`;
    if (this.logfile === null) {
      process.stdout.write(line);
      return;
    }
    try {
      fs.appendFileSync(this.logfile, line);
    } catch {
      // Redis's serverLogRaw gives up quietly when it cannot open the file.
    }
  }

  // ---- listening --------------------------------------------------------

  /** Loads the RDB file, or logs why it cannot and throws: a server must not start with part of its data. */
  private loadSnapshotOrStop(): void {
    try {
      loadSnapshot(this);
    } catch (e) {
      const message = e instanceof RdbFileError ? e.message : `Fatal error loading the DB: ${(e as Error).message}. Exiting.`;
      this.log('warning', message);
      this.log('warning', 'Terminating server after rdb file reading failure.');
      throw new Error(message);
    }
  }

  async listen(): Promise<void> {
    this.logfile = this.config.get('logfile') || null;
    if (this.loadsSnapshotAtStart) this.loadSnapshotOrStop();
    try {
      // First, as in Redis's initServer: a TLS setup that does not load binds nothing.
      if (this.tls.enabled) this.tls.configure();
      await this.relisten('bind');
      await this.listenUnix();
      if (this.memcachedPort !== null) await this.listenMemcached(this.memcachedPort);
    } catch (e) {
      // An embedding program goes on running: what was bound before the failure must not stay open.
      void this.listeners.close();
      if (e instanceof TlsConfigError) throw new Error('Failed to configure TLS. Check logs for more info.');
      // Redis's words, which its test suite (and tools) look for to retry on another port.
      if (e instanceof BindError) this.log('warning', `Failed listening on port ${e.port} (${e.kind === 'tcp' ? 'TCP' : 'TLS'}), aborting.`);
      if (e instanceof UnixSocketError) this.log('warning', e.message);
      throw e;
    }
    this.writePidFile();
    // Before the ready lines, which whatever waits for the server looks for.
    this.ownProcess?.applyOomScore();
    this.ownProcess?.applyTitle();
    this.startCron();
    // CONFIG SET hz changes how often the cron runs, as in Redis.
    this.config.onChange((name) => {
      if (name === 'hz' && this.cronTimer) this.startCron();
    });
    this.log('notice', `Keyhive ${KEYHIVE_VERSION} (Redis ${REDIS_VERSION} compatible) ready to accept connections on ${this.config.get('bind')} port ${this.port}${this.tlsPort ? `, tls-port ${this.tlsPort}` : ''}, PID: ${process.pid}`);
    // Redis's own words (with " PID: " above, as in its banner), which tools waiting for a server look for.
    this.log('notice', 'Ready to accept connections');
    if (this.unixSocket !== null) this.log('notice', `The server is now ready to accept connections at ${this.unixSocket}`);
  }

  /** The memcached front end, on the address the Redis port listens on first. */
  private async listenMemcached(port: number): Promise<void> {
    const frontEnd = new MemcachedFrontEnd(this);
    await frontEnd.listen(this.host, port);
    this.memcached = frontEnd;
  }

  /** The unix socket path as configured (shown in its clients' addresses), or null when there is none. */
  get unixSocket(): string | null {
    return this.config.get('unixsocket') || null;
  }

  /** A unix socket path is relative to `dir`, where Redis has changed directory to. */
  private inDir(file: string): string {
    return path.resolve(this.config.get('dir'), file);
  }

  private async listenUnix(): Promise<void> {
    const file = this.unixSocket;
    if (file === null) return;
    // The configuration keeps unixsocketperm as its octal text.
    const perm = parseInt(this.config.get('unixsocketperm'), 8);
    await this.listeners.bindUnix(this.inDir(file), perm, this.config.getNumber('tcp-backlog'));
  }

  /** Where the PID goes: pidfile, or Redis's default for a daemon (never an embedded server) that names none; null for nowhere. */
  private pidFile(): string | null {
    const daemon = this.ownProcess !== null && this.config.getBool('daemonize');
    const file = this.config.get('pidfile') || (daemon ? DEFAULT_PID_FILE : '');
    return file ? this.inDir(file) : null;
  }

  /** Redis writes its PID file once listening; failing to is only logged. */
  private writePidFile(): void {
    const file = this.pidFile();
    if (file === null) return;
    try {
      fs.writeFileSync(file, `${process.pid}\n`);
    } catch (e) {
      this.log('warning', `Failed to write PID file: ${strerror(e)}`);
    }
  }

  /** At shutdown, as Redis's prepareForShutdown: the PID file goes, and the unix socket's file with its listener. */
  private removeFilesAtShutdown(): void {
    const pidfile = this.pidFile();
    if (pidfile !== null) {
      this.log('notice', 'Removing the pid file.');
      fs.rmSync(pidfile, { force: true });
    }
    const unixSocket = this.unixSocket;
    if (unixSocket !== null) {
      this.log('notice', 'Removing the unix socket file.');
      fs.rmSync(this.inDir(unixSocket), { force: true });
    }
  }

  private startCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = setInterval(() => this.cron(), Math.round(1000 / Math.max(1, this.config.getNumber('hz'))));
    this.cronTimer.unref();
  }

  /**
   * Binds the listeners anew at start-up or after CONFIG SET port, tls-port or
   * bind. A new port is bound before its old listeners close; new addresses
   * may want the same ports, so a bind change closes every listener first.
   * Throws when an address cannot be bound, or TlsConfigError.
   */
  async relisten(change: 'port' | 'tls-port' | 'bind'): Promise<void> {
    try {
      if (change === 'bind') void this.listeners.close(['tcp', 'tls']);
      if (change !== 'tls-port') await this.listenTcp();
      if (change !== 'port') await this.listenTls();
    } catch (e) {
      if (e instanceof BindError) this.log('warning', `Warning: ${e.message}`);
      throw e;
    }
  }

  bindAddresses(): string[] {
    return this.config.get('bind').split(/\s+/).filter(Boolean);
  }

  /** Port 0 picks a free port, except beside a TLS port: there, as in Redis, it means no plain TCP listener. */
  private async listenTcp(): Promise<void> {
    const port = this.config.getNumber('port');
    if (port === 0 && this.config.getNumber('tls-port') !== 0) {
      void this.listeners.close(['tcp']);
      this.port = 0;
      return;
    }
    const bound = await this.listeners.bind('tcp', this.bindAddresses(), port, this.config.getNumber('tcp-backlog'));
    this.host = bound.host;
    this.port = bound.port;
    if (port !== bound.port) this.config.set('port', String(bound.port));
  }

  /** tls-port 0 means no TLS listener; a first TLS port loads the TLS configuration (Redis's applyTLSPort). */
  private async listenTls(): Promise<void> {
    const port = this.config.getNumber('tls-port');
    if (port === 0) {
      void this.listeners.close(['tls']);
      this.tlsPort = 0;
      return;
    }
    if (!this.tls.configured) this.tls.configure();
    const bound = await this.listeners.bind('tls', this.bindAddresses(), port, this.config.getNumber('tcp-backlog'));
    if (this.port === 0) this.host = bound.host;
    this.tlsPort = bound.port;
  }

  /** A socket a listener accepted: refused past maxclients as in Redis's acceptCommonHandler, else admitted (TLS: after its handshake). */
  private accept(socket: net.Socket, kind: ListenerKind): void {
    // A connection refused or still in its handshake has no client to report its errors to.
    socket.on('error', () => {});
    if (this.clients.size >= this.config.getNumber('maxclients')) {
      this.stats.rejectedConnections++;
      // No handshake has happened on a TLS connection yet, so as in Redis it just drops.
      if (kind !== 'tls') refuse(socket, '-ERR max number of clients reached\r\n');
      else socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const keepalive = this.config.getNumber('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    if (kind === 'tls') this.tls.handshake(socket);
    else this.admit(socket, kind);
  }

  /** A connection ready for requests becomes a client, unless protected mode turns it away (Redis's clientAcceptHandler). */
  private admit(socket: net.Socket, kind: ListenerKind): void {
    if (protectedModeRefuses(this, socket.remoteAddress)) {
      this.stats.rejectedConnections++;
      socket.on('error', () => {});
      refuse(socket, PROTECTED_MODE_DENIED);
      return;
    }
    this.stats.connectionsReceived++;
    const client = new Client(this, socket, kind === 'unix' ? this.unixSocket : null);
    this.clients.set(client.id, client);
    socket.on('data', (chunk: Buffer) => {
      this.stats.netInputBytes += chunk.length;
      this.stats.readsProcessed++;
      client.receive(chunk);
      this.memory.noteClient(client);
      this.clientEviction.enforce();
    });
    socket.on('drain', () => client.outputDrained());
    socket.on('error', () => client.close());
    socket.on('close', () => client.close());
  }

  clientClosed(client: Client): void {
    this.clients.delete(client.id);
    unwatchAll(client);
    this.pause.forget(client);
    this.pubsub.unsubscribeAll(client);
    this.tracking.disable(client);
    this.outputLimits.forget(client);
    this.blocking.clientClosed(client);
    this.memory.forgetClient(client);
  }

  // ---- dispatch and replies ----------------------------------------------

  /** Set when the server is its process (bin/keyhive), which it then titles and scores for the OOM killer as Redis does. */
  ownProcess: OwnProcess | null = null;

  /** Observers of every executed command, told as it ends (MONITOR, client-side caching). */
  readonly commandObservers: CommandObserver[] = [];

  afterCommand(client: Client, cmd: Command, argv: string[]): void {
    for (let i = 0; i < this.commandObservers.length; i++) this.commandObservers[i](client, cmd, argv);
  }

  /** A command's duration, once known (a fast command's at the end of its run, see call() in dispatch.ts): the slow log and latency figures. */
  commandTimed(client: Client, cmd: Command, argv: string[], usec: number): void {
    observeDuration(this, client, cmd, argv, usec);
  }

  scheduleFlush(client: Client): void {
    this.pendingFlush[this.pendingCount++] = client;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.flushAllOnce);
    }
  }

  /** Writes every client's replies of this turn, one write per client. */
  flushAll(): void {
    this.flushQueued = false;
    const clients = this.pendingFlush;
    const count = this.pendingCount;
    this.pendingFlush = this.flushedLastTurn;
    this.pendingCount = 0;
    for (let i = 0; i < count; i++) {
      const client = clients[i] as Client;
      clients[i] = null;
      this.flush(client);
    }
    this.flushedLastTurn = clients;
    recycleSlabs();
    // As Redis's beforeSleep, once the turn's replies are out (or left pending).
    this.clientEviction.enforce();
  }

  private flush(client: Client): void {
    const chunks = client.reply.takeChunks();
    const socket = client.socket;
    if (client.closed || socket.destroyed) return;
    let pending = socket.writableLength;
    for (const chunk of chunks) pending += chunk.length;
    if (this.outputLimits.enforce(client, pending)) return;
    if (chunks.length > 0) this.stats.writesProcessed++;
    if (chunks.length === 1) {
      this.stats.netOutputBytes += chunks[0].length;
      socket.write(chunks[0]);
    } else if (chunks.length > 1) {
      socket.cork();
      for (const chunk of chunks) {
        this.stats.netOutputBytes += chunk.length;
        socket.write(chunk);
      }
      socket.uncork();
    }
    // Left in the socket, the bytes still point into the writer's slabs (see recycleSlabs).
    if (socket.writableLength > 0) noteUnfinishedWrite();
    this.memory.noteClient(client);
    if (client.closeAfterReply) {
      client.closed = true;
      // Close both ways once the replies are out, as Redis does: a peer that keeps sending (protocol desync) sees the close.
      socket.end(() => socket.destroy());
      this.clientClosed(client);
      for (const hook of client.onClose) hook();
      return;
    }
    if (socket.writableLength > OUTPUT_HIGH_WATER) socket.pause();
  }

  // ---- cron -------------------------------------------------------------

  private cron(): void {
    if (this.cronPaused) return;
    try {
      this.cronJobs();
    } catch (e) {
      // A bug in one periodic job must not take the process down; it shows in the log instead.
      this.log('warning', `Error in the server cron: ${(e as Error)?.stack ?? e}`);
    }
  }

  private cronJobs(): void {
    this.shutdown.cron();
    this.keyspace.refreshClock();
    this.keyspace.maintainTables();
    const hz = Math.max(1, this.config.getNumber('hz'));
    this.pause.expire();
    if (this.activeExpireEnabled && !this.keyspace.frozen) this.activeExpiry.cron(hz, this.config.getNumber('active-expire-effort'));
    this.metrics.sample(this, this.clock.now());
    this.memory.sampleClients(this.clients.values());
    this.eviction.heap.sample();
    this.tracking.limitTableSize();
    this.outputLimits.cron();
    saveOnSchedule(this);
    this.closeIdleClients();
    this.releaseIdleBuffers();
  }

  /**
   * Clients idle for IDLE_QUERY_BUFFER_MS give back their decoders' held
   * buffers (Redis's clientsCronResizeQueryBuffer), and as often the reply
   * writer's spare slabs go if none was used meanwhile.
   */
  private releaseIdleBuffers(): void {
    const now = this.clock.now();
    if (now - this.spareSlabsCheckedAt >= IDLE_QUERY_BUFFER_MS) {
      this.spareSlabsCheckedAt = now;
      releaseIdleSpareSlabs();
    }
    for (const client of this.clients.values()) {
      if (now - client.lastInteraction > IDLE_QUERY_BUFFER_MS) client.decoder.releaseIdleBuffer();
    }
  }

  private closeIdleClients(): void {
    const timeout = this.config.getNumber('timeout');
    if (timeout <= 0) return;
    const now = this.clock.now();
    for (const client of this.clients.values()) {
      if (now - client.lastInteraction > timeout * 1000 && mayTimeOut(this, client)) {
        this.log('verbose', 'Closing idle client');
        client.close();
      }
    }
  }

  // ---- shutdown ---------------------------------------------------------

  /**
   * Stops listening and closes every connection once the replies it has
   * pending are written (a peer that does not read them is cut off after
   * CLOSE_GRACE_MS), then logs farewell, if given, and closes the log file.
   */
  async close(farewell?: string): Promise<void> {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.cronTimer = null;
    this.activeExpiry.stop();
    const closing = Promise.all([this.listeners.close(), this.memcached?.close()]);
    for (const client of [...this.clients.values()]) client.closeAfterReplies();
    const cutOff = setTimeout(() => this.listeners.destroyConnections(), CLOSE_GRACE_MS);
    await closing;
    clearTimeout(cutOff);
    this.removeFilesAtShutdown();
    if (farewell) this.log('warning', farewell);
  }
}

/** Redis's CONFIG_DEFAULT_PID_FILE. */
const DEFAULT_PID_FILE = '/var/run/redis.pid';

/** Sends a refusal and closes once it is written, whether or not the peer reads or closes. */
function refuse(socket: net.Socket, text: string): void {
  socket.end(text, () => socket.destroy());
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Redis's log time stamp, local time: "26 Nov 2026 07:00:20.446". */
function logTimestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return `${two(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${time}`;
}

/**
 * Whether timeout may close an idle client (Redis's clientsCronHandleTimeout):
 * not monitors, not clients blocked on keys (their command's own timeout
 * rules) and not Pub/Sub subscribers, which wait for messages by design.
 */
function mayTimeOut(server: Server, client: Client): boolean {
  return client.blocked === null && !client.subscriptions?.active && !server.monitors.has(client);
}
