/**
 * Clients blocked on keys (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, XREAD
 * BLOCK ...), after Redis 7.0's blocked.c.
 *
 * How a blocking command uses it:
 *
 *   const deadline = parseTimeout(c, argv[argv.length - 1]);   // validate first: errors as Redis words them
 *   ...try to serve at once from the keys; if one can, reply and return...
 *   if (!mayBlock()) return c.reply.nullArray();             // inside MULTI/EXEC or a script: never block
 *   c.server.blocking.block(c, {
 *     type: 'list', keys, deadline,
 *     tryServe: (key, value) => { ...pop from value, reply to c...; return true; },
 *   });
 *
 * What happens then, as in Redis:
 * - The client's later pipelined commands wait (its decoder is paused) until
 *   it is unblocked; they then run in the order they arrived.
 * - Every write to a key someone waits on (the keyspace change hook) marks the
 *   key ready. Ready keys are served after the command that readied them
 *   completes - for MULTI/EXEC after EXEC, for a script after the script -
 *   by handleReadyKeys(), which dispatch calls after each top-level command
 *   (Redis's handleClientsBlockedOnKeys).
 * - Serving a ready key walks its waiters in arrival order (fairness) and
 *   calls tryServe for each one whose `type` matches the key's current type,
 *   until the key is gone. A key deleted, or turned into another type, leaves
 *   its waiters waiting; a key renamed or moved onto a waited-for name is a
 *   write to that name and readies it.
 * - tryServe runs in the blocked client's context: c.db is the database it
 *   blocked in, its replies go to that client. It replies and returns true to
 *   end the block, or returns false without writing anything to keep waiting.
 *   A ReplyError it throws becomes the client's error reply and ends the block
 *   (BLMOVE towards a key of the wrong type).
 * - At the deadline the client gets the null array (*-1 in RESP2, _ in RESP3),
 *   as Redis answers every key-blocking command's timeout.
 * - CLIENT UNBLOCK ends a block with that timeout reply or an UNBLOCKED error;
 *   a disconnect just forgets the client.
 *
 * Known difference: Redis 7.0 readies a key only when a key is *added*
 * (dbAdd), so overwriting an existing key of another type (SORT ... STORE onto
 * a string) does not wake a waiter there, while here any write does.
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import type { ChangeSubscription, Collection, Database } from '../store/keyspace.js';
import { ReplyError, fail, parseInteger, subcommandSyntaxError, toDouble } from '../commands/args.js';
import { inNestedCall, runAsClient } from '../commands/dispatch.js';
import type { Command, CommandSpec } from '../commands/table.js';
import { observeServedCommand } from './admin.js';

/** Serves a blocked client from key, whose value has the awaited type; see the module comment. */
export type TryServe = (key: string, value: Collection) => boolean;

export interface BlockOptions {
  /** The type of value that can serve the client; a key of another type leaves it waiting. */
  type: Collection['type'];
  /** The keys to wait on, in the client's current database; duplicates are ignored. */
  keys: readonly string[];
  /** Unix ms at which to give up, from parseTimeout(); 0 waits forever. */
  deadline: number;
  tryServe: TryServe;
}

/** One client's place in one key's queue of waiters (Redis's bkinfo->listnode). */
interface Waiter {
  readonly client: Client;
  readonly state: BlockedState;
  prev: Waiter | null;
  next: Waiter | null;
}

/** A key's waiters in arrival order; a linked list so that leaving is O(1) wherever one stands. */
class WaitQueue {
  head: Waiter | null = null;
  tail: Waiter | null = null;

  append(w: Waiter): void {
    w.prev = this.tail;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
  }

  remove(w: Waiter): void {
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
  }
}

/** What a blocked client waits for; Client.blocked while it waits. */
export interface BlockedState {
  readonly db: Database;
  readonly type: Collection['type'];
  readonly deadline: number;
  readonly tryServe: TryServe;
  /** The client's waiter per key. */
  readonly waiters: Map<string, Waiter>;
  timer: NodeJS.Timeout | null;
  /** The command that blocked and how long it ran, set once it returns (by call()). */
  call: BlockedCall | null;
}

export interface BlockedCall {
  readonly cmd: Command;
  readonly argv: string[];
  readonly usec: number;
}

