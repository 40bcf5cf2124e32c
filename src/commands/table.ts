/**
 * The command table. Each family file exports a list of CommandSpec entries,
 * one per command, beside their handlers. Dispatch (arity, flags, MULTI
 * rules, OOM), COMMAND/COMMAND INFO/DOCS, ACL categories and cluster key
 * checks all read this one table.
 */
import type { Client } from '../server/client.js';
import type { LatencyHistogram } from '../server/latency.js';
import { toInt64 } from '../store/int64.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  /** DEBUG and MODULE: refused unless enable-debug-command / enable-module-command allow them (not shown by COMMAND). */
  | 'protected';

/** Redis's legacy key range: first key index, last key index (-1 = last arg, -2 = one before...), step. */
export interface KeyRange {
  first: number;
  last: number;
  step: number;
}

export type Handler = (c: Client, argv: string[]) => void;

/** What a command does with a key, as COMMAND INFO's key specs and COMMAND GETKEYSANDFLAGS report it. */
export type KeySpecFlag = 'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete' | 'not_key' | 'incomplete' | 'variable_flags';

/**
 * Redis 7's key spec: where the key search begins (an argument index, or the
 * argument after a keyword searched from startfrom, negative = from the end)
 * and which arguments from there are keys (a range, or a count read from an
 * argument). 'unknown' when only the command's getKeys can tell.
 */
export interface KeySpec {
  notes?: string;
  flags: KeySpecFlag[];
  begin: { index: number } | { keyword: string; startfrom: number } | 'unknown';
  find: { lastkey: number; keystep: number; limit: number } | { keynumidx: number; firstkey: number; keystep: number } | 'unknown';
}

/** Command groups as COMMAND DOCS names them. */
export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'sorted-set'
  | 'hash'
  | 'pubsub'
  | 'transactions'
  | 'connection'
  | 'server'
  | 'scripting'
  | 'hyperloglog'
  | 'cluster'
  | 'geo'
  | 'stream'
  | 'bitmap';

export interface CommandSpec {
  /** Lower-case name; for a subcommand, the subcommand name alone ("get" for CONFIG GET). */
  name: string;
  /** Redis arity: n = exactly n args including the name, -n = at least n. */
  arity: number;
  flags: CommandFlag[];
  /** Key positions; omit for keyless commands. */
  keys?: KeyRange;
  /** Key positions for commands whose keys move (numkeys arguments...). Indexes into argv. */
  getKeys?: (argv: string[]) => number[];
  /**
   * For keys that getKeys finds and the key specs cannot (their begin or
   * find is unknown): the flags of the key at pos, as Redis's getkeys proc
   * sets them (SORT's STORE key is written). Without it every such key has
   * the first spec's flags.
   */
  getKeyFlags?: (argv: readonly string[], pos: number) => KeySpecFlag[];
  /** ACL categories beyond those derived from flags, e.g. ['@string']. */
  acl?: string[];
  group: CommandGroup;
  summary: string;
  since: string;
  complexity?: string;
  /**
   * Key specs for COMMAND INFO and GETKEYSANDFLAGS. Without them one spec is
   * derived from `keys`, flagged RO access (readonly) or RW update (write).
   */
  keySpecs?: KeySpec[];
  /**
   * For key specs flagged variable_flags: the flags they have for this command
   * line (SET is RW access update with GET, else OW update). Without it the
   * declared flags are reported, less variable_flags.
   */
  variableKeyFlags?: (argv: readonly string[]) => KeySpecFlag[];
  /** Command tips, lower case as COMMAND INFO shows them: 'nondeterministic_output', 'request_policy:all_shards'... */
  tips?: string[];
  /** COMMAND DOCS history: [since, what changed]. */
  history?: [string, string][];
  docFlags?: ('deprecated' | 'syscmd')[];
  deprecatedSince?: string;
  replacedBy?: string;
  run?: Handler;
  subcommands?: CommandSpec[];
  /**
   * Constant time here though Redis does not flag it fast: Redis leaves
   * SET, SETEX and PSETEX out of @fast because overwriting a key frees the
   * old value at once, however large, and Keyhive leaves that to the GC.
   * Such a command is timed in runs as fast ones are (see call() in
   * dispatch.ts); COMMAND and the ACL categories show Redis's flags.
   */
  constantTime?: boolean;
}

