/**
 * In-process micro benchmark of the request path without the network:
 * decoder -> dispatch -> command -> reply encoder, for pipelined batches fed
 * to one client. It reports nanoseconds per command, so changes to the hot
 * path can be compared without socket noise (CPU time, not wall-clock load).
 *
 * With --floor the same batches go to the store floor of bench/floor-server.ts
 * instead (PING, GET and SET workloads only): the least work those commands
 * need in Node.js, for comparison.
 *
 *   npm run build && node dist/bench/inprocess.js [commands-per-batch] [batches] [workloads, e.g. set,get] [--floor]
 */
import { Server } from '../src/server/server.js';
import { Client } from '../src/server/client.js';
import { encodeCommand } from '../test/support/resp.js';
import type { Socket } from 'node:net';
import { Connection } from './floor-server.js';

/** Just enough of a net.Socket for a Client: replies are counted and dropped. */
function nullSocket(): { socket: Socket; written: () => number } {
  let bytes = 0;
  const socket = {
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localAddress: '127.0.0.1',
    localPort: 6379,
    writableLength: 0,
    destroyed: false,
    write(chunk: Buffer) {
      bytes += chunk.length;
      return true;
    },
    cork() {},
    uncork() {},
    pause() {},
    resume() {},
    end() {},
    destroy() {},
    on() {},
    setNoDelay() {},
    setKeepAlive() {},
  } as unknown as Socket;
  return { socket, written: () => bytes };
}

