/**
 * CLIENT PAUSE, KILL, REPLY, NO-TOUCH, SETINFO and naming across
 * connections, HELLO maps and AUTH with requirepass: behaviour that needs
 * several connections or server internals, so no differential comparison.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKeyhive } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import { RespError, type RespValue } from '../support/resp.js';
import type { RunningServer } from '../../src/index.js';

let srv: RunningServer;
const open: RawClient[] = [];

async function connect(): Promise<RawClient> {
  const c = await RawClient.connect(srv.port);
  open.push(c);
  return c;
}

/** Polls until check() holds; fails the test after 5 s. Only for waiting, never to assert timing. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function text(reply: RespValue): string {
  return typeof reply === 'string' ? reply : (reply as { verbatim: string }).verbatim;
}

/** The CLIENT LIST fields of the client with this id, as seen by observer. */
async function listed(observer: RawClient, id: number): Promise<Map<string, string> | undefined> {
  const lines = text(await observer.call('CLIENT', 'LIST')).split('\n');
  const line = lines.find((l) => l.startsWith(`id=${id} `));
  return line === undefined ? undefined : new Map(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
}

function errorOf(reply: RespValue): string {
  assert.ok(reply instanceof RespError, `expected an error, got ${JSON.stringify(reply)}`);
  return reply.message;
}

async function start(config: Record<string, string> = {}): Promise<void> {
  srv = await startKeyhive({ config });
}

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await srv?.close();
});

describe('CLIENT PAUSE', () => {
  beforeEach(() => start());

  it('WRITE holds writes and lets reads through; UNPAUSE runs the held commands in order', async () => {
    const admin = await connect();
    const writer = await connect();
    const reader = await connect();
    assert.equal(await admin.call('CLIENT', 'PAUSE', '100000', 'WRITE'), 'OK');
    writer.send('SET', 'k', 'v');
    writer.send('GET', 'k');
    await until(() => srv.server.pause.waiting.size === 1, 'the SET to be postponed');
    assert.equal(await reader.call('GET', 'k'), null);
    assert.equal(await reader.call('PING'), 'PONG');
    const writerId = [...srv.server.pause.waiting][0].id;
    assert.equal((await listed(reader, writerId))?.get('flags'), 'b');
    assert.equal(writer.pending, '', 'no reply while paused');
    assert.equal(await admin.call('CLIENT', 'UNPAUSE'), 'OK');
    assert.equal(await writer.read(), 'OK');
    assert.equal(await writer.read(), 'v');
  });

  it('WRITE holds EXEC of a transaction with a write, not a read-only one', async () => {
    const admin = await connect();
    const readOnly = await connect();
    const writing = await connect();
    await writing.call('MULTI');
    await writing.call('SET', 'k', 'v');
    assert.equal(await admin.call('CLIENT', 'PAUSE', '100000', 'WRITE'), 'OK');
    await readOnly.call('MULTI');
    assert.equal(await readOnly.call('GET', 'k'), 'QUEUED');
    assert.deepEqual(await readOnly.call('EXEC'), [null]);
    writing.send('EXEC');
    await until(() => srv.server.pause.waiting.size === 1, 'EXEC to be postponed');
    await admin.call('CLIENT', 'UNPAUSE');
    assert.deepEqual(await writing.read(), ['OK']);
  });

  it('a pause requested inside a transaction starts when the transaction ends', async () => {
    const c = await connect();
    const other = await connect();
    await c.call('MULTI');
    await c.call('SET', 'a', '1');
    await c.call('CLIENT', 'PAUSE', '100000', 'WRITE');
    await c.call('SET', 'b', '2');
    assert.deepEqual(await c.call('EXEC'), ['OK', 'OK', 'OK']);
    other.send('SET', 'c', '3');
    await until(() => srv.server.pause.waiting.size === 1, 'the SET after EXEC to be postponed');
    assert.equal(await c.call('GET', 'b'), '2');
    assert.equal(await c.call('GET', 'c'), null);
    await c.call('CLIENT', 'UNPAUSE');
    assert.equal(await other.read(), 'OK');
  });

  it('ALL holds every command, even CLIENT UNPAUSE, until the timeout', async () => {
    const admin = await connect();
    const other = await connect();
    assert.equal(await admin.call('CLIENT', 'PAUSE', '100000', 'ALL'), 'OK');
    other.send('PING');
    admin.send('CLIENT', 'UNPAUSE');
    await until(() => srv.server.pause.waiting.size === 2, 'both clients to be postponed');
    srv.server.clock.advance(200_000);
    assert.equal(await other.read(), 'PONG');
    assert.equal(await admin.read(), 'OK');
    assert.equal(srv.server.pause.mode, null);
  });

  it('a later pause keeps the stricter mode and the later end', async () => {
    const admin = await connect();
    const other = await connect();
    await admin.call('CLIENT', 'PAUSE', '100000', 'ALL');
    srv.server.pause.pause('write', 0);
    assert.equal(srv.server.pause.mode, 'all');
    other.send('GET', 'k');
    await until(() => srv.server.pause.waiting.size === 1, 'the read to be postponed under ALL');
    srv.server.pause.unpause();
    assert.equal(await other.read(), null);
  });

  it('expired keys read as missing but are not deleted while paused', async () => {
    const c = await connect();
    await c.call('SET', 'k', 'v', 'PX', '100');
    const expiredBefore = srv.server.keyspace.stats.expiredKeys;
    await c.call('CLIENT', 'PAUSE', '100000', 'WRITE');
    srv.server.clock.advance(1000);
    assert.equal(await c.call('GET', 'k'), null);
    assert.ok(srv.server.keyspace.dbs[0].main.has('k'), 'the key is kept during the pause');
    assert.equal(srv.server.keyspace.stats.expiredKeys, expiredBefore);
    await c.call('CLIENT', 'UNPAUSE');
    assert.equal(await c.call('GET', 'k'), null);
    assert.ok(!srv.server.keyspace.dbs[0].main.has('k'));
    assert.equal(srv.server.keyspace.stats.expiredKeys, expiredBefore + 1);
  });

  it('a postponed client can be killed; its command never runs', async () => {
    const admin = await connect();
    const victim = await connect();
    const victimId = (await victim.call('CLIENT', 'ID')) as number;
    await admin.call('CLIENT', 'PAUSE', '100000', 'WRITE');
    victim.send('SET', 'k', 'v');
    await until(() => srv.server.pause.waiting.size === 1, 'the SET to be postponed');
    assert.equal(await admin.call('CLIENT', 'KILL', 'ID', String(victimId)), 1);
    await victim.waitClosed();
    assert.equal(srv.server.pause.waiting.size, 0);
    await admin.call('CLIENT', 'UNPAUSE');
    assert.equal(await admin.call('GET', 'k'), null);
  });

  it('commands with arity errors are answered at once', async () => {
    const c = await connect();
    await c.call('CLIENT', 'PAUSE', '100000', 'WRITE');
    assert.equal(errorOf(await c.call('SET', 'k')), "ERR wrong number of arguments for 'set' command");
    await c.call('CLIENT', 'UNPAUSE');
  });
});

