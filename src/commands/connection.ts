/** Connection commands: PING, ECHO, QUIT, SELECT. */
import type { Client } from '../server/client.js';
import { fail, parseInteger } from './args.js';
import type { CommandSpec } from './table.js';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) fail("ERR wrong number of arguments for 'ping' command");
  if (argv.length === 2) c.reply.bulk(argv[1]);
  else c.reply.simple('PONG');
}

function echo(c: Client, argv: string[]): void {
  c.reply.bulk(argv[1]);
}

function quit(c: Client): void {
  c.reply.ok();
  c.closeAfterReply = true;
  c.decoder.paused = true;
}

function select(c: Client, argv: string[]): void {
  const index = parseInteger(argv[1], 'ERR value is not an integer or out of range');
  if (index < 0 || index >= c.server.keyspace.dbs.length) fail('ERR DB index is out of range');
  c.selectDb(index);
  c.reply.ok();
}

export const commands: CommandSpec[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast', 'stale', 'loading'],
    acl: ['@connection'],
    group: 'connection',
    summary: 'Ping the server',
    since: '1.0.0',
    complexity: 'O(1)',
    run: ping,
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast', 'stale', 'loading'],
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
];
