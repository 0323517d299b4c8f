import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PythonEnv } from './constants';
import { MotoCertificateError } from './errors';

/** python/make-cert.py: a self-signed certificate for 127.0.0.1 and its key (mode 0600). */
export const MAKE_CERT_SCRIPT = path.resolve(__dirname, '..', 'python', 'make-cert.py');

/** Where the emulator's certificate goes, and how long it lasts. */
export interface CertificateOptions {
  /** The virtualenv's interpreter (`cryptography` comes with moto). */
  readonly python: string;
  readonly certFile: string;
  /** Written with mode 0600 in a directory made with mode 0700. */
  readonly keyFile: string;
  /** Validity of a new certificate, in days. */
  readonly days: number;
  /** A certificate with fewer days than this left is replaced. */
  readonly renewDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Writes the emulator's TLS certificate and key when either is missing or the certificate expires within
 * `renewDays`; otherwise leaves them as they are. Returns whether it wrote a new pair.
 *
 * @throws MotoCertificateError (`MOTO_CERTIFICATE_FAILED`) when make-cert.py fails
 *
 * @example
 * ```ts
 * ensureCertificate({ python: install.python, certFile, keyFile, days: 30, renewDays: 2 });
 * spawn(install.python, motoServerArgs({ install, port, tls: { certFile, keyFile } }));
 * ```
 */
export function ensureCertificate(options: CertificateOptions): boolean {
  const { python, certFile, keyFile, days, renewDays } = options;
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = new X509Certificate(readFileSync(certFile));
    if (new Date(cert.validTo).getTime() > Date.now() + renewDays * DAY_MS) return false;
  }
  mkdirSync(path.dirname(certFile), { recursive: true, mode: 0o700 });
  mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  const result = spawnSync(python, [MAKE_CERT_SCRIPT, certFile, keyFile, String(days)], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new MotoCertificateError(
      `could not create the emulator's TLS certificate with ${python}. Run \`${PythonEnv.SETUP_COMMAND}\` and retry.`,
      `${result.stderr ?? ''}${result.stdout ?? ''}${result.error ? result.error.message : ''}`,
      result.error ? { cause: result.error } : undefined,
    );
  }
  return true;
}