describe('CLIENT KILL', () => {
  beforeEach(() => start());

  async function idOf(c: RawClient): Promise<number> {
    return (await c.call('CLIENT', 'ID')) as number;
  }

  it('ID kills that client', async () => {
    const killer = await connect();
    const victim = await connect();
    assert.equal(await killer.call('CLIENT', 'KILL', 'ID', String(await idOf(victim))), 1);
    await victim.waitClosed();
    assert.equal(await killer.call('PING'), 'PONG');
  });

  it('the old form takes an address and answers OK', async () => {
    const killer = await connect();
    const victim = await connect();
    const addr = (await listed(killer, await idOf(victim)))?.get('addr') as string;
    assert.equal(await killer.call('CLIENT', 'KILL', addr), 'OK');
    await victim.waitClosed();
    assert.equal(errorOf(await killer.call('CLIENT', 'KILL', addr)), 'ERR No such client');
  });

  it('the old form may kill the caller, after its reply', async () => {
    const c = await connect();
    const addr = (await listed(c, await idOf(c)))?.get('addr') as string;
    assert.equal(await c.call('CLIENT', 'KILL', addr), 'OK');
    await c.waitClosed();
  });

  it('ADDR, LADDR, USER and TYPE filters combine; SKIPME defaults to yes', async () => {
    const killer = await connect();
    const a = await connect();
    const b = await connect();
    const addrA = (await listed(killer, await idOf(a)))?.get('addr') as string;
    const laddr = (await listed(killer, await idOf(a)))?.get('laddr') as string;
    assert.equal(await killer.call('CLIENT', 'KILL', 'ADDR', addrA, 'LADDR', laddr, 'USER', 'default', 'TYPE', 'normal'), 1);
    await a.waitClosed();
    assert.equal(await killer.call('CLIENT', 'KILL', 'LADDR', laddr), 1);
    await b.waitClosed();
    assert.equal(await killer.call('PING'), 'PONG');
  });

  it('TYPE pubsub kills only subscribers', async () => {
    const killer = await connect();
    const subscriber = await connect();
    const normal = await connect();
    await subscriber.call('SUBSCRIBE', 'ch');
    assert.equal(await killer.call('CLIENT', 'KILL', 'TYPE', 'pubsub'), 1);
    await subscriber.waitClosed();
    assert.equal(await normal.call('PING'), 'PONG');
  });

  it('SKIPME NO counts and closes the caller too', async () => {
    const c = await connect();
    const other = await connect();
    assert.equal(await c.call('CLIENT', 'KILL', 'SKIPME', 'no'), 2);
    await other.waitClosed();
    await c.waitClosed();
  });

  it('MAXAGE kills clients connected at least that many seconds', async () => {
    const old = await connect();
    await old.call('PING');
    srv.server.clock.advance(10_000);
    const killer = await connect();
    const young = await connect();
    assert.equal(errorOf(await killer.call('CLIENT', 'KILL', 'MAXAGE', 'x')), 'ERR maxage is not an integer or out of range');
    assert.equal(errorOf(await killer.call('CLIENT', 'KILL', 'MAXAGE', '0')), 'ERR maxage should be greater than 0');
    assert.equal(await killer.call('CLIENT', 'KILL', 'MAXAGE', '20'), 0);
    assert.equal(await killer.call('CLIENT', 'KILL', 'MAXAGE', '5', 'SKIPME', 'no'), 1);
    await old.waitClosed();
    assert.equal(await young.call('PING'), 'PONG');
  });
});

