import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CodedeployApp } from '@cdktf/provider-aws/lib/codedeploy-app';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { TerraformStack, Testing } from 'cdktf';
import {
  type DeploymentStrategy,
  EncryptionKey,
  InvalidPropError,
  SecureFunction,
  type SecureFunctionProps,
  strategyProblem,
} from '../src';
import { fakeNetwork } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'deployment-'));
const bundlePath = path.join(dir, 'bundle.zip');
writeFileSync(bundlePath, 'bytes to hash');

type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

function build(
  deployment: DeploymentStrategy | undefined,
  withHooks = false,
  extra: Partial<SecureFunctionProps> = {},
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', accountId: '111111111111', region: 'eu-west-1' });
  const common = { bundlePath, key, accountId: '111111111111', region: 'eu-west-1' };
  const hookFn = withHooks
    ? new SecureFunction(stack, 'hook', { ...common, functionName: 'api-prod-hook', network: fakeNetwork() })
    : undefined;
  const hookNetwork = fakeNetwork();
  const fn = new SecureFunction(stack, 'fn', {
    ...common,
    functionName: 'api-prod',
    network: fakeNetwork(),
    ...(deployment ? { deployment } : {}),
    ...(hookFn ? { deploymentHooks: { preTraffic: hookFn, postTraffic: hookFn } } : {}),
    alarms: { errors: 2, throttles: 3 },
    ...extra,
  });
  const synthesized = Testing.synth(stack);
  return { fn, hookFn, hookNetwork, synthesized, json: JSON.parse(synthesized) as Json };
}

function statementsOf(json: Json, docId: string): Record<string, unknown>[] {
  const docs = json.data?.aws_iam_policy_document ?? {};
  const name = Object.keys(docs).find((k) => k.includes(docId));
  return (docs[name as string]?.statement ?? []) as Record<string, unknown>[];
}

describe('all-at-once (the default)', () => {
  const { json, synthesized } = build(undefined);

  test('Terraform moves the alias; only the release record in its description is left alone', () => {
    const alias = Object.values(json.resource?.aws_lambda_alias ?? {})[0] as Record<string, unknown>;
    expect(alias.lifecycle).toEqual({ ignore_changes: ['description'] });
    expect(alias.function_version).toContain('.version}');
  });

  test('no CodeDeploy resources', () => {
    expect(json.resource?.aws_codedeploy_app).toBeUndefined();
    expect(json.resource?.aws_codedeploy_deployment_group).toBeUndefined();
    expect(synthesized).not.toContain('ExecutedVersion');
  });
});

describe.each([
  ['canary', { type: 'canary', percent: 10, minutes: 5 }, 'CodeDeployDefault.LambdaCanary10Percent5Minutes'],
  [
    'linear',
    { type: 'linear', percent: 10, minutes: 1 },
    'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
  ],
] as const)('%s with a predefined configuration', (_name, strategy, configName) => {
  const { json, synthesized } = build(strategy);

  test('a Lambda CodeDeploy application and a blue/green group with that configuration', () => {
    expect(synthesized).toHaveResourceWithProperties(CodedeployApp, {
      name: 'api-prod',
      compute_platform: 'Lambda',
    });
    expect(synthesized).toHaveResourceWithProperties(CodedeployDeploymentGroup, {
      deployment_group_name: 'api-prod',
      deployment_config_name: configName,
      deployment_style: { deployment_option: 'WITH_TRAFFIC_CONTROL', deployment_type: 'BLUE_GREEN' },
      auto_rollback_configuration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
    });
    const group = Object.values(json.resource?.aws_codedeploy_deployment_group ?? {})[0] as {
      alarm_configuration: { enabled: boolean; alarms: string[] };
    };
    // References, so the group is created after its alarms.
    expect(group.alarm_configuration.enabled).toBe(true);
    expect(group.alarm_configuration.alarms.map((a) => a.replace(/_[0-9A-F]{8}\.alarm_name\}$/, ''))).toEqual(
      [
        '${aws_cloudwatch_metric_alarm.fn_deployment_new-version-errors',
        '${aws_cloudwatch_metric_alarm.fn_deployment_new-version-throttles',
      ],
    );
    const alarms = Object.values(json.resource?.aws_cloudwatch_metric_alarm ?? {}).map((a) => a.alarm_name);
    expect(alarms).toEqual(
      expect.arrayContaining(['api-prod-new-version-errors', 'api-prod-new-version-throttles']),
    );
    expect(json.resource?.aws_codedeploy_deployment_config).toBeUndefined();
  });

  test('rollback alarms watch only the new version: alias Resource and ExecutedVersion dimensions', () => {
    for (const [metric, threshold] of [
      ['Errors', 2],
      ['Throttles', 3],
    ] as const) {
      expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        metric_name: metric,
        namespace: 'AWS/Lambda',
        threshold,
        dimensions: {
          FunctionName: 'api-prod',
          Resource: 'api-prod:live',
          ExecutedVersion: `\${aws_lambda_function.fn_function_DEA3557A.version}`,
        },
      });
    }
  });

  test('Terraform and CodeDeploy never fight over the alias', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaAlias, {
      lifecycle: { ignore_changes: ['description', 'function_version', 'routing_config'] },
    });
  });

  test('the service role trusts CodeDeploy of this account and may only move this alias and read its alarms', () => {
    const trust = statementsOf(json, 'deployment_trust');
    expect(trust).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['codedeploy.amazonaws.com'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] }],
      }),
    ]);
    const policy = statementsOf(json, 'deployment_service-policy');
    expect(policy.map((s) => [s.sid, s.actions, s.resources])).toEqual([
      [
        'MoveThisAlias',
        ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
        [
          'arn:aws:lambda:eu-west-1:111111111111:function:api-prod',
          'arn:aws:lambda:eu-west-1:111111111111:function:api-prod:live',
        ],
      ],
      [
        'ReadRollbackAlarms',
        ['cloudwatch:DescribeAlarms'],
        [
          'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:api-prod-new-version-errors',
          'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:api-prod-new-version-throttles',
        ],
      ],
    ]);
    expect(JSON.stringify(json.resource?.aws_iam_role_policy_attachment ?? {})).not.toContain(
      'AWSCodeDeployRole',
    );
  });
});

