/**
 * ACL and its subcommands (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI,
 * CAT, LOG, DRYRUN, GENPASS, LOAD, SAVE, HELP), after Redis 7.0's
 * aclCommand, with its replies and error strings. The users, rules and
 * checks live in src/server/acl.ts.
 */
import type { Client } from '../server/client.js';
import { DEFAULT_USER, generatePassword, hasSpaces, type Selector } from '../server/acl.js';
import { redactArgument } from '../server/monitor.js';
import { cString, fail, isKeyword, parseInteger, replyHelp, subcommandSyntaxError } from './args.js';
import { ACL_CATEGORY_ORDER, lookupCommandLine } from './command.js';
import type { CommandFlag, CommandSpec, Handler } from './table.js';

const NO_ACL_FILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';
const GENPASS_MAX_BITS = 4096;

function setuser(c: Client, argv: string[]): void {
  const [name, ...ops] = argv.slice(2);
  // MONITOR and SLOWLOG must not see passwords, nor anything else about the user.
  for (let i = 2; i < argv.length; i++) redactArgument(argv, i);
  if (hasSpaces(name)) fail("ERR Usernames can't contain spaces or null characters");
  const error = c.server.acl.setUser(name, ops, c);
  if (error !== null) fail(`ERR ${error}`);
  c.reply.ok();
}

function deluser(c: Client, argv: string[]): void {
  const names = argv.slice(2);
  if (names.includes(DEFAULT_USER)) fail("ERR The 'default' user cannot be removed");
  let deleted = 0;
  for (const name of names) if (c.server.acl.deleteUser(name, c)) deleted++;
  c.reply.integer(deleted);
}

/** commands, keys and channels of a selector, as ACL GETUSER shows them; returns the number of map fields. */
function replySelector(c: Client, selector: Selector): number {
  c.reply.bulk('commands');
  c.reply.bulk(selector.describeCommands(c.server.acl.index));
  c.reply.bulk('keys');
  c.reply.bulk(selector.describeKeys());
  c.reply.bulk('channels');
  c.reply.bulk(selector.describeChannels());
  return 3;
}

function getuser(c: Client, argv: string[]): void {
  const user = c.server.acl.users.get(argv[2]);
  if (!user) return c.reply.nullBulk();
  const reply = c.reply;
  reply.mapHeader(6);
  reply.bulk('flags');
  const flags = user.flags();
  reply.setHeader(flags.length);
  for (const flag of flags) reply.bulk(flag);
  reply.bulk('passwords');
  reply.bulkArray(user.passwords);
  replySelector(c, user.root);
  reply.bulk('selectors');
  const extra = user.selectors.slice(1);
  reply.arrayHeader(extra.length);
  for (const selector of extra) {
    reply.mapHeader(3);
    replySelector(c, selector);
  }
}

function list(c: Client): void {
  const acl = c.server.acl;
  c.reply.bulkArray(acl.sortedUsers().map((u) => acl.userLine(u)));
}

function users(c: Client): void {
  c.reply.bulkArray(c.server.acl.sortedUsers().map((u) => u.name));
}

function whoami(c: Client): void {
  c.reply.bulk(c.user.name);
}

function requireAclFile(c: Client): void {
  if (c.server.acl.aclFile() === null) fail(NO_ACL_FILE);
}

function load(c: Client): void {
  requireAclFile(c);
  const errors = c.server.acl.loadFile(c);
  if (errors !== null) fail(`ERR ${errors}`);
  c.reply.ok();
}

