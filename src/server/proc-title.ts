/**
 * The process title, as Redis sets it with set-proc-title: proc-title-template
 * expanded (by default "/path/to/keyhive 127.0.0.1:6379"), so that ps and top
 * tell servers apart. Only for a server that is its own process, never for
 * one embedded in another program.
 */
import { expandProcTitle } from '../config.js';
import type { Server } from './server.js';

/** Redis's proc title variables, for this server; null for an unknown one. */
function variable(server: Server, title: string, name: string): string | null {
  switch (name) {
    case 'title':
      return title;
    case 'listen-addr': {
      const port = server.port || server.tlsPort;
      return port !== 0 ? `${server.bindAddresses()[0] ?? '*'}:${port}` : `unixsocket:${server.unixSocket ?? ''}`;
    }
    case 'server-mode':
      return server.config.getBool('cluster-enabled') ? '[cluster]' : '';
    case 'config-file':
      return server.config.configFile ?? '-';
    case 'port':
      return String(server.port);
    case 'tls-port':
      return String(server.tlsPort);
    case 'unixsocket':
      return server.unixSocket ?? '';
    default:
      return null;
  }
}

/** Titles the process now and whenever proc-title-template changes; title is the program's name as launched. */
export function titleProcess(server: Server, title: string): void {
  const apply = () => {
    if (!server.config.getBool('set-proc-title')) return;
    const expanded = expandProcTitle(server.config.get('proc-title-template'), (name) => variable(server, title, name));
    // A template is checked when set, so it always expands.
    if (expanded !== null) process.title = expanded;
  };
  apply();
  server.config.onChange((name) => {
    if (name === 'proc-title-template') apply();
  });
}
