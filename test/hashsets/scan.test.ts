/**
 * HSCAN and SSCAN over hashtables: cursors differ from Redis's (the hash
 * function differs), so instead of comparing replies these tests check
 * SCAN's guarantee: every element present from start to end of a full
 * iteration is returned, even while the table grows or shrinks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

describe('HSCAN and SSCAN full iterations', () => {
  let server: RunningServer;
  let c: RawClient;
  before(async () => {
    server = await startKeyhive();
    c = await RawClient.connect(server.port);
  });
  after(async () => {
    c.close();
    await server.close();
  });

  /** Runs a whole scan; `between` runs after every call. Returns the elements seen (pairs for HSCAN). */
  async function scanAll(command: 'HSCAN' | 'SSCAN', key: string, options: string[], between?: (step: number) => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let cursor = '0';
    for (let step = 0; ; step++) {
      const reply = await c.call(command, key, cursor, ...options);
      assert.ok(Array.isArray(reply) && reply.length === 2);
      const [next, elements] = reply as [string, string[]];
      seen.push(...elements);
      cursor = next;
      if (cursor === '0') return seen;
      assert.ok(step < 100000, 'the scan never ends');
      await between?.(step);
    }
  }

  const members = Array.from({ length: 1000 }, (_, i) => `member:${i}`);

  for (const count of ['1', '10', '100']) {
    it(`SSCAN with COUNT ${count} returns every member`, async () => {
      await c.call('DEL', 's');
      await c.call('SADD', 's', ...members);
      const seen = new Set(await scanAll('SSCAN', 's', ['COUNT', count]));
      assert.deepEqual([...seen].sort(), [...members].sort());
    });
  }

  it('HSCAN returns every field with its value', async () => {
    await c.call('DEL', 'h');
    await c.call('HSET', 'h', ...members.flatMap((m, i) => [m, `value:${i}`]));
    const flat = await scanAll('HSCAN', 'h', ['COUNT', '20']);
    assert.equal(flat.length % 2, 0);
    const fields = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
    assert.equal(fields.size, members.length);
    for (const [i, m] of members.entries()) assert.equal(fields.get(m), `value:${i}`);
  });

  it('MATCH filters what a full iteration returns', async () => {
    await c.call('DEL', 's');
    await c.call('SADD', 's', ...members);
    const seen = new Set(await scanAll('SSCAN', 's', ['MATCH', 'member:1*', 'COUNT', '50']));
    assert.deepEqual([...seen].sort(), members.filter((m) => m.startsWith('member:1')).sort());
  });

  it('members present throughout are returned while the set grows and shrinks', async () => {
    await c.call('DEL', 's');
    const stable = members.slice(0, 300);
    await c.call('SADD', 's', ...stable);
    const seen = new Set(
      await scanAll('SSCAN', 's', ['COUNT', '5'], async (step) => {
        // Grow the table a lot early on, then shrink it back.
        if (step < 20) await c.call('SADD', 's', ...Array.from({ length: 200 }, (_, i) => `extra:${step}:${i}`));
        else if (step < 40) await c.call('SREM', 's', ...Array.from({ length: 200 }, (_, i) => `extra:${step - 20}:${i}`));
      }),
    );
    for (const m of stable) assert.ok(seen.has(m), `${m} was missed`);
  });

  it('small encodings come back whole with cursor 0, whatever the cursor', async () => {
    await c.call('DEL', 'small', 'ints');
    await c.call('HSET', 'small', 'a', '1', 'b', '2');
    await c.call('SADD', 'ints', '3', '1', '2');
    assert.deepEqual(await c.call('HSCAN', 'small', '99', 'COUNT', '1'), ['0', ['a', '1', 'b', '2']]);
    assert.deepEqual(await c.call('SSCAN', 'ints', '12345'), ['0', ['1', '2', '3']]);
  });
});
