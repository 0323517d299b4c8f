import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { EncryptionKey, InvalidPropError, type SecureFunction } from '../src';
import { SecureBucket, type SecureBucketProps } from '../src/secure-bucket';
import { fakeGrantee, functionStack, resourceAt, resourcesOf, type SynthesizedJson } from './fixtures';

const accountId = '111111111111';
const region = 'eu-west-1';
const bucketArn = 'arn:aws:s3:::acme-app-dev';

/** A Terraform reference as synthesized (`${expr}`), written so it is not read as a JS placeholder. */
const ref = (expr: string): string => `\${${expr}}`;

interface Built {
  readonly out: string;
  readonly bucket: SecureBucket;
}

function build(
  overrides: Partial<SecureBucketProps> = {},
  use: (bucket: SecureBucket, stack: TerraformStack) => void = () => undefined,
): Built {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'app-dev', accountId, region });
  const bucket = new SecureBucket(stack, 'bucket', {
    bucketName: 'acme-app-dev',
    key,
    accountId,
    region,
    ...overrides,
  });
  use(bucket, stack);
  return { out: Testing.synth(stack), bucket };
}

interface Synthesized {
  data: { aws_iam_policy_document: Record<string, { statement: Array<Record<string, unknown>> }> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

function parse(out: string): Synthesized {
  return JSON.parse(out) as Synthesized;
}

function onlyResource(out: string, type: string): Record<string, unknown> {
  const resources = Object.values(parse(out).resource[type] ?? {});
  expect(resources).toHaveLength(1);
  return resources[0]!;
}

function bucketPolicyStatements(out: string): Array<Record<string, unknown>> {
  const docs = parse(out).data.aws_iam_policy_document;
  const name = Object.keys(docs).find((n) => n.startsWith('bucket_policy'))!;
  return docs[name]!.statement;
}

const everyone = [{ type: '*', identifiers: ['*'] }];

describe('SecureBucket defaults', () => {
  let out: string;
  beforeAll(() => {
    out = build().out;
  });

  test('the bucket keeps its objects on destroy', () => {
    expect(out).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-app-dev', force_destroy: false });
  });

  test('every public access block is on and ACLs are disabled', () => {
    expect(out).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(out).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  test('versioning is enabled, pinned to the expected owner', () => {
    expect(out).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
      expected_bucket_owner: accountId,
    });
  });

  test('default encryption is SSE-KMS with the given key and S3 Bucket Keys', () => {
    expect(out).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      expected_bucket_owner: accountId,
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: ref('aws_kms_key.key_F64E54E4.arn'),
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  test('lifecycle: abort uploads after 7 days, noncurrent versions after 90, current versions kept', () => {
    const lifecycle = onlyResource(out, 'aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.rule).toEqual([
      {
        id: 'abort-incomplete-multipart-uploads',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      },
    ]);
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  test('no access logging unless a target bucket is named', () => {
    expect(out).not.toHaveResource(S3BucketLoggingA);
  });

  test('the bucket policy comes from the policy document and waits for the public access block', () => {
    const policy = onlyResource(out, 'aws_s3_bucket_policy');
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.bucket_policy_document_\w+\.json\}$/);
    expect(policy.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    expect(out).toHaveResource(S3BucketPolicy);
  });

  test('the bucket policy only denies: no Allow statement at all', () => {
    for (const s of bucketPolicyStatements(out)) expect(s.effect).toBe('Deny');
  });

  test('TLS only: every s3 action over plain HTTP is denied, to everyone, on bucket and objects', () => {
    const tls = bucketPolicyStatements(out).find((s) => s.sid === 'DenyInsecureTransport');
    expect(tls).toEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: everyone,
      actions: ['s3:*'],
      resources: [bucketArn, `${bucketArn}/*`],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  test('TLS older than 1.2 is denied', () => {
    const old = bucketPolicyStatements(out).find((s) => s.sid === 'DenyOutdatedTls');
    expect(old).toMatchObject({
      effect: 'Deny',
      principals: everyone,
      actions: ['s3:*'],
      resources: [bucketArn, `${bucketArn}/*`],
      condition: [{ test: 'NumericLessThan', variable: 's3:TlsVersion', values: ['1.2'] }],
    });
  });

  test('a PutObject naming another KMS key is denied, gated on the header being present', () => {
    const other = bucketPolicyStatements(out).find((s) => s.sid === 'DenyOtherKmsKeys');
    expect(other).toMatchObject({
      effect: 'Deny',
      principals: everyone,
      actions: ['s3:PutObject'],
      resources: [`${bucketArn}/*`],
      condition: [
        { test: 'Null', variable: 's3:x-amz-server-side-encryption-aws-kms-key-id', values: ['false'] },
        {
          test: 'StringNotEquals',
          variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
          values: [ref('aws_kms_key.key_F64E54E4.arn')],
        },
      ],
    });
  });

  test('encryption headers without this key (SSE-S3, aws/s3) and SSE-C are denied', () => {
    const statements = bucketPolicyStatements(out);
    expect(statements.find((s) => s.sid === 'DenyEncryptionWithoutThisKey')).toMatchObject({
      actions: ['s3:PutObject'],
      condition: [
        { test: 'Null', variable: 's3:x-amz-server-side-encryption', values: ['false'] },
        { test: 'Null', variable: 's3:x-amz-server-side-encryption-aws-kms-key-id', values: ['true'] },
      ],
    });
    expect(statements.find((s) => s.sid === 'DenyCustomerProvidedKeys')).toMatchObject({
      actions: ['s3:PutObject'],
      condition: [
        { test: 'Null', variable: 's3:x-amz-server-side-encryption-customer-algorithm', values: ['false'] },
      ],
    });
  });

  test('a PutObject with no encryption header (the bucket default) matches no deny', () => {
    // A request without encryption headers has none of the s3:x-amz-server-side-encryption* keys.
    // IAM makes a negated or ...IfExists operator true on a missing key, so every deny that looks at
    // those keys must also require the key to be present (Null: false), or it would block the upload.
    const headerKeys = /^s3:x-amz-server-side-encryption/;
    for (const s of bucketPolicyStatements(out)) {
      const conditions = (s.condition ?? []) as Array<{ test: string; variable: string; values: string[] }>;
      const onHeaders = conditions.filter((c) => headerKeys.test(c.variable));
      if (onHeaders.length === 0) continue;
      expect(onHeaders.some((c) => c.test === 'Null' && c.values[0] === 'false')).toBe(true);
      expect(onHeaders.some((c) => c.test.endsWith('IfExists'))).toBe(false);
    }
  });

  test('the policy names the bucket by an ARN built from configuration, known at plan time', () => {
    for (const s of bucketPolicyStatements(out)) {
      for (const r of s.resources as string[]) expect(r.startsWith(bucketArn)).toBe(true);
    }
  });

  test('bucketName and bucketArn are the resource attributes', () => {
    const { out: withOutputs, bucket } = build({}, (b, stack) => {
      new TerraformOutput(stack, 'name', { value: b.bucketName });
      new TerraformOutput(stack, 'arn', { value: b.bucketArn });
    });
    const outputs = (JSON.parse(withOutputs) as { output: Record<string, { value: string }> }).output;
    expect(outputs.name!.value).toBe(ref('aws_s3_bucket.bucket_3056591E.bucket'));
    expect(outputs.arn!.value).toBe(ref('aws_s3_bucket.bucket_3056591E.arn'));
    expect(bucket.bucket).toBeInstanceOf(S3Bucket);
  });
});

describe('SecureBucket overrides', () => {
  test('lifecycle days and current-version expiration', () => {
    const { out } = build({
      noncurrentVersionExpirationDays: 30,
      abortIncompleteMultipartUploadDays: 1,
      expirationDays: 365,
    });
    expect(out).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] }),
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
        {
          id: 'expire-current-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: 365 }],
        },
      ],
    });
  });

  test('access logging to a named bucket, under the bucket name as prefix', () => {
    const { out } = build({ accessLogsBucketName: 'acme-dev-s3-access-logs' });
    expect(out).toHaveResourceWithProperties(S3BucketLoggingA, {
      target_bucket: 'acme-dev-s3-access-logs',
      target_prefix: 'acme-app-dev/',
      expected_bucket_owner: accountId,
    });
  });

  test('forceDestroy can be opted into', () => {
    expect(build({ forceDestroy: true }).out).toHaveResourceWithProperties(S3Bucket, { force_destroy: true });
  });

  test('another partition changes the ARNs', () => {
    const { out } = build({ partition: 'aws-us-gov', region: 'us-gov-west-1' });
    const tls = bucketPolicyStatements(out).find((s) => s.sid === 'DenyInsecureTransport')!;
    expect(tls.resources).toEqual(['arn:aws-us-gov:s3:::acme-app-dev', 'arn:aws-us-gov:s3:::acme-app-dev/*']);
  });
});

