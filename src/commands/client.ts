/**
 * CLIENT and its subcommands, after Redis 7.0's clientCommand (networking.c):
 * ID, SETNAME, GETNAME, INFO, LIST, KILL, NO-EVICT, REPLY, PAUSE, UNPAUSE,
 * HELP and the client-side caching ones (TRACKING, CACHING, GETREDIR and
 * TRACKINGINFO, handled in server/tracking.ts), plus SETINFO and NO-TOUCH
 * with Redis 7.2's semantics (clients send SETINFO when they connect) and
 * KILL's MAXAGE filter from 7.4.
 */
import type { Client } from '../server/client.js';
import { userExists } from '../server/auth.js';
import type { PauseMode } from '../server/pause.js';
import { clientUnblockCommand } from '../server/blocking.js';
import { clientCaching, clientGetRedir, clientTracking, clientTrackingInfo, trackingListFlags, trackingRedirect } from '../server/tracking.js';
import { LONG_MAX, SYNTAX_ERROR, argvBytes, cString, fail, isKeyword, parseInteger, parseRangeLong, replyHelp, subcommandSyntaxError } from './args.js';
import type { CommandFlag, CommandSpec, Handler } from './table.js';

const HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

/** Redis's validateClientAttr: printable ASCII without spaces, so that CLIENT LIST lines split on spaces. */
function isPrintableToken(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** CLIENT SETNAME and HELLO SETNAME; the empty name removes the name. */
export function setClientName(c: Client, name: string): void {
  if (!isPrintableToken(name)) fail('ERR Client names cannot contain spaces, newlines or special characters.');
  c.name = name;
}

/** Parses an ON|OFF argument. */
function onOff(arg: string): boolean {
  if (isKeyword(arg, 'on')) return true;
  if (isKeyword(arg, 'off')) return false;
  fail(SYNTAX_ERROR);
}

// ---- client types ---------------------------------------------------------

/** Redis's client classes. Keyhive has no replication links, so every client is normal or pubsub. */
export type ClientType = 'normal' | 'replica' | 'pubsub' | 'master';

export function clientType(c: Client): ClientType {
  return c.subscriptions?.active ? 'pubsub' : 'normal';
}

function parseClientType(arg: string): ClientType {
  const name = arg.toLowerCase();
  if (name === 'normal' || name === 'pubsub' || name === 'master' || name === 'replica') return name;
  if (name === 'slave') return 'replica';
  fail(`ERR Unknown client type '${cString(arg)}'`);
}

// ---- CLIENT LIST / INFO -----------------------------------------------------

/** oll counts pending output in Redis's 16 KB reply blocks, so tools see numbers of the same scale. */
const REPLY_BLOCK_BYTES = 16 * 1024;

function flagsOf(c: Client): string {
  let flags = c.server.monitors.has(c) ? 'O' : '';
  if (c.subscriptions?.active) flags += 'P';
  if (c.multi) flags += 'x';
  if (c.postponed || c.blocked) flags += 'b';
  flags += trackingListFlags(c);
  if (c.watchTouched) flags += 'd';
  if (c.closeAfterReply) flags += 'c';
  if (c.unixSocket !== null) flags += 'U';
  if (c.noEvict) flags += 'e';
  if (c.noTouch) flags += 'T';
  return flags || 'N';
}

/** Whole seconds since ms (a connection's start, its last interaction), as Redis's unixtime differences. */
function secondsSince(ms: number, now: number): number {
  return Math.floor(now / 1000) - Math.floor(ms / 1000);
}

/**
 * One CLIENT LIST line, fields as Redis 7.2 prints them. Keyhive has no
 * per-client reply buffer (replies are encoded into a shared slab and handed
 * to the socket), so rbs, rbp and obl are 0 and all pending output is omem.
 * current is the client running CLIENT LIST/INFO, whose arguments are argv.
 */
export function infoLine(c: Client, current: Client, argv: string[]): string {
  const now = c.server.clock.now();
  const subs = c.subscriptions;
  const running = c === current ? argv : c.postponed;
  const qbuf = c === current ? c.decoder.heldBytes : c.decoder.bufferedBytes;
  const argvMem = running ? argvBytes(running) : 0;
  const multiMem = c.multi?.argvBytes ?? 0;
  const omem = c.socket.writableLength + c.reply.pendingBytes;
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}` +
    ` age=${secondsSince(c.createdAt, now)} idle=${secondsSince(c.lastInteraction, now)}` +
    ` flags=${flagsOf(c)} db=${c.db.index}` +
    ` sub=${subs?.channels.size ?? 0} psub=${subs?.patterns.size ?? 0} ssub=${subs?.shard.size ?? 0}` +
    ` multi=${c.multi ? c.multi.queue.length : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=${multiMem}` +
    ` rbs=0 rbp=0 obl=0 oll=${Math.ceil(omem / REPLY_BLOCK_BYTES)} omem=${omem}` +
    ` tot-mem=${qbuf + argvMem + multiMem + omem} events=${c.socket.writableLength > 0 ? 'rw' : 'r'}` +
    ` cmd=${c.lastCommand} user=${c.user.name} redir=${trackingRedirect(c)} resp=${c.protocol} lib-name=${c.libName} lib-ver=${c.libVersion}\n`
  );
}

function clientInfo(c: Client, argv: string[]): void {
  c.reply.verbatim(infoLine(c, c, argv));
}

/** The clients CLIENT LIST shows: all, those of a TYPE, or those with the given IDs (in the order given). */
function listedClients(c: Client, argv: string[]): Iterable<Client> {
  const all = c.server.clients;
  if (argv.length === 4 && isKeyword(argv[2], 'type')) {
    const type = parseClientType(argv[3]);
    return [...all.values()].filter((other) => clientType(other) === type);
  }
  if (argv.length > 3 && isKeyword(argv[2], 'id')) {
    const ids = argv.slice(3).map((arg) => parseInteger(arg, 'ERR Invalid client ID'));
    return ids.map((id) => all.get(id)).filter((other): other is Client => other !== undefined);
  }
  if (argv.length !== 2) fail(SYNTAX_ERROR);
  return all.values();
}

function clientList(c: Client, argv: string[]): void {
  let text = '';
  for (const other of listedClients(c, argv)) text += infoLine(other, c, argv);
  c.reply.verbatim(text);
}

// ---- CLIENT KILL ------------------------------------------------------------

interface KillFilter {
  addr?: string;
  laddr?: string;
  type?: ClientType;
  id?: number;
  user?: string;
  /** Kill only clients connected at least this many seconds. */
  maxAge?: number;
  skipMe: boolean;
}

/** CLIENT KILL <option> <value> ...; every option needs its value. */
function parseKillFilter(c: Client, argv: string[]): KillFilter {
  const filter: KillFilter = { skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const option = argv[i].toLowerCase();
    if (i + 1 >= argv.length) fail(SYNTAX_ERROR);
    const value = argv[i + 1];
    switch (option) {
      case 'id':
        filter.id = parseRangeLong(value, 1n, LONG_MAX, 'ERR client-id should be greater than 0');
        break;
      case 'maxage':
        filter.maxAge = parseInteger(value, 'ERR maxage is not an integer or out of range');
        if (filter.maxAge <= 0) fail('ERR maxage should be greater than 0');
        break;
      case 'type':
        filter.type = parseClientType(value);
        break;
      case 'addr':
        filter.addr = value;
        break;
      case 'laddr':
        filter.laddr = value;
        break;
      case 'user':
        if (!userExists(c.server, value)) fail(`ERR No such user '${cString(value)}'`);
        filter.user = value;
        break;
      case 'skipme':
        if (isKeyword(value, 'yes')) filter.skipMe = true;
        else if (isKeyword(value, 'no')) filter.skipMe = false;
        else fail(SYNTAX_ERROR);
        break;
      default:
        fail(SYNTAX_ERROR);
    }
  }
  return filter;
}

function killMatches(filter: KillFilter, target: Client, killer: Client): boolean {
  if (filter.addr !== undefined && target.addr !== filter.addr) return false;
  if (filter.laddr !== undefined && target.laddr !== filter.laddr) return false;
  if (filter.type !== undefined && clientType(target) !== filter.type) return false;
  if (filter.id !== undefined && target.id !== filter.id) return false;
  if (filter.user !== undefined && target.user.name !== filter.user) return false;
  if (filter.skipMe && target === killer) return false;
  return filter.maxAge === undefined || secondsSince(target.createdAt, killer.server.clock.now()) >= filter.maxAge;
}

/** CLIENT KILL addr (old form: replies OK or an error, may kill the caller) or CLIENT KILL <filters> (replies the count). */
function clientKill(c: Client, argv: string[]): void {
  const oldForm = argv.length === 3;
  const filter: KillFilter = oldForm ? { addr: argv[2], skipMe: false } : parseKillFilter(c, argv);
  let killed = 0;
  let killSelf = false;
  for (const target of [...c.server.clients.values()]) {
    if (!killMatches(filter, target, c)) continue;
    if (target === c) killSelf = true;
    else target.close();
    killed++;
  }
  if (!oldForm) c.reply.integer(killed);
  else if (killed === 0) fail('ERR No such client');
  else c.reply.ok();
  // The caller goes only after its reply.
  if (killSelf) c.closeAfterReplies();
}

// ---- the other subcommands ----------------------------------------------------

function clientId(c: Client): void {
  c.reply.integer(c.id);
}

function clientSetName(c: Client, argv: string[]): void {
  setClientName(c, argv[2]);
  c.reply.ok();
}

function clientGetName(c: Client): void {
  c.reply.bulkOrNull(c.name === '' ? null : c.name);
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2); the empty value removes it. */
function clientSetInfo(c: Client, argv: string[]): void {
  const [, , attribute, value] = argv;
  const isName = isKeyword(attribute, 'lib-name');
  if (!isName && !isKeyword(attribute, 'lib-ver')) fail(`ERR Unrecognized option '${cString(attribute)}'`);
  if (!isPrintableToken(value)) fail(`ERR ${attribute} cannot contain spaces, newlines or special characters.`);
  if (isName) c.libName = value;
  else c.libVersion = value;
  c.reply.ok();
}

/** CLIENT REPLY ON|OFF|SKIP; OFF and SKIP are not answered. */
function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2];
  if (isKeyword(mode, 'on')) {
    c.replyMode = 'on';
    c.reply.enabled = true;
    c.reply.ok();
  } else if (isKeyword(mode, 'off')) {
    c.replyMode = 'off';
    c.reply.enabled = false;
  } else if (isKeyword(mode, 'skip')) {
    if (c.replyMode !== 'off') c.replyMode = 'skip-next';
  } else fail(SYNTAX_ERROR);
}

function clientNoEvict(c: Client, argv: string[]): void {
  c.noEvict = onOff(argv[2]);
  c.reply.ok();
}

function clientNoTouch(c: Client, argv: string[]): void {
  c.noTouch = onOff(argv[2]);
  c.reply.ok();
}

/** CLIENT PAUSE timeout-ms [WRITE|ALL]. */
function clientPause(c: Client, argv: string[]): void {
  if (argv.length > 4) subcommandSyntaxError('client', argv[1]);
  let mode: PauseMode = 'all';
  if (argv.length === 4) {
    if (isKeyword(argv[3], 'write')) mode = 'write';
    else if (!isKeyword(argv[3], 'all')) fail('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const timeout = parseInteger(argv[2], 'ERR timeout is not an integer or out of range');
  if (timeout < 0) fail('ERR timeout is negative');
  // A zero timeout ends at the next cron tick, as in Redis.
  c.server.pause.pause(mode, timeout > 0 ? c.server.clock.now() + timeout : 0);
  c.reply.ok();
}

function clientUnpause(c: Client): void {
  c.server.pause.unpause();
  c.reply.ok();
}

function clientHelp(c: Client): void {
  replyHelp(c, 'client', HELP);
}

// ---- the table ----------------------------------------------------------------

const CONNECTION: CommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN: CommandFlag[] = ['admin', ...CONNECTION];
const ALL_CLIENTS = 'O(N) where N is the number of client connections';

/** A CLIENT subcommand entry; all are @connection commands. */
function sub(
  name: string,
  arity: number,
  flags: CommandFlag[],
  run: Handler,
  doc: Pick<CommandSpec, 'summary' | 'since' | 'complexity' | 'tips' | 'history'>,
): CommandSpec {
  return { name, arity, flags, acl: ['@connection'], group: 'connection', complexity: 'O(1)', ...doc, run };
}

export const commands: CommandSpec[] = [
  {
    name: 'client',
    arity: -2,
    flags: [],
    group: 'connection',
    summary: 'A container for client connection commands',
    since: '2.4.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('id', 2, CONNECTION, clientId, { summary: 'Returns the client ID for the current connection', since: '5.0.0' }),
      sub('setname', 3, CONNECTION, clientSetName, { summary: 'Set the current connection name', since: '2.6.9' }),
      sub('getname', 2, CONNECTION, clientGetName, { summary: 'Get the current connection name', since: '2.6.9' }),
      sub('setinfo', 4, CONNECTION, clientSetInfo, {
        summary: 'Sets information specific to the client or connection.',
        since: '7.2.0',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      }),
      sub('info', 2, CONNECTION, clientInfo, {
        summary: 'Returns information about the current client connection.',
        since: '6.2.0',
        tips: ['nondeterministic_output'],
      }),
      sub('list', -2, ADMIN, clientList, {
        summary: 'Get the list of client connections',
        since: '2.4.0',
        complexity: ALL_CLIENTS,
        tips: ['nondeterministic_output'],
        history: [
          ['2.8.12', 'Added unique client `id` field.'],
          ['5.0.0', 'Added optional `TYPE` filter.'],
          ['6.0.0', 'Added `user` field.'],
          ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
          ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
          ['7.0.3', 'Added `ssub` field.'],
        ],
      }),
      sub('kill', -3, ADMIN, clientKill, {
        summary: 'Kill the connection of a client',
        since: '2.4.0',
        complexity: ALL_CLIENTS,
        history: [
          ['2.8.12', 'Added new filter format.'],
          ['2.8.12', '`ID` option.'],
          ['3.2.0', 'Added `master` type in for `TYPE` option.'],
          ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
          ['6.2.0', '`LADDR` option.'],
        ],
      }),
      clientUnblockCommand,
      sub('no-evict', 3, ADMIN, clientNoEvict, { summary: 'Set client eviction mode for the current connection', since: '7.0.0' }),
      sub('no-touch', 3, CONNECTION, clientNoTouch, {
        summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.',
        since: '7.2.0',
      }),
      sub('reply', 3, CONNECTION, clientReply, { summary: 'Instruct the server whether to reply to commands', since: '3.2.0' }),
      sub('pause', -3, ADMIN, clientPause, {
        summary: 'Stop processing commands from clients for some time',
        since: '2.9.50',
        history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
      }),
      sub('unpause', 2, ADMIN, clientUnpause, {
        summary: 'Resume processing of clients that were paused',
        since: '6.2.0',
        complexity: 'O(N) Where N is the number of paused clients',
      }),
      sub('tracking', -3, CONNECTION, clientTracking, {
        summary: 'Enable or disable server assisted client side caching support',
        since: '6.0.0',
        complexity: 'O(1). Some options may introduce additional complexity.',
      }),
      sub('caching', 3, CONNECTION, clientCaching, { summary: 'Instruct the server about tracking or not keys in the next request', since: '6.0.0' }),
      sub('getredir', 2, CONNECTION, clientGetRedir, { summary: 'Get tracking notifications redirection client ID if any', since: '6.0.0' }),
      sub('trackinginfo', 2, CONNECTION, clientTrackingInfo, {
        summary: 'Return information about server assisted client side caching for the current connection',
        since: '6.2.0',
      }),
      sub('help', 2, ['loading', 'stale'], clientHelp, { summary: 'Show helpful text about the different subcommands', since: '5.0.0' }),
    ],
  },
];
