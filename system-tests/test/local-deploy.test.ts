/**
 * `npm run deploy:local` end to end, against a fresh moto server: the real CLI (what the npm scripts run)
 * deploys the local stack with terraform, smoke-tests it, is planned again for drift, redeployed without
 * changes, updated with new function code, destroyed, and deployed again after the destroy. Between the
 * steps the test reads the deployed state back through the AWS APIs with its own expectations.
 *
 * Everything lives in a temporary directory (--local-dir), so a developer's own `.local/` deployment is
 * never touched. Takes about four minutes on 2 cores, mostly terraform waiting on the emulator (S3
 * lifecycle configurations alone take ~55 s to settle).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeFlowLogsCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import {
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import {
  GetAliasCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { DeployReport, DestroyReport, EmulatorClients } from '@secure-lambda/local-aws';
import { emulatorClients, isAlive } from '@secure-lambda/local-aws';
import { repoRoot } from '../src/synth';

const CLI = path.join(repoRoot, 'packages', 'local-aws', 'dist', 'cli.js');
const STACK = 'secure-lambda-local';
const PROCESSOR = `${STACK}-object-processor`;
const CRYPTO_API = `${STACK}-crypto-api`;
const VPC_CIDR = '10.20.0.0/16';
/** The dev environment's settings (stacks/src/config.ts), which the local stack keeps. */
const DEV = { accountId: '111111111111', logRetentionDays: 365, reservedConcurrency: 5 } as const;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let localDir: string;
let first: DeployReport;
let clients: EmulatorClients;
const timings: string[] = [];

function cli(args: readonly string[]): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args, '--local-dir', localDir],
      { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        timings.push(`${args[0]} ${((Date.now() - started) / 1000).toFixed(1)} s`);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function deploy(extra: readonly string[] = []): Promise<DeployReport> {
  const report = path.join(localDir, `deploy-${Date.now()}.json`);
  // --owner-pid: the emulator stops by itself if this test process dies before afterAll runs.
  const run = await cli(['deploy', ...extra, '--report', report, '--owner-pid', String(process.pid)]);
  if (run.code !== 0)
    throw new Error(`deploy:local failed (exit ${run.code}):\n${run.stderr}\n${run.stdout.slice(-4000)}`);
  return JSON.parse(readFileSync(report, 'utf8')) as DeployReport;
}

async function destroy(): Promise<DestroyReport> {
  const report = path.join(localDir, `destroy-${Date.now()}.json`);
  const run = await cli(['destroy', '--report', report]);
  if (run.code !== 0)
    throw new Error(`destroy:local failed (exit ${run.code}):\n${run.stderr}\n${run.stdout.slice(-4000)}`);
  return JSON.parse(readFileSync(report, 'utf8')) as DestroyReport;
}

function stateResources(): { type: string }[] {
  const file = path.join(localDir, 'cdktf.out', 'stacks', STACK, `terraform.${STACK}.tfstate`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: { type: string }[] }).resources;
}

beforeAll(async () => {
  localDir = mkdtempSync(path.join(os.tmpdir(), 'secure-lambda-local-e2e-'));
  first = await deploy();
  clients = emulatorClients(
    first.emulator.endpoint,
    first.emulator.region,
    readFileSync(first.emulator.certFile, 'utf8'),
  );
}, 300_000);

afterAll(async () => {
  clients?.destroy();
  // Whatever happened above, leave no emulator running.
  const info = path.join(localDir, 'emulator', 'emulator.json');
  if (existsSync(info)) {
    const { pid } = JSON.parse(readFileSync(info, 'utf8')) as { pid: number };
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  }
  rmSync(localDir, { recursive: true, force: true });
  console.log(`local deploy e2e timings: ${timings.join(', ')}`);
  if (first)
    console.log(
      `smoke test of the first deploy:\n${first.smoke.map((c) => `  ok  ${c.name}: ${c.detail}`).join('\n')}`,
    );
}, 60_000);

