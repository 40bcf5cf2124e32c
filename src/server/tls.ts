/**
 * TLS as Redis 7.0 sets it up (tls.c): the tls-* parameters make one secure
 * context, built at start-up when tls-port is set and rebuilt whenever one
 * of them changes; when the new files or settings do not load, the reason is
 * logged, the old context stays and CONFIG SET answers "Unable to update TLS
 * configuration". Connections accepted on tls-port go through a handshake
 * that asks for a client certificate as tls-auth-clients says at that
 * moment; past the handshake a TLS client is an ordinary Client reading and
 * writing its TLSSocket as it would a TCP socket.
 *
 * Where Node's TLS differs from OpenSSL's C API:
 * - tls-ca-cert-dir: the certificates under OpenSSL's hashed names
 *   (<subject hash>.<n>, as `openssl rehash` makes them) are loaded at
 *   configuration time rather than looked up on demand;
 * - tls-session-caching: resumption uses session tickets (Node keeps no
 *   server-side cache, so tls-session-cache-size has nothing to size);
 *   "no" turns tickets off;
 * - a client certificate that fails verification ends the connection right
 *   after the handshake rather than with an alert inside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { constants } from 'node:crypto';
import type { Config } from '../config.js';
import { strerror } from '../config.js';

/** The configuration did not load; the reason is in the log. */
export class TlsConfigError extends Error {}

/** The reply Redis gives when a CONFIG SET cannot rebuild the TLS context. */
export const TLS_UPDATE_ERROR = 'Unable to update TLS configuration. Check server logs.';

/** Parameters of the secure context; changing one rebuilds it (Redis's applyTlsCfg). */
export const TLS_CONTEXT_PARAMS: ReadonlySet<string> = new Set([
  'tls-session-cache-size',
  'tls-session-cache-timeout',
  'tls-cluster',
  'tls-replication',
  'tls-prefer-server-ciphers',
  'tls-session-caching',
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-client-cert-file',
  'tls-client-key-file',
  'tls-client-key-file-pass',
  'tls-dh-params-file',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
]);

type AuthClients = 'no' | 'yes' | 'optional';

const PROTOCOLS: [name: string, version: tls.SecureVersion, disable: number][] = [
  ['tlsv1', 'TLSv1', constants.SSL_OP_NO_TLSv1],
  ['tlsv1.1', 'TLSv1.1', constants.SSL_OP_NO_TLSv1_1],
  ['tlsv1.2', 'TLSv1.2', constants.SSL_OP_NO_TLSv1_2],
  ['tlsv1.3', 'TLSv1.3', constants.SSL_OP_NO_TLSv1_3],
];

/** Redis's default when tls-protocols is unset. */
const DEFAULT_PROTOCOLS = 'TLSv1.2 TLSv1.3';

/**
 * tls-protocols as context options: the range from the oldest to the newest
 * protocol named, with the ones in between that are not named switched off.
 */
function protocolOptions(value: string): Pick<tls.SecureContextOptions, 'minVersion' | 'maxVersion'> & { secureOptions: number } {
  const wanted = new Set(value.split(' ').map((p) => p.toLowerCase()));
  const enabled = PROTOCOLS.filter(([name]) => wanted.has(name));
  if (enabled.length !== wanted.size) throw new TlsConfigError("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  const first = PROTOCOLS.indexOf(enabled[0]);
  const last = PROTOCOLS.indexOf(enabled[enabled.length - 1]);
  let secureOptions = 0;
  for (let i = first; i <= last; i++) if (!wanted.has(PROTOCOLS[i][0])) secureOptions |= PROTOCOLS[i][2];
  return { minVersion: PROTOCOLS[first][1], maxVersion: PROTOCOLS[last][1], secureOptions };
}

function readFile(file: string, failure: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new TlsConfigError(`${failure}: ${strerror(e)}`);
  }
}

/** Certificate file names in an OpenSSL hashed directory. */
const HASHED_NAME = /^[0-9a-f]{8}\.\d+$/;

/**
 * The PEM certificates of tls-ca-cert-file and tls-ca-cert-dir. Like
 * OpenSSL, a directory that cannot be read adds nothing rather than failing.
 */
function loadCertificateAuthorities(file: string, dir: string): Buffer[] {
  const failure = 'Failed to configure CA certificate(s) file/directory';
  const cas = file ? [readFile(file, failure)] : [];
  if (!dir) return cas;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => HASHED_NAME.test(name));
  } catch {
    return cas;
  }
  for (const name of names.sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full, { throwIfNoEntry: false })?.isFile()) cas.push(readFile(full, failure));
  }
  return cas;
}

/** Builds a context from options to see whether they load; turns OpenSSL's complaint into Redis's log text. */
function tryContext(options: tls.SecureContextOptions, failure: string): void {
  try {
    tls.createSecureContext(options);
  } catch (e) {
    throw new TlsConfigError(`${failure}: ${(e as Error).message}`);
  }
}

/** tls-ciphers and tls-ciphersuites as Node's one cipher string (TLS 1.3 suites are the TLS_ names). */
function cipherString(ciphers: string, suites: string): string {
  if (ciphers) tryContext({ ciphers }, 'Failed to configure ciphers');
  const list = ciphers || 'DEFAULT';
  if (!suites) return list;
  const names = suites.split(':').filter(Boolean);
  if (names.length === 0 || names.some((n) => !n.startsWith('TLS_'))) throw new TlsConfigError(`Failed to configure ciphersuites: ${suites}`);
  tryContext({ ciphers: `${list}:${suites}` }, 'Failed to configure ciphersuites');
  return `${list}:${suites}`;
}

