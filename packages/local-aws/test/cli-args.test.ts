import path from 'node:path';
import { parseArgs, usage } from '../src/cli-args';
import { LocalUsageError } from '../src/errors';

function usageError(argv: string[]): LocalUsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof LocalUsageError) return error;
    throw error;
  }
  throw new Error(`parseArgs(${JSON.stringify(argv)}) did not throw`);
}

describe('secure-lambda-local arguments (node:util parseArgs, one option table)', () => {
  it('parses every option of deploy, resolving paths and collecting repeated bundles', () => {
    const args = parseArgs([
      'deploy',
      '--local-dir',
      'x/local',
      '--bundle',
      'crypto-api=a.zip',
      '--bundle=object-processor=b.zip',
      '--report',
      'r.json',
      '--owner-pid',
      '42',
    ]);
    expect(args).toEqual({
      command: 'deploy',
      help: false,
      localDir: path.resolve('x/local'),
      bundles: { 'crypto-api': path.resolve('a.zip'), 'object-processor': path.resolve('b.zip') },
      report: path.resolve('r.json'),
      ownerPid: 42,
    });
  });

  it('parses where deploy keeps the state, and refuses any other backend', () => {
    expect(parseArgs(['deploy', '--backend', 's3'])).toEqual({
      command: 'deploy',
      help: false,
      bundles: {},
      backend: 's3',
    });
    expect(() => parseArgs(['deploy', '--backend', 'consul'])).toThrow(
      /--backend takes local or s3, got consul/,
    );
    expect(() => parseArgs(['destroy', '--backend', 's3'])).toThrow(/unknown option --backend/);
  });

  it('parses the two bootstrap steps for an account, and the emulator bootstrap', () => {
    expect(parseArgs(['bootstrap', '--env', 'prod', '--auto-approve'])).toEqual({
      command: 'bootstrap',
      help: false,
      bundles: {},
      env: 'prod',
      autoApprove: true,
    });
    expect(parseArgs(['migrate-state', '--env', 'dev'])).toEqual({
      command: 'migrate-state',
      help: false,
      bundles: {},
      env: 'dev',
    });
    expect(parseArgs(['bootstrap', '--emulator', '--owner-pid', '7', '--local-dir', 'l'])).toEqual({
      command: 'bootstrap',
      help: false,
      bundles: {},
      emulator: true,
      ownerPid: 7,
      localDir: path.resolve('l'),
    });
  });

  it('answers --help before or after the command', () => {
    expect(parseArgs(['--help']).help).toBe(true);
    expect(parseArgs(['plan', '--help']).help).toBe(true);
  });

  it.each([
    [[], 'a command is required'],
    [['frobnicate'], 'unknown command frobnicate'],
    [['destroy', '--bundle', 'a=b'], 'unknown option --bundle'],
    [['plan', '--report', 'r.json'], 'unknown option --report'],
    [['deploy', '--no-such-flag'], 'unknown option --no-such-flag'],
    [['deploy', '--local-dir'], '--local-dir needs a value'],
    [['deploy', '--local-dir', '--report', 'r.json'], '--local-dir needs a value'],
    [['deploy', '--bundle', 'crypto-api'], '--bundle takes APP=ZIP'],
    [['deploy', '--owner-pid', '12abc'], '--owner-pid takes a process id'],
    [['deploy', '--owner-pid', '0'], '--owner-pid takes a process id'],
    [['deploy', '--help=yes'], '--help takes no value'],
    [['deploy', 'stray'], 'unexpected argument stray'],
    [['bootstrap'], 'bootstrap takes either --env ENV (an AWS account) or --emulator'],
    [['bootstrap', '--env', 'dev', '--emulator'], 'bootstrap takes either --env ENV'],
    [['bootstrap', '--env', 'staging'], '--env takes dev or prod, got staging'],
    [['bootstrap', '--emulator', '--auto-approve'], '--auto-approve is for --env'],
    [['migrate-state'], 'migrate-state needs --env ENV'],
    [['migrate-state', '--env', 'dev', '--emulator'], 'unknown option --emulator'],
    [['deploy', '--env', 'dev'], 'unknown option --env'],
  ])('rejects %j with a typed usage error: %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.code).toBe('LOCAL_USAGE');
    expect(error.message).toContain(message);
  });

  it('generates a usage text that names every command and every option it accepts, and no other', () => {
    const text = usage();
    expect(text).toMatch(
      /^usage: secure-lambda-local <deploy\|destroy\|plan\|bootstrap\|migrate-state> \[options\]/,
    );
    const flags = [...text.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(flags).toEqual([
      '--local-dir',
      '--bundle',
      '--backend',
      '--report',
      '--owner-pid',
      '--env',
      '--emulator',
      '--auto-approve',
      '--help',
    ]);
    for (const command of ['deploy', 'destroy', 'plan']) {
      expect(text).toMatch(new RegExp(`^ {2}${command} `, 'm'));
      expect(parseArgs([command]).command).toBe(command);
    }
    // A flag the text restricts to some commands is refused by the others.
    expect(text).toMatch(/--owner-pid PID .*\(deploy, bootstrap\)$/m);
    expect(usageError(['destroy', '--owner-pid', '1']).message).toContain('unknown option --owner-pid');
  });
});
