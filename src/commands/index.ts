/** Every command family; the command table is built from their entries. */
import type { CommandSpec } from './table.js';
import { commands as connection } from './connection.js';
import { commands as hashes } from './hashes.js';
import { commands as sets } from './sets.js';
import { commands as strings } from './strings.js';
import { commands as transactions } from './transactions.js';

export const allCommands: CommandSpec[] = [...connection, ...hashes, ...sets, ...strings, ...transactions];