/** Replies are flushed once per event-loop turn, so the bench yields a whole turn to let them go. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function batch(make: (i: number) => string[], n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, (_, i) => encodeCommand(make(i))));
}

const WORKLOADS: Record<string, (i: number) => string[]> = {
  ping: () => ['PING'],
  set: (i) => ['SET', `key:${i % 10000}`, 'xxx'],
  get: (i) => ['GET', `key:${i % 10000}`],
  // As redis-benchmark's GET test sends it after its 100-byte SET test: one key, holding 100 bytes.
  get_bench_d100: () => ['GET', 'key:__rand_int__'],
  incr: () => ['INCR', 'counter'],
  mset: (i) => ['MSET', ...Array.from({ length: 10 }, (_, j) => [`key:${(i + j) % 10000}`, 'xxx']).flat()],
  // As redis-benchmark's MSET test sends it with 100-byte values: one key, ten times.
  mset_bench_d100: () => ['MSET', ...Array.from({ length: 10 }, () => ['key:__rand_int__', 'x'.repeat(100)]).flat()],
  lpush: () => ['LPUSH', 'mylist', 'xxx'],
  rpush: () => ['RPUSH', 'mylist2', 'xxx'],
  sadd: (i) => ['SADD', 'myset', `element:${i % 10000}`],
  // As redis-benchmark's SADD test sends it (without -r): one member of a small set, added again and again.
  sadd_bench: () => ['SADD', 'benchset', 'element:__rand_int__'],
  hset: (i) => ['HSET', 'myhash', `element:${i % 10000}`, 'xxx'],
  hset_table: (i) => ['HSET', 'tablehash', `field:${i}`, `value:${i}`],
  // As redis-benchmark's 3-byte HSET test sends it: one field of a listpack hash, written again and again.
  hset_bench: () => ['HSET', 'benchhash', 'element:__rand_int__', 'xxx'],
  // redis-benchmark's HSET once its 100-byte run has turned myhash into a table: one field, written again and again.
  hset_bench_table: () => ['HSET', 'convertedhash', 'element:__rand_int__', 'xxx'],
  hget_table: (i) => ['HGET', 'tablehash', `field:${i}`],
  // A hash past the listpack limit, whose fields are records, read whole (a reply of about 6 KB).
  hgetall_200: () => ['HGETALL', 'recordhash'],
  hincrby: (i) => ['HINCRBY', 'counters', `field:${i % 100}`, '1'],
  zincrby_table: (i) => ['ZINCRBY', 'tablezset', '1', `member:${i}`],
  zscore_table: (i) => ['ZSCORE', 'tablezset', `member:${i}`],
  zrank_table: (i) => ['ZRANK', 'tablezset', `member:${i * 50}`],
  zrange_table_100: () => ['ZRANGE', 'tablezset', '0', '99'],
  zrange_withscores_100: () => ['ZRANGE', 'tablezset', '0', '99', 'WITHSCORES'],
  zadd: (i) => ['ZADD', 'myzset', String(i % 1000), `element:${i % 10000}`],
  // As redis-benchmark's ZADD test sends it (without -r): one member, score 0.
  zadd_bench: () => ['ZADD', 'benchzset', '0', 'element:__rand_int__'],
  lpop: () => ['LPOP', 'mylist'],
  lrange_100: () => ['LRANGE', 'rangelist', '0', '99'],
  lrange_100_d100: () => ['LRANGE', 'rangelist100', '0', '99'],
  // Beyond redis-benchmark's tests: common commands whose cost is not the request path's (each found a slow path once).
  get_ttl: (i) => ['GET', `ttl:${i % 100}`],
  getrange: () => ['GETRANGE', 'float', '0', '1'],
  lset: () => ['LSET', 'setlist', '5', 'yyy'],
  bitcount: () => ['BITCOUNT', 'bits'],
  set_ex: (i) => ['SET', `ttl:${i % 100}`, 'xxx', 'EX', '100000'],
  expire: (i) => ['EXPIRE', `ttl:${i % 100}`, '100000'],
  mget_10: (i) => ['MGET', ...Array.from({ length: 10 }, (_, j) => `ttl:${(i + j) % 100}`)],
  smembers_50: () => ['SMEMBERS', 'set50'],
  sunion_50: () => ['SUNION', 'set50', 'set50b'],
  zrevrange_withscores_10: () => ['ZREVRANGE', 'decimalzset', '0', '9', 'WITHSCORES'],
  zrangebyscore_10: () => ['ZRANGEBYSCORE', 'decimalzset', '10', '20'],
  pfadd: (i) => ['PFADD', 'hll', `x${i % 5000}`],
  geopos: () => ['GEOPOS', 'geo', 'p1', 'p2'],
  geosearch: () => ['GEOSEARCH', 'geo', 'FROMLONLAT', '0', '45', 'BYRADIUS', '200', 'km', 'ASC'],
  incrbyfloat: () => ['INCRBYFLOAT', 'float', '0.5'],
  decr_below_zero: () => ['DECR', 'negative'],
};

/**
 * Lists the LRANGE workloads read, filled as redis-benchmark fills its list (LPUSH of 3- and 100-byte values),
 * a hash and a sorted set past the listpack limits for the *_table workloads (a batch repeats its commands, so they overwrite and read what these hold),
 * and what the workloads beyond redis-benchmark's read: keys with a TTL, two 50-member sets, a sorted set of
 * non-integer scores, an HLL, geo members and a float.
 */
const SETUP: string[][] = [
  ['RPUSH', 'rangelist', ...Array.from({ length: 600 }, () => 'xxx')],
  ['RPUSH', 'rangelist100', ...Array.from({ length: 600 }, () => 'x'.repeat(100))],
  ['RPUSH', 'setlist', ...Array.from({ length: 600 }, () => 'xxx')],
  ['HSET', 'tablehash', ...Array.from({ length: 1000 }, (_, i) => [`field:${i}`, `value:${i}`]).flat()],
  ['HSET', 'convertedhash', 'element:__rand_int__', 'x'.repeat(100)],
  ['HSET', 'recordhash', ...Array.from({ length: 200 }, (_, i) => [`field:${i}`, `value:${i}`]).flat()],
  ['SET', 'key:__rand_int__', 'x'.repeat(100)],
  ['ZADD', 'tablezset', ...Array.from({ length: 1000 }, (_, i) => [String(i), `member:${i}`]).flat()],
  ...Array.from({ length: 100 }, (_, i) => ['SET', `ttl:${i}`, `value:${i}`, 'EX', '100000']),
  ['SADD', 'set50', ...Array.from({ length: 50 }, (_, i) => `m${i}`)],
  ['SADD', 'set50b', ...Array.from({ length: 50 }, (_, i) => `m${2 * i}`)],
  ['ZADD', 'decimalzset', ...Array.from({ length: 100 }, (_, i) => [String(i * 1.5), `m${i}`]).flat()],
  ['PFADD', 'hll', ...Array.from({ length: 1000 }, (_, i) => `e${i}`)],
  ['GEOADD', 'geo', ...Array.from({ length: 100 }, (_, i) => [String(-10 + i * 0.2), String(40 + i * 0.1), `p${i}`]).flat()],
  ['SET', 'float', '3.5'],
  ['SETBIT', 'bits', '5000', '1'],
];

