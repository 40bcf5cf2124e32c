/**
 * Client-side caching, after Redis 7.0's tracking.c: CLIENT TRACKING and its
 * companions (CACHING, GETREDIR, TRACKINGINFO) and the invalidation messages.
 *
 * Default mode remembers, per key, the clients that read it with a readonly
 * command (the command table's key positions say which arguments are keys),
 * and tells each of them once when the key changes; then the key is forgotten
 * until read again. BCAST mode instead tells every client subscribed to a
 * prefix about every changed key under it, batched once per event-loop turn.
 *
 * Invalidations arrive as RESP3 pushes `>2 invalidate [keys]`, or, for a
 * client redirecting them (REDIRECT id) to a RESP2 connection in Pub/Sub mode,
 * as messages on the __redis__:invalidate channel. A flush invalidates
 * everything at once with a null instead of the key list.
 *
 * Like Redis, the table is global (not per database) and holds client IDs,
 * which are dropped lazily: a disconnected client costs nothing at close.
 * Changes come from the keyspace change hook; the client running the command
 * (dispatch's currentClient) gets invalidations of its own changes after its
 * reply, or none at all in NOLOOP mode.
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import type { ChangeSubscription, Database, EventClass } from '../store/keyspace.js';
import { keyPositions, type Command } from '../commands/table.js';
import { SYNTAX_ERROR, cString, fail, isKeyword, parseInteger } from '../commands/args.js';
import { currentClient } from '../commands/dispatch.js';
import { pushing } from './pubsub.js';

/** The channel a RESP2 connection subscribes to when it receives another client's invalidations. */
const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** One client's tracking mode (Redis's CLIENT_TRACKING_* flags), present while tracking is on. */
export class ClientTracking {
  /** Client ID receiving the invalidations; 0 = this connection. */
  redirect = 0;
  /** The redirect client is gone (Redis's CLIENT_TRACKING_BROKEN_REDIR). */
  brokenRedirect = false;
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given for the next command. */
  caching = false;
  /** BCAST prefixes. */
  readonly prefixes = new Set<string>();

  /** Redis's resetClient: CLIENT CACHING covers one command, or the transaction it opens. */
  commandDone(c: Client, argv: string[]): void {
    if (this.caching && c.multi === null && !isKeyword(argv[0], 'client')) this.caching = false;
  }

  /** Whether a read by this client is remembered (OPTIN needs CACHING yes, OPTOUT is off with CACHING no). */
  get remembersReads(): boolean {
    return !this.bcast && (this.optin ? this.caching : !(this.optout && this.caching));
  }
}

/** One BCAST prefix: its clients, and the keys changed under it since the last broadcast with who changed them. */
interface PrefixState {
  readonly prefix: string;
  readonly clients: Set<Client>;
  readonly changed: Map<string, Client | null>;
}

interface TrackingRequest {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

export class Tracking {
  /** key -> IDs of clients that may hold it (Redis's TrackingTable). */
  private readonly table = new Map<string, Set<number>>();
  /** IDs over all keys of the table (tracking_total_items). */
  private items = 0;
  private readonly prefixTable = new Map<string, PrefixState>();
  /** Prefixes with changed keys waiting for the broadcast. */
  private readonly dirtyPrefixes = new Set<PrefixState>();
  private broadcastQueued = false;
  /** Clients with tracking on. */
  private readonly clients = new Set<Client>();
  /** Listening while tracking has clients or entries. */
  private readonly changes: ChangeSubscription;
  /** Invalidations for the running client's own changes, sent after its reply (null: everything). */
  private pending: (string | null)[] = [];
  private maxKeys = 0;
  /** Rounds in a row that ended over tracking-table-max-keys: each round works harder. */
  private overLimitRounds = 0;

  constructor(private readonly server: Server) {
    const readConfig = () => (this.maxKeys = server.config.getNumber('tracking-table-max-keys'));
    readConfig();
    server.config.onChange((name) => {
      if (name === 'tracking-table-max-keys') readConfig();
    });
    this.changes = server.keyspace.onChange((db, key, eventClass, event) => {
      if (this.clients.size === 0 && this.table.size === 0 && this.prefixTable.size === 0) {
        // Enabling tracking listens again; until then a write costs tracking nothing.
        this.changes.listening = false;
        return;
      }
      // Entries of clients gone since are cleaned up too, as Redis does.
      if (key === null || this.table.size !== 0 || this.prefixTable.size !== 0) this.keyspaceChanged(db, key, eventClass, event);
    });
    server.commandObservers.push((c, cmd, argv) => {
      if (c.tracking?.remembersReads) this.rememberKeys(c, cmd, argv);
    });
  }

