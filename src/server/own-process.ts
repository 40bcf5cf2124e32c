/**
 * What a server that is its own process (bin/keyhive) does to that process,
 * as redis-server does; a server embedded in another program leaves it be.
 *
 * - The title (set-proc-title): proc-title-template expanded (by default
 *   "/path/to/keyhive 127.0.0.1:6379"), so that ps and top tell servers apart.
 * - The OOM killer's score (oom-score-adj, Redis's setOOMScoreAdj): the
 *   first of oom-score-adj-values (the master's) written to
 *   /proc/self/oom_score_adj, added to the score the process had before
 *   with "relative" (or "yes"); back to that score with "no".
 */
import fs from 'node:fs';
import { expandProcTitle, strerror } from '../config.js';
import type { Server } from './server.js';

const OOM_SCORE_ADJ = '/proc/self/oom_score_adj';

export class OwnProcess {
  /** The OOM score before the server first changed it, or null while it has not. */
  private oomScoreBase: number | null = null;

  /** title: the program's name as launched, for {title}. */
  constructor(
    private readonly server: Server,
    private readonly title: string,
  ) {
    server.config.onChange((name) => {
      if (name === 'proc-title-template') this.applyTitle();
    });
  }

  applyTitle(): void {
    if (!this.server.config.getBool('set-proc-title')) return;
    const expanded = expandProcTitle(this.server.config.get('proc-title-template'), (name) => this.titleVariable(name));
    // A template is checked when set, so it always expands.
    if (expanded !== null) process.title = expanded;
  }

  /** Redis's proc title variables, for this server; null for an unknown one. */
  private titleVariable(name: string): string | null {
    const server = this.server;
    switch (name) {
      case 'title':
        return this.title;
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

  /** Applies oom-score-adj; false, having logged why as Redis does, when /proc could not be read or written. */
  applyOomScore(): boolean {
    const config = this.server.config;
    const mode = config.get('oom-score-adj');
    let score: number;
    if (mode !== 'no') {
      if (this.oomScoreBase === null) {
        try {
          this.oomScoreBase = parseInt(fs.readFileSync(OOM_SCORE_ADJ, 'latin1'), 10);
        } catch (e) {
          this.server.log('warning', `Unable to read oom_score_adj: ${strerror(e)}`);
          return false;
        }
      }
      const masterValue = Number(config.get('oom-score-adj-values').split(' ')[0]);
      score = Math.max(-1000, Math.min(1000, mode === 'absolute' ? masterValue : masterValue + this.oomScoreBase));
    } else if (this.oomScoreBase !== null) {
      score = this.oomScoreBase;
      this.oomScoreBase = null;
    } else return true;
    try {
      fs.writeFileSync(OOM_SCORE_ADJ, `${score}\n`);
      return true;
    } catch (e) {
      this.server.log('warning', `Unable to write oom_score_adj: ${strerror(e)}`);
      return false;
    }
  }
}
