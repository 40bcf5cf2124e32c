/**
 * The memcached text protocol's commands on Keyhive's keyspace: a memcached
 * item is a string key of database 0, so memcached and Redis clients read
 * and write the same keys (a value set with memcached's `set` is what Redis's
 * GET returns, and the reverse). Keys holding other Redis types are misses.
 *
 * What memcached keeps per item beside its value lives in side tables here:
 * the client flags (when not 0) and the CAS unique that `gets` handed out.
 * Any change to a key through either protocol (a write, a deletion, expiry,
 * eviction, FLUSHDB) drops both, through the keyspace change hook: a Redis
 * write gives the item flags 0 and makes a CAS against it fail, as a change
 * through memcached would.
 *
 * Deliberately unlike memcached: DECR stores its result as it is, where
 * memcached pads a shorter number with spaces to the old length, which a
 * Redis client would then read as a string, not an integer.
 */
import type { Server } from '../server/server.js';
import { isString, stringOf, type ChangeSubscription, type Database } from '../store/keyspace.js';
import { flushDatabase } from '../commands/server.js';
import { BAD_FORMAT, KEY_MAX_LENGTH, cInt32, cUnsigned32, cUnsigned64, type StorageRequest } from './protocol.js';

/** Exptimes above 30 days are absolute Unix times, as memcached reads them (REALTIME_MAXDELTA). */
const RELATIVE_EXPTIME_MAX = 60 * 60 * 24 * 30;
const UINT64 = 1n << 64n;
/**
 * What VERSION reports: the memcached whose text protocol Keyhive follows
 * (Debian's, which the differential tests run beside it), marked as
 * Keyhive's. Clients read the leading numbers. The meta commands of 1.6
 * are not served: they answer ERROR, as unknown commands do.
 */
export const MEMCACHED_VERSION = '1.6.18-keyhive';

/** A deadline for an exptime: undefined for none, 'expired' for one already passed. */
type Deadline = number | undefined | 'expired';

/**
 * Where a request's replies go. A request with noreply sends nothing, errors
 * included, as memcached's; only the ERROR for a line it cannot read as the
 * command (a wrong number of tokens) is sent whatever it asked.
 */
export interface Replier {
  /** A reply line (without its CRLF). */
  send(line: string): void;
  /** A VALUE line and its data block. */
  value(key: string, flags: number, data: string, casUnique: bigint | null): void;
  /** ERROR: the line is no command memcached knows in that form. */
  unknown(): void;
}

/**
 * The commands (other than storage ones) whose last token may be noreply, as
 * memcached's set_noreply_maybe reads it, with the fewest tokens for which it
 * looks: `delete noreply` deletes a key named noreply.
 */
const NOREPLY_FROM_TOKENS = new Map([
  ['incr', 2],
  ['decr', 2],
  ['touch', 2],
  ['flush_all', 2],
  ['verbosity', 2],
  ['delete', 3],
]);

/** Whether a command line asks for noreply. */
export function asksNoreply(tokens: string[]): boolean {
  const fewest = NOREPLY_FROM_TOKENS.get(tokens[0]);
  return fewest !== undefined && tokens.length >= fewest && tokens[tokens.length - 1] === 'noreply';
}

/** Counters for `stats`, as memcached names them. */
class Stats {
  readonly counts = new Map<string, number>();

  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

export class MemcachedStore {
  private readonly flags = new Map<string, number>();
  private readonly casUniques = new Map<string, bigint>();
  private nextCas = 1n;
  private readonly changes: ChangeSubscription;
  readonly stats = new Stats();
  connections = 0;
  totalConnections = 0;
  private delayedFlush: NodeJS.Timeout | null = null;

  constructor(private readonly server: Server) {
    this.changes = server.keyspace.onChange((db, key, eventClass) => {
      if (db.index !== 0 || eventClass === 'm' || eventClass === 'n') return;
      if (key === null) {
        this.flags.clear();
        this.casUniques.clear();
      } else {
        this.flags.delete(key);
        this.casUniques.delete(key);
      }
      this.listenWhileKept();
    });
    this.listenWhileKept();
  }

  /** The change hook runs only while the side tables hold something for it to drop. */
  private listenWhileKept(): void {
    this.changes.listening = this.flags.size + this.casUniques.size > 0;
  }

