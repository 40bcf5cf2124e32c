/**
 * Pub/Sub: channel, pattern and shard-channel subscriptions, message
 * delivery (RESP2 arrays or RESP3 pushes), and keyspace notifications, which
 * are published from the keyspace change hook (Redis's notify.c).
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import { GlobPattern } from '../store/glob.js';
import type { EventClass } from '../store/keyspace.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** One client's subscriptions, created on its first SUBSCRIBE. */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shard = new Set<string>();

  of(kind: SubscriptionKind): Set<string> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shard;
  }

  /** What Redis reports in (un)subscribe replies: channels + patterns, or shard channels alone. */
  count(kind: SubscriptionKind): number {
    return kind === 'shard' ? this.shard.size : this.channels.size + this.patterns.size;
  }

  /** Whether the client is in RESP2 "subscribed" mode (Redis's CLIENT_PUBSUB flag). */
  get active(): boolean {
    return this.channels.size + this.patterns.size + this.shard.size > 0;
  }
}

interface PatternSubscribers {
  glob: GlobPattern;
  clients: Set<Client>;
}

/** notify-keyspace-events flag characters, in Redis's canonical order. */
const CLASS_FLAGS = 'g$lshzxetdn';
/** 'A' stands for these (not m, not n). */
const ALL_CLASSES = 'g$lshzxetd';

/** Parses notify-keyspace-events; null on an unknown flag character. */
export function parseNotifyFlags(value: string): Set<string> | null {
  const flags = new Set<string>();
  for (const ch of value) {
    if (ch === 'A') for (const c of ALL_CLASSES) flags.add(c);
    else if (CLASS_FLAGS.includes(ch) || ch === 'K' || ch === 'E' || ch === 'm') flags.add(ch);
    else return null;
  }
  return flags;
}

/** The canonical form CONFIG GET shows (Redis's keyspaceEventsFlagsToString). */
export function formatNotifyFlags(flags: Set<string>): string {
  let out = [...ALL_CLASSES].every((c) => flags.has(c)) ? 'A' + (flags.has('n') ? 'n' : '') : [...CLASS_FLAGS].filter((c) => flags.has(c)).join('');
  if (flags.has('K')) out += 'K';
  if (flags.has('E')) out += 'E';
  if (flags.has('m')) out += 'm';
  return out;
}

export class PubSub {
  private readonly channels = new Map<string, Set<Client>>();
  private readonly shardChannels = new Map<string, Set<Client>>();
  private readonly patterns = new Map<string, PatternSubscribers>();
  private notifyFlags = new Set<string>();

  constructor(private readonly server: Server) {
    const readFlags = () => {
      this.notifyFlags = parseNotifyFlags(server.config.get('notify-keyspace-events')) ?? new Set();
    };
    readFlags();
    server.config.onChange((name) => {
      if (name === 'notify-keyspace-events') readFlags();
    });
    server.keyspace.onChange((db, key, eventClass, event) => {
      if (key !== null && this.notifyFlags.size > 0) this.notifyKeyspaceEvent(eventClass, event, key, db.index);
    });
  }

  private registry(kind: 'channel' | 'shard'): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : this.shardChannels;
  }

  /** Adds a subscription; returns false when the client already had it. */
  subscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const subs = (c.subscriptions ??= new ClientSubscriptions());
    const mine = subs.of(kind);
    if (mine.has(name)) return false;
    mine.add(name);
    if (kind === 'pattern') {
      let entry = this.patterns.get(name);
      if (!entry) this.patterns.set(name, (entry = { glob: new GlobPattern(name), clients: new Set() }));
      entry.clients.add(c);
    } else {
      const reg = this.registry(kind);
      let clients = reg.get(name);
      if (!clients) reg.set(name, (clients = new Set()));
      clients.add(c);
    }
    return true;
  }

  /** Removes a subscription; returns false when the client did not have it. */
  unsubscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const mine = c.subscriptions?.of(kind);
    if (!mine?.delete(name)) return false;
    if (kind === 'pattern') {
      const entry = this.patterns.get(name);
      entry?.clients.delete(c);
      if (entry?.clients.size === 0) this.patterns.delete(name);
    } else {
      const reg = this.registry(kind);
      const clients = reg.get(name);
      clients?.delete(c);
      if (clients?.size === 0) reg.delete(name);
    }
    return true;
  }

  /** Drops every subscription of a client (disconnect, RESET). */
  unsubscribeAll(c: Client): void {
    const subs = c.subscriptions;
    if (!subs) return;
    for (const kind of ['channel', 'pattern', 'shard'] as const) for (const name of [...subs.of(kind)]) this.unsubscribe(c, kind, name);
  }

  /** Delivers a message; returns the number of receiving subscriptions (as PUBLISH replies). */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const clients = this.channels.get(channel);
    if (clients) {
      for (const c of clients) deliver(c, ['message', channel, message]);
      receivers += clients.size;
    }
    for (const [pattern, entry] of this.patterns) {
      if (!entry.glob.matches(channel)) continue;
      for (const c of entry.clients) deliver(c, ['pmessage', pattern, channel, message]);
      receivers += entry.clients.size;
    }
    return receivers;
  }

  publishShard(channel: string, message: string): number {
    const clients = this.shardChannels.get(channel);
    if (!clients) return 0;
    for (const c of clients) deliver(c, ['smessage', channel, message]);
    return clients.size;
  }

  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[] {
    const names = [...this.registry(kind).keys()];
    if (pattern === null) return names;
    const glob = new GlobPattern(pattern);
    return names.filter((n) => glob.matches(n));
  }

  subscriberCount(kind: 'channel' | 'shard', channel: string): number {
    return this.registry(kind).get(channel)?.size ?? 0;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  private notifyKeyspaceEvent(eventClass: EventClass, event: string, key: string, db: number): void {
    if (!this.notifyFlags.has(eventClass)) return;
    if (this.notifyFlags.has('K')) this.publish(`__keyspace@${db}__:${key}`, event);
    if (this.notifyFlags.has('E')) this.publish(`__keyevent@${db}__:${event}`, key);
  }
}

/** Writes a pub/sub message to a subscriber as a RESP3 push or RESP2 array of bulk strings. */
function deliver(c: Client, parts: string[]): void {
  const enabled = c.reply.enabled;
  c.reply.enabled = true; // CLIENT REPLY OFF does not silence pushes
  c.reply.pushHeader(parts.length);
  for (const p of parts) c.reply.bulk(p);
  c.reply.enabled = enabled;
}
