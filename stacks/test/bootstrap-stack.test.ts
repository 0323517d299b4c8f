import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { type BootstrapConfig, bootstrapConfigs, bootstrapNames, GITHUB_OIDC } from '../src/bootstrap-config';
import { BootstrapOutput, BootstrapStack, chunkStatements, trustedSubjects } from '../src/bootstrap-stack';

type Block = Record<string, unknown>;
interface Synthesized {
  readonly terraform: { readonly backend: Record<string, Block> };
  readonly resource: Record<string, Record<string, Block>>;
  readonly output: Record<string, { value: unknown }>;
  readonly variable?: Record<string, Block>;
}

function synth(config: BootstrapConfig, emulator?: ConstructorParameters<typeof BootstrapStack>[3]) {
  const app = Testing.app();
  const stack = new BootstrapStack(
    app,
    `secure-lambda-bootstrap-${config.environment.name}`,
    config,
    emulator,
  );
  const text = Testing.synth(stack);
  return { stack, text, json: JSON.parse(text) as Synthesized };
}

const dev = synth(bootstrapConfigs.dev);
const prod = synth(bootstrapConfigs.prod);

function role(json: Synthesized, name: string): { trust: { Statement: Block[] } } {
  const block = Object.values(json.resource.aws_iam_role ?? {}).find((r) => r.name === name);
  if (!block) throw new Error(`no role ${name}`);
  return { trust: JSON.parse(String(block.assume_role_policy)) as { Statement: Block[] } };
}

describe('BootstrapStack: the state bucket', () => {
  test('is versioned, SSE-KMS under its own rotating key, with every public access block on', () => {
    expect(dev.text).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
    });
    expect(dev.text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        expect.objectContaining({
          apply_server_side_encryption_by_default: expect.objectContaining({ sse_algorithm: 'aws:kms' }),
          bucket_key_enabled: true,
        }),
      ],
    });
    expect(dev.text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(dev.text).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(Object.values(dev.json.resource.aws_s3_bucket ?? {}).map((b) => b.bucket)).toEqual([
      'secure-lambda-tfstate-dev-111111111111',
    ]);
  });

  test('denies plain HTTP (TLS-only bucket policy)', () => {
    expect(dev.text).toContain('"aws:SecureTransport"');
    expect(Object.keys(dev.json.resource.aws_s3_bucket_policy ?? {})).toHaveLength(1);
  });

  test("keeps the stack's own state in the bucket with Terraform's lock file, and no DynamoDB table", () => {
    expect(dev.json.terraform.backend).toEqual({
      s3: {
        bucket: 'secure-lambda-tfstate-dev-111111111111',
        key: 'bootstrap/secure-lambda-bootstrap-dev.tfstate',
        region: 'eu-west-1',
        encrypt: false,
        use_lockfile: true,
      },
    });
    expect(dev.json.resource.aws_dynamodb_table).toBeUndefined();
  });

  test('names nothing inside the platform prefix, so no deploy-role grant reaches it', () => {
    const names = [
      ...Object.values(dev.json.resource.aws_s3_bucket ?? {}).map((b) => b.bucket),
      ...Object.values(dev.json.resource.aws_kms_alias ?? {}).map((b) => b.name),
      ...Object.values(dev.json.resource.aws_iam_role ?? {}).map((b) => b.name),
      ...Object.values(dev.json.resource.aws_iam_policy ?? {}).map((b) => b.name),
    ].map(String);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => /^(alias\/)?secure-lambda-dev(-|$)/.test(n))).toEqual([]);
  });
});

