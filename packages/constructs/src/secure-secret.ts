import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import type { EncryptionKey } from './encryption-key';
import { InvalidPropError } from './errors';
import { applyGrant, type Grant, type IGrantee, type PolicyCondition, sid } from './grants';
import { allowKeyUse, viaService } from './private/key-policy';

/** Where a secret lives. Both encrypt it with the platform key; handlers read both with Powertools Parameters. */
export type SecretStore = 'secretsmanager' | 'ssm';

export interface SecureSecretProps {
  /**
   * Secrets Manager: 1-512 of letters, digits and `/_+=.@-`. Parameter Store: a path such as
   * `/app/db-password` (letters, digits and `_.-/`, at most 15 levels), not under `/aws` or `/ssm`.
   */
  readonly name: string;
  readonly store: SecretStore;
  /** Encrypts the value (`kms_key_id`); the grants add their halves to its key policy. */
  readonly key: EncryptionKey;
  readonly accountId: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default '' */
  readonly description?: string;
}

/** Days Secrets Manager keeps a deleted secret recoverable (the longest it allows). */
const RECOVERY_WINDOW_DAYS = 30;
/**
 * What Terraform writes into a new Parameter Store parameter, which cannot exist without a value. It is
 * written once through the write-only `value_wo` (Terraform 1.11+), so neither it nor the real value the
 * operator puts later is ever stored in the Terraform state.
 */
const PLACEHOLDER = 'placeholder: set the value with aws ssm put-parameter --overwrite';
const SSM_MAX_DEPTH = 15;

/**
 * A secret a function reads at run time, never through an environment variable: a Secrets Manager secret
 * or a Parameter Store `SecureString`, encrypted with the platform's key. Terraform creates the container
 * only; the value is set out of band, so it never enters the Terraform state or the plan:
 *
 * ```sh
 * aws secretsmanager put-secret-value --secret-id <name> --secret-string file://value.txt
 * aws ssm put-parameter --name <name> --type SecureString --key-id <key ARN> --overwrite --value file://value.txt
 * ```
 *
 * Secrets Manager: `aws_secretsmanager_secret` with no version (a 30-day recovery window on delete).
 * Parameter Store: the parameter needs a value to exist, so Terraform writes a fixed placeholder once with
 * the write-only `value_wo` and never reads a value back into state (`value` with `ignore_changes` would
 * not do: the provider reads the decrypted value into the state on every refresh). Terraform does decrypt
 * the parameter on refresh (the provider always reads with decryption), so the deployer needs the key
 * through SSM for it; Secrets Manager needs no such access, which makes it the store for secrets an insider
 * with broad read policies must not reach.
 *
 * `grantRead` lets one function read this secret only, and decrypt only through the store and for this
 * secret (encryption context `SecretARN` / `PARAMETER_ARN`), in its role policy and in the key policy.
 *
 * @example
 * ```ts
 * const token = new SecureSecret(this, 'api-token', {
 *   name: 'billing/api-token', store: 'secretsmanager', key, accountId, region,
 * });
 * token.grantRead(fn);
 * ```
 */
export class SecureSecret extends Construct {
  readonly name: string;
  readonly store: SecretStore;
  /**
   * The ARN grants name, built from configuration. Secrets Manager appends six random characters to a
   * secret's ARN: this is the pattern that matches exactly this secret (`<name>-??????`).
   */
  readonly arn: string;
  /** The resource: `aws_secretsmanager_secret` or `aws_ssm_parameter`. */
  readonly resource: SecretsmanagerSecret | SsmParameter;
  readonly #key: EncryptionKey;
  readonly #account: { readonly accountId: string; readonly partition: string };
  readonly #region: string;

