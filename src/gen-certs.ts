/**
 * `keyhive gen-certs <dir>`: a private certificate authority and
 * certificates signed by it for running Keyhive with TLS locally, the way a
 * managed service hands out its server CA: clients trust ca.crt, the server
 * presents server.crt, and client.crt lets clients in when
 * tls-auth-clients is yes (Redis's default). Made with the openssl command.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface CertOptions {
  /** Validity in days. */
  days: number;
  /** Names and addresses the server certificate is valid for, beside localhost, 127.0.0.1 and ::1. */
  hosts: string[];
}

export interface CertFiles {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export class CertError extends Error {}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new CertError('the openssl command was not found; install it (Debian/Ubuntu: apt-get install openssl)');
    throw new CertError(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() ?? err.message}`);
  }
}

function subjectAltNames(hosts: string[]): string {
  const names = ['localhost', '127.0.0.1', '::1', ...hosts];
  return [...new Set(names)].map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? `IP:${h}` : `DNS:${h}`)).join(',');
}

/** A key and a certificate for name, signed by the CA, with the extensions strict verifiers (Python 3.13) ask for. */
function signedCertificate(dir: string, name: string, extensions: string[], days: number): void {
  const extFile = `${name}.ext`;
  fs.writeFileSync(path.join(dir, extFile), `${['basicConstraints=CA:FALSE', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid,issuer', ...extensions].join('\n')}\n`);
  try {
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=Keyhive/CN=Keyhive ${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(days), '-sha256', '-extfile', extFile, '-out', `${name}.crt`], dir);
  } finally {
    for (const temp of [extFile, `${name}.csr`]) fs.rmSync(path.join(dir, temp), { force: true });
  }
  fs.chmodSync(path.join(dir, `${name}.key`), 0o600);
}

/** Writes ca, server and client keys and certificates into dir (created if needed). */
export function generateCertificates(dir: string, options: CertOptions): CertFiles {
  fs.mkdirSync(dir, { recursive: true });
  const { days } = options;
  openssl(
    [
      'req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', String(days), '-sha256',
      '-subj', '/O=Keyhive/CN=Keyhive local certificate authority',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  fs.chmodSync(path.join(dir, 'ca.key'), 0o600);
  signedCertificate(dir, 'server', ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', `subjectAltName=${subjectAltNames(options.hosts)}`], days);
  signedCertificate(dir, 'client', ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'], days);
  fs.rmSync(path.join(dir, 'ca.srl'), { force: true });
  const file = (name: string) => path.resolve(dir, name);
  return {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
  };
}

const USAGE = `Usage: keyhive gen-certs <dir> [--days N] [--host name-or-ip ...]

Makes a private certificate authority (ca.crt, ca.key) and certificates it
signed: server.crt/server.key (valid for localhost, 127.0.0.1, ::1 and each
--host) and client.crt/client.key. Needs the openssl command.
`;

function parseArgs(args: string[]): { dir: string; options: CertOptions } {
  const options: CertOptions = { days: 365, hosts: [] };
  let dir: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--days' || arg === '--host') {
      const value = args[++i];
      if (value === undefined) throw new CertError(`${arg} needs a value`);
      if (arg === '--host') options.hosts.push(value);
      else if (/^[1-9]\d*$/.test(value)) options.days = Number(value);
      else throw new CertError(`--days must be a positive number of days, not '${value}'`);
    } else if (dir === null && !arg.startsWith('--')) {
      dir = arg;
    } else {
      throw new CertError(`unexpected argument '${arg}'`);
    }
  }
  if (dir === null) throw new CertError('the directory to write into is missing');
  return { dir, options };
}

/** The gen-certs command line; returns the exit code. */
export function genCertsMain(args: string[]): number {
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const { dir, options } = parseArgs(args);
    const files = generateCertificates(dir, options);
    process.stdout.write(
      `Wrote ${path.resolve(dir)}: ca.crt ca.key server.crt server.key client.crt client.key\n\n` +
        `Start a TLS-only server:\n` +
        `  keyhive --port 0 --tls-port 6380 --tls-cert-file ${files.serverCert} --tls-key-file ${files.serverKey} --tls-ca-cert-file ${files.caCert}\n` +
        `Connect (clients trust ca.crt; with tls-auth-clients yes, the default, they also present client.crt):\n` +
        `  redis-cli -p 6380 --tls --cacert ${files.caCert} --cert ${files.clientCert} --key ${files.clientKey}\n` +
        `Or let clients in without a certificate of their own: add --tls-auth-clients no to the server.\n`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof CertError)) throw e;
    process.stderr.write(`keyhive gen-certs: ${e.message}\n\n${USAGE}`);
    return 1;
  }
}
