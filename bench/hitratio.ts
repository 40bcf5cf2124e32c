/**
 * Cache hit ratio under maxmemory, Keyhive beside redis-server:
 *
 *   npm run bench:hitratio              about a minute
 *   npm run bench:hitratio -- --quick   fewer requests (a smoke test)
 *
 * The workload is a cache's: GET a key drawn from a Zipf distribution
 * (exponent 0.99, YCSB's) over a key space about five times larger than
 * maxmemory holds, and SET it on a miss. Both servers get the same maxmemory
 * and policy and the same seeded request sequence; after a warm-up that
 * fills the memory, the hits of the measured requests give the ratio. Runs
 * allkeys-lru and allkeys-lfu, prints the table and writes it as its own
 * section of bench/RESULTS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, REDIS_SERVER } from '../test/support/servers.js';
import { RawClient } from '../test/support/raw-client.js';
import { prng } from '../test/support/prng.js';
import { writeSection } from './results-section.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench/RESULTS.md');

const KEYS = 100_000;
const VALUE_BYTES = 400;
/** About a fifth of what the key space takes in either server (roughly 500 bytes a key). */
const MAXMEMORY = '12mb';
const ZIPF_EXPONENT = 0.99;
const PIPELINE = 64;
const POLICIES = ['allkeys-lru', 'allkeys-lfu'];
const SEED = 42;

interface Profile {
  warmup: number;
  measured: number;
}
const PROFILES: Record<string, Profile> = {
  quick: { warmup: 50_000, measured: 100_000 },
  default: { warmup: 200_000, measured: 400_000 },
};

type ServerKind = 'keyhive' | 'redis';

