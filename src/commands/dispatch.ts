/**
 * From argv to a reply, in the order of Redis's processCommand: look the
 * command up, check arity, then the gates (authentication, MULTI rules, ...),
 * then queue it (inside MULTI) or call it.
 */
// Imported rather than the global: in Node 20 the global `performance` is a getter, run on every access.
import { performance } from 'node:perf_hooks';
import type { Client } from '../server/client.js';
import { ReplyError, cString } from './args.js';
import type { Command } from './table.js';
import { discardTransaction, flagTransaction, queueInTransaction } from './transactions.js';
import { OOM_ERROR } from '../store/eviction.js';
import { protectedCommandRefusal } from './server.js';
import { MISCONF_ERROR, refusesWritesForFailedSave } from './snapshot.js';

const NOREPLICAS_ERROR = 'NOREPLICAS Not enough good replicas to write.';

/** Commands that run at once even inside MULTI. */
const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

function unknownCommandError(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cString(argv[i]).slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${cString(argv[0]).slice(0, 128)}', with args beginning with: ${args}`;
}

function hasValidArity(cmd: Command, argc: number): boolean {
  return cmd.arity > 0 ? argc === cmd.arity : argc >= -cmd.arity;
}

/** Finds the command (or subcommand) for argv, or returns the error Redis gives. */
function resolve(c: Client, argv: string[]): Command | string {
  const cmd = c.server.commands.get(argv[0]);
  if (!cmd) return unknownCommandError(argv);
  if (cmd.subcommands && argv.length >= 2) {
    const sub = cmd.subcommands.get(argv[1].toLowerCase());
    if (!sub) return `ERR unknown subcommand '${cString(argv[1]).slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`;
    return sub;
  }
  return cmd;
}

