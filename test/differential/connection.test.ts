import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';

describeDifferential('connection commands', (t) => {
  t.sequence('PING and ECHO', [['PING'], ['ping', 'hi'], ['PING', 'a', 'b'], ['ECHO', ''], ['ECHO'], ['ECHO', 'a', 'b']]);

  t.sequence('PING while subscribed', [['SUBSCRIBE', 'ch'], ['PING'], ['PING', 'x'], ['PING', 'a', 'b'], ['UNSUBSCRIBE', 'ch'], ['PING']]);

  t.sequence('SELECT', [
    ['SELECT', '3'],
    ['SELECT', '16'],
    ['SELECT', '-1'],
    ['SELECT', '4294967296'],
    ['SELECT', '-4294967296'],
    ['SELECT', 'x'],
    ['SELECT', '1.5'],
    ['SELECT', ' 1'],
    ['SELECT'],
    ['SELECT', '9'],
  ]);

  t.sequence('SWAPDB errors', [
    ['SWAPDB', 'x', '0'],
    ['SWAPDB', '0', 'x'],
    ['SWAPDB', 'x', 'y'],
    ['SWAPDB', '4294967296', '0'],
    ['SWAPDB', '0', '16'],
    ['SWAPDB', '-1', '0'],
    ['SWAPDB', '0'],
    ['SWAPDB', '0', '0'],
  ]);

  t.sequence('SWAPDB moves contents and touches WATCHed keys', [
    ['SET', 'swap:k', 'nine'],
    ['SWAPDB', '9', '10'],
    ['GET', 'swap:k'],
    ['SELECT', '10'],
    ['GET', 'swap:k'],
    ['SELECT', '9'],
    ['WATCH', 'swap:k'],
    ['SWAPDB', '9', '10'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
    ['GET', 'swap:k'],
    ['DEL', 'swap:k'],
  ]);

  t.sequence('AUTH without a password configured', [
    ['AUTH', 'x'],
    ['AUTH', 'default', 'anything'],
    ['AUTH', 'nosuchuser', 'x'],
    ['AUTH', 'a', 'b', 'c'],
    ['AUTH'],
  ]);

  t.sequence('HELLO errors and options', [
    ['HELLO', '4'],
    ['HELLO', '1'],
    ['HELLO', 'x'],
    ['HELLO', '3', 'foo'],
    ['HELLO', '2', 'AUTH', 'a'],
    ['HELLO', '2', 'SETNAME'],
    ['HELLO', '2', 'SETNAME', 'a b'],
    ['HELLO', '2', 'AUTH', 'nosuchuser', 'x'],
    ['CLIENT', 'GETNAME'],
    // SETNAME applies before a later bad option fails.
    ['HELLO', '2', 'SETNAME', 'first', 'bogus'],
    ['CLIENT', 'GETNAME'],
    // The id differs between servers: compare by shape.
    { cmd: ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'hello-name'], match: 'shape' },
    ['CLIENT', 'GETNAME'],
    { cmd: ['HELLO'], match: 'shape' },
    { cmd: ['HELLO', '3'], match: 'shape' },
    ['PING'],
    { cmd: ['HELLO', '2'], match: 'shape' },
    ['PING'],
  ]);

  t.sequence('RESET', [
    ['SELECT', '3'],
    ['CLIENT', 'SETNAME', 'resetme'],
    ['CLIENT', 'NO-EVICT', 'on'],
    ['MULTI'],
    ['SET', 'reset:k', 'v'],
    ['RESET'],
    ['EXEC'],
    ['CLIENT', 'GETNAME'],
    ['GET', 'reset:k'],
    ['SELECT', '9'],
    ['WATCH', 'reset:k'],
    ['RESET'],
    ['SELECT', '9'],
    ['MULTI'],
    ['EXEC'],
    { cmd: ['HELLO', '3'], match: 'shape' },
    ['RESET'],
    ['HSET', 'reset:h', 'f', 'v'],
    ['HGETALL', 'reset:h'],
    ['DEL', 'reset:h'],
    ['RESET', 'extra'],
  ]);

  t.sequence('QUIT', [['PING'], ['QUIT']]);
  t.sequence('QUIT with arguments', [['QUIT', 'now', 'please']]);

  t.sequence('CLIENT container errors', [
    ['CLIENT'],
    ['CLIENT', 'NOSUCH'],
    ['client', 'nosuch', 'x'],
    ['CLIENT', 'ID', 'x'],
    ['CLIENT', 'SETNAME'],
    ['CLIENT', 'SETNAME', 'a', 'b'],
    ['CLIENT', 'GETNAME', 'x'],
    ['CLIENT', 'INFO', 'x'],
    ['CLIENT', 'KILL'],
    ['CLIENT', 'REPLY'],
    ['CLIENT', 'PAUSE'],
    ['CLIENT', 'UNPAUSE', 'x'],
    ['CLIENT', 'NO-EVICT'],
    ['CLIENT', 'HELP', 'x'],
  ]);

  t.sequence('CLIENT HELP', [['CLIENT', 'HELP'], ['client', 'help']]);

  // The CLIENT container itself differs: Keyhive adds 7.2's SETINFO and NO-TOUCH.
  t.sequence('COMMAND INFO of the connection commands', [
    ['COMMAND', 'INFO', 'ping', 'echo', 'quit', 'reset', 'select', 'swapdb', 'auth', 'hello'],
    ['COMMAND', 'INFO', 'client|id', 'client|setname', 'client|getname', 'client|info', 'client|list', 'client|kill'],
    ['COMMAND', 'INFO', 'client|no-evict', 'client|reply', 'client|pause', 'client|unpause', 'client|help'],
  ]);

  t.sequence('CLIENT ID, SETNAME, GETNAME', [
    { cmd: ['CLIENT', 'ID'], match: 'shape' },
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'my-name_1.2:{x}'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'has space'],
    ['CLIENT', 'SETNAME', 'new\nline'],
    ['CLIENT', 'SETNAME', 'caf\xe9'],
    ['CLIENT', 'SETNAME', '\x7f'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', ''],
    ['CLIENT', 'GETNAME'],
  ]);

  t.sequence('CLIENT LIST and INFO replies', [
    { cmd: ['CLIENT', 'LIST'], match: 'shape' },
    { cmd: ['CLIENT', 'INFO'], match: 'shape' },
    { cmd: ['CLIENT', 'LIST', 'TYPE', 'normal'], match: 'shape' },
    ['CLIENT', 'LIST', 'TYPE', 'master'],
    ['CLIENT', 'LIST', 'TYPE', 'replica'],
    ['CLIENT', 'LIST', 'TYPE', 'SLAVE'],
    ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
    ['CLIENT', 'LIST', 'TYPE', 'foo'],
    ['CLIENT', 'LIST', 'TYPE'],
    ['CLIENT', 'LIST', 'ID'],
    ['CLIENT', 'LIST', 'ID', 'x'],
    ['CLIENT', 'LIST', 'ID', '1', 'x'],
    ['CLIENT', 'LIST', 'ID', '999999'],
    ['CLIENT', 'LIST', 'ID', '999999', '-1', '0'],
    ['CLIENT', 'LIST', 'foo'],
    ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
  ]);

  t.sequence('CLIENT KILL errors and no-match replies', [
    ['CLIENT', 'KILL', 'id', '10', 'wrong_arg'],
    ['CLIENT', 'KILL', 'id', 'str'],
    ['CLIENT', 'KILL', 'id', '-1'],
    ['CLIENT', 'KILL', 'id', '0'],
    ['CLIENT', 'KILL', 'id', '99999999999999999999'],
    ['CLIENT', 'KILL', 'type', 'wrong_type'],
    ['CLIENT', 'KILL', 'user', 'wrong_user'],
    ['CLIENT', 'KILL', 'skipme', 'yes_or_no'],
    ['CLIENT', 'KILL', 'nosuchfilter', 'x'],
    ['CLIENT', 'KILL', '1.2.3.4:5'],
    ['CLIENT', 'KILL', 'id', '999999'],
    ['CLIENT', 'KILL', 'addr', '1.2.3.4:5', 'skipme', 'no'],
    ['CLIENT', 'KILL', 'laddr', '1.2.3.4:5'],
    ['CLIENT', 'KILL', 'type', 'master'],
    ['CLIENT', 'KILL', 'user', 'default', 'id', '999999'],
    // Only the caller matches, and SKIPME defaults to yes.
    ['CLIENT', 'KILL', 'type', 'normal', 'id', '999999', 'skipme', 'yes'],
  ]);

  t.sequence('CLIENT REPLY', [
    ['CLIENT', 'REPLY', 'foo'],
    { raw: 'CLIENT REPLY SKIP\r\nPING a\r\nPING b\r\n' },
    { raw: 'CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nPING a\r\nPING b\r\n' },
    { raw: 'CLIENT REPLY SKIP\r\nNOSUCHCOMMAND\r\nPING c\r\n' },
    { raw: 'CLIENT REPLY SKIP\r\nGET\r\nPING d\r\n' },
    { raw: 'CLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\n' },
    { raw: 'CLIENT REPLY SKIP\r\nBLPOP reply:nolist 0.01\r\nPING after-blpop\r\n' },
    { raw: 'CLIENT REPLY OFF\r\nPING a\r\nSET reply:k v\r\nCLIENT REPLY SKIP\r\nPING b\r\nCLIENT REPLY ON\r\n' },
    ['GET', 'reply:k'],
    { raw: 'CLIENT REPLY OFF\r\nRESET\r\n' },
    ['SELECT', '9'],
    { raw: 'MULTI\r\nCLIENT REPLY SKIP\r\nEXEC\r\nPING e\r\nPING f\r\n' },
    ['DEL', 'reply:k'],
  ]);

  t.sequence('CLIENT NO-EVICT', [
    ['CLIENT', 'NO-EVICT', 'on'],
    ['CLIENT', 'NO-EVICT', 'OFF'],
    ['CLIENT', 'NO-EVICT', 'maybe'],
  ]);

  t.sequence('CLIENT PAUSE and UNPAUSE argument errors', [
    ['CLIENT', 'PAUSE', 'abc'],
    ['CLIENT', 'PAUSE', '-1'],
    ['CLIENT', 'PAUSE', '1.5'],
    ['CLIENT', 'PAUSE', '10', 'foo'],
    ['CLIENT', 'PAUSE', 'abc', 'foo'],
    ['CLIENT', 'PAUSE', '10', 'write', 'extra'],
    ['CLIENT', 'UNPAUSE'],
    ['CLIENT', 'PAUSE', '100000', 'WRITE'],
    ['GET', 'pause:k'],
    ['PING'],
    ['CLIENT', 'UNPAUSE'],
    ['SET', 'pause:k', 'v'],
    ['DEL', 'pause:k'],
  ]);

  /** CLIENT LIST's fields as a map; Keyhive's extra 7.2 fields (lib-name, lib-ver) are dropped. */
  function fields(reply: RespValue): Map<string, string> {
    const text = typeof reply === 'string' ? reply : (reply as { verbatim: string }).verbatim;
    const line = text.split('\n')[0];
    const map = new Map(line.split(' ').map((kv) => kv.split('=', 2) as [string, string]));
    map.delete('lib-name');
    map.delete('lib-ver');
    return map;
  }

  /** Fields whose values must match Redis's for the same history of the same connection. */
  /** Seconds since the connection or its last command: 0 for both servers, or 1 where a test straddles a second (Redis counts from its cached clock). */
  const SECONDS = ['age', 'idle'];
  const COMPARABLE = ['name', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'argv-mem', 'multi-mem', 'obl', 'oll', 'omem', 'events', 'cmd', 'user', 'redir', 'resp'];

  /** Runs setup on a new connection, then the CLIENT LIST/INFO command info(own id), and parses the first line. */
  async function clientFields(port: number, protocol: 2 | 3, setup: string[][], info: (id: number) => string[]): Promise<Map<string, string>> {
    const c = await RawClient.connect(port);
    try {
      if (protocol === 3) await c.call('HELLO', '3');
      const id = (await c.call('CLIENT', 'ID')) as number;
      for (const cmd of setup) await c.call(...cmd);
      return fields(await c.call(...info(id)));
    } finally {
      c.close();
    }
  }

  const histories: { name: string; setup: string[][]; info: (id: number) => string[] }[] = [
    { name: 'fresh connection, CLIENT INFO', setup: [], info: () => ['CLIENT', 'INFO'] },
    { name: 'named connection in db 3, CLIENT LIST ID', setup: [['CLIENT', 'SETNAME', 'n1'], ['SELECT', '3']], info: (id) => ['CLIENT', 'LIST', 'ID', String(id)] },
    { name: 'inside MULTI with queued commands', setup: [['MULTI'], ['SET', 'a', 'bbb'], ['GET', 'a']], info: () => ['CLIENT', 'INFO'] },
    { name: 'dirty WATCH, no-evict', setup: [['WATCH', 'w'], ['SET', 'w', '1'], ['CLIENT', 'NO-EVICT', 'on']], info: () => ['CLIENT', 'INFO'] },
  ];
  for (const protocol of [2, 3] as const) {
    for (const history of histories) {
      it(`CLIENT LIST/INFO fields: ${history.name} (RESP${protocol})`, async () => {
        const [ours, theirs] = await Promise.all(
          [t.servers.keyhive().port, t.servers.redis().port].map((port) => clientFields(port, protocol, history.setup, history.info)),
        );
        assert.deepEqual([...ours.keys()], [...theirs.keys()], 'field names and order');
        for (const field of COMPARABLE) assert.equal(ours.get(field), theirs.get(field), field);
        for (const field of SECONDS) {
          assert.equal(ours.has(field), theirs.has(field), field);
          for (const fields of [ours, theirs]) if (fields.has(field)) assert.ok(['0', '1'].includes(fields.get(field) as string), `${field} is ${fields.get(field)}`);
        }
      });
    }
  }
});
