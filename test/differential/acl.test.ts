/**
 * ACL against redis-server: the replies of ACL SETUSER/GETUSER/LIST/DRYRUN
 * and the rest after identical rule sequences, NOPERM and WRONGPASS errors
 * of logged-in users, the ACL log, EXEC's second look, requirepass, and the
 * disconnections DELUSER and revoked channels cause.
 *
 * Users are named d-* and deleted by the sequence that made them. Rules are
 * chosen so that a description needs at most one single-command rule per
 * selector: Redis lists those in its command dictionary's (per-process
 * random) order.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describeDifferential, type Connect } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import { RespError, type RespValue } from '../support/resp.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'latin1').digest('hex');

/** A RESP2 map reply (flat array) as an object. */
function fields(reply: RespValue): Record<string, RespValue> {
  assert.ok(Array.isArray(reply), `expected a map, got ${String(reply)}`);
  const out: Record<string, RespValue> = {};
  for (let i = 0; i < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

function show(v: RespValue): string {
  return v instanceof RespError ? `error:${v.message}` : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));
}

/** What a client sees of a command: its reply, or that the server closed the connection. */
async function outcome(c: RawClient, ...args: string[]): Promise<string> {
  try {
    return show(await c.call(...args));
  } catch (e) {
    if (c.closed) return 'closed';
    throw e;
  }
}

/** ACL LOG entries without what differs between servers (age, client ids and addresses): cmd= and user= of client-info stay. */
async function logEntries(admin: RawClient, ...count: string[]): Promise<string[]> {
  const entries = (await admin.call('ACL', 'LOG', ...count)) as RespValue[];
  return entries.map((entry) => {
    const e = fields(entry);
    const info = String(e['client-info']);
    const keep = info.split(' ').filter((f) => f.startsWith('cmd=') || f.startsWith('user='));
    return JSON.stringify({ ...e, 'age-seconds': typeof e['age-seconds'], 'client-info': keep });
  });
}

async function loggedIn(connect: Connect, user: string, password: string): Promise<RawClient> {
  const c = await connect();
  assert.equal(await c.call('AUTH', user, password), 'OK');
  return c;
}

