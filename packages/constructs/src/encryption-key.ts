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

/** What a principal outside the stack may do with the key (`grantToPrincipal`). */
export type KeyUse = 'encrypt' | 'decrypt' | 'encrypt-decrypt';

/** Options of `grantToPrincipal`. */
export interface PrincipalGrantOptions extends KeyGrantOptions {
  /**
   * Only through this AWS service (`kms:ViaService`), e.g. `s3` for objects of an SSE-KMS bucket.
   * @default undefined (direct KMS calls, as the Encryption SDK makes them)
   */
  readonly viaService?: 'sqs' | 'sns' | 's3' | 'logs';
}

/**
 * Key administration, without use, delegated to IAM through the account: the key can never lock the
 * account out (`kms:PutKeyPolicy` stays with it), yet no identity policy, however broad, reaches data.
 */
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

const USE_ACTIONS: Readonly<Record<KeyUse, readonly string[]>> = {
  encrypt: ['kms:Encrypt', 'kms:GenerateDataKey'],
  decrypt: ['kms:Decrypt'],
  'encrypt-decrypt': ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

/** What reads data under a context, and what writes it: the two halves an app-data deny covers. */
const DECRYPT_CLASS = ['kms:Decrypt', 'kms:ReEncryptFrom'] as const;
const ENCRYPT_CLASS = ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncryptTo'] as const;

/** Who holds each half of the use of one application-data context pair. */
interface ContextHolders {
  readonly decrypt: Set<string>;
  readonly encrypt: Set<string>;
}

/**
 * A customer-managed KMS key with rotation, a 30-day deletion window, an alias and a written key
 * policy: administration through IAM (no `kms:*`, no use), CloudWatch Logs only for the log groups
 * registered with `allowLogGroup` (encryption-context condition), CloudWatch alarms for encrypted topics.
 *
 * Use is never delegated to IAM as a whole. Each grant adds a least-privilege statement to the grantee's
 * role and the same statement to the key policy, bound to the role by `aws:PrincipalArn`: a principal
 * the stack does not name cannot use the key, whatever its identity policy says (`kms:Decrypt` on `*`,
 * PowerUser). Application-data contexts (`app = ...`) are also protected by explicit denies for every
 * other principal, which KMS grants cannot override either.
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
  readonly #environmentFunctions = new Set<string>();
  readonly #contexts = new Map<string, ContextHolders>();
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
    const root = this.#root;

    this.#policy = new PolicyDocument(this, 'policy');
    this.#policy.add({
      sid: 'AccountAdministrationViaIam',
      principals: [{ type: 'AWS', identifiers: [root] }],
      actions: ADMIN_ACTIONS,
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

  /**
   * Lets the grantee encrypt (and generate data keys for envelope encryption).
   *
   * @example
   * ```ts
   * key.grantEncrypt(processor, { encryptionContext: { app: 'object-processor' } });
   * ```
   */
  grantEncrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(grantee, 'Encrypt', 'encrypt', options);
  }

  /** Lets the grantee decrypt. */
  grantDecrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(grantee, 'Decrypt', 'decrypt', options);
  }

  /** Both of the above. */
  grantEncryptDecrypt(grantee: IGrantee, options: KeyGrantOptions = {}): Grant {
    return this.#grant(grantee, 'EncryptDecrypt', 'encrypt-decrypt', options);
  }

  /**
   * Names a principal outside the stack (a reader of results, an uploader) in the key policy. Its own
   * identity policy must allow the same use: this adds the key-policy half only.
   *
   * @example
   * ```ts
   * key.grantToPrincipal('arn:aws:iam::111111111111:role/reports', 'decrypt', {
   *   encryptionContext: { app: 'object-processor' },
   * });
   * ```
   */
  grantToPrincipal(principalArn: string, use: KeyUse, options: PrincipalGrantOptions = {}): void {
    if (!/^arn:[a-z-]+:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/-]+$/.test(principalArn)) {
      throw new InvalidPropError(
        this.node.path,
        'principalArn',
        `${JSON.stringify(principalArn)} is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>).`,
      );
    }
    const conditions: PolicyCondition[] = [
      ...(options.viaService
        ? [
            {
              test: 'StringEquals',
              variable: 'kms:ViaService',
              values: [`${options.viaService}.${this.#region}.amazonaws.com`],
            },
          ]
        : []),
      ...contextConditions(options.encryptionContext),
    ];
    this.#allowUse(principalArn, USE_ACTIONS[use], conditions);
    if (!options.viaService) this.#protectContexts(principalArn, use, options.encryptionContext);
  }

  /**
   * Lets a function's role decrypt its environment variables (Lambda does it at init with the role, under
   * the context `LambdaFunctionName`), and lets whoever deploys the function manage and read them through
   * Lambda only: with a customer-managed key, Lambda shows and updates variables only for callers that may
   * use the key, and Terraform reads them back on every plan. Variables are configuration, not data.
   */
  grantEnvironmentDecrypt(grantee: IGrantee, functionName: string): Grant {
    const conditions: PolicyCondition[] = [
      { test: 'StringEquals', variable: 'kms:EncryptionContext:LambdaFunctionName', values: [functionName] },
    ];
    this.#allowUse(this.#principalOf(grantee), ['kms:Decrypt'], conditions);
    if (this.#environmentFunctions.size === 0) {
      const names = this.#environmentFunctions;
      const region = this.#region;
      this.#policy.add({
        sid: 'DeployersManageFunctionEnvironmentsViaLambda',
        principals: [{ type: 'AWS', identifiers: [this.#root] }],
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`lambda.${region}.amazonaws.com`] },
          {
            test: 'StringEquals',
            variable: 'kms:EncryptionContext:LambdaFunctionName',
            // Read at synth: functions keep registering while the stack is built.
            get values(): readonly string[] {
              return [...names].sort();
            },
          },
        ],
      });
    }
    this.#environmentFunctions.add(functionName);
    return applyGrant(
      grantee,
      [],
      [{ sid: 'DecryptOwnEnvironment', actions: ['kms:Decrypt'], resources: [this.keyArn], conditions }],
    );
  }

  /**
   * Lets every principal the account allows use the key through one service for one encryption context:
   * for infrastructure that is not application data, such as the bucket that carries code bundles to the
   * signing jobs (the deployer writes them, Signer and Lambda read them with the deployer's credentials).
   */
  allowAccountUseVia(
    service: 's3' | 'sqs' | 'sns',
    encryptionContext: Readonly<Record<string, string>>,
  ): void {
    const conditions = [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${this.#region}.amazonaws.com`],
      },
      ...contextConditions(encryptionContext),
    ];
    this.#policy.add({
      sid: sid('AccountUseVia', service, hashLabel(JSON.stringify(conditions))),
      principals: [{ type: 'AWS', identifiers: [this.#root] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions,
    });
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
    const conditions: PolicyCondition[] = [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${this.#region}.amazonaws.com`],
      },
      ...contextConditions(options.encryptionContext),
    ];
    this.#allowUse(this.#principalOf(grantee), ['kms:Decrypt', 'kms:GenerateDataKey'], conditions);
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
          conditions,
        },
      ],
    );
  }

  get #root(): string {
    return `arn:${this.#partition}:iam::${this.#accountId}:root`;
  }

  #principalOf(grantee: IGrantee): string {
    if (!grantee.principalArn) {
      throw new InvalidPropError(
        grantee.grantPath,
        'principalArn',
        `${this.node.path} names each grantee's role in its key policy; give the grantee a principalArn (its role ARN).`,
      );
    }
    return grantee.principalArn;
  }

  /**
   * The key-policy half of a grant: the account principal (so KMS accepts the policy before the role
   * exists), held to the one role by `aws:PrincipalArn` and to the grant's own conditions.
   */
  #allowUse(principalArn: string, actions: readonly string[], conditions: readonly PolicyCondition[]): void {
    const label = principalArn.split('/').pop() ?? principalArn;
    this.#policy.add({
      sid: sid('Use', label, hashLabel(JSON.stringify([principalArn, actions, conditions]))).slice(0, 100),
      principals: [{ type: 'AWS', identifiers: [this.#root] }],
      actions,
      resources: ['*'],
      conditions: [
        { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [principalArn] },
        ...conditions,
      ],
    });
  }

  /**
   * Explicit denies for each application-data context pair: every principal but those granted that use
   * of it. A deny also overrides KMS grants and any allow a later edit of the policy might add.
   */
  #protectContexts(
    principalArn: string,
    use: KeyUse,
    encryptionContext: Readonly<Record<string, string>> | undefined,
  ): void {
    for (const [k, v] of Object.entries(encryptionContext ?? {})) {
      const id = `${k}=${v}`;
      let holders = this.#contexts.get(id);
      if (!holders) {
        holders = { decrypt: new Set(), encrypt: new Set() };
        this.#contexts.set(id, holders);
        for (const [half, actions] of [
          ['decrypt', DECRYPT_CLASS],
          ['encrypt', ENCRYPT_CLASS],
        ] as const) {
          const principals = holders[half];
          const context = { test: 'StringEquals', variable: `kms:EncryptionContext:${k}`, values: [v] };
          this.#policy.add({
            sid: sid('Deny', half, 'OfAppDataToOthers', hashLabel(id)),
            effect: 'Deny',
            principals: [{ type: 'AWS', identifiers: ['*'] }],
            actions,
            resources: ['*'],
            // Read at synth: grants keep arriving while the stack is built. With no holder, nobody.
            get conditions(): readonly PolicyCondition[] {
              return principals.size === 0
                ? [context]
                : [
                    context,
                    { test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [...principals].sort() },
                  ];
            },
          });
        }
      }
      if (use !== 'encrypt') holders.decrypt.add(principalArn);
      if (use !== 'decrypt') holders.encrypt.add(principalArn);
    }
  }

  #grant(grantee: IGrantee, kind: string, use: KeyUse, options: KeyGrantOptions): Grant {
    const context = Object.entries(options.encryptionContext ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const conditions = contextConditions(options.encryptionContext);
    const principalArn = this.#principalOf(grantee);
    this.#allowUse(principalArn, USE_ACTIONS[use], conditions);
    this.#protectContexts(principalArn, use, options.encryptionContext);
    const suffix = context.length ? `Ctx${context.map(([k, v]) => `${k}${v}`).join('')}` : '';
    return applyGrant(
      grantee,
      ['kms'],
      [
        {
          sid: sid('Kms', this.node.id, kind, suffix).slice(0, 100),
          actions: USE_ACTIONS[use],
          resources: [this.keyArn],
          ...(conditions.length ? { conditions } : {}),
        },
      ],
    );
  }
}

/** `kms:EncryptionContext:<key>` equality conditions, sorted by key. */
function contextConditions(
  encryptionContext: Readonly<Record<string, string>> | undefined,
): PolicyCondition[] {
  return Object.entries(encryptionContext ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => ({ test: 'StringEquals', variable: `kms:EncryptionContext:${k}`, values: [v] }));
}

/** A short stable label for a value that may hold characters a sid cannot (ARNs, paths). */
function hashLabel(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}
