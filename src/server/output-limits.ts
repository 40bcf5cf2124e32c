/**
 * Output buffer limits, Redis's client-output-buffer-limit: a client whose
 * pending output reaches its class's hard limit, or stays at or over the soft
 * limit for longer than the soft seconds, is disconnected and its pending
 * output dropped. This is what keeps a subscriber that never reads from
 * growing the server's memory without bound.
 *
 * Pending output is what the socket has not taken yet (writableLength) plus
 * the replies encoded this turn. It is checked when a turn's replies are
 * flushed, while one reply grows (the writer reports every slab it fills, so
 * a huge reply is cut short), and by the cron for the soft limit's clock.
 *
 * Classes are CLIENT LIST's types: pubsub for clients subscribed to
 * anything, normal otherwise (MONITOR clients too, as in Redis 7.0).
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import { clientType, type ClientType } from '../commands/client.js';

interface Limit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** Reads "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", the parameter's canonical form. */
function parseLimits(value: string): Record<ClientType, Limit> {
  const words = value.split(' ');
  const limitOf = (name: string): Limit => {
    const at = words.indexOf(name);
    return { hard: Number(words[at + 1]), soft: Number(words[at + 2]), softSeconds: Number(words[at + 3]) };
  };
  const normal = limitOf('normal');
  // A master link is limited like a normal client, as in Redis.
  return { normal, master: normal, replica: limitOf('slave'), pubsub: limitOf('pubsub') };
}

export class OutputLimits {
  private limits: Record<ClientType, Limit>;
  /** Clients at or over their soft limit, with the unix second they were first seen there. */
  private readonly overSoftSince = new Map<Client, number>();

  constructor(private readonly server: Server) {
    this.limits = parseLimits(server.config.get('client-output-buffer-limit'));
    server.config.onChange((name, value) => {
      if (name === 'client-output-buffer-limit') this.limits = parseLimits(value);
    });
  }

  /** Checks c with its pending output; closes it (true) when a limit is reached. */
  enforce(c: Client, pendingBytes: number): boolean {
    if (c.closed || !this.reached(c, pendingBytes)) return false;
    this.server.log('warning', `Client id=${c.id} addr=${c.addr} name=${c.name} closed for overcoming of output buffer limits.`);
    c.close();
    // A command still running for it (KEYS, EXEC) adds nothing more.
    c.reply.enabled = false;
    return true;
  }

  /** Redis's checkClientOutputBufferLimits, with its soft-limit clock. */
  private reached(c: Client, used: number): boolean {
    // As Redis, a client with nothing pending is not checked, and its soft-limit clock keeps running.
    if (used === 0) return false;
    const limit = this.limits[clientType(c)];
    if (limit.hard > 0 && used >= limit.hard) return true;
    if (limit.soft === 0 || used < limit.soft) {
      if (this.overSoftSince.size !== 0) this.overSoftSince.delete(c);
      return false;
    }
    const now = Math.floor(this.server.clock.now() / 1000);
    const since = this.overSoftSince.get(c);
    if (since === undefined) {
      this.overSoftSince.set(c, now);
      return false;
    }
    return now - since > limit.softSeconds;
  }

  /** The cron's check of clients over their soft limit: a client that stays there without new output still goes. */
  cron(): void {
    for (const c of this.overSoftSince.keys()) this.enforce(c, c.socket.writableLength + c.reply.pendingBytes);
  }

  forget(c: Client): void {
    this.overSoftSince.delete(c);
  }
}
