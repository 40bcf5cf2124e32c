/**
 * What a key's tag (the Uint32 column of the keyspace Dict) records about its
 * accesses, for eviction and OBJECT IDLETIME/FREQ. As in Redis, the meaning
 * follows maxmemory-policy, and a policy switch reinterprets old tags:
 *
 * - LRU (every policy but the LFU ones): the LRU clock at the last access.
 *   Redis keeps seconds in 24 bits; Keyhive keeps milliseconds modulo 2^32,
 *   refreshed by the cron (so 1/hz resolution), because a fast writer can fill
 *   the memory limit several times a second and whole seconds would leave
 *   eviction blind to which of those keys came last. The clock wraps after
 *   49.7 days (Redis's after 194), after which old keys look younger.
 *
 * - LFU: Redis's word: in bits 8-23 the minute (modulo 2^16) the counter was
 *   last decayed, in bits 0-7 a logarithmic access counter. A new key starts
 *   at LFU_INIT_VAL so it is not evicted before it had a chance to be read;
 *   each access first decays the counter by one per lfu-decay-time minutes
 *   elapsed, then increments it with probability 1 / ((counter -
 *   LFU_INIT_VAL) * lfu-log-factor + 1).
 */

export const LFU_INIT_VAL = 5;
const LFU_COUNTER_MAX = 255;

/** lfu-log-factor and lfu-decay-time. */
export interface LfuSettings {
  logFactor: number;
  decayMinutes: number;
}

/** The LRU clock (ms modulo 2^32) at time nowMs. */
export function lruClockAt(nowMs: number): number {
  return nowMs >>> 0;
}

/** Milliseconds since the access recorded by an LRU tag. */
export function lruIdleMs(clock: number, tag: number): number {
  return (clock - tag) >>> 0;
}

/** LFU's clock: minutes modulo 2^16. */
export function lfuMinutesAt(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

export function lfuNewWord(minutes: number): number {
  return (minutes << 8) | LFU_INIT_VAL;
}

/** The counter of an LFU word, decayed for the minutes since it was last decayed (Redis's LFUDecrAndReturn). */
export function lfuCounter(word: number, settings: LfuSettings, minutes: number): number {
  const counter = word & 0xff;
  if (settings.decayMinutes === 0) return counter;
  const last = word >>> 8;
  const elapsed = minutes >= last ? minutes - last : 0xffff - last + minutes;
  return Math.max(0, counter - Math.floor(elapsed / settings.decayMinutes));
}

/** The word after one access: decayed, then incremented logarithmically. */
export function lfuTouched(word: number, settings: LfuSettings, minutes: number): number {
  let counter = lfuCounter(word, settings, minutes);
  if (counter < LFU_COUNTER_MAX) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    if (Math.random() < 1 / (base * settings.logFactor + 1)) counter++;
  }
  return (minutes << 8) | counter;
}
