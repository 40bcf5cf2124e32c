/**
 * TLS: a Keyhive listening on a plain port and a TLS port at once, reached
 * by redis-cli --tls, node-redis, ioredis and redis-py with a CA made for
 * the test; tls-auth-clients, tls-protocols and cipher preferences checked
 * side by side with redis-server configured the same way; CONFIG SET of
 * tls-* parameters (good and bad files, an encrypted key) compared with
 * redis-server reply for reply; `keyhive gen-certs` and start-up failures.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { RawClient } from '../support/raw-client.js';
import { freePort, startKeyhive, type ReferenceServer, startKeyhiveAndRedis } from '../support/servers.js';
import { runProcess } from '../clients/run-process.js';
import { REPO_ROOT } from '../robustness/keyhive-process.js';
import { clientTls, makeTestCerts, PASSPHRASE, removeTestCerts, serverTlsConfig, type TestCerts } from './certs.js';
import type { RunningServer } from '../../src/index.js';
import type { RespValue } from '../support/resp.js';

const PYTHON = '/usr/bin/python3';

/** PING over a new TLS connection: the reply, or 'refused' when the server ends the connection (handshake or right after). */
async function tlsPing(port: number, options: tls.ConnectionOptions): Promise<RespValue | 'refused'> {
  let c: RawClient | undefined;
  try {
    c = await RawClient.connectTls(port, options);
    return await c.call('PING');
  } catch (e) {
    if ((e as Error).message.includes('timed out')) throw e;
    return 'refused';
  } finally {
    c?.close();
  }
}

async function call(port: number, ...args: string[]): Promise<RespValue> {
  const c = await RawClient.connect(port);
  try {
    return await c.call(...args);
  } finally {
    c.close();
  }
}

async function callRaw(port: number, ...args: string[]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    return await c.callRaw(...args);
  } finally {
    c.close();
  }
}

let certs: TestCerts;
before(() => {
  certs = makeTestCerts();
});
after(() => removeTestCerts(certs));

