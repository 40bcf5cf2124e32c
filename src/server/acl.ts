/**
 * Access control lists, after Redis 7.0's acl.c: users, their passwords and
 * selectors (which commands, keys and channels they may use), the rule
 * language of ACL SETUSER, config `user` lines and ACL files, the rules ACL
 * LIST describes back, and the permission check dispatch runs before every
 * command of a restricted user.
 *
 * A user has a root selector and any number of extra "(...)" selectors; a
 * command is allowed when one selector allows all of it (command, every key,
 * every channel). Passwords are kept only as SHA-256 hex digests.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from './client.js';
import type { Server } from './server.js';
import { AclLog, type DenialReason, type LogContext } from './acl-log.js';
import { ConfigError } from '../config.js';
import { splitInlineArgs } from '../resp/inline.js';
import { GlobPattern } from '../store/glob.js';
import type { Command, CommandTable } from '../commands/table.js';
import { ACL_CATEGORY_ORDER, commandKeys, hasKeys } from '../commands/command.js';
import { infoLine } from '../commands/client.js';
import { cString } from '../commands/args.js';

export const DEFAULT_USER = 'default';

const READ = 1;
const WRITE = 2;
const READ_WRITE = READ | WRITE;

/** Why ACLSetUser refused a rule, with Redis's ACLSetUserStringError texts. */
const RULE_ERRORS = {
  unknown: 'Unknown command or category name in ACL',
  syntax: 'Syntax error',
  keyAfterAll:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  channelAfterAll:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  noSuchPassword: 'The password you are trying to remove from the user does not exist',
  badHash: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  subcommandFirstArg: 'Allowing first-arg of a subcommand is not supported',
} as const;

class AclRuleError extends Error {
  constructor(readonly kind: keyof typeof RULE_ERRORS) {
    super(RULE_ERRORS[kind]);
  }
}

/** A denied command: what was refused and, for a key or channel, its argument position. */
interface Denial {
  reason: Exclude<DenialReason, 'auth'>;
  pos: number;
}

/** How ACLCheckAllUserCommandPerm ranks denials when no selector allows a command: channel over key over command. */
const DENIAL_RANK = { command: 1, key: 2, channel: 4 } as const;

/** Whether a username or pattern has a character that would break ACL LIST and ACL files (Redis's ACLStringHasSpaces). */
export function hasSpaces(s: string): boolean {
  return /[\0\t\n\v\f\r ]/.test(s);
}

function hashPassword(password: string): string {
  return createHash('sha256').update(password, 'latin1').digest('hex');
}

function isPasswordHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

// ---- the command table as ACLs see it -------------------------------------------------

/** Every command and subcommand, with the category memberships rules and ACL CAT need. */
export class CommandIndex {
  /** Parents before their subcommands, in table order. */
  readonly all: Command[] = [];
  private readonly byCategory = new Map<string, Command[]>();

  constructor(readonly table: CommandTable) {
    for (const category of ACL_CATEGORY_ORDER) this.byCategory.set(category, []);
    for (const cmd of table.all()) {
      this.all.push(cmd);
      for (const category of cmd.aclCategories) this.byCategory.get(category.slice(1))?.push(cmd);
    }
  }

  /** The commands of a category (any case, without '@'), or undefined for an unknown one. */
  members(category: string): Command[] | undefined {
    return this.byCategory.get(category.toLowerCase());
  }

  /** "get" or "config|get", any case (Redis's ACLLookupCommand: one level of subcommands). */
  lookup(name: string): Command | undefined {
    const bar = name.indexOf('|');
    if (bar >= 0 && name.indexOf('|', bar + 1) >= 0) return undefined;
    return this.table.getByFullName(name);
  }
}

/** What applying rules needs besides the user: the commands, the config and the server log. */
interface RuleContext {
  readonly index: CommandIndex;
  /** acl-pubsub-default is allchannels: new selectors start with every channel allowed. */
  readonly pubsubAllChannels: boolean;
  warn(message: string): void;
}

// ---- selectors --------------------------------------------------------------------------

interface KeyPattern {
  glob: GlobPattern;
  /** READ, WRITE or both. */
  perms: number;
}

/** Sets or clears a command's permission, and its subcommands' (Redis's ACLChangeSelectorPerm on a bitmap). */
function setCommandBits(bits: Set<Command>, cmd: Command, allow: boolean): void {
  const set = (c: Command) => (allow ? bits.add(c) : bits.delete(c));
  set(cmd);
  if (cmd.subcommands) for (const sub of cmd.subcommands.values()) set(sub);
}

