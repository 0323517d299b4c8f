import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EMULATOR_CREDENTIALS } from '@secure-lambda/contracts';
import { localLayout } from '@secure-lambda/contracts/local';
import { awsPort, MAX_ATTEMPTS } from '../src/aws-port';
import { localEmulator, parseArgs } from '../src/cli';
import { CliErrorCode, LocalEmulatorError, ThrottledError, toCliError } from '../src/errors';
import { parseManifest, selectFunctions } from '../src/manifest';
import { formatRecord, MAX_DESCRIPTION, parseRecord } from '../src/record';

const CLI = path.join(__dirname, '..', 'src', 'cli.ts');
/**
 * A function's `expected` block as `terraform output -json` prints it: attributes that are not set
 * (layers, signing on an unsigned function) come out as null.
 */
const RAW_EXPECTED = {
  version: '7',
  codeSha256: 'Y4NtrjEioGP0yDQGG2m0LZfY4cwvatbGU/fgnXQQz28=',
  configuration: {
    packageType: 'Zip',
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    role: 'arn:aws:iam::111111111111:role/secure-lambda-dev-crypto-api-role',
    memorySize: 256,
    timeout: 30,
    architectures: ['arm64'],
    environment: { NODE_OPTIONS: 'a'.repeat(64) },
    kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k',
    layers: null,
    tracingMode: 'Active',
    subnetIds: ['subnet-a', 'subnet-b'],
    securityGroupIds: ['sg-1'],
    ephemeralStorageMb: 512,
    fileSystems: [],
    imageConfig: '',
    signingProfileVersionArn: null,
    signingJobArn: null,
  },
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'secure-lambda-cli-'));
const OUTPUTS = path.join(dir, 'outputs.json');
writeFileSync(
  OUTPUTS,
  JSON.stringify({
    release: {
      value: {
        format: 2,
        region: 'eu-west-1',
        accountId: '111111111111',
        functions: {
          'crypto-api': {
            functionName: 'secure-lambda-dev-crypto-api',
            alias: 'live',
            strategy: { type: 'all-at-once' },
            expected: RAW_EXPECTED,
          },
        },
      },
    },
  }),
);