  /** Deletes the key, reporting it as DEL does; false when there was none. */
  private remove(key: string): boolean {
    const db = this.db;
    if (!db.delete(key)) return false;
    db.changed(key, 'g', 'del');
    return true;
  }

  private get db(): Database {
    return this.server.keyspace.dbs[0];
  }

  /** Stops a delayed flush_all (the front end closes). */
  close(): void {
    if (this.delayedFlush !== null) clearTimeout(this.delayedFlush);
  }

  // ---- items ---------------------------------------------------------------

  /**
   * The item's data, or undefined: missing, expired, or a Redis type other
   * than a string. Retrievals read as Redis's GET does (keyspace hits and
   * misses); writes look up as Redis's writes do, uncounted.
   */
  private read(key: string, forWrite = false): string | undefined {
    const value = forWrite ? this.db.lookupWrite(key) : this.db.lookupRead(key);
    return value !== undefined && isString(value) ? stringOf(value) : undefined;
  }

  private flagsOf(key: string): number {
    return this.flags.get(key) ?? 0;
  }

  /** Writes the item; flags survive only the write that sets them (the change hook drops what the key had). */
  private write(key: string, data: string, flags: number, deadline: Deadline | 'keep', event: string): void {
    if (deadline === 'expired') {
      this.remove(key);
      return;
    }
    const db = this.db;
    db.set(key, data, deadline === 'keep', deadline === 'keep' ? undefined : deadline);
    db.changed(key, '$', event);
    if (deadline !== undefined && deadline !== 'keep') db.changed(key, 'g', 'expire');
    if (flags !== 0) {
      this.flags.set(key, flags);
      this.listenWhileKept();
    }
  }

  /** The CAS unique of an item, handed out on first asking and kept until the item changes. */
  private casOf(key: string): bigint {
    let unique = this.casUniques.get(key);
    if (unique === undefined) {
      unique = this.nextCas++;
      this.casUniques.set(key, unique);
      this.listenWhileKept();
    }
    return unique;
  }

  private deadline(exptime: number): Deadline {
    if (exptime === 0) return undefined;
    if (exptime < 0) return 'expired';
    const now = this.server.clock.now();
    const at = exptime > RELATIVE_EXPTIME_MAX ? exptime * 1000 : now + exptime * 1000;
    return at <= now ? 'expired' : at;
  }

  // ---- commands ------------------------------------------------------------

  /** set, add, replace, append, prepend, cas. */
  store(request: StorageRequest, reply: Replier): void {
    const { command, key, data } = request;
    this.stats.add('cmd_set');
    // Evicting first under maxmemory, as Redis does before a write; memcached's own words when nothing more can go.
    if (this.server.eviction.outOfMemory()) return reply.send('SERVER_ERROR out of memory storing object');
    const current = command === 'set' ? undefined : this.read(key, true);
    const found = current !== undefined;
    let outcome: string;
    if (command === 'cas') outcome = this.compareAndSwap(request, current);
    else if ((command === 'add' && found) || (command !== 'set' && command !== 'add' && !found)) outcome = 'NOT_STORED';
    else if (command === 'append' || command === 'prepend') {
      // The item keeps its flags and deadline; the request's are ignored, as in memcached.
      const flags = this.flagsOf(key);
      this.write(key, command === 'append' ? current + data : data + current, flags, 'keep', command);
      outcome = 'STORED';
    } else {
      this.write(key, data, request.flags, this.deadline(request.exptime), 'set');
      outcome = 'STORED';
    }
    reply.send(outcome);
  }

  /** A value over the item size limit; a set of one also removes what the key held, as memcached does so no stale value stays. */
  tooLarge(request: Omit<StorageRequest, 'data'>, reply: Replier): void {
    this.stats.add('cmd_set');
    if (request.command === 'set' && this.read(request.key, true) !== undefined) this.remove(request.key);
    reply.send('SERVER_ERROR object too large for cache');
  }

  private compareAndSwap(request: StorageRequest, current: string | undefined): string {
    const { key } = request;
    if (current === undefined) {
      this.stats.add('cas_misses');
      return 'NOT_FOUND';
    }
    if (this.casUniques.get(key) !== request.casUnique) {
      this.stats.add('cas_badval');
      return 'EXISTS';
    }
    this.stats.add('cas_hits');
    this.write(key, request.data, request.flags, this.deadline(request.exptime), 'set');
    return 'STORED';
  }

