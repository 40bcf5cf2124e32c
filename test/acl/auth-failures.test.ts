import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKeyhive } from '../support/servers.js';
import { RawClient } from '../support/raw-client.js';
import { RespError } from '../support/resp.js';
import type { RunningServer } from '../../src/index.js';

let srv: RunningServer;
let logfile: string;

before(async () => {
  logfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-auth-')), 'server.log');
  srv = await startKeyhive({ loglevel: 'notice', config: { requirepass: 'secret', logfile } });
});
after(() => srv.close());

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  assert.ok(m, `${name} in INFO`);
  return Number(m[1]);
}

test('failed AUTH attempts are counted in INFO stats and written to the server log', async () => {
  const c = await RawClient.connect(srv.port);
  assert.ok((await c.call('AUTH', 'wrong')) instanceof RespError);
  assert.ok((await c.call('AUTH', 'nobody', 'wrong')) instanceof RespError);
  assert.equal(await c.call('AUTH', 'secret'), 'OK');
  const info = String(await c.call('INFO', 'stats'));
  assert.equal(infoField(info, 'acl_access_denied_auth'), 2);
  assert.equal(await c.call('CONFIG', 'RESETSTAT'), 'OK');
  assert.equal(infoField(String(await c.call('INFO', 'stats')), 'acl_access_denied_auth'), 0);
  c.close();
  const log = fs.readFileSync(logfile, 'latin1');
  assert.match(log, /Failed AUTH attempt for user 'default'/);
  assert.match(log, /Failed AUTH attempt for user 'nobody'/);
  assert.doesNotMatch(log, /wrong/, 'passwords never reach the log');
});
