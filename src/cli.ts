/**
 * Command line entry point, with redis-server's conventions:
 *   keyhive [/path/to/redis.conf] [--name value ...]
 * Options are config directives; a directive may take several values
 * (--bind 127.0.0.1 ::1). Bad options exit with code 1 before listening.
 */
import path from 'node:path';
import { Config, ConfigError } from './config.js';
import { applyDirectives, commandLineDirectives } from './config-file.js';
import { Server, KEYHIVE_VERSION, REDIS_VERSION } from './server/server.js';
import { genCertsMain } from './gen-certs.js';
import { OwnProcess } from './server/own-process.js';

const USAGE = `Usage: keyhive [/path/to/redis.conf] [options]
       keyhive -v or --version
       keyhive -h or --help
       keyhive gen-certs <dir>       (a local CA and certificates for TLS)

Examples:
       keyhive                       (in memory, 127.0.0.1:6379)
       keyhive --port 0              (pick a free port and print it)
       keyhive /etc/redis/6379.conf
       keyhive --port 7777 --bind 127.0.0.1 ::1 --databases 32
       keyhive --memcached-port 11211 (memcached's text protocol too, on the same keys)
`;

/** Runs what the command line asks for; onListening is told once the server listens. */
export async function main(argv: string[], onListening?: () => void): Promise<void> {
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`Keyhive server v=${KEYHIVE_VERSION} (Redis ${REDIS_VERSION} compatible) node=${process.version}\n`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  if (argv[0] === 'gen-certs') {
    process.exitCode = genCertsMain(argv.slice(1));
    return;
  }
  const config = new Config();
  let server: Server;
  try {
    const { directives, configFile, memcachedPort } = commandLineDirectives(argv);
    if (configFile !== null) config.configFile = path.resolve(configFile);
    applyDirectives(config, directives);
    // ACL users from `user` lines and the aclfile are checked as the server is built.
    server = new Server(config);
    server.memcachedPort = memcachedPort;
  } catch (e) {
    const message = e instanceof ConfigError || (e as NodeJS.ErrnoException).code ? (e as Error).message : String(e);
    process.stderr.write(`\n*** FATAL CONFIG ERROR (Keyhive ${KEYHIVE_VERSION}) ***\n${message}\n`);
    return exitWhenFlushed(1);
  }
  server.onShutdown = () => exitWhenFlushed(0);
  // Before listening: a signal that comes as soon as clients can connect must find its handler.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (server.shutdown.signal(signal)) exitWhenFlushed(1);
    });
  }
  server.ownProcess = new OwnProcess(server, process.argv[1] ?? 'keyhive');
  server.loadsSnapshotAtStart = true;
  try {
    await server.listen();
  } catch (e) {
    process.stderr.write(`Could not start: ${(e as Error).message}\n`);
    return exitWhenFlushed(1);
  }
  onListening?.();
}

/** Exits once what was written to stdout and stderr has gone out: into a pipe, writes may still be pending. */
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
