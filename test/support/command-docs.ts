/** COMMAND DOCS compared between Keyhive and redis-server, less what Keyhive leaves out. */
import type { DifferentialContext } from './differential.js';
import { RawClient } from './raw-client.js';
import type { RespValue } from './resp.js';

/** A COMMAND DOCS reply as sorted plain data, without the argument descriptions Keyhive leaves out. */
function withoutArguments(v: RespValue): unknown {
  if (v instanceof Map) {
    const entries = [...v].filter(([k]) => k !== 'arguments').map(([k, x]) => [k, withoutArguments(x)]);
    return entries.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  }
  if (v instanceof Set || Array.isArray(v)) return [...v].map(withoutArguments);
  return v;
}

/** Each server's COMMAND DOCS (RESP3) for each list of commands, argument descriptions left out. */
export async function commandDocs(t: DifferentialContext, ...lists: string[][]): Promise<{ keyhive: unknown[]; redis: unknown[] }> {
  const fetch = async (port: number): Promise<unknown[]> => {
    const c = await RawClient.connect(port);
    try {
      await c.call('HELLO', '3');
      const docs: unknown[] = [];
      for (const names of lists) docs.push(withoutArguments(await c.call('COMMAND', 'DOCS', ...names)));
      return docs;
    } finally {
      c.close();
    }
  };
  return { keyhive: await fetch(t.servers.keyhive().port), redis: await fetch(t.servers.redis().port) };
}