describe('plain and TLS ports at once', () => {
  let server: RunningServer;
  let tlsPort: number;
  before(async () => {
    tlsPort = await freePort();
    // A plain port of its own: port 0 beside a TLS port would mean no plain listener, as in Redis.
    server = await startKeyhive({ port: await freePort(), config: serverTlsConfig(certs, tlsPort) });
  });
  after(async () => {
    await server?.close();
  });

  it('serves the same keyspace on both ports', async () => {
    const secure = await RawClient.connectTls(tlsPort, clientTls(certs));
    try {
      assert.equal(await secure.call('SET', 'shared', 'from tls'), 'OK');
      assert.equal(await call(server.port, 'GET', 'shared'), 'from tls');
      assert.equal(await call(server.port, 'SET', 'shared', 'from tcp'), 'OK');
      assert.equal(await secure.call('GET', 'shared'), 'from tcp');
      const list = String(await secure.call('CLIENT', 'LIST'));
      assert.match(list, new RegExp(`laddr=127\\.0\\.0\\.1:${tlsPort} `), 'the TLS client is listed with its local TLS port');
    } finally {
      secure.close();
    }
  });

  it('carries large pipelined binary values over TLS', async () => {
    const secure = await RawClient.connectTls(tlsPort, clientTls(certs));
    try {
      const value = Buffer.alloc(3 * 1024 * 1024, 'k\x00\xff\r\n');
      for (let i = 0; i < 5; i++) secure.send('SET', `big:${i}`, value);
      for (let i = 0; i < 5; i++) secure.send('STRLEN', `big:${i}`);
      for (let i = 0; i < 5; i++) assert.equal(await secure.read(), 'OK');
      for (let i = 0; i < 5; i++) assert.equal(await secure.read(), value.length);
      assert.equal(await secure.call('GET', 'big:4'), value.toString('latin1'));
    } finally {
      secure.close();
    }
  });

  it('a plain-text client on the TLS port gets no reply and is dropped', async () => {
    const c = await RawClient.connect(tlsPort);
    c.write('PING\r\n');
    await c.waitClosed();
    assert.doesNotMatch(c.pending, /PONG/);
  });

  it('redis-cli --tls --cacert with a client certificate', async () => {
    const base = ['-p', String(tlsPort), '--tls', '--cacert', certs.caCert, '--cert', certs.clientCert, '--key', certs.clientKey];
    const set = await runProcess('redis-cli', [...base, 'SET', 'cli', 'over tls']);
    assert.equal(set.stdout, 'OK\n', set.stderr);
    const get = await runProcess('redis-cli', [...base, 'GET', 'cli']);
    assert.equal(get.stdout, 'over tls\n', get.stderr);
  });

  it('node-redis (RESP3) over TLS', async () => {
    const ca = fs.readFileSync(certs.caCert);
    const client = createClient({
      socket: { host: '127.0.0.1', port: tlsPort, tls: true, ca, cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) },
      RESP: 3,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      assert.equal(await client.set('node-redis', 'tls'), 'OK');
      assert.equal(await client.get('node-redis'), 'tls');
      assert.deepEqual(await client.hGetAll('absent'), {});
      assert.equal(await client.incr('node-redis:counter'), 1);
    } finally {
      client.destroy();
    }
  });

  it('ioredis over TLS', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: tlsPort, tls: clientTls(certs), maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      assert.equal(await redis.set('ioredis', 'tls'), 'OK');
      assert.equal(await redis.get('ioredis'), 'tls');
      const [[, a], [, b]] = (await redis.multi().incr('ioredis:n').incr('ioredis:n').exec()) as [unknown, number][];
      assert.deepEqual([a, b], [1, 2]);
    } finally {
      redis.disconnect();
    }
  });

  it('redis-py with ssl=True and ssl_ca_certs', async () => {
    const script = [
      'import redis, sys',
      'port, ca, cert, key = sys.argv[1:]',
      "r = redis.Redis(host='127.0.0.1', port=int(port), ssl=True, ssl_ca_certs=ca, ssl_certfile=cert, ssl_keyfile=key)",
      "r.set('py', b'\\x00\\xff binary')",
      "assert r.get('py') == b'\\x00\\xff binary', r.get('py')",
      "print(r.ping(), r.incr('py:n'), r.incr('py:n'))",
    ].join('\n');
    const run = await runProcess(PYTHON, ['-c', script, String(tlsPort), certs.caCert, certs.clientCert, certs.clientKey]);
    assert.equal(run.stdout, 'True 1 2\n', run.stderr);
  });

  it('CONFIG SET tls-port moves the TLS listener; port 0 beside it turns plain TCP off, as in Redis', async () => {
    const movedTo = await freePort();
    assert.equal(await call(server.port, 'CONFIG', 'SET', 'tls-port', String(movedTo)), 'OK');
    assert.equal(await tlsPing(movedTo, clientTls(certs)), 'PONG');
    assert.equal(await tlsPing(tlsPort, clientTls(certs)), 'refused', 'the old TLS port is closed');
    const secure = await RawClient.connectTls(movedTo, clientTls(certs));
    try {
      const plainPort = server.server.port;
      assert.equal(await secure.call('CONFIG', 'SET', 'port', '0'), 'OK');
      await assert.rejects(RawClient.connect(plainPort), /ECONNREFUSED/);
      assert.equal(await secure.call('CONFIG', 'SET', 'port', String(plainPort)), 'OK');
      assert.equal(await call(plainPort, 'PING'), 'PONG');
      assert.equal(await secure.call('CONFIG', 'SET', 'tls-port', String(tlsPort)), 'OK');
    } finally {
      secure.close();
    }
    assert.equal(await tlsPing(tlsPort, clientTls(certs)), 'PONG');
  });
});

