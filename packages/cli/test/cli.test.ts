import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { awsPort, MAX_ATTEMPTS } from '../src/aws-port';
import { parseArgs } from '../src/cli';
import { CliErrorCode, ThrottledError, toCliError } from '../src/errors';
import { parseManifest, selectFunctions } from '../src/manifest';
import { formatRecord, MAX_DESCRIPTION, parseRecord } from '../src/record';

const CLI = path.join(__dirname, '..', 'src', 'cli.ts');
const dir = mkdtempSync(path.join(os.tmpdir(), 'secure-lambda-cli-'));
const OUTPUTS = path.join(dir, 'outputs.json');
writeFileSync(
  OUTPUTS,
  JSON.stringify({
    release: {
      value: {
        format: 1,
        region: 'eu-west-1',
        accountId: '111111111111',
        functions: {
          'crypto-api': {
            functionName: 'secure-lambda-dev-crypto-api',
            alias: 'live',
            strategy: { type: 'all-at-once' },
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

  test('an outputs file of another format is refused', () => {
    expect(() =>
      parseManifest('s', { release: { value: { format: 2, region: 'x', functions: {} } } }),
    ).toThrow(/has format 2; this CLI reads format 1/);
    expect(() => parseManifest('s', { other: { value: 1 } })).toThrow(/no "release" output/);
  });

  test('functions are selected by app id or function name; an unknown one lists the known ones', () => {
    const manifest = parseManifest('dev', {
      release: {
        value: {
          format: 1,
          region: 'eu-west-1',
          functions: { a: { functionName: 'dev-a', alias: 'live', strategy: { type: 'all-at-once' } } },
        },
      },
    });
    expect(selectFunctions(manifest, 'a')).toEqual(selectFunctions(manifest, 'dev-a'));
    expect(() => selectFunctions(manifest, 'b')).toThrow(/dev has no function b; it has a\./);
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