function setCategoryBits(bits: Set<Command>, members: Command[], allow: boolean): void {
  for (const cmd of members) setCommandBits(bits, cmd, allow);
}

/** The permissions a key needs, from what the command does with it: reading it needs R, changing it W, merely testing it either. */
function requiredKeyPerms(flags: readonly string[]): number {
  let perms = 0;
  for (const f of flags) {
    if (f === 'access') perms |= READ;
    else if (f === 'insert' || f === 'delete' || f === 'update') perms |= WRITE;
  }
  return perms;
}

/** The Pub/Sub commands whose channel arguments ACLs restrict; unsubscribing is always allowed. */
const CHANNEL_COMMANDS = new Map<string, { patterns: boolean; allArgs: boolean }>([
  ['subscribe', { patterns: false, allArgs: true }],
  ['ssubscribe', { patterns: false, allArgs: true }],
  ['psubscribe', { patterns: true, allArgs: true }],
  ['publish', { patterns: false, allArgs: false }],
  ['spublish', { patterns: false, allArgs: false }],
]);

/** The keys of one command line with the permissions each needs, found once for all of a user's selectors. */
class CommandKeys {
  private keys: { pos: number; perms: number }[] | null = null;

  constructor(
    private readonly cmd: Command,
    private readonly argv: string[],
  ) {}

  get(): { pos: number; perms: number }[] {
    if (this.keys === null) {
      const refs = hasKeys(this.cmd) ? commandKeys(this.cmd, this.argv) : null;
      this.keys = (refs ?? []).map((ref) => ({ pos: ref.pos, perms: requiredKeyPerms(ref.flags) }));
    }
    return this.keys;
  }
}

export class Selector {
  allKeys = false;
  allCommands = false;
  /** Redis's reserved bit for commands added later: set by +@all, cleared by -@all; ACL LIST starts from +@all when set. */
  future = false;
  allowed = new Set<Command>();
  /** "+select|0": first arguments allowed for a command whose bit is not set. */
  firstArgs = new Map<Command, string[]>();
  keys: KeyPattern[] = [];
  channels: GlobPattern[] = [];

  constructor(public allChannels: boolean) {}

  clone(): Selector {
    const copy = new Selector(this.allChannels);
    copy.allKeys = this.allKeys;
    copy.allCommands = this.allCommands;
    copy.future = this.future;
    copy.allowed = new Set(this.allowed);
    copy.firstArgs = new Map([...this.firstArgs].map(([cmd, args]) => [cmd, [...args]]));
    copy.keys = this.keys.map((k) => ({ ...k }));
    copy.channels = [...this.channels];
    return copy;
  }

  /** "(~key +get)": a new selector from the rules between the parentheses. */
  static fromRuleSet(op: string, ctx: RuleContext): Selector {
    const selector = new Selector(ctx.pubsubAllChannels);
    // Like sdssplitargs, unbalanced quotes leave no rules at all.
    for (const rule of splitInlineArgs(op.slice(1, -1)) ?? []) selector.apply(rule, ctx);
    return selector;
  }

  /** One rule about commands, keys or channels (Redis's ACLSetSelector); throws AclRuleError. */
  apply(op: string, ctx: RuleContext): void {
    switch (op.toLowerCase()) {
      case 'allkeys':
      case '~*':
        this.allKeys = true;
        this.keys = [];
        return;
      case 'resetkeys':
        this.allKeys = false;
        this.keys = [];
        return;
      case 'allchannels':
      case '&*':
        this.allChannels = true;
        this.channels = [];
        return;
      case 'resetchannels':
        this.allChannels = false;
        this.channels = [];
        return;
      case 'allcommands':
      case '+@all':
        this.setAllCommands(true, ctx);
        return;
      case 'nocommands':
      case '-@all':
        this.setAllCommands(false, ctx);
        return;
    }
    const first = op[0];
    if (first === '~' || first === '%') this.addKeyPattern(op);
    else if (first === '&') this.addChannelPattern(op.slice(1));
    else if ((first === '+' || first === '-') && op[1] === '@') this.changeCategory(op.slice(2), first === '+', ctx);
    else if (first === '+') this.allowCommand(op.slice(1), ctx);
    else if (first === '-') this.denyCommand(op.slice(1), ctx);
    else throw new AclRuleError('syntax');
  }

  private setAllCommands(allow: boolean, ctx: RuleContext): void {
    this.allowed = allow ? new Set(ctx.index.all) : new Set();
    this.allCommands = allow;
    this.future = allow;
    this.firstArgs.clear();
  }

