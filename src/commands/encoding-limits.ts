/**
 * The size thresholds at which hashes and sets change encoding, read from the
 * config once and refreshed whenever a parameter changes, so write commands
 * do not look them up by name on every call.
 */
import type { Config } from '../config.js';
import type { HashLimits } from '../store/hash.js';

export interface EncodingLimits extends HashLimits {
  /** set-max-intset-entries */
  maxIntsetEntries: number;
}

/** Redis's defaults, used for any parameter the config table does not (yet) know. */
const REDIS_DEFAULTS: Record<string, number> = {
  'hash-max-listpack-entries': 128,
  'hash-max-listpack-value': 64,
  'set-max-intset-entries': 512,
};

function read(config: Config, name: string): number {
  return config.spec(name) ? config.getNumber(name) : REDIS_DEFAULTS[name];
}

function readAll(config: Config): EncodingLimits {
  return {
    maxListpackEntries: read(config, 'hash-max-listpack-entries'),
    maxListpackValue: read(config, 'hash-max-listpack-value'),
    maxIntsetEntries: read(config, 'set-max-intset-entries'),
  };
}

const cache = new WeakMap<Config, EncodingLimits>();

export function encodingLimits(config: Config): EncodingLimits {
  let limits = cache.get(config);
  if (limits === undefined) {
    const fresh = readAll(config);
    config.onChange(() => Object.assign(fresh, readAll(config)));
    cache.set(config, fresh);
    limits = fresh;
  }
  return limits;
}
