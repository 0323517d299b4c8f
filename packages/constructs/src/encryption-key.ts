import { createHash } from 'node:crypto';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import { InvalidPropError } from './errors';
import { applyGrant, type Grant, type IGrantee, type PolicyCondition, sid } from './grants';
import { PolicyDocument } from './private/policy-document';

export interface EncryptionKeyProps {
  /** Alias name without the `alias/` prefix, e.g. `secure-lambda-dev`. */
  readonly alias: string;
  /** The account that owns the key (key policy principal). From configuration: plan stays offline. */
  readonly accountId: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /**
   * Days KMS waits before deleting the key after a destroy (7 to 30).
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /** @default 'secure-lambda customer-managed key' */
  readonly description?: string;
}

/** Options of the grant methods. */
export interface KeyGrantOptions {
  /**
   * Pairs every use of the key must carry (`kms:EncryptionContext:<key>` conditions).
   * @default {} (no condition)
   */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

/** Key administration, without use: usage is delegated to IAM by the next statement. No `kms:*`. */
const ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

const IAM_DELEGATED_USE = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncrypt*',
  'kms:DescribeKey',
] as const;

/**
 * A customer-managed KMS key with rotation, a 30-day deletion window, an alias and a written key
 * policy: administration through IAM (no `kms:*`), CloudWatch Logs only for the log groups registered
 * with `allowLogGroup` (encryption-context condition), CloudWatch alarms for encrypted topics. Grants
 * add least-privilege statements to a function's role.
 *
 * @example
 * ```ts
 * const key = new EncryptionKey(this, 'key', { alias: 'app-dev', accountId, region });
 * key.grantEncryptDecrypt(fn, { encryptionContext: { app: 'billing' } });
 * ```
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly aliasName: string;
  readonly keyArn: string;
  readonly keyId: string;
  readonly #policy: PolicyDocument;
  readonly #logGroupArns = new Set<string>();
  readonly #region: string;
  readonly #accountId: string;
  readonly #partition: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const window = props.deletionWindowInDays ?? Defaults.KEY_DELETION_WINDOW_DAYS;
    if (!Number.isInteger(window) || window < 7 || window > 30) {
      throw new InvalidPropError(
        this.node.path,
        'deletionWindowInDays',
        `${window} is outside 7..30 days (KMS's range).`,
      );
    }
    if (!/^\d{12}$/.test(props.accountId)) {
      throw new InvalidPropError(
        this.node.path,
        'accountId',
        `${JSON.stringify(props.accountId)} is not a 12-digit account id.`,
      );
    }
    if (
      !/^[a-zA-Z0-9/_-]+$/.test(props.alias) ||
      props.alias.startsWith('aws/') ||
      props.alias.startsWith('alias/')
    ) {
      throw new InvalidPropError(
        this.node.path,
        'alias',
        `${JSON.stringify(props.alias)}: use letters, digits, "/", "_" and "-", without the "alias/" prefix and not under "aws/".`,
      );
    }
    this.#region = props.region;
    this.#accountId = props.accountId;
    this.#partition = props.partition ?? Defaults.PARTITION;
    const root = `arn:${this.#partition}:iam::${this.#accountId}:root`;

    this.#policy = new PolicyDocument(this, 'policy');
    this.#policy.add({
      sid: 'AccountAdministrationViaIam',
      principals: [{ type: 'AWS', identifiers: [root] }],
      actions: ADMIN_ACTIONS,
      resources: ['*'],
    });
    this.#policy.add({
      sid: 'AccountUseDelegatedToIam',
      principals: [{ type: 'AWS', identifiers: [root] }],
      actions: IAM_DELEGATED_USE,
      resources: ['*'],
    });
    this.#policy.add({
      sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [this.#accountId] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:${this.#partition}:cloudwatch:${this.#region}:${this.#accountId}:alarm:*`],
        },
      ],
    });
    // Lambda encrypts a function's environment with this key through a grant it creates with the
    // deployer's credentials; only grants for AWS resources, and only through Lambda.
    this.#policy.add({
      sid: 'LambdaGrantsForEncryptedEnvironments',
      principals: [{ type: 'AWS', identifiers: [root] }],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: [
        { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [`lambda.${this.#region}.amazonaws.com`],
        },
      ],
    });

    this.key = new KmsKey(this, 'key', {
      description: props.description ?? 'secure-lambda customer-managed key',
      enableKeyRotation: true,
      deletionWindowInDays: window,
      policy: this.#policy.json,
    });
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, 'alias', { name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /**
   * Lets CloudWatch Logs use the key for one log group. The ARN is built from configuration, not from
   * the log group resource: the key policy must not depend on resources that depend on the key.
   */
  allowLogGroup(logGroupName: string): string {
    const arn = `arn:${this.#partition}:logs:${this.#region}:${this.#accountId}:log-group:${logGroupName}`;
    if (this.#logGroupArns.size === 0) {
      const arns = this.#logGroupArns;
      this.#policy.add({
        sid: 'CloudWatchLogsForRegisteredLogGroups',
        principals: [{ type: 'Service', identifiers: [`logs.${this.#region}.amazonaws.com`] }],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: [
          {
            test: 'ArnLike',
            variable: 'kms:EncryptionContext:aws:logs:arn',
            // Read at synth: log groups keep registering while the stack is built.
            get values(): readonly string[] {
              return [...arns];
            },
          },
        ],
      });
    }
    this.#logGroupArns.add(arn);
    return arn;
  }

  /** Lets the grantee encrypt (and generate data keys for envelope encryption). */
  grantEncrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(grantee, 'Encrypt', ['kms:Encrypt', 'kms:GenerateDataKey'], options);
  }

  /** Lets the grantee decrypt. */
  grantDecrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(grantee, 'Decrypt', ['kms:Decrypt'], options);
  }

  /** Both of the above. */
  grantEncryptDecrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(
      grantee,
      'EncryptDecrypt',
      ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      options,
    );
  }

  /**
   * Lets the grantee use the key only through one AWS service (SQS, SNS, S3, …), for example to send to
   * a queue encrypted with it (`kms:ViaService` condition), optionally only for one encryption context
   * (S3 with a bucket key uses `aws:s3:arn` = the bucket ARN, which limits the grant to that bucket).
   */
  grantUseVia(
    grantee: IGrantee,
    service: 'sqs' | 'sns' | 's3' | 'logs',
    options: KeyGrantOptions = {},
  ): Grant {
    const context = Object.entries(options.encryptionContext ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    // No 'kms' service use: the other service calls KMS on the grantee's behalf, not the function's code,
    // so no KMS endpoint is needed for it.
    return applyGrant(
      grantee,
      [],
      [
        {
          sid: sid('Kms', this.node.id, 'Via', service, ...context.map(([, v]) => hashLabel(v))),
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.keyArn],
          conditions: [
            {
              test: 'StringEquals',
              variable: 'kms:ViaService',
              values: [`${service}.${this.#region}.amazonaws.com`],
            },
            ...context.map(([k, v]) => ({
              test: 'StringEquals',
              variable: `kms:EncryptionContext:${k}`,
              values: [v],
            })),
          ],
        },
      ],
    );
  }

  #grant(grantee: IGrantee, kind: string, actions: readonly string[], options: KeyGrantOptions): Grant {
    const context = Object.entries(options.encryptionContext ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const conditions: PolicyCondition[] = context.map(([k, v]) => ({
      test: 'StringEquals',
      variable: `kms:EncryptionContext:${k}`,
      values: [v],
    }));
    const suffix = context.length ? `Ctx${context.map(([k, v]) => `${k}${v}`).join('')}` : '';
    return applyGrant(
      grantee,
      ['kms'],
      [
        {
          sid: sid('Kms', this.node.id, kind, suffix).slice(0, 100),
          actions,
          resources: [this.keyArn],
          ...(conditions.length ? { conditions } : {}),
        },
      ],
    );
  }
}

/** A short stable label for a value that may hold characters a sid cannot (ARNs, paths). */
function hashLabel(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}