  /** ~pattern, or %R~ / %W~ / %RW~ for reading or writing only. */
  private addKeyPattern(op: string): void {
    if (this.allKeys) throw new AclRuleError('keyAfterAll');
    let perms = READ_WRITE;
    let offset = 1;
    if (op[0] === '%') {
      perms = 0;
      for (; offset < op.length; offset++) {
        const ch = op[offset];
        if ((ch === 'R' || ch === 'r') && !(perms & READ)) perms |= READ;
        else if ((ch === 'W' || ch === 'w') && !(perms & WRITE)) perms |= WRITE;
        else if (ch === '~') {
          offset++;
          break;
        } else throw new AclRuleError('syntax');
      }
      // Redis 7.0.15 as shipped refuses a pattern granting nothing ("%~key").
      if (perms === 0) throw new AclRuleError('syntax');
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new AclRuleError('syntax');
    const existing = this.keys.find((k) => k.glob.source === pattern);
    if (existing) existing.perms |= perms;
    else this.keys.push({ glob: new GlobPattern(pattern), perms });
  }

  private addChannelPattern(pattern: string): void {
    if (this.allChannels) throw new AclRuleError('channelAfterAll');
    if (hasSpaces(pattern)) throw new AclRuleError('syntax');
    if (!this.channels.some((c) => c.source === pattern)) this.channels.push(new GlobPattern(pattern));
  }

  private changeCategory(category: string, allow: boolean, ctx: RuleContext): void {
    const members = ctx.index.members(category);
    if (!members) throw new AclRuleError('unknown');
    for (const cmd of members) this.changeCommand(cmd, allow);
  }

  /** Allows or denies a command with its subcommands, forgetting its allowed first arguments. */
  changeCommand(cmd: Command, allow: boolean): void {
    setCommandBits(this.allowed, cmd, allow);
    if (!allow) this.allCommands = false;
    this.firstArgs.delete(cmd);
  }

  /** +cmd, +container|sub, or the deprecated +cmd|first-arg. */
  private allowCommand(name: string, ctx: RuleContext): void {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const cmd = ctx.index.lookup(name);
      if (!cmd) throw new AclRuleError('unknown');
      this.changeCommand(cmd, true);
      return;
    }
    const cmd = ctx.index.lookup(name.slice(0, bar));
    const firstArg = name.slice(bar + 1);
    if (!cmd) throw new AclRuleError('unknown');
    if (cmd.parent) throw new AclRuleError('subcommandFirstArg');
    if (firstArg === '') throw new AclRuleError('syntax');
    if (cmd.subcommands) {
      const sub = ctx.index.lookup(name);
      if (!sub) throw new AclRuleError('unknown');
      this.changeCommand(sub, true);
      return;
    }
    ctx.warn(
      `Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future (offender: +${name})`,
    );
    const allowed = this.firstArgs.get(cmd);
    if (!allowed) this.firstArgs.set(cmd, [firstArg]);
    else if (!allowed.some((a) => a.toLowerCase() === firstArg.toLowerCase())) allowed.push(firstArg);
  }

  private denyCommand(name: string, ctx: RuleContext): void {
    const cmd = ctx.index.lookup(name);
    if (!cmd) throw new AclRuleError('unknown');
    this.changeCommand(cmd, false);
  }

  // ---- checks -------------------------------------------------------------------------

  /** Whether this selector allows all of a command line (Redis's ACLSelectorCheckCmd). */
  check(cmd: Command, argv: string[], keys: CommandKeys): Denial | null {
    if (!this.allCommands && !cmd.noAuth && !this.allowed.has(cmd) && !this.allowsFirstArg(cmd, argv)) return { reason: 'command', pos: 0 };
    if (!this.allKeys) {
      for (const key of keys.get()) if (!this.allowsKey(argv[key.pos], key.perms)) return { reason: 'key', pos: key.pos };
    }
    const channels = this.allChannels ? undefined : CHANNEL_COMMANDS.get(cmd.fullName);
    if (channels) {
      const last = channels.allArgs ? argv.length - 1 : 1;
      for (let i = 1; i <= last; i++) if (!this.allowsChannel(argv[i], channels.patterns)) return { reason: 'channel', pos: i };
    }
    return null;
  }

  private allowsFirstArg(cmd: Command, argv: string[]): boolean {
    const allowed = this.firstArgs.get(cmd);
    if (!allowed || argv.length < 2) return false;
    const arg = argv[1].toLowerCase();
    return allowed.some((a) => a.toLowerCase() === arg);
  }

