/**
 * Protocol fuzzing against `node bin/keyhive` run as a child process, with a
 * fixed seed (FUZZ_SEED) for a bounded time (FUZZ_SECONDS, default 3).
 *
 * Many connections at once send pipelined random commands (known and
 * unknown names, arguments of every kind, keys of every type, so plenty of
 * WRONGTYPE and syntax errors, in multibulk and inline encodings, split at
 * random byte boundaries) and malformed input (random bytes, truncated
 * frames, wrong '$' lengths, huge declared lengths, unbalanced quotes).
 *
 * The oracle:
 * - every well-formed request gets exactly one reply, and every reply parses
 *   as RESP2/RESP3;
 * - after malformed input the server either keeps answering or closes only
 *   that connection, and a protocol error reply is the last thing it sends;
 * - no command fails with an internal error (a handler threw);
 * - a sanity client doing SET/GET/INCR round trips all along gets correct
 *   answers;
 * - the server process is alive at the end and still answers PING.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RawClient } from '../support/raw-client.js';
import { decodeReply, encodeCommand, RespError, type RespValue } from '../support/resp.js';
import { Generator } from '../support/random.js';
import { spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 3);
const WORKERS = 8;

class Random extends Generator {
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  bytes(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.int(256));
    return s;
  }
}

/** Keys the fuzzer plays with; the sanity client's keys are never among them. */
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', '{k}a', '{k}b'];

const NUMBERS = [
  '0', '1', '-1', '2', '3', '10', '100', '-100', '1.5', '-0.5', 'abc', '', 'inf', '-inf', '+inf', 'nan', '+1', '01', ' 1', '1e3',
  '9223372036854775807', '-9223372036854775808', '99999999999999999999', '4294967296',
];

const WORDS = [
  'NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'EX', 'PX', 'EXAT', 'PXAT', 'KEEPTTL', 'GET', 'PERSIST', 'WITHSCORES', 'LIMIT', 'COUNT',
  'MATCH', 'TYPE', 'BYSCORE', 'BYLEX', 'REV', 'REPLACE', 'DB', 'LEN', 'IDX', 'MINMATCHLEN', 'WITHMATCHLEN', 'BEFORE', 'AFTER',
  'LEFT', 'RIGHT', 'MAXLEN', 'MINID', 'WEIGHTS', 'AGGREGATE', 'SUM', 'MIN', 'MAX', 'ALPHA', 'ASC', 'DESC', 'STORE', 'BY', 'nosort',
  'ENCODING', 'FREQ', 'IDLETIME', 'REFCOUNT', 'HELP', 'string', 'list', 'hash', 'set', 'zset', 'stream', '*', '#', '-', '+',
  '[a', '(1', 'f1', 'f2', 'm1', 'm2', 'v', 'value', 'server', 'clients', 'keyspace', 'all', 'default', 'everything',
];

/** Commands the fuzzer sends with random arguments. Left out: anything that blocks, subscribes, changes server-wide
 * state (CONFIG SET, FLUSHALL, SWAPDB, ACL, CLIENT PAUSE/KILL/REPLY, SHUTDOWN, DEBUG, replication, saving), ends the
 * connection (QUIT), or answers with a number of replies other than one. */
