/**
 * COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS, HELP), all derived from the command table, in Redis 7.0's
 * reply formats.
 */
import type { Client } from '../server/client.js';
import { fail, replyHelp, SYNTAX_ERROR, isKeyword } from './args.js';
import { keyPositions, type Command, type CommandFlag, type CommandSpec, type KeySpec, type KeySpecFlag } from './table.js';
import { GlobPattern } from '../store/glob.js';

/** The flags COMMAND INFO shows, in Redis's order (may_replicate, protected and sentinel stay hidden). */
const SHOWN_FLAGS: (CommandFlag | 'movablekeys')[] = [
  'write',
  'readonly',
  'denyoom',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** ACL categories in Redis's table order, which is the order COMMAND INFO and ACL CAT list them in. */
export const ACL_CATEGORY_ORDER = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

const KEY_FLAG_ORDER: KeySpecFlag[] = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'];

// ---- key specs -----------------------------------------------------------

/** The command's key specs: declared ones, or one derived from its legacy key range. */
export function keySpecs(spec: CommandSpec): KeySpec[] {
  if (spec.keySpecs) return spec.keySpecs;
  const range = spec.keys;
  if (!range || range.first === 0) return [];
  const flags: KeySpecFlag[] = spec.flags.includes('write') ? ['RW', 'update'] : spec.flags.includes('readonly') ? ['RO', 'access'] : ['RO'];
  const lastkey = range.last < 0 ? range.last : range.last - range.first;
  return [{ flags, begin: { index: range.first }, find: { lastkey, keystep: range.step, limit: 0 } }];
}

function isRangeSpec(s: KeySpec): boolean {
  return s.begin !== 'unknown' && 'index' in s.begin && s.find !== 'unknown' && 'lastkey' in s.find;
}

/**
 * Whether keys can appear where the legacy range does not reach (Redis's
 * CMD_MOVABLE_KEYS, as populateCommandLegacyRangeSpec sets it): a lone range
 * spec never, several only while they are plain consecutive ranges.
 */
function hasMovableKeys(spec: CommandSpec): boolean {
  if (!spec.keySpecs) return spec.getKeys !== undefined;
  const specs = spec.keySpecs;
  if (specs.length === 0) return false;
  if (specs.length === 1 && isRangeSpec(specs[0])) return specs[0].flags.includes('incomplete');
  // Positions compare as C's unsigned ints, so a last key counted from the end (-1) is "after" everything.
  let prevLast = 0;
  for (const s of specs) {
    if (!isRangeSpec(s) || s.flags.includes('incomplete')) return true;
    const begin = (s.begin as { index: number }).index;
    const find = s.find as { lastkey: number; keystep: number };
    if (find.keystep !== 1 || (prevLast !== 0 && prevLast !== begin - 1)) return true;
    const last = find.lastkey >= 0 ? begin + find.lastkey : find.lastkey;
    prevLast = (Math.max(prevLast >>> 0, last >>> 0) | 0);
  }
  return false;
}

export interface KeyReference {
  pos: number;
  flags: KeySpecFlag[];
}

/** The position where a spec's key search begins, or 0 when its keyword is absent. */
function beginOf(s: KeySpec, argv: readonly string[]): number {
  const begin = s.begin as { index: number } | { keyword: string; startfrom: number };
  if ('index' in begin) return begin.index;
  const argc = argv.length;
  const start = begin.startfrom > 0 ? begin.startfrom : argc + begin.startfrom;
  const end = begin.startfrom > 0 ? argc - 1 : 1;
  for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
    if (i >= argc || i < 1) break;
    if (argv[i].toLowerCase() === begin.keyword.toLowerCase()) return i + 1;
  }
  return 0;
}

/** Keys found by walking the key specs (getKeysUsingKeySpecs); null when a spec cannot tell. */
function keysFromSpecs(specs: KeySpec[], argv: readonly string[]): KeyReference[] | null {
  const argc = argv.length;
  const keys: KeyReference[] = [];
  for (const s of specs) {
    if (s.flags.includes('not_key')) continue;
    if (s.begin === 'unknown' || s.find === 'unknown') return null;
    let first = beginOf(s, argv);
    if (first === 0) continue;
    let last: number;
    let step: number;
    if ('lastkey' in s.find) {
      step = s.find.keystep;
      if (s.find.lastkey >= 0) last = first + s.find.lastkey;
      else if (s.find.limit === 0) last = argc + s.find.lastkey;
      else last = first + Math.floor((argc - first) / s.find.limit) + s.find.lastkey;
    } else {
      step = s.find.keystep;
      if (first + s.find.keynumidx >= argc) return null;
      const numkeys = /^(0|[1-9]\d*)$/.test(argv[first + s.find.keynumidx]) ? Number(argv[first + s.find.keynumidx]) : -1;
      if (numkeys < 0) return null;
      first += s.find.firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: s.flags });
    if (s.flags.includes('incomplete')) return null;
  }
  return keys;
}

