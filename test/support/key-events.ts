/**
 * Keyspace events in a differential scenario: one connection drives the
 * commands while another records every event message matching a pattern, so
 * that event names, their order and the writes that stay silent all get
 * compared between Keyhive and redis-server.
 */
import type { Connect } from './differential.js';
import type { RawClient } from './raw-client.js';

const MARKER = 'end-of-test';

/** Reads pushed messages until the marker published last arrives. */
async function messagesUntilMarker(sub: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const message = await sub.readRaw();
    if (message.includes(MARKER)) return out;
    out.push(message);
  }
}

/**
 * With notify-keyspace-events set to flags and a subscriber on pattern, runs
 * drive(admin); returns the subscription replies, what drive returned, then
 * every event message in arrival order. Notifications are off again after.
 */
export async function recordKeyEvents(connect: Connect, flags: string, pattern: string, drive: (admin: RawClient) => Promise<string[]>): Promise<string[]> {
  const admin = await connect();
  const sub = await connect();
  const out = [await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', flags)];
  sub.send('PSUBSCRIBE', pattern);
  out.push(await sub.readRaw());
  sub.send('SUBSCRIBE', 'marker');
  out.push(await sub.readRaw());
  out.push(...(await drive(admin)));
  await admin.callRaw('PUBLISH', 'marker', MARKER);
  out.push(...(await messagesUntilMarker(sub)));
  out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', ''));
  return out;
}

/** Sends each command in turn and collects the raw replies. */
export async function callEach(c: RawClient, commands: string[][]): Promise<string[]> {
  const replies: string[] = [];
  for (const command of commands) replies.push(await c.callRaw(...command));
  return replies;
}

/** A command, or a pause (for a deadline to pass). */
export type EventStep = string[] | { sleep: number };

/**
 * A RESP3 client subscribed to its own keyspace events (subscribe: SUBSCRIBE
 * or PSUBSCRIBE and one argument per confirmation) runs the steps, with
 * notify-keyspace-events set to flags by another connection. Returns the
 * confirmations, then for each command its reply and event pushes in the
 * order they arrive (up to the answer of a PING sent after it).
 */
export async function recordOwnEvents(connect: Connect, flags: string, subscribe: string[], steps: EventStep[]): Promise<string[]> {
  const admin = await connect();
  const c = await connect();
  // HELLO's reply names the server's version and the client's id: only its type is compared.
  const out = [(await c.callRaw('HELLO', '3')).slice(0, 1)];
  out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', flags));
  try {
    c.send(...subscribe);
    for (let i = 1; i < subscribe.length; i++) out.push(await c.readRaw());
    for (const step of steps) {
      if ('sleep' in step) {
        await new Promise((r) => setTimeout(r, step.sleep));
        continue;
      }
      c.send(...step);
      c.send('PING');
      for (let frame = ''; frame !== '+PONG\r\n'; out.push(frame)) frame = await c.readRaw();
    }
  } finally {
    await admin.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
  return out;
}
