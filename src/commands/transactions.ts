/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH, after Redis's multi.c. Queuing happens in
 * dispatch; here are the commands and the WATCH registry, which learns of
 * every write through the keyspace change hook.
 */
import type { Client, MultiState, WatchedKey } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { ChangeSubscription, Database } from '../store/keyspace.js';
import { call } from './dispatch.js';
import { argvBytes, fail } from './args.js';
import type { Command, CommandSpec } from './table.js';

/** Watchers per database, per key. */
export type WatchRegistry = Map<Database, Map<string, WatchedKey[]>>;

/** Whether the key is present but past its deadline (Redis's keyIsExpired). */
function isStale(db: Database, key: string): boolean {
  const when = db.getExpire(key);
  return when >= 0 && db.main.has(key) && db.keyspace.clock.now() > when;
}

function markDirty(c: Client): void {
  c.watchTouched = true;
}

function touchKey(watchers: WatchedKey[], db: Database, key: string): void {
  for (const wk of [...watchers]) {
    if (wk.expired) {
      // Already stale when watched: its deletion is no logical change.
      if (!db.main.has(key)) wk.expired = false;
      continue;
    }
    markDirty(wk.client);
  }
}

function touchWholeDb(watched: Map<string, WatchedKey[]>, emptied: Database, replacedWith?: Database): void {
  for (const [key, watchers] of watched) {
    const existsInEmptied = emptied.main.has(key);
    const existsInReplacement = replacedWith !== undefined && replacedWith.main.has(key);
    if (!existsInEmptied && !existsInReplacement) continue;
    for (const wk of watchers) {
      if (wk.expired) {
        if (!existsInReplacement) {
          wk.expired = false;
          continue;
        }
        if (isStale(replacedWith as Database, key)) continue;
      } else if (!existsInEmptied && replacedWith && isStale(replacedWith, key)) {
        wk.expired = true;
        continue;
      }
      markDirty(wk.client);
    }
  }
}

/** Each WATCH registry's keyspace subscription: it listens while any key is watched. */
const watchSubscriptions = new WeakMap<WatchRegistry, ChangeSubscription>();

/** Subscribes the WATCH registry to keyspace changes. */
export function installWatch(server: Server): void {
  const reg = server.watchers;
  const changes = server.keyspace.onChange((db, key, eventClass, _event, swappedWith) => {
    if (reg.size === 0) {
      changes.listening = false;
      return;
    }
    if (eventClass === 'm') return;
    const watched = reg.get(db);
    if (!watched) return;
    if (key === null) touchWholeDb(watched, db, swappedWith);
    else {
      const watchers = watched.get(key);
      if (watchers) touchKey(watchers, db, key);
    }
  });
  watchSubscriptions.set(reg, changes);
}

function watchKey(c: Client, key: string): void {
  if (c.watched.some((wk) => wk.db === c.db && wk.key === key)) return;
  const reg = c.server.watchers;
  (watchSubscriptions.get(reg) as ChangeSubscription).listening = true;
  let perDb = reg.get(c.db);
  if (!perDb) reg.set(c.db, (perDb = new Map()));
  let watchers = perDb.get(key);
  if (!watchers) perDb.set(key, (watchers = []));
  const wk: WatchedKey = { client: c, db: c.db, key, expired: isStale(c.db, key) };
  watchers.push(wk);
  c.watched.push(wk);
}

export function unwatchAll(c: Client): void {
  if (c.watched.length === 0) return;
  const reg = c.server.watchers;
  for (const wk of c.watched) {
    const perDb = reg.get(wk.db);
    const watchers = perDb?.get(wk.key);
    if (!perDb || !watchers) continue;
    const i = watchers.indexOf(wk);
    if (i >= 0) watchers.splice(i, 1);
    if (watchers.length === 0) perDb.delete(wk.key);
    if (perDb.size === 0) reg.delete(wk.db);
  }
  c.watched = [];
}

/** Whether a key watched while live has expired since (checked at EXEC). */
function watchedKeyExpired(c: Client): boolean {
  return c.watched.some((wk) => !wk.expired && isStale(wk.db, wk.key));
}

/** Leaves MULTI state and forgets WATCHed keys (after EXEC, DISCARD, RESET). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.watchTouched = false;
  unwatchAll(c);
}

/** Queues a command inside MULTI (dispatch's QUEUED), counting its arguments' memory as Redis's queueMultiCommand does. */
export function queueInTransaction(c: Client, multi: MultiState, cmd: Command, argv: string[]): void {
  multi.queue.push({ cmd, argv });
  // Redis's argv_len_sum + sizeof(robj*) * argc.
  multi.argvBytes += argvBytes(argv) + 8 * argv.length;
  c.reply.simple('QUEUED');
}


/** Called by dispatch when a command is refused while queuing. */
export function flagTransaction(c: Client): void {
  if (c.multi) c.multi.aborted = true;
}

function multi(c: Client): void {
  if (c.multi) fail('ERR MULTI calls can not be nested');
  c.multi = { queue: [], argvBytes: 0, aborted: false };
  c.reply.ok();
}

function exec(c: Client): void {
  const state = c.multi;
  if (!state) fail('ERR EXEC without MULTI');
  if (state.aborted) {
    discardTransaction(c);
    fail('EXECABORT Transaction discarded because of previous errors.');
  }
  if (c.watchTouched || watchedKeyExpired(c)) {
    discardTransaction(c);
    c.reply.nullArray();
    return;
  }
  // Redis refuses write transactions when the server turned read-only (e.g. OOM) between queuing and EXEC;
  // the OOM gate in dispatch handles denyoom commands at EXEC time.
  unwatchAll(c);
  c.multi = null;
  c.reply.arrayHeader(state.queue.length);
  for (const { cmd, argv } of state.queue) {
    // ACL rules may have changed since the command was queued.
    const denied = c.server.acl.execRefusal(c, cmd, argv);
    if (denied === null) call(c, cmd, argv);
    else c.reply.error(denied);
  }
  c.watchTouched = false;
}

function discard(c: Client): void {
  if (!c.multi) fail('ERR DISCARD without MULTI');
  discardTransaction(c);
  c.reply.ok();
}

function watch(c: Client, argv: string[]): void {
  if (c.multi) fail('ERR WATCH inside MULTI is not allowed');
  // A client already flagged dirty need not watch more keys: EXEC will fail anyway.
  if (!c.watchTouched) for (let i = 1; i < argv.length; i++) watchKey(c, argv[i]);
  c.reply.ok();
}

function unwatch(c: Client): void {
  unwatchAll(c);
  c.watchTouched = false;
  c.reply.ok();
}

export const commands: CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['@transaction'],
    group: 'transactions',
    summary: 'Start a transaction',
    since: '1.2.0',
    complexity: 'O(1)',
    run: multi,
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['@transaction'],
    group: 'transactions',
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    run: exec,
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['@transaction'],
    group: 'transactions',
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    run: discard,
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: { first: 1, last: -1, step: 1 },
    acl: ['@transaction'],
    group: 'transactions',
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    run: watch,
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['@transaction'],
    group: 'transactions',
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
    run: unwatch,
  },
];