  get clientCount(): number {
    return this.clients.size;
  }

  get totalKeys(): number {
    return this.table.size;
  }

  get totalItems(): number {
    return this.items;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  // ---- turning tracking on and off ----------------------------------------

  private enable(c: Client, request: TrackingRequest): void {
    this.changes.listening = true;
    let t = c.tracking;
    if (t === null) {
      t = c.tracking = new ClientTracking();
      this.clients.add(c);
    }
    t.redirect = request.redirect;
    t.brokenRedirect = false;
    t.bcast = request.bcast;
    t.optin = request.optin;
    t.optout = request.optout;
    t.noloop = request.noloop;
    if (!request.bcast) return;
    if (request.prefixes.length === 0) this.subscribePrefix(c, t, '');
    for (const prefix of request.prefixes) this.subscribePrefix(c, t, prefix);
  }

  private subscribePrefix(c: Client, t: ClientTracking, prefix: string): void {
    let state = this.prefixTable.get(prefix);
    if (state === undefined) this.prefixTable.set(prefix, (state = { prefix, clients: new Set(), changed: new Map() }));
    state.clients.add(c);
    t.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET and disconnection. The table keeps the client's ID until those keys change. */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const prefix of t.prefixes) {
      const state = this.prefixTable.get(prefix) as PrefixState;
      state.clients.delete(c);
      if (state.clients.size === 0) {
        this.prefixTable.delete(prefix);
        this.dirtyPrefixes.delete(state);
      }
    }
    c.tracking = null;
    this.clients.delete(c);
  }

  // ---- remembering reads ------------------------------------------------------

  /** After a readonly command (Redis's trackingRememberKeys): remember c as a holder of the keys it named. */
  private rememberKeys(c: Client, cmd: Command, argv: string[]): void {
    const flags = cmd.spec.flags;
    if (!flags.includes('readonly') || flags.includes('pubsub')) return;
    for (const i of keyPositions(cmd, argv)) {
      const key = argv[i];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (ids.size !== ids.add(c.id).size) this.items++;
    }
  }

  // ---- invalidating -------------------------------------------------------------

  private keyspaceChanged(db: Database, key: string | null, eventClass: EventClass, event: string): void {
    if (key === null) {
      // FLUSHALL reports every database; Redis invalidates everything once. SWAPDB invalidates nothing.
      if (event === 'flushdb' || (event === 'flushall' && db.index === 0)) this.invalidateAll();
      return;
    }
    // A miss changes nothing, and a new key is reported again by the command that added it.
    if (eventClass === 'm' || eventClass === 'n') return;
    // Expiry and eviction are nobody's change: even a NOLOOP client hears about them in BCAST mode.
    const modifier = eventClass === 'x' || eventClass === 'e' ? null : currentClient();
    this.invalidateKey(key, modifier, true);
  }

  /** Redis's trackingInvalidateKey: tells the key's holders it changed, and forgets them. */
  private invalidateKey(key: string, modifier: Client | null, broadcast: boolean): void {
    if (broadcast && this.prefixTable.size !== 0) this.rememberForBroadcast(key, modifier);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.items -= ids.size;
    const running = currentClient();
    for (const id of ids) {
      const target = this.server.clients.get(id);
      const t = target?.tracking;
      // An ID left from an earlier tracking session of a client now in BCAST mode is stale too.
      if (target === undefined || !t || t.bcast) continue;
      if (target === running) {
        if (!t.noloop) this.pending.push(key);
      } else this.send(target, [key]);
    }
  }

  /** A flush: every tracking client drops its whole cache, and the table starts over. */
  private invalidateAll(): void {
    const running = currentClient();
    for (const c of this.clients) {
      if (c === running) this.pending.push(null);
      else this.send(c, null);
    }
    this.table.clear();
    this.items = 0;
  }

  /** Sends the running client the invalidations of its own changes, after its reply (Redis's afterCommand). */
  afterCommand(c: Client): void {
    if (this.pending.length === 0) return;
    const keys = this.pending;
    this.pending = [];
    if (c.tracking === null || c.closed) return;
    for (const key of keys) this.send(c, key === null ? null : [key]);
  }

