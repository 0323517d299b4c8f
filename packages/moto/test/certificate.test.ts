import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCertificate, locateMotoInstall, MotoCertificateError, motoServerArgs } from '../src/index';

describe('the local emulator certificate (python/make-cert.py)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'Moto-Cert '));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a certificate for 127.0.0.1 only and an owner-only key, and keeps them until renewal is due', async () => {
    const { python } = await locateMotoInstall(undefined);
    const certFile = path.join(dir, 'tls', 'cert.pem');
    const keyFile = path.join(dir, 'tls', 'key.pem');
    const options = { python, certFile, keyFile, days: 30, renewDays: 2 };
    expect(ensureCertificate(options)).toBe(true);

    const cert = new X509Certificate(readFileSync(certFile));
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBeUndefined();
    const daysLeft = (new Date(cert.validTo).getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(29);
    expect(daysLeft).toBeLessThanOrEqual(30);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    expect(statSync(path.dirname(keyFile)).mode & 0o077).toBe(0);

    const pem = readFileSync(certFile, 'utf8');
    expect(ensureCertificate(options)).toBe(false);
    expect(readFileSync(certFile, 'utf8')).toBe(pem);
    // Renewal due (fewer than renewDays left): a new pair.
    expect(ensureCertificate({ ...options, renewDays: 31 })).toBe(true);
    expect(readFileSync(certFile, 'utf8')).not.toBe(pem);
  });

  it('fails with MOTO_CERTIFICATE_FAILED and what to do when the interpreter cannot run the script', () => {
    const certFile = path.join(dir, 'cert.pem');
    const attempt = () =>
      ensureCertificate({
        python: path.join(dir, 'no-python'),
        certFile,
        keyFile: `${certFile}.key`,
        days: 1,
        renewDays: 0,
      });
    expect(attempt).toThrow(MotoCertificateError);
    expect(attempt).toThrow(/TLS certificate .*Run `npm run setup:python` and retry/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'MOTO_CERTIFICATE_FAILED',
        output: expect.stringContaining('ENOENT'),
      });
    }
  });

  it('serves HTTPS with it: moto_server gets the certificate and key', async () => {
    const install = await locateMotoInstall(undefined);
    const args = motoServerArgs({ install, port: 4566, tls: { certFile: 'c.pem', keyFile: 'k.pem' } });
    expect(args.slice(1)).toEqual([
      install.motoServer,
      '-H',
      '127.0.0.1',
      '-p',
      '4566',
      '-c',
      'c.pem',
      '-k',
      'k.pem',
    ]);
    expect(path.basename(args[0] as string)).toBe('serve.py');
    expect(motoServerArgs({ install, port: 1 })).not.toContain('-c');
  });
});
