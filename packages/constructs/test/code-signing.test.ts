import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaCodeSigningConfig } from '@cdktf/provider-aws/lib/lambda-code-signing-config';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SignerSigningJob } from '@cdktf/provider-aws/lib/signer-signing-job';
import { SignerSigningProfile } from '@cdktf/provider-aws/lib/signer-signing-profile';
import { TerraformStack, Testing } from 'cdktf';
import {
  bundleHash,
  CodeSigning,
  EncryptionKey,
  type IFunctionNetwork,
  InvalidPropError,
  SecureBucket,
  SecureFunction,
} from '../src';

const dir = mkdtempSync(path.join(tmpdir(), 'signing-'));
const bundlePath = path.join(dir, 'bundle.zip');
writeFileSync(bundlePath, 'bundle bytes');
const where = { accountId: '111111111111', region: 'eu-west-1' };
const network: IFunctionNetwork = {
  vpcId: 'vpc-1',
  privateSubnetIds: ['subnet-a', 'subnet-b'],
  endpointSecurityGroupId: 'sg-e',
  s3PrefixListId: 'pl-1',
  useService: () => undefined,
  allowFrom: () => undefined,
};

function build(profileName = 'app_dev') {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'k', ...where });
  const artifactBucket = new SecureBucket(stack, 'artifacts', {
    bucketName: 'app-dev-artifacts',
    key,
    ...where,
  });
  const signing = new CodeSigning(stack, 'signing', { profileName, artifactBucket });
  new SecureFunction(stack, 'fn', {
    functionName: 'fn-dev',
    bundlePath,
    key,
    network,
    codeSigning: signing,
    ...where,
  });
  return Testing.synth(stack);
}

describe('CodeSigning', () => {
  const synthesized = build();
  const json = JSON.parse(synthesized) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };

  test('a Signer profile for Lambda and a config that enforces it', () => {
    // A name prefix: a destroyed (cancelled) profile keeps its name, so names must not repeat.
    expect(synthesized).toHaveResourceWithProperties(SignerSigningProfile, {
      name_prefix: 'app_dev_',
      platform_id: 'AWSLambda-SHA384-ECDSA',
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaCodeSigningConfig, {
      policies: { untrusted_artifact_on_deployment: 'Enforce' },
      allowed_publishers: { signing_profile_version_arns: [expect.stringContaining('.version_arn}')] },
    });
  });

  test('the bundle is uploaded under its hash, signed, and the function deploys the signed copy', () => {
    const hex = Buffer.from(bundleHash(bundlePath), 'base64').toString('hex');
    expect(synthesized).toHaveResourceWithProperties(S3Object, { key: `unsigned/fn-dev/${hex}.zip` });
    expect(synthesized).toHaveResourceWithProperties(SignerSigningJob, {
      ignore_signing_job_failure: false,
      destination: { s3: expect.objectContaining({ prefix: 'signed/fn-dev/' }) },
    });
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      code_signing_config_arn: expect.stringContaining('aws_lambda_code_signing_config.'),
      s3_bucket: expect.stringContaining('aws_signer_signing_job.'),
      s3_key: expect.stringContaining('aws_signer_signing_job.'),
    });
    const fn = Object.values(json.resource.aws_lambda_function!)[0]!;
    expect(fn.filename).toBeUndefined();
    // Lambda reports the signed zip's hash; the unsigned one would show a change on every plan.
    expect(fn.source_code_hash).toBeUndefined();
    // The upload waits for versioning, default encryption and the bucket policy.
    const upload = Object.values(json.resource.aws_s3_object!)[0]!;
    expect((upload.depends_on as string[]).map((d) => d.split('.')[0]).sort()).toEqual([
      'aws_s3_bucket_policy',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
    ]);
  });

  test('a profile name Signer would refuse is an InvalidPropError naming the construct', () => {
    expect(() => build('app-dev')).toThrow(InvalidPropError);
    expect(() => build('app-dev')).toThrow(/stack\/signing: invalid profileName/);
  });
});