describe('deploy:local against a fresh emulator', () => {
  test('creates the whole stack from scratch and passes every smoke check', () => {
    const detail = Object.fromEntries(first.smoke.map((c) => [c.name, c.detail]));
    expect(detail['s3 trigger object-processor']).toMatch(
      /for "incoming\/"; put .*incoming\/smoke\/.*"processed":1.*decrypts with the stack key under app=object-processor to the same bytes/,
    );
    expect(detail['url trigger crypto-api']).toMatch(/with the STS proof: 200; without the proof: 403/);
    expect(first.emulator.reused).toBe(false);
    expect(first.emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(first.planned.change + first.planned.remove).toBe(0);
    expect(first.applied.add).toBe(first.planned.add);
    expect(first.applied.add).toBeGreaterThan(60);
    // Each declared function through its trigger (the deployment hook is not deployed with all-at-once).
    expect(first.functions.map((f) => [f.app, f.trigger])).toEqual([
      ['crypto-api', 'url'],
      ['object-processor', 's3'],
    ]);
    expect(first.smoke.map((c) => c.name)).toEqual([
      'url trigger crypto-api',
      'crypto-api round trip',
      's3 trigger object-processor',
      'live alias',
      'vpc_config',
      'log group',
      'role policies',
      'key rotation',
    ]);
  });

  test('every listed emulator gap is confirmed by its probe', () => {
    expect(first.gaps.map((g) => g.id).sort()).toEqual(
      [
        'bucket-policy-conditions',
        'code-signing',
        'dns-firewall',
        'lambda-config-read-back',
        'sg-rule-description-read-back',
        // Found with generated functions (packages/local-aws/test/generated-functions.test.ts deploys them).
        'sqs-redrive-allow-policy',
        'sqs-redrive-policy-read-back',
        'event-source-mapping-alias-read-back',
        'lambda-invoke',
        'sqs-send-with-mapping',
        'function-url-calls',
        'scheduler-runs',
      ].sort(),
    );
    for (const gap of first.gaps)
      expect({ id: gap.id, confirmed: gap.probe?.confirmed }).toEqual({ id: gap.id, confirmed: true });
  });

  test('functions run as declared: runtime, VPC, env encryption, tracing, concurrency, live alias', async () => {
    const keyArn = first.outputs['key-arn'] as string;
    for (const name of [PROCESSOR, CRYPTO_API]) {
      const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      expect(config.Runtime).toBe('nodejs22.x');
      expect(config.Architectures).toEqual(['arm64']);
      expect(config.TracingConfig?.Mode).toBe('Active');
      expect(config.KMSKeyArn).toBe(keyArn);
      expect(config.Environment?.Variables?.KEY_ARN).toBe(keyArn);
      expect(config.VpcConfig?.SubnetIds).toHaveLength(2);
      expect(config.VpcConfig?.SecurityGroupIds).toHaveLength(1);
      const concurrency = await clients.lambda.send(
        new GetFunctionConcurrencyCommand({ FunctionName: name }),
      );
      expect(concurrency.ReservedConcurrentExecutions).toBe(DEV.reservedConcurrency);
      const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
      expect(alias.FunctionVersion).toBe('1');
    }
    const processor = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: PROCESSOR }),
    );
    expect(processor.Environment?.Variables?.INPUT_BUCKET).toBe(first.outputs['input-bucket-name']);
    expect(processor.Environment?.Variables?.OUTPUT_BUCKET).toBe(first.outputs['output-bucket-name']);
  });

  test('roles carry only their one inline grants policy and trust only Lambda', async () => {
    for (const name of [PROCESSOR, CRYPTO_API]) {
      const roleName = `${name}-role`;
      const inline = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      expect(inline.PolicyNames).toEqual([`${name}-grants`]);
      const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
      expect(attached.AttachedPolicies).toEqual([]);
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
      const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}')) as {
        Statement: { Principal: { Service: string } }[];
      };
      expect(trust.Statement.map((s) => s.Principal.Service)).toEqual(['lambda.amazonaws.com']);
    }
  });

  test('the key rotates and the log groups are KMS-encrypted with the configured retention', async () => {
    const keyArn = first.outputs['key-arn'] as string;
    const rotation = await clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
    expect(rotation.KeyRotationEnabled).toBe(true);
    const key = await clients.kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(key.KeyMetadata?.KeyState).toBe('Enabled');
    const names = [`/aws/lambda/${PROCESSOR}`, `/aws/lambda/${CRYPTO_API}`, `/vpc/${STACK}/flow-logs`];
    const { logGroups = [] } = await clients.logs.send(new DescribeLogGroupsCommand({}));
    for (const name of names) {
      const group = logGroups.find((g) => g.logGroupName === name);
      expect({ name, retention: group?.retentionInDays, key: group?.kmsKeyId }).toEqual({
        name,
        retention: DEV.logRetentionDays,
        key: keyArn,
      });
    }
  });

  test('network: function groups only reach the endpoints on 443; default group empty; NACL as declared', async () => {
    const config = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: CRYPTO_API }),
    );
    const groupId = config.VpcConfig?.SecurityGroupIds?.[0] as string;
    const { SecurityGroupRules: rules = [] } = await clients.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
    );
    expect(rules.filter((r) => !r.IsEgress)).toEqual([]);
    const egress = rules.filter((r) => r.IsEgress);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    expect(egress[0]?.CidrIpv4).toBeUndefined();
    expect(egress[0]?.ReferencedGroupInfo?.GroupId).toMatch(/^sg-/);

    const { SecurityGroups: groups = [] } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }),
    );
    const vpcId = (await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups?.[0]?.VpcId;
    const defaultGroup = groups.find((g) => g.VpcId === vpcId);
    expect(defaultGroup?.IpPermissions).toEqual([]);
    expect(defaultGroup?.IpPermissionsEgress).toEqual([]);

    const subnets = [...(config.VpcConfig?.SubnetIds ?? [])].sort();
    const readAcls = async () =>
      (
        await clients.ec2.send(
          new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId as string] }] }),
        )
      ).NetworkAcls ?? [];
    const associated = (list: Awaited<ReturnType<typeof readAcls>>) =>
      (list.find((a) => !a.IsDefault)?.Associations ?? []).map((a) => a.SubnetId).sort();
    // EC2 reads are eventually consistent (in AWS and, once in six CI runs, in moto: no associations read
    // right after apply, while the drift check's refresh just after found them): allow 20 s to settle.
    let acls = await readAcls();
    for (let i = 0; i < 20 && JSON.stringify(associated(acls)) !== JSON.stringify(subnets); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      acls = await readAcls();
    }
    const custom = acls.find((a) => !a.IsDefault);
    expect(associated(acls)).toEqual(subnets);
    const entries = (custom?.Entries ?? [])
      .filter((e) => e.RuleNumber !== 32767)
      .map(
        (e) =>
          `${e.Egress ? 'out' : 'in'} ${e.RuleNumber} ${e.RuleAction} ${e.CidrBlock} ${e.PortRange?.From}-${e.PortRange?.To}`,
      )
      .sort();
    expect(entries).toEqual(
      [
        'in 90 deny 0.0.0.0/0 3389-3389',
        `in 100 allow ${VPC_CIDR} 443-443`,
        'in 110 allow 0.0.0.0/0 1024-65535',
        'out 100 allow 0.0.0.0/0 443-443',
        `out 110 allow ${VPC_CIDR} 1024-65535`,
      ].sort(),
    );
    const defaultAcl = acls.find((a) => a.IsDefault);
    expect((defaultAcl?.Entries ?? []).filter((e) => e.RuleAction === 'allow')).toEqual([]);
  });

  test('VPC endpoints with account-scoped policies, and flow logs of all traffic', async () => {
    const { VpcEndpoints: endpoints = [] } = await clients.ec2.send(new DescribeVpcEndpointsCommand({}));
    const byService = new Map(endpoints.map((e) => [e.ServiceName, e]));
    // STS: the crypto API forwards each caller's identity proof to it.
    expect([...byService.keys()].sort()).toEqual([
      'com.amazonaws.eu-west-1.kms',
      'com.amazonaws.eu-west-1.s3',
      'com.amazonaws.eu-west-1.sts',
    ]);
    expect(byService.get('com.amazonaws.eu-west-1.s3')?.VpcEndpointType).toBe('Gateway');
    for (const service of ['kms', 'sts']) {
      expect(byService.get(`com.amazonaws.eu-west-1.${service}`)?.VpcEndpointType).toBe('Interface');
      expect(byService.get(`com.amazonaws.eu-west-1.${service}`)?.PrivateDnsEnabled).toBe(true);
    }
    for (const endpoint of endpoints) {
      expect(endpoint.PolicyDocument).toContain(DEV.accountId);
    }
    const vpcId = endpoints[0]?.VpcId as string;
    const { FlowLogs: flowLogs = [] } = await clients.ec2.send(new DescribeFlowLogsCommand({}));
    expect(
      flowLogs.map((f) => ({
        resource: f.ResourceId,
        traffic: f.TrafficType,
        type: f.LogDestinationType,
        destination: f.LogDestination?.replace(/:\*$/, ''),
        role: f.DeliverLogsPermissionArn?.split('/').pop(),
      })),
    ).toEqual([
      {
        resource: vpcId,
        traffic: 'ALL',
        type: 'cloud-watch-logs',
        destination: `arn:aws:logs:eu-west-1:${DEV.accountId}:log-group:/vpc/${STACK}/flow-logs`,
        role: `${STACK}-vpc-flow-logs`,
      },
    ]);
  });

  test('drift check: terraform plan -detailed-exitcode finds no changes after apply', async () => {
    const plan = await cli(['plan']);
    expect({ code: plan.code, noChanges: /No changes\./.test(plan.stdout) }).toEqual({
      code: 0,
      noChanges: true,
    });
  });

  test('a second deploy without a destroy is a no-op plan and reuses the emulator', async () => {
    const second = await deploy();
    expect(second.emulator.pid).toBe(first.emulator.pid);
    expect(second.emulator.reused).toBe(true);
    expect(second.planned).toEqual({ add: 0, change: 0, remove: 0 });
    expect(second.smoke).toHaveLength(first.smoke.length);
  });

  test('update: new function code publishes a new version, moves the alias and keeps the old version', async () => {
    const variant = path.join(localDir, 'crypto-api-variant.zip');
    execFileSync(process.execPath, [
      path.join(repoRoot, 'system-tests', 'src', 'variant-bundle.mjs'),
      path.join(repoRoot, 'apps', 'crypto-api', 'dist', 'crypto-api.zip'),
      variant,
      `update check ${Date.now()}`,
    ]);
    const before = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: CRYPTO_API, Qualifier: '1' }),
    );
    const updated = await deploy(['--bundle', `crypto-api=${variant}`]);
    expect(updated.planned.add).toBe(0);
    expect(updated.planned.remove).toBe(0);
    expect(updated.planned.change).toBeGreaterThanOrEqual(2); // the function and its alias

    const { Versions: versions = [] } = await clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: CRYPTO_API }),
    );
    expect(versions.map((v) => v.Version).sort()).toEqual(['$LATEST', '1', '2'].sort());
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: CRYPTO_API, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('2');
    const old = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: CRYPTO_API, Qualifier: '1' }),
    );
    const current = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: CRYPTO_API, Qualifier: '2' }),
    );
    expect(old.CodeSha256).toBe(before.CodeSha256);
    expect(current.CodeSha256).not.toBe(before.CodeSha256);
    // The other function did not change.
    const processorAlias = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: PROCESSOR, Name: 'live' }),
    );
    expect(processorAlias.FunctionVersion).toBe('1');
  });

  test('destroy removes every resource (objects included) and stops the emulator; deploying again works', async () => {
    const destroyed = await destroy();
    expect(destroyed.destroyed).toBe(first.applied.add);
    expect(destroyed.emulatorStopped).toBe(true);
    expect(stateResources()).toEqual([]);
    expect(isAlive(first.emulator.pid)).toBe(false);
    expect(existsSync(path.join(localDir, 'emulator', 'emulator.json'))).toBe(false);

    const again = await deploy();
    expect(again.emulator.reused).toBe(false);
    expect(again.emulator.pid).not.toBe(first.emulator.pid);
    expect(again.applied.add).toBe(first.applied.add);
    expect(again.smoke).toHaveLength(first.smoke.length);
    const finalDestroy = await destroy();
    expect(finalDestroy.destroyed).toBe(first.applied.add);
    expect(isAlive(again.emulator.pid)).toBe(false);
  }, 300_000);
});
