/**
 * The listening sockets, as Redis's listenToPort/changeListenPort: plain TCP
 * on `port` and TLS on `tls-port`, each kind bound on every `bind` address,
 * and a unix socket at `unixsocket` (Redis's anetUnixServer).
 * Accepted sockets go to one handler with their kind; admission (maxclients,
 * protected mode) and the TLS handshake are the server's business.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { strerror } from '../config.js';
import { readingIntoSharedBuffer } from './read-buffer.js';

export type ListenerKind = 'tcp' | 'tls' | 'unix';

const ALL_KINDS: ListenerKind[] = ['tcp', 'tls', 'unix'];

export interface Bound {
  /** The port listened on (the one picked when asked for port 0). */
  port: number;
  /** The first address listened on. */
  host: string;
}

/** A required bind address that could not be listened on; the message is Redis's listenToPort warning. */
export class BindError extends Error {
  constructor(
    readonly kind: ListenerKind,
    readonly port: number,
    bind: string,
    cause: unknown,
  ) {
    super(`Could not create server TCP listening socket ${bind.replace(/^-/, '')}:${port}: bind: ${strerror(cause)}`);
  }
}

/** The unix socket could not be listened on; the message is Redis's. */
export class UnixSocketError extends Error {
  constructor(cause: unknown) {
    super(`Failed opening Unix socket: bind: ${strerror(cause)}`);
  }
}

/** A bind address as Node takes it: "*" and "::*" are the IPv4 and IPv6 wildcards, a leading "-" marks it optional. */
function listenHost(bind: string): string {
  const address = bind.replace(/^-/, '');
  return address === '*' ? '0.0.0.0' : address === '::*' ? '::' : address;
}

function listenOn(options: net.ListenOptions, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, onSocket);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops the servers listening; resolves when they and every connection they accepted have closed. */
function closeAll(servers: net.Server[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
}

function whenClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

export class Listeners {
  private readonly servers: Record<ListenerKind, net.Server[]> = { tcp: [], tls: [], unix: [] };
  /** Every accepted connection still open, clients or not (refused, in a TLS handshake), with its listener's kind. */
  private readonly connections = new Map<net.Socket, ListenerKind>();

  constructor(private readonly onSocket: (socket: net.Socket, kind: ListenerKind) => void) {}

  private accepted(accepted: net.Socket, kind: ListenerKind): void {
    // A TLS connection's bytes are decrypted by the TLS socket, which reads on its own.
    const socket = kind === 'tls' ? accepted : readingIntoSharedBuffer(accepted);
    this.connections.set(socket, kind);
    socket.once('close', () => this.connections.delete(socket));
    this.onSocket(socket, kind);
  }

  /**
   * Listens for kind on port at every bind address, then closes kind's
   * previous listeners (so a new port is bound before the old one goes).
   * Port 0 picks a free port, the same for every address. Throws, keeping
   * the old listeners, when the first address or one not marked optional
   * cannot be bound.
   */
  async bind(kind: ListenerKind, binds: string[], port: number, backlog: number): Promise<Bound> {
    const bound: net.Server[] = [];
    let host = '';
    for (const [i, bind] of binds.entries()) {
      const address = listenHost(bind);
      let server: net.Server;
      try {
        // ipv6Only: the IPv6 wildcard must not take the IPv4 port the "*" listener wants.
        server = await listenOn({ host: address, port, backlog, ipv6Only: address === '::' }, (socket) => this.accepted(socket, kind));
      } catch (e) {
        // Like Redis, later addresses may fail quietly when optional ('-' prefix, the IPv6 wildcard without IPv6).
        if (i > 0 || bind.startsWith('-')) continue;
        void closeAll(bound);
        throw new BindError(kind, port, bind, e);
      }
      if (port === 0) port = (server.address() as net.AddressInfo).port;
      if (bound.length === 0) host = address;
      bound.push(server);
    }
    // Not awaited: a closed listener reports closing only once the connections it accepted have ended.
    void closeAll(this.servers[kind]);
    this.servers[kind] = bound;
    return { port, host };
  }

  /**
   * Listens on a unix socket at file, removing first whatever a server that
   * did not shut down cleanly left there, as Redis does; perm (0: as the
   * umask leaves it) is the socket file's mode. Throws UnixSocketError.
   */
  async bindUnix(file: string, perm: number, backlog: number): Promise<void> {
    try {
      fs.unlinkSync(file);
    } catch {
      // Nothing there, or nothing that can go: binding tells.
    }
    try {
      this.servers.unix = [await listenOn({ path: file, backlog }, (socket) => this.accepted(socket, 'unix'))];
    } catch (e) {
      // libuv reports a missing directory as EACCES, where Redis's bind(2) says ENOENT.
      const missingDir = (e as NodeJS.ErrnoException).code === 'EACCES' && !fs.existsSync(path.dirname(file));
      throw new UnixSocketError(missingDir ? Object.assign(new Error(), { code: 'ENOENT' }) : e);
    }
    if (perm !== 0) fs.chmodSync(file, perm);
  }

  /** Ends every accepted connection at once, whatever it still has to send. */
  destroyConnections(): void {
    for (const socket of this.connections.keys()) socket.destroy();
  }

  /**
   * Stops listening for kinds (a unix socket's file goes with its listener);
   * resolves once the connections they accepted have ended too. Those are
   * awaited here, not only by net.Server.close: a plain connection's socket
   * is a replacement the server does not count (read-buffer.ts).
   */
  close(kinds: ListenerKind[] = ALL_KINDS): Promise<void> {
    const closing = kinds.flatMap((k) => this.servers[k]);
    for (const k of kinds) this.servers[k] = [];
    const open = [...this.connections].filter(([, k]) => kinds.includes(k)).map(([socket]) => socket);
    return Promise.all([closeAll(closing), ...open.map(whenClosed)]).then(() => undefined);
  }
}