function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { env, cwd: path.join(__dirname, '..') },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('arguments', () => {
  test('a full release command', () => {
    expect(parseArgs(['release', 'secure-lambda-prod', '--function', 'crypto-api', '--wait'])).toMatchObject({
      command: 'release',
      stack: 'secure-lambda-prod',
      function: 'crypto-api',
      wait: true,
    });
    expect(parseArgs(['prune', 's', '--keep', '3', '--dry-run'])).toMatchObject({ keep: 3, dryRun: true });
  });

  test.each([
    [['deploy', 's'], /unknown command deploy/],
    [['release'], /exactly one stack name/],
    [['status', 's', '--wait'], /--wait does not apply to status/],
    [['prune', 's'], /prune needs --keep N/],
    [['prune', 's', '--keep', '0'], /--keep takes a whole number >= 1, got 0/],
    [['rollback', 's', '--function'], /--function needs a value/],
    [['rollback', 's', '--force'], /unknown option --force/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test('the bin exits 2 on bad usage, with the usage text', async () => {
    const result = await runCli(['release']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /exactly one stack name[\s\S]*usage:\n {2}secure-lambda release {2}<stack>/,
    );
  });
});

describe('stack outputs', () => {
  test('missing outputs: exit 1, naming the step and how to get them', async () => {
    const result = await runCli(['status', 'secure-lambda-nowhere']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /read stack outputs: .*secure-lambda-nowhere holds no synthesized stack\. Deploy the stack first \(npx cdktf deploy secure-lambda-nowhere.*--outputs FILE.*\[OUTPUTS_MISSING\]/s,
    );
  });

  test('an outputs file of another format is refused; format 1 could not be verified', () => {
    expect(() =>
      parseManifest('s', { release: { value: { format: 1, region: 'x', functions: {} } } }),
    ).toThrow(/has format 1; this CLI reads format 2\. .*a release from it could not be verified/);
    expect(() => parseManifest('s', { other: { value: 1 } })).toThrow(/no "release" output/);
  });

  const withExpected = (expected: unknown) => ({
    release: {
      value: {
        format: 2,
        region: 'eu-west-1',
        functions: {
          a: { functionName: 'dev-a', alias: 'live', strategy: { type: 'all-at-once' }, expected },
        },
      },
    },
  });

  test('[TM-SIGN-01] the expected code hash and configuration are read strictly; unset attributes read as none', () => {
    const [fn] = parseManifest('dev', withExpected(RAW_EXPECTED)).functions;
    expect(fn?.expected).toEqual({
      ...RAW_EXPECTED,
      configuration: {
        ...RAW_EXPECTED.configuration,
        layers: [],
        signingProfileVersionArn: '',
        signingJobArn: '',
      },
    });
  });

  test.each([
    ['no expected block', undefined, /function a in the "release" output of dev: expected\.is missing/],
    [
      'a hex code hash',
      { ...RAW_EXPECTED, codeSha256: 'ab'.repeat(32) },
      /codeSha256 is not a base64 SHA-256/,
    ],
    [
      'an environment value instead of its hash',
      { ...RAW_EXPECTED, configuration: { ...RAW_EXPECTED.configuration, environment: { A: 'x' } } },
      /environment\.A is not a hex SHA-256/,
    ],
    [
      'layers that are not a list',
      { ...RAW_EXPECTED, configuration: { ...RAW_EXPECTED.configuration, layers: 'arn:layer' } },
      /layers is not a list of strings/,
    ],
    [
      'no role',
      { ...RAW_EXPECTED, configuration: { ...RAW_EXPECTED.configuration, role: null } },
      /role is missing/,
    ],
  ])('[TM-SIGN-01] %s is refused (OUTPUTS_MISSING)', (_name, expected, message) => {
    expect(() => parseManifest('dev', withExpected(expected))).toThrow(message);
    expect(() => parseManifest('dev', withExpected(expected))).toThrow(
      expect.objectContaining({ code: CliErrorCode.OUTPUTS_MISSING }),
    );
  });

  test('functions are selected by app id or function name; an unknown one lists the known ones', () => {
    const manifest = parseManifest('dev', {
      release: {
        value: {
          format: 2,
          region: 'eu-west-1',
          functions: {
            a: {
              functionName: 'dev-a',
              alias: 'live',
              strategy: { type: 'all-at-once' },
              expected: RAW_EXPECTED,
            },
          },
        },
      },
    });
    expect(selectFunctions(manifest, 'a')).toEqual(selectFunctions(manifest, 'dev-a'));
    expect(() => selectFunctions(manifest, 'b')).toThrow(/dev has no function b; it has a\./);
  });
});

describe('the local emulator (secure-lambda-local without --endpoint)', () => {
  /** A layout in a fresh folder whose emulator.json holds what `record` makes for it (none when omitted). */
  const layoutWith = (record?: (certFile: string) => Record<string, unknown>) => {
    const layout = localLayout(mkdtempSync(path.join(dir, 'Local-')));
    if (record) {
      mkdirSync(layout.emulatorDir, { recursive: true });
      writeFileSync(layout.emulatorFile, JSON.stringify(record(layout.certFile)));
    }
    return layout;
  };
  const good = (certFile: string) => ({
    pid: 4242,
    port: 45123,
    endpoint: 'https://127.0.0.1:45123',
    accountId: '111111111111',
    region: 'eu-west-1',
    certFile,
    startedAt: '2026-11-29T23:50:00.000Z',
  });

  test("deploy:local's record gives the endpoint, its certificate and the fake credentials; no record, no emulator", () => {
    expect(localEmulator(layoutWith())).toBeUndefined();
    const layout = layoutWith(good);
    expect(localEmulator(layout)).toEqual({
      endpoint: 'https://127.0.0.1:45123',
      caFile: layout.certFile,
      credentials: EMULATOR_CREDENTIALS,
    });
  });

  test('a record that names another host is refused (LOCAL_EMULATOR_INVALID): the CLI never sends its requests there', () => {
    const hostile = layoutWith((certFile) => ({
      ...good(certFile),
      endpoint: 'https://attacker.example:45123',
    }));
    expect(() => localEmulator(hostile)).toThrow(LocalEmulatorError);
    expect(() => localEmulator(hostile)).toThrow(
      expect.objectContaining({
        code: CliErrorCode.LOCAL_EMULATOR_INVALID,
        message: expect.stringMatching(
          /^read local emulator: .*endpoint "https:\/\/attacker\.example:45123" is not https:\/\/127\.0\.0\.1:45123/,
        ),
      }),
    );
  });
});

describe('AWS errors', () => {
  test('no credentials: the real SDK chain finds none, and the CLI says how to sign in', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const result = await runCli(['status', 'secure-lambda-dev', '--outputs', OUTPUTS], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /read alias secure-lambda-dev-crypto-api:live: no AWS credentials found\. Sign in .*\[NO_CREDENTIALS\]/,
    );
  });

  test('throttling is retried with backoff, then reported as THROTTLED naming the step', async () => {
    let requests = 0;
    let throttleFirst = 2;
    const server = http.createServer((req, res) => {
      requests += 1;
      req.resume();
      if (throttleFirst > 0) {
        throttleFirst -= 1;
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        });
        res.end(JSON.stringify({ message: 'Rate exceeded', Type: 'User' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ Name: 'live', FunctionVersion: '7', Description: '' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const port = awsPort({
      region: 'eu-west-1',
      endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      await expect(port.getAlias('fn', 'live')).resolves.toMatchObject({ version: '7' });
      expect(requests).toBe(3);

      requests = 0;
      throttleFirst = Number.POSITIVE_INFINITY;
      const attempt = port.getAlias('fn', 'live');
      await expect(attempt).rejects.toThrow(ThrottledError);
      await expect(attempt).rejects.toThrow(
        /^read alias fn:live: AWS kept throttling the request after 6 attempts/,
      );
      expect(requests).toBe(MAX_ATTEMPTS);
    } finally {
      port.destroy();
      server.close();
    }
  }, 60_000);

  test('an endpoint override must be a local emulator', () => {
    expect(() => awsPort({ region: 'eu-west-1', endpoint: 'https://lambda.evil.example' })).toThrow(
      /only a local emulator \(127\.0\.0\.1, localhost, \[::1\]\) is allowed/,
    );
  });

  test.each([
    [
      { name: 'AccessDeniedException', message: 'no', $metadata: { httpStatusCode: 403 } },
      CliErrorCode.ACCESS_DENIED,
    ],
    [
      { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
      CliErrorCode.NO_CREDENTIALS,
    ],
    [
      { name: 'ThrottlingException', message: 'slow down', $metadata: { attempts: 6 } },
      CliErrorCode.THROTTLED,
    ],
    [
      { name: 'ServiceException', message: 'boom', $metadata: { httpStatusCode: 500 } },
      CliErrorCode.AWS_FAILURE,
    ],
  ])('maps %j to %s', (error, code) => {
    expect(toCliError(error, 'some step')).toMatchObject({ code, step: 'some step' });
  });
});

describe('release record', () => {
  test('round-trips and fits the 256-character alias description', () => {
    const record = {
      kind: 'release',
      previous: '12',
      current: '13',
      at: '2026-11-29T12:00:00.000Z',
      by: 'arn:aws:sts::1:assumed-role/r/s',
    } as const;
    expect(parseRecord(formatRecord(record))).toEqual(record);
    const long = formatRecord({ ...record, by: `arn:aws:sts::1:assumed-role/${'x'.repeat(400)}` });
    expect(long.length).toBe(MAX_DESCRIPTION);
    expect(parseRecord(long)).toMatchObject({ previous: '12', current: '13' });
    expect(parseRecord('Callers invoke this alias; it points at a published version.')).toBeUndefined();
  });
});