describe('SecureBucket grants', () => {
  // Via S3 only, and only for this bucket: with a bucket key, S3's encryption context is the bucket ARN.
  const kmsViaS3 = {
    sid: expect.stringMatching(/^KmsKeyViaS3[0-9A-Fa-f]{8}$/),
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    conditions: [
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.eu-west-1.amazonaws.com'] },
      {
        test: 'StringEquals',
        variable: 'kms:EncryptionContext:aws:s3:arn',
        values: ['arn:aws:s3:::acme-app-dev'],
      },
    ],
  };

  test('grantRead on the whole bucket: object reads, an unconditioned list, KMS via S3 only', () => {
    const grantee = fakeGrantee();
    let grant: ReturnType<SecureBucket['grantRead']> | undefined;
    build({}, (bucket) => {
      grant = bucket.grantRead(grantee);
    });
    expect(grantee.statements).toHaveLength(3);
    const [read, list, kms] = grantee.statements;
    expect(read).toEqual({
      sid: expect.stringMatching(/^S3BucketRead[0-9a-f]{8}$/),
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [`${bucketArn}/*`],
    });
    expect(list).toEqual({
      sid: expect.stringMatching(/^S3BucketList[0-9a-f]{8}$/),
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
    });
    expect(kms).toMatchObject(kmsViaS3);
    expect(grant!.statements).toEqual(grantee.statements);
    expect(grant!.grantee).toBe(grantee);
    expect(grantee.services).toEqual(['s3']);
  });

  test('grantRead with a prefix scopes objects and conditions the listing on s3:prefix', () => {
    const grantee = fakeGrantee();
    build({}, (bucket) => bucket.grantRead(grantee, { prefix: 'incoming/' }));
    const [read, list, kms] = grantee.statements;
    expect(read).toEqual({
      sid: expect.stringMatching(/^S3BucketReadPrefixIncoming[0-9a-f]{8}$/),
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [`${bucketArn}/incoming/*`],
    });
    expect(list).toEqual({
      sid: expect.stringMatching(/^S3BucketListPrefixIncoming[0-9a-f]{8}$/),
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: ['incoming/*'] }],
    });
    expect(kms).toMatchObject(kmsViaS3);
    expect(grantee.services).toEqual(['s3']);
  });

  test('grantWrite puts objects and aborts uploads, nothing else', () => {
    const whole = fakeGrantee();
    const scoped = fakeGrantee();
    build({}, (bucket) => {
      bucket.grantWrite(whole);
      bucket.grantWrite(scoped, { prefix: 'processed/' });
    });
    expect(whole.statements).toEqual([
      {
        sid: expect.stringMatching(/^S3BucketWrite[0-9a-f]{8}$/),
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [`${bucketArn}/*`],
      },
      expect.objectContaining(kmsViaS3),
    ]);
    expect(scoped.statements[0]).toEqual({
      sid: expect.stringMatching(/^S3BucketWritePrefixProcessed[0-9a-f]{8}$/),
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [`${bucketArn}/processed/*`],
    });
    expect(scoped.services).toEqual(['s3']);
  });

  test('granting twice adds nothing and returns the same statements', () => {
    const grantee = fakeGrantee();
    build({}, (bucket) => {
      const first = bucket.grantRead(grantee, { prefix: 'incoming/' });
      const again = bucket.grantRead(grantee, { prefix: 'incoming/' });
      expect(again.statements).toHaveLength(first.statements.length);
      for (const [i, s] of again.statements.entries()) expect(s).toBe(first.statements[i]);
      bucket.grantWrite(grantee, { prefix: 'incoming/' });
      bucket.grantWrite(grantee, { prefix: 'incoming/' });
    });
    // read + list + write, and one KMS statement shared by both grants.
    expect(grantee.statements).toHaveLength(4);
    expect(new Set(grantee.statements.map((s) => s.sid)).size).toBe(4);
  });

  test('sids are unique per bucket and per prefix, even when they normalize alike', () => {
    const grantee = fakeGrantee();
    build({}, (bucket, stack) => {
      const key = new EncryptionKey(stack, 'other-key', { alias: 'other', accountId, region });
      // Same construct id, another path: the sid's readable part is the same, the hash is not.
      const scope = new Construct(stack, 'nested');
      const twin = new SecureBucket(scope, 'bucket', {
        bucketName: 'acme-app-dev-2',
        key,
        accountId,
        region,
      });
      bucket.grantRead(grantee, { prefix: 'in-coming/' });
      bucket.grantRead(grantee, { prefix: 'incoming/' });
      twin.grantRead(grantee, { prefix: 'incoming/' });
    });
    const s3 = grantee.statements.filter((s) => s.sid.startsWith('S3'));
    expect(s3).toHaveLength(6);
    expect(new Set(s3.map((s) => s.sid)).size).toBe(6);
  });

  test.each([
    ['', /invalid prefix: an empty prefix means the whole bucket/],
    ['/incoming/', /invalid prefix: "\/incoming\/": S3 keys do not start with "\/"/],
    ['incoming', /invalid prefix: "incoming" must end with "\/"/],
    ['in*/', /invalid prefix: "in\*\/": wildcards widen the grant/],
    [`home/\${aws:username}/`, /write IAM policy variables as "&\{aws:username\}"/],
  ])('prefix %j is refused with an InvalidPropError naming the bucket', (prefix, message) => {
    const grantee = fakeGrantee();
    const attempt = () => build({}, (bucket) => bucket.grantRead(grantee, { prefix }));
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(InvalidPropError);
    expect(attempt).toThrow(/^stack\/bucket: /);
    expect(grantee.statements).toHaveLength(0);
  });

  test('an IAM policy variable written &{...} is accepted', () => {
    const grantee = fakeGrantee();
    build({}, (bucket) => bucket.grantWrite(grantee, { prefix: 'home/&{aws:username}/' }));
    expect(grantee.statements[0]!.resources).toEqual([`${bucketArn}/home/&{aws:username}/*`]);
  });
});

