/**
 * ACL users as applications meet them: ioredis and node-redis (RESP2 and
 * RESP3) and redis-py log in with a username and password, see NOPERM
 * outside their rules and WRONGPASS with a wrong password; CLIENT LIST shows
 * the user and CLIENT KILL USER / ACL DELUSER disconnect it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startKeyhive, startRedis } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import { runProcess } from '../clients/run-process.js';
import type { RunningServer } from '../../src/index.js';

const KEY_DENIED = 'NOPERM this user has no permissions to access one of the keys used as arguments';

/** For assert.rejects: the error's message is exactly this. */
const message = (text: string) => (e: Error) => e.message === text;

let server: RunningServer;
let admin: RawClient;

before(async () => {
  server = await startKeyhive();
  admin = await RawClient.connect(server.port);
  assert.equal(await admin.call('ACL', 'SETUSER', 'app', 'on', '>app-secret', '~app:*', '&app:*', '+@all', '-@dangerous'), 'OK');
});
after(async () => {
  admin?.close();
  await server?.close();
});

function ioredis(password: string, protocol: 2 | 3 = 2): Redis {
  const redis = new Redis({ host: '127.0.0.1', port: server.port, username: 'app', password, protocol, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  return redis;
}

/** The user= field of the CLIENT LIST line of the connection named name. */
async function listedUser(name: string): Promise<string | undefined> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  return line?.match(/ user=(\S*)/)?.[1];
}

for (const protocol of [2, 3] as const) {
  describe(`ioredis, RESP${protocol}`, () => {
    it('logs in as the user and is held to its keys, channels and commands', async () => {
      const redis = ioredis('app-secret', protocol);
      try {
        await redis.connect();
        assert.equal(await redis.call('ACL', 'WHOAMI'), 'app');
        assert.equal(await redis.set(`app:io${protocol}`, 'v'), 'OK');
        assert.equal(await redis.get(`app:io${protocol}`), 'v');
        await assert.rejects(redis.get('elsewhere'), message(KEY_DENIED));
        await assert.rejects(redis.flushall(), message("NOPERM this user has no permissions to run the 'flushall' command"));
        await assert.rejects(redis.publish('news', 'm'), message('NOPERM this user has no permissions to access one of the channels used as arguments'));
        assert.equal(await redis.publish('app:news', 'm'), 0);
      } finally {
        redis.disconnect();
      }
    });

    it('cannot connect with a wrong password', async () => {
      const redis = ioredis('wrong', protocol);
      const errors: string[] = [];
      redis.on('error', (e: Error) => errors.push(e.message));
      try {
        await assert.rejects(redis.connect());
        assert.ok(errors.includes('WRONGPASS invalid username-password pair or user is disabled.'), errors.join('; '));
      } finally {
        redis.disconnect();
      }
    });
  });

  describe(`node-redis, RESP${protocol}`, () => {
    const connect = (password: string) => {
      const client = createClient({ socket: { host: '127.0.0.1', port: server.port, reconnectStrategy: false }, username: 'app', password, RESP: protocol });
      client.on('error', () => {});
      return client;
    };

    it('logs in as the user and is held to its keys', async () => {
      const client = connect('app-secret');
      await client.connect();
      try {
        assert.equal(await client.sendCommand(['ACL', 'WHOAMI']), 'app');
        await client.set(`app:nr${protocol}`, 'v');
        assert.equal(await client.get(`app:nr${protocol}`), 'v');
        await assert.rejects(client.get('elsewhere'), message(KEY_DENIED));
      } finally {
        client.destroy();
      }
    });

    it('cannot connect with a wrong password', async () => {
      const client = connect('wrong');
      try {
        await assert.rejects(client.connect(), /WRONGPASS/);
      } finally {
        if (client.isOpen) client.destroy();
      }
    });
  });
}

describe('redis-py', () => {
  const script = `
import json, sys, redis
port = int(sys.argv[1])
r = redis.Redis(host='127.0.0.1', port=port, username='app', password='app-secret', decode_responses=True)
out = {'whoami': r.acl_whoami()}
r.set('app:py', '1')
out['get'] = r.get('app:py')
try:
    r.get('elsewhere')
except redis.exceptions.NoPermissionError as e:
    out['noperm'] = str(e)
try:
    redis.Redis(host='127.0.0.1', port=port, username='app', password='wrong').ping()
except (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError) as e:
    out['wrongpass'] = type(e).__name__ + ': ' + str(e)
out['user'] = redis.Redis(host='127.0.0.1', port=port, decode_responses=True).acl_getuser('app')
print(json.dumps(out))
`;

  async function run(port: number): Promise<Record<string, unknown>> {
    const result = await runProcess('/usr/bin/python3', ['-c', script, String(port)]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout);
  }

  it('logs in with username and password, parses ACL GETUSER, and meets NOPERM and WRONGPASS as with redis-server', async () => {
    const redis = await startRedis();
    try {
      const reference = await RawClient.connect(redis.port);
      assert.equal(await reference.call('ACL', 'SETUSER', 'app', 'on', '>app-secret', '~app:*', '&app:*', '+@all', '-@dangerous'), 'OK');
      reference.close();
      const [ours, theirs] = [await run(server.port), await run(redis.port)];
      assert.equal(ours.whoami, 'app');
      assert.match(String(ours.noperm), /no permissions to access one of the keys/);
      assert.deepEqual(ours, theirs);
    } finally {
      await redis.close();
    }
  });
});

describe('connections of a user', () => {
  it('CLIENT LIST shows the user; CLIENT KILL USER and ACL DELUSER disconnect it', async () => {
    const first = ioredis('app-secret');
    const second = ioredis('app-secret');
    try {
      await first.connect();
      await second.connect();
      await first.client('SETNAME', 'acl-first');
      await second.client('SETNAME', 'acl-second');
      assert.equal(await listedUser('acl-first'), 'app');
      assert.equal(await admin.call('CLIENT', 'KILL', 'USER', 'app', 'SKIPME', 'yes'), 2);
      assert.equal(await listedUser('acl-first'), undefined);

      const third = await RawClient.connect(server.port);
      assert.equal(await third.call('AUTH', 'app', 'app-secret'), 'OK');
      assert.equal(await admin.call('ACL', 'DELUSER', 'app'), 1);
      await third.waitClosed();
    } finally {
      first.disconnect();
      second.disconnect();
      await admin.call('ACL', 'SETUSER', 'app', 'on', '>app-secret', '~app:*', '&app:*', '+@all', '-@dangerous');
    }
  });
});
