/** Every command family; the command table is built from their entries. */
import type { CommandSpec } from './table.js';
import { commands as client } from './client.js';
import { commands as connection } from './connection.js';
import { commands as hashes } from './hashes.js';
import { commands as keys } from './keys.js';
import { commands as lists } from './lists.js';
import { commands as sets } from './sets.js';
import { commands as strings } from './strings.js';
import { commands as transactions } from './transactions.js';
import { commands as zsets } from './zsets.js';
import { commands as pubsub } from './pubsub.js';
import { commands as server } from './server.js';
import { commands as command } from './command.js';
import { commands as bitmaps } from './bitmaps.js';
import { commands as hyperloglog } from './hyperloglog.js';
import { commands as acl } from './acl.js';
import { commands as geo } from './geo.js';
import { commands as sort } from './sort.js';
import { commands as memory } from './memory.js';
import { commands as dump } from './dump.js';
import { commands as snapshot } from './snapshot.js';

export const allCommands: CommandSpec[] = [...connection, ...client, ...hashes, ...keys, ...lists, ...sets, ...strings, ...transactions, ...zsets, ...pubsub, ...server, ...command, ...bitmaps, ...hyperloglog, ...acl, ...geo, ...sort, ...memory, ...dump, ...snapshot];