  private allowsKey(key: string, perms: number): boolean {
    return this.keys.some((k) => (k.perms & perms) === perms && k.glob.matches(key));
  }

  /** Whether every key may be read: ~*, %R~* or allkeys (ACLSelectorHasUnrestrictedKeyAccess). */
  readsAllKeys(): boolean {
    return this.allKeys || this.keys.some((k) => (k.perms & READ) !== 0 && k.glob.source === '*');
  }

  /** A channel is matched against the patterns; a PSUBSCRIBE pattern must equal one of them. */
  allowsChannel(channel: string, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    return this.channels.some((p) => (isPattern ? p.source === channel : p.matches(channel)));
  }

  // ---- description ----------------------------------------------------------------------

  /** Keys, channels and commands as ACL LIST shows them (Redis's ACLDescribeSelector). */
  describe(index: CommandIndex): string {
    let out = this.allKeys ? '~* ' : this.keys.map((k) => `${describeKeyPattern(k)} `).join('');
    out += this.allChannels ? '&* ' : `resetchannels ${this.channels.map((c) => `&${c.source} `).join('')}`;
    return out + this.describeCommands(index);
  }

  describeKeys(): string {
    return this.allKeys ? '~*' : this.keys.map(describeKeyPattern).join(' ');
  }

  describeChannels(): string {
    return this.allChannels ? '&*' : this.channels.map((c) => `&${c.source}`).join(' ');
  }

  /**
   * The command rules that rebuild this selector's permissions (Redis's
   * ACLDescribeSelectorCommandRules): +@all or -@all, then greedily the
   * categories that fit best, then single commands for what is left. The
   * rules are applied to a scratch selector as they are chosen, so each step
   * knows what still differs.
   */
  describeCommands(index: CommandIndex): string {
    const additive = !this.future;
    const rules = [additive ? '-@all' : '+@all'];
    const described = new Set<Command>(additive ? [] : index.all);
    // The permissions with each chosen category reverted, so later choices weigh only what is left to say (Redis's temp selector).
    const remaining = new Set(this.allowed);
    const applied = new Set<string>();
    for (;;) {
      let best: string | null = null;
      let minDiff = Infinity;
      let maxSame = 0;
      for (const category of ACL_CATEGORY_ORDER) {
        if (applied.has(category)) continue;
        const members = index.members(category) as Command[];
        let on = 0;
        for (const cmd of members) if (remaining.has(cmd)) on++;
        const off = members.length - on;
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = category;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === null) break;
      const members = index.members(best) as Command[];
      setCategoryBits(described, members, additive);
      setCategoryBits(remaining, members, !additive);
      rules.push(`${additive ? '+' : '-'}@${best}`);
      applied.add(best);
    }
    for (const cmd of index.table.commands) this.describeSingleCommand(cmd, described, rules);
    return rules.join(' ');
  }

  /** The +cmd / -cmd rules (subcommands and first args included) that make described match this selector. */
  private describeSingleCommand(cmd: Command, described: Set<Command>, rules: string[]): void {
    const allowed = this.allowed.has(cmd);
    if (allowed !== described.has(cmd)) {
      rules.push(`${allowed ? '+' : '-'}${cmd.fullName}`);
      setCommandBits(described, cmd, allowed);
    }
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) this.describeSingleCommand(sub, described, rules);
    const firstArgs = this.firstArgs.get(cmd);
    if (!allowed && firstArgs) for (const arg of firstArgs) rules.push(`+${cmd.fullName}|${arg}`);
  }
}

function describeKeyPattern(k: KeyPattern): string {
  const prefix = k.perms === READ_WRITE ? '~' : k.perms === READ ? '%R~' : '%W~';
  return prefix + k.glob.source;
}

// ---- users ------------------------------------------------------------------------------

type SanitizeFlag = 'sanitize-payload' | 'skip-sanitize-payload' | null;

export class User {
  enabled = false;
  nopass = false;
  sanitize: SanitizeFlag = null;
  /** SHA-256 hex digests, in the order added. */
  passwords: string[] = [];
  /** The root selector first, then "(...)" selectors in the order added. */
  selectors: Selector[];

  constructor(
    readonly name: string,
    pubsubAllChannels: boolean,
  ) {
    this.selectors = [new Selector(pubsubAllChannels)];
  }

  get root(): Selector {
    return this.selectors[0];
  }

