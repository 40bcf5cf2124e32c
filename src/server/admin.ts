/**
 * Wires the server's administrative bookkeeping to the request path: after
 * every executed command (Redis's call()) the latency histogram, the latency
 * monitor, the slow log and MONITOR are fed; every keyspace change counts as
 * a change since the last save; config changes reach the cached thresholds.
 */
import type { Server } from './server.js';
import type { Client } from './client.js';
import type { Command } from '../commands/table.js';
import { LatencyHistogram } from './latency.js';
import type { BlockedCall } from './blocking.js';

function readThresholds(server: Server): void {
  const config = server.config;
  server.slowlog.slowerThan = config.getNumber('slowlog-log-slower-than');
  server.slowlog.maxLen = config.getNumber('slowlog-max-len');
  server.latency.threshold = config.getNumber('latency-monitor-threshold');
  server.latencyTracking = config.getBool('latency-tracking');
}

function observeCommand(server: Server, c: Client, cmd: Command, argv: string[]): void {
  if (server.monitors.size > 0 && !cmd.skipMonitor && !cmd.isAdmin) server.monitors.feed(c, argv, server.clock.nowMicros());
}

export function observeDuration(server: Server, c: Client, cmd: Command, argv: string[], usec: number): void {
  addLatencySample(server, cmd.isFast ? 'fast-command' : 'command', usec);
  // A command that blocked is timed and logged when it is served (observeServedCommand).
  if (c.blocked === null) recordDuration(server, c, cmd, argv, usec);
}

/**
 * Completes the statistics of a blocked command once it is served, as Redis's
 * updateStatsOnUnblock: its time is that of its first run plus that of
 * serving it (replyUsec).
 */
export function observeServedCommand(server: Server, c: Client, call: BlockedCall, replyUsec: number, failed: boolean): void {
  const usec = call.usec + replyUsec;
  call.cmd.usec += usec;
  if (failed) call.cmd.failedCalls++;
  recordDuration(server, c, call.cmd, call.argv, usec);
  addLatencySample(server, 'command-unblocking', replyUsec);
}

/** The latency histogram and the slow log. */
function recordDuration(server: Server, c: Client, cmd: Command, argv: string[], usec: number): void {
  if (server.latencyTracking) (cmd.latency ??= new LatencyHistogram()).record(usec * 1000);
  if (!cmd.skipSlowlog) server.slowlog.push(argv, Math.floor(usec), c.addr, c.name, server.clock);
}

function addLatencySample(server: Server, event: string, usec: number): void {
  if (server.latency.threshold > 0) server.latency.addSampleIfNeeded(event, Math.floor(usec / 1000), Math.floor(server.clock.now() / 1000));
}

export function installAdmin(server: Server): void {
  readThresholds(server);
  server.config.onChange(() => readThresholds(server));
  server.commandObservers.push((c, cmd, argv) => observeCommand(server, c, cmd, argv));
}
