import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { InvalidPropError } from '@secure-lambda/constructs';
import { Testing } from 'cdktf';
import { PLACEHOLDER_BUNDLE, resolveBundle } from '../src/bundles';
import { type EnvironmentConfig, environments } from '../src/config';
import { PlatformStack, smokeTests } from '../src/platform-stack';

function synth(env: EnvironmentConfig) {
  const app = Testing.app();
  const stack = new PlatformStack(app, `secure-lambda-${env.name}`, env);
  const text = Testing.synth(stack);
  return { stack, text, json: JSON.parse(text) as Record<string, Record<string, Record<string, unknown>>> };
}

describe('PlatformStack', () => {
  test.each(Object.values(environments))(
    '$name: provider pinned to its account and region, with default tags',
    (env) => {
      const { text } = synth(env);
      expect(text).toHaveProviderWithProperties(AwsProvider, {
        region: env.region,
        allowed_account_ids: [env.accountId],
      });
    },
  );

  test('dev: a local backend with a relative state path (resolved inside cdktf.out)', () => {
    const { json } = synth(environments.dev);
    expect(json.terraform!.backend).toEqual({ local: { path: 'terraform.secure-lambda-dev.tfstate' } });
  });

  test('an S3 backend, when configured, encrypts with KMS and locks with a lock file', () => {
    const { json } = synth({
      ...environments.prod,
      backend: {
        type: 's3',
        bucket: 'state',
        key: 'prod.tfstate',
        region: 'eu-west-1',
        kmsKeyId: 'alias/state',
      },
    });
    expect(json.terraform!.backend).toEqual({
      s3: {
        bucket: 'state',
        key: 'prod.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: 'alias/state',
        use_lockfile: true,
      },
    });
  });

  test('outputs: function names, alias ARNs, key ARN and bucket names', () => {
    const { json } = synth(environments.dev);
    expect(Object.keys(json.output!).sort()).toEqual([
      'alarm-delivery',
      'crypto-api-alias-arn',
      'crypto-api-callers-policy-arn',
      'crypto-api-function-arn',
      'crypto-api-function-name',
      'crypto-api-url',
      'direct-invoke-guardrail',
      'input-bucket-name',
      'key-arn',
      'object-processor-alias-arn',
      'object-processor-function-name',
      'output-bucket-name',
      'release',
    ]);
  });

  test('release output: dev is all-at-once, prod a 10%/5 min canary with its CodeDeploy group and alarms', () => {
    const release = (env: EnvironmentConfig) =>
      (synth(env).json.output!.release as { value: Record<string, unknown> }).value as {
        format: number;
        region: string;
        functions: Record<
          string,
          { functionName: string; alias: string; strategy: unknown; codedeploy?: unknown }
        >;
      };
    const dev = release(environments.dev);
    expect(dev.format).toBe(2);
    expect(dev.region).toBe('eu-west-1');
    expect(Object.keys(dev.functions).sort()).toEqual(['crypto-api', 'object-processor']);
    for (const fn of Object.values(dev.functions)) {
      expect(fn.strategy).toEqual({ type: 'all-at-once' });
      expect(fn.alias).toBe('live');
      expect(fn.codedeploy).toBeUndefined();
    }
    const prod = release(environments.prod);
    for (const fn of Object.values(prod.functions)) {
      expect(fn.strategy).toEqual({ type: 'canary', percent: 10, minutes: 5 });
      expect(fn.codedeploy).toEqual({
        application: expect.stringMatching(/^\$\{aws_codedeploy_app\./),
        deploymentGroup: expect.stringMatching(/^\$\{aws_codedeploy_deployment_group\./),
        // The pre-traffic hook that smoke-tests each new version before it gets traffic.
        hooks: { preTraffic: expect.stringMatching(/^\$\{aws_lambda_function\.deployment-hook_function_/) },
        alarms: [
          expect.stringMatching(/new-version-errors.*\.alarm_name\}$/),
          expect.stringMatching(/new-version-throttles.*\.alarm_name\}$/),
        ],
      });
    }
  });

  test('concurrency and retention come from each environment; unset concurrency stays unreserved', () => {
    const prod = synth(environments.prod);
    expect(prod.text).toHaveResourceWithProperties(LambdaFunction, { reserved_concurrent_executions: 20 });
    const dev = synth(environments.dev);
    expect(dev.text).toHaveResourceWithProperties(LambdaFunction, { reserved_concurrent_executions: 5 });
    const unreserved = synth({ ...environments.dev, reservedConcurrency: undefined });
    for (const fn of Object.values(unreserved.json.resource!.aws_lambda_function!)) {
      expect((fn as Record<string, unknown>).reserved_concurrent_executions).toBeUndefined();
    }
    for (const group of Object.values(prod.json.resource!.aws_cloudwatch_log_group!)) {
      expect((group as Record<string, unknown>).retention_in_days).toBe(365);
    }
  });

  test("functions deploy the apps' built bundles (the build builds the apps first); a missing one falls back to the placeholder", () => {
    expect(resolveBundle('no-such-app')).toEqual({ path: PLACEHOLDER_BUNDLE, placeholder: true });
    for (const app of ['object-processor', 'crypto-api']) {
      const bundle = resolveBundle(app);
      expect(bundle.placeholder).toBe(false);
      const hex = createHash('sha256').update(readFileSync(bundle.path)).digest('hex');
      const { json, stack } = synth(environments.dev);
      const uploads = Object.values(json.resource!.aws_s3_object!) as Array<Record<string, unknown>>;
      expect(uploads.map((u) => u.key)).toContain(`unsigned/secure-lambda-dev-${app}/${hex}.zip`);
      expect(stack.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
    }
  });

  test('the crypto API is reachable only through an AWS_IAM Function URL; new input objects under incoming/ invoke the processor', () => {
    const { text, json } = synth(environments.dev);
    expect(text).toHaveResourceWithProperties(LambdaFunctionUrl, {
      authorization_type: 'AWS_IAM',
      qualifier: 'live',
    });
    const notification = Object.values(json.resource!.aws_s3_bucket_notification!)[0] as Record<
      string,
      unknown
    >;
    expect(notification.lambda_function).toEqual([
      {
        lambda_function_arn: expect.stringContaining('aws_lambda_alias.'),
        events: ['s3:ObjectCreated:*'],
        filter_prefix: 'incoming/',
      },
    ]);
    expect(text).toHaveResourceWithProperties(LambdaPermission, {
      principal: 's3.amazonaws.com',
      source_arn: 'arn:aws:s3:::secure-lambda-dev-111111111111-input',
      source_account: '111111111111',
    });
  });

  test('[TM-ID-04] the crypto API callers policy: the URL with AWS_IAM, and invoke only via the URL', () => {
    const { json } = synth(environments.dev);
    const policies = Object.values(json.resource!.aws_iam_policy!) as Array<Record<string, unknown>>;
    expect(policies.map((p) => p.name)).toContain('secure-lambda-dev-crypto-api-callers');
    const docs = json.data!.aws_iam_policy_document! as Record<
      string,
      { statement: Array<Record<string, unknown>> }
    >;
    const [doc] = Object.entries(docs).filter(([id]) => id.includes('invoke-url-statements'));
    const alias = 'arn:aws:lambda:eu-west-1:111111111111:function:secure-lambda-dev-crypto-api:live';
    expect(doc![1].statement).toEqual([
      expect.objectContaining({
        actions: ['lambda:InvokeFunctionUrl'],
        resources: [alias],
        condition: [{ test: 'StringEquals', variable: 'lambda:FunctionUrlAuthType', values: ['AWS_IAM'] }],
      }),
      expect.objectContaining({
        actions: ['lambda:InvokeFunction'],
        resources: [alias],
        condition: [{ test: 'Bool', variable: 'lambda:InvokedViaFunctionUrl', values: ['true'] }],
      }),
    ]);
  });

  test("the crypto API reaches STS through the VPC's STS endpoint, whose policy admits this account's callers", () => {
    const { json } = synth(environments.dev);
    const endpoints = Object.values(json.resource!.aws_vpc_endpoint!) as Array<Record<string, unknown>>;
    expect(endpoints.map((e) => e.service_name)).toContain('com.amazonaws.eu-west-1.sts');
    const docs = json.data!.aws_iam_policy_document! as Record<
      string,
      { statement: Array<Record<string, unknown>> }
    >;
    const [doc] = Object.entries(docs).filter(([id]) => id.includes('endpoint-sts-policy'));
    expect(doc![1].statement).toContainEqual(
      expect.objectContaining({
        actions: ['sts:GetCallerIdentity'],
        condition: [{ test: 'StringEquals', variable: 'aws:PrincipalAccount', values: ['111111111111'] }],
      }),
    );
  });

  test('the deployment hook smoke-tests the crypto API with a request that carries no identity proof and expects 403', () => {
    const event = smokeTests('secure-lambda-prod')['secure-lambda-prod-crypto-api']!;
    expect(event.expect).toEqual({ statusCode: 403 });
    const headers = (event.event as { headers: Record<string, string> }).headers;
    expect(Object.keys(headers).filter((h) => h.startsWith('x-secure-lambda-'))).toEqual([]);
  });

  test('a configuration with one AZ fails with the construct path and the fix', () => {
    expect(() => synth({ ...environments.dev, availabilityZones: ['eu-west-1a'] })).toThrow(InvalidPropError);
    expect(() => synth({ ...environments.dev, availabilityZones: ['eu-west-1a'] })).toThrow(
      /secure-lambda-dev\/network: invalid availabilityZones/,
    );
  });
});