/** Key ranks drawn from a Zipf distribution over KEYS keys by inverting its cumulative distribution. */
function zipfSampler(random: () => number): () => number {
  const cdf = new Float64Array(KEYS);
  let sum = 0;
  for (let rank = 0; rank < KEYS; rank++) cdf[rank] = sum += 1 / (rank + 1) ** ZIPF_EXPONENT;
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = KEYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Which key each rank names: a fixed shuffle, so that popularity has nothing to do with key order. */
function keyNames(random: () => number): string[] {
  const names = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  return names;
}

/**
 * A pipelining client for GET and SET only: replies are a bulk string, a
 * null bulk (a miss) or +OK, read as they come.
 */
class CacheClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { count: number; results: boolean[]; resolve: (hits: boolean[]) => void } | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
  }

  static connect(port: number): Promise<CacheClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new CacheClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends the commands and resolves with, per reply, whether it was a hit (a value or OK). */
  run(commands: string): Promise<boolean[]> {
    const count = (commands.match(/^\*/gm) ?? []).length;
    return new Promise((resolve) => {
      this.waiting = { count, results: [], resolve };
      this.socket.write(commands, 'latin1');
      this.parse();
    });
  }

  private parse(): void {
    const w = this.waiting;
    if (!w) return;
    let pos = 0;
    const buf = this.buf;
    while (w.results.length < w.count) {
      const cr = buf.indexOf(13, pos);
      if (cr < 0) break;
      const line = buf.latin1Slice(pos, cr);
      if (line[0] === '$' && line !== '$-1') {
        const end = cr + 2 + Number(line.slice(1)) + 2;
        if (end > buf.length) break;
        pos = end;
        w.results.push(true);
      } else if (line[0] === '-') throw new Error(`server error: ${line}`);
      else {
        pos = cr + 2;
        w.results.push(line !== '$-1');
      }
    }
    this.buf = buf.subarray(pos);
    if (w.results.length === w.count) {
      this.waiting = null;
      w.resolve(w.results);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
}

/** Runs the workload and returns the hit ratio of the measured requests. */
async function hitRatio(port: number, profile: Profile): Promise<number> {
  const random = prng(SEED);
  const names = keyNames(random);
  const nextRank = zipfSampler(random);
  const value = 'v'.repeat(VALUE_BYTES);
  const client = await CacheClient.connect(port);
  let hits = 0;
  const total = profile.warmup + profile.measured;
  for (let done = 0; done < total; done += PIPELINE) {
    const keys = Array.from({ length: Math.min(PIPELINE, total - done) }, () => names[nextRank()]);
    const found = await client.run(keys.map((key) => command('GET', key)).join(''));
    const missed = keys.filter((_, i) => !found[i]);
    if (missed.length > 0) await client.run(missed.map((key) => command('SET', key, value)).join(''));
    if (done >= profile.warmup) hits += found.filter(Boolean).length;
  }
  client.close();
  return hits / profile.measured;
}

async function startServer(kind: ServerKind, policy: string): Promise<{ port: number; process: ChildProcess; command: string[] }> {
  const port = await freePort();
  const options = ['--port', String(port), '--maxmemory', MAXMEMORY, '--maxmemory-policy', policy];
  const command = kind === 'keyhive' ? ['node', 'bin/keyhive', ...options] : [REDIS_SERVER, ...options, '--save', '', '--appendonly', 'no'];
  const child = spawn(command[0], command.slice(1), { cwd: REPO_ROOT, stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      const pong = await c.call('PING');
      c.close();
      if (pong === 'PONG') break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${kind} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { port, process: child, command };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Row {
  policy: string;
  keyhive: number;
  redis: number;
  keysKept: Record<ServerKind, number>;
}

async function measure(kind: ServerKind, policy: string, profile: Profile): Promise<{ ratio: number; keys: number }> {
  const server = await startServer(kind, policy);
  try {
    const ratio = await hitRatio(server.port, profile);
    const admin = await RawClient.connect(server.port);
    const keys = (await admin.call('DBSIZE')) as number;
    admin.close();
    return { ratio, keys };
  } finally {
    await stop(server.process);
  }
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function table(rows: Row[]): string {
  return [
    '| policy | Keyhive hit ratio | Redis hit ratio | difference (points) | keys kept: Keyhive / Redis |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.policy} | ${percent(r.keyhive)} | ${percent(r.redis)} | ${((r.keyhive - r.redis) * 100).toFixed(1)} | ${r.keysKept.keyhive} / ${r.keysKept.redis} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const profile = quick ? PROFILES.quick : PROFILES.default;
  const rows: Row[] = [];
  for (const policy of POLICIES) {
    const keyhive = await measure('keyhive', policy, profile);
    const redis = await measure('redis', policy, profile);
    rows.push({ policy, keyhive: keyhive.ratio, redis: redis.ratio, keysKept: { keyhive: keyhive.keys, redis: redis.keys } });
    process.stderr.write(`${policy}: Keyhive ${percent(keyhive.ratio)}, Redis ${percent(redis.ratio)}\n`);
  }
  const section = [
    '## Hit ratio under maxmemory',
    '',
    `Made by \`npm run bench:hitratio${quick ? ' -- --quick' : ''}\` (bench/hitratio.ts) on ${new Date().toISOString()}, Node.js ${process.version}, ${os.cpus().length} CPUs.`,
    '',
    `GET-or-SET-on-miss over ${KEYS.toLocaleString('en')} keys of ${VALUE_BYTES}-byte values drawn from a Zipf distribution (exponent ${ZIPF_EXPONENT}),`,
    `against each server alone with \`--maxmemory ${MAXMEMORY}\` (a fifth or so of the key space) and the policy shown, pipelined ${PIPELINE} deep.`,
    `Both get the same seeded sequence: ${profile.warmup.toLocaleString('en')} warm-up requests, then ${profile.measured.toLocaleString('en')} measured ones.`,
    'Keys kept is DBSIZE at the end: how many keys each fits in the same maxmemory.',
    '',
    table(rows),
  ].join('\n');
  writeSection(RESULTS_FILE, 'hitratio', section);
  process.stdout.write(`${table(rows)}\n\nWritten to ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
