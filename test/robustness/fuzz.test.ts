/**
 * Fuzzing `node bin/keyhive` run as a child process, with a fixed seed
 * (FUZZ_SEED) for a bounded time (FUZZ_SECONDS, default 3; set it to minutes
 * for a long local run).
 *
 * Many connections at once run sessions of these kinds:
 * - pipelined random commands from the command table (fuzz-commands.ts:
 *   every command and subcommand, arguments from keys of every type,
 *   numbers, binary strings and the keywords redis-server's COMMAND DOCS
 *   lists), in multibulk and inline encodings, split at random byte
 *   boundaries, plus unknown command names;
 * - malformed input (random bytes, truncated frames, wrong '$' lengths,
 *   huge declared lengths, unbalanced quotes);
 * - WATCH/MULTI/EXEC with random queued commands while a second connection
 *   touches (or not) the watched keys;
 * - blocking pops with tiny timeouts while another connection pushes;
 * - Pub/Sub subscribers (RESP2 and RESP3) with publishers on other
 *   connections.
 *
 * The oracle:
 * - every well-formed request gets exactly one reply, and every reply parses
 *   as RESP2/RESP3;
 * - after malformed input the server either keeps answering or closes only
 *   that connection, and a protocol error reply is the last thing it sends;
 * - no command fails with an internal error (a handler threw);
 * - EXEC fails exactly when a watched key was touched (or a queued command
 *   was refused); a pushed element reaches the blocked client or stays in
 *   the list, never both, never neither; subscribers get exactly the
 *   messages published to them, in order;
 * - a sanity client doing SET/GET/INCR round trips all along gets correct
 *   answers;
 * - the server process is alive at the end and still answers PING.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RawClient } from '../support/raw-client.js';
import { decodeReply, encodeCommand, RespError, type RespValue } from '../support/resp.js';
import { startRedis } from '../support/servers.js';
import { CommandFuzzer, NUMBERS, Random, tokensFromReference } from './fuzz-commands.js';
import { spawnKeyhive, type KeyhiveProcess } from './keyhive-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 3);
const WORKERS = 8;

/** Keys the fuzzer plays with; the sanity client's keys are never among them. */
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', '{k}a', '{k}b'];

/** Keywords by command, from redis-server's COMMAND DOCS (read once in before()). */
let tokens = new Map<string, string[]>();

function fuzzerFor(r: Random): CommandFuzzer {
  return new CommandFuzzer(r, { keys: KEYS, tokens, shared: true });
}

