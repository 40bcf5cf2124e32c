/**
 * Keyspace notifications of every command family against redis-server: a
 * client subscribed to __key*__:* records what each write publishes (event
 * names, order, keyspace and keyevent channels, silent no-ops), with
 * notify-keyspace-events KEA, and again with the n (new key) and m (key miss)
 * classes on. Commands Keyhive does not have yet are left out on both sides,
 * so the comparison grows as families land.
 */
import { describeDifferential, type DifferentialContext } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';

/** A command, a pause, or a command whose reply lists members in an order of the server's own (compared sorted). */
type Step = string[] | { sleep: number } | { unordered: string[] };

/** One family's commands, run in order on an empty database 9. */
const FAMILIES: Record<string, Step[]> = {
  strings: [
    ['SET', 's', 'v'],
    ['SET', 's', 'w', 'NX'],
    ['SET', 's', 'w', 'XX', 'GET'],
    ['SET', 's', 'x', 'KEEPTTL'],
    ['SETNX', 's', 'y'],
    ['SETNX', 's2', 'y'],
    ['SETEX', 's3', '100', 'v'],
    ['PSETEX', 's4', '100000', 'v'],
    ['GETSET', 's', 'z'],
    ['GETDEL', 's2'],
    ['GETDEL', 's2'],
    ['GETEX', 's', 'EX', '100'],
    ['GETEX', 's', 'PERSIST'],
    ['GETEX', 's'],
    ['MSET', 'm1', 'a', 'm2', 'b'],
    ['MSETNX', 'm3', 'a', 'm4', 'b'],
    ['MSETNX', 'm3', 'a', 'm5', 'b'],
    ['APPEND', 'm1', 'xyz'],
    ['APPEND', 'new', 'xyz'],
    ['SETRANGE', 'm2', '3', 'abc'],
    ['SETRANGE', 'm2', '1', ''],
    ['SETRANGE', 'nothing', '1', ''],
    ['INCR', 'n'],
    ['DECR', 'n'],
    ['INCRBY', 'n', '10'],
    ['DECRBY', 'n', '3'],
    ['INCRBYFLOAT', 'n', '1.5'],
    ['INCR', 'm1'],
    ['GET', 'missing'],
    ['GETRANGE', 'missing', '0', '1'],
    ['STRLEN', 'm1'],
    ['LCS', 'm1', 'm2'],
    ['SET', 'gone', 'v', 'PX', '1'],
    { sleep: 20 },
    ['GET', 'gone'],
  ],
  keys: [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['DEL', 'a', 'missing'],
    ['UNLINK', 'b'],
    ['EXPIRE', 'c', '100'],
    ['PEXPIRE', 'c', '100000'],
    ['EXPIREAT', 'c', '4000000000'],
    ['PEXPIREAT', 'c', '4000000000000'],
    ['EXPIRE', 'c', '10', 'NX'],
    ['PERSIST', 'c'],
    ['PERSIST', 'c'],
    ['RENAME', 'c', 'd'],
    ['SET', 'e', '5'],
    ['RENAMENX', 'd', 'e'],
    ['RENAMENX', 'd', 'f'],
    ['SET', 'd', 'x'],
    ['RENAME', 'e', 'd'],
    ['COPY', 'f', 'g'],
    ['COPY', 'f', 'g', 'REPLACE'],
    ['COPY', 'f', 'g', 'DB', '10'],
    ['MOVE', 'g', '10'],
    ['TOUCH', 'f', 'missing'],
    ['TYPE', 'missing'],
    ['EXISTS', 'missing'],
    ['EXPIRE', 'f', '0'],
    ['PEXPIREAT', 'e', '1'],
    ['RPUSH', 'sortme', '3', '1', '2'],
    ['SORT', 'sortme', 'STORE', 'sorted'],
    ['SORT', 'missing', 'STORE', 'sorted'],
    ['SORT_RO', 'sortme'],
  ],
  lists: [
    ['LPUSH', 'l', 'a', 'b'],
    ['RPUSH', 'l', 'c'],
    ['LPUSHX', 'l', 'd'],
    ['RPUSHX', 'l', 'e'],
    ['LPUSHX', 'nolist', 'd'],
    ['LINSERT', 'l', 'BEFORE', 'c', 'x'],
    ['LINSERT', 'l', 'BEFORE', 'nope', 'x'],
    ['LSET', 'l', '0', 'z'],
    ['LREM', 'l', '0', 'x'],
    ['LREM', 'l', '0', 'nope'],
    ['LTRIM', 'l', '0', '3'],
    ['LPOP', 'l'],
    ['RPOP', 'l', '2'],
    ['LPOS', 'l', 'a'],
    ['RPUSH', 'src', '1', '2', '3'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
    ['RPOPLPUSH', 'src', 'dst'],
    ['LMPOP', '2', 'missing', 'src', 'LEFT', 'COUNT', '5'],
    ['BLPOP', 'dst', '1'],
    ['BRPOP', 'dst', '1'],
    ['BLMOVE', 'l', 'l2', 'RIGHT', 'LEFT', '1'],
    ['BLMPOP', '1', '1', 'l', 'RIGHT'],
    ['RPUSH', 'src', 'p', 'q'],
    ['BRPOPLPUSH', 'src', 'dst2', '1'],
    ['LTRIM', 'l2', '1', '0'],
    ['LRANGE', 'missing', '0', '-1'],
  ],
  sets: [
    ['SADD', 's', 'a', 'b', 'c', 'd'],
    ['SADD', 's', 'a'],
    ['SREM', 's', 'a', 'nope'],
    ['SREM', 's', 'nope'],
    ['SMOVE', 's', 't', 'b'],
    ['SMOVE', 's', 't', 'nope'],
    ['SADD', 'u', 'c', 'x'],
    ['SINTERSTORE', 'inter', 's', 'u'],
    ['SUNIONSTORE', 'union', 's', 'u'],
    ['SDIFFSTORE', 'diff', 's', 'u'],
    ['SINTERSTORE', 'inter', 's', 'missing'],
    { unordered: ['SPOP', 'union', '10'] },
    ['SPOP', 't'],
    ['SREM', 'u', 'c', 'x'],
    ['SISMEMBER', 'missing', 'a'],
    ['SMEMBERS', 'missing'],
  ],
  hashes: [
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['HSET', 'h', 'a', '1'],
    ['HSETNX', 'h', 'a', '9'],
    ['HSETNX', 'h', 'c', '3'],
    ['HMSET', 'h', 'd', '4'],
    ['HINCRBY', 'h', 'a', '5'],
    ['HINCRBYFLOAT', 'h', 'b', '0.5'],
    ['HDEL', 'h', 'a', 'nope'],
    ['HDEL', 'h', 'nope'],
    ['HDEL', 'h', 'b', 'c', 'd'],
    ['HGET', 'missing', 'f'],
    ['HGETALL', 'missing'],
  ],
  zsets: [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
    ['ZADD', 'z', '1', 'a'],
    ['ZADD', 'z', 'INCR', '5', 'a'],
    ['ZADD', 'z', 'XX', 'CH', '0', 'a', '9', 'new'],
    ['ZADD', 'z', 'GT', '1', 'a'],
    ['ZADD', 'z', 'LT', 'CH', '1', 'a'],
    ['ZADD', 'z', 'NX', '1', 'a'],
    ['ZINCRBY', 'z', '1', 'b'],
    ['ZREM', 'z', 'nope'],
    ['ZREM', 'z', 'c'],
    ['ZADD', 'y', '1', 'a', '7', 'x'],
    ['ZUNIONSTORE', 'zu', '2', 'z', 'y'],
    ['ZINTERSTORE', 'zi', '2', 'z', 'y'],
    ['ZDIFFSTORE', 'zd', '2', 'z', 'y'],
    ['ZINTERSTORE', 'zi', '2', 'z', 'missing'],
    ['ZRANGESTORE', 'zr', 'z', '0', '0'],
    ['ZRANGESTORE', 'zr', 'z', '5', '9'],
    ['ZREMRANGEBYSCORE', 'zu', '0', '1'],
    ['ZREMRANGEBYRANK', 'zu', '0', '0'],
    ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c'],
    ['ZREMRANGEBYLEX', 'lex', '[a', '[b'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', '5'],
    ['ZMPOP', '2', 'missing', 'y', 'MIN', 'COUNT', '1'],
    ['BZPOPMIN', 'y', '1'],
    ['ZADD', 'y', '5', 'm'],
    ['BZPOPMAX', 'y', '1'],
    ['BZMPOP', '1', '1', 'lex', 'MAX'],
    ['ZSCORE', 'missing', 'a'],
  ],
  bitmaps: [
    ['SETBIT', 'bits', '7', '1'],
    ['SETBIT', 'bits', '7', '1'],
    ['SETBIT', 'bits', '100', '0'],
    ['BITOP', 'OR', 'dest', 'bits', 'missing'],
    ['BITOP', 'AND', 'dest', 'missing', 'missing2'],
    ['BITFIELD', 'bf', 'SET', 'u8', '0', '255'],
    ['BITFIELD', 'bf', 'GET', 'u8', '0'],
    ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '1'],
    ['GETBIT', 'missing', '0'],
    ['BITCOUNT', 'missing'],
  ],
  hyperloglog: [
    ['PFADD', 'hll', 'a', 'b'],
    ['PFADD', 'hll', 'a'],
    ['PFADD', 'hll2', 'c'],
    ['PFCOUNT', 'hll'],
    ['PFMERGE', 'merged', 'hll', 'hll2'],
    ['PFMERGE', 'empty'],
  ],
  geo: [
    ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['GEOADD', 'g', 'NX', '13.361389', '38.115556', 'Palermo'],
    ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'gr'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'gd'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'km', 'STORE', 'gm'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'km', 'STORE', 'gm'],
    ['GEOPOS', 'missing', 'a'],
  ],
  server: [
    ['SET', 'x', '1'],
    ['FLUSHDB'],
    ['SET', 'y', '1'],
    ['SWAPDB', '9', '10'],
    ['SWAPDB', '9', '10'],
    ['FLUSHALL'],
  ],
};

