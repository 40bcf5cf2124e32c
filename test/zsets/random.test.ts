/**
 * ZRANDMEMBER's properties, which a byte-for-byte comparison with Redis
 * cannot check: members come from the set with their own scores, a positive
 * count never repeats one, a negative count returns exactly that many, and
 * every member turns up (in both encodings, in RESP2 and RESP3).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';
import type { RespValue } from '../support/resp.js';

const SMALL = 20;
/** Past zset-max-listpack-entries (128): a skiplist. */
const LARGE = 300;

/** Score of member mI is I / 4. */
const scoreOf = (member: string): number => Number(member.slice(1)) / 4;

/** [member, score] pairs of a WITHSCORES reply: flat in RESP2, nested in RESP3. */
function pairsOf(reply: RespValue, protocol: 2 | 3): [string, number][] {
  assert.ok(Array.isArray(reply));
  if (protocol === 3) {
    return reply.map((pair) => {
      assert.ok(Array.isArray(pair) && pair.length === 2);
      assert.equal(typeof pair[1], 'number');
      return [pair[0] as string, pair[1] as number];
    });
  }
  const out: [string, number][] = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i] as string, Number(reply[i + 1])]);
  return out;
}

describe('ZRANDMEMBER', () => {
  let server: RunningServer;
  const clients: Record<2 | 3, RawClient> = {} as Record<2 | 3, RawClient>;

  before(async () => {
    server = await startKeyhive();
    clients[2] = await RawClient.connect(server.port);
    clients[3] = await RawClient.connect(server.port);
    await clients[3].call('HELLO', '3');
    for (const [key, size] of [
      ['small', SMALL],
      ['large', LARGE],
    ] as const) {
      await clients[2].call('ZADD', key, ...Array.from({ length: size }, (_, i) => [String(i / 4), `m${i}`]).flat());
    }
    assert.equal(await clients[2].call('OBJECT', 'ENCODING', 'small'), 'listpack');
    assert.equal(await clients[2].call('OBJECT', 'ENCODING', 'large'), 'skiplist');
  });

  after(async () => {
    clients[2]?.close();
    clients[3]?.close();
    await server?.close();
  });

  for (const protocol of [2, 3] as const) {
    for (const [key, size] of [
      ['small', SMALL],
      ['large', LARGE],
    ] as const) {
      it(`positive counts give distinct members with their scores (${key}, RESP${protocol})`, async () => {
        const c = clients[protocol];
        // Below size/3, near size (the two sampling strategies), size, and beyond.
        for (const count of [1, 3, Math.floor(size / 3) + 1, size - 1, size, size + 5]) {
          const pairs = pairsOf(await c.call('ZRANDMEMBER', key, count, 'WITHSCORES'), protocol);
          assert.equal(pairs.length, Math.min(count, size));
          assert.equal(new Set(pairs.map(([m]) => m)).size, pairs.length, `repeated member for count ${count}`);
          for (const [member, score] of pairs) assert.equal(score, scoreOf(member));
          const members = (await c.call('ZRANDMEMBER', key, count)) as string[];
          assert.equal(members.length, Math.min(count, size));
          assert.equal(new Set(members).size, members.length);
          for (const m of members) assert.ok(Number(m.slice(1)) < size, m);
        }
      });

      it(`negative counts give exactly that many members, repeats allowed (${key}, RESP${protocol})`, async () => {
        const c = clients[protocol];
        const pairs = pairsOf(await c.call('ZRANDMEMBER', key, -(size * 3), 'WITHSCORES'), protocol);
        assert.equal(pairs.length, size * 3);
        for (const [member, score] of pairs) assert.equal(score, scoreOf(member));
        assert.ok(new Set(pairs.map(([m]) => m)).size < pairs.length, 'three times the size without a repeat');
      });
    }
  }

  for (const [key, size] of [
    ['small', SMALL],
    ['large', LARGE],
  ] as const) {
    it(`every member turns up, about equally often (${key})`, async () => {
      const draws = size * 200;
      const seen = new Map<string, number>();
      for (const m of (await clients[2].call('ZRANDMEMBER', key, -draws)) as string[]) seen.set(m, (seen.get(m) ?? 0) + 1);
      assert.equal(seen.size, size);
      // 200 expected per member; a count outside 100..300 is a 7-sigma event for a uniform draw.
      for (const [m, n] of seen) assert.ok(n > 100 && n < 300, `${m} drawn ${n} times`);
    });

    it(`distinct samples cover the whole set over many calls (${key})`, async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 2000 && seen.size < size; i++) {
        for (const m of (await clients[2].call('ZRANDMEMBER', key, 5)) as string[]) seen.add(m);
      }
      assert.equal(seen.size, size);
    });

    it(`a single member without count is a member (${key})`, async () => {
      for (let i = 0; i < 20; i++) {
        const m = (await clients[2].call('ZRANDMEMBER', key)) as string;
        assert.ok(Number(m.slice(1)) < size && m.startsWith('m'), m);
      }
    });
  }
});