/** The flags a spec gives a key of this command line: variable ones are resolved by the command. */
function resolvedFlags(spec: CommandSpec, flags: KeySpecFlag[], argv: readonly string[]): KeySpecFlag[] {
  if (!flags.includes('variable_flags')) return flags;
  return spec.variableKeyFlags ? spec.variableKeyFlags(argv) : flags.filter((f) => f !== 'variable_flags');
}

/** The keys of a full command line and what it does with them (getKeysFromCommandWithSpecs). */
export function commandKeys(cmd: Command, argv: readonly string[]): KeyReference[] | null {
  const spec = cmd.spec;
  const specs = keySpecs(spec);
  // Declared specs are trusted; a spec derived from the legacy range only when no getKeys knows better.
  let keys = spec.keySpecs || !spec.getKeys ? keysFromSpecs(specs, argv) : null;
  if (!keys && spec.getKeys) {
    const flags = specs[0]?.flags ?? ['RW', 'update'];
    keys = keyPositions(cmd, argv as string[]).map((pos) => ({ pos, flags: spec.getKeyFlags?.(argv, pos) ?? flags }));
  }
  return keys && keys.map((k) => ({ pos: k.pos, flags: resolvedFlags(spec, k.flags, argv) }));
}

/** Whether the command has key arguments at all (Redis's doesCommandHaveKeys). */
export function hasKeys(cmd: Command): boolean {
  return cmd.spec.getKeys !== undefined || keySpecs(cmd.spec).some((s) => !s.flags.includes('not_key'));
}

// ---- replies -------------------------------------------------------------

function replyStatusSet(c: Client, items: readonly string[]): void {
  c.reply.setHeader(items.length);
  for (const item of items) c.reply.simple(item);
}

function replyKeyFlags(c: Client, flags: readonly KeySpecFlag[]): void {
  replyStatusSet(
    c,
    KEY_FLAG_ORDER.filter((f) => flags.includes(f)),
  );
}

function replyKeySpec(c: Client, s: KeySpec): void {
  c.reply.mapHeader(s.notes ? 4 : 3);
  if (s.notes) {
    c.reply.bulk('notes');
    c.reply.bulk(s.notes);
  }
  c.reply.bulk('flags');
  replyKeyFlags(c, s.flags);
  c.reply.bulk('begin_search');
  const begin = s.begin;
  c.reply.mapHeader(2);
  c.reply.bulk('type');
  if (begin === 'unknown') {
    c.reply.bulk('unknown');
    c.reply.bulk('spec');
    c.reply.mapHeader(0);
  } else if ('index' in begin) {
    c.reply.bulk('index');
    c.reply.bulk('spec');
    replyIntegerMap(c, [['index', begin.index]]);
  } else {
    c.reply.bulk('keyword');
    c.reply.bulk('spec');
    c.reply.mapHeader(2);
    c.reply.bulk('keyword');
    c.reply.bulk(begin.keyword);
    c.reply.bulk('startfrom');
    c.reply.integer(begin.startfrom);
  }
  c.reply.bulk('find_keys');
  const find = s.find;
  c.reply.mapHeader(2);
  c.reply.bulk('type');
  if (find === 'unknown') {
    c.reply.bulk('unknown');
    c.reply.bulk('spec');
    c.reply.mapHeader(0);
  } else if ('lastkey' in find) {
    c.reply.bulk('range');
    c.reply.bulk('spec');
    replyIntegerMap(c, [['lastkey', find.lastkey], ['keystep', find.keystep], ['limit', find.limit]]);
  } else {
    c.reply.bulk('keynum');
    c.reply.bulk('spec');
    replyIntegerMap(c, [['keynumidx', find.keynumidx], ['firstkey', find.firstkey], ['keystep', find.keystep]]);
  }
}

function replyIntegerMap(c: Client, entries: [string, number][]): void {
  c.reply.mapHeader(entries.length);
  for (const [name, n] of entries) {
    c.reply.bulk(name);
    c.reply.integer(n);
  }
}

