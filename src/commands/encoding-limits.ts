/**
 * The size thresholds at which hashes, sets and sorted sets change encoding, read from the
 * config once and refreshed whenever a parameter changes, so write commands
 * do not look them up by name on every call.
 */
import type { Config } from '../config.js';
import type { HashLimits } from '../store/hash.js';
import type { ZSetLimits } from '../store/zset.js';

export interface EncodingLimits extends HashLimits, ZSetLimits {
  /** set-max-intset-entries */
  maxIntsetEntries: number;
}

function readAll(config: Config): EncodingLimits {
  return {
    maxListpackEntries: config.getNumber('hash-max-listpack-entries'),
    maxListpackValue: config.getNumber('hash-max-listpack-value'),
    maxIntsetEntries: config.getNumber('set-max-intset-entries'),
    zsetMaxListpackEntries: config.getNumber('zset-max-listpack-entries'),
    zsetMaxListpackValue: config.getNumber('zset-max-listpack-value'),
  };
}

const cache = new WeakMap<Config, EncodingLimits>();
/** The last config asked about, and its limits: a WeakMap lookup costs a hash lookup on every write, and a process nearly always has one server. */
let lastConfig: Config | null = null;
let lastLimits: EncodingLimits | null = null;

export function encodingLimits(config: Config): EncodingLimits {
  if (config === lastConfig) return lastLimits as EncodingLimits;
  let limits = cache.get(config);
  if (limits === undefined) {
    const fresh = readAll(config);
    config.onChange(() => Object.assign(fresh, readAll(config)));
    cache.set(config, fresh);
    limits = fresh;
  }
  lastConfig = config;
  lastLimits = limits;
  return limits;
}