/** Keyhive and redis-server with the same TLS files, each with its plain port for CONFIG. */
describe('TLS settings side by side with redis-server', () => {
  let keyhive: RunningServer;
  let redis: ReferenceServer;
  const tlsPorts = { keyhive: 0, redis: 0 };
  const both = () => [
    { name: 'keyhive', port: keyhive.port, tlsPort: tlsPorts.keyhive },
    { name: 'redis', port: redis.port, tlsPort: tlsPorts.redis },
  ];

  before(async () => {
    [tlsPorts.keyhive, tlsPorts.redis] = [await freePort(), await freePort()];
    const redisArgs = Object.entries(serverTlsConfig(certs, tlsPorts.redis)).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const port = await freePort();
    [keyhive, redis] = await startKeyhiveAndRedis({ port, config: serverTlsConfig(certs, tlsPorts.keyhive) }, redisArgs);
  });
  after(async () => {
    await Promise.all([keyhive?.close(), redis?.close()]);
  });

  /** Sets the same parameters on both servers, expecting the same reply, then runs check on each. */
  async function onBoth(settings: string[], check: (tlsPort: number, name: string) => Promise<void>): Promise<void> {
    for (const target of both()) {
      if (settings.length > 0) assert.equal(await call(target.port, 'CONFIG', 'SET', ...settings), 'OK', `${target.name}: CONFIG SET ${settings}`);
      await check(target.tlsPort, target.name);
    }
  }

  it('tls-auth-clients yes (the default) refuses clients without a certificate or with one from another CA', async () => {
    await onBoth([], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs)), 'PONG', name);
      assert.equal(await tlsPing(port, clientTls(certs, 'none')), 'refused', `${name}: no client certificate`);
      assert.equal(await tlsPing(port, clientTls(certs, 'stranger')), 'refused', `${name}: certificate of another CA`);
    });
  });

  it('tls-auth-clients optional lets clients without a certificate in, not those with a bad one', async () => {
    await onBoth(['tls-auth-clients', 'optional'], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs, 'none')), 'PONG', name);
      assert.equal(await tlsPing(port, clientTls(certs)), 'PONG', name);
      assert.equal(await tlsPing(port, clientTls(certs, 'stranger')), 'refused', name);
    });
  });

  it('tls-auth-clients no asks for no certificate', async () => {
    await onBoth(['tls-auth-clients', 'no'], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs, 'none')), 'PONG', name);
      assert.equal(await tlsPing(port, clientTls(certs, 'stranger')), 'PONG', `${name}: the certificate is not even asked for`);
    });
    await onBoth(['tls-auth-clients', 'yes'], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs, 'none')), 'refused', name);
    });
  });

  it('tls-protocols limits the protocol versions', async () => {
    const tls12 = { ...clientTls(certs), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
    const tls13 = { ...clientTls(certs), minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } as const;
    await onBoth(['tls-protocols', 'TLSv1.2'], async (port, name) => {
      assert.equal(await tlsPing(port, tls12), 'PONG', name);
      assert.equal(await tlsPing(port, tls13), 'refused', name);
    });
    await onBoth(['tls-protocols', 'TLSv1.3'], async (port, name) => {
      assert.equal(await tlsPing(port, tls12), 'refused', name);
      assert.equal(await tlsPing(port, tls13), 'PONG', name);
    });
    await onBoth(['tls-protocols', ''], async (port, name) => {
      assert.equal(await tlsPing(port, tls12), 'PONG', name);
      assert.equal(await tlsPing(port, tls13), 'PONG', name);
    });
  });

  it('tls-ciphers and tls-prefer-server-ciphers choose the TLS 1.2 cipher', async () => {
    const cipherOf = async (port: number) => {
      const c = await RawClient.connectTls(port, { ...clientTls(certs), maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA256:AES128-SHA256' });
      try {
        return (c.socket as tls.TLSSocket).getCipher().name;
      } finally {
        c.close();
      }
    };
    await onBoth(['tls-protocols', 'TLSv1.2', 'tls-ciphers', 'AES128-SHA256:AES256-SHA256'], async (port, name) => {
      assert.equal(await cipherOf(port), 'AES256-SHA256', `${name}: the client's preference`);
    });
    await onBoth(['tls-prefer-server-ciphers', 'yes'], async (port, name) => {
      assert.equal(await cipherOf(port), 'AES128-SHA256', `${name}: the server's preference`);
    });
    await onBoth(['tls-prefer-server-ciphers', 'no', 'tls-ciphers', 'DEFAULT:-AES256-SHA256', 'tls-protocols', ''], async (port, name) => {
      assert.equal(await cipherOf(port), 'AES128-SHA256', `${name}: AES256-SHA256 is not offered`);
    });
    await onBoth(['tls-ciphers', ''], async () => {});
  });

  it('CONFIG SET of tls-* parameters replies as redis-server does, keeping the old context on failure', async () => {
    const missing = path.join(certs.dir, 'missing.pem');
    const steps: string[][] = [
      ['tls-key-file', missing],
      ['tls-cert-file', missing],
      ['tls-ca-cert-file', missing],
      ['tls-ca-cert-dir', missing],
      ['tls-cert-file', ''],
      ['tls-key-file', certs.caCert],
      ['tls-protocols', 'TLSv1.2 SSLv3'],
      ['tls-protocols', 'tlsv1.2 TLSV1.3'],
      ['tls-ciphers', 'NO-SUCH-CIPHER'],
      ['tls-ciphersuites', 'NO_SUCH_SUITE'],
      ['tls-ciphersuites', 'TLS_AES_256_GCM_SHA384'],
      ['tls-ciphersuites', ''],
      ['tls-auth-clients', 'maybe'],
      ['tls-session-cache-timeout', '-1'],
      ['tls-dh-params-file', missing],
      // An encrypted key needs its passphrase; setting the passphrase first works with the plain key too.
      ['tls-key-file', certs.encryptedServerKey],
      ['tls-key-file-pass', PASSPHRASE],
      ['tls-key-file', certs.encryptedServerKey],
      ['tls-key-file-pass', 'wrong'],
      ['tls-key-file', certs.serverKey],
      ['tls-key-file-pass', ''],
      ['tls-ca-cert-file', '', 'tls-ca-cert-dir', certs.dir],
      ['tls-ca-cert-file', certs.caCert, 'tls-ca-cert-dir', ''],
    ];
    for (const step of steps) {
      const [ours, theirs] = await Promise.all([callRaw(keyhive.port, 'CONFIG', 'SET', ...step), callRaw(redis.port, 'CONFIG', 'SET', ...step)]);
      assert.equal(JSON.stringify(ours), JSON.stringify(theirs), `CONFIG SET ${step.join(' ')}`);
      const [ourPing, theirPing] = await Promise.all([tlsPing(tlsPorts.keyhive, clientTls(certs)), tlsPing(tlsPorts.redis, clientTls(certs))]);
      assert.equal(ourPing, theirPing, `a client with our certificate after CONFIG SET ${step.join(' ')}`);
    }
    assert.equal(await tlsPing(tlsPorts.keyhive, clientTls(certs)), 'PONG', 'the settings are back to working ones');
    const names = ['tls-key-file', 'tls-key-file-pass', 'tls-protocols', 'tls-ciphers', 'tls-ciphersuites', 'tls-ca-cert-dir', 'tls-auth-clients'];
    for (const name of names) {
      const [ours, theirs] = await Promise.all([callRaw(keyhive.port, 'CONFIG', 'GET', name), callRaw(redis.port, 'CONFIG', 'GET', name)]);
      assert.equal(ours, theirs);
    }
  });

  it('tls-ca-cert-dir alone trusts the certificates under their hashed names in the directory', async () => {
    const dir = path.join(certs.dir, 'hashed');
    fs.mkdirSync(dir);
    const hash = (await runProcess('openssl', ['x509', '-hash', '-noout', '-in', certs.caCert])).stdout.trim();
    fs.copyFileSync(certs.caCert, path.join(dir, `${hash}.0`));
    fs.copyFileSync(certs.caCert, path.join(dir, 'unhashed-name.crt'));
    await onBoth(['tls-ca-cert-dir', path.dirname(certs.caCert), 'tls-ca-cert-file', ''], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs)), 'refused', `${name}: ca.crt is not under its hashed name there`);
    });
    await onBoth(['tls-ca-cert-dir', dir], async (port, name) => {
      assert.equal(await tlsPing(port, clientTls(certs)), 'PONG', name);
      assert.equal(await tlsPing(port, clientTls(certs, 'stranger')), 'refused', name);
    });
    await onBoth(['tls-ca-cert-file', certs.caCert, 'tls-ca-cert-dir', ''], async () => {});
  });
});

