/**
 * Server administration that a differential test cannot express: listening
 * sockets moved by CONFIG SET, config files written by CONFIG REWRITE and
 * read back, config-file directives, SHUTDOWN of an embedded server.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Config } from '../../src/config.js';
import { applyDirectives, commandLineDirectives, optionsText, parseConfigText } from '../../src/config-file.js';
import { Server } from '../../src/server/server.js';
import { RawClient } from '../support/raw-client.js';
import { freePort, startKeyhive } from '../support/servers.js';
import { RespError } from '../support/resp.js';
import { splitInlineArgs } from '../../src/resp/inline.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-admin-'));
}

/** A config as the command line builds it from a redis.conf text. */
function configFromText(text: string): Config {
  const config = new Config();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const words = splitInlineArgs(line) as string[];
    config.loadDirective(words[0], words.slice(1));
  }
  return config;
}

describe('config directives', () => {
  it('a second save line adds save points, an empty one clears them; by default there are none (Redis: 3600 1 300 100 60 10000)', () => {
    assert.equal(configFromText('save 900 1\nsave 100 100').get('save'), '900 1 100 100');
    assert.equal(configFromText('save 900 1\nsave ""').get('save'), '');
    assert.equal(new Config().get('save'), '');
  });

  it('an alias sets its parameter, and the last line wins', () => {
    const config = configFromText('hash-max-listpack-entries 20\nhash-max-ziplist-entries 21');
    assert.equal(config.get('hash-max-listpack-entries'), '21');
  });

  it('a lone argument of a multi-word parameter is split, and wrong arities are refused', () => {
    const config = new Config();
    config.loadDirective('shutdown-on-sigterm', ['nosave force']);
    assert.equal(config.get('shutdown-on-sigterm'), 'nosave force');
    assert.throws(() => config.loadDirective('port', ['6379', '6380']), /wrong number of arguments/);
    assert.throws(() => config.loadDirective('nosuch', ['1']), /Bad directive/);
    assert.throws(() => config.loadDirective('replicaof', ['127.0.0.1', 'abc']), /Invalid master port/);
  });
});

