import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { TerraformStack, Testing } from 'cdktf';
import {
  BundleNotFoundError,
  bundleHash,
  Defaults,
  EncryptionKey,
  InvalidPropError,
  SecureFunction,
  type SecureFunctionProps,
} from '../src';
import { fakeNetwork } from './fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'secure-fn-'));
const bundlePath = path.join(dir, 'bundle.zip');
writeFileSync(bundlePath, 'not really a zip, but bytes to hash');

function build(
  overrides: Partial<SecureFunctionProps> = {},
  after?: (fn: SecureFunction, key: EncryptionKey) => void,
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', accountId: '111111111111', region: 'eu-west-1' });
  const network = fakeNetwork();
  const fn = new SecureFunction(stack, 'fn', {
    functionName: 'processor-dev',
    bundlePath,
    key,
    network,
    accountId: '111111111111',
    region: 'eu-west-1',
    ...overrides,
  });
  after?.(fn, key);
  const synthesized = Testing.synth(stack);
  return {
    fn,
    key,
    network,
    synthesized,
    json: JSON.parse(synthesized) as Record<string, Record<string, Record<string, Record<string, unknown>>>>,
  };
}

function policyStatements(
  json: ReturnType<typeof build>['json'],
  docId: string,
): Array<Record<string, unknown>> {
  const docs = json.data!.aws_iam_policy_document!;
  const key = Object.keys(docs).find((k) => k.includes(docId))!;
  return docs[key]!.statement as Array<Record<string, unknown>>;
}

describe('SecureFunction defaults', () => {
  const { synthesized, json, network } = build();

  test('runtime, architecture, publishing, VPC, tracing, DLQ and JSON logging', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'processor-dev',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      publish: true,
      source_code_hash: bundleHash(bundlePath),
      vpc_config: {
        subnet_ids: ['subnet-a', 'subnet-b'],
        security_group_ids: [expect.stringContaining('aws_security_group')],
      },
      tracing_config: { mode: 'Active' },
      logging_config: expect.objectContaining({ log_format: 'JSON' }),
      dead_letter_config: { target_arn: expect.stringContaining('aws_sqs_queue') },
    });
    const fn = Object.values(json.resource!.aws_lambda_function!)[0]!;
    expect(fn.environment).toBeUndefined();
    expect(fn.kms_key_arn).toBeUndefined();
    expect(fn.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('aws_iam_role_policy')]));
  });

  test('log group with 365-day retention, encrypted with the key', () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/processor-dev',
      retention_in_days: 365,
      kms_key_id: expect.stringContaining('aws_kms_key'),
    });
  });

  test('the dead-letter queue is TLS-only: every SQS action over plain HTTP is denied to everyone', () => {
    const policies = Object.values(json.resource!.aws_sqs_queue_policy!);
    expect(policies).toHaveLength(1);
    expect(policies[0]!.queue_url).toMatch(/^\$\{aws_sqs_queue\.fn_dlq_[0-9A-F]{8}\.url\}$/);
    const name = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(policies[0]!.policy))![1]!;
    expect(json.data!.aws_iam_policy_document![name]!.statement).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['sqs:*'],
        resources: ['arn:aws:sqs:eu-west-1:111111111111:processor-dev-dlq'],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
  });

  test('what triggers build on: ARNs from configuration, the key, the account and the timeout', () => {
    const { fn, key } = build();
    expect(fn.functionArn).toBe('arn:aws:lambda:eu-west-1:111111111111:function:processor-dev');
    expect(fn.liveAliasArn).toBe('arn:aws:lambda:eu-west-1:111111111111:function:processor-dev:live');
    expect(fn.key).toBe(key);
    expect([fn.accountId, fn.region, fn.partition, fn.timeoutSeconds]).toEqual([
      '111111111111',
      'eu-west-1',
      'aws',
      30,
    ]);
    expect(fn.permissionsBoundaryArn).toBeUndefined();
    expect(fn.queue).toBeUndefined();
    expect(fn.schedule).toBeUndefined();
  });

  test('dead-letter queue and alarm topic are encrypted with the key', () => {
    expect(synthesized).toHaveResourceWithProperties(SqsQueue, {
      kms_master_key_id: expect.stringContaining('aws_kms_key'),
    });
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, {
      kms_master_key_id: expect.stringContaining('aws_kms_key'),
    });
  });

  test('alarms on errors, throttles, p99 duration against the timeout and dead letters', () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'Errors',
      threshold: 1,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'Throttles',
      threshold: 1,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'Duration',
      extended_statistic: 'p99',
      threshold: 24_000,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
    });
    for (const alarm of Object.values(json.resource!.aws_cloudwatch_metric_alarm!)) {
      expect(alarm.alarm_actions).toEqual([expect.stringContaining('aws_sns_topic')]);
    }
  });

  test('live alias on the published version, moved by Terraform', () => {
    expect(synthesized).toHaveResourceWithProperties(LambdaAlias, {
      name: 'live',
      function_version: expect.stringContaining('.version}'),
    });
    const alias = Object.values(json.resource!.aws_lambda_alias!)[0]!;
    // Terraform moves the version; the description holds the release record of `secure-lambda release`.
    expect(alias.lifecycle).toEqual({ ignore_changes: ['description'] });
  });

  test('security group: no ingress, egress 443 only to the endpoints', () => {
    expect(synthesized).toHaveResourceWithProperties(VpcSecurityGroupEgressRule, {
      referenced_security_group_id: 'sg-endpoints',
      from_port: 443,
      to_port: 443,
      ip_protocol: 'tcp',
    });
    expect(json.resource!.aws_vpc_security_group_ingress_rule).toBeUndefined();
    expect(Object.keys(json.resource!.aws_vpc_security_group_egress_rule!)).toHaveLength(1);
    expect(network.allowed).toEqual(['processor-dev']);
  });

  test('role: trust limited to this account, logs scoped to its own log group, wildcard only with a reason', () => {
    expect(synthesized).toHaveResourceWithProperties(IamRole, { name: 'processor-dev-role' });
    const trust = policyStatements(json, 'trust');
    expect(trust[0]).toMatchObject({
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] }],
    });
    const statements = policyStatements(json, 'fn_policy');
    expect(statements.find((s) => s.sid === 'WriteOwnLogGroup')).toMatchObject({
      resources: ['arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/processor-dev:*'],
    });
    for (const s of statements) {
      expect(s.actions).not.toContain('*');
      if ((s.resources as string[]).includes('*') && s.effect === 'Allow') {
        expect(['DescribeNetworkInterfaces', 'SendTraces']).toContain(s.sid);
      }
    }
  });
});

