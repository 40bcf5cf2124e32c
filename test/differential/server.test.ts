/**
 * Server administration against redis-server: CONFIG, INFO, COMMAND, DBSIZE,
 * FLUSH*, TIME, SLOWLOG, MONITOR, LATENCY, DEBUG and SHUTDOWN errors.
 * Replies that carry times, addresses or ids are compared after normalising
 * those, or by shape.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDifferential, type Step } from '../support/differential.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';

/** Parameters whose values legitimately differ: where each server listens and keeps files, and what the harness starts them with. */
const LOCAL_PARAMS = new Set(['bind', 'dir', 'port', 'save', 'loglevel']);

/** INFO fields Keyhive adds: its own version, and the ACL denial counters Redis 7.2 added. */
const EXTRA_INFO_FIELDS = new Set(['keyhive_version', 'acl_access_denied_auth', 'acl_access_denied_cmd', 'acl_access_denied_key', 'acl_access_denied_channel']);

function asMap(v: RespValue): Map<string, string> {
  const out = new Map<string, string>();
  if (v instanceof Map) for (const [k, x] of v) out.set(String(k), String(x));
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i += 2) out.set(String(v[i]), String(v[i + 1]));
  return out;
}

/** INFO text as section -> field names. */
function infoFields(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) sections.set(line.slice(2), (current = []));
    else if (line.includes(':')) current.push(line.slice(0, line.indexOf(':')));
  }
  return sections;
}

function infoBody(v: RespValue): string {
  return typeof v === 'object' && v !== null && 'verbatim' in v ? v.verbatim : String(v);
}

/** A COMMAND DOCS reply as sorted plain data, without the argument descriptions Keyhive leaves out. */
function withoutArguments(v: RespValue): unknown {
  if (v instanceof Map) {
    const entries = [...v].filter(([k]) => k !== 'arguments').map(([k, x]) => [k, withoutArguments(x)]);
    return entries.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  }
  if (v instanceof Set || Array.isArray(v)) return [...v].map(withoutArguments);
  return v;
}

/** Sequences that change a parameter end by putting it back, so later tests see defaults. */
function setThenGet(name: string, values: string[], restore: string): Step[] {
  const steps: Step[] = [];
  for (const v of values) steps.push(['CONFIG', 'SET', name, v], ['CONFIG', 'GET', name]);
  steps.push(['CONFIG', 'SET', name, restore]);
  return steps;
}