describe('config file directives that are not parameters', () => {
  it('rename-command gives a command another name, or none', async () => {
    const server = new Server(configFromText('port 0\nloglevel nothing\nrename-command flushdb badger\nrename-command dbsize ""'));
    await server.listen();
    const c = await RawClient.connect(server.port);
    try {
      assert.match(String(await c.call('FLUSHDB')), /unknown command 'FLUSHDB'/);
      assert.equal(await c.call('BADGER'), 'OK');
      assert.match(String(await c.call('DBSIZE')), /unknown command/);
    } finally {
      c.close();
      await server.close();
    }
    assert.throws(() => new Server(configFromText('rename-command nosuch x')), /No such command in rename-command/);
    assert.throws(() => new Server(configFromText('rename-command get set')), /Target command name already exists/);
  });

  it('include reads other files in place, wildcards included', () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'a.conf'), 'maxmemory 5mb\nhz 30\n');
      fs.writeFileSync(path.join(dir, 'b.conf'), 'hz 40\n');
      const config = new Config();
      applyDirectives(config, parseConfigText(`hz 20\ninclude ${dir}/*.conf\nmaxmemory-policy allkeys-lru`));
      assert.equal(config.get('maxmemory'), '5242880');
      assert.equal(config.get('hz'), '40');
      assert.equal(config.get('maxmemory-policy'), 'allkeys-lru');
      assert.throws(() => parseConfigText(`include ${dir}/missing.conf`), /can't open config file .*No such file or directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('command line options', () => {
  /** The config a redis-server style command line yields. */
  function configFromArgs(args: string[]): Config {
    const config = new Config();
    applyDirectives(config, commandLineDirectives(args).directives);
    return config;
  }

  it('become config lines as redis-server builds them', () => {
    assert.equal(optionsText(['--port', '7000', '--bind', 'a', 'b']), 'port "7000" \nbind "a" "b" ');
    assert.equal(optionsText(['--save', '--loglevel', 'verbose']), 'save ""\nloglevel "verbose" ');
    assert.equal(optionsText(['--loglevel', 'verbose', '--save']), 'loglevel "verbose" \nsave ""');
  });

  it('take values starting with --, names with their value in one argument, and bare --save', () => {
    const config = configFromArgs(['--proc-title-template', '--my--title--template', '--maxmemory 700mb', '--save', '--loglevel', 'verbose']);
    assert.equal(config.get('proc-title-template'), '--my--title--template');
    assert.equal(config.get('maxmemory'), '734003200');
    assert.equal(config.get('save'), '');
    assert.equal(config.get('loglevel'), 'verbose');
    assert.equal(configFromArgs(['--shutdown-on-sigint', 'nosave', 'force', 'now']).get('shutdown-on-sigint'), 'nosave now force');
  });

  it('fail with the line Redis would show', () => {
    assert.throws(() => configFromArgs(['--port', '6379', '6380']), /at line 2\n>>> 'port "6379" "6380"'\nwrong number of arguments/);
    assert.throws(() => configFromArgs(['--port', '--bla', '--loglevel', 'verbose']), />>> 'port "--bla"'\nargument couldn't be parsed into an integer/);
  });
});

describe('CONFIG SET port and bind', () => {
  it('moves the listener to a new port, and rolls back when the port is taken', async () => {
    const server = await startKeyhive();
    const c = await RawClient.connect(server.port);
    try {
      const newPort = await freePort();
      assert.equal(await c.call('CONFIG', 'SET', 'port', String(newPort), 'maxmemory', '1mb'), 'OK');
      assert.equal(server.server.port, newPort);
      const moved = await RawClient.connect(newPort);
      assert.equal(await moved.call('PING'), 'PONG');
      moved.close();

      const blocker = net.createServer();
      const takenPort = await freePort();
      await new Promise<void>((resolve) => blocker.listen(takenPort, '127.0.0.1', resolve));
      const reply = await c.call('CONFIG', 'SET', 'maxmemory', '2mb', 'port', String(takenPort));
      blocker.close();
      assert.ok(reply instanceof RespError);
      assert.equal(reply.message, "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");
      assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), ['port', String(newPort)]);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '1048576']);
      const still = await RawClient.connect(newPort);
      assert.equal(await still.call('PING'), 'PONG');
      still.close();
    } finally {
      c.close();
      await server.close();
    }
  });

  it('rebinds to new addresses and answers commands pipelined behind the CONFIG SET in order', async () => {
    const server = await startKeyhive({ bind: '127.0.0.1' });
    const c = await RawClient.connect(server.port);
    try {
      c.send('CONFIG', 'SET', 'bind', '127.0.0.1 -::1');
      c.send('PING');
      assert.equal(await c.read(), 'OK');
      assert.equal(await c.read(), 'PONG');
      assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
      const again = await RawClient.connect(server.port);
      assert.equal(await again.call('PING'), 'PONG');
      again.close();
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('CONFIG REWRITE', () => {
  it('keeps comments and unknown lines, replaces known lines in place and appends changed parameters', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keyhive.conf');
    fs.writeFileSync(file, ['# my settings', 'maxmemory 100mb', 'hash-max-ziplist-entries 21', 'save 900 1', 'save 300 10', 'frobnicate yes', ''].join('\n'));
    const server = await startKeyhive();
    server.server.config.configFile = file;
    const c = await RawClient.connect(server.port);
    try {
      assert.equal(await c.call('CONFIG', 'SET', 'maxmemory', '2gb', 'save', '60 5', 'notify-keyspace-events', 'KEA', 'maxmemory-policy', 'allkeys-lru'), 'OK');
      assert.equal(await c.call('CONFIG', 'REWRITE'), 'OK');
      const lines = fs.readFileSync(file, 'latin1').split('\n');
      assert.equal(lines[0], '# my settings');
      assert.equal(lines[1], 'maxmemory 2gb');
      assert.equal(lines[2], 'hash-max-listpack-entries 512');
      assert.equal(lines[3], 'save 60 5');
      assert.ok(lines.includes('# ??? frobnicate yes'));
      assert.ok(!lines.includes('save 300 10'));
      const appended = lines.slice(lines.indexOf('# Generated by CONFIG REWRITE'));
      assert.ok(appended.includes('notify-keyspace-events "AKE"'));
      assert.ok(appended.includes('maxmemory-policy allkeys-lru'));
      assert.ok(!appended.some((l) => l.startsWith('hz ')), 'parameters at their default are not appended');
    } finally {
      c.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('DEBUG CONFIG-REWRITE-FORCE-ALL writes a file that loads back to the same values', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keyhive.conf');
    fs.writeFileSync(file, '');
    const server = await startKeyhive();
    server.server.config.configFile = file;
    const c = await RawClient.connect(server.port);
    try {
      await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64mb 16mb 30', 'shutdown-on-sigterm', 'nosave now', 'save', '', 'maxmemory-clients', '5%');
      assert.equal(await c.call('DEBUG', 'CONFIG-REWRITE-FORCE-ALL'), 'OK');
      const loaded = configFromText(fs.readFileSync(file, 'latin1'));
      for (const name of server.server.config.names()) {
        if (name === 'port' || name === 'loglevel' || name === 'enable-debug-command') continue;
        assert.equal(loaded.get(name), server.server.config.get(name), name);
      }
    } finally {
      c.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a file it cannot write', async () => {
    const server = await startKeyhive();
    server.server.config.configFile = '/nonexistent-dir/keyhive.conf';
    const c = await RawClient.connect(server.port);
    try {
      const reply = await c.call('CONFIG', 'REWRITE');
      assert.ok(reply instanceof RespError);
      assert.equal(reply.message, 'ERR Rewriting config file: No such file or directory');
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('SHUTDOWN', () => {
  it('closes an embedded server and its connections, and calls onShutdown', async () => {
    const server = await startKeyhive();
    let shutDown = false;
    server.server.onShutdown = () => {
      shutDown = true;
    };
    const c = await RawClient.connect(server.port);
    c.send('SHUTDOWN', 'NOSAVE');
    await c.waitClosed();
    await new Promise((r) => setImmediate(r));
    assert.equal(shutDown, true);
    await assert.rejects(RawClient.connect(server.port));
  });
});
