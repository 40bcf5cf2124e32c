/** DEBUG QUICKLIST-PACKED-THRESHOLD, which the Redis suite's list tests set: accepted and refused as Redis 7.0 does. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startKeyhive } from '../support/servers.js';
import type { RunningServer } from '../../src/index.js';

const REFUSED = '-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n';

describe('DEBUG QUICKLIST-PACKED-THRESHOLD', () => {
  let server: RunningServer;
  let client: RawClient;
  before(async () => {
    server = await startKeyhive({ config: { 'enable-debug-command': 'yes' } });
    client = await RawClient.connect(server.port);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  for (const size of ['1b', '0', '100mb', '4293918720']) {
    it(`accepts ${size}`, async () => {
      assert.equal(await client.callRaw('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', size), '+OK\r\n');
    });
  }

  for (const size of ['4293918721', '4gb', '-1', '1.5', 'abc']) {
    it(`refuses ${size}`, async () => {
      assert.equal(await client.callRaw('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', size), REFUSED);
    });
  }

  it('leaves lists of large elements working', async () => {
    await client.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1b');
    const big = 'v'.repeat(20000);
    assert.equal(await client.call('RPUSH', 'big', big, 'x', big), 3);
    assert.equal(await client.call('LINSERT', 'big', 'BEFORE', 'x', 'y'), 4);
    assert.deepEqual(await client.call('LRANGE', 'big', '1', '2'), ['y', 'x']);
    assert.equal(await client.call('LINDEX', 'big', '-1'), big);
  });
});
