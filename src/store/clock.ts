/**
 * The one clock that expiry, idle times, LRU and TIME read. Tests (ours and
 * embedders') can shift it with advance() instead of sleeping.
 */
export class Clock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the server sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Microseconds since the epoch. */
  nowMicros(): number {
    return Math.floor((performance.timeOrigin + performance.now()) * 1000) + this.offsetMs * 1000;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