/** The secure context options the tls-* parameters describe, checked in the order of Redis's tlsConfigure. */
function contextOptions(config: Config): tls.SecureContextOptions {
  const get = (name: string) => config.get(name);
  const certFile = get('tls-cert-file');
  const keyFile = get('tls-key-file');
  if (!certFile) throw new TlsConfigError('No tls-cert-file configured!');
  if (!keyFile) throw new TlsConfigError('No tls-key-file configured!');
  const needsCa = get('tls-auth-clients') !== 'no' || config.getBool('tls-cluster') || config.getBool('tls-replication');
  if (needsCa && !get('tls-ca-cert-file') && !get('tls-ca-cert-dir')) {
    throw new TlsConfigError('Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!');
  }
  const protocols = protocolOptions(get('tls-protocols') || DEFAULT_PROTOCOLS);
  const cert = readFile(certFile, `Failed to load certificate: ${certFile}`);
  tryContext({ cert }, `Failed to load certificate: ${certFile}`);
  const key = readFile(keyFile, `Failed to load private key: ${keyFile}`);
  const passphrase = get('tls-key-file-pass') || undefined;
  tryContext({ cert, key, passphrase }, `Failed to load private key: ${keyFile}`);
  const ca = loadCertificateAuthorities(get('tls-ca-cert-file'), get('tls-ca-cert-dir'));
  if (ca.length > 0) tryContext({ ca }, 'Failed to configure CA certificate(s) file/directory');
  const ciphers = cipherString(get('tls-ciphers'), get('tls-ciphersuites'));
  const caching = config.getBool('tls-session-caching');
  const secureOptions = protocols.secureOptions | (caching ? 0 : constants.SSL_OP_NO_TICKET);
  const dhFile = get('tls-dh-params-file');
  const dhparam = dhFile ? readFile(dhFile, `Failed to load ${dhFile}`) : undefined;
  const options: tls.SecureContextOptions = {
    cert,
    key,
    passphrase,
    // Even when empty: without a CA list Node would trust its bundled public roots, Redis trusts nothing.
    ca,
    ciphers,
    minVersion: protocols.minVersion,
    maxVersion: protocols.maxVersion,
    secureOptions,
    // Stated either way: tls.Server prefers its own order unless told otherwise.
    honorCipherOrder: config.getBool('tls-prefer-server-ciphers'),
    dhparam,
    sessionTimeout: config.getNumber('tls-session-cache-timeout'),
    sessionIdContext: caching ? 'redis' : undefined,
  };
  tryContext(options, dhFile ? `Failed to load DH params file: ${dhFile}` : 'Failed to configure TLS');
  return options;
}

/** Whether the peer sent a certificate at all. */
function presentedCertificate(socket: tls.TLSSocket): boolean {
  return Object.keys(socket.getPeerCertificate()).length > 0;
}

/**
 * The TLS side of the listeners: holds the current context and runs the
 * handshake of sockets accepted on tls-port, one tls.Server per
 * tls-auth-clients mode so each connection gets the mode current when it
 * arrived.
 */
export class TlsAcceptor {
  private options: tls.SecureContextOptions | null = null;
  private readonly handshakers = new Map<AuthClients, tls.Server>();

  constructor(
    private readonly config: Config,
    /** Gets each socket whose handshake succeeded. */
    private readonly onSecure: (socket: tls.TLSSocket) => void,
    private readonly logWarning: (message: string) => void,
  ) {}

  /** Whether a context was built (Redis's isTlsConfigured). */
  get configured(): boolean {
    return this.options !== null;
  }

  /** Whether TLS is in use, so that changed tls-* parameters must load now (Redis's applyTlsCfg condition). */
  get enabled(): boolean {
    return this.config.getNumber('tls-port') !== 0 || this.config.getBool('tls-replication') || this.config.getBool('tls-cluster');
  }

  /** (Re)builds the context from the tls-* parameters; on failure logs why, keeps the old one and throws TlsConfigError. */
  configure(): void {
    let options: tls.SecureContextOptions;
    try {
      options = contextOptions(this.config);
    } catch (e) {
      if (e instanceof TlsConfigError) this.logWarning(e.message);
      throw e;
    }
    this.options = options;
    // Handshakes under way finish with the old context; new connections get servers built from the new one.
    this.handshakers.clear();
  }

  /** Runs the server side of the handshake on a socket accepted on tls-port. */
  handshake(socket: net.Socket): void {
    (this.handshakerFor(this.config.get('tls-auth-clients') as AuthClients)).emit('connection', socket);
  }

  private handshakerFor(mode: AuthClients): tls.Server {
    let server = this.handshakers.get(mode);
    if (server) return server;
    if (!this.options) throw new Error('TLS connection accepted before TLS was configured');
    // yes: no certificate or a bad one fails the handshake; optional: only a bad one ends the connection.
    server = new tls.Server({ ...this.options, requestCert: mode !== 'no', rejectUnauthorized: mode === 'yes' }, (secure) => {
      if (mode === 'optional' && !secure.authorized && presentedCertificate(secure)) secure.destroy();
      else this.onSecure(secure);
    });
    server.on('tlsClientError', (e) => this.logWarning(`Error accepting a client connection: ${e.message.trim()}`));
    this.handshakers.set(mode, server);
    return server;
  }
}