/** What a RESP2 client may run while subscribed. */
const SUBSCRIBED_CONTEXT = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** Checks that may refuse a resolved command; returns the error or null. */
function gate(c: Client, cmd: Command, argv: string[]): string | null {
  const refusal = protectedCommandRefusal(c, cmd);
  if (refusal !== null) return refusal;
  if (!cmd.noAuth && c.mustAuthenticate()) return 'NOAUTH Authentication required.';
  if (c.multi && cmd.noMulti) return 'ERR Command not allowed inside a transaction';
  const denied = c.server.acl.refusal(c, cmd, argv);
  if (denied !== null) return denied;
  if (c.protocol === 2 && c.subscriptions?.active && !SUBSCRIBED_CONTEXT.has(cmd.fullName)) {
    return `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
  }
  return null;
}

/** Whether cmd writes; EXEC does when a command it queued does (Redis's is_write_command). */
function writes(c: Client, cmd: Command): boolean {
  return cmd.isWrite || (cmd.fullName === 'exec' && c.multi !== null && c.multi.queue.some((queued) => queued.cmd.isWrite));
}

function reject(c: Client, message: string, cmd: Command | null): void {
  if (cmd) cmd.rejectedCalls++;
  flagTransaction(c);
  if (cmd?.fullName !== 'exec') return c.reply.error(message);
  // A refused EXEC ends the transaction (Redis's execCommandAbort); its own messages come without the ERR code.
  discardTransaction(c);
  c.reply.error(`EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`);
}

export function dispatch(c: Client, argv: string[]): void {
  processCommand(c, argv);
  // Redis's resetClient, which a postponed or blocked command reaches only when it resumes.
  if (c.replyMode !== 'on' && c.postponed === null && c.blocked === null) c.advanceReplyMode();
  if (c.tracking !== null && c.postponed === null) c.tracking.commandDone(c, argv);
}

function processCommand(c: Client, argv: string[]): void {
  const resolved = resolve(c, argv);
  if (typeof resolved === 'string') return reject(c, resolved, null);
  const cmd = resolved;
  // A known command with the wrong arity counts as its rejected call (INFO commandstats).
  if (!hasValidArity(cmd, argv.length)) return reject(c, `ERR wrong number of arguments for '${cmd.fullName}' command`, cmd);
  c.lastCommand = cmd.fullName;
  const refusal = gate(c, cmd, argv);
  if (refusal !== null) return reject(c, refusal, cmd);
  if (c.server.eviction.refuses(c, cmd)) return reject(c, OOM_ERROR, cmd);
  c.server.tracking.limitTableSize();
  if (refusesWritesForFailedSave(c.server) && (writes(c, cmd) || cmd.fullName === 'ping')) return reject(c, MISCONF_ERROR, cmd);
  if (c.server.limits.writesNeedReplicas && writes(c, cmd)) return reject(c, NOREPLICAS_ERROR, cmd);
  if (c.server.pause.holds(c, cmd)) return c.server.pause.postpone(c, argv);
  if (c.multi && !MULTI_CONTROL.has(cmd.fullName)) {
    return queueInTransaction(c, c.multi, cmd, argv);
  }
  call(c, cmd, argv);
  if (c.server.blocking.hasReadyKeys) serveReadyKeys(c);
}

/** Serves the clients blocked on keys the command readied; their serving is no part of the next command's time. */
function serveReadyKeys(c: Client): void {
  timeUntimedRun();
  c.server.blocking.handleReadyKeys();
  if (batchTime >= 0) batchTime = performance.now();
}

/**
 * Command durations. A clock read costs about 40 ns on the machines we
 * measure on, as much as a GET's own work, so commands are not timed one
 * by one:
 * - Within a batch of commands (one read's worth, see Client.process) a
 *   command starts when the one before it ended. Its time then includes
 *   decoding its own arguments, a fraction of a microsecond.
 * - A run of consecutive top-level commands that are timedInRuns (fast:
 *   O(1) or O(log N), or constantTime; never blocking) is timed by one
 *   read when it ends, each command getting an equal share. A pipeline of
 *   GETs so gives each GET the mean of its run in commandstats, the
 *   latency histogram and the slow log; any other command ends the run
 *   before it starts, so it is timed alone.
 * batchTime is -1 outside a batch, where call() reads the clock twice.
 */
let batchTime = -1;

/** The commands of the untimed run, as parallel lists reused from run to run (see untimedCount), emptied as it is timed. */
const untimedClients: (Client | null)[] = [];
const untimedCommands: Command[] = [];
const untimedArgvs: (string[] | null)[] = [];
let untimedCount = 0;

export function beginCommandBatch(): void {
  timeUntimedRun();
  batchTime = performance.now();
}

export function endCommandBatch(): void {
  timeUntimedRun();
  batchTime = -1;
}

function joinUntimedRun(c: Client, cmd: Command, argv: string[]): void {
  untimedClients[untimedCount] = c;
  untimedCommands[untimedCount] = cmd;
  untimedArgvs[untimedCount++] = argv;
}

/** Ends the untimed run: one clock read, shared equally by its commands. */
function timeUntimedRun(): void {
  const count = untimedCount;
  if (count === 0) return;
  untimedCount = 0;
  const end = performance.now();
  const usec = ((end - batchTime) * 1000) / count;
  batchTime = end;
  for (let i = 0; i < count; i++) {
    addCommandTime(untimedClients[i] as Client, untimedCommands[i], untimedArgvs[i] as string[], usec);
    untimedClients[i] = null;
    untimedArgvs[i] = null;
  }
}

function addCommandTime(c: Client, cmd: Command, argv: string[], usec: number): void {
  cmd.usec += usec;
  c.server.commandTimed(c, cmd, argv, usec);
}

/** How many call()s are on the stack: more than one means EXEC or a script is running the command. */
let callDepth = 0;

/** Whether the running command was called by EXEC or a script, where it must not block (Redis's CLIENT_DENY_BLOCKING). */
export function inNestedCall(): boolean {
  return callDepth > 1;
}

/** The client whose command is running, as Redis's server.current_client (EXEC's commands run as their caller); null between commands. */
let current: Client | null = null;

export function currentClient(): Client | null {
  return current;
}

/** What waits for the reply of c's command (Redis's afterCommand): invalidations of keys it changed itself. */
function afterOutermostCommand(c: Client): void {
  current = null;
  c.server.keyspace.settleSizes();
  c.server.tracking.afterCommand(c);
}

/** Runs work as c's command outside call(), as when a blocked client is served. */
export function runAsClient<T>(c: Client, work: () => T): T {
  if (current !== null) return work();
  current = c;
  try {
    return work();
  } finally {
    afterOutermostCommand(c);
  }
}

/** Runs a command and keeps its statistics; handler errors become error replies. */
export function call(c: Client, cmd: Command, argv: string[]): void {
  const server = c.server;
  const outermost = current === null;
  const inRun = outermost && batchTime >= 0 && cmd.timedInRuns;
  if (!inRun) timeUntimedRun();
  const start = batchTime >= 0 ? batchTime : performance.now();
  if (outermost) current = c;
  server.keyspace.noTouch = c.noTouch && cmd.fullName !== 'touch';
  // Errors replied before this call are not its failures (nor, after a nested call, are the nested command's).
  server.errorStats.takeNew();
  callDepth++;
  try {
    cmd.run(c, argv);
  } catch (e) {
    if (e instanceof ReplyError) c.reply.error(e.message);
    else {
      server.log('warning', `Error in command '${cmd.fullName}': ${(e as Error)?.stack ?? e}`);
      c.reply.error(`ERR internal error while running '${cmd.fullName}'`);
    }
  }
  callDepth--;
  if (server.errorStats.takeNew()) cmd.failedCalls++;
  cmd.calls++;
  server.stats.commandsProcessed++;
  server.afterCommand(c, cmd, argv);
  if (inRun) joinUntimedRun(c, cmd, argv);
  else {
    const end = performance.now();
    if (batchTime >= 0) batchTime = end;
    const usec = (end - start) * 1000;
    // A command that blocked gets its slow log entry and the rest of its statistics when it is served.
    if (c.blocked !== null) c.blocked.call = { cmd, argv, usec };
    addCommandTime(c, cmd, argv, usec);
  }
  if (outermost) afterOutermostCommand(c);
}
