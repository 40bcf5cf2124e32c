/**
 * Random commands for the fuzzers, drawn from Keyhive's own command table
 * (src/commands/index.ts allCommands: names, arities, subcommands, flags),
 * with argument values from a small key pool, integers and floats (edge
 * values included), binary strings, and the keywords each command takes as
 * redis-server's COMMAND DOCS lists them (read from the reference at run
 * time). Blocking commands get tiny timeouts so no fuzzer waits for long.
 *
 * Some commands are never sent (EXCLUDED, with why) and some only by
 * fuzzers that own their server (SHARED_SERVER_ONLY): a fuzzer sharing a
 * server with a sanity client must not flush its keys.
 */
import { allCommands } from '../../src/commands/index.js';
import type { CommandSpec } from '../../src/commands/table.js';
import { RawClient } from '../support/raw-client.js';
import { Generator } from '../support/random.js';
import type { RespValue } from '../support/resp.js';

export class Random extends Generator {
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }

  bytes(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(256));
    return s;
  }
}

/** Command (or container|subcommand) names no fuzzer sends, and why. */
export const EXCLUDED = new Map<string, string>([
  ['shutdown', 'stops the server'],
  ['pfselftest', 'a self-test that holds the server for seconds (Redis: a third of one)'],
  ['debug', 'sleeps, reloads, changes server internals'],
  ['monitor', 'turns the connection into a feed of everyone\'s commands'],
  ['quit', 'ends the connection'],
  ['config|set', 'could move the port, set a password or lower the limits the fuzzers run under'],
  ['client|kill', 'ends other connections'],
  ['client|pause', 'stalls every client'],
  ['client|reply', 'changes how many replies follow'],
  ['client|tracking', 'sends invalidation pushes between replies'],
  ['acl|setuser', 'could lock the fuzzers out'],
  ['acl|deluser', 'could lock the fuzzers out'],
  ['acl|load', 'reloads users from a file'],
  ['acl|save', 'writes a file'],
  ['save', 'writes dump.rdb into the server\'s dir, the repository for a spawned server'],
  ['bgsave', 'as save'],
  ['subscribe', 'one reply per channel, then messages: the Pub/Sub sessions exercise it'],
  ['psubscribe', 'as subscribe'],
  ['ssubscribe', 'as subscribe'],
  ['unsubscribe', 'one reply per channel'],
  ['punsubscribe', 'as unsubscribe'],
  ['sunsubscribe', 'as unsubscribe'],
]);

/** Sent only where the fuzzer owns the server: they wipe or swap every key, the sanity client's too. */
const SHARED_SERVER_ONLY = new Set(['flushall', 'flushdb', 'swapdb']);

/** Where a blocking command takes its timeout: the last argument, or the first. */
const TIMEOUT_FIRST = new Set(['blmpop', 'bzmpop']);
const TINY_TIMEOUTS = ['0.01', '0.02', '0.05', '-1', 'soon'];

export const NUMBERS = [
  '0', '1', '-1', '2', '3', '10', '100', '-100', '1.5', '-0.5', '0.0001', '1e3', '-1e-3', 'inf', '-inf', '+inf', 'nan', '+1', '01',
  ' 1', '', 'abc', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '99999999999999999999', '4294967296',
  '1.7976931348623157e308', '5e-324',
];

const WORDS = [
  'NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'EX', 'PX', 'KEEPTTL', 'GET', 'WITHSCORES', 'LIMIT', 'COUNT', 'MATCH', 'TYPE', 'BYSCORE',
  'BYLEX', 'REV', 'LEFT', 'RIGHT', 'STORE', 'string', 'list', 'hash', 'set', 'zset', '*', '#', '-', '+', '[a', '(1', 'f1', 'm1',
];

interface Entry {
  fullName: string;
  arity: number;
  blocking: boolean;
}

/** Every command and subcommand a fuzzer may send, with the arguments before its own (the container name). */
function sendable(shared: boolean): { prefix: string[]; entry: Entry }[] {
  const out: { prefix: string[]; entry: Entry }[] = [];
  const allowed = (fullName: string) => !EXCLUDED.has(fullName) && !(shared && SHARED_SERVER_ONLY.has(fullName));
  const add = (spec: CommandSpec, prefix: string[], fullName: string) => {
    if (allowed(fullName)) out.push({ prefix, entry: { fullName, arity: spec.arity, blocking: spec.flags.includes('blocking') } });
  };
  for (const spec of allCommands) {
    if (!allowed(spec.name)) continue;
    if (!spec.subcommands) add(spec, [spec.name], spec.name);
    else for (const sub of spec.subcommands) add(sub, [spec.name, sub.name], `${spec.name}|${sub.name}`);
  }
  return out;
}

