/**
 * The ACL log (ACL LOG), after Redis 7.0: denied commands, keys, channels and
 * failed logins, newest first. A repeat of a recent entry (same reason,
 * context, object and user within a minute, among the last ten) bumps that
 * entry's count instead of adding one.
 */

export type DenialReason = 'command' | 'key' | 'channel' | 'auth';
/** Where the denied command ran: at top level or inside MULTI/EXEC (Redis also has lua and module). */
export type LogContext = 'toplevel' | 'multi';

export interface LogEntry {
  count: number;
  reason: DenialReason;
  context: LogContext;
  /** The command's full name, the key or channel, or for a login the command typed (AUTH, HELLO). */
  object: string;
  username: string;
  /** Unix ms of the latest occurrence. */
  time: number;
  /** The client's CLIENT LIST line at the latest occurrence. */
  clientInfo: string;
}

const GROUPING_MAX_MS = 60000;
/** How many recent entries a new one is compared with. */
const GROUPING_SCAN = 10;

export class AclLog {
  /** Newest first. */
  private entries: LogEntry[] = [];

  add(event: Omit<LogEntry, 'count' | 'time'>, now: number, maxLen: number): void {
    const scanned = Math.min(GROUPING_SCAN, this.entries.length);
    for (let i = 0; i < scanned; i++) {
      const e = this.entries[i];
      if (e.reason !== event.reason || e.context !== event.context || Math.abs(e.time - now) > GROUPING_MAX_MS) continue;
      if (e.object !== event.object || e.username !== event.username) continue;
      e.count++;
      e.time = now;
      e.clientInfo = event.clientInfo;
      this.entries.splice(i, 1);
      this.entries.unshift(e);
      return;
    }
    this.entries.unshift({ ...event, count: 1, time: now });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** The newest entries, at most count. */
  latest(count: number): LogEntry[] {
    return this.entries.slice(0, count);
  }

  reset(): void {
    this.entries = [];
  }
}
