/**
 * Certificates for TLS tests, made fresh in a temporary directory with
 * openssl (through `keyhive gen-certs`' generator): our CA with server and
 * client certificates, a second CA whose client certificate our server must
 * not trust, and the server key encrypted with a passphrase.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { generateCertificates, type CertFiles } from '../../src/gen-certs.js';

export interface TestCerts extends CertFiles {
  dir: string;
  /** A client certificate and key signed by another CA. */
  strangerCert: string;
  strangerKey: string;
  /** server.key encrypted with PASSPHRASE. */
  encryptedServerKey: string;
}

export const PASSPHRASE = 'open sesame';

export function makeTestCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyhive-tls-'));
  const files = generateCertificates(dir, { days: 2, hosts: [] });
  const stranger = generateCertificates(path.join(dir, 'stranger'), { days: 2, hosts: [] });
  const encryptedServerKey = path.join(dir, 'server-encrypted.key');
  execFileSync('openssl', ['pkey', '-in', files.serverKey, '-aes256', '-passout', `pass:${PASSPHRASE}`, '-out', encryptedServerKey], { stdio: 'ignore' });
  return { ...files, dir, strangerCert: stranger.clientCert, strangerKey: stranger.clientKey, encryptedServerKey };
}

export function removeTestCerts(certs: TestCerts | undefined): void {
  if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
}

/** The tls-* parameters of a server presenting our server certificate and trusting our CA. */
export function serverTlsConfig(certs: TestCerts, tlsPort: number): Record<string, string | number> {
  return { 'tls-port': tlsPort, 'tls-cert-file': certs.serverCert, 'tls-key-file': certs.serverKey, 'tls-ca-cert-file': certs.caCert };
}

/** Client options: trust our CA, and present our client certificate unless told which other one (or none). */
export function clientTls(certs: TestCerts, identity: 'ours' | 'stranger' | 'none' = 'ours'): tls.ConnectionOptions {
  const ca = fs.readFileSync(certs.caCert);
  if (identity === 'none') return { ca };
  const [cert, key] = identity === 'ours' ? [certs.clientCert, certs.clientKey] : [certs.strangerCert, certs.strangerKey];
  return { ca, cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
}