/** A COMMAND DOCS map (RESP2: a flat key/value array) as an object. */
function docMap(v: RespValue): Record<string, RespValue> {
  const out: Record<string, RespValue> = {};
  if (v instanceof Map) for (const [k, x] of v) out[String(k)] = x;
  else if (Array.isArray(v)) for (let i = 0; i + 1 < v.length; i += 2) out[String(v[i])] = v[i + 1];
  return out;
}

/** The tokens (NX, WITHSCORES, LIMIT...) anywhere in a command's argument tree. */
function collectTokens(args: RespValue, into: Set<string>): void {
  if (!Array.isArray(args)) return;
  for (const arg of args) {
    const a = docMap(arg);
    if (typeof a.token === 'string') into.add(a.token);
    collectTokens(a.arguments, into);
  }
}

/** Each command's keywords, keyed by full name ("set", "client|kill"), from a redis-server's COMMAND DOCS. */
export async function tokensFromReference(port: number): Promise<Map<string, string[]>> {
  const c = await RawClient.connect(port);
  try {
    const docs = docMap(await c.call('COMMAND', 'DOCS'));
    const tokens = new Map<string, string[]>();
    const addDocs = (fullName: string, doc: RespValue) => {
      const d = docMap(doc);
      const found = new Set<string>();
      collectTokens(d.arguments, found);
      tokens.set(fullName, [...found]);
      const subs = docMap(d.subcommands);
      for (const [subName, subDoc] of Object.entries(subs)) addDocs(subName.toLowerCase(), subDoc);
    };
    for (const [name, doc] of Object.entries(docs)) addDocs(name.toLowerCase(), doc);
    return tokens;
  } finally {
    c.close();
  }
}

export interface FuzzerOptions {
  /** The keys commands are pointed at. */
  keys: readonly string[];
  /** Keywords by command full name, from tokensFromReference (empty: generic keywords only). */
  tokens: Map<string, string[]>;
  /** The server is shared with clients whose keys must survive: no FLUSHALL, FLUSHDB, SWAPDB. */
  shared: boolean;
}

export class CommandFuzzer {
  private readonly entries: { prefix: string[]; entry: Entry }[];

  constructor(
    private readonly r: Random,
    private readonly options: FuzzerOptions,
  ) {
    this.entries = sendable(options.shared);
  }

  /** Names of the commands and subcommands this fuzzer may send. */
  get names(): string[] {
    return this.entries.map((e) => e.entry.fullName);
  }

  /** A random command line; its argument count mostly fits the arity, sometimes not. */
  command(exclude?: ReadonlySet<string>): string[] {
    let picked = this.r.pick(this.entries);
    while (exclude?.has(picked.entry.fullName)) picked = this.r.pick(this.entries);
    const { prefix, entry } = picked;
    const argv = prefix.map((word) => (this.r.chance(0.3) ? word.toUpperCase() : word));
    const fixed = entry.arity > 0;
    const minArgs = Math.abs(entry.arity) - prefix.length;
    let count = fixed ? minArgs : minArgs + this.r.int(6);
    if (this.r.chance(0.05)) count = Math.max(0, count + this.r.pick([-1, 1]));
    const tokens = this.options.tokens.get(entry.fullName) ?? [];
    for (let i = 0; i < count; i++) argv.push(this.argument(tokens));
    if (entry.blocking) this.shortenTimeout(entry.fullName, argv);
    return argv;
  }

  argument(tokens: readonly string[] = []): string {
    const r = this.r;
    const roll = r.int(100);
    if (roll < 35) return r.pick(this.options.keys);
    if (roll < 55) return r.pick(NUMBERS);
    if (roll < 75) return tokens.length > 0 ? r.pick(tokens) : r.pick(WORDS);
    if (roll < 85) return r.bytes(r.int(12));
    if (roll < 95) return r.pick(WORDS);
    return r.chance(0.2) ? 'x'.repeat(r.int(5000)) : `v${r.int(1000)}`;
  }

  /** A blocking command's timeout made tiny (or invalid): a fuzzer must never wait on one for long. */
  private shortenTimeout(fullName: string, argv: string[]): void {
    const at = TIMEOUT_FIRST.has(fullName) ? 1 : argv.length - 1;
    if (at >= 1 && at < argv.length) argv[at] = this.r.pick(TINY_TIMEOUTS);
  }
}