/** What the batches go to: a Keyhive client, or a store floor connection. */
interface Target {
  receive(input: Buffer): void;
  /** Ends an event-loop turn, in which replies are written. */
  endTurn(): Promise<void>;
  close(): Promise<void>;
}

function keyhiveTarget(socket: Socket): Target {
  const server = new Server();
  const client = new Client(server, socket);
  return { receive: (input) => client.receive(input), endTurn: nextTurn, close: () => server.close() };
}

/** The commands the store floor runs, with their argument counts: it answers +OK to any other, and ignores SET's options, which would time less than the work. */
const FLOOR_COMMANDS = new Map([
  ['PING', 1],
  ['GET', 2],
  ['SET', 3],
]);

function floorRuns(argv: string[]): boolean {
  return FLOOR_COMMANDS.get(argv[0]) === argv.length;
}

function floorTarget(socket: Socket): Target {
  const connection = new Connection(socket, new Map());
  return {
    receive: (input) => void connection.take(input),
    endTurn: () => {
      connection.flush();
      return nextTurn();
    },
    close: async () => {},
  };
}

async function main(): Promise<void> {
  const floor = process.argv.includes('--floor');
  const [perBatchArg, batchesArg, onlyArg] = process.argv.slice(2).filter((arg) => arg !== '--floor');
  const perBatch = Number(perBatchArg ?? 16);
  const batches = Number(batchesArg ?? 20000);
  const only = onlyArg?.split(',');
  const { socket, written } = nullSocket();
  const target = floor ? floorTarget(socket) : keyhiveTarget(socket);
  const runsOnTarget = ([, make]: [string, (i: number) => string[]]) => !floor || floorRuns(make(0));
  const selected = Object.entries(WORKLOADS).filter(([name]) => !only || only.includes(name));
  const refused = selected.filter((workload) => !runsOnTarget(workload));
  if (only && refused.length > 0) throw new Error(`the store floor runs only PING, GET and SET without options, not workload ${refused.map(([name]) => name).join(', ')}`);
  target.receive(Buffer.concat(SETUP.map((argv) => encodeCommand(argv))));
  for (const [name, make] of selected.filter(runsOnTarget)) {
    const input = batch(make, perBatch);
    const run = async (count: number) => {
      for (let b = 0; b < count; b++) {
        target.receive(input);
        // Replies are flushed once per event-loop turn: a turn every few batches keeps the output under OUTPUT_HIGH_WATER (past it the client pauses for good, as this socket never drains).
        if (b % 8 === 7) await target.endTurn();
      }
      await target.endTurn();
    };
    await run(Math.min(2000, batches));
    const start = process.cpuUsage();
    const t0 = performance.now();
    await run(batches);
    const cpu = process.cpuUsage(start);
    const elapsed = performance.now() - t0;
    const ops = perBatch * batches;
    console.log(`${name.padEnd(15)} ${((elapsed * 1e6) / ops).toFixed(0).padStart(5)} ns/op wall  ${(((cpu.user + cpu.system) * 1e3) / ops).toFixed(0).padStart(5)} ns/op cpu`);
  }
  if (written() === 0) throw new Error('no replies were produced');
  await target.close();
}

void main();
