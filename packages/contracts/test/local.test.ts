import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_STACK_NAME } from '../src/constants';
import { ContractsErrorCode, EmulatorRecordError } from '../src/errors';
import {
  type EmulatorRecord,
  emulatorEndpoint,
  localLayout,
  parseEmulatorRecord,
  REPO_ROOT,
  readEmulatorRecord,
  stackDirectory,
  writeEmulatorRecord,
} from '../src/local';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'Contracts-Local-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const recordFor = (layout: ReturnType<typeof localLayout>): EmulatorRecord => ({
  pid: 4242,
  port: 45123,
  endpoint: emulatorEndpoint(45123),
  accountId: '123456789012',
  region: 'eu-west-1',
  certFile: layout.certFile,
  startedAt: '2026-11-29T23:50:00.000Z',
});

describe('local layout', () => {
  test('everything lives under the local directory; the state file is the local stack backend path', () => {
    const layout = localLayout(dir);
    for (const p of Object.values(layout)) expect(p.startsWith(dir)).toBe(true);
    expect(layout.stackDir).toBe(path.join(dir, 'cdktf.out', 'stacks', LOCAL_STACK_NAME));
    expect(layout.stateFile).toBe(path.join(layout.stackDir, `terraform.${LOCAL_STACK_NAME}.tfstate`));
    expect(layout.emulatorFile).toBe(path.join(dir, 'emulator', 'emulator.json'));
  });

  test('a stack folder: the local stack under .local, others under cdktf.out; the root is this repository', () => {
    expect(stackDirectory('secure-lambda-dev', dir)).toBe(
      path.join(dir, 'cdktf.out', 'stacks', 'secure-lambda-dev'),
    );
    expect(stackDirectory(LOCAL_STACK_NAME, dir)).toBe(localLayout(path.join(dir, '.local')).stackDir);
    expect(statSync(path.join(REPO_ROOT, 'packages', 'contracts', 'package.json')).isFile()).toBe(true);
  });
});

describe('emulator record', () => {
  test('a written record reads back unchanged; the file is private to the user', () => {
    const layout = localLayout(dir);
    mkdirSync(layout.emulatorDir, { recursive: true });
    const record = { ...recordFor(layout), ownerPid: 99 };
    writeEmulatorRecord(layout, record);
    expect(readEmulatorRecord(layout)).toEqual(record);
    expect(statSync(layout.emulatorFile).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(layout.emulatorFile, 'utf8'))).toEqual(record);
  });

  test('no record: undefined', () => {
    expect(readEmulatorRecord(localLayout(dir))).toBeUndefined();
  });

  test('a record that sends clients (and their credentials) to another host is refused, not followed', () => {
    const layout = localLayout(dir);
    const hostile = { ...recordFor(layout), port: 443, endpoint: 'https://attacker.example:443' };
    expect(() => parseEmulatorRecord(hostile)).toThrow(
      expect.objectContaining({
        code: ContractsErrorCode.EMULATOR_RECORD_INVALID,
        message: expect.stringMatching(
          /endpoint "https:\/\/attacker\.example:443" is not https:\/\/127\.0\.0\.1:443/,
        ),
      }),
    );
    for (const endpoint of [
      'http://127.0.0.1:45123',
      'https://127.0.0.1:1',
      'https://127.0.0.1.nip.io:45123',
    ]) {
      expect(() => parseEmulatorRecord({ ...recordFor(layout), endpoint })).toThrow(EmulatorRecordError);
    }
  });

  test('a record naming another certificate than the layout is refused: it would become the trust anchor', () => {
    const layout = localLayout(dir);
    mkdirSync(layout.emulatorDir, { recursive: true });
    writeFileSync(
      layout.emulatorFile,
      JSON.stringify({ ...recordFor(layout), certFile: '/etc/ssl/certs/evil.pem' }),
    );
    expect(() => readEmulatorRecord(layout)).toThrow(
      /certFile \/etc\/ssl\/certs\/evil\.pem is not this deployment's certificate/,
    );
  });

  test.each([
    ['pid', { pid: 0 }, /pid is not a whole number from 1/],
    [
      'port',
      { port: 70_000, endpoint: 'https://127.0.0.1:70000' },
      /port is not a whole number from 1 to 65535/,
    ],
    ['accountId', { accountId: 'x' }, /accountId is not 12 digits/],
    ['region', { region: 'Mars' }, /region is not an AWS region name/],
    ['certFile', { certFile: 'tls/cert.pem' }, /certFile is not an absolute path/],
    ['startedAt', { startedAt: 'now' }, /startedAt is not a date/],
    ['ownerPid', { ownerPid: -1 }, /ownerPid is not a whole number/],
  ])('a bad %s is named, with what to do', (_field, change, message) => {
    const layout = localLayout(dir);
    expect(() => parseEmulatorRecord({ ...recordFor(layout), ...change })).toThrow(message);
    expect(() => parseEmulatorRecord({ ...recordFor(layout), ...change })).toThrow(
      /delete the file and run npm run deploy:local again/,
    );
  });

  test('a file that is not JSON: EMULATOR_RECORD_INVALID with the parse error as cause', () => {
    const layout = localLayout(dir);
    mkdirSync(layout.emulatorDir, { recursive: true });
    writeFileSync(layout.emulatorFile, '{');
    let caught: unknown;
    try {
      readEmulatorRecord(layout);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EmulatorRecordError);
    expect((caught as EmulatorRecordError).cause).toBeInstanceOf(SyntaxError);
    expect((caught as Error).message).toMatch(/is not readable JSON .*delete the file/);
  });
});