/** setTimeout's longest delay; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
const TIMEOUT_NEGATIVE = 'ERR timeout is negative';

/**
 * Parses a blocking command's timeout in seconds (fractions allowed) into a
 * deadline in unix ms, 0 meaning forever; errors as Redis's
 * getTimeoutFromObjectOrReply words them.
 */
export function parseTimeout(c: Client, arg: string): number {
  const seconds = toDouble(arg);
  if (seconds === null) fail(TIMEOUT_NOT_FLOAT);
  const ms = Math.ceil(seconds * 1000);
  // Redis converts to a C long long: infinities and overflows turn into LLONG_MIN, hence "negative".
  if (ms < 0 || !(ms < 2 ** 63)) fail(TIMEOUT_NEGATIVE);
  return ms === 0 ? 0 : c.server.clock.now() + ms;
}

/** Whether the running command may block: not when EXEC or a script runs it (Redis's CLIENT_DENY_BLOCKING). */
export function mayBlock(): boolean {
  return !inNestedCall();
}

export class Blocking {
  /** The number of blocked clients (INFO blocked_clients). */
  blockedClients = 0;
  /** How many of them have a deadline (INFO clients_in_timeout_table). */
  clientsWithTimeout = 0;
  /** Waiters per key, per database. */
  private readonly queues = new Map<Database, Map<string, WaitQueue>>();
  /** Keys readied since they were last served, in signal order, and the same as a set per database. */
  private ready: { db: Database; key: string }[] = [];
  private readonly readySet = new Map<Database, Set<string>>();
  /** Clients unblocked whose buffered commands are still to run. */
  private unblocked: Client[] = [];

  /** Listening while any client is blocked. */
  private readonly changes: ChangeSubscription;

  constructor(private readonly server: Server) {
    this.changes = server.keyspace.onChange((db, key, eventClass, _event, swappedWith) => {
      if (eventClass === 'm') return;
      if (key !== null) this.signalKeyAsReady(db, key);
      else {
        // FLUSHDB/SWAPDB: any waited-for key of the databases involved may have changed.
        this.signalAllKeys(db);
        if (swappedWith) this.signalAllKeys(swappedWith);
      }
    });
    this.changes.listening = false;
  }

  /** Blocks c on keys until one can serve it, the deadline passes, or CLIENT UNBLOCK. */
  block(c: Client, options: BlockOptions): void {
    const state: BlockedState = {
      db: c.db,
      type: options.type,
      deadline: options.deadline,
      tryServe: options.tryServe,
      waiters: new Map(),
      timer: null,
      call: null,
    };
    let perDb = this.queues.get(c.db);
    if (!perDb) this.queues.set(c.db, (perDb = new Map()));
    for (const key of options.keys) {
      if (state.waiters.has(key)) continue;
      let queue = perDb.get(key);
      if (!queue) perDb.set(key, (queue = new WaitQueue()));
      const waiter: Waiter = { client: c, state, prev: null, next: null };
      queue.append(waiter);
      state.waiters.set(key, waiter);
    }
    c.blocked = state;
    c.decoder.paused = true;
    this.blockedClients++;
    this.changes.listening = true;
    if (state.deadline > 0) {
      this.clientsWithTimeout++;
      this.armTimer(c, state);
    }
  }