  /** get, gets, gat, gats. */
  retrieve(command: string, tokens: string[], reply: Replier): void {
    const touching = command === 'gat' || command === 'gats';
    const keys = tokens.slice(touching ? 2 : 1);
    // get needs a key; gat needs its exptime, and with no key answers END, as memcached does.
    if (tokens.length < 2) return reply.unknown();
    if (keys.some((key) => key.length > KEY_MAX_LENGTH)) return reply.send(BAD_FORMAT);
    let deadline: Deadline = undefined;
    if (touching) {
      const exptime = cInt32(tokens[1]);
      if (exptime === null) return reply.send('CLIENT_ERROR invalid exptime argument');
      deadline = this.deadline(exptime);
    }
    const withCas = command === 'gets' || command === 'gats';
    for (const key of keys) {
      this.stats.add('cmd_get');
      if (touching) this.stats.add('cmd_touch');
      const data = this.read(key);
      if (data === undefined) {
        this.stats.add('get_misses');
        if (touching) this.stats.add('touch_misses');
        continue;
      }
      this.stats.add('get_hits');
      const flags = this.flagsOf(key);
      const unique = withCas ? this.casOf(key) : null;
      if (touching) {
        this.stats.add('touch_hits');
        // An exptime already passed expires the item, but this reply still carries it, as memcached's does.
        this.touchItem(key, deadline);
      }
      reply.value(key, flags, data, unique);
    }
    reply.send('END');
  }

  /** Gives an existing item a new deadline; its flags and CAS unique stay, as memcached's touch leaves them. */
  private touchItem(key: string, deadline: Deadline): void {
    if (deadline === 'expired') {
      this.remove(key);
      return;
    }
    const db = this.db;
    const flags = this.flags.get(key);
    const unique = this.casUniques.get(key);
    if (deadline === undefined) {
      if (db.persist(key)) db.changed(key, 'g', 'persist');
    } else {
      db.setExpire(key, deadline);
      db.changed(key, 'g', 'expire');
    }
    if (flags !== undefined) this.flags.set(key, flags);
    if (unique !== undefined) this.casUniques.set(key, unique);
    this.listenWhileKept();
  }

  /** touch <key> <exptime> [noreply] (a fourth token other than noreply is ignored, as by memcached) */
  touch(tokens: string[], reply: Replier): void {
    if (tokens.length !== 3 && tokens.length !== 4) return reply.unknown();
    const [, key, exptime] = tokens;
    if (key.length > KEY_MAX_LENGTH) return reply.send(BAD_FORMAT);
    const seconds = cInt32(exptime);
    if (seconds === null) return reply.send('CLIENT_ERROR invalid exptime argument');
    this.stats.add('cmd_touch');
    const found = this.read(key, true) !== undefined;
    this.stats.add(found ? 'touch_hits' : 'touch_misses');
    if (found) this.touchItem(key, this.deadline(seconds));
    reply.send(found ? 'TOUCHED' : 'NOT_FOUND');
  }

  /** delete <key> [0] [noreply]: only a time of 0 is still accepted, as from memcached 1.4 on. */
  delete(tokens: string[], reply: Replier): void {
    if (tokens.length < 2 || tokens.length > 4) return reply.unknown();
    const [, key, time, last] = tokens;
    const noreply = tokens[tokens.length - 1] === 'noreply';
    const valid = tokens.length === 2 || (tokens.length === 3 && (time === '0' || noreply)) || (time === '0' && last === 'noreply');
    if (!valid) return reply.send(`${BAD_FORMAT}.  Usage: delete <key> [noreply]`);
    if (key.length > KEY_MAX_LENGTH) return reply.send(BAD_FORMAT);
    const found = this.read(key, true) !== undefined;
    if (found) this.remove(key);
    this.stats.add(found ? 'delete_hits' : 'delete_misses');
    reply.send(found ? 'DELETED' : 'NOT_FOUND');
  }

