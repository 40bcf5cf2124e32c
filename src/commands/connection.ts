/**
 * Connection commands: PING, ECHO, QUIT, RESET, SELECT, SWAPDB, AUTH and
 * HELLO, after Redis 7.0's networking.c, db.c and acl.c, with their error
 * strings.
 */
import type { Client } from '../server/client.js';
import { DEFAULT_USER, authenticate, defaultUserHasPassword, resetAuthentication } from '../server/auth.js';
import { redactArgument } from '../server/monitor.js';
import { REDIS_VERSION } from '../server/server.js';
import { DB_OUT_OF_RANGE, SYNTAX_ERROR, cString, fail, isKeyword, parseDbIndex, parseInteger } from './args.js';
import { setClientName } from './client.js';
import { discardTransaction } from './transactions.js';
import type { CommandSpec } from './table.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) fail("ERR wrong number of arguments for 'ping' command");
  // A RESP2 subscriber can only read arrays, so it gets PING's answer as one.
  if (c.protocol === 2 && c.subscriptions?.active) {
    c.reply.arrayHeader(2);
    c.reply.bulk('pong');
    c.reply.bulk(argv.length === 2 ? argv[1] : '');
  } else if (argv.length === 2) c.reply.bulk(argv[1]);
  else c.reply.simple('PONG');
}

function echo(c: Client, argv: string[]): void {
  c.reply.bulk(argv[1]);
}

function quit(c: Client): void {
  c.reply.ok();
  c.closeAfterReplies();
}

/** Back to the state of a new connection (Redis's clearClientConnectionState); keeps NO-EVICT and the library info, as Redis does. */
function reset(c: Client): void {
  c.selectDb(0);
  c.reply.protocol = 2;
  resetAuthentication(c);
  discardTransaction(c);
  c.server.monitors.remove(c);
  c.server.pubsub.unsubscribeAll(c);
  c.server.tracking.disable(c);
  c.name = '';
  c.noTouch = false;
  c.replyMode = 'on';
  c.reply.enabled = true;
  c.reply.simple('RESET');
}

function checkDbIndex(c: Client, index: number): void {
  if (index < 0 || index >= c.server.keyspace.dbs.length) fail(DB_OUT_OF_RANGE);
}

function select(c: Client, argv: string[]): void {
  const index = parseDbIndex(argv[1]);
  checkDbIndex(c, index);
  c.selectDb(index);
  c.reply.ok();
}

function swapdb(c: Client, argv: string[]): void {
  const first = parseDbIndex(argv[1], 'ERR invalid first DB index');
  const second = parseDbIndex(argv[2], 'ERR invalid second DB index');
  checkDbIndex(c, first);
  checkDbIndex(c, second);
  if (first !== second) {
    const dbs = c.server.keyspace.dbs;
    c.server.keyspace.swap(dbs[first], dbs[second]);
  }
  c.reply.ok();
}

function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) fail(SYNTAX_ERROR);
  const [username, password] = argv.length === 2 ? [DEFAULT_USER, argv[1]] : [argv[1], argv[2]];
  // MONITOR and SLOWLOG see argv after the command: never the secrets, even when AUTH fails.
  for (let i = 1; i < argv.length; i++) redactArgument(argv, i);
  if (argv.length === 2 && !defaultUserHasPassword(c.server)) {
    fail('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
  }
  if (!authenticate(c, username, password, argv)) fail(WRONGPASS);
  c.reply.ok();
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]]: options apply in order, so a later failure keeps earlier ones. */
function hello(c: Client, argv: string[]): void {
  let protocol: 2 | 3 | null = null;
  if (argv.length >= 2) {
    const version = parseInteger(argv[1], 'ERR Protocol version is not an integer or out of range');
    if (version !== 2 && version !== 3) fail('NOPROTO unsupported protocol version');
    protocol = version;
  }
  for (let i = 2; i < argv.length; i++) {
    const moreArgs = argv.length - 1 - i;
    if (isKeyword(argv[i], 'auth') && moreArgs >= 2) {
      const [username, password] = [argv[i + 1], argv[i + 2]];
      redactArgument(argv, i + 1);
      redactArgument(argv, i + 2);
      if (!authenticate(c, username, password, argv)) fail(WRONGPASS);
      i += 2;
    } else if (isKeyword(argv[i], 'setname') && moreArgs >= 1) {
      setClientName(c, argv[i + 1]);
      i++;
    } else fail(`ERR Syntax error in HELLO option '${cString(argv[i])}'`);
  }
  // As Redis, the client must be logged in, even when the default user no longer needs a password.
  if (!c.authenticated) {
    fail(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (protocol !== null) c.reply.protocol = protocol;
  replyServerInfo(c);
}

function replyServerInfo(c: Client): void {
  const reply = c.reply;
  reply.mapHeader(7);
  reply.bulk('server');
  reply.bulk('redis');
  reply.bulk('version');
  reply.bulk(REDIS_VERSION);
  reply.bulk('proto');
  reply.integer(c.protocol);
  reply.bulk('id');
  reply.integer(c.id);
  reply.bulk('mode');
  reply.bulk('standalone');
  reply.bulk('role');
  reply.bulk('master');
  reply.bulk('modules');
  reply.arrayHeader(0);
}

export const commands: CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    run: ping,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Echo the given string',
    since: '1.0.0',
    complexity: 'O(1)',
    run: echo,
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Close the connection',
    since: '1.0.0',
    complexity: 'O(1)',
    run: quit,
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Reset the connection',
    since: '6.2.0',
    complexity: 'O(1)',
    run: reset,
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    complexity: 'O(1)',
    run: select,
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    acl: ['@keyspace', '@dangerous'],
    group: 'server',
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    run: swapdb,
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Authenticate to the server',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    run: auth,
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Handshake with Redis',
    since: '6.0.0',
    complexity: 'O(1)',
    history: [['6.2.0', "`protover` made optional; when called without arguments the command reports the current connection's context."]],
    run: hello,
  },
];
