/**
 * The slow log, after Redis's slowlog.c: commands that ran for at least
 * slowlog-log-slower-than microseconds, newest first, at most slowlog-max-len
 * of them. Arguments are trimmed as Redis trims them (32 arguments, 128 bytes
 * each) so a huge command cannot make the log huge.
 */
import type { Clock } from '../store/clock.js';

const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** Unix time, seconds. */
  time: number;
  /** Microseconds. */
  duration: number;
  args: string[];
  /** The client's address (ip:port) and name when it ran. */
  peer: string;
  clientName: string;
}

/** The arguments as the slow log keeps them. */
function trimArguments(argv: readonly string[]): string[] {
  const argc = Math.min(argv.length, MAX_ARGC);
  const out: string[] = [];
  for (let j = 0; j < argc; j++) {
    if (argc !== argv.length && j === argc - 1) {
      out.push(`... (${argv.length - argc + 1} more arguments)`);
    } else {
      const arg = argv[j];
      out.push(arg.length > MAX_STRING ? `${arg.slice(0, MAX_STRING)}... (${arg.length - MAX_STRING} more bytes)` : arg);
    }
  }
  return out;
}

export class SlowLog {
  /** Oldest first from `start` on; the dead prefix is dropped once it is half the array, so pushes stay O(1). */
  private log: SlowlogEntry[] = [];
  private start = 0;
  private nextId = 0;
  /** slowlog-log-slower-than (µs; negative disables) and slowlog-max-len, kept current by the server. */
  slowerThan = 10000;
  maxLen = 128;

  get length(): number {
    return this.log.length - this.start;
  }

  /** Logs a command that took durationUs if it qualifies, then trims the log (slowlogPushEntryIfNeeded). */
  push(argv: readonly string[], durationUs: number, peer: string, clientName: string, clock: Clock): void {
    if (this.slowerThan < 0) return;
    if (durationUs >= this.slowerThan) {
      this.log.push({ id: this.nextId++, time: Math.floor(clock.now() / 1000), duration: durationUs, args: trimArguments(argv), peer, clientName });
    }
    if (this.length > this.maxLen) this.start = this.log.length - this.maxLen;
    if (this.start > 0 && this.start * 2 >= this.log.length) {
      this.log = this.log.slice(this.start);
      this.start = 0;
    }
  }

  /** Up to count entries, newest first. */
  newest(count: number): SlowlogEntry[] {
    const out: SlowlogEntry[] = [];
    for (let i = this.log.length - 1; i >= this.start && out.length < count; i--) out.push(this.log[i]);
    return out;
  }

  reset(): void {
    this.log = [];
    this.start = 0;
  }
}