describeDifferential('ACL', (t) => {
  t.sequence('a new user, reset, LIST and USERS', [
    ['ACL', 'SETUSER', 'd-new'],
    ['ACL', 'GETUSER', 'd-new'],
    ['ACL', 'LIST'],
    ['ACL', 'USERS'],
    ['ACL', 'SETUSER', 'd-new', 'reset'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'd-new', 'skip-sanitize-payload', 'ON'],
    ['ACL', 'GETUSER', 'd-new'],
    ['ACL', 'SETUSER', 'd-new', 'sanitize-payload', 'off', ''],
    ['ACL', 'GETUSER', 'd-new'],
    ['ACL', 'GETUSER', 'nosuchuser'],
    ['ACL', 'GETUSER'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'WHOAMI', 'x'],
    ['ACL', 'DELUSER', 'd-new', 'nosuchuser'],
    ['ACL', 'USERS'],
  ]);

  t.sequence('passwords', [
    ['ACL', 'SETUSER', 'd-pw', 'on', '>one', '>two', '>one'],
    ['ACL', 'GETUSER', 'd-pw'],
    ['ACL', 'SETUSER', 'd-pw', '<one', `#${sha256('three')}`],
    ['ACL', 'GETUSER', 'd-pw'],
    ['ACL', 'SETUSER', 'd-pw', '>four', '<nosuch'],
    ['ACL', 'SETUSER', 'd-pw', `!${sha256('nosuch')}`],
    ['ACL', 'SETUSER', 'd-pw', '#abc'],
    ['ACL', 'SETUSER', 'd-pw', `#${sha256('x').toUpperCase()}`],
    ['ACL', 'SETUSER', 'd-pw', `!${sha256('x')}z`],
    // The failed SETUSER above changed nothing: four is no password.
    ['AUTH', 'd-pw', 'four'],
    ['AUTH', 'd-pw', 'three'],
    ['ACL', 'WHOAMI'],
    ['AUTH', 'default', 'whatever'],
    ['ACL', 'SETUSER', 'd-pw', 'nopass'],
    ['ACL', 'GETUSER', 'd-pw'],
    ['ACL', 'SETUSER', 'd-pw', '>x', 'resetpass'],
    ['ACL', 'LIST'],
    ['AUTH', 'd-pw', 'x'],
    ['ACL', 'SETUSER', 'd-pw', '>'],
    ['AUTH', 'd-pw', ''],
    ['ACL', 'DELUSER', 'd-pw'],
  ]);

  t.sequence('key and channel patterns', [
    ['ACL', 'SETUSER', 'd-keys', '~foo*', '%R~bar', '%W~baz', '%RW~qux', '~foo*', '%R~baz', '%r~lower', '%wR~mixed', '%R'],
    ['ACL', 'GETUSER', 'd-keys'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'd-keys', 'allkeys'],
    ['ACL', 'GETUSER', 'd-keys'],
    ['ACL', 'SETUSER', 'd-keys', '~x'],
    ['ACL', 'SETUSER', 'd-keys', '%R~x'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '%X~a'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '%RR~a'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '%~a'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '~a b'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '~a\tb'],
    ['ACL', 'SETUSER', 'd-keys', 'resetkeys', '%RW~*'],
    ['ACL', 'GETUSER', 'd-keys'],
    ['ACL', 'SETUSER', 'd-keys', '&ch*', '&ch*', '&other'],
    ['ACL', 'GETUSER', 'd-keys'],
    ['ACL', 'SETUSER', 'd-keys', 'allchannels'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'd-keys', '&x'],
    ['ACL', 'SETUSER', 'd-keys', 'resetchannels', '&a b'],
    ['ACL', 'SETUSER', 'd-keys', 'resetchannels', '~*', '&*'],
    ['ACL', 'GETUSER', 'd-keys'],
    ['ACL', 'DELUSER', 'd-keys'],
  ]);

  t.sequence('command rules and how they are described', [
    ['ACL', 'SETUSER', 'd-cmd', '+@all', '-@string', '+get'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '-@all', '+@hash', '-hdel'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '+@all', '-client|kill'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '+client|id'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '+config'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', 'allcommands', '-config'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'nocommands', '+select|0', '+select|1', '+SELECT|0'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', '+select'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '+@ALL', '-@STRING', '+GET'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', 'reset', '+@all', '-@all', '+@set'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'SETUSER', 'd-cmd', '+nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '-nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '+@nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '-@nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '+@'],
    ['ACL', 'SETUSER', 'd-cmd', '+'],
    ['ACL', 'SETUSER', 'd-cmd', '-'],
    ['ACL', 'SETUSER', 'd-cmd', '+config|nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '-config|nosuch'],
    ['ACL', 'SETUSER', 'd-cmd', '+config|get|maxmemory'],
    ['ACL', 'SETUSER', 'd-cmd', '+config|'],
    ['ACL', 'SETUSER', 'd-cmd', '+get|'],
    ['ACL', 'SETUSER', 'd-cmd', '+get|a|b'],
    ['ACL', 'SETUSER', 'd-cmd', '-select|0'],
    ['ACL', 'SETUSER', 'd-cmd', '+|'],
    ['ACL', 'SETUSER', 'd-cmd', 'nosuchrule'],
    ['ACL', 'SETUSER', 'd-cmd', '@all'],
    ['ACL', 'GETUSER', 'd-cmd'],
    ['ACL', 'DELUSER', 'd-cmd'],
  ]);

  t.sequence('selectors', [
    ['ACL', 'SETUSER', 'd-sel', 'on', 'nopass', '(~x +get)', '(', '~y', '+set)', '(%R~r* +@read &c)', '()'],
    ['ACL', 'GETUSER', 'd-sel'],
    ['ACL', 'LIST'],
    ['ACL', 'SETUSER', 'd-sel', '(~z'],
    ['ACL', 'SETUSER', 'd-sel', '(~z', '+get'],
    ['ACL', 'SETUSER', 'd-sel', '(on)'],
    ['ACL', 'SETUSER', 'd-sel', '(&* &x)'],
    ['ACL', 'SETUSER', 'd-sel', ')'],
    ['ACL', 'SETUSER', 'd-sel', ' () '],
    ['ACL', 'SETUSER', 'd-sel', '( ~w +get )'],
    ['ACL', 'GETUSER', 'd-sel'],
    ['ACL', 'SETUSER', 'd-sel', 'clearselectors'],
    ['ACL', 'GETUSER', 'd-sel'],
    ['ACL', 'SETUSER', 'd-sel', '(~a)', 'reset'],
    ['ACL', 'GETUSER', 'd-sel'],
    ['ACL', 'DELUSER', 'd-sel'],
  ]);

  t.sequence('user names and DELUSER', [
    ['ACL', 'SETUSER', 'a b'],
    ['ACL', 'SETUSER', 'a\0b'],
    ['ACL', 'SETUSER', 'd-del'],
    ['ACL', 'DELUSER', 'd-del', 'default'],
    ['ACL', 'DELUSER', 'DEFAULT'],
    ['ACL', 'USERS'],
    ['ACL', 'DELUSER', 'd-del', 'd-del'],
    ['ACL', 'DELUSER'],
  ]);

  t.sequence('CAT, GENPASS, LOG, LOAD, SAVE and HELP arguments', [
    ['ACL', 'CAT'],
    ['ACL', 'CAT', 'nosuchcategory'],
    ['ACL', 'CAT', 'string', 'x'],
    ['ACL', 'GENPASS', '0'],
    ['ACL', 'GENPASS', '-1'],
    ['ACL', 'GENPASS', '4097'],
    ['ACL', 'GENPASS', 'x'],
    ['ACL', 'GENPASS', '1', '2'],
    { cmd: ['ACL', 'GENPASS', '4096'], match: 'shape' },
    ['ACL', 'LOG', 'RESET'],
    ['ACL', 'LOG'],
    ['ACL', 'LOG', '-5'],
    ['ACL', 'LOG', 'x'],
    ['ACL', 'LOG', '1', '2'],
    ['ACL', 'LOAD'],
    ['ACL', 'SAVE'],
    ['ACL', 'LOAD', 'x'],
    ['ACL', 'HELP'],
    ['ACL', 'HELP', 'x'],
    ['ACL', 'NOSUCH'],
    ['ACL'],
  ]);

  t.sequence('DRYRUN', [
    ['ACL', 'SETUSER', 'd-dry', 'on', 'nopass', '~k*', '%R~r*', '%W~w*', '&ch*', '+@all', '-incr'],
    ['ACL', 'DRYRUN', 'd-dry', 'get', 'k1'],
    ['ACL', 'DRYRUN', 'd-dry', 'get', 'other'],
    ['ACL', 'DRYRUN', 'd-dry', 'incr', 'k1'],
    ['ACL', 'DRYRUN', 'd-dry', 'set', 'w1', 'v'],
    ['ACL', 'DRYRUN', 'd-dry', 'set', 'w1', 'v', 'GET'],
    ['ACL', 'DRYRUN', 'd-dry', 'set', 'r1', 'v'],
    ['ACL', 'DRYRUN', 'd-dry', 'get', 'r1'],
    ['ACL', 'DRYRUN', 'd-dry', 'append', 'r1', 'v'],
    ['ACL', 'DRYRUN', 'd-dry', 'lpush', 'w1', 'x'],
    ['ACL', 'DRYRUN', 'd-dry', 'rpoplpush', 'k1', 'w1'],
    ['ACL', 'DRYRUN', 'd-dry', 'rpoplpush', 'w1', 'k1'],
    // SORT's STORE key is written: a key the user may only read cannot be its destination.
    ['ACL', 'DRYRUN', 'd-dry', 'sort', 'r1', 'store', 'r2'],
    ['ACL', 'DRYRUN', 'd-dry', 'sort', 'r1', 'store', 'w1'],
    ['ACL', 'DRYRUN', 'd-dry', 'sort', 'w1', 'store', 'k1'],
    ['ACL', 'DRYRUN', 'd-dry', 'sort_ro', 'r1'],
    ['ACL', 'DRYRUN', 'd-dry', 'mget', 'k1', 'r1', 'other', 'w1'],
    ['ACL', 'DRYRUN', 'd-dry', 'hexists', 'w1', 'f'],
    ['ACL', 'DRYRUN', 'd-dry', 'hexists', 'x', 'f'],
    ['ACL', 'DRYRUN', 'd-dry', 'exists', 'w1', 'r1'],
    ['ACL', 'DRYRUN', 'd-dry', 'publish', 'ch1', 'm'],
    ['ACL', 'DRYRUN', 'd-dry', 'publish', 'other', 'm'],
    ['ACL', 'DRYRUN', 'd-dry', 'subscribe', 'ch1', 'other'],
    ['ACL', 'DRYRUN', 'd-dry', 'psubscribe', 'ch*'],
    ['ACL', 'DRYRUN', 'd-dry', 'psubscribe', 'ch1*'],
    ['ACL', 'DRYRUN', 'd-dry', 'unsubscribe', 'other'],
    ['ACL', 'DRYRUN', 'd-dry', 'spublish', 'other', 'm'],
    ['ACL', 'DRYRUN', 'd-dry', 'ssubscribe', 'ch1'],
    ['ACL', 'DRYRUN', 'd-dry', 'client', 'id'],
    ['ACL', 'DRYRUN', 'd-dry', 'ping'],
    ['ACL', 'DRYRUN', 'nosuchuser', 'get', 'k'],
    ['ACL', 'DRYRUN', 'd-dry', 'nosuchcommand'],
    ['ACL', 'DRYRUN', 'd-dry', 'config', 'nosuch'],
    ['ACL', 'DRYRUN', 'd-dry', 'get'],
    ['ACL', 'DRYRUN', 'd-dry', 'config'],
    ['ACL', 'DRYRUN', 'd-dry'],
    ['ACL', 'SETUSER', 'd-dry', 'reset', '+mget', '~key', '(+mget ~key ~otherkey)', '(+set %W~w*)'],
    ['ACL', 'DRYRUN', 'd-dry', 'get', 'key'],
    ['ACL', 'DRYRUN', 'd-dry', 'mget', 'otherkey', 'someotherkey'],
    ['ACL', 'DRYRUN', 'd-dry', 'mget', 'key', 'otherkey', 'someotherkey'],
    ['ACL', 'DRYRUN', 'd-dry', 'mget', 'key', 'otherkey'],
    ['ACL', 'DRYRUN', 'd-dry', 'set', 'w', 'v'],
    ['ACL', 'DRYRUN', 'd-dry', 'set', 'w', 'v', 'get'],
    ['ACL', 'DELUSER', 'd-dry'],
  ]);

  t.sequence('a restricted user gets NOPERM', [
    ['ACL', 'SETUSER', 'd-np', 'on', '>pw', '~k*', '&c*', '-@all', '+get', '+set', '+publish', '+subscribe', '+multi', '+exec', '+discard', '+select|0'],
    ['AUTH', 'd-np', 'pw'],
    ['GET', 'k1'],
    ['GET', 'x'],
    ['INCR', 'k1'],
    ['CLIENT', 'ID'],
    ['ACL', 'WHOAMI'],
    ['PUBLISH', 'c1', 'm'],
    ['PUBLISH', 'd', 'm'],
    ['SELECT', '0'],
    ['SELECT', '9'],
    ['MULTI'],
    ['GET', 'x'],
    ['SET', 'k1', 'v'],
    ['EXEC'],
    ['MULTI'],
    ['INCR', 'k1'],
    ['DISCARD'],
    ['MULTI'],
    ['SUBSCRIBE', 'x'],
    ['EXEC'],
    ['NOSUCHCOMMAND'],
    ['GET'],
    ['PING'],
    ['AUTH', 'default', 'anything'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'DELUSER', 'd-np'],
  ]);

  t.sequence('AUTH, HELLO AUTH and WRONGPASS', [
    ['ACL', 'SETUSER', 'd-auth', '>pw', '+@all', '~*'],
    ['AUTH', 'd-auth', 'pw'],
    ['ACL', 'SETUSER', 'd-auth', 'on'],
    ['AUTH', 'd-auth', 'wrong'],
    ['AUTH', 'nosuchuser', 'pw'],
    ['AUTH', 'd-auth', 'pw', 'x'],
    ['AUTH', 'pw'],
    ['HELLO', '2', 'AUTH', 'd-auth', 'wrong'],
    ['AUTH', 'd-auth', 'pw'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'SETUSER', 'd-auth', 'off'],
    // Switching a user off does not log its clients out.
    ['ACL', 'WHOAMI'],
    ['AUTH', 'd-auth', 'pw'],
    ['ACL', 'SETUSER', 'd-auth', 'on'],
    { cmd: ['HELLO', '3', 'AUTH', 'd-auth', 'pw', 'SETNAME', 'named'], match: 'shape' },
    ['CLIENT', 'GETNAME'],
    ['ACL', 'WHOAMI'],
    ['RESET'],
    ['ACL', 'WHOAMI'],
    ['ACL', 'DELUSER', 'd-auth'],
  ]);

  t.sequence('the default user without a password', [
    ['ACL', 'SETUSER', 'default', 'resetpass', '>pw'],
    ['AUTH', 'wrong'],
    ['AUTH', 'pw'],
    ['ACL', 'GETUSER', 'default'],
    ['ACL', 'SETUSER', 'default', 'nopass'],
    ['AUTH', 'anything'],
    ['ACL', 'LIST'],
  ]);

  t.sequence('COMMAND INFO of ACL', [
    // Redis lists subcommands in its dictionary's (per-process random) order.
    { cmd: ['COMMAND', 'INFO', 'acl'], match: 'unordered' },
    ['COMMAND', 'INFO', 'acl|setuser', 'acl|getuser', 'acl|deluser', 'acl|dryrun', 'acl|cat', 'acl|genpass', 'acl|log', 'acl|help'],
    ['COMMAND', 'INFO', 'acl|list', 'acl|users', 'acl|whoami', 'acl|load', 'acl|save', 'auth'],
    ['COMMAND', 'GETKEYS', 'ssubscribe', 'a', 'b'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'ex', '1', 'get'],
  ]);

  t.scenario('requirepass is the default user password', async (connect) => {
    const out: string[] = [];
    const admin = await connect();
    out.push(await outcome(admin, 'CONFIG', 'SET', 'requirepass', 'secret'));
    try {
      const c = await connect();
      out.push(await outcome(c, 'GET', 'x'));
      out.push(await outcome(c, 'HELLO', '2'));
      out.push(await outcome(c, 'AUTH', 'wrong'));
      out.push(await outcome(c, 'AUTH', 'secret'));
      out.push(await outcome(c, 'AUTH', 'default', 'secret'));
      out.push(await outcome(admin, 'ACL', 'GETUSER', 'default'));
      out.push(await outcome(admin, 'CONFIG', 'GET', 'requirepass'));
      const neverLoggedIn = await connect();
      out.push(await outcome(admin, 'CONFIG', 'SET', 'requirepass', ''));
      // No password is needed any more, yet HELLO wants a logged-in client, as in Redis.
      out.push(await outcome(neverLoggedIn, 'PING'));
      out.push(await outcome(neverLoggedIn, 'HELLO', '2'));
      out.push(await outcome(neverLoggedIn, 'AUTH', 'x'));
      out.push(String(Array.isArray(await (await connect()).call('HELLO', '2'))));
    } finally {
      await admin.call('CONFIG', 'SET', 'requirepass', '');
    }
    return out;
  });

  t.scenario('the ACL log', async (connect) => {
    const admin = await connect();
    const out: string[] = [];
    await admin.call('CONFIG', 'SET', 'acllog-max-len', '128');
    out.push(await outcome(admin, 'ACL', 'LOG', 'RESET'));
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-log', 'on', '>pw', '~obj:*', 'resetchannels', '+get', '+set', '+publish', '+multi', '+exec'));
    const u = await loggedIn(connect, 'd-log', 'pw');
    for (const args of [['GET', 'foo'], ['GET', 'foo'], ['INCR', 'x'], ['GET', 'obj:1'], ['SET', 'other', '1'], ['PUBLISH', 'ch', 'm'], ['MULTI'], ['INCR', 'x'], ['EXEC']]) {
      out.push(await outcome(u, ...args));
    }
    out.push(await outcome(u, 'AUTH', 'd-log', 'wrong'));
    out.push(await outcome(u, 'hello', '2', 'AUTH', 'nosuchuser', 'wrong'));
    // A login that fails under EXEC is logged in the multi context.
    for (const args of [['MULTI'], ['AUTH', 'd-log', 'wrong-in-multi'], ['EXEC']]) out.push(await outcome(u, ...args));
    out.push(...(await logEntries(admin)));
    out.push(...(await logEntries(admin, '2')));
    out.push(await outcome(admin, 'CONFIG', 'SET', 'acllog-max-len', '2'));
    out.push(await outcome(u, 'GET', 'again'));
    out.push(String(((await admin.call('ACL', 'LOG', '100')) as RespValue[]).length));
    out.push(await outcome(admin, 'CONFIG', 'SET', 'acllog-max-len', '128'));
    out.push(await outcome(admin, 'ACL', 'DELUSER', 'd-log'));
    out.push(await outcome(admin, 'ACL', 'LOG', 'RESET'));
    return out;
  });

  t.scenario('EXEC checks queued commands again', async (connect) => {
    const admin = await connect();
    const out: string[] = [];
    await admin.call('ACL', 'LOG', 'RESET');
    await admin.call('ACL', 'SETUSER', 'd-exec', 'on', '>pw', '~*', '+@all');
    const u = await loggedIn(connect, 'd-exec', 'pw');
    for (const args of [['MULTI'], ['INCR', 'k'], ['SET', 'k2', 'v'], ['PUBLISH', 'ch', 'm']]) out.push(await outcome(u, ...args));
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-exec', '-incr', 'resetkeys', '~k', 'resetchannels'));
    out.push(await outcome(u, 'EXEC'));
    out.push(...(await logEntries(admin)));
    out.push(await outcome(admin, 'ACL', 'DELUSER', 'd-exec'));
    return out;
  });

  t.scenario('DELUSER disconnects the clients of the user', async (connect) => {
    const admin = await connect();
    const out: string[] = [];
    await admin.call('ACL', 'SETUSER', 'd-gone', 'on', '>pw', '~*', '+@all');
    const [a, b] = [await loggedIn(connect, 'd-gone', 'pw'), await loggedIn(connect, 'd-gone', 'pw')];
    await a.call('CLIENT', 'SETNAME', 'gone-a');
    const list = String(await admin.call('CLIENT', 'LIST'));
    out.push(list.split('\n').filter((l) => l.includes('name=gone-a')).map((l) => l.split(' ').find((f) => f.startsWith('user='))).join());
    out.push(await outcome(admin, 'ACL', 'DELUSER', 'd-gone'));
    out.push(await outcome(a, 'PING'));
    out.push(await outcome(b, 'PING'));
    // A client deleting its own user gets the reply first.
    await admin.call('ACL', 'SETUSER', 'd-self', 'on', '>pw', '~*', '+@all');
    const self = await loggedIn(connect, 'd-self', 'pw');
    out.push(await outcome(self, 'ACL', 'DELUSER', 'd-self'));
    out.push(await outcome(self, 'PING'));
    await admin.call('ACL', 'SETUSER', 'd-kill', 'on', '>pw', '~*', '+@all');
    const killed = await loggedIn(connect, 'd-kill', 'pw');
    out.push(await outcome(admin, 'CLIENT', 'KILL', 'USER', 'd-kill'));
    out.push(await outcome(killed, 'PING'));
    out.push(await outcome(admin, 'CLIENT', 'KILL', 'USER', 'nosuchuser'));
    out.push(await outcome(admin, 'ACL', 'DELUSER', 'd-kill'));
    return out;
  });

  t.scenario('subscribers lose their connection with their channel permissions', async (connect) => {
    const admin = await connect();
    const out: string[] = [];
    await admin.call('ACL', 'SETUSER', 'd-ps', 'on', '>pw', 'resetchannels', '&foo:1', '&bar:*', '+@all');
    const channelSub = await loggedIn(connect, 'd-ps', 'pw');
    const patternSub = await loggedIn(connect, 'd-ps', 'pw');
    const resp3Sub = await loggedIn(connect, 'd-ps', 'pw');
    await resp3Sub.call('HELLO', '3');
    out.push(await outcome(channelSub, 'SUBSCRIBE', 'foo:1'));
    out.push(await outcome(resp3Sub, 'SUBSCRIBE', 'foo:1'));
    out.push(await outcome(patternSub, 'PSUBSCRIBE', 'bar:*'));
    out.push(await outcome(patternSub, 'PSUBSCRIBE', 'bar:x'));
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-ps', 'resetchannels', '&foo:1', '&bar:*', '&more'));
    out.push(await outcome(channelSub, 'PING'));
    // Not a superset any more, but foo:1 still matches a pattern: nobody goes.
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-ps', 'resetchannels', '&bar:*', '&foo:*'));
    out.push(await outcome(channelSub, 'PING'));
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-ps', 'resetchannels', '&bar:*'));
    out.push(await outcome(channelSub, 'PING'));
    out.push(await outcome(resp3Sub, 'PING'));
    out.push(await outcome(patternSub, 'PING'));
    out.push(await outcome(admin, 'ACL', 'SETUSER', 'd-ps', 'resetchannels'));
    out.push(await outcome(patternSub, 'PING'));
    out.push(await outcome(admin, 'ACL', 'DELUSER', 'd-ps'));
    return out;
  });

  it('ACL CAT lists the same members as Redis, among the commands both have', async (sub) => {
    const ours = await RawClient.connect(t.servers.keyhive().port);
    const theirs = await RawClient.connect(t.servers.redis().port);
    try {
      const categories = (await ours.call('ACL', 'CAT')) as string[];
      assert.deepEqual(await theirs.call('ACL', 'CAT'), categories);
      const cat = async (c: RawClient, category: string) => ((await c.call('ACL', 'CAT', category)) as string[]).sort();
      // Every command is @fast or @slow, so these two name them all (Keyhive has some of Redis 7.2's too).
      const everyCommand = async (c: RawClient) => new Set([...(await cat(c, 'fast')), ...(await cat(c, 'slow'))]);
      const [oursAll, theirsAll] = [await everyCommand(ours), await everyCommand(theirs)];
      for (const category of categories) {
        await sub.test(category, async () => {
          const common = (c: RawClient, other: Set<string>) => cat(c, category).then((names) => names.filter((name) => other.has(name)));
          assert.deepEqual(await common(ours, theirsAll), await common(theirs, oursAll));
        });
      }
    } finally {
      ours.close();
      theirs.close();
    }
  });

  it('a single category added to -@all or taken from +@all is described alone', async (sub) => {
    const ours = await RawClient.connect(t.servers.keyhive().port);
    const theirs = await RawClient.connect(t.servers.redis().port);
    try {
      for (const category of (await ours.call('ACL', 'CAT')) as string[]) {
        if (((await ours.call('ACL', 'CAT', category)) as string[]).length === 0) continue;
        await sub.test(category, async () => {
          for (const rules of [['+@all', `-@${category}`], ['-@all', `+@${category}`]]) {
            const replies = [];
            for (const c of [ours, theirs]) {
              await c.call('ACL', 'SETUSER', 'd-category', 'reset', ...rules);
              replies.push(fields(await c.call('ACL', 'GETUSER', 'd-category')).commands);
            }
            assert.equal(replies[0], rules.join(' '));
            assert.equal(replies[0], replies[1]);
          }
        });
      }
    } finally {
      for (const c of [ours, theirs]) await c.call('ACL', 'DELUSER', 'd-category');
      ours.close();
      theirs.close();
    }
  });
});