const COMMANDS = [
  'GET', 'SET', 'SETNX', 'SETEX', 'PSETEX', 'GETSET', 'GETDEL', 'GETEX', 'MGET', 'MSET', 'MSETNX', 'APPEND', 'STRLEN', 'GETRANGE',
  'SETRANGE', 'SUBSTR', 'INCR', 'INCRBY', 'DECR', 'DECRBY', 'INCRBYFLOAT', 'DEL', 'UNLINK', 'EXISTS', 'TYPE', 'RENAME',
  'RENAMENX', 'COPY', 'MOVE', 'KEYS', 'SCAN', 'RANDOMKEY', 'TOUCH', 'OBJECT', 'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT',
  'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'PERSIST', 'DUMP', 'RESTORE', 'SORT', 'SORT_RO', 'LPUSH', 'RPUSH', 'LPUSHX',
  'RPUSHX', 'LPOP', 'RPOP', 'LRANGE', 'LLEN', 'LINDEX', 'LSET', 'LREM', 'LINSERT', 'LTRIM', 'LPOS', 'LMOVE', 'RPOPLPUSH',
  'HSET', 'HSETNX', 'HGET', 'HMGET', 'HDEL', 'HLEN', 'HSTRLEN', 'HGETALL', 'HKEYS', 'HVALS', 'HEXISTS', 'HINCRBY',
  'HINCRBYFLOAT', 'HSCAN', 'SADD', 'SREM', 'SMEMBERS', 'SISMEMBER', 'SMISMEMBER', 'SCARD', 'SPOP', 'SMOVE', 'SINTER',
  'SINTERCARD', 'SUNION', 'SDIFF', 'SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE', 'SSCAN', 'ZADD', 'ZINCRBY', 'ZREM', 'ZSCORE',
  'ZMSCORE', 'ZCARD', 'ZCOUNT', 'ZLEXCOUNT', 'ZRANK', 'ZREVRANK', 'ZRANGE', 'ZRANGESTORE', 'ZREVRANGE', 'ZRANGEBYSCORE',
  'ZRANGEBYLEX', 'ZREMRANGEBYSCORE', 'ZREMRANGEBYRANK', 'ZPOPMIN', 'ZPOPMAX', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZUNION',
  'ZINTER', 'ZDIFF', 'ZSCAN', 'XADD', 'XLEN', 'XRANGE', 'XREVRANGE', 'XDEL', 'XTRIM', 'PFADD', 'PFCOUNT', 'PFMERGE',
  'GEOADD', 'GEOPOS', 'GEODIST', 'BITCOUNT', 'BITPOS', 'GETBIT', 'PING', 'ECHO', 'SELECT', 'MULTI', 'EXEC', 'DISCARD',
  'WATCH', 'UNWATCH', 'HELLO', 'RESET', 'AUTH', 'DBSIZE', 'TIME', 'INFO', 'LASTSAVE', 'PUBLISH', 'MEMORY', 'LOLWUT',
];

/** Keyless commands with fixed arguments that exercise read-only server introspection. */
const FIXED_COMMANDS = [
  ['CONFIG', 'GET', '*'], ['CONFIG', 'GET', 'maxmemory*'], ['COMMAND', 'COUNT'], ['COMMAND', 'INFO', 'get', 'set', 'nope'],
  ['COMMAND', 'GETKEYS', 'SET', 'a', 'b'], ['COMMAND', 'DOCS', 'incr'], ['CLIENT', 'ID'], ['CLIENT', 'GETNAME'],
  ['CLIENT', 'SETNAME', 'fuzzer'], ['CLIENT', 'LIST'], ['CLIENT', 'INFO'], ['OBJECT', 'HELP'], ['PUBSUB', 'CHANNELS'],
  ['SLOWLOG', 'LEN'], ['LATENCY', 'LATEST'], ['ACL', 'WHOAMI'], ['INFO', 'everything'],
];

function randomArg(r: Random): string {
  switch (r.int(6)) {
    case 0:
    case 1:
      return r.pick(KEYS);
    case 2:
      return r.pick(NUMBERS);
    case 3:
      return r.pick(WORDS);
    case 4:
      return r.bytes(r.int(12));
    default:
      return r.chance(0.1) ? 'x'.repeat(r.int(3000)) : `v${r.int(1000)}`;
  }
}

function randomCommand(r: Random): string[] {
  if (r.chance(0.05)) return r.pick(FIXED_COMMANDS).slice();
  if (r.chance(0.03)) return [r.bytes(1 + r.int(8)), randomArg(r)];
  const name = r.pick(COMMANDS);
  const argv = [r.chance(0.3) ? name.toLowerCase() : name];
  const argc = r.int(7);
  for (let i = 0; i < argc; i++) argv.push(randomArg(r));
  return argv;
}

/** An inline request line: every argument double-quoted, non-printable bytes as \xHH. */
function inlineCommand(argv: string[]): Buffer {
  const quoted = argv.map((a) => {
    let s = '"';
    for (const ch of a) {
      const code = ch.charCodeAt(0);
      s += code >= 32 && code < 127 && ch !== '"' && ch !== '\\' ? ch : `\\x${code.toString(16).padStart(2, '0')}`;
    }
    return `${s}"`;
  });
  return Buffer.from(`${quoted.join(' ')}\r\n`, 'latin1');
}