/** A random command line, or now and then one with a name no server knows. */
function randomCommand(r: Random, fuzzer: CommandFuzzer, findings: Findings, exclude?: ReadonlySet<string>): string[] {
  if (r.chance(0.03)) return [r.bytes(1 + r.int(8)), fuzzer.argument()];
  const argv = fuzzer.command(exclude);
  findings.sent.add(argv[0].toLowerCase() + (argv.length > 1 && /^[a-z-]+$/i.test(argv[1]) ? `|${argv[1].toLowerCase()}` : ''));
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
function malformed(r: Random, fuzzer: CommandFuzzer): string {
  const frame = encodeCommand(fuzzer.command()).toString('latin1');
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
  /** Command (and container|subcommand) names sent, for the coverage count. */
  sent: Set<string>;
  requests: number;
  transactions: number;
  blockingRounds: number;
  pubsubSessions: number;
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
async function commandSession(r: Random, fuzzer: CommandFuzzer, port: number, findings: Findings): Promise<void> {
  const c = await RawClient.connect(port);
  findings.connections++;
  try {
    const batches = 1 + r.int(10);
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: 1 + r.int(20) }, () => randomCommand(r, fuzzer, findings));
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
async function malformedSession(r: Random, fuzzer: CommandFuzzer, port: number, findings: Findings): Promise<void> {
  const token = `token-${r.int(1e9)}`;
  const garbage = malformed(r, fuzzer);
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

/** Commands that would end or restart a transaction, which the transaction session does itself. */
const TRANSACTION_CONTROL = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch', 'reset', 'hello']);

async function callChecked(c: RawClient, argv: string[], findings: Findings): Promise<RespValue> {
  const reply = await c.call(...argv).catch((e: Error) => {
    throw new Error(`no valid reply to ${JSON.stringify(argv)}: ${e.message}`);
  });
  if (isInternalError(reply)) findings.internalErrors.add(argv[0].toUpperCase());
  findings.requests++;
  return reply;
}

function isExecAbort(v: RespValue): boolean {
  return v instanceof RespError && v.message.startsWith('EXECABORT');
}

/**
 * WATCH keys of the session's own, MULTI, random queued commands, then EXEC
 * or DISCARD, while a second connection runs a random command and maybe
 * overwrites a watched key: EXEC must then fail (null), and only then, or
 * abort when a queued command was refused.
 */
async function transactionSession(r: Random, fuzzer: CommandFuzzer, port: number, findings: Findings): Promise<void> {
  const [a, b] = [await RawClient.connect(port), await RawClient.connect(port)];
  findings.connections += 2;
  try {
    const id = r.int(1e9);
    const watched = Array.from({ length: 1 + r.int(3) }, (_, i) => `tx:${id}:${i}`);
    if (r.chance(0.5)) assert.equal(await a.call('SET', watched[0], 'before'), 'OK');
    assert.equal(await a.call('WATCH', ...watched), 'OK');
    if (r.chance(0.5)) await callChecked(b, randomCommand(r, fuzzer, findings, TRANSACTION_CONTROL), findings);
    assert.equal(await a.call('MULTI'), 'OK');
    for (let i = 1 + r.int(8); i > 0; i--) {
      const argv = randomCommand(r, fuzzer, findings, TRANSACTION_CONTROL);
      const reply = await callChecked(a, argv, findings);
      assert.ok(reply === 'QUEUED' || reply instanceof RespError, `inside MULTI, ${JSON.stringify(argv)} got ${JSON.stringify(reply)}`);
    }
    const touched = r.chance(0.4);
    if (touched) assert.equal(await b.call('SET', r.pick(watched), 'touched'), 'OK');
    if (r.chance(0.15)) {
      assert.equal(await a.call('DISCARD'), 'OK');
    } else {
      const result = await callChecked(a, ['EXEC'], findings);
      if (touched) assert.ok(result === null || isExecAbort(result), `EXEC after a watched key changed: ${JSON.stringify(result)}`);
      else assert.ok(Array.isArray(result) || isExecAbort(result), `EXEC with untouched watched keys: ${JSON.stringify(result)}`);
    }
    findings.transactions++;
  } finally {
    a.close();
    b.close();
  }
}

/**
 * A blocking pop with a tiny timeout while another connection may push to
 * its key: the element ends up with the blocked client or still in the
 * key, exactly once.
 */
async function blockingSession(r: Random, port: number, findings: Findings): Promise<void> {
  const [a, b] = [await RawClient.connect(port), await RawClient.connect(port)];
  findings.connections += 2;
  try {
    const key = `bl:${r.int(1e9)}`;
    const timeout = r.pick(['0.01', '0.05', '0.2']);
    const list = r.chance(0.6);
    const pop = list
      ? r.pick([['BLPOP', key, timeout], ['BRPOP', key, timeout], ['BLMPOP', timeout, '1', key, 'LEFT'], ['BLMOVE', key, `${key}:to`, 'LEFT', 'RIGHT', timeout]])
      : r.pick([['BZPOPMIN', key, timeout], ['BZPOPMAX', key, timeout], ['BZMPOP', timeout, '1', key, 'MIN']]);
    a.send(...pop);
    const pushed = r.chance(0.7);
    if (pushed) assert.equal(await b.call(...(list ? ['RPUSH', key, 'x'] : ['ZADD', key, '1', 'x'])), 1);
    const served = await a.read(10000);
    if (isInternalError(served)) findings.internalErrors.add(pop[0]);
    const left = Number(await b.call(list ? 'LLEN' : 'ZCARD', key));
    const moved = pop[0] === 'BLMOVE' ? Number(await b.call('LLEN', `${key}:to`)) : 0;
    if (!pushed) assert.equal(served, null, `${pop.join(' ')} on an empty key`);
    else assert.equal(Number(served !== null) + left, 1, `${pop.join(' ')}: served ${JSON.stringify(served)}, ${left} left`);
    if (pop[0] === 'BLMOVE') assert.equal(moved, served === null ? 0 : 1);
    await b.call('DEL', key, `${key}:to`);
    findings.blockingRounds++;
  } finally {
    a.close();
    b.close();
  }
}

/** A push message's items (RESP3) or the plain array (RESP2). */
function messageItems(v: RespValue): RespValue {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'push' in v ? v.push : v;
}

/**
 * A subscriber (RESP2 or RESP3) on channels and a pattern of its own, a
 * publisher on another connection: every PUBLISH counts the subscriber
 * exactly when it listens, and the subscriber receives exactly those
 * messages, in order, and the replies to its own commands among them.
 */
async function pubsubSession(r: Random, port: number, findings: Findings): Promise<void> {
  const [sub, pub] = [await RawClient.connect(port), await RawClient.connect(port)];
  findings.connections += 2;
  const resp3 = r.chance(0.4);
  let expected: RespValue[] = [];
  const receiveExpected = async () => {
    for (const want of expected) assert.deepEqual(messageItems(await sub.read(10000)), want, `subscriber (RESP${resp3 ? 3 : 2}) message`);
    expected = [];
  };
  try {
    const id = r.int(1e9);
    const channels = [`ch:${id}:a`, `ch:${id}:b`];
    const pattern = `ch:${id}:p*`;
    if (resp3) await sub.call('HELLO', '3');
    sub.send('SUBSCRIBE', ...channels);
    channels.forEach((ch, i) => expected.push(['subscribe', ch, i + 1]));
    sub.send('PSUBSCRIBE', pattern);
    expected.push(['psubscribe', pattern, 3]);
    await receiveExpected();
    for (let i = r.int(12); i > 0; i--) {
      const roll = r.int(5);
      if (roll === 0) {
        // The subscriber's own command: what was published before it arrives first.
        await receiveExpected();
        assert.deepEqual(messageItems(await sub.call('PING')), resp3 ? 'PONG' : ['pong', '']);
        continue;
      }
      const channel = [...channels, `ch:${id}:p${r.int(3)}`, `ch:${id}:nobody`][roll - 1];
      const payload = r.bytes(r.int(40));
      const listening = channel !== `ch:${id}:nobody`;
      assert.equal(await pub.call('PUBLISH', channel, Buffer.from(payload, 'latin1')), listening ? 1 : 0, `PUBLISH ${channel}`);
      if (listening) expected.push(channel.startsWith(`ch:${id}:p`) ? ['pmessage', pattern, channel, payload] : ['message', channel, payload]);
    }
    sub.send('UNSUBSCRIBE');
    channels.forEach((ch, i) => expected.push(['unsubscribe', ch, channels.length - i]));
    sub.send('PUNSUBSCRIBE');
    expected.push(['punsubscribe', pattern, 0]);
    await receiveExpected();
    assert.equal(await pub.call('PUBLISH', channels[0], 'after'), 0, 'no receiver once unsubscribed');
    findings.pubsubSessions++;
  } finally {
    sub.close();
    pub.close();
  }
}

async function fuzzWorker(seed: number, port: number, deadline: number, findings: Findings): Promise<void> {
  const r = new Random(seed);
  const fuzzer = fuzzerFor(r);
  while (Date.now() < deadline) {
    const roll = r.int(100);
    if (roll < 55) await commandSession(r, fuzzer, port, findings);
    else if (roll < 80) await malformedSession(r, fuzzer, port, findings);
    else if (roll < 88) await transactionSession(r, fuzzer, port, findings);
    else if (roll < 94) await blockingSession(r, port, findings);
    else await pubsubSession(r, port, findings);
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

describe(`fuzzing (seed ${SEED}, ${SECONDS}s)`, () => {
  let server: KeyhiveProcess;
  before(async () => {
    const reference = await startRedis();
    try {
      tokens = await tokensFromReference(reference.port);
    } finally {
      await reference.close();
    }
    server = await spawnKeyhive();
  });
  after(async () => {
    await server?.stop();
  });

  it('survives random and malformed input on many connections while a sanity client stays correct', async (t) => {
    await seedKeys(server.port);
    const findings: Findings = {
      internalErrors: new Set(),
      sent: new Set(),
      requests: 0,
      transactions: 0,
      blockingRounds: 0,
      pubsubSessions: 0,
      malformed: 0,
      protocolErrors: 0,
      connections: 0,
    };
    const deadline = Date.now() + SECONDS * 1000;
    let fuzzing = true;
    const workers = Promise.all(Array.from({ length: WORKERS }, (_, i) => fuzzWorker(SEED + i, server.port, deadline, findings)));
    const [, rounds] = await Promise.all([
      workers.finally(() => {
        fuzzing = false;
      }),
      sanityClient(server.port, () => !fuzzing),
    ]);
    const { requests, malformed, protocolErrors, connections, transactions, blockingRounds, pubsubSessions } = findings;
    const names = fuzzerFor(new Random(SEED)).names;
    const covered = names.filter((n) => findings.sent.has(n)).length;
    t.diagnostic(
      `${requests} requests (${covered} of ${names.length} commands and subcommands), ${malformed} malformed inputs (${protocolErrors} protocol errors), ` +
        `${transactions} transactions, ${blockingRounds} blocking pops, ${pubsubSessions} Pub/Sub sessions, ${connections} connections, ${rounds} sanity rounds`,
    );
    assert.ok(rounds > 0, 'the sanity client completed no round trip');
    assert.ok(requests > 0 && protocolErrors > 0, 'too little fuzzing');
    assert.ok(server.alive(), `the server died: ${server.output().slice(-2000)}`);
    const c = await RawClient.connect(server.port);
    assert.equal(await c.call('PING'), 'PONG');
    c.close();
    assert.deepEqual([...findings.internalErrors].sort(), [], 'commands that failed with an internal error (see the server log)');
  });
});