  /** incr|decr <key> <value> [noreply]: unsigned 64-bit arithmetic, incr wrapping and decr stopping at 0 (a fourth token other than noreply is ignored). */
  incrDecr(command: 'incr' | 'decr', tokens: string[], reply: Replier): void {
    if (tokens.length !== 3 && tokens.length !== 4) return reply.unknown();
    const [, key, deltaText] = tokens;
    if (key.length > KEY_MAX_LENGTH) return reply.send(BAD_FORMAT);
    const delta = cUnsigned64(deltaText);
    if (delta === null) return reply.send('CLIENT_ERROR invalid numeric delta argument');
    const current = this.read(key, true);
    if (current === undefined) {
      this.stats.add(`${command}_misses`);
      return reply.send('NOT_FOUND');
    }
    // Read as memcached reads the item's data, which a space may end.
    const value = cUnsigned64(current);
    if (value === null) return reply.send('CLIENT_ERROR cannot increment or decrement non-numeric value');
    this.stats.add(`${command}_hits`);
    const result = command === 'incr' ? (value + delta) % UINT64 : value > delta ? value - delta : 0n;
    this.write(key, result.toString(), this.flagsOf(key), 'keep', `${command}by`);
    reply.send(result.toString());
  }

  /** flush_all [delay] [noreply]: empties database 0, now or after delay seconds (a third token other than noreply is ignored). */
  flushAll(tokens: string[], reply: Replier): void {
    if (tokens.length > 3) return reply.unknown();
    const noreply = tokens[tokens.length - 1] === 'noreply';
    const args = tokens.slice(1, noreply ? -1 : 2);
    const delay = args.length === 1 ? cInt32(args[0]) : 0;
    if (delay === null) return reply.send('CLIENT_ERROR invalid exptime argument');
    this.stats.add('cmd_flush');
    if (this.delayedFlush !== null) clearTimeout(this.delayedFlush);
    this.delayedFlush = null;
    // The delay is read as an exptime: seconds from now, or a Unix time past 30 days.
    const at = this.deadline(delay);
    const flush = () => flushDatabase(this.server, this.db);
    if (typeof at !== 'number') flush();
    else {
      this.delayedFlush = setTimeout(() => {
        this.delayedFlush = null;
        flush();
      }, at - this.server.clock.now());
      this.delayedFlush.unref();
    }
    reply.send('OK');
  }

  /** verbosity <level> [noreply]: accepted and ignored, with memcached's replies. */
  verbosity(tokens: string[], reply: Replier): void {
    if (tokens.length < 2 || tokens.length > 3) return reply.unknown();
    reply.send(cUnsigned32(tokens[1]) === null ? BAD_FORMAT : 'OK');
  }

  /** stats (and stats reset): memcached's general statistics that Keyhive keeps. */
  statistics(tokens: string[], reply: Replier): void {
    if (tokens.length === 2 && tokens[1].toLowerCase() === 'reset') {
      this.stats.counts.clear();
      return reply.send('RESET');
    }
    if (tokens.length !== 1) return reply.unknown();
    const now = Date.now();
    const general: [string, string | number][] = [
      ['pid', process.pid],
      ['uptime', Math.floor((now - this.server.startedAt) / 1000)],
      ['time', Math.floor(now / 1000)],
      ['version', MEMCACHED_VERSION],
      ['pointer_size', 64],
      ['curr_connections', this.connections],
      ['total_connections', this.totalConnections],
      ...['cmd_get', 'cmd_set', 'cmd_flush', 'cmd_touch', 'get_hits', 'get_misses'].map((name): [string, number] => [name, this.stats.get(name)]),
      ...['delete', 'incr', 'decr', 'touch'].flatMap((name): [string, number][] => [
        [`${name}_misses`, this.stats.get(`${name}_misses`)],
        [`${name}_hits`, this.stats.get(`${name}_hits`)],
      ]),
      ['cas_misses', this.stats.get('cas_misses')],
      ['cas_hits', this.stats.get('cas_hits')],
      ['cas_badval', this.stats.get('cas_badval')],
      ['limit_maxbytes', this.server.config.getNumber('maxmemory')],
      ['threads', 1],
      ['curr_items', this.db.size],
    ];
    for (const [name, value] of general) reply.send(`STAT ${name} ${value}`);
    reply.send('END');
  }
}
