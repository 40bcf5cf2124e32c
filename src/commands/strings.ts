/** String commands (t_string.c). */
import type { Client } from '../server/client.js';
import { WRONGTYPE, fail } from './args.js';
import type { CommandSpec } from './table.js';

/** The string at key for reading, undefined when missing; WRONGTYPE for other types. */
export function readString(c: Client, key: string): string | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined || typeof v === 'string') return v;
  fail(WRONGTYPE);
}

function get(c: Client, argv: string[]): void {
  c.reply.bulkOrNull(readString(c, argv[1]));
}

function set(c: Client, argv: string[]): void {
  c.db.set(argv[1], argv[2]);
  c.db.changed(argv[1], '$', 'set');
  c.reply.ok();
}

export const commands: CommandSpec[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: { first: 1, last: 1, step: 1 },
    acl: ['@string'],
    group: 'string',
    summary: 'Get the value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    run: get,
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: { first: 1, last: 1, step: 1 },
    acl: ['@string'],
    group: 'string',
    summary: 'Set the string value of a key',
    since: '1.0.0',
    complexity: 'O(1)',
    run: set,
  },
];