function aclCategories(cmd: Command): string[] {
  const cats = new Set(cmd.aclCategories.map((cat) => cat.replace(/^@/, '')));
  return ACL_CATEGORY_ORDER.filter((cat) => cats.has(cat)).map((cat) => `@${cat}`);
}

/** One command's 10-element COMMAND INFO reply (addReplyCommandInfo). */
function replyCommandInfo(c: Client, cmd: Command | undefined): void {
  if (!cmd) return c.reply.nullBulk();
  const spec = cmd.spec;
  const range = spec.keys && spec.keys.first !== 0 ? spec.keys : { first: 0, last: 0, step: 0 };
  const flags = new Set<string>(spec.flags);
  if (hasMovableKeys(spec)) flags.add('movablekeys');
  c.reply.arrayHeader(10);
  c.reply.bulk(cmd.fullName);
  c.reply.integer(cmd.arity);
  replyStatusSet(
    c,
    SHOWN_FLAGS.filter((f) => flags.has(f)),
  );
  c.reply.integer(range.first);
  c.reply.integer(range.last);
  c.reply.integer(range.step);
  replyStatusSet(c, aclCategories(cmd));
  const tips = spec.tips ?? [];
  c.reply.setHeader(tips.length);
  for (const tip of tips) c.reply.bulk(tip);
  const specs = keySpecs(spec);
  c.reply.setHeader(specs.length);
  for (const s of specs) replyKeySpec(c, s);
  if (!cmd.subcommands) return c.reply.setHeader(0);
  c.reply.arrayHeader(cmd.subcommands.size);
  for (const sub of cmd.subcommands.values()) replyCommandInfo(c, sub);
}

/** One command's COMMAND DOCS map (addReplyCommandDocs); arguments are not described. */
function replyCommandDocs(c: Client, cmd: Command): void {
  const spec = cmd.spec;
  const fields: [string, () => void][] = [];
  const text = (name: string, value: string | undefined) => {
    if (value !== undefined) fields.push([name, () => c.reply.bulk(value)]);
  };
  text('summary', spec.summary);
  text('since', spec.since);
  fields.push(['group', () => c.reply.bulk(spec.group)]);
  text('complexity', spec.complexity);
  if (spec.docFlags?.length) fields.push(['doc_flags', () => replyStatusSet(c, spec.docFlags as string[])]);
  text('deprecated_since', spec.deprecatedSince);
  text('replaced_by', spec.replacedBy);
  if (spec.history) {
    const history = spec.history;
    fields.push([
      'history',
      () => {
        c.reply.setHeader(history.length);
        for (const [since, change] of history) c.reply.bulkArray([since, change]);
      },
    ]);
  }
  const subcommands = cmd.subcommands;
  if (subcommands) {
    fields.push([
      'subcommands',
      () => {
        c.reply.mapHeader(subcommands.size);
        for (const sub of subcommands.values()) {
          c.reply.bulk(sub.fullName);
          replyCommandDocs(c, sub);
        }
      },
    ]);
  }
  c.reply.mapHeader(fields.length);
  for (const [name, write] of fields) {
    c.reply.bulk(name);
    write();
  }
}

// ---- subcommands ---------------------------------------------------------

function commandAll(c: Client): void {
  const commands = c.server.commands.commands;
  c.reply.arrayHeader(commands.length);
  for (const cmd of commands) replyCommandInfo(c, cmd);
}

function commandCount(c: Client): void {
  c.reply.integer(c.server.commands.commands.length);
}

/** A command by its full name ("get", "config|get"), as lookupCommandBySds: any case, at most one '|'. */
export function lookupFullName(c: Client, fullName: string): Command | undefined {
  const parts = fullName.split('|');
  if (parts.length > 2) return undefined;
  const cmd = c.server.commands.get(parts[0]);
  return parts.length === 1 ? cmd : cmd?.subcommands?.get(parts[1].toLowerCase());
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) return commandAll(c);
  c.reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyCommandInfo(c, lookupFullName(c, argv[i]));
}

function commandDocs(c: Client, argv: string[]): void {
  const wanted = argv.length === 2 ? c.server.commands.commands : argv.slice(2).flatMap((name) => lookupFullName(c, name) ?? []);
  c.reply.mapHeader(wanted.length);
  for (const cmd of wanted) {
    c.reply.bulk(cmd.fullName);
    replyCommandDocs(c, cmd);
  }
}