/** A table entry with everything dispatch needs precomputed. */
export interface Command {
  readonly spec: CommandSpec;
  /** "get", or "config|get" for a subcommand: the name in error messages and COMMAND. */
  readonly fullName: string;
  readonly parent: Command | null;
  readonly arity: number;
  readonly run: Handler;
  readonly isWrite: boolean;
  readonly denyOom: boolean;
  readonly noAuth: boolean;
  readonly noScript: boolean;
  readonly noMulti: boolean;
  readonly isAdmin: boolean;
  readonly isBlocking: boolean;
  readonly isFast: boolean;
  /** Fast (or constantTime) and never blocking: timed together with the run of such commands it belongs to (see call() in dispatch.ts). */
  readonly timedInRuns: boolean;
  readonly isProtected: boolean;
  readonly skipMonitor: boolean;
  readonly skipSlowlog: boolean;
  readonly aclCategories: string[];
  readonly subcommands: Map<string, Command> | null;
  /** Statistics for INFO commandstats. */
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Latency distribution for INFO latencystats and LATENCY HISTOGRAM; null until first run. */
  latency: LatencyHistogram | null;
}

function deriveAclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>();
  const has = (f: CommandFlag) => spec.flags.includes(f);
  if (has('write')) cats.add('@write');
  if (has('readonly') && !spec.acl?.includes('@scripting')) cats.add('@read');
  if (has('admin')) {
    cats.add('@admin');
    cats.add('@dangerous');
  }
  if (has('pubsub')) cats.add('@pubsub');
  cats.add(has('fast') ? '@fast' : '@slow');
  if (has('blocking')) cats.add('@blocking');
  for (const c of spec.acl ?? []) cats.add(c);
  return [...cats];
}

function noHandler(): never {
  throw new Error('container command without handler');
}

function buildCommand(spec: CommandSpec, parent: Command | null): Command {
  const has = (f: CommandFlag) => spec.flags.includes(f);
  const cmd: Command = {
    spec,
    fullName: parent ? `${parent.fullName}|${spec.name}` : spec.name,
    parent,
    arity: spec.arity,
    run: spec.run ?? noHandler,
    isWrite: has('write'),
    denyOom: has('denyoom'),
    noAuth: has('no_auth'),
    noScript: has('noscript'),
    noMulti: has('no_multi'),
    isAdmin: has('admin'),
    isBlocking: has('blocking'),
    isFast: has('fast'),
    timedInRuns: (has('fast') || spec.constantTime === true) && !has('blocking'),
    isProtected: has('protected'),
    skipMonitor: has('skip_monitor'),
    skipSlowlog: has('skip_slowlog'),
    aclCategories: deriveAclCategories(spec),
    subcommands: null,
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
    latency: null,
  };
  if (spec.subcommands) {
    const subs = new Map<string, Command>();
    for (const sub of spec.subcommands) subs.set(sub.name, buildCommand(sub, cmd));
    (cmd as { subcommands: Map<string, Command> | null }).subcommands = subs;
  }
  return cmd;
}

export class CommandTable {
  /** Lower-case and upper-case names both map here, so clients' usual spellings need no case folding. */
  private readonly byName = new Map<string, Command>();
  readonly commands: Command[] = [];

