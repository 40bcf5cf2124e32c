/**
 * MONITOR, after Redis's replicationFeedMonitors: every executed command,
 * but administrative and skip_monitor ones, is shown to monitoring clients as
 *   +1700000000.123456 [0 127.0.0.1:1234] "set" "k" "v"
 * with each argument quoted and escaped the way sdscatrepr does.
 */
import type { Client } from './client.js';
import { quoteRepr } from '../config.js';

/** Replaces an argument in the argv that SLOWLOG and MONITOR will see (passwords...), as redactClientCommandArgument. */
export function redactArgument(argv: string[], index: number): void {
  if (index < argv.length) argv[index] = '(redacted)';
}

export class Monitors {
  private readonly clients = new Set<Client>();

  get size(): number {
    return this.clients.size;
  }

  has(c: Client): boolean {
    return this.clients.has(c);
  }

  add(c: Client): void {
    if (this.clients.has(c)) return;
    this.clients.add(c);
    c.onClose.push(() => this.clients.delete(c));
  }

  /** Stops monitoring (RESET); returns whether c was a monitor. */
  remove(c: Client): boolean {
    return this.clients.delete(c);
  }

  /** Shows one executed command to every monitor. */
  feed(source: Client, argv: readonly string[], nowMicros: number): void {
    const seconds = Math.floor(nowMicros / 1e6);
    const micros = String(nowMicros % 1e6).padStart(6, '0');
    let line = `${seconds}.${micros} [${source.db.index} ${source.addr}]`;
    for (const arg of argv) line += ` ${quoteRepr(arg)}`;
    for (const monitor of this.clients) monitor.reply.simple(line);
  }
}
