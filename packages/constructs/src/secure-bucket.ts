import { createHash } from 'node:crypto';
import type { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import {
  S3BucketNotification,
  s3BucketNotificationLambdaFunctionToTerraform,
} from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { ITerraformDependable } from 'cdktf';
import { dependable, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import type { EncryptionKey } from './encryption-key';
import { InvalidPropError } from './errors';
import { applyGrant, type Grant, type IGrantee, type PolicyStatement, sid } from './grants';
import { BucketDefaults } from './private/bucket-defaults';
import { bucketNameProblem } from './private/bucket-name';
import { bucketEnforcementStatements } from './private/bucket-policy';
import { PolicyDocument } from './private/policy-document';
import type { SecureFunction } from './secure-function';

export interface SecureBucketProps {
  /**
   * The bucket's globally unique name, as a literal from configuration: the ARNs in the bucket policy
   * and in grants are built from it, so `terraform plan` shows them before the bucket exists. Checked
   * against the S3 naming rules at synth.
   */
  readonly bucketName: string;
  /** Default encryption is SSE-KMS with this key (S3 Bucket Key enabled); other keys are denied. */
  readonly key: EncryptionKey;
  /**
   * The account that owns the bucket. Sent as `expected_bucket_owner` on the bucket's configuration
   * resources, so applying to the wrong account fails instead of configuring someone else's bucket.
   */
  readonly accountId: string;
  /** The region of the bucket; it must be the key's region (SSE-KMS needs a key in the same region). */
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /**
   * Days an overwritten or deleted object version is kept (the recovery window).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which parts of an unfinished multipart upload are deleted.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Days after which the current version of an object expires (becomes noncurrent, then is removed by
   * the noncurrent rule).
   * @default undefined (current versions are kept)
   */
  readonly expirationDays?: number;
  /**
   * Name of the bucket that receives this bucket's S3 server access logs, under the prefix
   * `<bucketName>/`. It must exist, be in the same account and region, use SSE-S3 default encryption
   * (S3 cannot deliver access logs to an SSE-KMS bucket, so it cannot be a `SecureBucket`) and allow
   * `logging.s3.amazonaws.com` to put objects, conditioned on `aws:SourceAccount` and `aws:SourceArn`.
   *
   * Leave it unset only for that log bucket itself: logging a log bucket into itself feeds on its own
   * deliveries, and into another bucket only moves the question one bucket further. Every other bucket
   * should set it (or rely on CloudTrail S3 data events, which this construct does not configure).
   * @default undefined (no server access logging)
   */
  readonly accessLogsBucketName?: string;
  /**
   * Whether `terraform destroy` may delete a bucket that still holds objects.
   * @default false (a destroy fails on a non-empty bucket, so data is never deleted by accident)
   */
  readonly forceDestroy?: boolean;
  /**
   * Whether the bucket gets its bucket policy (deny non-TLS and TLS < 1.2, deny other KMS keys, deny SSE-S3
   * and SSE-C overrides).
   *
   * Exists only for emulators whose bucket-policy evaluation ignores conditions (moto treats every
   * conditional Deny as a Deny, which blocks every object call): `false` leaves the default SSE-KMS
   * encryption, public access block, ownership controls and versioning in place but attaches no policy.
   * Never set it for a deployment to AWS.
   * @default true
   */
  readonly bucketPolicy?: boolean;
}

/** Options of `grantRead` and `grantWrite`. */
export interface BucketGrantOptions {
  /**
   * Limit the grant to keys under this prefix (e.g. `'incoming/'`). It must end with `/`, so that
   * `logs/` does not also match `logs-private/`; IAM policy variables are written `&{aws:username}`.
   * @default undefined (the whole bucket)
   */
  readonly prefix?: string;
}

/** Options of `notifyOnObjectCreated`. */
export interface NotificationOptions {
  /**
   * Only objects whose key starts with this prefix (same rules as a grant's prefix: ends with `/`).
   * @default undefined (every object of the bucket)
   */
  readonly prefix?: string;
}

/** One function notified by the bucket. */
interface NotificationTarget {
  readonly fn: SecureFunction;
  readonly prefix: string | undefined;
}

/** Two filters overlap when a key can match both: no prefix matches every key. */
function prefixesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.startsWith(b) || b.startsWith(a);
}

function describeTarget(fn: SecureFunction, prefix: string | undefined): string {
  return `${fn.functionName} (${prefix === undefined ? 'every object' : `prefix ${JSON.stringify(prefix)}`})`;
}

/** Longest part of a prefix kept readable in a sid; a hash keeps the sid unique whatever its length. */
const SID_PREFIX_CHARS = 40;

/**
 * A private S3 bucket with the defaults a security review asks for: every public-access block on,
 * ACLs disabled (BucketOwnerEnforced), versioning, SSE-KMS with a customer-managed key and S3 Bucket
 * Keys, lifecycle rules that bound what old versions and abandoned uploads keep, optional server
 * access logging, and a deny-only bucket policy that requires TLS 1.2+ and rejects uploads that ask
 * for any encryption but this bucket's key. Access is granted to functions with `grantRead` and
 * `grantWrite`, optionally limited to a prefix.
 *
 * @example
 * ```ts
 * const key = new EncryptionKey(this, 'key', { alias: 'app-dev', accountId, region });
 * const bucket = new SecureBucket(this, 'uploads', {
 *   bucketName: 'acme-app-dev-uploads',
 *   key,
 *   accountId,
 *   region,
 *   accessLogsBucketName: 'acme-dev-s3-access-logs',
 * });
 * bucket.grantRead(fn, { prefix: 'incoming/' });
 * bucket.grantWrite(fn, { prefix: 'processed/' });
 * ```
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket resource's `bucket` attribute (referencing it orders dependents after the bucket). */
  readonly bucketName: string;
  /** The bucket resource's `arn` attribute. */
  readonly bucketArn: string;
  /**
   * The resources an object upload must wait for: versioning (Signer needs object versions), default
   * encryption (so the object is encrypted with the key, not S3's default) and the bucket policy (when
   * there is one, see `bucketPolicy`).
   */
  readonly readyFor: ITerraformDependable[] = [];
  readonly #key: EncryptionKey;
  /** Built from configuration: known at plan time, unlike the resource's `arn`. */
  readonly #configuredArn: string;
  readonly #accountId: string;
  readonly #configuredName: string;
  readonly #notified: NotificationTarget[] = [];
  readonly #permissions = new Set<LambdaPermission>();
  #notification?: S3BucketNotification;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.#validateName('bucketName', props.bucketName);
    if (!/^\d{12}$/.test(props.accountId)) {
      throw new InvalidPropError(
        this.node.path,
        'accountId',
        `${JSON.stringify(props.accountId)} is not a 12-digit account id.`,
      );
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(props.region)) {
      throw new InvalidPropError(
        this.node.path,
        'region',
        `${JSON.stringify(props.region)} is not a region code; use one like "eu-west-1".`,
      );
    }
    const partition = props.partition ?? Defaults.PARTITION;
    if (!/^aws(-[a-z]+)*$/.test(partition)) {
      throw new InvalidPropError(
        this.node.path,
        'partition',
        `${JSON.stringify(partition)} is not a partition; use "aws", "aws-cn" or "aws-us-gov".`,
      );
    }
    const noncurrentDays = this.#days(
      'noncurrentVersionExpirationDays',
      props.noncurrentVersionExpirationDays ?? BucketDefaults.NONCURRENT_VERSION_EXPIRATION_DAYS,
    );
    const abortDays = this.#days(
      'abortIncompleteMultipartUploadDays',
      props.abortIncompleteMultipartUploadDays ?? BucketDefaults.ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
    );
    const expirationDays =
      props.expirationDays === undefined ? undefined : this.#days('expirationDays', props.expirationDays);
    if (props.accessLogsBucketName !== undefined) {
      this.#validateName('accessLogsBucketName', props.accessLogsBucketName);
      if (props.accessLogsBucketName === props.bucketName) {
        throw new InvalidPropError(
          this.node.path,
          'accessLogsBucketName',
          'a bucket cannot receive its own access logs (each delivery would be logged again); name a separate log bucket, or leave it unset on the log bucket itself.',
        );
      }
    }

    this.#key = props.key;
    this.#configuredName = props.bucketName;
    this.#configuredArn = `arn:${partition}:s3:::${props.bucketName}`;
    this.#accountId = props.accountId;

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const bucket = this.bucket.id;
    const expectedBucketOwner = props.accountId;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, 'ownership-controls', {
      bucket,
      rule: { objectOwnership: BucketDefaults.OBJECT_OWNERSHIP },
    });

    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket,
      expectedBucketOwner,
      versioningConfiguration: { status: 'Enabled' },
    });

    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      expectedBucketOwner,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: BucketDefaults.SSE_ALGORITHM,
            kmsMasterKeyId: props.key.keyArn,
          },
          // One KMS call per bucket and time window instead of per object: cost and KMS quotas.
          bucketKeyEnabled: true,
        },
      ],
    });

    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      expectedBucketOwner,
      rule: lifecycleRules(abortDays, noncurrentDays, expirationDays),
      // Noncurrent-version rules on a bucket whose versioning is not yet enabled are rejected or
      // ignored; the provider's documentation asks for this order.
      dependsOn: [versioning],
    });

    if (props.accessLogsBucketName !== undefined) {
      new S3BucketLoggingA(this, 'access-logging', {
        bucket,
        expectedBucketOwner,
        targetBucket: props.accessLogsBucketName,
        targetPrefix: `${props.bucketName}/`,
      });
    }

    this.readyFor.push(versioning, encryption);
    if (props.bucketPolicy ?? true) {
      const policy = new PolicyDocument(this, 'policy');
      for (const statement of bucketEnforcementStatements({
        bucketArn: this.#configuredArn,
        keyArn: props.key.keyArn,
      })) {
        policy.add(statement);
      }
      const bucketPolicy = new S3BucketPolicy(this, 'bucket-policy', {
        bucket,
        policy: policy.json,
        // On real AWS, PutBucketPolicy racing PutPublicAccessBlock fails intermittently (409
        // OperationAborted); creating the block first also means no policy ever exists unguarded.
        dependsOn: [publicAccessBlock],
      });
      this.readyFor.push(bucketPolicy);
    }
  }

  /**
   * Invokes a function's `live` alias for every object created, or for those under `prefix` (async
   * invocation: failures retry and end in the function's dead-letter queue). Adds the bucket-bound invoke
   * permission first. Several functions may be notified, for prefixes that do not overlap: S3 keeps one
   * notification configuration per bucket, so every call adds to the bucket's one
   * `aws_s3_bucket_notification`, which depends on every permission. Notifying the same function for the
   * same prefix again changes nothing.
   *
   * @throws InvalidPropError when the prefix overlaps one already notified (S3 would reject the
   * configuration at apply): the message names both functions.
   * @example
   * ```ts
   * input.notifyOnObjectCreated(processor);
   * uploads.notifyOnObjectCreated(thumbnails, { prefix: 'images/' });
   * uploads.notifyOnObjectCreated(indexer, { prefix: 'documents/' });
   * ```
   */
  notifyOnObjectCreated(fn: SecureFunction, options: NotificationOptions = {}): S3BucketNotification {
    const prefix = this.#checkPrefix(options.prefix);
    for (const target of this.#notified) {
      if (!prefixesOverlap(target.prefix, prefix)) continue;
      if (target.fn === fn && target.prefix === prefix) return this.#notification as S3BucketNotification;
      throw new InvalidPropError(
        this.node.path,
        'prefix',
        `${describeTarget(fn, prefix)} overlaps ${describeTarget(target.fn, target.prefix)}: S3 rejects overlapping ` +
          'notifications for the same event. Give each function its own prefix, neither inside the other.',
      );
    }
    const permission = fn.allowInvokeFromBucket(this.node.id, this.#configuredArn, this.#accountId);
    this.#notified.push({ fn, prefix });
    if (!this.#notification) {
      const notified = this.#notified;
      this.#notification = new S3BucketNotification(this, 'notification', {
        bucket: this.bucket.id,
        // Read at synth: functions keep being notified while the stack is built.
        lambdaFunction: Lazy.anyValue({
          produce: () =>
            notified.map((t) =>
              s3BucketNotificationLambdaFunctionToTerraform({
                lambdaFunctionArn: t.fn.alias.aliasArn,
                events: ['s3:ObjectCreated:*'],
                ...(t.prefix === undefined ? {} : { filterPrefix: t.prefix }),
              }),
            ),
        }),
        // S3 tests each destination when the configuration is written: every permission must exist first.
        dependsOn: [permission],
      });
    } else if (!this.#permissions.has(permission)) {
      this.#notification.dependsOn = [...(this.#notification.dependsOn ?? []), dependable(permission)];
    }
    this.#permissions.add(permission);
    return this.#notification;
  }

  /**
   * Lets the grantee read objects (current and older versions) and list keys, under `prefix` when
   * given, and decrypt them through S3 only.
   *
   * @example
   * ```ts
   * bucket.grantRead(fn, { prefix: 'incoming/' });
   * ```
   */
  grantRead(grantee: IGrantee, options: BucketGrantOptions = {}): Grant {
    const prefix = this.#checkPrefix(options.prefix);
    const list: PolicyStatement = {
      sid: this.#sid('List', prefix),
      actions: ['s3:ListBucket'],
      resources: [this.#configuredArn],
      // ListBucket is a bucket-level action: the prefix can only be enforced on the request's prefix.
      // A listing without a prefix parameter has no s3:prefix and is therefore not allowed.
      ...(prefix === undefined
        ? {}
        : { conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${prefix}*`] }] }),
    };
    const s3 = applyGrant(
      grantee,
      ['s3'],
      [
        {
          sid: this.#sid('Read', prefix),
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [this.#objectsArn(prefix)],
        },
        list,
      ],
    );
    return this.#withKey(grantee, s3);
  }

  /**
   * Lets the grantee put objects (and abort its multipart uploads) under `prefix` when given. Uploads
   * are encrypted by the bucket default; the grantee gets the key through S3 only.
   *
   * @example
   * ```ts
   * bucket.grantWrite(fn, { prefix: 'processed/' });
   * ```
   */
  grantWrite(grantee: IGrantee, options: BucketGrantOptions = {}): Grant {
    const prefix = this.#checkPrefix(options.prefix);
    const s3 = applyGrant(
      grantee,
      ['s3'],
      [
        {
          sid: this.#sid('Write', prefix),
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: [this.#objectsArn(prefix)],
        },
      ],
    );
    return this.#withKey(grantee, s3);
  }

  /** SSE-KMS needs GenerateDataKey to write and Decrypt to read (and to complete multipart uploads). */
  #withKey(grantee: IGrantee, s3: Grant): Grant {
    // With a bucket key, S3 asks KMS with encryption context aws:s3:arn = the bucket ARN: binding the
    // grant to it keeps this grant from reaching other buckets under the same key.
    const kms = this.#key.grantUseVia(grantee, 's3', {
      encryptionContext: { 'aws:s3:arn': this.#configuredArn },
    });
    return { grantee, statements: [...s3.statements, ...kms.statements] };
  }

  #objectsArn(prefix: string | undefined): string {
    return `${this.#configuredArn}/${prefix ?? ''}*`;
  }

  /**
   * Readable, and unique per bucket and prefix: the hash covers what `sid()` strips (`a-b/` and `ab/`
   * give different sids), so two grants can never collide on a sid and shadow each other.
   */
  #sid(kind: string, prefix: string | undefined): string {
    const digest = createHash('sha256')
      .update(`${this.#configuredName}\n${prefix ?? ''}`)
      .digest('hex')
      .slice(0, 8);
    const readable = prefix === undefined ? [] : ['Prefix', prefix.slice(0, SID_PREFIX_CHARS)];
    return sid('S3', this.node.id, kind, ...readable, digest);
  }

  #checkPrefix(prefix: string | undefined): string | undefined {
    if (prefix === undefined) return undefined;
    const problem = (fix: string): InvalidPropError => new InvalidPropError(this.node.path, 'prefix', fix);
    if (Token.isUnresolved(prefix)) {
      throw problem('pass a literal prefix, so the granted scope is visible in review and plan.');
    }
    if (prefix.length === 0 || prefix === '/') {
      throw problem('an empty prefix means the whole bucket; omit `prefix` instead.');
    }
    if (prefix.startsWith('/')) {
      throw problem(`${JSON.stringify(prefix)}: S3 keys do not start with "/"; remove it.`);
    }
    if (!prefix.endsWith('/')) {
      throw problem(
        `${JSON.stringify(prefix)} must end with "/", or it also matches sibling prefixes (${JSON.stringify(`${prefix}-other/`)}).`,
      );
    }
    if (/[*?]/.test(prefix)) {
      throw problem(`${JSON.stringify(prefix)}: wildcards widen the grant; name the exact prefix.`);
    }
    if (prefix.includes('${')) {
      throw problem(
        `${JSON.stringify(prefix)}: Terraform would read "\${" as interpolation; write IAM policy variables as "&{aws:username}".`,
      );
    }
    return prefix;
  }

  #days(prop: string, value: number): number {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidPropError(this.node.path, prop, `${value} must be a whole number of days, 1 or more.`);
    }
    return value;
  }

  #validateName(prop: string, name: string): void {
    if (Token.isUnresolved(name)) {
      throw new InvalidPropError(
        this.node.path,
        prop,
        'pass the literal bucket name from configuration, not a token: policies are built from it so that plan shows them.',
      );
    }
    const problem = bucketNameProblem(name);
    if (problem) throw new InvalidPropError(this.node.path, prop, problem);
  }
}

/**
 * Every rule has a `filter` (provider 5.100 warns without one and a later major rejects it); an empty
 * prefix filter applies the rule to the whole bucket.
 */
function lifecycleRules(
  abortDays: number,
  noncurrentDays: number,
  expirationDays: number | undefined,
): S3BucketLifecycleConfigurationRule[] {
  const wholeBucket = [{ prefix: '' }];
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: 'abort-incomplete-multipart-uploads',
      status: 'Enabled',
      filter: wholeBucket,
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
    },
    {
      id: 'expire-noncurrent-versions',
      status: 'Enabled',
      filter: wholeBucket,
      noncurrentVersionExpiration: [{ noncurrentDays }],
    },
  ];
  if (expirationDays !== undefined) {
    rules.push({
      id: 'expire-current-versions',
      status: 'Enabled',
      filter: wholeBucket,
      expiration: [{ days: expirationDays }],
    });
  }
  return rules;
}
