/**
 * Shutting down as Redis 7.0 does (prepareForShutdown, finishShutdown and
 * the signal handler in server.c), for a server with no replicas to wait
 * for and no AOF: SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] and SIGTERM/SIGINT
 * (with shutdown-on-sigterm / shutdown-on-sigint flags) close the listeners
 * and every connection, log Redis's lines and exit with code 0.
 *
 * The final RDB save is made when SAVE asks for it or `save` points are
 * set (and NOSAVE does not forbid it); a save that fails stops the
 * shutdown (the server keeps running), unless FORCE says to exit anyway.
 *
 * A signal only schedules the shutdown; the next cron run carries it out,
 * so SHUTDOWN ABORT can still cancel it. A second SIGINT exits at once.
 */
import type { Server } from './server.js';
import { hasSavePoints, saveSnapshot } from '../commands/snapshot.js';

export interface ShutdownFlags {
  save: boolean;
  nosave: boolean;
  now: boolean;
  force: boolean;
}

const NO_FLAGS: ShutdownFlags = { save: false, nosave: false, now: false, force: false };

/** shutdown-on-sigint / shutdown-on-sigterm ("default", or words among save nosave now force) as flags. */
function configuredFlags(value: string): ShutdownFlags {
  const words = value.split(' ');
  return { save: words.includes('save'), nosave: words.includes('nosave'), now: words.includes('now'), force: words.includes('force') };
}

export class Shutdown {
  /** The signal that asked for a shutdown not yet started (Redis's shutdown_asap). */
  private requestedBy: NodeJS.Signals | null = null;
  private closing = false;

  constructor(private readonly server: Server) {}

  /** Whether a shutdown is closing the server. */
  get inProgress(): boolean {
    return this.closing;
  }

  /**
   * What the signal handler does: note the request for the cron to carry
   * out. Returns true for a second SIGINT before that: the user wants out at
   * once, and the caller exits with code 1 as Redis does.
   */
  signal(signal: NodeJS.Signals): boolean {
    if ((this.requestedBy !== null || this.closing) && signal === 'SIGINT') {
      this.server.log('warning', 'You insist... exiting now.');
      return true;
    }
    this.server.log('warning', `Received ${signal} scheduling shutdown...`);
    this.requestedBy = signal;
    return false;
  }

  /** From the cron: starts a shutdown a signal asked for. */
  cron(): void {
    const signal = this.requestedBy;
    if (signal === null) return;
    this.requestedBy = null;
    const setting = this.server.config.get(signal === 'SIGINT' ? 'shutdown-on-sigint' : 'shutdown-on-sigterm');
    void this.run(configuredFlags(setting));
  }

  /** SHUTDOWN ABORT: cancels a shutdown a signal asked for; false when none is pending. */
  abort(): boolean {
    if (this.requestedBy === null) return false;
    this.requestedBy = null;
    this.server.log('notice', 'Shutdown manually aborted.');
    return true;
  }

  /** Shuts the server down; resolves false, having logged why, when it must keep running instead. */
  async run(flags: ShutdownFlags = NO_FLAGS): Promise<boolean> {
    const server = this.server;
    server.log('warning', 'User requested shutdown...');
    if (!this.finalSave(flags)) {
      server.log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
      return false;
    }
    this.closing = true;
    await server.close('Keyhive is now ready to exit, bye bye...');
    server.onShutdown?.();
    return true;
  }

  /** Redis's final RDB save, when SAVE asks for it or save points are set; returns whether the shutdown may go on. */
  private finalSave(flags: ShutdownFlags): boolean {
    const server = this.server;
    if (!flags.save && (flags.nosave || !hasSavePoints(server))) return true;
    server.log('notice', 'Saving the final RDB snapshot before exiting.');
    if (saveSnapshot(server)) return true;
    if (flags.force) {
      server.log('warning', 'Error trying to save the DB. Exit anyway.');
      return true;
    }
    server.log('warning', "Error trying to save the DB, can't exit.");
    return false;
  }
}
