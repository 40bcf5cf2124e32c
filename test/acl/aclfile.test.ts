/**
 * Where users are kept: an ACL file (ACL LOAD/SAVE, compared with
 * redis-server given the same file), `user` config lines with CONFIG
 * REWRITE, and the start-up errors of both.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { startKeyhive, startRedis, type ReferenceServer } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import type { RespValue } from '../support/resp.js';
import { Config, ConfigError, Server, type RunningServer } from '../../src/index.js';
import { applyDirectives, parseConfigText } from '../../src/config-file.js';

const ACL_FILE = 'users.acl';
const INITIAL = [`user alice on #${createHash('sha256').update('alice-pw').digest('hex')} ~a:* &* +@all`, 'user bob off resetchannels -@all +get ~b*', ''].join('\n');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-acl-'));
}

describe('an ACL file, as redis-server uses it', () => {
  const dirs = { ours: tempDir(), theirs: tempDir() };
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  const clients: RawClient[] = [];
  let ours: RawClient;
  let theirs: RawClient;

  const connect = async (port: number) => {
    const c = await RawClient.connect(port);
    clients.push(c);
    return c;
  };
  const writeBoth = (text: string) => {
    for (const dir of Object.values(dirs)) fs.writeFileSync(path.join(dir, ACL_FILE), text, 'latin1');
  };
  const readBoth = () => Object.values(dirs).map((dir) => fs.readFileSync(path.join(dir, ACL_FILE), 'latin1'));
  /** Sends a command to both servers and returns both replies. */
  const both = async (...args: string[]): Promise<[RespValue, RespValue]> => [await ours.call(...args), await theirs.call(...args)];
  const same = async (...args: string[]) => {
    const [a, b] = await both(...args);
    assert.deepEqual(a, b, args.join(' '));
    return a;
  };

  before(async () => {
    writeBoth(INITIAL);
    // Redis opens the file relative to dir, which it runs in; both name it the same way in their messages.
    keyhive = await startKeyhive({ config: { dir: dirs.ours, aclfile: ACL_FILE } });
    redis = await startRedis(['--dir', dirs.theirs, '--aclfile', ACL_FILE]);
    ours = await connect(keyhive.port);
    theirs = await connect(redis.port);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([keyhive?.close(), redis?.close()]);
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the users at start-up, with a default user made up when the file has none', async () => {
    const list = await same('ACL', 'LIST');
    assert.equal((list as string[]).length, 3);
    assert.equal(await (await connect(keyhive.port)).call('AUTH', 'alice', 'alice-pw'), 'OK');
  });

  it('ACL SAVE writes the same file', async () => {
    await same('ACL', 'SETUSER', 'carol', 'on', 'nopass', '+@read', '~c:*', '(%W~w:* +set)');
    await same('ACL', 'SETUSER', 'default', '>default-pw');
    assert.equal(await same('ACL', 'SAVE'), 'OK');
    const [a, b] = readBoth();
    assert.equal(a, b);
    assert.match(a, /^user carol on nopass ~c:\* resetchannels -@all \+@read \(%W~w:\* resetchannels -@all \+set\)$/m);
  });

  it('ACL LOAD of a broken file reports every problem and changes nothing', async () => {
    const before = await same('ACL', 'LIST');
    writeBoth(['user carol on nopass ~* -@all +nosuch +@nosuch', 'user dave on #123 >x', '# a comment', 'user alice', 'user alice on', 'user eve (+get'].join('\n'));
    const [a, b] = await both('ACL', 'LOAD');
    assert.deepEqual(a, b);
    assert.match(String(a), /Error in applying operation '\+nosuch'/);
    assert.deepEqual(await same('ACL', 'LIST'), before);
  });

  it('ACL LOAD replaces the users and disconnects the clients of the old ones', async () => {
    const [aliceHere, aliceThere] = [await connect(keyhive.port), await connect(redis.port)];
    for (const c of [aliceHere, aliceThere]) assert.equal(await c.call('AUTH', 'alice', 'alice-pw'), 'OK');
    writeBoth('user default on nopass ~* &* +@all\nuser alice on >new ~* +@all\n');
    assert.equal(await same('ACL', 'LOAD'), 'OK');
    await aliceHere.waitClosed();
    await aliceThere.waitClosed();
    assert.deepEqual(await same('ACL', 'USERS'), ['alice', 'default']);
    await same('ACL', 'LIST');
  });

  it('ACL LOAD of a missing file', async () => {
    for (const dir of Object.values(dirs)) fs.rmSync(path.join(dir, ACL_FILE));
    const [a, b] = await both('ACL', 'LOAD');
    assert.deepEqual(a, b);
    assert.match(String(a), /opening file 'users\.acl': No such file or directory/);
  });
});

describe('user config lines', () => {
  const dir = tempDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function configFrom(text: string, file: string | null = null): Config {
    const config = new Config();
    config.setMany(
      [
        ['dir', dir],
        ['port', '0'],
        ['loglevel', 'nothing'],
      ],
      false,
    );
    applyDirectives(config, parseConfigText(text, 'test config'));
    config.configFile = file;
    return config;
  }

  it('define users at start-up; CONFIG REWRITE writes them back for the next start', async () => {
    const file = path.join(dir, 'keyhive.conf');
    fs.writeFileSync(file, 'user default on nopass ~* +@all -flushdb\nuser "app" on >pw ~app:* +@all\n');
    const server = new Server(configFrom(fs.readFileSync(file, 'latin1'), file));
    await server.listen();
    const c = await RawClient.connect(server.port);
    assert.equal(String(await c.call('FLUSHDB')), "(error) NOPERM this user has no permissions to run the 'flushdb' command");
    const listed = await c.call('ACL', 'LIST');
    assert.deepEqual(listed, [
      'user app on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~app:* resetchannels +@all',
      'user default on nopass sanitize-payload ~* resetchannels +@all -flushdb',
    ]);
    assert.equal(await c.call('CONFIG', 'REWRITE'), 'OK');
    c.close();
    await server.close();

    const text = fs.readFileSync(file, 'latin1');
    assert.equal(text.match(/^user /gm)?.length, 2, text);
    const restarted = new Server(configFrom(text, file));
    await restarted.listen();
    const d = await RawClient.connect(restarted.port);
    assert.deepEqual(await d.call('ACL', 'LIST'), listed);
    d.close();
    await restarted.close();
  });

  it('a user defined twice is refused as the config is read', () => {
    assert.throws(() => configFrom('user foo\nuser foo on'), (e: Error) => e instanceof ConfigError && /Duplicate user/.test(e.message));
  });

  it('a bad rule stops the start-up', () => {
    assert.throws(() => new Server(configFrom('user foo on +nosuch')), (e: Error) => e instanceof ConfigError && /Unknown command or category name in ACL/.test(e.message));
  });

  it('user lines and an aclfile together stop the start-up', () => {
    fs.writeFileSync(path.join(dir, ACL_FILE), '');
    assert.throws(() => new Server(configFrom(`aclfile ${ACL_FILE}\nuser foo on`)), (e: Error) => e instanceof ConfigError && /not both/.test(e.message));
  });

  it('an aclfile that cannot be read stops the start-up', () => {
    assert.throws(() => new Server(configFrom('aclfile missing.acl')), (e: Error) => e instanceof ConfigError && /Aborting Redis startup because of ACL errors/.test(e.message));
  });
});