const MARKER = 'end-of-family';

/** The commands Keyhive has, by name: the others are left out on both sides. */
async function keyhiveCommands(port: number): Promise<Set<string>> {
  const c = await RawClient.connect(port);
  try {
    const names = (await c.call('COMMAND', 'LIST')) as string[];
    return new Set(names.map((n) => n.toLowerCase()));
  } finally {
    c.close();
  }
}

function familyScenario(t: DifferentialContext, family: string, steps: Step[], classes: string): void {
  t.scenario(`${family} (notify-keyspace-events ${classes})`, async (connect) => {
    const known = await keyhiveCommands(t.servers.keyhive().port);
    const out: string[] = [];
    const admin = await connect();
    const sub = await connect();
    // Lazy expiry is what the steps exercise; the active cycle would race it.
    await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', classes));
    sub.send('PSUBSCRIBE', '__key*__:*');
    await sub.readRaw();
    sub.send('SUBSCRIBE', MARKER);
    await sub.readRaw();
    try {
      for (const step of steps) {
        if ('sleep' in step) {
          await new Promise((r) => setTimeout(r, step.sleep));
          continue;
        }
        const cmd = 'unordered' in step ? step.unordered : step;
        if (!known.has(cmd[0].toLowerCase())) continue;
        const reply = await admin.callRaw(...cmd);
        out.push(`${cmd.join(' ')} -> ${'unordered' in step ? reply.split('\r\n').sort().join(' ') : reply}`);
      }
      await admin.callRaw('PUBLISH', MARKER, 'done');
      for (;;) {
        const message = await sub.readRaw();
        if (message.includes(MARKER)) break;
        out.push(message);
      }
    } finally {
      await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', '');
      await admin.callRaw('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      await admin.callRaw('FLUSHALL');
    }
    return out;
  });
}

/** Commands that block until the push that follows serves them. */
const SERVED: [string[], string[]][] = [
  [['BLPOP', 'q', '0'], ['RPUSH', 'q', 'a', 'b']],
  [['BLMOVE', 'q2', 'q3', 'RIGHT', 'LEFT', '0'], ['LPUSH', 'q2', 'x']],
  [['BLMPOP', '0', '1', 'q4', 'LEFT', 'COUNT', '2'], ['RPUSH', 'q4', 'x', 'y']],
  [['BZPOPMIN', 'zq', '0'], ['ZADD', 'zq', '1', 'a', '2', 'b']],
  [['BZMPOP', '0', '1', 'zq2', 'MAX'], ['ZADD', 'zq2', '1', 'a']],
];

async function blockedClients(admin: RawClient): Promise<number> {
  const info = await admin.callRaw('INFO', 'clients');
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
}

describeDifferential('keyspace notifications of every family', (t) => {
  t.scenario('blocked clients served by a push (notify-keyspace-events KEAn)', async (connect) => {
    const known = await keyhiveCommands(t.servers.keyhive().port);
    const out: string[] = [];
    const admin = await connect();
    const blocker = await connect();
    const sub = await connect();
    out.push(await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn'));
    sub.send('PSUBSCRIBE', '__key*__:*');
    await sub.readRaw();
    sub.send('SUBSCRIBE', MARKER);
    await sub.readRaw();
    try {
      for (const [blocking, push] of SERVED) {
        if (!known.has(blocking[0].toLowerCase())) continue;
        blocker.send(...blocking);
        while ((await blockedClients(admin)) !== 1);
        out.push(await admin.callRaw(...push));
        out.push(await blocker.readRaw());
      }
      await admin.callRaw('PUBLISH', MARKER, 'done');
      for (;;) {
        const message = await sub.readRaw();
        if (message.includes(MARKER)) break;
        out.push(message);
      }
    } finally {
      await admin.callRaw('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
    return out;
  });

  for (const [family, steps] of Object.entries(FAMILIES)) {
    familyScenario(t, family, steps, 'KEA');
    familyScenario(t, family, steps, 'KEAnm');
  }
  t.sequence('notify-keyspace-events: CONFIG SET validation and CONFIG GET canonical form', [
    ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Eg$lshzxetd'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'mnKEA'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'zhK'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'Kq'],
    ['CONFIG', 'SET', 'notify-keyspace-events', 'K E'],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
    ['CONFIG', 'SET', 'notify-keyspace-events', ''],
    ['CONFIG', 'GET', 'notify-keyspace-events'],
  ]);
});
