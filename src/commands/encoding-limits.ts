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
