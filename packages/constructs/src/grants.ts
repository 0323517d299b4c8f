/**
 * Least-privilege grants, CDK style: a resource's `grantX(grantee, options)` adds exactly the
 * statements needed to the grantee's role, and returns what it added. Statements are keyed by `sid`,
 * so granting twice adds nothing.
 */

/** One IAM condition block (`aws_iam_policy_document` `condition`). */
export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

/** One IAM statement. Rendered into an `aws_iam_policy_document` data source on the grantee. */
export interface PolicyStatement {
  /** Unique within the role; used for idempotence. Letters and digits only (IAM's rule). */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** @default [] */
  readonly conditions?: readonly PolicyCondition[];
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  /**
   * Why `Resource: "*"` is needed, when `resources` is `["*"]`. Required in that case: it is kept next
   * to the statement for reviewers and checked by the synth invariants.
   * @default undefined
   */
  readonly wildcardReason?: string;
}

/** AWS services a grantee reaches, so a private network can create exactly the endpoints it needs. */
export type AwsService =
  | 'kms'
  | 'logs'
  | 's3'
  | 'sqs'
  | 'sns'
  | 'monitoring'
  | 'xray'
  | 'lambda'
  | 'sts'
  | 'codedeploy'
  | 'secretsmanager'
  | 'ssm';

/** Anything with an IAM role that grants can add statements to (a `SecureFunction`). */
export interface IGrantee {
  /** The construct path, for error messages. */
  readonly grantPath: string;
  /**
   * The role's ARN, built from configuration: key policies name the grantee by it (`aws:PrincipalArn`).
   * Required by key grants. @default undefined
   */
  readonly principalArn?: string;
  /** Adds a statement unless one with the same `sid` exists; returns the statement in the policy. */
  addToRolePolicy(statement: PolicyStatement): PolicyStatement;
  /** Records that the grantee calls this service (for VPC endpoints). */
  useService(service: AwsService): void;
}

/** What a grant method returns: the statements now on the grantee for this grant. */
export interface Grant {
  readonly grantee: IGrantee;
  readonly statements: readonly PolicyStatement[];
}

/** Adds statements and the services they need, returning the grant. */
export function applyGrant(
  grantee: IGrantee,
  services: readonly AwsService[],
  statements: readonly PolicyStatement[],
): Grant {
  for (const service of services) grantee.useService(service);
  return { grantee, statements: statements.map((s) => grantee.addToRolePolicy(s)) };
}

/** IAM sids allow only [A-Za-z0-9]. */
export function sid(...parts: readonly string[]): string {
  return parts
    .map((p) => p.replace(/[^A-Za-z0-9]/g, ''))
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
