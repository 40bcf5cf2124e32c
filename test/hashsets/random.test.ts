/**
 * HRANDFIELD, SRANDMEMBER and SPOP answer at random, so Redis cannot be
 * compared reply for reply: these tests check the properties Redis promises,
 * in both encodings of each type and in both protocols.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

const LONG_VALUE = 'v'.repeat(100);

function strings(reply: RespValue): string[] {
  const items = reply instanceof Set ? [...reply] : reply;
  assert.ok(Array.isArray(items), `expected an array, got ${String(reply)}`);
  for (const item of items) assert.equal(typeof item, 'string');
  return items as string[];
}

function assertDistinct(items: string[]): void {
  assert.equal(new Set(items).size, items.length, `repeated items in ${items.join(',')}`);
}

function assertSubset(items: string[], of: Iterable<string>): void {
  const all = new Set(of);
  for (const item of items) assert.ok(all.has(item), `${item} is not a member`);
}

/** Draws until every member has been seen (bounded, so a broken sampler fails instead of hanging). */
async function drawsCoverAll(draw: () => Promise<string>, members: string[]): Promise<boolean> {
  const seen = new Set<string>();
  for (let i = 0; i < 2000 && seen.size < members.length; i++) seen.add(await draw());
  return seen.size === members.length;
}