describe('SecureFunction options', () => {
  test('runtime: another Node.js runtime replaces the default', () => {
    const { synthesized } = build({ runtime: 'nodejs24.x' });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, { runtime: 'nodejs24.x' });
    expect(synthesized).not.toHaveResourceWithProperties(LambdaFunction, {
      runtime: Defaults.LAMBDA_RUNTIME,
    });
  });

  test('environment variables are encrypted with the key, and only when present', () => {
    const { synthesized, json } = build({ environment: { TABLE: 'orders' } });
    expect(policyStatements(json, 'fn_policy').find((s) => s.sid === 'DecryptOwnEnvironment')).toMatchObject({
      actions: ['kms:Decrypt'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:EncryptionContext:LambdaFunctionName',
          values: ['processor-dev'],
        },
      ],
    });
    const bare = build();
    expect(policyStatements(bare.json, 'fn_policy').map((s) => s.sid)).not.toContain('DecryptOwnEnvironment');
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      environment: { variables: { TABLE: 'orders' } },
      kms_key_arn: expect.stringContaining('aws_kms_key'),
    });
  });

  test('overrides: retention, concurrency, boundary, alarm thresholds, deployment-managed alias', () => {
    const { synthesized, json } = build({
      logRetentionDays: 30,
      reservedConcurrency: 5,
      permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary',
      alarms: { errors: 3, p99DurationOfTimeout: 0.5 },
      timeout: 10,
      aliasManagedByDeployments: true,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 30 });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      reserved_concurrent_executions: 5,
      timeout: 10,
    });
    expect(synthesized).toHaveResourceWithProperties(IamRole, {
      permissions_boundary: 'arn:aws:iam::111111111111:policy/boundary',
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'Errors',
      threshold: 3,
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'Duration',
      threshold: 5000,
    });
    const alias = Object.values(json.resource!.aws_lambda_alias!)[0]!;
    expect(alias.lifecycle).toEqual({
      ignore_changes: ['description', 'function_version', 'routing_config'],
    });
  });

  test('grants land in the role policy, are idempotent, and record the services the code calls', () => {
    const { json, network, fn } = build({}, (f, key) => {
      key.grantEncrypt(f, { encryptionContext: { purpose: 'objects' } });
      key.grantEncrypt(f, { encryptionContext: { purpose: 'objects' } });
      f.useService('s3');
      f.useService('s3');
    });
    const statements = policyStatements(json, 'fn_policy');
    expect(
      statements.filter((s) => (s.actions as string[]).includes('kms:GenerateDataKey') && s.condition),
    ).toHaveLength(2);
    expect(network.used).toEqual(['kms', 's3']);
    expect(fn.services).toEqual(['kms', 's3']);
    const egress = Object.values(json.resource!.aws_vpc_security_group_egress_rule!);
    expect(egress.filter((r) => r.prefix_list_id === 'pl-s3')).toHaveLength(1);
  });
});

