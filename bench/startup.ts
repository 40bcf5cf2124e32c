/**
 * Start-up time: from spawning the server process to the first PONG, for
 * each server in turn, alternating; the median of the runs.
 */
import { freePort } from '../test/support/servers.js';
import { alternate, fmt, log, median, provenance, serverCommand, SERVER_KINDS, spawnServer, stopProcess, waitForPong, type RunOptions, type Section, type ServerKind } from './common.js';

const RUNS = { quick: 3, default: 10, full: 10 };
/** How often a connection is attempted while the server starts: the resolution of the measurement. */
const RETRY_MS = 1;

async function startupMs(kind: ServerKind): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnServer(serverCommand(kind, port));
  try {
    await waitForPong(port, RETRY_MS);
    return performance.now() - started;
  } finally {
    await stopProcess(child);
  }
}

async function run(options: RunOptions) {
  const made = provenance(options, 'startup.ts');
  const runs = RUNS[options.profile];
  const times: Record<ServerKind, number[]> = { keyhive: [], redis: [] };
  for (let round = 0; round < runs; round++) {
    for (const kind of alternate(SERVER_KINDS, round)) times[kind].push(await startupMs(kind));
    log(`startup: run ${round + 1}/${runs}`);
  }
  const [keyhive, redis] = [median(times.keyhive), median(times.redis)];
  const range = (ms: number[]) => `${fmt.ms(Math.min(...ms))} – ${fmt.ms(Math.max(...ms))}`;
  const table = [
    '| | Keyhive | Redis | ratio |',
    '|---|---:|---:|---:|',
    `| median ms to first PONG | ${fmt.ms(keyhive)} | ${fmt.ms(redis)} | ${fmt.ratio(keyhive, redis)} |`,
    `| range ms | ${range(times.keyhive)} | ${range(times.redis)} | |`,
  ].join('\n');
  const markdown = [
    '## Start-up',
    '',
    made,
    '',
    `Time from spawning the server (with the command line under Method, an empty data set) to its first PONG, ${runs} runs of each, alternating which server starts first; the median and the range.`,
    `The bench process (on CPU 1) tries to connect every ${RETRY_MS} ms and sends PING on the first connection accepted.`,
    "Keyhive's figure includes starting Node.js and loading its modules.",
    '',
    table,
  ].join('\n');
  return { table, markdown };
}

export const startup: Section = { name: 'startup', inDefault: true, run };
