/**
 * Client eviction (maxmemory-clients), as Redis 7's evictClients: while the
 * buffers of all clients together reach the limit, connections are closed,
 * the one holding most first. A client with CLIENT NO-EVICT on, and a
 * MONITOR, is never evicted. The limit is bytes, or a percentage of
 * maxmemory (none without maxmemory), and never under 128 KB, so that a
 * small setting cannot cut every client off.
 */
import { clientBufferBytes } from '../store/memory.js';
import { infoLine } from '../commands/client.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

const MIN_LIMIT = 128 * 1024;

export class ClientEviction {
  /** Clients evicted (INFO stats evicted_clients). */
  evicted = 0;
  /** The limit in bytes, 0 for none; read again when maxmemory or maxmemory-clients change. */
  private limit = 0;

  constructor(private readonly server: Server) {
    this.readLimit();
    server.config.onChange((name) => {
      if (name === 'maxmemory' || name === 'maxmemory-clients') this.readLimit();
    });
  }

  /** Redis's getClientEvictionLimit: maxmemory-clients is bytes, or "N%" of maxmemory. */
  private readLimit(): void {
    const setting = this.server.config.get('maxmemory-clients');
    const maxmemory = this.server.config.getNumber('maxmemory');
    const bytes = setting.endsWith('%') ? Math.floor((maxmemory * Number(setting.slice(0, -1))) / 100) : Number(setting);
    this.limit = bytes === 0 ? 0 : Math.max(bytes, MIN_LIMIT);
  }

  /** After clients' buffers grew (a read, replies): evicts while they are over the limit. */
  enforce(): void {
    const memory = this.server.memory;
    if (this.limit === 0 || memory.clientBytes < this.limit) return;
    const largestFirst = [...this.server.clients.values()].filter((c) => this.evictable(c)).sort((a, b) => clientBufferBytes(b) - clientBufferBytes(a));
    for (const c of largestFirst) {
      if (memory.clientBytes < this.limit) return;
      this.server.log('notice', `Evicting client: ${infoLine(c, c, []).trimEnd()}`);
      c.close();
      this.evicted++;
    }
    if (memory.clientBytes >= this.limit) this.server.log('warning', 'Over client maxmemory after evicting all evictable clients');
  }

  private evictable(c: Client): boolean {
    return !c.closed && !c.noEvict && !this.server.monitors.has(c);
  }
}