  /**
   * Before each command and from the cron (Redis's trackingLimitUsedSlots):
   * over tracking-table-max-keys, forget keys, oldest first, telling their
   * holders as if the keys changed. Each round that ends still over the limit
   * makes the next one work harder.
   */
  limitTableSize(): void {
    if (this.maxKeys === 0 || this.table.size <= this.maxKeys) {
      this.overLimitRounds = 0;
      return;
    }
    let effort = 100 * (this.overLimitRounds + 1);
    for (const key of this.table.keys()) {
      this.invalidateKey(key, null, false);
      if (this.table.size <= this.maxKeys) {
        this.overLimitRounds = 0;
        return;
      }
      if (--effort === 0) break;
    }
    this.overLimitRounds++;
  }

  // ---- broadcasting ---------------------------------------------------------------

  private rememberForBroadcast(key: string, modifier: Client | null): void {
    for (const [prefix, state] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      state.changed.set(key, modifier);
      this.dirtyPrefixes.add(state);
    }
    if (!this.broadcastQueued && this.dirtyPrefixes.size !== 0) {
      this.broadcastQueued = true;
      queueMicrotask(() => this.broadcast());
    }
  }

  /** Once per turn, as Redis's beforeSleep: each prefix's changed keys go to its clients; prefixes and keys in byte order, as Redis's radix trees keep them. */
  private broadcast(): void {
    this.broadcastQueued = false;
    const dirty = [...this.dirtyPrefixes].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
    for (const state of dirty) {
      const keys = [...state.changed.keys()].sort();
      for (const c of state.clients) {
        // NOLOOP: not the keys this client changed last.
        const mine = c.tracking?.noloop ? keys.filter((k) => state.changed.get(k) !== c) : keys;
        if (mine.length !== 0) this.send(c, mine);
      }
      state.changed.clear();
    }
    this.dirtyPrefixes.clear();
  }

  // ---- messages ---------------------------------------------------------------------

  /**
   * Redis's sendTrackingMessage: keys (null: all keys) to c, or to the client
   * it redirects to. Pushes get through CLIENT REPLY OFF.
   */
  private send(c: Client, keys: readonly string[] | null): void {
    const t = c.tracking as ClientTracking;
    let to = c;
    if (t.redirect !== 0) {
      const target = this.server.clients.get(t.redirect);
      if (target === undefined) {
        t.brokenRedirect = true;
        if (c.protocol === 3) pushing(c, () => {
          c.reply.pushHeader(2);
          c.reply.bulk('tracking-redir-broken');
          c.reply.integer(t.redirect);
        });
        return;
      }
      to = target;
    }
    // RESP2 has no pushes: only a redirect to a connection in Pub/Sub mode can carry them.
    if (to.protocol === 2 && (t.redirect === 0 || !to.subscriptions?.active)) return;
    pushing(to, () => {
      const reply = to.reply;
      if (to.protocol === 3) {
        reply.pushHeader(2);
        reply.bulk('invalidate');
      } else {
        reply.pushHeader(3);
        reply.bulk('message');
        reply.bulk(INVALIDATE_CHANNEL);
      }
      // As Redis, "everything" is the null of the tracking client's own protocol, whatever the receiver speaks.
      if (keys === null) reply.raw(c.protocol === 3 ? '_\r\n' : '$-1\r\n');
      else reply.bulkArray(keys);
    });
  }

  // ---- CLIENT TRACKING ------------------------------------------------------------------

  /** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP], checked as Redis does. */
  command(c: Client, argv: string[]): void {
    const request = this.parseRequest(argv);
    if (isKeyword(argv[2], 'on')) {
      this.checkRequest(c, request);
      this.enable(c, request);
    } else if (isKeyword(argv[2], 'off')) this.disable(c);
    else fail(SYNTAX_ERROR);
    c.reply.ok();
  }

  private parseRequest(argv: string[]): TrackingRequest {
    const request: TrackingRequest = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
    for (let i = 3; i < argv.length; i++) {
      const option = argv[i].toLowerCase();
      const hasValue = i + 1 < argv.length;
      if (option === 'redirect' && hasValue) {
        if (request.redirect !== 0) fail('ERR A client can only redirect to a single other client');
        request.redirect = parseInteger(argv[++i]);
        // The target must exist now, even if it may go away later.
        if (!this.server.clients.has(request.redirect)) fail('ERR The client ID you want redirect to does not exist');
      } else if (option === 'bcast') request.bcast = true;
      else if (option === 'optin') request.optin = true;
      else if (option === 'optout') request.optout = true;
      else if (option === 'noloop') request.noloop = true;
      else if (option === 'prefix' && hasValue) request.prefixes.push(argv[++i]);
      else fail(SYNTAX_ERROR);
    }
    return request;
  }