describe('BootstrapStack: GitHub OIDC and the roles', () => {
  test('creates the GitHub OIDC provider for the STS audience', () => {
    expect(dev.text).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: GITHUB_OIDC.URL,
      client_id_list: [GITHUB_OIDC.AUDIENCE],
    });
  });

  test('the plan role trusts pull requests of the repository only, with the STS audience', () => {
    const { trust } = role(dev.json, bootstrapNames(bootstrapConfigs.dev.environment).planRole);
    expect(trust.Statement).toEqual([
      {
        Sid: 'GitHubPullRequests',
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'] },
          StringLike: {
            'token.actions.githubusercontent.com:sub': ['repo:example-org/secure-lambda:pull_request'],
          },
        },
      },
    ]);
  });

  test('dev deploys from main or its environment; prod only from its environment (the approval)', () => {
    const devTrust = role(dev.json, 'secure-lambda-ci-dev-deploy').trust.Statement[0]!;
    expect(devTrust.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'],
        'token.actions.githubusercontent.com:sub': [
          'repo:example-org/secure-lambda:ref:refs/heads/main',
          'repo:example-org/secure-lambda:environment:dev',
        ],
      },
    });
    const prodTrust = role(prod.json, 'secure-lambda-ci-prod-deploy').trust.Statement[0]!;
    expect(prodTrust.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'],
        'token.actions.githubusercontent.com:sub': ['repo:example-org/secure-lambda:environment:prod'],
      },
    });
    expect(trustedSubjects(bootstrapConfigs.prod).deploy).toEqual([
      'repo:example-org/secure-lambda:environment:prod',
    ]);
  });

  test('every managed policy fits IAM (6,144 characters) and each role stays within 10 attachments', () => {
    const policies = Object.values(dev.json.resource.aws_iam_policy ?? {});
    for (const p of policies) expect(String(p.policy).length).toBeLessThan(6144 - 100);
    const attachments = Object.values(dev.json.resource.aws_iam_role_policy_attachment ?? {}).map((a) =>
      String(a.role),
    );
    for (const roleRef of new Set(attachments)) {
      expect(attachments.filter((r) => r === roleRef).length).toBeLessThanOrEqual(10);
    }
    expect(policies.map((p) => p.name).sort()).toEqual(
      expect.arrayContaining(['secure-lambda-ci-dev-deploy-iam', 'secure-lambda-ci-dev-plan-state']),
    );
  });

  test('chunking splits a group that outgrows the budget and refuses a statement that cannot fit', () => {
    const statement = (i: number) => ({
      Sid: `S${i}`,
      Effect: 'Allow' as const,
      Action: ['s3:GetObject'],
      Resource: [`arn:aws:s3:::${'b'.repeat(40)}-${i}/*`],
    });
    const docs = chunkStatements(
      Array.from({ length: 40 }, (_, i) => statement(i)),
      1000,
    );
    expect(docs.length).toBeGreaterThan(1);
    expect(docs.flat()).toHaveLength(40);
    expect(() => chunkStatements([statement(1)], 50)).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(/exceeds the managed policy budget/),
      }),
    );
  });

  test('outputs the backend the platform stacks need and the repository variables', () => {
    const outputs = dev.json.output;
    for (const name of Object.values(BootstrapOutput)) expect(outputs[name]).toBeDefined();
    expect(outputs[BootstrapOutput.PLATFORM_BACKEND]!.value).toEqual({
      type: 's3',
      bucket: 'secure-lambda-tfstate-dev-111111111111',
      key: 'platform/secure-lambda-dev.tfstate',
      region: 'eu-west-1',
      kmsKeyId: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
    });
    expect(Object.keys(outputs[BootstrapOutput.GITHUB_VARIABLES]!.value as object).sort()).toEqual([
      'AWS_DEPLOY_ROLE_ARN_DEV',
      'AWS_PLAN_ROLE_ARN_DEV',
      'AWS_REGION_DEV',
    ]);
  });

  test('an account whose provider exists already gets none, and the roles trust it by ARN', () => {
    const { json } = synth({ ...bootstrapConfigs.dev, createOidcProvider: false });
    expect(json.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(JSON.stringify(role(json, 'secure-lambda-ci-dev-plan').trust)).toContain(
      'oidc-provider/token.actions.githubusercontent.com',
    );
  });
});

describe('BootstrapStack for the emulator', () => {
  const local = synth(bootstrapConfigs.dev, {
    omitBucketPolicy: true,
    localBackendPath: 'bootstrap.tfstate',
  });

  test('keeps local state, calls only the emulator, and leaves out the policy moto cannot evaluate', () => {
    expect(local.json.terraform.backend).toEqual({ local: { path: 'bootstrap.tfstate' } });
    expect(local.json.variable?.emulator_endpoint).toBeDefined();
    expect(local.json.resource.aws_s3_bucket_policy).toBeUndefined();
  });
});