describe('connection state across clients', () => {
  beforeEach(() => start());

  it('SETNAME is visible to others in CLIENT LIST, GETNAME only to the client itself', async () => {
    const a = await connect();
    const b = await connect();
    const idA = (await a.call('CLIENT', 'ID')) as number;
    const idB = (await b.call('CLIENT', 'ID')) as number;
    assert.equal(await a.call('CLIENT', 'SETNAME', 'alpha'), 'OK');
    assert.equal(await b.call('CLIENT', 'GETNAME'), null);
    assert.equal((await listed(b, idA))?.get('name'), 'alpha');
    assert.equal((await listed(b, idB))?.get('name'), '');
    const byIds = text(await b.call('CLIENT', 'LIST', 'ID', String(idB), String(idA), '999')).split('\n');
    assert.deepEqual(
      byIds.map((l) => l.split(' ')[0]),
      [`id=${idB}`, `id=${idA}`, ''],
    );
    a.close();
    await until(async () => (await listed(b, idA)) === undefined, 'the closed client to leave CLIENT LIST');
  });

  it('CLIENT LIST shows flags, db, MULTI state, subscriptions and the last command', async () => {
    const c = await connect();
    const observer = await connect();
    const id = (await c.call('CLIENT', 'ID')) as number;
    await c.call('SELECT', '4');
    await c.call('CLIENT', 'NO-EVICT', 'on');
    await c.call('CLIENT', 'NO-TOUCH', 'on');
    await c.call('MULTI');
    await c.call('SET', 'k', 'v');
    let fields = await listed(observer, id);
    assert.equal(fields?.get('flags'), 'xeT');
    assert.equal(fields?.get('db'), '4');
    assert.equal(fields?.get('multi'), '1');
    assert.equal(fields?.get('cmd'), 'set');
    await c.call('DISCARD');
    await c.call('SUBSCRIBE', 'a', 'b');
    fields = await listed(observer, id);
    assert.equal(fields?.get('flags'), 'PeT');
    assert.equal(fields?.get('sub'), '2');
    const pubsubOnly = text(await observer.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    assert.equal(pubsubOnly.split('\n').length, 2);
    assert.ok(pubsubOnly.startsWith(`id=${id} `));
  });

  it('SETINFO records the library, which RESET keeps', async () => {
    const c = await connect();
    assert.equal(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'redis-py'), 'OK');
    assert.equal(await c.call('CLIENT', 'SETINFO', 'lib-ver', '5.0.1'), 'OK');
    assert.match(text(await c.call('CLIENT', 'INFO')), / resp=2 lib-name=redis-py lib-ver=5\.0\.1\n$/);
    assert.equal(errorOf(await c.call('CLIENT', 'SETINFO', 'foo', 'x')), "ERR Unrecognized option 'foo'");
    assert.equal(
      errorOf(await c.call('CLIENT', 'SETINFO', 'Lib-Name', 'a b')),
      'ERR Lib-Name cannot contain spaces, newlines or special characters.',
    );
    assert.equal(errorOf(await c.call('CLIENT', 'SETINFO', 'lib-name')), "ERR wrong number of arguments for 'client|setinfo' command");
    await c.call('RESET');
    assert.match(text(await c.call('CLIENT', 'INFO')), / lib-name=redis-py lib-ver=5\.0\.1\n$/);
    assert.equal(await c.call('CLIENT', 'SETINFO', 'lib-ver', ''), 'OK');
    assert.match(text(await c.call('CLIENT', 'INFO')), / lib-name=redis-py lib-ver=\n$/);
  });

  it('NO-TOUCH keeps reads from refreshing the LRU clock, except TOUCH; RESET clears it', async () => {
    const c = await connect();
    const db = srv.server.keyspace.dbs[0];
    const lru = () => db.main.tagAt(db.main.find('k'));
    await c.call('SET', 'k', 'v');
    const written = lru();
    const advanceLru = () => {
      srv.server.clock.advance(5000);
      srv.server.keyspace.refreshClock();
    };
    advanceLru();
    assert.equal(await c.call('CLIENT', 'NO-TOUCH', 'on'), 'OK');
    assert.equal(await c.call('GET', 'k'), 'v');
    assert.equal(lru(), written);
    await c.call('TOUCH', 'k');
    assert.equal(lru(), srv.server.keyspace.lruClock);
    advanceLru();
    await c.call('GET', 'k');
    assert.notEqual(lru(), srv.server.keyspace.lruClock);
    assert.equal(await c.call('CLIENT', 'NO-TOUCH', 'off'), 'OK');
    await c.call('GET', 'k');
    assert.equal(lru(), srv.server.keyspace.lruClock);
    assert.equal(errorOf(await c.call('CLIENT', 'NO-TOUCH', 'maybe')), 'ERR syntax error');
    await c.call('CLIENT', 'NO-TOUCH', 'on');
    await c.call('RESET');
    advanceLru();
    await c.call('GET', 'k');
    assert.equal(lru(), srv.server.keyspace.lruClock);
  });

  it('RESET ends MONITOR mode', async () => {
    const monitor = await connect();
    const other = await connect();
    const id = (await monitor.call('CLIENT', 'ID')) as number;
    assert.equal(await monitor.call('MONITOR'), 'OK');
    assert.equal((await listed(other, id))?.get('flags'), 'O');
    await other.call('SET', 'k', 'before');
    assert.match((await monitor.read()) as string, /"SET" "k" "before"$/);
    assert.equal(await monitor.call('RESET'), 'RESET');
    await other.call('SET', 'k', 'after');
    assert.equal(await monitor.call('PING'), 'PONG');
    assert.equal((await listed(other, id))?.get('flags'), 'N');
  });

  it('CLIENT REPLY OFF then QUIT closes without a reply', async () => {
    const c = await connect();
    c.write('CLIENT REPLY OFF\r\nQUIT\r\n');
    await c.waitClosed();
    assert.equal(c.pending, '');
  });

  it('QUIT answers OK and ignores the commands after it', async () => {
    const c = await connect();
    c.write('SET k 1\r\nQUIT\r\nSET k 2\r\n');
    await c.waitClosed();
    assert.equal(c.pending, '+OK\r\n+OK\r\n');
    const other = await connect();
    assert.equal(await other.call('GET', 'k'), '1');
  });
});