  /** Everything goes: no check is needed (the default user's usual state). */
  get unrestricted(): boolean {
    const root = this.selectors[0];
    return root.allCommands && root.allKeys && root.allChannels;
  }

  /** Takes over another user's rules, keeping this user's name and identity (Redis's ACLCopyUser). */
  copyRulesFrom(other: User): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.clone());
  }

  /** One ACL SETUSER rule (Redis's ACLSetUser); throws AclRuleError. */
  apply(op: string, ctx: RuleContext): void {
    if (op === '') return;
    switch (op.toLowerCase()) {
      case 'on':
        this.enabled = true;
        return;
      case 'off':
        this.enabled = false;
        return;
      case 'sanitize-payload':
      case 'skip-sanitize-payload':
        this.sanitize = op.toLowerCase() as SanitizeFlag;
        return;
      case 'nopass':
        this.nopass = true;
        this.passwords = [];
        return;
      case 'resetpass':
        this.nopass = false;
        this.passwords = [];
        return;
      case 'clearselectors':
        this.selectors.length = 1;
        return;
      case 'reset':
        this.reset(ctx);
        return;
    }
    const first = op[0];
    if (first === '>' || first === '#') this.addPassword(first === '>' ? hashPassword(op.slice(1)) : checkedHash(op.slice(1)));
    else if (first === '<' || first === '!') this.removePassword(first === '<' ? hashPassword(op.slice(1)) : checkedHash(op.slice(1)));
    else if (first === '(' && op.endsWith(')')) this.selectors.push(Selector.fromRuleSet(op, ctx));
    else this.root.apply(op, ctx);
  }

  /** Back to the state of a new user: resetpass, resetkeys, resetchannels, off, -@all, no extra selectors. */
  private reset(ctx: RuleContext): void {
    for (const op of ['resetpass', 'resetkeys', 'resetchannels', ...(ctx.pubsubAllChannels ? ['allchannels'] : []), 'off', 'sanitize-payload', 'clearselectors', '-@all']) {
      this.apply(op, ctx);
    }
  }

  private addPassword(hash: string): void {
    if (!this.passwords.includes(hash)) this.passwords.push(hash);
    this.nopass = false;
  }

  private removePassword(hash: string): void {
    const i = this.passwords.indexOf(hash);
    if (i < 0) throw new AclRuleError('noSuchPassword');
    this.passwords.splice(i, 1);
  }

  /** Whether this user may log in with the password (Redis's ACLCheckUserCredentials). */
  acceptsPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const given = Buffer.from(hashPassword(password), 'latin1');
    // Compare with every stored hash, so the time taken does not tell which one matched.
    let match = false;
    for (const hash of this.passwords) if (timingSafeEqual(given, Buffer.from(hash, 'latin1'))) match = true;
    return match;
  }

  /** The flags ACL GETUSER lists, in Redis's order. */
  flags(): string[] {
    const flags = [this.enabled ? 'on' : 'off'];
    if (this.nopass) flags.push('nopass');
    if (this.sanitize) flags.push(this.sanitize);
    return flags;
  }

  /** The rules after "user <name> " in ACL LIST and ACL files (Redis's ACLDescribeUser). */
  describe(index: CommandIndex): string {
    let out = this.flags().map((f) => `${f} `).join('');
    out += this.passwords.map((p) => `#${p} `).join('');
    out += this.root.describe(index);
    for (const selector of this.selectors.slice(1)) out += ` (${selector.describe(index)})`;
    return out;
  }

  /** Whether the user may run the command line; when no selector allows it, the most telling denial (ACLCheckAllUserCommandPerm). */
  check(cmd: Command, argv: string[]): Denial | null {
    const keys = new CommandKeys(cmd, argv);
    let worst: Denial = { reason: 'command', pos: 0 };
    for (const selector of this.selectors) {
      const denial = selector.check(cmd, argv, keys);
      if (denial === null) return null;
      const rank = DENIAL_RANK[denial.reason];
      const worstRank = DENIAL_RANK[worst.reason];
      if (rank > worstRank || (rank === worstRank && denial.pos > worst.pos)) worst = denial;
    }
    return worst;
  }
}

/**
 * Whether the client may run its command with patterns that name any key,
 * as SORT's BY and GET do: a selector must allow the command and reading
 * every key (ACLUserCheckCmdWithUnrestrictedKeyAccess with CMD_KEY_ACCESS).
 */
export function mayReadAnyKey(c: Client, cmd: Command, argv: string[]): boolean {
  const user = c.user;
  if (user.unrestricted) return true;
  const keys = new CommandKeys(cmd, argv);
  return user.selectors.some((s) => s.check(cmd, argv, keys) === null && s.readsAllKeys());
}