describe('SecureBucket validation', () => {
  function expectInvalid(overrides: Partial<SecureBucketProps>, prop: string, message: RegExp): void {
    let caught: unknown;
    try {
      build(overrides);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPropError);
    const error = caught as InvalidPropError;
    expect(error.constructPath).toBe('stack/bucket');
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(/^stack\/bucket: invalid /);
    expect(error.message).toMatch(message);
  }

  test.each([
    ['ab', /has 2 characters; S3 bucket names have 3 to 63/],
    ['a'.repeat(64), /has 64 characters/],
    ['Acme-App', /use only lowercase letters, digits, dots and hyphens/],
    ['acme_app', /use only lowercase letters, digits, dots and hyphens/],
    ['-acme-app', /start and end the name with a lowercase letter or a digit/],
    ['acme-app.', /start and end the name with a lowercase letter or a digit/],
    ['acme..app', /remove the adjacent dots/],
    ['192.168.5.4', /formatted as an IP address/],
    ['xn--acme', /the prefix "xn--" is reserved/],
    ['sthree-acme', /the prefix "sthree-" is reserved/],
    ['acme-s3alias', /the suffix "-s3alias" is reserved/],
    ['acme--x-s3', /the suffix "--x-s3" is reserved/],
  ])('bucketName %j is refused', (bucketName, message) => {
    expectInvalid({ bucketName }, 'bucketName', message);
  });

  test.each(['abc', 'acme-app-dev', 'acme.app.dev', '1-2-3', 'a'.repeat(63)])(
    'bucketName %j is accepted',
    (bucketName) => {
      expect(() => build({ bucketName })).not.toThrow();
    },
  );

  test.each([
    [{ noncurrentVersionExpirationDays: 0 }, 'noncurrentVersionExpirationDays'],
    [{ abortIncompleteMultipartUploadDays: 0 }, 'abortIncompleteMultipartUploadDays'],
    [{ expirationDays: 0 }, 'expirationDays'],
    [{ expirationDays: 1.5 }, 'expirationDays'],
    [{ noncurrentVersionExpirationDays: -1 }, 'noncurrentVersionExpirationDays'],
  ])('lifecycle days %j are refused', (overrides, prop) => {
    expectInvalid(overrides, prop, /must be a whole number of days, 1 or more/);
  });

  test('the access log target must be another valid bucket', () => {
    expectInvalid({ accessLogsBucketName: 'acme-app-dev' }, 'accessLogsBucketName', /cannot receive its own/);
    expectInvalid({ accessLogsBucketName: 'Logs' }, 'accessLogsBucketName', /use only lowercase/);
  });

  test('account, region and partition are checked', () => {
    expectInvalid({ accountId: '1234' }, 'accountId', /is not a 12-digit account id/);
    expectInvalid({ region: 'Ireland' }, 'region', /is not a region code/);
    expectInvalid({ partition: 'azure' }, 'partition', /is not a partition/);
  });

  test('a token bucket name is refused: policies are built from the literal name', () => {
    let caught: unknown;
    try {
      build({}, (_bucket, stack) => {
        const key = new EncryptionKey(stack, 'key2', { alias: 'two', accountId, region });
        const first = new SecureBucket(stack, 'first', { bucketName: 'acme-first', key, accountId, region });
        new SecureBucket(stack, 'second', { bucketName: first.bucketName, key, accountId, region });
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPropError);
    expect((caught as InvalidPropError).constructPath).toBe('stack/second');
    expect((caught as Error).message).toMatch(/invalid bucketName: pass the literal bucket name/);
  });
});

describe('SecureBucket bucketPolicy (an emulator-only switch)', () => {
  /** Every resource and data source as `type.logicalId`, sorted. */
  const addresses = (out: string) => {
    const json = parse(out) as Synthesized & { data?: Record<string, Record<string, unknown>> };
    return [
      ...Object.entries(json.resource).flatMap(([type, b]) => Object.keys(b).map((id) => `${type}.${id}`)),
      ...Object.entries(json.data ?? {}).flatMap(([type, b]) =>
        Object.keys(b).map((id) => `data.${type}.${id}`),
      ),
    ].sort();
  };

  test('the default keeps the bucket policy, exactly as bucketPolicy: true', () => {
    expect(build({ bucketPolicy: true }).out).toBe(build().out);
    expect(build().out).toHaveResource(S3BucketPolicy);
    expect(build().bucket.readyFor).toHaveLength(3);
  });

  test('bucketPolicy: false drops the bucket policy and its document, and nothing else', () => {
    const withPolicy = addresses(build().out);
    const { out, bucket } = build({ bucketPolicy: false });
    const without = addresses(out);
    expect(without.filter((a) => !withPolicy.includes(a))).toEqual([]);
    const dropped = withPolicy.filter((a) => !without.includes(a));
    expect(dropped.map((a) => a.replace(/\.[^.]+$/, ''))).toEqual([
      'aws_s3_bucket_policy',
      'data.aws_iam_policy_document',
    ]);
    expect(out).not.toHaveResource(S3BucketPolicy);
    // Nothing may wait on a policy that is not there: CodeSigning depends on readyFor.
    expect(bucket.readyFor).toHaveLength(2);
  });
});

describe('notifyOnObjectCreated', () => {
  function notifying(use: (bucket: SecureBucket, fn: (name: string) => SecureFunction) => void) {
    const f = functionStack();
    const bucket = new SecureBucket(f.stack, 'input-bucket', {
      bucketName: 'acme-app-dev-input',
      key: f.key,
      accountId,
      region,
    });
    const made = new Map<string, SecureFunction>();
    use(bucket, (name) => {
      const existing = made.get(name);
      if (existing) return existing;
      const fn = f.fn(name);
      made.set(name, fn);
      return fn;
    });
    return f.synth();
  }
  const notifications = (json: SynthesizedJson) => resourcesOf(json, 'aws_s3_bucket_notification');
  const permissionAddress = (json: SynthesizedJson, fnName: string) =>
    `aws_lambda_permission.${resourcesOf(json, 'aws_lambda_permission').find(([name]) => name.startsWith(`${fnName}_invoke-from-input-bucket`))![0]}`;
  const aliasArn = (json: SynthesizedJson, fnName: string) =>
    ref(
      `aws_lambda_alias.${resourcesOf(json, 'aws_lambda_alias').find(([name]) => name.startsWith(`${fnName}_live`))![0]}.arn`,
    );

  test('one function without a prefix: the same configuration as before several functions were possible', () => {
    const json = notifying((bucket, fn) => bucket.notifyOnObjectCreated(fn('processor')));
    const [[, notification]] = notifications(json) as [[string, Record<string, unknown>]];
    const { '//': _metadata, ...rest } = notification;
    expect(rest).toEqual({
      bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.input-bucket_[0-9A-F]{8}\.id\}$/),
      depends_on: [permissionAddress(json, 'processor')],
      lambda_function: [{ events: ['s3:ObjectCreated:*'], lambda_function_arn: aliasArn(json, 'processor') }],
    });
    expect(resourceAt(json, 'aws_lambda_permission', 'processor/invoke-from-input-bucket')).toMatchObject({
      principal: 's3.amazonaws.com',
      source_arn: 'arn:aws:s3:::acme-app-dev-input',
      source_account: accountId,
      qualifier: 'live',
    });
  });

  test('several functions under distinct prefixes: one notification per bucket, one entry each, after every permission', () => {
    const json = notifying((bucket, fn) => {
      bucket.notifyOnObjectCreated(fn('thumbnails'), { prefix: 'images/' });
      bucket.notifyOnObjectCreated(fn('indexer'), { prefix: 'documents/' });
      bucket.notifyOnObjectCreated(fn('indexer'), { prefix: 'archive/' });
    });
    expect(notifications(json)).toHaveLength(1);
    const [[, notification]] = notifications(json) as [[string, Record<string, unknown>]];
    expect(notification.lambda_function).toEqual([
      {
        events: ['s3:ObjectCreated:*'],
        filter_prefix: 'images/',
        lambda_function_arn: aliasArn(json, 'thumbnails'),
      },
      {
        events: ['s3:ObjectCreated:*'],
        filter_prefix: 'documents/',
        lambda_function_arn: aliasArn(json, 'indexer'),
      },
      {
        events: ['s3:ObjectCreated:*'],
        filter_prefix: 'archive/',
        lambda_function_arn: aliasArn(json, 'indexer'),
      },
    ]);
    // One permission per function and bucket, however many prefixes.
    expect(resourcesOf(json, 'aws_lambda_permission')).toHaveLength(2);
    expect(notification.depends_on).toEqual([
      permissionAddress(json, 'thumbnails'),
      permissionAddress(json, 'indexer'),
    ]);
  });

  test('notifying the same function for the same prefix twice adds nothing', () => {
    const json = notifying((bucket, fn) => {
      const first = bucket.notifyOnObjectCreated(fn('processor'), { prefix: 'in/' });
      expect(bucket.notifyOnObjectCreated(fn('processor'), { prefix: 'in/' })).toBe(first);
    });
    expect((notifications(json)[0]![1].lambda_function as unknown[]).length).toBe(1);
  });

  test.each([
    ['two functions without a prefix', undefined, undefined, 'b (every object) overlaps a (every object)'],
    ['a prefix and every object', 'in/', undefined, 'b (every object) overlaps a (prefix "in/")'],
    ['a prefix inside another', 'in/', 'in/images/', 'b (prefix "in/images/") overlaps a (prefix "in/")'],
    ['the same prefix', 'in/', 'in/', 'b (prefix "in/") overlaps a (prefix "in/")'],
  ])('overlapping filters are refused, naming both functions: %s', (_case, first, second, names) => {
    let error: unknown;
    notifying((bucket, fn) => {
      bucket.notifyOnObjectCreated(fn('a'), first === undefined ? {} : { prefix: first });
      try {
        bucket.notifyOnObjectCreated(fn('b'), second === undefined ? {} : { prefix: second });
      } catch (caught) {
        error = caught;
      }
    });
    expect(error).toBeInstanceOf(InvalidPropError);
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop: 'prefix' });
    expect((error as Error).message).toContain(names);
    expect((error as Error).message).toContain('S3 rejects overlapping notifications');
  });

  test('the same function under an overlapping prefix is refused too (S3 would reject it)', () => {
    expect(() =>
      notifying((bucket, fn) => {
        bucket.notifyOnObjectCreated(fn('a'), { prefix: 'in/' });
        bucket.notifyOnObjectCreated(fn('a'), { prefix: 'in/x/' });
      }),
    ).toThrow(/a \(prefix "in\/x\/"\) overlaps a \(prefix "in\/"\)/);
  });

  test('a prefix follows the grant rules (ends with "/")', () => {
    expect(() => notifying((bucket, fn) => bucket.notifyOnObjectCreated(fn('a'), { prefix: 'in' }))).toThrow(
      /invalid prefix: "in" must end with "\/"/,
    );
  });
});