describe('HELLO', () => {
  beforeEach(() => start());

  it('HELLO 3 switches to RESP3 and answers a map', async () => {
    const c = await connect();
    const id = (await c.call('CLIENT', 'ID')) as number;
    const reply = await c.call('HELLO', '3');
    assert.ok(reply instanceof Map);
    assert.deepEqual(
      [...reply.entries()],
      [
        ['server', 'redis'],
        ['version', '7.0.15'],
        ['proto', 3],
        ['id', id],
        ['mode', 'standalone'],
        ['role', 'master'],
        ['modules', []],
      ],
    );
    assert.equal(await c.callRaw('HGET', 'nokey', 'f'), '_\r\n');
    const again = await c.call('HELLO');
    assert.ok(again instanceof Map);
    assert.equal(again.get('proto'), 3);
  });

  it('HELLO 2 answers a flat array and goes back to RESP2', async () => {
    const c = await connect();
    await c.call('HELLO', '3');
    const reply = await c.call('HELLO', '2');
    assert.ok(Array.isArray(reply));
    assert.equal(reply.length, 14);
    assert.deepEqual(reply.slice(4, 6), ['proto', 2]);
    assert.equal(await c.callRaw('HGET', 'nokey', 'f'), '$-1\r\n');
  });

  it('a failing HELLO keeps the protocol', async () => {
    const c = await connect();
    await c.call('HELLO', '3');
    await c.call('HELLO', '2', 'SETNAME', 'bad name');
    assert.equal(await c.callRaw('HGET', 'nokey', 'f'), '_\r\n');
  });
});