function checkedHash(hash: string): string {
  if (!isPasswordHash(hash)) throw new AclRuleError('badHash');
  return hash;
}

/**
 * Joins a selector split over several arguments ("(~key" "+get)") back into
 * one (Redis's ACLMergeSelectorArguments), or names the argument whose
 * parenthesis is left open.
 */
function mergeSelectorArguments(ops: string[]): { merged: string[] } | { unmatched: string } {
  const merged: string[] = [];
  let open: string | null = null;
  let opener = '';
  for (const op of ops) {
    if (op[0] === '(' && !op.endsWith(')')) {
      open = op;
      opener = op;
      continue;
    }
    if (open !== null) {
      open += ` ${op}`;
      if (op.endsWith(')')) {
        merged.push(open);
        open = null;
      }
      continue;
    }
    merged.push(op);
  }
  return open === null ? { merged } : { unmatched: opener };
}

// ---- the registry -------------------------------------------------------------------------

const NOPERM_COMMAND = (cmd: Command) => `NOPERM this user has no permissions to run the '${cmd.fullName}' command`;
const NOPERM_MESSAGES = {
  key: 'NOPERM this user has no permissions to access one of the keys used as arguments',
  channel: 'NOPERM this user has no permissions to access one of the channels used as arguments',
};
/** Why EXEC refuses a queued command that the user may no longer run. */
const EXEC_REASONS = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
};

/** Users by name, the default user, and the ACL log: one per server. */
export class Acl {
  readonly users = new Map<string, User>();
  readonly defaultUser: User;
  readonly log = new AclLog();
  /** Denials by reason since start or CONFIG RESETSTAT (INFO stats acl_access_denied_*, as Redis 7.2 reports them). */
  readonly denials: Record<DenialReason, number> = { command: 0, key: 0, channel: 0, auth: 0 };
  readonly index: CommandIndex;

  constructor(private readonly server: Server) {
    this.index = new CommandIndex(server.commands);
    this.defaultUser = this.createDefaultUser();
    this.users.set(DEFAULT_USER, this.defaultUser);
    this.setDefaultPassword(server.config.get('requirepass'));
    server.config.onChange((name, value) => {
      if (name === 'requirepass') this.setDefaultPassword(value);
    });
    server.config.rewriters.set('user', () => this.configLines());
    this.loadAtStartup();
  }

  get ruleContext(): RuleContext {
    const server = this.server;
    return {
      index: this.index,
      pubsubAllChannels: server.config.get('acl-pubsub-default') === 'allchannels',
      warn: (message) => server.log('warning', message),
    };
  }

  /** A user not (yet) registered, in the state ACL SETUSER starts a new user from. */
  private newUser(name: string): User {
    return new User(name, this.ruleContext.pubsubAllChannels);
  }

