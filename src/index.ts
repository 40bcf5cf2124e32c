/**
 * The embeddable API: `const srv = await startServer({ port: 0 })` runs a
 * Keyhive server inside the calling process (for test suites), listening on
 * a free port when port is 0.
 */
import { Config } from './config.js';
import { Server } from './server/server.js';

export { Server } from './server/server.js';
export { Config, ConfigError } from './config.js';

export interface StartOptions {
  /** TCP port; 0 picks a free one (but beside a tls-port, 0 means no plain TCP listener, as in Redis). Default 6379. */
  port?: number;
  /** Addresses to listen on. Default 127.0.0.1. */
  bind?: string | string[];
  /** Any other redis.conf parameter, e.g. { databases: 4, maxmemory: '100mb' }. */
  config?: Record<string, string | number | boolean>;
  /** Log level; 'nothing' silences the server. Default 'warning' when embedded. */
  loglevel?: 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
  /** Also serve memcached's text protocol on this port (0: a free one), over the same keys. Default: no memcached port. */
  memcachedPort?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** The memcached port listened on, or null without one. */
  readonly memcachedPort: number | null;
  close(): Promise<void>;
}

function configValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** Builds a Config from embedding options; throws ConfigError on bad values. */
export function configFromOptions(options: StartOptions): Config {
  const config = new Config();
  const pairs: [string, string][] = [['loglevel', options.loglevel ?? 'warning']];
  if (options.port !== undefined) pairs.push(['port', String(options.port)]);
  if (options.bind !== undefined) pairs.push(['bind', Array.isArray(options.bind) ? options.bind.join(' ') : options.bind]);
  for (const [k, v] of Object.entries(options.config ?? {})) pairs.push([k, configValue(v)]);
  config.setMany(pairs, false);
  return config;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const server = new Server(configFromOptions(options));
  server.memcachedPort = options.memcachedPort ?? null;
  await server.listen();
  return {
    port: server.port,
    host: server.host,
    memcachedPort: server.memcached?.port ?? null,
    server,
    close: () => server.close(),
  };
}