  constructor(scope: Construct, id: string, props: SecureSecretProps) {
    super(scope, id);
    const partition = props.partition ?? Defaults.PARTITION;
    this.#validate(props);
    this.name = props.name;
    this.store = props.store;
    this.#key = props.key;
    this.#account = { accountId: props.accountId, partition };
    this.#region = props.region;
    const description = props.description ?? '';
    if (props.store === 'secretsmanager') {
      this.arn = `arn:${partition}:secretsmanager:${props.region}:${props.accountId}:secret:${props.name}-??????`;
      this.resource = new SecretsmanagerSecret(this, 'secret', {
        name: props.name,
        description,
        kmsKeyId: props.key.keyArn,
        recoveryWindowInDays: RECOVERY_WINDOW_DAYS,
      });
    } else {
      this.arn = `arn:${partition}:ssm:${props.region}:${props.accountId}:parameter${props.name}`;
      this.resource = new SsmParameter(this, 'parameter', {
        name: props.name,
        description,
        type: 'SecureString',
        keyId: props.key.keyArn,
        tier: 'Standard',
        valueWo: PLACEHOLDER,
        valueWoVersion: 1,
      });
    }
    // Whoever sets the value out of band writes through the store (GenerateDataKey for Secrets Manager,
    // Encrypt for Parameter Store); for Parameter Store, Terraform also decrypts on refresh. Through the
    // store and for this secret only; the principal's own IAM policy must allow the store's API too.
    allowKeyUse(props.key, this.#account, {
      label: `WritersOf${props.name}`,
      actions:
        props.store === 'secretsmanager'
          ? ['kms:GenerateDataKey']
          : ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      conditions: this.#kmsConditions(),
    });
  }

  /**
   * Lets the grantee read this secret and nothing else: `secretsmanager:GetSecretValue` on this secret, or
   * `ssm:GetParameter(s)` on this parameter, and `kms:Decrypt` only through that store and for this secret
   * (in the role policy and, for this role, in the key policy). The grantee reaches the store through its
   * VPC endpoint. Idempotent.
   *
   * @example
   * ```ts
   * secret.grantRead(fn);
   * ```
   */
  grantRead(grantee: IGrantee): Grant {
    if (!grantee.principalArn) {
      throw new InvalidPropError(
        grantee.grantPath,
        'principalArn',
        `${this.node.path} names each reader's role in the key policy; give the grantee a principalArn (its role ARN).`,
      );
    }
    const conditions = this.#kmsConditions();
    allowKeyUse(this.#key, this.#account, {
      label: `Read${this.name}`,
      principalArn: grantee.principalArn,
      actions: ['kms:Decrypt'],
      conditions,
    });
    const label = sid(this.store === 'secretsmanager' ? 'Secret' : 'Parameter', this.node.id);
    return applyGrant(
      grantee,
      [this.store],
      [
        {
          sid: sid('Read', label),
          actions:
            this.store === 'secretsmanager'
              ? ['secretsmanager:GetSecretValue']
              : ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [this.arn],
        },
        { sid: sid('Decrypt', label), actions: ['kms:Decrypt'], resources: [this.#key.keyArn], conditions },
      ],
    );
  }

  /** Through the store, for this secret: Secrets Manager's context is the full ARN (six random characters). */
  #kmsConditions(): PolicyCondition[] {
    return this.store === 'secretsmanager'
      ? [
          viaService('secretsmanager', this.#region),
          { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [this.arn] },
        ]
      : [
          viaService('ssm', this.#region),
          { test: 'StringEquals', variable: 'kms:EncryptionContext:PARAMETER_ARN', values: [this.arn] },
        ];
  }

  #validate(props: SecureSecretProps): void {
    const problem = (message: string) =>
      new InvalidPropError(this.node.path, 'name', `${JSON.stringify(props.name)}: ${message}`);
    if (Token.isUnresolved(props.name)) {
      throw new InvalidPropError(
        this.node.path,
        'name',
        'pass the literal name from configuration: the grants are built from it.',
      );
    }
    if (props.store !== 'secretsmanager' && props.store !== 'ssm') {
      throw new InvalidPropError(
        this.node.path,
        'store',
        `${JSON.stringify(props.store)}: use "secretsmanager" or "ssm".`,
      );
    }
    if (props.store === 'secretsmanager') {
      if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(props.name)) {
        throw problem("use 1-512 letters, digits and /_+=.@- (Secrets Manager's rule).");
      }
      return;
    }
    if (!/^\/[A-Za-z0-9_.\-/]+$/.test(props.name) || props.name.endsWith('/') || props.name.includes('//')) {
      throw problem(
        'use a path such as "/app/db-password": a leading "/", then letters, digits and _.-/ with no empty level.',
      );
    }
    if (/^\/(aws|ssm)/i.test(props.name)) {
      throw problem('names that begin with "aws" or "ssm" are reserved by AWS; choose another first level.');
    }
    if (props.name.split('/').length - 1 > SSM_MAX_DEPTH) {
      throw problem(`Parameter Store allows at most ${SSM_MAX_DEPTH} levels.`);
    }
    if (props.name.length > 1011) {
      throw problem('Parameter Store names are at most 1011 characters.');
    }
  }
}