function encode(r: Random, argv: string[]): Buffer {
  return r.chance(0.2) ? inlineCommand(argv) : encodeCommand(argv);
}

/** Malformed input of one of the kinds the server must survive. */
function malformed(r: Random): string {
  const frame = encodeCommand(randomCommand(r)).toString('latin1');
  switch (r.int(8)) {
    case 0:
      return r.bytes(1 + r.int(300));
    case 1:
      return frame.slice(0, r.int(frame.length));
    case 2:
      // A '$' length off by a few bytes either way.
      return frame.replace(/\$(\d+)/, (_, n: string) => `$${Math.max(0, Number(n) + r.int(7) - 3)}`);
    case 3:
      return r.pick(['*1\r\n$2147483648\r\n', '*99999999999\r\n', '*1\r\n$536870912\r\nabc', '*2147483647\r\n$3\r\nGET\r\n', '*1\r\n$-5\r\n']);
    case 4:
      return `${r.pick(['SET', 'ECHO', 'GET'])} ${r.pick(['"', "'"])}${r.bytes(r.int(20)).replace(/["'\n]/g, '')}\r\n`;
    case 5:
      return `${r.bytes(r.int(80)).replace(/\n/g, '')}\r\n`;
    case 6:
      return `*${r.int(5)}\r\n${r.pick(['$', ':', '+', '-', '*'])}${r.pick(NUMBERS)}\r\n${r.bytes(r.int(20))}`;
    default:
      return frame + r.bytes(r.int(40));
  }
}

interface Findings {
  /** Commands that got "internal error" replies, by name. */
  internalErrors: Set<string>;
  requests: number;
  malformed: number;
  protocolErrors: number;
  connections: number;
}

function isInternalError(v: RespValue): boolean {
  if (v instanceof RespError) return v.message.includes('internal error');
  if (Array.isArray(v)) return v.some(isInternalError);
  return false;
}

async function sendInPieces(r: Random, c: RawClient, bytes: Buffer): Promise<void> {
  let pos = 0;
  while (pos < bytes.length) {
    const end = r.chance(0.5) ? bytes.length : pos + 1 + r.int(bytes.length - pos);
    c.write(bytes.subarray(pos, end));
    pos = end;
    if (pos < bytes.length) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Pipelined batches of random well-formed commands on one connection; each must get exactly one parseable reply. */
async function commandSession(r: Random, port: number, findings: Findings): Promise<void> {
  const c = await RawClient.connect(port);
  findings.connections++;
  try {
    const batches = 1 + r.int(10);
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: 1 + r.int(20) }, () => randomCommand(r));
      await sendInPieces(r, c, Buffer.concat(batch.map((argv) => encode(r, argv))));
      for (const argv of batch) {
        const reply = await c.read(10000).catch((e: Error) => {
          throw new Error(`no valid reply to ${JSON.stringify(argv)}: ${e.message}`);
        });
        if (isInternalError(reply)) findings.internalErrors.add(argv[0].toUpperCase());
        findings.requests++;
      }
    }
  } finally {
    c.close();
  }
}

function preview(bytes: Buffer): string {
  return JSON.stringify(bytes.subarray(0, 120).toString('latin1'));
}