  private createDefaultUser(): User {
    const user = this.newUser(DEFAULT_USER);
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) user.apply(op, this.ruleContext);
    return user;
  }

  /** requirepass sets the default user's only password; empty makes it nopass (ACLUpdateDefaultUserPassword). */
  private setDefaultPassword(password: string): void {
    const ctx = this.ruleContext;
    this.defaultUser.apply('resetpass', ctx);
    this.defaultUser.apply(password === '' ? 'nopass' : `>${password}`, ctx);
  }

  /** Users sorted by name bytes, as Redis's radix tree lists them. */
  sortedUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** "user <name> <rules>" for ACL LIST, ACL SAVE and CONFIG REWRITE. */
  userLine(user: User): string {
    return `user ${user.name} ${user.describe(this.index)}`;
  }

  /**
   * ACL SETUSER: applies the rules to a copy of the user (or a new one), and
   * only when all are valid to the user itself, so a bad rule changes nothing.
   * Returns Redis's error text, or null. `current` is the client asking.
   */
  setUser(name: string, ops: string[], current: Client | null): string | null {
    const split = mergeSelectorArguments(ops);
    if ('unmatched' in split) return `Unmatched parenthesis in acl selector starting at '${cString(split.unmatched)}'.`;
    const existing = this.users.get(name);
    const staged = this.newUser(name);
    if (existing) staged.copyRulesFrom(existing);
    const ctx = this.ruleContext;
    for (const op of split.merged) {
      try {
        staged.apply(op, ctx);
      } catch (e) {
        if (e instanceof AclRuleError) return `Error in ACL SETUSER modifier '${cString(op)}': ${e.message}`;
        throw e;
      }
    }
    if (!existing) {
      this.users.set(name, staged);
      return null;
    }
    this.disconnectRevokedSubscribers(staged, existing, current);
    existing.copyRulesFrom(staged);
    return null;
  }

  /** ACL DELUSER of one user: its clients are logged out and disconnected. */
  deleteUser(name: string, current: Client): boolean {
    const user = this.users.get(name);
    if (!user) return false;
    this.users.delete(name);
    this.disconnectClientsOf(user, current);
    return true;
  }

  /**
   * Disconnects the clients logged in as a user that no longer exists
   * (Redis's ACLFreeUserAndKillClients). The asking client gets its reply
   * first, as Redis closes it after the command.
   */
  private disconnectClientsOf(user: User, current: Client | null): void {
    for (const c of [...this.server.clients.values()]) {
      if (c.user !== user) continue;
      c.user = this.defaultUser;
      c.authenticated = false;
      if (c === current) c.closeAfterReplies();
      else c.close();
    }
  }

  /**
   * When a user loses channel permissions, its subscribers whose
   * subscriptions are no longer allowed are disconnected (Redis's
   * ACLKillPubsubClientsIfNeeded).
   */
  private disconnectRevokedSubscribers(updated: User, original: User, current: Client | null): void {
    if (updated.selectors.some((s) => s.allChannels)) return;
    const upcoming = new Selector(false);
    upcoming.channels = updated.selectors.flatMap((s) => s.channels);
    const kept = original.selectors.every((s) => !s.allChannels && s.channels.every((p) => upcoming.channels.some((u) => u.source === p.source)));
    if (kept) return;
    for (const c of [...this.server.clients.values()]) {
      const subs = c.subscriptions;
      if (c.user !== original || !subs?.active) continue;
      const revoked =
        [...subs.patterns].some((p) => !upcoming.allowsChannel(p, true)) ||
        [...subs.channels, ...subs.shard].some((ch) => !upcoming.allowsChannel(ch, false));
      if (!revoked) continue;
      if (c === current) c.closeAfterReplies();
      else c.close();
    }
  }

  // ---- permission checks -------------------------------------------------------------------

  /** dispatch's ACL gate: the NOPERM error for a command the client's user may not run (logged), or null. */
  refusal(c: Client, cmd: Command, argv: string[]): string | null {
    if (c.user.unrestricted) return null;
    const denial = c.user.check(cmd, argv);
    if (denial === null) return null;
    this.logDenial(c, denial, cmd, argv, c.multi ? 'multi' : 'toplevel');
    return denial.reason === 'command' ? NOPERM_COMMAND(cmd) : NOPERM_MESSAGES[denial.reason];
  }

  /** EXEC checks each queued command again, in case the rules changed since it was queued. */
  execRefusal(c: Client, cmd: Command, argv: string[]): string | null {
    if (c.user.unrestricted) return null;
    const denial = c.user.check(cmd, argv);
    if (denial === null) return null;
    this.logDenial(c, denial, cmd, argv, 'multi');
    return `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${EXEC_REASONS[denial.reason]}`;
  }

  private logDenial(c: Client, denial: Denial, cmd: Command, argv: string[], context: LogContext): void {
    const object = denial.reason === 'command' ? cmd.fullName : argv[denial.pos];
    this.addLogEntry(c, argv, denial.reason, context, object, c.user.name);
  }

  /** Records a denied command or a failed login in the ACL log. */
  addLogEntry(c: Client, argv: string[], reason: DenialReason, context: LogContext, object: string, username: string): void {
    this.denials[reason]++;
    if (reason === 'auth') this.server.log('notice', `Failed AUTH attempt for user '${username}' from client id=${c.id} addr=${c.addr}`);
    const clientInfo = infoLine(c, c, argv).trimEnd();
    this.log.add({ reason, context, object, username, clientInfo }, this.server.clock.now(), this.server.config.getNumber('acllog-max-len'));
  }

  // ---- ACL files and config lines ------------------------------------------------------------

  /** The aclfile path, relative to dir as Redis (which runs in dir) opens it; null when none is configured. */
  aclFile(): string | null {
    const file = this.server.config.get('aclfile');
    return file === '' ? null : path.resolve(this.server.config.get('dir'), file);
  }

  /** Users from `user` config lines, then the aclfile (Redis's ACLLoadUsersAtStartup); throws ConfigError. */
  private loadAtStartup(): void {
    const lines = this.server.config.users;
    const file = this.aclFile();
    if (file !== null && lines.length > 0) {
      throw new ConfigError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    for (const [name, ...ops] of lines) this.loadConfiguredUser(name, ops);
    if (file !== null) {
      const errors = this.loadFile();
      if (errors !== null) throw new ConfigError(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }

  /** One `user` config line: a redefined default user starts from reset (Redis's ACLLoadConfiguredUsers). */
  private loadConfiguredUser(name: string, ops: string[]): void {
    if (hasSpaces(name)) throw new ConfigError('Spaces not allowed in ACL usernames');
    const split = mergeSelectorArguments(ops);
    if ('unmatched' in split) throw new ConfigError(`Error in user declaration '${split.unmatched}': Unmatched parenthesis in acl selector`);
    const ctx = this.ruleContext;
    let user = this.users.get(name);
    if (user) user.apply('reset', ctx);
    else this.users.set(name, (user = this.newUser(name)));
    for (const op of split.merged) {
      try {
        user.apply(op, ctx);
      } catch (e) {
        if (e instanceof AclRuleError) throw new ConfigError(`Error loading ACL rule '${op}' for the user named '${name}': ${e.message}`);
        throw e;
      }
    }
    if (!user.enabled) {
      this.server.log('notice', `The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`);
    }
  }

  /** CONFIG REWRITE's user lines; with an aclfile the users live there instead. */
  private configLines(): string[] {
    return this.aclFile() === null ? this.sortedUsers().map((u) => this.userLine(u)) : [];
  }

  /**
   * ACL LOAD: replaces every user by the aclfile's, or changes nothing and
   * returns the errors found (Redis's ACLLoadFromFile). Clients of the
   * replaced users are disconnected; the default user is updated in place.
   */
  loadFile(current: Client | null = null): string | null {
    const file = this.aclFile() as string;
    const shown = this.server.config.get('aclfile');
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch (e) {
      return `Error loading ACLs, opening file '${shown}': ${describeFsError(e)}`;
    }
    const loaded = new Map<string, User>();
    let errors = '';
    const ctx = this.ruleContext;
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') continue;
      const lineno = i + 1;
      // Redis splits ACL file lines on single spaces: no quoting.
      const args = line.split(' ');
      if (args[0] !== 'user' || args.length < 2) {
        errors += `${shown}:${lineno} should start with user keyword followed by the username. `;
        continue;
      }
      const name = args[1];
      if (hasSpaces(name)) {
        errors += `'${shown}:${lineno}: username '${name}' contains invalid characters. `;
        continue;
      }
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${lineno}. `;
        continue;
      }
      const user = this.newUser(name);
      loaded.set(name, user);
      const split = mergeSelectorArguments(args.slice(2));
      if ('unmatched' in split) {
        errors += `${shown}:${lineno}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const op of split.merged.map((a) => a.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''))) {
        try {
          user.apply(op, ctx);
        } catch (e) {
          if (!(e instanceof AclRuleError)) throw e;
          // Unknown commands are safe to show; other errors only the first, as they may mention secrets or follow from it.
          if (e.kind === 'unknown') errors += `${shown}:${lineno}: Error in applying operation '${op}': ${e.message}. `;
          else if (!syntaxError) {
            errors += `${shown}:${lineno}: ${e.message}. `;
            syntaxError = true;
          }
        }
      }
    }
    if (errors !== '') return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
    this.replaceUsers(loaded, current);
    return null;
  }

  private replaceUsers(loaded: Map<string, User>, current: Client | null): void {
    const replaced = [...this.users.values()].filter((u) => u !== this.defaultUser);
    this.defaultUser.copyRulesFrom(loaded.get(DEFAULT_USER) ?? this.createDefaultUser());
    loaded.set(DEFAULT_USER, this.defaultUser);
    this.users.clear();
    for (const [name, user] of loaded) this.users.set(name, user);
    for (const user of replaced) this.disconnectClientsOf(user, current);
  }

  /** ACL SAVE: every user's line, written to a temporary file renamed over the aclfile; throws on I/O errors. */
  saveFile(): void {
    const file = this.aclFile() as string;
    const content = this.sortedUsers()
      .map((u) => `${this.userLine(u)}\n`)
      .join('');
    const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
    try {
      fs.writeFileSync(tmp, content, { encoding: 'latin1', mode: 0o644 });
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}

/** ACL GENPASS: bits of randomness as lower-case hex, rounded up to whole characters. */
export function generatePassword(bits: number): string {
  const chars = Math.ceil(bits / 4);
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}