describe('keyhive gen-certs and start-up', () => {
  const keyhive = path.join(REPO_ROOT, 'bin/keyhive');

  it('gen-certs writes a CA and certificates that verify against it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-gen-certs-'));
    try {
      const run = await runProcess(process.execPath, [keyhive, 'gen-certs', dir, '--days', '3', '--host', 'cache.internal']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['ca.crt', 'ca.key', 'client.crt', 'client.key', 'server.crt', 'server.key']);
      const verify = await runProcess('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, 'server.crt'), path.join(dir, 'client.crt')]);
      assert.equal(verify.stdout, `${path.join(dir, 'server.crt')}: OK\n${path.join(dir, 'client.crt')}: OK\n`, verify.stderr);
      const text = await runProcess('openssl', ['x509', '-in', path.join(dir, 'server.crt'), '-noout', '-ext', 'subjectAltName']);
      assert.match(text.stdout, /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, DNS:cache\.internal/);
      assert.equal((fs.statSync(path.join(dir, 'server.key')).mode & 0o777).toString(8), '600');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gen-certs without a directory prints its usage and fails', async () => {
    const run = await runProcess(process.execPath, [keyhive, 'gen-certs']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /the directory to write into is missing[\s\S]*Usage: keyhive gen-certs <dir>/);
  });

  it('a TLS-only server (port 0 beside tls-port) listens on the TLS port alone', async () => {
    const tlsPort = await freePort();
    const child = spawn(process.execPath, [keyhive, '--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.caCert], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let log = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          log += d.toString();
          if (log.includes('Ready to accept connections')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited: ${log}`)));
      });
      assert.match(log, new RegExp(`port 0, tls-port ${tlsPort}, PID`));
      assert.equal(await tlsPing(tlsPort, clientTls(certs)), 'PONG');
      const info = await RawClient.connectTls(tlsPort, clientTls(certs));
      assert.equal(await info.call('CONFIG', 'GET', 'port').finally(() => info.close()).then((v) => JSON.stringify(v)), '["port","0"]');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a TLS port without a certificate or key stops the start with the reason logged', async () => {
    const tlsPort = await freePort();
    const noCert = await runProcess(process.execPath, [keyhive, '--port', '0', '--tls-port', String(tlsPort)]);
    assert.equal(noCert.code, 1, noCert.stderr);
    assert.match(noCert.stdout, /# No tls-cert-file configured!/, noCert.stderr);
    assert.match(noCert.stderr, /Failed to configure TLS\. Check logs for more info\./);
    const badKey = await runProcess(process.execPath, [
      keyhive, '--port', '0', '--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.encryptedServerKey, '--tls-auth-clients', 'no',
    ]);
    assert.equal(badKey.code, 1, badKey.stderr);
    assert.match(badKey.stdout, new RegExp(`# Failed to load private key: ${certs.encryptedServerKey.replace(/[.]/g, '\\.')}: `));
  });
});