  constructor(specs: CommandSpec[]) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      const cmd = buildCommand(spec, null);
      this.commands.push(cmd);
      this.byName.set(spec.name, cmd);
      this.byName.set(spec.name.toUpperCase(), cmd);
    }
  }

  /**
   * rename-command: the command answers to `to` instead of `from`, or to no
   * name at all when `to` is empty. Its own name (errors, COMMAND) stays.
   */
  rename(from: string, to: string): void {
    const cmd = this.get(from);
    if (!cmd) throw new RangeError('No such command in rename-command');
    if (to !== '' && this.get(to)) throw new RangeError('Target command name already exists');
    this.lastName = '';
    for (const [name, entry] of [...this.byName]) if (entry === cmd) this.byName.delete(name);
    if (to === '') this.commands.splice(this.commands.indexOf(cmd), 1);
    else {
      this.byName.set(to.toLowerCase(), cmd);
      this.byName.set(to.toUpperCase(), cmd);
    }
  }

  /** The last lookup: pipelines repeat a name, and the decoder hands out the same string for it, so === settles it. */
  private lastName = '';
  private lastFound: Command | undefined;

  /** Finds a top-level command by name, any case. */
  get(name: string): Command | undefined {
    if (name === this.lastName) return this.lastFound;
    this.lastFound = this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    this.lastName = name;
    return this.lastFound;
  }

  /** Finds "config|get" style names too. */
  getByFullName(fullName: string): Command | undefined {
    const [top, sub] = fullName.toLowerCase().split('|', 2);
    const cmd = this.byName.get(top);
    if (!cmd || sub === undefined) return cmd;
    return cmd.subcommands?.get(sub);
  }

  /** Every command and subcommand. */
  *all(): IterableIterator<Command> {
    for (const cmd of this.commands) {
      yield cmd;
      if (cmd.subcommands) yield* cmd.subcommands.values();
    }
  }
}

/** Positions of the key arguments of argv for cmd (empty for keyless commands). */
export function keyPositions(cmd: Command, argv: string[]): number[] {
  const spec = cmd.spec;
  if (spec.getKeys) return spec.getKeys(argv);
  const range = spec.keys;
  if (!range || range.first === 0) return [];
  const last = range.last < 0 ? argv.length + range.last : range.last;
  const out: number[] = [];
  for (let i = range.first; i <= last && i < argv.length; i += range.step) out.push(i);
  return out;
}

/** The key spec of the key at argv[index], or of the keys from there through lastkey (-1: the last argument, -2: the one before...). */
export function keyAt(index: number, flags: KeySpecFlag[], lastkey = 0, notes?: string): KeySpec {
  const spec: KeySpec = { flags, begin: { index }, find: { lastkey, keystep: 1, limit: 0 } };
  if (notes !== undefined) spec.notes = notes;
  return spec;
}

/** The key spec of "numkeys key [key ...]" with numkeys at argv[index]. */
export function countedKeys(index: number, flags: KeySpecFlag[]): KeySpec {
  return { flags, begin: { index }, find: { keynumidx: 0, firstkey: 1, keystep: 1 } };
}

/**
 * getKeys for "numkeys key [key ...]" with numkeys at argv[at] (LMPOP,
 * SINTERCARD, ZUNION...): the fixed positions, then the counted keys, which
 * are left out when numkeys is invalid.
 */
export function countedKeyPositions(at: number, fixed: number[] = []): (argv: string[]) => number[] {
  return (argv) => {
    const positions = [...fixed];
    const numkeys = toInt64(argv[at] ?? '');
    if (numkeys === null || numkeys < 1 || numkeys > argv.length - at - 1) return positions;
    for (let i = 1; i <= numkeys; i++) positions.push(at + i);
    return positions;
  };
}

/**
 * The entry builder of a family whose commands mostly take one key, argv[1]
 * (hashes, sets, sorted sets): the family's group and ACL category filled in;
 * extra adds to or overrides the rest (keys, getKeys, tips, history...).
 */
export function familyEntry(group: CommandGroup, aclCategory: string) {
  return (
    name: string,
    arity: number,
    flags: CommandFlag[],
    keySpecs: KeySpec[],
    summary: string,
    since: string,
    complexity: string,
    run: Handler,
    extra: Partial<CommandSpec> = {},
  ): CommandSpec => ({ name, arity, flags, keys: { first: 1, last: 1, step: 1 }, keySpecs, acl: [aclCategory], group, summary, since, complexity, run, ...extra });
}
