import type { RawClient } from './raw-client.js';

/** Waits until exactly n clients are blocked (INFO blocked_clients), so that what follows happens after they blocked or were served. */
export async function waitBlocked(admin: RawClient, n: number): Promise<void> {
  for (;;) {
    const info = String(await admin.call('INFO', 'clients'));
    if (Number(/blocked_clients:(\d+)/.exec(info)?.[1]) === n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