test('a strategy with no predefined configuration gets a custom one (never named CodeDeployDefault.*)', () => {
  const { synthesized, json } = build({ type: 'linear', percent: 25, minutes: 4 });
  expect(synthesized).toHaveResourceWithProperties(CodedeployDeploymentConfig, {
    deployment_config_name: 'api-prod-linear-25pct-4min',
    compute_platform: 'Lambda',
    traffic_routing_config: { type: 'TimeBasedLinear', time_based_linear: { percentage: 25, interval: 4 } },
  });
  const group = Object.values(json.resource?.aws_codedeploy_deployment_group ?? {})[0] as Record<
    string,
    unknown
  >;
  expect(group.deployment_config_name).toContain('aws_codedeploy_deployment_config.');

  const canary = build({ type: 'canary', percent: 20, minutes: 15 }).synthesized;
  expect(canary).toHaveResourceWithProperties(CodedeployDeploymentConfig, {
    traffic_routing_config: { type: 'TimeBasedCanary', time_based_canary: { percentage: 20, interval: 15 } },
  });
});

test('hooks may invoke versions of the function and report to this group only; CodeDeploy may invoke only them', () => {
  const { json, hookFn } = build({ type: 'canary', percent: 10, minutes: 5 }, true);
  const hookPolicy = statementsOf(json, 'hook_policy');
  expect(hookPolicy).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        sid: 'ReadDeploymentsOfApiprod',
        actions: ['codedeploy:GetDeployment'],
        resources: ['arn:aws:codedeploy:eu-west-1:111111111111:deploymentgroup:api-prod/api-prod'],
      }),
      expect.objectContaining({
        sid: 'ReportDeploymentHookStatus',
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
        resources: ['*'],
      }),
      expect.objectContaining({
        sid: 'InvokeVersionsOfApiprod',
        actions: ['lambda:InvokeFunction'],
        resources: ['arn:aws:lambda:eu-west-1:111111111111:function:api-prod:*'],
      }),
    ]),
  );
  const service = statementsOf(json, 'deployment_service-policy');
  expect(service.find((s) => s.sid === 'InvokeDeclaredHooks')).toEqual(
    expect.objectContaining({
      actions: ['lambda:InvokeFunction'],
      resources: [expect.stringMatching(/^\$\{aws_lambda_function\.hook_function_[0-9A-F]{8}\.arn\}$/)],
    }),
  );
  expect(hookFn?.services).toEqual(expect.arrayContaining(['lambda', 'codedeploy']));
});

describe('bad strategies are typed errors naming the construct', () => {
  test.each([
    [{ type: 'canary', percent: 0, minutes: 5 }, /percent 0 must be a whole number 1\.\.99/],
    [{ type: 'canary', percent: 10.5, minutes: 5 }, /percent 10\.5/],
    [{ type: 'linear', percent: 10, minutes: 0 }, /minutes 0 must be a whole number 1\.\.2880/],
    [{ type: 'linear', percent: 10, minutes: 3000 }, /minutes 3000/],
  ] as const)('%j', (strategy, message) => {
    expect(() => build(strategy)).toThrow(InvalidPropError);
    expect(() => build(strategy)).toThrow(message);
    expect(() => build(strategy)).toThrow(/stack\/fn\/deployment/);
    expect(strategyProblem(strategy)).toMatch(message);
  });

  test('hooks without a progressive strategy', () => {
    expect(() => build(undefined, true)).toThrow(/hooks run inside a CodeDeploy deployment/);
  });
});
