/**
 * What the collection families (lists, hashes, sets, sorted sets) do alike
 * around the keyspace: the typed lookup behind readList, writeZSet and the
 * like; removing members and deleting a key a command emptied; the writes of
 * the STORE forms; the random picks of HRANDFIELD, SRANDMEMBER and
 * ZRANDMEMBER; and serving or blocking a blocking pop.
 */
import type { Client } from '../server/client.js';
import { mayBlock } from '../server/blocking.js';
import type { Collection, EventClass, Value } from '../store/keyspace.js';
import { distinctRandomSlots, type Slotted } from '../store/sample.js';
import { WRONGTYPE, fail } from './args.js';

/** value as an instance of type: undefined when missing, WRONGTYPE when of another type. */
export function ofType<T>(value: Value | undefined, type: abstract new (...args: never[]) => T): T | undefined {
  if (value === undefined || value instanceof type) return value;
  fail(WRONGTYPE);
}

/** Deletes key once a command has left its collection with size 0, reporting 'del' as Redis does. */
export function deleteIfEmpty(c: Client, key: string, size: number): void {
  if (size !== 0) return;
  c.db.delete(key);
  c.db.changed(key, 'g', 'del');
}

/** A collection that members can be removed from: a hash, set or sorted set. */
interface Removable {
  readonly size: number;
  delete(member: string): boolean;
}

/**
 * HDEL, SREM and ZREM: removes the members argv[2...] from the collection
 * at argv[1], reports event (and 'del' once it is empty) and replies with
 * how many were there.
 */
export function removeMembers(c: Client, argv: string[], collection: Removable | undefined, eventClass: EventClass, event: string): void {
  if (collection === undefined) return c.reply.integer(0);
  const key = argv[1];
  let removed = 0;
  for (let i = 2; i < argv.length && collection.size > 0; i++) if (collection.delete(argv[i])) removed++;
  if (removed > 0) {
    c.db.changed(key, eventClass, event);
    deleteIfEmpty(c, key, collection.size);
  }
  c.reply.integer(removed);
}

/**
 * A STORE form's write: result replaces whatever key held, reported by event;
 * a null result deletes key (Redis's dbDelete, no expiry check), reporting
 * 'del' if it existed.
 */
export function storeOrDelete(c: Client, key: string, result: Value | null, eventClass: EventClass, event: string): void {
  if (result === null) {
    if (c.db.delete(key)) c.db.changed(key, 'g', 'del');
    return;
  }
  c.db.replace(key, result);
  c.db.changed(key, eventClass, event);
}

/**
 * The STORE forms of sets and sorted sets (SUNIONSTORE, ZINTERSTORE,
 * ZRANGESTORE...): stores result and replies with its size, in Redis's order
 * (the write, the reply, then the event); an empty result replies 0, then
 * deletes key.
 */
export function storeAndReplySize(c: Client, key: string, result: Value, size: number, eventClass: EventClass, event: string): void {
  if (size === 0) {
    c.reply.integer(0);
    if (c.db.delete(key)) c.db.changed(key, 'g', 'del');
    return;
  }
  c.db.replace(key, result);
  c.reply.integer(size);
  c.db.changed(key, eventClass, event);
}

/** How HRANDFIELD, SRANDMEMBER and ZRANDMEMBER reply with their picks. */
export interface RandomPicksReply {
  /** Starts the reply of n picks. */
  header(n: number): void;
  /** Replies with the entry at slot. */
  pick(slot: number): void;
  /** Replies with every entry, in the order Redis returns the whole collection. */
  all(): void;
}

/**
 * HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a count, for a non-empty
 * collection and count !== 0: a negative count (or 1, which cannot repeat
 * anyway) picks |count| entries that may repeat, a positive one min(count,
 * size) distinct entries.
 */
export function replyRandomPicks(c: Client, collection: Slotted, count: number, reply: RandomPicksReply): void {
  if (count < 0 || count === 1) {
    const n = Math.abs(count);
    reply.header(n);
    // As Redis, stop early if the output buffer limit closed the client meanwhile.
    for (let i = 0; i < n && !c.closed; i++) reply.pick(collection.randomSlot());
    return;
  }
  const n = Math.min(count, collection.size);
  reply.header(n);
  if (n === collection.size) reply.all();
  else for (const slot of distinctRandomSlots(collection, n)) reply.pick(slot);
}

/** What a blocking command (BLPOP, BLMOVE, BZPOPMIN, BZMPOP...) waits for, and how it is served. */
export interface BlockingWait<T extends Collection> {
  type: Collection['type'];
  keys: string[];
  /** From parseTimeout. */
  deadline: number;
  /** The value at key for writing, undefined when missing; WRONGTYPE for another type. */
  lookup(key: string): T | undefined;
  /** Replies from key's value, and makes the command's writes. */
  serve(key: string, value: T): void;
  /** The reply when no key can serve and blocking is not allowed (MULTI, scripts); the null array by default. */
  notBlocking?(): void;
}

/** Serves c from the first of wait.keys holding a value or, when none does, blocks until one does. */
export function serveOrBlock<T extends Collection>(c: Client, wait: BlockingWait<T>): void {
  for (const key of wait.keys) {
    const value = wait.lookup(key);
    if (value !== undefined) return wait.serve(key, value);
  }
  if (!mayBlock()) return wait.notBlocking ? wait.notBlocking() : c.reply.nullArray();
  c.server.blocking.block(c, {
    type: wait.type,
    keys: wait.keys,
    deadline: wait.deadline,
    tryServe: (key, value) => {
      wait.serve(key, value as T);
      return true;
    },
  });
}