describe('SecureFunction validation', () => {
  test.each([
    [
      { logRetentionDays: 0 },
      InvalidPropError,
      /stack\/fn: invalid logRetentionDays: 0 is not a CloudWatch Logs retention/,
    ],
    [{ functionName: 'bad name!' }, InvalidPropError, /invalid functionName/],
    [{ timeout: 901 }, InvalidPropError, /invalid timeout: 901 is outside 1..900/],
    [{ memorySize: 64 }, InvalidPropError, /invalid memorySize/],
    [{ reservedConcurrency: -1 }, InvalidPropError, /invalid reservedConcurrency/],
    [
      { runtime: 'python3.12' },
      InvalidPropError,
      /invalid runtime: "python3.12" is not a Node.js runtime identifier/,
    ],
    [{ runtime: 'nodejs22' }, InvalidPropError, /invalid runtime: "nodejs22" is not a Node.js runtime/],
    [{ runtime: 'nodejs22.x; rm -rf' }, InvalidPropError, /invalid runtime/],
    [{ bundlePath: path.join(dir, 'missing.zip') }, BundleNotFoundError, /does not exist\. Build it first/],
    [{ bundlePath: dir }, BundleNotFoundError, /is not a file/],
  ])('%j', (override, type, message) => {
    let thrown: unknown;
    try {
      build(override as Partial<SecureFunctionProps>);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('SecureFunction invocation', () => {
  test('a Function URL is always AWS_IAM, on the live alias, and added once', () => {
    const { synthesized, json } = build({}, (fn) => {
      fn.addFunctionUrl();
      fn.addFunctionUrl();
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunctionUrl, {
      authorization_type: 'AWS_IAM',
      qualifier: 'live',
    });
    expect(Object.keys(json.resource!.aws_lambda_function_url!)).toHaveLength(1);
  });

  test('a bucket may invoke the alias only from its own ARN and account', () => {
    const { synthesized, json } = build({}, (fn) => {
      const permission = fn.allowInvokeFromBucket('input', 'arn:aws:s3:::input-bucket', '111111111111');
      // One permission per bucket, however many prefixes notify the function.
      expect(fn.allowInvokeFromBucket('input', 'arn:aws:s3:::input-bucket', '111111111111')).toBe(permission);
    });
    expect(Object.keys(json.resource!.aws_lambda_permission!)).toHaveLength(1);
    expect(synthesized).toHaveResourceWithProperties(LambdaPermission, {
      principal: 's3.amazonaws.com',
      source_arn: 'arn:aws:s3:::input-bucket',
      source_account: '111111111111',
      qualifier: 'live',
      action: 'lambda:InvokeFunction',
    });
  });

  const urlStatements = [
    {
      sid: 'InvokeUrlOfProcessordev',
      effect: 'Allow',
      actions: ['lambda:InvokeFunctionUrl'],
      resources: ['arn:aws:lambda:eu-west-1:111111111111:function:processor-dev:live'],
      condition: [{ test: 'StringEquals', variable: 'lambda:FunctionUrlAuthType', values: ['AWS_IAM'] }],
    },
    {
      sid: 'InvokeOnlyViaUrlOfProcessordev',
      effect: 'Allow',
      actions: ['lambda:InvokeFunction'],
      resources: ['arn:aws:lambda:eu-west-1:111111111111:function:processor-dev:live'],
      condition: [{ test: 'Bool', variable: 'lambda:InvokedViaFunctionUrl', values: ['true'] }],
    },
  ];

  test('[TM-ID-04] a caller policy grants the Function URL and invoke only via the URL, and is created once', () => {
    const { synthesized, json } = build({}, (fn) => {
      fn.invokeUrlPolicy('processor-dev-callers');
      fn.invokeUrlPolicy('processor-dev-callers');
    });
    expect(Object.keys(json.resource!.aws_iam_policy!)).toHaveLength(1);
    expect(synthesized).toHaveResourceWithProperties(IamPolicy, { name: 'processor-dev-callers' });
    const statements = policyStatements(json, 'invoke-url-statements');
    expect(statements).toEqual(urlStatements.map((s) => expect.objectContaining(s)));
    // No statement grants lambda:InvokeFunction without the condition.
    for (const statement of statements) {
      if ((statement.actions as string[]).includes('lambda:InvokeFunction')) {
        expect(statement.condition).toEqual([
          { test: 'Bool', variable: 'lambda:InvokedViaFunctionUrl', values: ['true'] },
        ]);
      }
    }
  });

  test('[TM-ID-04] grantInvokeUrl puts both statements, with their conditions, on another function, idempotently', () => {
    let added: readonly unknown[] = [];
    const { json } = build({}, (fn) => {
      const caller = new SecureFunction(fn.node.scope!, 'caller', {
        functionName: 'reports-dev',
        bundlePath,
        key: fn.node.scope!.node.findChild('key') as EncryptionKey,
        network: fakeNetwork(),
        accountId: '111111111111',
        region: 'eu-west-1',
      });
      fn.grantInvokeUrl(caller);
      added = fn.grantInvokeUrl(caller).statements;
    });
    expect(added).toHaveLength(2);
    const callerStatements = Object.entries(json.data!.aws_iam_policy_document!)
      .filter(([id]) => id.startsWith('caller_policy'))
      .flatMap(([, doc]) => doc.statement as Array<Record<string, unknown>>);
    for (const expected of urlStatements) {
      expect(callerStatements.filter((s) => s.sid === expected.sid)).toEqual([
        expect.objectContaining(expected),
      ]);
    }
  });
});
