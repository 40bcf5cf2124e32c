/**
 * Every configuration parameter in one table: name, type, default, whether
 * CONFIG SET may change it, and validation. The command line, the config
 * file, CONFIG GET/SET/REWRITE and INFO all read it.
 */

export type ParamType = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'percent';

export interface ParamSpec {
  name: string;
  type: ParamType;
  default: string;
  /** Settable by CONFIG SET (Redis's non-IMMUTABLE_CONFIG). */
  mutable: boolean;
  aliases?: string[];
  min?: number;
  max?: number;
  /** For enums: allowed lower-case values. */
  values?: string[];
  /** For enums whose value is a set of flags (e.g. "yes"/"no" combos); unused otherwise. */
  multi?: boolean;
  /** Custom check for string params; returns an error text or null. */
  validate?: (value: string) => string | null;
}

const GB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

function bool(name: string, def: 'yes' | 'no', mutable = true): ParamSpec {
  return { name, type: 'bool', default: def, mutable };
}
function int(name: string, def: number, min: number, max: number, mutable = true): ParamSpec {
  return { name, type: 'int', default: String(def), mutable, min, max };
}
function memory(name: string, def: number, min = 0, max = LONG_MAX, mutable = true): ParamSpec {
  return { name, type: 'memory', default: String(def), mutable, min, max };
}
function enumeration(name: string, def: string, values: string[], mutable = true): ParamSpec {
  return { name, type: 'enum', default: def, mutable, values };
}
function str(name: string, def: string, mutable = true): ParamSpec {
  return { name, type: 'string', default: def, mutable };
}

export const PARAMS: ParamSpec[] = [
  // network
  int('port', 6379, 0, 65535),
  str('bind', '127.0.0.1 -::1'),
  bool('protected-mode', 'yes'),
  int('tcp-backlog', 511, 0, 2147483647, false),
  int('timeout', 0, 0, 2147483647),
  int('tcp-keepalive', 300, 0, 2147483647),
  int('maxclients', 10000, 1, 2147483647),
  str('unixsocket', '', false),
  // general
  int('databases', 16, 1, 2147483647, false),
  enumeration('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  str('logfile', '', false),
  int('hz', 10, 0, 2147483647),
  str('dir', process.cwd()),
  str('dbfilename', 'dump.rdb'),
  str('save', '3600 1 300 100 60 10000'),
  bool('appendonly', 'no'),
  str('requirepass', ''),
  // limits
  memory('proto-max-bulk-len', 512 * MB, 1024 * 1024, LONG_MAX),
  memory('client-query-buffer-limit', GB, 1024 * 1024, LONG_MAX),
  // memory
  memory('maxmemory', 0),
  enumeration('maxmemory-policy', 'noeviction', [
    'volatile-lru',
    'volatile-lfu',
    'volatile-random',
    'volatile-ttl',
    'allkeys-lru',
    'allkeys-lfu',
    'allkeys-random',
    'noeviction',
  ]),
  int('maxmemory-samples', 5, 1, 64),
  int('maxmemory-eviction-tenacity', 10, 0, 100),
  int('lfu-log-factor', 10, 0, 2147483647),
  int('lfu-decay-time', 1, 0, 2147483647),
  // observability
  str('notify-keyspace-events', ''),
  int('slowlog-log-slower-than', 10000, -1, LONG_MAX),
  int('slowlog-max-len', 128, 0, LONG_MAX),
  int('latency-monitor-threshold', 0, 0, LONG_MAX),
];

const UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Parses "100mb", "1gb", "1024" the way redis.conf does; null when invalid. */
export function parseMemory(value: string): number | null {
  const m = /^(-?\d+)([a-zA-Z]*)$/.exec(value);
  if (!m) return null;
  const unit = UNITS[m[2].toLowerCase()];
  if (unit === undefined) return null;
  return Number(m[1]) * unit;
}

export class ConfigError extends Error {}

export type ConfigListener = (name: string, value: string) => void;

export class Config {
  private readonly specs = new Map<string, ParamSpec>();
  private readonly values = new Map<string, string>();
  private readonly listeners: ConfigListener[] = [];

  constructor(params: ParamSpec[] = PARAMS) {
    for (const p of params) {
      this.specs.set(p.name, p);
      for (const a of p.aliases ?? []) this.specs.set(a, p);
      this.values.set(p.name, p.default);
    }
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  /** Canonical parameter names. */
  names(): string[] {
    return [...this.values.keys()];
  }

  get(name: string): string {
    const spec = this.spec(name);
    if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
    return this.values.get(spec.name) as string;
  }

  getNumber(name: string): number {
    return Number(this.get(name));
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /** Validates and normalises a value; throws ConfigError with Redis's wording. */
  normalise(spec: ParamSpec, raw: string): string {
    const bad = (why: string) => new ConfigError(`argument couldn't be parsed into an integer${why}`);
    switch (spec.type) {
      case 'bool': {
        const v = raw.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
        return v;
      }
      case 'int':
      case 'memory':
      case 'percent': {
        const n = spec.type === 'memory' ? parseMemory(raw) : /^-?\d+$/.test(raw) ? Number(raw) : null;
        if (n === null) throw spec.type === 'memory' ? new ConfigError('argument must be a memory value') : bad('');
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
          throw new ConfigError(`argument must be between ${spec.min} and ${spec.max} inclusive`);
        }
        return String(n);
      }
      case 'enum': {
        const v = raw.toLowerCase();
        if (!spec.values?.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${spec.values?.join(', ')}`);
        return v;
      }
      case 'string': {
        const err = spec.validate?.(raw);
        if (err) throw new ConfigError(err);
        return raw;
      }
    }
  }

  /** Sets several parameters at once: all are validated before any changes (as CONFIG SET). */
  setMany(pairs: [string, string][], fromConfigSet: boolean): void {
    const staged: [ParamSpec, string][] = [];
    const seen = new Set<string>();
    for (const [name, raw] of pairs) {
      const spec = this.spec(name);
      if (!spec) throw new ConfigError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
      if (fromConfigSet && !spec.mutable) throw new ConfigError(`can't set immutable config '${name}'`);
      if (seen.has(spec.name)) throw new ConfigError(`duplicate parameter '${name}'`);
      seen.add(spec.name);
      try {
        staged.push([spec, this.normalise(spec, raw)]);
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(`Invalid argument '${raw}' for CONFIG SET '${name}' - ${e.message}`);
        throw e;
      }
    }
    for (const [spec, value] of staged) {
      this.values.set(spec.name, value);
      for (const l of this.listeners) l(spec.name, value);
    }
  }

  set(name: string, value: string): void {
    this.setMany([[name, value]], false);
  }

  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }
}
