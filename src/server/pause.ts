/**
 * CLIENT PAUSE, after Redis's pauseClients (networking.c). While a pause
 * lasts, a command it covers (every command, or in WRITE mode those that may
 * write or replicate) is postponed: its client stops reading input until the
 * pause ends, then runs the postponed command and the input that waited, in
 * the order the clients arrived. The dataset stays constant meanwhile:
 * expired keys read as missing but are not deleted (Keyspace.frozen), and
 * active expiry and eviction skip their work.
 */
import type { Command } from '../commands/table.js';
import type { Clock } from '../store/clock.js';
import type { Keyspace } from '../store/keyspace.js';
import type { Client } from './client.js';

export type PauseMode = 'write' | 'all';

/** Whether a command counts as a write for CLIENT PAUSE WRITE (Redis's is_may_replicate_command). */
function mayReplicate(cmd: Command): boolean {
  return cmd.isWrite || cmd.spec.flags.includes('may_replicate');
}

export class ClientPause {
  mode: PauseMode | null = null;
  /** Unix ms after which the pause ends. */
  private endsAt = 0;
  /** Clients with a postponed command, in arrival order. */
  readonly waiting = new Set<Client>();

  constructor(
    private readonly keyspace: Keyspace,
    private readonly clock: Clock,
  ) {}

  /** Starts or extends the pause; as in Redis, the stricter mode and the later end win. */
  pause(mode: PauseMode, endsAt: number): void {
    this.mode = this.mode === 'all' || mode === 'all' ? 'all' : 'write';
    this.endsAt = Math.max(this.endsAt, endsAt);
    this.keyspace.frozen = true;
  }

  /** Ends the pause and lets the postponed clients go on. */
  unpause(): void {
    if (this.mode === null) return;
    this.mode = null;
    this.endsAt = 0;
    this.keyspace.frozen = false;
    if (this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    // As in Redis, they go on once the current command is done (never inside an EXEC that unpaused).
    // A resumed command may pause again (CLIENT PAUSE itself): the clients after it are then postponed anew.
    queueMicrotask(() => {
      for (const client of waiting) client.resume();
    });
  }

  /** Ends the pause once its time is up; called from the server cron, as Redis's serverCron does. */
  expire(): void {
    if (this.mode !== null && this.clock.now() > this.endsAt) this.unpause();
  }

  /** Whether the pause holds this command back. */
  holds(c: Client, cmd: Command): boolean {
    if (this.mode === null) return false;
    if (this.mode === 'all' || mayReplicate(cmd)) return true;
    // EXEC counts as a write when it would run one.
    return cmd.fullName === 'exec' && c.multi !== null && c.multi.queue.some((queued) => mayReplicate(queued.cmd));
  }

  postpone(c: Client, argv: string[]): void {
    c.postponed = argv;
    c.decoder.paused = true;
    this.waiting.add(c);
  }

  /** Drops a closed client. */
  forget(c: Client): void {
    this.waiting.delete(c);
  }
}