describe('AUTH with requirepass', () => {
  beforeEach(() => start({ requirepass: 'secret' }));

  it('refuses commands until AUTH succeeds', async () => {
    const c = await connect();
    assert.equal(errorOf(await c.call('PING')), 'NOAUTH Authentication required.');
    assert.equal(errorOf(await c.call('AUTH', 'wrong')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(errorOf(await c.call('AUTH', 'nosuchuser', 'secret')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(errorOf(await c.call('GET', 'k')), 'NOAUTH Authentication required.');
    assert.equal(await c.call('AUTH', 'secret'), 'OK');
    assert.equal(await c.call('PING'), 'PONG');
    assert.equal(await c.call('AUTH', 'default', 'secret'), 'OK');
    assert.equal(errorOf(await c.call('AUTH', 'a', 'b', 'c')), 'ERR syntax error');
  });

  it('HELLO needs authentication, or authenticates with its AUTH option', async () => {
    const c = await connect();
    assert.equal(
      errorOf(await c.call('HELLO', '3')),
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
    assert.equal(errorOf(await c.call('HELLO', '3', 'AUTH', 'default', 'bad')), 'WRONGPASS invalid username-password pair or user is disabled.');
    const reply = await c.call('HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'me');
    assert.ok(reply instanceof Map);
    assert.equal(reply.get('proto'), 3);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'me');
  });

  it('RESET logs the client out', async () => {
    const c = await connect();
    await c.call('AUTH', 'secret');
    assert.equal(await c.call('RESET'), 'RESET');
    assert.equal(errorOf(await c.call('PING')), 'NOAUTH Authentication required.');
  });

  it('caps request sizes before authentication', async () => {
    const c = await connect();
    c.write('*100\r\n');
    assert.equal(errorOf(await c.read()), 'ERR Protocol error: unauthenticated multibulk length');
    await c.waitClosed();
    const d = await connect();
    d.write('*1\r\n$100000000\r\n');
    assert.equal(errorOf(await d.read()), 'ERR Protocol error: unauthenticated bulk length');
  });

  it('follows requirepass changes: connected clients stay logged in, unauthenticated ones are let in once it is removed', async () => {
    const authed = await connect();
    await authed.call('AUTH', 'secret');
    const waiting = await connect();
    srv.server.config.set('requirepass', 'other');
    assert.equal(await authed.call('PING'), 'PONG');
    assert.equal(errorOf(await waiting.call('AUTH', 'secret')), 'WRONGPASS invalid username-password pair or user is disabled.');
    srv.server.config.set('requirepass', '');
    assert.equal(await waiting.call('PING'), 'PONG');
  });

  it('accepts binary passwords', async () => {
    srv.server.config.set('requirepass', 'abc\x00def');
    const c = await connect();
    assert.equal(errorOf(await c.call('AUTH', 'abc')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(await c.call('AUTH', 'abc\x00def'), 'OK');
  });

  it('hides passwords from command observers (MONITOR, SLOWLOG)', async () => {
    const seen: string[][] = [];
    srv.server.commandObservers.push((_client, cmd, argv) => {
      if (cmd.fullName === 'auth' || cmd.fullName === 'hello') seen.push([...argv]);
    });
    const c = await connect();
    await c.call('AUTH', 'not-real');
    await c.call('AUTH', 'someone', 'not-a-password');
    await c.call('HELLO', '2', 'AUTH', 'default', 'secret', 'SETNAME', 'n');
    await c.call('AUTH', 'a', 'b', 'c');
    assert.deepEqual(seen, [
      ['AUTH', '(redacted)'],
      ['AUTH', '(redacted)', '(redacted)'],
      ['HELLO', '2', 'AUTH', '(redacted)', '(redacted)', 'SETNAME', 'n'],
      ['AUTH', 'a', 'b', 'c'],
    ]);
  });

  it('QUIT needs no authentication', async () => {
    const c = await connect();
    assert.equal(await c.call('QUIT'), 'OK');
    await c.waitClosed();
  });
});
