/**
 * Differential testing: the same command sequence goes to Keyhive and to a
 * real redis-server, over raw sockets, in RESP2 and in RESP3, and replies are
 * compared byte for byte (or, where content legitimately differs, after
 * normalising order or by shape).
 *
 *   describeDifferential('strings', (t) => {
 *     t.sequence('SET then GET', [['SET', 'k', 'v'], ['GET', 'k']]);
 *     t.sequence('SMEMBERS order', [['SADD', 's', 'a', 'b'], { cmd: ['SMEMBERS', 's'], match: 'unordered' }]);
 *   });
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from './raw-client.js';
import { decodeReply, RespError, type RespValue } from './resp.js';
import { type ReferenceServer, startKeyhiveAndRedis } from './servers.js';
import type { RunningServer } from '../../src/index.js';

export type Arg = string | Buffer | number;

/** exact: same bytes; unordered: same elements in any order; shape: same reply types and lengths; error: both error or both not; ignore: only that both answered. */
export type Match = 'exact' | 'unordered' | 'shape' | 'error' | 'ignore';

/** A step sends one command (or raw bytes) and compares the next `replies` replies (default 1). */
export type Step = Arg[] | { cmd: Arg[]; match?: Match; replies?: number } | { sleep: number } | { raw: string; match?: Match; replies?: number };

export interface SequenceOptions {
  /** Protocols to run in; default both. */
  protocols?: (2 | 3)[];
  /** Extra redis-server-side setup is not supported: both sides must accept the same commands. */
}

function typeSignature(v: RespValue): unknown {
  if (v === null) return 'null';
  if (v instanceof RespError) return 'error';
  if (Array.isArray(v)) return v.map(typeSignature);
  if (v instanceof Map) return ['map', v.size];
  if (v instanceof Set) return ['set', v.size];
  if (typeof v === 'object' && 'push' in v) return ['push', v.push.map(typeSignature)];
  if (typeof v === 'object' && 'verbatim' in v) return 'verbatim';
  return typeof v;
}

function normaliseUnordered(v: RespValue): unknown {
  if (Array.isArray(v)) return v.map(normaliseUnordered).map((x) => JSON.stringify(x)).sort();
  if (v instanceof Set) return [...v].map(normaliseUnordered).map((x) => JSON.stringify(x)).sort();
  if (v instanceof Map) return [...v].map(([k, x]) => JSON.stringify([normaliseUnordered(k), normaliseUnordered(x)])).sort();
  if (v instanceof RespError) return `error:${v.message}`;
  if (typeof v === 'bigint') return `big:${v}`;
  return v;
}

function decodeAll(raw: string): RespValue {
  const r = decodeReply(Buffer.from(raw, 'latin1'));
  if (!r) throw new Error(`incomplete reply ${JSON.stringify(raw)}`);
  return r[0];
}

export function compareReplies(match: Match, ours: string, theirs: string, label: string): void {
  switch (match) {
    case 'exact':
      assert.equal(JSON.stringify(ours), JSON.stringify(theirs), label);
      return;
    case 'unordered':
      assert.deepEqual(normaliseUnordered(decodeAll(ours)), normaliseUnordered(decodeAll(theirs)), label);
      return;
    case 'shape':
      assert.deepEqual(typeSignature(decodeAll(ours)), typeSignature(decodeAll(theirs)), label);
      return;
    case 'error':
      assert.equal(ours.startsWith('-'), theirs.startsWith('-'), `${label}: ${ours} vs ${theirs}`);
      return;
    case 'ignore':
      return;
  }
}

/** Opens a fresh raw connection (db 9, already flushed for the scenario) to the server under test. */
export type Connect = () => Promise<RawClient>;

export interface DifferentialContext {
  /** Registers a test that runs steps against both servers and compares every reply. */
  sequence(name: string, steps: Step[], options?: SequenceOptions): void;
  /**
   * Registers a test for several connections: the scenario runs once against each server
   * and returns a transcript (raw replies, in its own order); the transcripts must be equal.
   */
  scenario(name: string, run: (connect: Connect) => Promise<string[]>): void;
  /** The running servers, for tests that need more than a sequence. */
  readonly servers: { keyhive: () => RunningServer; redis: () => ReferenceServer };
}

async function runSteps(keyhivePort: number, redisPort: number, steps: Step[], protocol: 2 | 3): Promise<void> {
  const ours = await RawClient.connect(keyhivePort);
  const theirs = await RawClient.connect(redisPort);
  try {
    for (const c of [ours, theirs]) {
      await c.call('SELECT', '9');
      await c.call('FLUSHALL');
      if (protocol === 3) assert.ok(!((await c.call('HELLO', '3')) instanceof RespError), 'HELLO 3 failed');
    }
    for (const [i, step] of steps.entries()) {
      if ('sleep' in step) {
        await new Promise((r) => setTimeout(r, step.sleep));
        continue;
      }
      let match: Match = 'exact';
      let label: string;
      if ('raw' in step) {
        ours.write(step.raw);
        theirs.write(step.raw);
        match = step.match ?? 'exact';
        label = `RESP${protocol} step ${i} raw ${JSON.stringify(step.raw)}`;
      } else {
        const cmd = Array.isArray(step) ? step : step.cmd;
        if (!Array.isArray(step)) match = step.match ?? 'exact';
        ours.send(...cmd);
        theirs.send(...cmd);
        label = `RESP${protocol} step ${i}: ${cmd.map((a) => (Buffer.isBuffer(a) ? `<${a.length} bytes>` : String(a))).join(' ').slice(0, 200)}`;
      }
      const replies = Array.isArray(step) ? 1 : (step.replies ?? 1);
      for (let r = 0; r < replies; r++) {
        const [a, b] = await Promise.all([ours.readRaw(), theirs.readRaw()]);
        compareReplies(match, a, b, replies > 1 ? `${label} (reply ${r + 1})` : label);
      }
    }
  } finally {
    ours.close();
    theirs.close();
  }
}

export function describeDifferential(name: string, body: (t: DifferentialContext) => void): void {
  describe(`differential: ${name}`, () => {
    let keyhive: RunningServer;
    let redis: ReferenceServer;
    before(async () => {
      [keyhive, redis] = await startKeyhiveAndRedis();
    });
    after(async () => {
      await Promise.all([keyhive?.close(), redis?.close()]);
    });
    body({
      sequence(testName, steps, options = {}) {
        for (const protocol of options.protocols ?? [2, 3]) {
          it(`${testName} (RESP${protocol})`, () => runSteps(keyhive.port, redis.port, steps, protocol as 2 | 3));
        }
      },
      scenario(testName, run) {
        it(testName, async () => {
          const transcripts: string[][] = [];
          for (const port of [keyhive.port, redis.port]) {
            const opened: RawClient[] = [];
            const connect: Connect = async () => {
              const c = await RawClient.connect(port);
              opened.push(c);
              await c.call('SELECT', '9');
              return c;
            };
            const admin = await connect();
            await admin.call('FLUSHALL');
            try {
              transcripts.push(await run(connect));
            } finally {
              for (const c of opened) c.close();
            }
          }
          assert.deepEqual(transcripts[0], transcripts[1]);
        });
      },
      servers: { keyhive: () => keyhive, redis: () => redis },
    });
  });
}