describe('random replies of hashes and sets', () => {
  let server: RunningServer;
  let c: RawClient;
  before(async () => {
    // Room for a 1000-field listpack, to sample big listpacks too.
    server = await startKeyhive({ config: { 'hash-max-listpack-entries': 1024 } });
    c = await RawClient.connect(server.port);
  });
  after(async () => {
    c.close();
    await server.close();
  });

  /** A hash with `size` fields in the given encoding; returns field -> value. */
  async function makeHash(key: string, size: number, encoding: 'listpack' | 'hashtable'): Promise<Map<string, string>> {
    await c.call('DEL', key);
    const fields = new Map<string, string>();
    for (let i = 0; i < size; i++) fields.set(`field:${i}`, i === 0 && encoding === 'hashtable' ? LONG_VALUE : `value:${i}`);
    await c.call('HSET', key, ...[...fields].flat());
    assert.equal(await c.call('OBJECT', 'ENCODING', key), encoding);
    return fields;
  }

  /** A set with `size` members in the given encoding. */
  async function makeSet(key: string, size: number, encoding: 'intset' | 'hashtable'): Promise<string[]> {
    await c.call('DEL', key);
    const members = Array.from({ length: size }, (_, i) => (encoding === 'intset' ? String(i * 7 - 20) : `m${i}`));
    await c.call('SADD', key, ...members);
    assert.equal(await c.call('OBJECT', 'ENCODING', key), encoding);
    return members;
  }

  for (const protocol of [2, 3] as const) {
    describe(`RESP${protocol}`, () => {
      before(async () => {
        await c.call('HELLO', String(protocol));
      });

      for (const encoding of ['listpack', 'hashtable'] as const) {
        for (const size of [5, 1000]) {
          it(`HRANDFIELD on a ${size}-field ${encoding}`, async () => {
            const hash = await makeHash('h', size, encoding);
            const fields = [...hash.keys()];
            if (size === 5) assert.ok(await drawsCoverAll(async () => (await c.call('HRANDFIELD', 'h')) as string, fields));
            for (const count of [1, 3, Math.floor(size / 2), size - 1, size, size + 10]) {
              const picked = strings(await c.call('HRANDFIELD', 'h', String(count)));
              assert.equal(picked.length, Math.min(count, size));
              assertDistinct(picked);
              assertSubset(picked, fields);
            }
            const repeated = strings(await c.call('HRANDFIELD', 'h', String(-3 * size)));
            assert.equal(repeated.length, 3 * size);
            assertSubset(repeated, fields);
            assert.ok(new Set(repeated).size < repeated.length, 'a negative count beyond the size must repeat fields');
          });

          it(`HRANDFIELD WITHVALUES on a ${size}-field ${encoding} pairs fields with their values`, async () => {
            const hash = await makeHash('h', size, encoding);
            for (const count of ['3', '-7', String(size + 1)]) {
              const reply = await c.call('HRANDFIELD', 'h', count, 'WITHVALUES');
              assert.ok(Array.isArray(reply));
              const pairs: [string, string][] = [];
              if (protocol === 3) {
                for (const pair of reply) pairs.push(strings(pair) as [string, string]);
              } else {
                const flat = strings(reply);
                for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
              }
              const n = Number(count);
              assert.equal(pairs.length, n < 0 ? -n : Math.min(n, size));
              for (const [field, value] of pairs) assert.equal(hash.get(field), value);
              if (n > 0) assertDistinct(pairs.map(([field]) => field));
            }
          });
        }
      }

      for (const encoding of ['intset', 'hashtable'] as const) {
        for (const size of [5, 300]) {
          it(`SRANDMEMBER on a ${size}-member ${encoding}`, async () => {
            const members = await makeSet('s', size, encoding);
            if (size === 5) assert.ok(await drawsCoverAll(async () => (await c.call('SRANDMEMBER', 's')) as string, members));
            for (const count of [1, 2, Math.floor(size / 4), Math.floor(size / 2), size - 1, size, size + 3]) {
              const picked = strings(await c.call('SRANDMEMBER', 's', String(count)));
              assert.equal(picked.length, Math.min(count, size));
              assertDistinct(picked);
              assertSubset(picked, members);
            }
            const repeated = strings(await c.call('SRANDMEMBER', 's', String(-2 * size)));
            assert.equal(repeated.length, 2 * size);
            assertSubset(repeated, members);
            assert.ok(new Set(repeated).size < repeated.length, 'a negative count beyond the size must repeat members');
            assert.equal(await c.call('SCARD', 's'), size, 'SRANDMEMBER must not remove members');
          });

          it(`SPOP on a ${size}-member ${encoding} removes what it returns`, async () => {
            const members = await makeSet('s', size, encoding);
            const remaining = new Set(members);
            const one = (await c.call('SPOP', 's')) as string;
            assert.ok(remaining.delete(one));
            for (const count of [1, 2, Math.floor(size / 5), Math.floor(size / 3)]) {
              const popped = strings(await c.call('SPOP', 's', String(count)));
              assert.equal(popped.length, Math.min(count, remaining.size));
              assertDistinct(popped);
              for (const member of popped) assert.ok(remaining.delete(member), `${member} popped twice or never there`);
              assert.equal(await c.call('SCARD', 's'), remaining.size);
            }
            const rest = strings(await c.call('SPOP', 's', String(remaining.size + 1)));
            assert.deepEqual(new Set(rest), remaining);
            assert.equal(await c.call('EXISTS', 's'), 0, 'an emptied set is deleted');
          });
        }
      }
    });
  }

  it('SPOP with a count close to the size leaves the right members', async () => {
    const members = await makeSet('s', 100, 'hashtable');
    const popped = strings(await c.call('SPOP', 's', '95'));
    const left = strings(await c.call('SMEMBERS', 's'));
    assert.equal(left.length, 5);
    assert.deepEqual(new Set([...popped, ...left]), new Set(members));
  });
});

describe('huge negative counts', () => {
  let server: RunningServer;
  before(async () => {
    server = await startKeyhive({ config: { 'client-output-buffer-limit': 'normal 1mb 0 0' } });
  });
  after(async () => {
    await server.close();
  });

  for (const command of [['SADD', 'k', 'a', 'b'], ['HSET', 'k', 'f', 'v']]) {
    const random = command[0] === 'SADD' ? ['SRANDMEMBER', 'k', '-1000000000000'] : ['HRANDFIELD', 'k', '-1000000000000', 'WITHVALUES'];
    it(`${random[0]} stops once the output buffer limit closes the client`, async () => {
      const c = await RawClient.connect(server.port);
      await c.call('DEL', 'k');
      await c.call(...command);
      c.send(...random);
      await c.waitClosed(30000);
      const other = await RawClient.connect(server.port);
      assert.equal(await other.call('PING'), 'PONG');
      other.close();
    });
  }
});