/** COMMAND LIST's FILTERBY test for one command. */
function listFilter(kind: string, arg: string): (cmd: Command) => boolean {
  if (isKeyword(kind, 'module')) return () => false;
  if (isKeyword(kind, 'aclcat')) {
    const category = `@${arg.toLowerCase()}`;
    return (cmd) => cmd.aclCategories.includes(category);
  }
  if (isKeyword(kind, 'pattern')) {
    const pattern = new GlobPattern(arg, true);
    return (cmd) => pattern.matches(cmd.fullName);
  }
  fail(SYNTAX_ERROR);
}

function commandList(c: Client, argv: string[]): void {
  let keep: (cmd: Command) => boolean = () => true;
  if (argv.length > 2) {
    if (argv.length !== 5 || !isKeyword(argv[2], 'filterby')) fail(SYNTAX_ERROR);
    keep = listFilter(argv[3], argv[4]);
  }
  const names: string[] = [];
  for (const cmd of c.server.commands.all()) if (keep(cmd)) names.push(cmd.fullName);
  c.reply.bulkArray(names);
}

/** The command (or subcommand) a full command line names, as lookupCommand finds it. */
export function lookupCommandLine(c: Client, line: readonly string[]): Command | undefined {
  const cmd = c.server.commands.get(line[0]);
  if (!cmd || !cmd.subcommands || line.length === 1) return cmd;
  return cmd.subcommands.get(line[1].toLowerCase());
}

function getKeys(c: Client, argv: string[], withFlags: boolean): void {
  const line = argv.slice(2);
  const cmd = lookupCommandLine(c, line);
  if (!cmd) fail('ERR Invalid command specified');
  if (!hasKeys(cmd)) fail('ERR The command has no key arguments');
  if ((cmd.arity > 0 && cmd.arity !== line.length) || line.length < -cmd.arity) fail('ERR Invalid number of arguments specified for command');
  const keys = commandKeys(cmd, line);
  if (!keys || keys.length === 0) {
    if (cmd.spec.flags.includes('no_mandatory_keys')) return c.reply.arrayHeader(0);
    fail('ERR Invalid arguments specified for command');
  }
  c.reply.arrayHeader(keys.length);
  for (const key of keys) {
    if (!withFlags) {
      c.reply.bulk(line[key.pos]);
      continue;
    }
    c.reply.arrayHeader(2);
    c.reply.bulk(line[key.pos]);
    replyKeyFlags(c, key.flags);
  }
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const LISTING_FLAGS: CommandFlag[] = ['loading', 'stale'];

function sub(name: string, arity: number, summary: string, since: string, complexity: string, run: CommandSpec['run'], extra: Partial<CommandSpec> = {}): CommandSpec {
  return { name, arity, flags: LISTING_FLAGS, acl: ['@connection'], group: 'server', summary, since, complexity, run, ...extra };
}

export const commands: CommandSpec[] = [
  {
    name: 'command',
    arity: -1,
    flags: LISTING_FLAGS,
    acl: ['@connection'],
    group: 'server',
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    run: commandAll,
    subcommands: [
      sub('count', 2, 'Get total number of Redis commands', '2.8.13', 'O(1)', commandCount),
      sub('info', -2, 'Get array of specific Redis command details, or all when no argument is given.', '2.8.13', 'O(N) where N is the number of commands to look up', commandInfo, {
        tips: ['nondeterministic_output_order'],
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
      }),
      sub('docs', -2, 'Get array of specific Redis command documentation', '7.0.0', 'O(N) where N is the number of commands to look up', commandDocs, {
        tips: ['nondeterministic_output_order'],
      }),
      sub('list', -2, 'Get an array of Redis command names', '7.0.0', 'O(N) where N is the total number of Redis commands', commandList, {
        tips: ['nondeterministic_output_order'],
      }),
      sub('getkeys', -4, 'Extract keys given a full Redis command', '2.8.13', 'O(N) where N is the number of arguments to the command', (c, argv) =>
        getKeys(c, argv, false),
      ),
      sub('getkeysandflags', -4, 'Extract keys and access flags given a full Redis command', '7.0.0', 'O(N) where N is the number of arguments to the command', (c, argv) =>
        getKeys(c, argv, true),
      ),
      sub('help', 2, 'Show helpful text about the different subcommands', '5.0.0', 'O(1)', (c) => replyHelp(c, 'command', HELP)),
    ],
  },
];