  private checkRequest(c: Client, request: TrackingRequest): void {
    const t = c.tracking;
    if (!request.bcast && request.prefixes.length !== 0) fail('ERR PREFIX option requires BCAST mode to be enabled');
    if (t !== null && t.bcast !== request.bcast) {
      fail('ERR You can\'t switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.');
    }
    if (request.bcast && (request.optin || request.optout)) fail('ERR OPTIN and OPTOUT are not compatible with BCAST');
    if (request.optin && request.optout) fail("ERR You can't specify both OPTIN mode and OPTOUT mode");
    if (t !== null && ((request.optin && t.optout) || (request.optout && t.optin))) {
      fail("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if (request.bcast) checkPrefixOverlaps(t?.prefixes ?? new Set(), request.prefixes);
  }
}

/** Two prefixes overlap when one starts the other: a key under both would be reported twice. */
function overlaps(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** Redis's checkPrefixCollisionsOrReply: new prefixes may overlap neither the client's current ones nor each other. */
function checkPrefixOverlaps(current: ReadonlySet<string>, added: string[]): void {
  const existingPrefixes = [...current].sort();
  for (let i = 0; i < added.length; i++) {
    for (const existing of existingPrefixes) {
      if (overlaps(existing, added[i])) {
        fail(`ERR Prefix '${cString(added[i])}' overlaps with an existing prefix '${cString(existing)}'. Prefixes for a single client must not overlap.`);
      }
    }
    for (let j = i + 1; j < added.length; j++) {
      if (overlaps(added[i], added[j])) {
        fail(`ERR Prefix '${cString(added[i])}' overlaps with another provided prefix '${cString(added[j])}'. Prefixes for a single client must not overlap.`);
      }
    }
  }
}

// ---- CLIENT CACHING, GETREDIR, TRACKINGINFO --------------------------------------------

/** CLIENT TRACKING ON|OFF ... */
export function clientTracking(c: Client, argv: string[]): void {
  c.server.tracking.command(c, argv);
}

/** CLIENT CACHING YES|NO: whether the next command's reads are remembered, in OPTIN/OPTOUT mode. */
export function clientCaching(c: Client, argv: string[]): void {
  const t = c.tracking;
  if (t === null) fail('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  if (isKeyword(argv[2], 'yes')) {
    if (!t.optin) fail('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (isKeyword(argv[2], 'no')) {
    if (!t.optout) fail('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else fail(SYNTAX_ERROR);
  t.caching = true;
  c.reply.ok();
}

/** The redirect ID as GETREDIR and TRACKINGINFO show it: -1 when tracking is off, 0 when not redirecting. */
export function trackingRedirect(c: Client): number {
  return c.tracking?.redirect ?? -1;
}

export function clientGetRedir(c: Client): void {
  c.reply.integer(trackingRedirect(c));
}

function trackingFlags(t: ClientTracking | null): string[] {
  if (t === null) return ['off'];
  const flags = ['on'];
  if (t.bcast) flags.push('bcast');
  if (t.optin) flags.push('optin', ...(t.caching ? ['caching-yes'] : []));
  if (t.optout) flags.push('optout', ...(t.caching ? ['caching-no'] : []));
  if (t.noloop) flags.push('noloop');
  if (t.brokenRedirect) flags.push('broken_redirect');
  return flags;
}

export function clientTrackingInfo(c: Client): void {
  const reply = c.reply;
  const flags = trackingFlags(c.tracking);
  reply.mapHeader(3);
  reply.bulk('flags');
  reply.setHeader(flags.length);
  for (const flag of flags) reply.bulk(flag);
  reply.bulk('redirect');
  reply.integer(trackingRedirect(c));
  reply.bulk('prefixes');
  reply.bulkArray([...(c.tracking?.prefixes ?? [])].sort());
}

/** CLIENT LIST flags: t tracking, R broken redirect, B broadcast. */
export function trackingListFlags(c: Client): string {
  const t = c.tracking;
  if (t === null) return '';
  return `t${t.brokenRedirect ? 'R' : ''}${t.bcast ? 'B' : ''}`;
}