function save(c: Client): void {
  requireAclFile(c);
  try {
    c.server.acl.saveFile();
  } catch (e) {
    c.server.log('warning', `Saving the ACL file for ACL SAVE: ${(e as Error).message}`);
    fail('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
  }
  c.reply.ok();
}

function cat(c: Client, argv: string[]): void {
  if (argv.length > 3) subcommandSyntaxError('acl', argv[1]);
  if (argv.length === 2) return c.reply.bulkArray(ACL_CATEGORY_ORDER);
  const members = c.server.acl.index.members(argv[2]);
  if (!members) fail(`ERR Unknown category '${cString(argv[2]).slice(0, 128)}'`);
  c.reply.bulkArray(members.map((cmd) => cmd.fullName));
}

function genpass(c: Client, argv: string[]): void {
  if (argv.length > 3) subcommandSyntaxError('acl', argv[1]);
  const bits = argv.length === 3 ? parseInteger(argv[2]) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    fail(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
  }
  c.reply.bulk(generatePassword(bits));
}

function log(c: Client, argv: string[]): void {
  if (argv.length > 3) subcommandSyntaxError('acl', argv[1]);
  const aclLog = c.server.acl.log;
  if (argv.length === 3 && isKeyword(argv[2], 'reset')) {
    aclLog.reset();
    return c.reply.ok();
  }
  const count = argv.length === 3 ? Math.max(0, parseInteger(argv[2])) : 10;
  const entries = aclLog.latest(count);
  const now = c.server.clock.now();
  const reply = c.reply;
  reply.arrayHeader(entries.length);
  for (const e of entries) {
    reply.mapHeader(7);
    reply.bulk('count');
    reply.integer(e.count);
    reply.bulk('reason');
    reply.bulk(e.reason);
    reply.bulk('context');
    reply.bulk(e.context);
    reply.bulk('object');
    reply.bulk(e.object);
    reply.bulk('username');
    reply.bulk(e.username);
    reply.bulk('age-seconds');
    reply.double((now - e.time) / 1000);
    reply.bulk('client-info');
    reply.bulk(e.clientInfo);
  }
}

/** ACL DRYRUN user command [arg ...]: whether the user could run it, the reason as a bulk string if not. */
function dryrun(c: Client, argv: string[]): void {
  const user = c.server.acl.users.get(argv[2]);
  if (!user) fail(`ERR User '${cString(argv[2])}' not found`);
  const line = argv.slice(3);
  const cmd = lookupCommandLine(c, line);
  if (!cmd) fail(`ERR Command '${cString(argv[3])}' not found`);
  if ((cmd.arity > 0 && cmd.arity !== line.length) || line.length < -cmd.arity) fail(`ERR wrong number of arguments for '${cmd.fullName}' command`);
  const denial = user.check(cmd, line);
  if (denial === null) return c.reply.ok();
  if (denial.reason === 'command') c.reply.bulk(`This user has no permissions to run the '${cmd.fullName}' command`);
  else c.reply.bulk(`This user has no permissions to access the '${cString(line[denial.pos])}' ${denial.reason}`);
}

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

function help(c: Client): void {
  replyHelp(c, 'acl', HELP);
}

// ---- the table ----------------------------------------------------------------

const PLAIN: CommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN: CommandFlag[] = ['admin', ...PLAIN];
const USERS = 'O(N). Where N is the number of configured users.';

function sub(name: string, arity: number, flags: CommandFlag[], run: Handler, doc: Pick<CommandSpec, 'summary' | 'since' | 'complexity' | 'history'>): CommandSpec {
  return { name, arity, flags, group: 'server', ...doc, run };
}

export const commands: CommandSpec[] = [
  {
    name: 'acl',
    arity: -2,
    flags: [],
    group: 'server',
    summary: 'A container for Access List Control commands ',
    since: '6.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('cat', -2, PLAIN, cat, {
        summary: 'List the ACL categories or the commands inside a category',
        since: '6.0.0',
        complexity: 'O(1) since the categories and commands are a fixed set.',
      }),
      sub('deluser', -3, ADMIN, deluser, {
        summary: 'Remove the specified ACL users and the associated rules',
        since: '6.0.0',
        complexity: 'O(1) amortized time considering the typical user.',
      }),
      sub('dryrun', -4, ADMIN, dryrun, {
        summary: 'Returns whether the user can execute the given command without executing the command.',
        since: '7.0.0',
        complexity: 'O(1).',
      }),
      sub('genpass', -2, PLAIN, genpass, { summary: 'Generate a pseudorandom secure password to use for ACL users', since: '6.0.0', complexity: 'O(1)' }),
      sub('getuser', 3, ADMIN, getuser, {
        summary: 'Get the rules for a specific ACL user',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.',
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          ['7.0.0', 'Added selectors and changed the format of key and channel patterns from a list to their rule representation.'],
        ],
      }),
      sub('help', 2, ['loading', 'stale'], help, { summary: 'Show helpful text about the different subcommands', since: '6.0.0', complexity: 'O(1)' }),
      sub('list', 2, ADMIN, list, { summary: 'List the current ACL rules in ACL config file format', since: '6.0.0', complexity: USERS }),
      sub('load', 2, ADMIN, load, { summary: 'Reload the ACLs from the configured ACL file', since: '6.0.0', complexity: USERS }),
      sub('log', -2, ADMIN, log, {
        summary: 'List latest events denied because of ACLs in place',
        since: '6.0.0',
        complexity: 'O(N) with N being the number of entries shown.',
      }),
      sub('save', 2, ADMIN, save, { summary: 'Save the current ACL rules in the configured ACL file', since: '6.0.0', complexity: USERS }),
      sub('setuser', -3, ADMIN, setuser, {
        summary: 'Modify or create the rules for a specific ACL user',
        since: '6.0.0',
        complexity: 'O(N). Where N is the number of rules provided.',
        history: [
          ['6.2.0', 'Added Pub/Sub channel patterns.'],
          ['7.0.0', 'Added selectors and key based permissions.'],
        ],
      }),
      sub('users', 2, ADMIN, users, { summary: 'List the username of all the configured ACL rules', since: '6.0.0', complexity: USERS }),
      sub('whoami', 2, PLAIN, whoami, { summary: 'Return the name of the user associated to the current connection', since: '6.0.0', complexity: 'O(1)' }),
    ],
  },
];