/** Sends bytes, half-closes, and returns everything the server sent until it closed the connection. */
function exchangeUntilClosed(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.createConnection({ port, host: '127.0.0.1' }, () => socket.end(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server neither answered nor closed after ${preview(bytes)}`));
    }, 10000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** A well-formed ECHO, then malformed bytes: the ECHO is answered first, every reply parses, a protocol error comes last. */
async function malformedSession(r: Random, port: number, findings: Findings): Promise<void> {
  const token = `token-${r.int(1e9)}`;
  const garbage = malformed(r);
  const received = await exchangeUntilClosed(port, Buffer.concat([encodeCommand(['ECHO', token]), Buffer.from(garbage, 'latin1')]));
  findings.connections++;
  findings.malformed++;
  const context = `after ${JSON.stringify(garbage.slice(0, 120))}`;
  const replies: RespValue[] = [];
  let pos = 0;
  while (pos < received.length) {
    const decoded = decodeReply(received, pos);
    assert.ok(decoded, `incomplete reply ${preview(received.subarray(pos))} ${context}`);
    replies.push(decoded[0]);
    pos = decoded[1];
  }
  assert.equal(replies[0], token, `the ECHO before the malformed bytes must be answered ${context}`);
  const protocolError = replies.findIndex((v) => v instanceof RespError && v.message.startsWith('ERR Protocol error'));
  if (protocolError >= 0) findings.protocolErrors++;
  if (protocolError >= 0) assert.equal(protocolError, replies.length - 1, `nothing may follow a protocol error ${context}`);
}

async function fuzzWorker(seed: number, port: number, deadline: number, findings: Findings): Promise<void> {
  const r = new Random(seed);
  while (Date.now() < deadline) {
    if (r.chance(0.7)) await commandSession(r, port, findings);
    else await malformedSession(r, port, findings);
  }
}

/** SET/GET/INCR round trips with binary values on keys the fuzzer never touches; returns the number of rounds. */
async function sanityClient(port: number, done: () => boolean): Promise<number> {
  const r = new Random(SEED ^ 0x5eed);
  const c = await RawClient.connect(port);
  let rounds = 0;
  try {
    assert.equal(await c.call('DEL', 'sanity:counter'), 0);
    while (!done()) {
      const key = `sanity:${rounds % 50}`;
      const value = r.bytes(r.int(300));
      assert.equal(await c.call('SET', key, Buffer.from(value, 'latin1')), 'OK');
      assert.equal(await c.call('GET', key), value, `GET ${key} after SET`);
      assert.equal(await c.call('INCR', 'sanity:counter'), rounds + 1);
      rounds++;
    }
  } finally {
    c.close();
  }
  return rounds;
}

/** One key of each type, so random commands meet WRONGTYPE. */
async function seedKeys(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    for (const argv of [
      ['SET', 'k0', 'hello'], ['RPUSH', 'k1', 'a', 'b', 'c'], ['HSET', 'k2', 'f1', 'v1', 'f2', '2'], ['SADD', 'k3', 'm1', 'm2', '3'],
      ['ZADD', 'k4', '1', 'm1', '2.5', 'm2'], ['XADD', 'k5', '*', 'f', 'v'], ['SET', 'k6', '10'],
    ]) {
      await c.call(...argv);
    }
  } finally {
    c.close();
  }
}

describe(`protocol fuzzing (seed ${SEED}, ${SECONDS}s)`, () => {
  let server: KeyhiveProcess;
  before(async () => {
    server = await spawnKeyhive();
  });
  after(async () => {
    await server?.stop();
  });

  it('survives random and malformed input on many connections while a sanity client stays correct', async (t) => {
    await seedKeys(server.port);
    const findings: Findings = { internalErrors: new Set(), requests: 0, malformed: 0, protocolErrors: 0, connections: 0 };
    const deadline = Date.now() + SECONDS * 1000;
    let fuzzing = true;
    const workers = Promise.all(Array.from({ length: WORKERS }, (_, i) => fuzzWorker(SEED + i, server.port, deadline, findings)));
    const [, rounds] = await Promise.all([
      workers.finally(() => {
        fuzzing = false;
      }),
      sanityClient(server.port, () => !fuzzing),
    ]);
    const { requests, malformed, protocolErrors, connections } = findings;
    t.diagnostic(`${requests} requests, ${malformed} malformed inputs (${protocolErrors} protocol errors), ${connections} connections, ${rounds} sanity rounds`);
    assert.ok(rounds > 0, 'the sanity client completed no round trip');
    assert.ok(requests > 0 && protocolErrors > 0, 'too little fuzzing');
    assert.ok(server.alive(), `the server died: ${server.output().slice(-2000)}`);
    const c = await RawClient.connect(server.port);
    assert.equal(await c.call('PING'), 'PONG');
    c.close();
    assert.deepEqual([...findings.internalErrors].sort(), [], 'commands that failed with an internal error (see the server log)');
  });
});
