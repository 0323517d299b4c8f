import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { EMULATOR_GAPS } from '@secure-lambda/stacks/emulator';
import { appBundles, declaredApps, destroyLocal } from '../src/deploy';
import {
  emulatorRequest,
  ensureEmulator,
  isAlive,
  readEmulatorInfo,
  runningEmulator,
  stopEmulator,
} from '../src/emulator';
import { LocalDeployError } from '../src/errors';
import { localLayout, REPO_ROOT } from '../src/layout';
import { PROBES } from '../src/probes';

const TARGET = { accountId: '111111111111', region: 'eu-west-1' };

describe('the local emulator (real moto_server, detached, HTTPS on 127.0.0.1)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-emulator-'));
  });
  afterAll(async () => {
    await stopEmulator(localLayout(dir));
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts once, is reused, serves the stack account over TLS only, and stops', async () => {
    const layout = localLayout(dir);
    const started = await ensureEmulator(layout, TARGET);
    expect(started.reused).toBe(false);
    expect(started.info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(started.info.certFile, 'utf8');
    const config = await emulatorRequest(`${started.info.endpoint}/moto-api/config`, ca);
    expect(config.status).toBeGreaterThanOrEqual(200);
    expect(config.status).toBeLessThan(300);
    // Without the emulator's certificate the TLS handshake fails: nothing is trusted by accident.
    await expect(emulatorRequest(`${started.info.endpoint}/moto-api/config`, '')).rejects.toThrow();
    // The TLS key is readable by its owner only.
    expect(statSync(layout.keyFile).mode & 0o077).toBe(0);

    const again = await ensureEmulator(layout, TARGET);
    expect(again).toEqual({ info: started.info, reused: true });
    await expect(ensureEmulator(layout, { ...TARGET, accountId: '222222222222' })).rejects.toThrow(
      /serves account 111111111111/,
    );

    expect(await stopEmulator(layout)).toBe(true);
    expect(isAlive(started.info.pid)).toBe(false);
    expect(readEmulatorInfo(layout)).toBeUndefined();
    expect(await runningEmulator(layout)).toBeUndefined();
  });

  test('when the emulator died, its state is moved aside (never deleted) and a fresh one starts', async () => {
    const layout = localLayout(dir);
    const first = await ensureEmulator(layout, TARGET);
    mkdirSync(layout.stackDir, { recursive: true });
    writeFileSync(layout.stateFile, JSON.stringify({ version: 4, resources: [{ type: 'aws_s3_bucket' }] }));
    process.kill(-first.info.pid, 'SIGKILL');
    while (isAlive(first.info.pid)) await new Promise((r) => setTimeout(r, 50));

    const second = await ensureEmulator(layout, TARGET);
    expect(second.reused).toBe(false);
    expect(second.info.pid).not.toBe(first.info.pid);
    expect(second.staleStateMovedTo).toMatch(/\.tfstate\.lost-/);
    expect(existsSync(layout.stateFile)).toBe(false);
    expect(JSON.parse(readFileSync(second.staleStateMovedTo as string, 'utf8')).resources).toHaveLength(1);
    await stopEmulator(layout);
  });

  test('a retried write gets its first answer, not a second run (serve.py); a new call still runs', async () => {
    const layout = localLayout(mkdtempSync(path.join(os.tmpdir(), 'local-aws-replay-')));
    try {
      const { info } = await ensureEmulator(layout, { ...TARGET, ownerPid: process.pid });
      const ca = readFileSync(info.certFile, 'utf8');
      // What the terraform provider's SDK sends when it lost moto's answer: the same call again, with the
      // same invocation id and the next attempt number. Raw query-API POSTs, so the ids are ours to set.
      const ec2 = (invocation: string, attempt: number, query: string) =>
        ec2Post(info.endpoint, ca, invocation, attempt, query);
      const create = 'Action=CreateSecurityGroup&GroupName=replayed&GroupDescription=d';
      const first = await ec2('invocation-a', 1, create);
      const retried = await ec2('invocation-a', 2, create);
      const newCall = await ec2('invocation-b', 1, create);

      expect(first.status).toBe(200);
      const groupId = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(first.body)?.[1];
      expect(groupId).toBeDefined();
      expect(retried).toEqual(first);
      expect(newCall.status).toBe(400);
      expect(newCall.body).toContain('InvalidGroup.Duplicate');
      const described = await ec2(
        'invocation-c',
        1,
        'Action=DescribeSecurityGroups&Filter.1.Name=group-name&Filter.1.Value.1=replayed',
      );
      expect(described.body.match(/<groupId>/g)).toHaveLength(1);
      expect(described.body).toContain(groupId);
    } finally {
      await stopEmulator(layout);
      rmSync(layout.localDir, { recursive: true, force: true });
    }
  });

  test('an owned emulator (tests) stops by itself once its owner process exits', async () => {
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const layout = localLayout(mkdtempSync(path.join(os.tmpdir(), 'local-aws-owned-')));
    try {
      const { info } = await ensureEmulator(layout, { ...TARGET, ownerPid: owner.pid as number });
      expect(info.ownerPid).toBe(owner.pid);
      expect(isAlive(info.pid)).toBe(true);
      owner.kill('SIGKILL');
      const deadline = Date.now() + 15_000;
      while (isAlive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(isAlive(info.pid)).toBe(false);
    } finally {
      owner.kill('SIGKILL');
      await stopEmulator(layout);
      rmSync(layout.localDir, { recursive: true, force: true });
    }
  }, 60_000);

  test('destroy:local with no emulator running destroys nothing and moves a stale state aside', async () => {
    const layout = localLayout(dir);
    writeFileSync(layout.stateFile, JSON.stringify({ version: 4, resources: [{ type: 'aws_kms_key' }] }));
    const lines: string[] = [];
    const report = await destroyLocal({ localDir: dir, log: (l) => lines.push(l) });
    expect(report.destroyed).toBe(0);
    expect(report.emulatorStopped).toBe(false);
    expect(report.staleStateMovedTo).toMatch(/\.lost-/);
    expect(lines.join('\n')).toMatch(/no emulator is running/);
    expect(readdirSync(layout.stackDir).filter((f) => f.includes('.lost-')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('prerequisites and usage', () => {
  test('every emulator gap has a probe', () => {
    expect(Object.keys(PROBES).sort()).toEqual(EMULATOR_GAPS.map((g) => g.id).sort());
  });

  test('the local-aws README lists exactly the gaps of stacks/src/emulator.ts', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'packages', 'local-aws', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Where local differs from dev'),
      readme.indexOf('## Dependencies'),
    );
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(EMULATOR_GAPS.map((g) => g.id).sort());
  });

  test('an unknown app or a missing bundle is a typed error naming the step and what to do', () => {
    const unknown = (() => {
      try {
        appBundles({ 'no-such-app': '/tmp/x.zip' });
      } catch (error) {
        return error;
      }
    })();
    expect(unknown).toBeInstanceOf(LocalDeployError);
    expect((unknown as LocalDeployError).step).toBe('check prerequisites');
    expect((unknown as Error).message).toMatch(
      /unknown app\(s\) no-such-app in --bundle; the declared apps are crypto-api, deployment-hook, object-processor/,
    );
    expect(() => appBundles({ 'crypto-api': '/nonexistent/crypto-api.zip' })).toThrow(
      /step "check prerequisites" failed \(crypto-api\): \/nonexistent\/crypto-api\.zip does not exist/,
    );
  });

  test('deploys every declared app, wherever declared: any of them takes a --bundle, the rest their own build', () => {
    const appsDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'local-aws-apps-')), 'apps');
    try {
      for (const [name, trigger] of [
        ['nightly', { type: 'schedule', expression: 'rate(1 day)' }],
        ['worker', { type: 'sqs' }],
      ] as const) {
        mkdirSync(path.join(appsDir, name, 'dist'), { recursive: true });
        writeFileSync(
          path.join(appsDir, name, 'package.json'),
          JSON.stringify({ name: `@secure-lambda/${name}` }),
        );
        writeFileSync(
          path.join(appsDir, name, 'function.ts'),
          `export default ${JSON.stringify({ name, trigger })};\n`,
        );
        writeFileSync(path.join(appsDir, name, 'dist', `${name}.zip`), 'zip');
      }
      const declared = declaredApps(appsDir);
      expect(declared.map((d) => [d.declaration.name, d.declaration.trigger.type])).toEqual([
        ['nightly', 'schedule'],
        ['worker', 'sqs'],
      ]);
      const candidate = path.join(path.dirname(appsDir), 'candidate.zip');
      writeFileSync(candidate, 'candidate');
      expect(appBundles({ worker: candidate }, declared)).toEqual({
        nightly: path.join(appsDir, 'nightly', 'dist', 'nightly.zip'),
        worker: candidate,
      });
      expect(() => appBundles({ 'crypto-api': candidate }, declared)).toThrow(
        /unknown app\(s\) crypto-api in --bundle; the declared apps are nightly, worker/,
      );
      // A declaration the platform does not accept stops the deployment before anything runs.
      writeFileSync(path.join(appsDir, 'worker', 'function.ts'), "export default { name: 'worker' };\n");
      expect(() => declaredApps(appsDir)).toThrow(/step "check prerequisites" failed: .*trigger/);
    } finally {
      rmSync(path.dirname(appsDir), { recursive: true, force: true });
    }
  });

  test.each([
    [['frobnicate'], /unknown command frobnicate/],
    [['deploy', '--bundle', 'crypto-api'], /--bundle takes APP=ZIP/],
    [['destroy', '--bundle', 'a=b'], /unknown option --bundle/],
    [[], /a command is required/],
  ])('the CLI rejects %j with exit code 2', async (args, message) => {
    const cli = path.join(__dirname, '..', 'src', 'cli.ts');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', cli, ...args],
        { cwd: path.join(__dirname, '..') },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: secure-lambda-local');
  });
});

/** A POST to moto's EC2 query API with the SDK's invocation headers (moto does not check signatures). */
function ec2Post(
  endpoint: string,
  ca: string,
  invocation: string,
  attempt: number,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${endpoint}/`,
      {
        method: 'POST',
        ca,
        timeout: 30_000,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
          'amz-sdk-invocation-id': invocation,
          'amz-sdk-request': `attempt=${attempt}; max=25`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${endpoint} in 30 s`)));
    request.on('error', reject);
    request.end(`${body}&Version=2016-11-15`);
  });
}
