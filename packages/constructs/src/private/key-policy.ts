import { createHash } from 'node:crypto';
import type { EncryptionKey } from '../encryption-key';
import { InvalidPropError } from '../errors';
import { type PolicyCondition, sid } from '../grants';
import { PolicyDocument } from './policy-document';

/**
 * Key-policy statements the triggers and secrets need that `EncryptionKey`'s grant methods cannot express
 * today: use through Scheduler, Secrets Manager and SSM (its `viaService` takes sqs, sns, s3 and logs), a
 * `StringLike` encryption context (a secret's ARN ends in six random characters), and a role's use without
 * `kms:ViaService` but under one encryption context without the app-data denies (Scheduler decrypts a
 * schedule's payload with the execution role it assumes, while the deployer encrypts it at create time
 * through Scheduler: `grantDecrypt` would deny the deployer that context).
 *
 * Each statement is written the way `EncryptionKey` writes its own grants: the account principal (so KMS
 * accepts the policy before the role exists), held to one role by `aws:PrincipalArn` or to one service by
 * `kms:ViaService`, and to the grant's conditions. It is added to the key's own policy document, so the
 * synth invariants (TM-KMS-01) hold it to the same rule as every other statement.
 */
export interface KeyUseStatement {
  /** Readable part of the sid; a hash of the statement keeps it unique. */
  readonly label: string;
  readonly actions: readonly string[];
  readonly conditions: readonly PolicyCondition[];
  /** The role the statement is for (`aws:PrincipalArn`), or none for a service-bound account statement. */
  readonly principalArn?: string;
}

/**
 * Adds one statement to the key's policy. Idempotent (same statement, same sid).
 *
 * @example
 * ```ts
 * allowKeyUse(key, { accountId, partition }, {
 *   label: 'SchedulerRole', principalArn: roleArn, actions: ['kms:Decrypt'],
 *   conditions: [{ test: 'StringEquals', variable: 'kms:EncryptionContext:aws:scheduler:schedule:arn', values: [arn] }],
 * });
 * ```
 */
export function allowKeyUse(
  key: EncryptionKey,
  account: { readonly accountId: string; readonly partition: string },
  statement: KeyUseStatement,
): void {
  const policy = key.node.tryFindChild('policy');
  if (!(policy instanceof PolicyDocument)) {
    throw new InvalidPropError(
      key.node.path,
      'key',
      'the key has no policy document to add the grant to; pass an EncryptionKey from @secure-lambda/constructs.',
    );
  }
  const bound = statement.principalArn
    ? [{ test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [statement.principalArn] }]
    : [];
  const conditions = [...bound, ...statement.conditions];
  if (!conditions.some((c) => c.variable === 'aws:PrincipalArn' || c.variable === 'kms:ViaService')) {
    // The rule every other use statement of the key keeps (synth invariants, TM-KMS-01).
    throw new InvalidPropError(
      key.node.path,
      'statement',
      `"${statement.label}" would let the whole account use the key: bind it to a role or to one service.`,
    );
  }
  const digest = createHash('sha256')
    .update(JSON.stringify([statement.principalArn ?? '', statement.actions, statement.conditions]))
    .digest('hex')
    .slice(0, 8);
  policy.add({
    sid: sid('Use', statement.label, digest).slice(0, 100),
    principals: [{ type: 'AWS', identifiers: [`arn:${account.partition}:iam::${account.accountId}:root`] }],
    actions: [...statement.actions],
    resources: ['*'],
    conditions,
  });
}

/** `kms:ViaService = <service>.<region>.amazonaws.com`. */
export function viaService(service: string, region: string): PolicyCondition {
  return { test: 'StringEquals', variable: 'kms:ViaService', values: [`${service}.${region}.amazonaws.com`] };
}