  /** Marks key as ready if someone waits on it; it is served after the current command (Redis's signalKeyAsReady). */
  signalKeyAsReady(db: Database, key: string): void {
    if (!this.queues.get(db)?.has(key)) return;
    let set = this.readySet.get(db);
    if (!set) this.readySet.set(db, (set = new Set()));
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  private signalAllKeys(db: Database): void {
    const perDb = this.queues.get(db);
    if (perDb) for (const key of perDb.keys()) this.signalKeyAsReady(db, key);
  }

  /** Whether keys were readied since handleReadyKeys last ran. */
  get hasReadyKeys(): boolean {
    return this.ready.length !== 0;
  }

  /**
   * Serves the clients waiting on every key readied so far, including keys
   * readied while serving (a BLMOVE pushing where another client waits).
   */
  handleReadyKeys(): void {
    while (this.ready.length !== 0) {
      const batch = this.ready;
      this.ready = [];
      for (const { db, key } of batch) {
        // Forget the signal first, so that serving may signal the key again.
        this.readySet.get(db)?.delete(key);
        this.serveKey(db, key);
      }
    }
  }

  private serveKey(db: Database, key: string): void {
    let waiter = this.queues.get(db)?.get(key)?.head ?? null;
    while (waiter) {
      // Serving unblocks only the waiter served, so the next one stays linked.
      const next = waiter.next;
      const value = db.lookup(key);
      if (value === undefined) return;
      if (typeof value === 'object' && value.type === waiter.state.type) this.serve(waiter.client, waiter.state, key, value);
      waiter = next;
    }
  }

  private serve(c: Client, state: BlockedState, key: string, value: Collection): void {
    const start = performance.now();
    const errorsBefore = this.server.errorStats.total;
    let served: boolean;
    try {
      // Served as its command, so that invalidations of keys it tracks follow its reply.
      served = runAsClient(c, () => state.tryServe(key, value));
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
      c.reply.error(e.message);
      served = true;
    }
    if (!served) return;
    this.unblock(c);
    const failed = this.server.errorStats.total !== errorsBefore;
    if (state.call) observeServedCommand(this.server, c, state.call, (performance.now() - start) * 1000, failed);
  }

  /** Ends c's block, CLIENT UNBLOCK style: with the timeout reply, or with an UNBLOCKED error. */
  unblockWith(c: Client, error: string | null): void {
    if (error === null) c.reply.nullArray();
    else c.reply.error(error);
    this.unblock(c);
  }

  private armTimer(c: Client, state: BlockedState): void {
    const wait = Math.min(Math.max(state.deadline - this.server.clock.now(), 0), MAX_TIMER_MS);
    state.timer = setTimeout(() => {
      state.timer = null;
      if (this.server.clock.now() < state.deadline) this.armTimer(c, state);
      else this.unblockWith(c, null);
    }, wait);
    state.timer.unref();
  }

  /** Removes c from every queue; its buffered commands run once the current work is done. */
  private unblock(c: Client): void {
    this.forget(c);
    if (this.unblocked.push(c) === 1) queueMicrotask(() => this.resumeUnblocked());
  }

  private resumeUnblocked(): void {
    const clients = this.unblocked;
    this.unblocked = [];
    for (const c of clients) if (!c.closed && c.blocked === null) c.resume();
  }

  /** Drops c's block without replying: the connection is gone. */
  clientClosed(c: Client): void {
    this.forget(c);
  }

  private forget(c: Client): void {
    const state = c.blocked;
    if (!state) return;
    c.blocked = null;
    this.blockedClients--;
    this.changes.listening = this.blockedClients !== 0;
    if (state.deadline > 0) this.clientsWithTimeout--;
    if (state.timer) clearTimeout(state.timer);
    const perDb = this.queues.get(state.db);
    if (!perDb) return;
    for (const [key, waiter] of state.waiters) {
      const queue = perDb.get(key);
      if (!queue) continue;
      queue.remove(waiter);
      if (queue.head === null) perDb.delete(key);
    }
    if (perDb.size === 0) this.queues.delete(state.db);
  }
}

function clientUnblock(c: Client, argv: string[]): void {
  let error: string | null = null;
  if (argv.length === 4) {
    const reason = argv[3].toLowerCase();
    if (reason === 'error') error = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';
    else if (reason !== 'timeout') fail('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  } else if (argv.length > 4) {
    subcommandSyntaxError('client', argv[1]);
  }
  const target = c.server.clients.get(parseInteger(argv[2]));
  if (target?.blocked) {
    const call = target.blocked.call;
    c.server.blocking.unblockWith(target, error);
    // Redis 7.0 then counts the command as failed, with either reason (updateStatsOnUnblock(target, 0, 0, 1)).
    if (call) observeServedCommand(c.server, target, call, 0, true);
    c.reply.integer(1);
  } else c.reply.integer(0);
}

/** CLIENT UNBLOCK, for the CLIENT container's subcommands. */
export const clientUnblockCommand: CommandSpec = {
  name: 'unblock',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  acl: ['@connection'],
  group: 'connection',
  summary: 'Unblock a client blocked in a blocking command from a different connection',
  since: '5.0.0',
  complexity: 'O(log N) where N is the number of client connections',
  run: clientUnblock,
};
