import { BucketDefaults } from './bucket-defaults';
import type { PolicyPrincipal, ResourcePolicyStatement } from './policy-document';

/** Everyone, including the account's own roles and AWS services: the denies below have no exceptions. */
const ANYONE: readonly PolicyPrincipal[] = [{ type: '*', identifiers: ['*'] }];

const SSE_HEADER = 's3:x-amz-server-side-encryption';
const SSE_KMS_KEY_HEADER = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C_HEADER = 's3:x-amz-server-side-encryption-customer-algorithm';

/** What the bucket policy protects. ARNs come from configuration, so `terraform plan` shows them. */
export interface BucketPolicyTarget {
  readonly bucketArn: string;
  readonly keyArn: string;
}

/**
 * The deny-only statements every `SecureBucket` policy carries. There is no Allow: access comes from
 * the grantees' IAM policies (`grantRead`/`grantWrite`), so the bucket policy only takes away.
 *
 * Encryption is enforced without breaking the normal upload, which sends no encryption header and
 * relies on the bucket's default (SSE-KMS with the bucket's key). IAM treats a missing condition key
 * this way: a negated operator (`StringNotEquals`) and every `...IfExists` operator evaluate to *true*
 * when the key is absent. So the often-copied `StringNotEqualsIfExists` on the KMS key id header would,
 * in a Deny, reject every header-less PutObject. Each encryption deny below is therefore gated on the
 * header being present (`Null: false`) and only then compares its value; conditions in one statement
 * are ANDed.
 *
 * @example
 * ```ts
 * for (const s of bucketEnforcementStatements({ bucketArn, keyArn })) policy.add(s);
 * ```
 */
export function bucketEnforcementStatements(target: BucketPolicyTarget): ResourcePolicyStatement[] {
  const bucketAndObjects = [target.bucketArn, `${target.bucketArn}/*`];
  const objects = [`${target.bucketArn}/*`];
  return [
    {
      // Plain HTTP would expose object data and SigV4-signed requests to anyone on the path.
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: ANYONE,
      actions: ['s3:*'],
      resources: bucketAndObjects,
      conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    },
    {
      // HTTP requests carry no s3:TlsVersion (the condition is false for them); the statement above
      // already denies those.
      sid: 'DenyOutdatedTls',
      effect: 'Deny',
      principals: ANYONE,
      actions: ['s3:*'],
      resources: bucketAndObjects,
      conditions: [
        { test: 'NumericLessThan', variable: 's3:TlsVersion', values: [BucketDefaults.MIN_TLS_VERSION] },
      ],
    },
    {
      // A request that names a KMS key must name this bucket's key, by ARN: another key would put data
      // out of reach of this key's policy and audit trail. The key id or an alias of the same key is
      // denied too (S3 compares strings, not keys): clients should send no header, or the ARN.
      sid: 'DenyOtherKmsKeys',
      effect: 'Deny',
      principals: ANYONE,
      actions: ['s3:PutObject'],
      resources: objects,
      conditions: [
        { test: 'Null', variable: SSE_KMS_KEY_HEADER, values: ['false'] },
        { test: 'StringNotEquals', variable: SSE_KMS_KEY_HEADER, values: [target.keyArn] },
      ],
    },
    {
      // An encryption header without a key id overrides the bucket default: `AES256` means SSE-S3 and
      // `aws:kms` alone means the AWS managed key `aws/s3`; both bypass this bucket's key.
      sid: 'DenyEncryptionWithoutThisKey',
      effect: 'Deny',
      principals: ANYONE,
      actions: ['s3:PutObject'],
      resources: objects,
      conditions: [
        { test: 'Null', variable: SSE_HEADER, values: ['false'] },
        { test: 'Null', variable: SSE_KMS_KEY_HEADER, values: ['true'] },
      ],
    },
    {
      // SSE-C encrypts with a key S3 forgets: no KMS policy, no CloudTrail record of use, and data loss
      // when the client loses its key. AWS itself is moving to block SSE-C on new buckets.
      sid: 'DenyCustomerProvidedKeys',
      effect: 'Deny',
      principals: ANYONE,
      actions: ['s3:PutObject'],
      resources: objects,
      conditions: [{ test: 'Null', variable: SSE_C_HEADER, values: ['false'] }],
    },
  ];
}
