/**
 * Pub/Sub: channel, pattern and shard-channel subscriptions, message
 * delivery (RESP2 arrays or RESP3 pushes), and keyspace notifications, which
 * are published from the keyspace change hook (Redis's notify.c).
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import { GlobPattern } from '../store/glob.js';
import type { EventClass } from '../store/keyspace.js';
import { NOTIFY, parseKeyspaceEvents } from '../config.js';

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

/** Each event class's bit of notify-keyspace-events (0 for changes no notification reports). */
const CLASS_BITS = Object.fromEntries([...'g$lshzxetnmd-'].map((ch) => [ch, parseKeyspaceEvents(ch) ?? 0])) as Record<EventClass, number>;

export class PubSub {
  private readonly channels = new Map<string, Set<Client>>();
  private readonly shardChannels = new Map<string, Set<Client>>();
  private readonly patterns = new Map<string, PatternSubscribers>();
  /** notify-keyspace-events as Redis's bit flags. */
  private notifyFlags = 0;

  constructor(server: Server) {
    const changes = server.keyspace.onChange((db, key, eventClass, event) => {
      if (key !== null) this.notifyKeyspaceEvent(eventClass, event, key, db.index);
    });
    const readFlags = () => {
      this.notifyFlags = parseKeyspaceEvents(server.config.get('notify-keyspace-events')) ?? 0;
      changes.listening = this.notifyFlags !== 0;
      // Finding out whether a write adds a key costs a little, so the keyspace only reports it when asked to.
      server.keyspace.reportNewKeys = (this.notifyFlags & NOTIFY.newKey) !== 0;
    };
    readFlags();
    server.config.onChange((name) => {
      if (name === 'notify-keyspace-events') readFlags();
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
    // Counted first: a subscriber over its output buffer limit is dropped while the message is delivered.
    if (clients) {
      receivers += clients.size;
      for (const c of clients) deliver(c, ['message', channel, message]);
    }
    for (const [pattern, entry] of this.patterns) {
      if (!entry.glob.matches(channel)) continue;
      receivers += entry.clients.size;
      for (const c of entry.clients) deliver(c, ['pmessage', pattern, channel, message]);
    }
    return receivers;
  }

  publishShard(channel: string, message: string): number {
    const clients = this.shardChannels.get(channel);
    if (!clients) return 0;
    const receivers = clients.size;
    for (const c of clients) deliver(c, ['smessage', channel, message]);
    return receivers;
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

  /** Redis's notifyKeyspaceEvent. */
  private notifyKeyspaceEvent(eventClass: EventClass, event: string, key: string, db: number): void {
    if ((this.notifyFlags & CLASS_BITS[eventClass]) === 0) return;
    if (this.notifyFlags & NOTIFY.keyspace) this.publish(`__keyspace@${db}__:${key}`, event);
    if (this.notifyFlags & NOTIFY.keyevent) this.publish(`__keyevent@${db}__:${event}`, key);
  }
}

/** Writes an out-of-band message to c: pushes get through CLIENT REPLY OFF and SKIP (Redis's CLIENT_PUSHING). */
export function pushing(c: Client, write: () => void): void {
  const enabled = c.reply.enabled;
  c.reply.enabled = true;
  write();
  c.reply.enabled = enabled;
}

/** Writes a pub/sub message to a subscriber as a RESP3 push or RESP2 array of bulk strings. */
function deliver(c: Client, parts: string[]): void {
  pushing(c, () => {
    c.reply.pushHeader(parts.length);
    for (const p of parts) c.reply.bulk(p);
  });
}