describeDifferential('server administration', (t) => {
  it('CONFIG GET * lists the same parameters with the same values', async () => {
    for (const protocol of [2, 3]) {
      const replies: Map<string, string>[] = [];
      for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
        const c = await RawClient.connect(port);
        if (protocol === 3) await c.call('HELLO', '3');
        replies.push(asMap(await c.call('CONFIG', 'GET', '*')));
        c.close();
      }
      const [ours, theirs] = replies;
      assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
      for (const [name, value] of theirs) if (!LOCAL_PARAMS.has(name)) assert.equal(ours.get(name), value, `RESP${protocol} ${name}`);
    }
  });

  t.sequence('CONFIG GET patterns, aliases, hidden parameters and several arguments', [
    { cmd: ['CONFIG', 'GET', 'maxmemory*'], match: 'unordered' },
    { cmd: ['CONFIG', 'GET', '*max*entries*'], match: 'unordered' },
    { cmd: ['CONFIG', 'GET', 'hash-max-*', 'zset-max-*', 'hash-max-ziplist-value'], match: 'unordered' },
    { cmd: ['CONFIG', 'GET', 'MAXMEMORY'] },
    { cmd: ['CONFIG', 'GET', 'maxmemory', 'MaxMemory', 'maxmemory'] },
    { cmd: ['CONFIG', 'GET', 'slaveof', 'replicaof', 'slave-read-only'], match: 'unordered' },
    { cmd: ['CONFIG', 'GET', 'key-load-delay'] },
    { cmd: ['CONFIG', 'GET', 'key-load-*'] },
    { cmd: ['CONFIG', 'GET', 'nosuchparameter'] },
    { cmd: ['CONFIG', 'GET', '[lm]*-max-*'], match: 'unordered' },
    { cmd: ['CONFIG', 'GET', 'notify-keyspace-events', 'client-output-buffer-limit', 'oom-score-adj-values', 'latency-tracking-info-percentiles'], match: 'unordered' },
    ['CONFIG', 'GET'],
  ]);

  t.sequence('CONFIG SET numbers, memory units and percentages', [
    ...setThenGet('maxmemory', ['1gb', '10k', '7MB', '', '99999999999999999999999', '99999999999999999999999kb'], '0'),
    ['CONFIG', 'SET', 'maxmemory', '-1'],
    ['CONFIG', 'SET', 'maxmemory', '1.5mb'],
    ...setThenGet('maxmemory-clients', ['10%', '0%', '3mb'], '0'),
    ['CONFIG', 'SET', 'maxmemory-clients', '101%'],
    ['CONFIG', 'SET', 'maxmemory-clients', 'abc'],
    ['CONFIG', 'SET', 'maxmemory-clients', '-5'],
    ['CONFIG', 'SET', 'maxclients', '0'],
    ['CONFIG', 'SET', 'maxclients', '-1'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'],
    ['CONFIG', 'SET', 'hash-max-ziplist-entries', 'abc'],
    ['CONFIG', 'SET', 'timeout', '007'],
    ['CONFIG', 'SET', 'proto-max-bulk-len', '99999999999999999999999'],
    ['CONFIG', 'SET', 'active-expire-effort', '11'],
    ...setThenGet('hz', ['1000', '0'], '10'),
    ...setThenGet('list-max-ziplist-size', ['-5', '128'], '-2'),
    ...setThenGet('repl-backlog-size', ['1gb'], '1mb'),
    ...setThenGet('hash-max-ziplist-value', ['1kb'], '64'),
  ]);

  t.sequence('CONFIG SET booleans, enums and flag sets', [
    ...setThenGet('protected-mode', ['NO'], 'yes'),
    ['CONFIG', 'SET', 'protected-mode', 'maybe'],
    ...setThenGet('maxmemory-policy', ['ALLKEYS-LRU', 'volatile-ttl'], 'noeviction'),
    ['CONFIG', 'SET', 'maxmemory-policy', 'lru'],
    ['CONFIG', 'SET', 'loglevel', 'loud'],
    ...setThenGet('oom-score-adj', ['relative', 'absolute'], 'no'),
    ...setThenGet('acl-pubsub-default', ['allchannels'], 'resetchannels'),
    ...setThenGet('shutdown-on-sigint', ['nosave force now', 'save', 'default'], 'default'),
    ['CONFIG', 'SET', 'shutdown-on-sigint', 'save nosave'],
    ['CONFIG', 'SET', 'shutdown-on-sigint', ''],
    ['CONFIG', 'SET', 'activedefrag', 'yes'],
    ['CONFIG', 'SET', 'appendfsync', 'sometimes'],
  ]);

  t.sequence('CONFIG SET special and string parameters', [
    ...setThenGet('save', ['100 10 200 20', '+5 +6', ''], ''),
    ['CONFIG', 'SET', 'save', '100'],
    ['CONFIG', 'SET', 'save', '100 abc'],
    ['CONFIG', 'SET', 'save', '0 1'],
    ...setThenGet('notify-keyspace-events', ['KEA', 'Egx', 'Kmn', 'An', 'AE$'], ''),
    ['CONFIG', 'SET', 'notify-keyspace-events', 'q'],
    ...setThenGet('client-output-buffer-limit', ['normal 1mb 2k 3', 'replica 1 2 3 pubsub 4 5 6'], 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'),
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 2 3'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2 x'],
    ...setThenGet('oom-score-adj-values', ['1 2 3', '-2000 0 2000'], '0 200 800'),
    ['CONFIG', 'SET', 'oom-score-adj-values', '1 2'],
    ['CONFIG', 'SET', 'oom-score-adj-values', '1 2 3000'],
    ...setThenGet('latency-tracking-info-percentiles', ['50 99.99 1e1', '0.0 50.0 100.0', ''], '50 99 99.9'),
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'],
    ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '10 abc'],
    ...setThenGet('proc-title-template', ['x {{y}', '{title} {port} {config-file}'], '{title} {listen-addr} {server-mode}'),
    ['CONFIG', 'SET', 'proc-title-template', '{foo}'],
    ['CONFIG', 'SET', 'proc-title-template', '{title}'],
    ['CONFIG', 'SET', 'proc-title-template', '{title'],
    ...setThenGet('cluster-announce-hostname', ['host-1.example'], ''),
    ['CONFIG', 'SET', 'cluster-announce-hostname', 'a_b'],
    ...setThenGet('replica-announce-ip', ['10.0.0.1'], ''),
    ...setThenGet('ignore-warnings', ['ARM64-COW-BUG'], ''),
  ]);

  t.sequence('CONFIG SET refusals and atomicity', [
    ['CONFIG', 'SET', 'daemonize', 'yes'],
    ['CONFIG', 'SET', 'databases', '5'],
    ['CONFIG', 'SET', 'unixsocketperm', '777'],
    ['CONFIG', 'SET', 'slaveof', 'localhost 1'],
    ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
    ['CONFIG', 'SET', 'dir', '/tmp'],
    ['CONFIG', 'SET', 'nosuch', '1'],
    ['CONFIG', 'SET', 'nosuch', '1', 'daemonize', 'yes'],
    ['CONFIG', 'SET', 'daemonize', 'yes', 'nosuch', '1'],
    ['CONFIG', 'SET', 'maxmemory', 'abc', 'nosuch', '1'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'maxmemory', '2'],
    ['CONFIG', 'SET', 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'],
    ['CONFIG', 'GET', 'hash-max-ziplist-entries'],
    ['CONFIG', 'SET', 'hash-max-ziplist-entries', '512'],
    ['CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-clients', '200%', 'client-query-buffer-limit', 'x'],
    ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '10mb', 'hz', '20', 'save', '10 1'],
    { cmd: ['CONFIG', 'GET', 'maxmemory', 'hz', 'save'], match: 'unordered' },
    ['CONFIG', 'SET', 'maxmemory', '0', 'hz', '10', 'save', ''],
    ['CONFIG', 'SET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'hz'],
    ['CONFIG', 'SET', 'masterauth', ''],
    ['CONFIG'],
    ['CONFIG', 'NOPE'],
    ['CONFIG', 'HELP'],
    ['CONFIG', 'HELP', 'x'],
    ['CONFIG', 'RESETSTAT'],
    ['CONFIG', 'REWRITE'],
  ]);

  t.scenario('min-replicas-to-write refuses every write, there being no replicas', async (connect) => {
    const [c, admin] = [await connect(), await connect()];
    const out: string[] = [];
    const goodReplicasField = async () => String(await c.call('INFO', 'replication')).split('\r\n').filter((line) => line.startsWith('min_slaves')).join();
    try {
      for (const args of [['SET', 'k', '1'], ['MULTI'], ['INCR', 'k']]) out.push(await c.callRaw(...args));
      out.push(await goodReplicasField());
      // Set while a write is queued: EXEC is refused as the write it would run.
      out.push(await admin.callRaw('CONFIG', 'SET', 'min-replicas-to-write', '2'));
      out.push(await c.callRaw('EXEC'), await goodReplicasField());
      for (const args of [['GET', 'k'], ['SET', 'k', '2'], ['DEL', 'k'], ['PING'], ['MULTI'], ['INCR', 'k'], ['GET', 'k'], ['EXEC'], ['MULTI'], ['GET', 'k'], ['EXEC']]) {
        out.push(await c.callRaw(...args));
      }
      // Without a max lag Redis does not check.
      out.push(await admin.callRaw('CONFIG', 'SET', 'min-replicas-max-lag', '0'));
      out.push(await goodReplicasField(), await c.callRaw('SET', 'k', '3'));
    } finally {
      await admin.call('CONFIG', 'SET', 'min-replicas-to-write', '0', 'min-replicas-max-lag', '10');
    }
    return out;
  });

  it('INFO everything has every section and field Redis has, and only the known extra fields more', async () => {
    const texts: string[] = [];
    for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
      const c = await RawClient.connect(port);
      await c.call('SET', 'k', 'v');
      texts.push(infoBody(await c.call('INFO', 'everything')));
      c.close();
    }
    const [ours, theirs] = texts.map(infoFields);
    assert.deepEqual([...ours.keys()], [...theirs.keys()]);
    for (const [section, fields] of theirs) {
      if (section === 'Commandstats' || section === 'Latencystats' || section === 'Errorstats') continue;
      assert.deepEqual((ours.get(section) ?? []).filter((f) => !EXTRA_INFO_FIELDS.has(f)), fields, section);
    }
  });

  it('INFO chooses sections like Redis', async () => {
    const cases = [[], ['default'], ['all'], ['everything'], ['cpu'], ['commandSTATS'], ['cpu', 'sentinel'], ['cpu', 'all'], ['cpu', 'default'], ['server', 'server'], ['modules'], ['nosuchsection']];
    for (const args of cases) {
      const sections: string[][] = [];
      for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
        const c = await RawClient.connect(port);
        sections.push([...infoFields(infoBody(await c.call('INFO', ...args))).keys()]);
        c.close();
      }
      assert.deepEqual(sections[0], sections[1], `INFO ${args.join(' ')}`);
    }
  });

  t.sequence('INFO reply types and keyspace line', [
    { cmd: ['INFO', 'nosuchsection'] },
    { cmd: ['INFO', 'server'], match: 'shape' },
    ['SET', 'a', '1'],
    ['SET', 'b', '2', 'EX', '1000'],
    { cmd: ['INFO', 'keyspace'], match: 'shape' },
  ]);

  t.scenario('INFO errorstats and commandstats count calls, failures and rejections', async (connect) => {
    const c = await connect();
    const out: string[] = [];
    await c.call('CONFIG', 'RESETSTAT');
    for (const cmd of [['SET', 'k'], ['NOSUCHCOMMAND'], ['SET', 'k', 'v'], ['GET', 'k'], ['LPUSH', 'k', 'x'], ['CONFIG', 'SET', 'maxmemory', 'x'], ['MULTI'], ['SET', 'k'], ['EXEC'], ['MULTI'], ['SET', 'k', 'v'], ['LPUSH', 'k', 'x'], ['EXEC']]) {
      out.push(await c.callRaw(...cmd));
    }
    const stats = infoBody(await c.call('INFO', 'commandstats', 'errorstats'));
    // Durations differ; the counters and the order within a section do not matter.
    const lines = stats
      .split('\r\n')
      .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''))
      .filter((l) => l.startsWith('cmdstat_') || l.startsWith('errorstat_'))
      .filter((l) => !l.startsWith('cmdstat_info') && !l.startsWith('cmdstat_config|resetstat'))
      .sort();
    out.push(...lines);
    const stat = infoBody(await c.call('INFO', 'stats'));
    out.push(/total_error_replies:\d+/.exec(stat)?.[0] ?? 'missing');
    return out;
  });

  t.scenario('commandstats of commands unblocked by CLIENT UNBLOCK', async (connect) => {
    const c = await connect();
    const blocked = await connect();
    const id = String(await blocked.call('CLIENT', 'ID'));
    await c.call('CONFIG', 'RESETSTAT');
    const out: string[] = [];
    for (const reason of ['ERROR', 'TIMEOUT']) {
      blocked.send('BLPOP', 'nolist', '0');
      // The unblocking waits until the server counts the client as blocked.
      while (!/blocked_clients:1/.test(infoBody(await c.call('INFO', 'clients')))) await new Promise((r) => setTimeout(r, 5));
      out.push(await c.callRaw('CLIENT', 'UNBLOCK', id, reason));
      out.push(await blocked.readRaw());
    }
    const stats = infoBody(await c.call('INFO', 'commandstats', 'errorstats'));
    out.push(...stats.split('\r\n').filter((l) => l.startsWith('cmdstat_blpop') || l.startsWith('errorstat_')).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')));
    return out;
  });

  t.sequence('COMMAND INFO and DOCS of the server commands', [
    ...['config', 'info', 'dbsize', 'flushdb', 'flushall', 'time', 'lastsave', 'monitor', 'shutdown', 'slowlog', 'latency', 'command', 'get', 'debug'].map(
      (name): Step => ({ cmd: ['COMMAND', 'INFO', name], match: 'unordered' }),
    ),
    { cmd: ['COMMAND', 'INFO', 'config|get', 'CONFIG|SET', 'slowlog|get', 'nosuch', 'get|key', 'config|get|key'], match: 'unordered' },
    { cmd: ['COMMAND', 'DOCS', 'nosuch', 'config|help'], match: 'unordered' },
    { cmd: ['COMMAND', 'COUNT'], match: 'shape' },
    ['COMMAND', 'NOPE'],
    ['COMMAND', 'HELP'],
  ]);

  it('COMMAND DOCS of the server commands match but for argument descriptions', async () => {
    for (const name of ['config', 'info', 'flushall', 'time', 'slowlog', 'latency', 'command', 'shutdown', 'monitor', 'debug']) {
      const docs: unknown[] = [];
      for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
        const c = await RawClient.connect(port);
        await c.call('HELLO', '3');
        docs.push(withoutArguments(await c.call('COMMAND', 'DOCS', name)));
        c.close();
      }
      assert.deepEqual(docs[0], docs[1], name);
    }
  });

  t.sequence('COMMAND GETKEYS, GETKEYSANDFLAGS and LIST', [
    ['COMMAND', 'GETKEYS', 'get', 'key'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'get', 'key'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k1', 'store', 'k2'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k1', 'by', 'w*', 'get', '#', 'store', 'k2', 'limit', '0', '1'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k1'],
    ['COMMAND', 'GETKEYS', 'nosuch', 'key'],
    ['COMMAND', 'GETKEYS', 'ping', 'x'],
    ['COMMAND', 'GETKEYS', 'get'],
    ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
    ['COMMAND', 'GETKEYS', 'config', 'get', 'x'],
    ['COMMAND', 'GETKEYS'],
    { cmd: ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'config*'], match: 'unordered' },
    { cmd: ['COMMAND', 'LIST', 'FILTERBY', 'pattern', 'latency|h*'], match: 'unordered' },
    ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'no_such_category'],
    ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'no_such_module'],
    ['COMMAND', 'LIST', 'bad_arg'],
    ['COMMAND', 'LIST', 'FILTERBY', 'bad_arg'],
    ['COMMAND', 'LIST', 'FILTERBY', 'bad_arg', 'bad_arg2'],
  ]);

  t.sequence('DBSIZE, FLUSHDB and FLUSHALL', [
    ['DBSIZE'],
    ['SET', 'a', '1'],
    ['SET', 'b', '2'],
    ['DBSIZE'],
    ['FLUSHDB', 'ASYNC'],
    ['DBSIZE'],
    ['SET', 'a', '1'],
    ['FLUSHDB', 'sync'],
    ['FLUSHDB', 'now'],
    ['FLUSHDB', 'async', 'sync'],
    ['SET', 'a', '1'],
    ['SELECT', '8'],
    ['SET', 'b', '1'],
    ['FLUSHALL'],
    ['DBSIZE'],
    ['SELECT', '9'],
    ['DBSIZE'],
    ['FLUSHALL', 'x'],
    ['DBSIZE', 'x'],
  ]);

  t.sequence('TIME and LASTSAVE', [{ cmd: ['TIME'], match: 'shape' }, ['TIME', 'x'], { cmd: ['LASTSAVE'], match: 'shape' }]);

  t.sequence('SLOWLOG', [
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
    ['SLOWLOG', 'RESET'],
    ['SLOWLOG', 'LEN'],
    ['SET', 'a', 'b'],
    ['SLOWLOG', 'LEN'],
    { cmd: ['SLOWLOG', 'GET'], match: 'shape' },
    { cmd: ['SLOWLOG', 'GET', '1'], match: 'shape' },
    ['SLOWLOG', 'GET', '0'],
    ['SLOWLOG', 'GET', '-2'],
    ['SLOWLOG', 'GET', 'abc'],
    ['SLOWLOG', 'GET', '1', '2'],
    ['CONFIG', 'SET', 'slowlog-max-len', '2'],
    ['PING'],
    ['SLOWLOG', 'LEN'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
    ['SLOWLOG', 'RESET'],
    ['PING'],
    ['SLOWLOG', 'LEN'],
    ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000', 'slowlog-max-len', '128'],
    ['SLOWLOG', 'HELP'],
    ['SLOWLOG', 'NOPE'],
    ['SLOWLOG', 'LEN', 'x'],
  ]);

  t.scenario('SLOWLOG entries: trimmed arguments, client name, redacted passwords', async (connect) => {
    const c = await connect();
    const out: string[] = [];
    await c.call('CLIENT', 'SETNAME', 'slowpoke');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('SADD', 'set', ...Array.from({ length: 33 }, (_, i) => String(i)));
    await c.call('SADD', 'set', 'A'.repeat(129));
    await c.call('CONFIG', 'SET', 'masterauth', 'secret', 'maxmemory', '0');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    const entries = (await c.call('SLOWLOG', 'GET', '-1')) as RespValue[][];
    for (const e of entries) out.push(JSON.stringify([(e[3] as string[]).join(' '), typeof e[0], typeof e[1], typeof e[2], e[5]]));
    await c.call('CONFIG', 'SET', 'masterauth', '');
    await c.call('CLIENT', 'SETNAME', '');
    return out;
  });

  t.scenario('MONITOR shows executed commands, escaped, and hides admin ones', async (connect) => {
    const monitor = await connect();
    const c = await connect();
    const out: string[] = [await monitor.callRaw('MONITOR')];
    await c.call('SET', 'foo', 'b"a\\r\r\n\x01\xff');
    await c.call('GET', 'foo');
    await c.call('CONFIG', 'GET', 'maxmemory');
    await c.call('NOSUCHCOMMAND');
    await c.call('MULTI');
    await c.call('SET', 'x', '1');
    await c.call('EXEC');
    await c.call('SELECT', '3');
    await c.call('PING');
    for (let i = 0; i < 7; i++) {
      // +<seconds>.<micros> [<db> <ip:port>] ...: the time and the port differ.
      out.push((await monitor.readRaw()).replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/, '+T [$1 ADDR]'));
    }
    out.push(await monitor.callRaw('PING'));
    return out;
  });

  t.sequence('LATENCY with the monitor off', [
    ['LATENCY', 'LATEST'],
    ['LATENCY', 'HISTORY', 'command'],
    ['LATENCY', 'RESET'],
    ['LATENCY', 'RESET', 'command', 'other'],
    ['LATENCY', 'GRAPH', 'command'],
    ['LATENCY', 'DOCTOR'],
    ['LATENCY', 'HISTOGRAM', 'nosuch'],
    ['LATENCY', 'HELP'],
    ['LATENCY', 'HELP', 'x'],
    ['LATENCY', 'NOPE'],
    ['LATENCY', 'HISTORY'],
  ]);

  t.sequence('LATENCY events and histograms', [
    ['CONFIG', 'SET', 'latency-monitor-threshold', '1'],
    ['LATENCY', 'RESET'],
    ['DEBUG', 'SLEEP', '0.02'],
    { cmd: ['LATENCY', 'LATEST'], match: 'shape' },
    { cmd: ['LATENCY', 'HISTORY', 'command'], match: 'shape' },
    { cmd: ['LATENCY', 'GRAPH', 'command'], match: 'shape' },
    ['LATENCY', 'RESET', 'COMMAND'],
    ['LATENCY', 'LATEST'],
    ['CONFIG', 'SET', 'latency-monitor-threshold', '0'],
  ]);

  t.scenario('LATENCY HISTOGRAM counts calls per command and subcommand', async (connect) => {
    const c = await connect();
    await c.call('HELLO', '3');
    await c.call('CONFIG', 'RESETSTAT');
    await c.call('SET', 'a', 'b');
    await c.call('SET', 'a', 'c');
    await c.call('GET', 'a');
    const out: string[] = [];
    for (const args of [['set', 'nosuch'], ['config'], ['get', 'set', 'get'], ['nosuch']]) {
      const reply = (await c.call('LATENCY', 'HISTOGRAM', ...args)) as Map<RespValue, Map<RespValue, RespValue>>;
      // The buckets depend on timing; which commands are listed and their calls do not.
      out.push(JSON.stringify([...reply].map(([name, h]) => [name, h.get('calls'), h.get('histogram_usec') instanceof Map])));
    }
    return out;
  });

  t.sequence('DEBUG', [
    ['DEBUG', 'SLEEP', '0'],
    ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
    ['DEBUG', 'OBJECT', 'nosuch'],
    ['SET', 'str', 'hello'],
    { cmd: ['DEBUG', 'OBJECT', 'str'], match: 'shape' },
    ...['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'nope'].map((type): Step => ['DEBUG', 'PROTOCOL', type]),
    ['DEBUG', 'ERROR', 'CUSTOM error\nline'],
    ['DEBUG', 'CHANGE-REPL-ID'],
    ['DEBUG', 'POPULATE', '3'],
    ['DBSIZE'],
    ['DEBUG', 'POPULATE', '2', 'p', '20'],
    ['GET', 'p:1'],
    ['GET', 'key:2'],
    ['DEBUG', 'POPULATE', '-1'],
    ['DEBUG', 'NOPE'],
    ['DEBUG', 'SLEEP'],
    ['DEBUG'],
  ]);

  t.sequence('DEBUG DIGEST and DIGEST-VALUE sign contents as Redis does', [
    ['DEBUG', 'DIGEST'],
    ['SET', 'str', 'hello'],
    ['SET', 'num', '12345'],
    ['SET', 'ttl', 'x', 'EX', '1000'],
    ['RPUSH', 'list', 'a', 'b', 'c', '1'],
    ['SADD', 'intset', '3', '1', '2'],
    ['SADD', 'set', 'x', 'y', 'z'],
    ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
    ['ZADD', 'zset', '1.5', 'a', '-2', 'b', '1e20', 'c', 'inf', 'd'],
    ['DEBUG', 'DIGEST-VALUE', 'str', 'num', 'ttl', 'list', 'intset', 'set', 'hash', 'zset', 'missing'],
    // Large enough for the hash table and skip list encodings.
    ['ZADD', 'bigzset', ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `m${i}`]).flat()],
    ['HSET', 'bighash', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ['SADD', 'bigset', ...Array.from({ length: 600 }, (_, i) => `s${i}`)],
    ['RPUSH', 'biglist', ...Array.from({ length: 1000 }, (_, i) => `e${i}`)],
    ['DEBUG', 'DIGEST-VALUE', 'bigzset', 'bighash', 'bigset', 'biglist'],
    ['DEBUG', 'DIGEST'],
    ['SELECT', '8'],
    ['SET', 'other', 'db'],
    ['DEBUG', 'DIGEST'],
    ['FLUSHDB'],
    ['SELECT', '9'],
    ['DEBUG', 'DIGEST-VALUE'],
  ]);

  t.sequence('SHUTDOWN argument errors', [['SHUTDOWN', 'ABORT'], ['SHUTDOWN', 'NOPE'], ['SHUTDOWN', 'SAVE', 'NOSAVE'], ['SHUTDOWN', 'ABORT', 'NOW'], ['MULTI'], ['SHUTDOWN'], ['DISCARD']]);

  it('MONITOR inside MULTI is refused at EXEC', async () => {
    const replies: string[][] = [];
    for (const port of [t.servers.keyhive().port, t.servers.redis().port]) {
      const c = await RawClient.connect(port);
      replies.push([await c.callRaw('MULTI'), await c.callRaw('MONITOR'), await c.callRaw('EXEC')]);
      c.close();
    }
    assert.deepEqual(replies[0], replies[1]);
  });
});
