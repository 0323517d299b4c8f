import type { Severity } from '../constants';

/** One rule of the reviewer: a stable id, its area, the severities it can report and what it looks for. */
export interface RuleInfo {
  readonly id: string;
  readonly area: 'iam' | 'kms' | 'network' | 'logging' | 'data' | 'lambda' | 'audit' | 'review';
  /** Every severity the rule reports, most severe first; the README says which situation gets which. */
  readonly severities: readonly Severity[];
  readonly title: string;
}

/**
 * Every rule id the reviewer can report. Ids are stable: tooling and suppressions may key on them.
 * The README section "Rules" documents each one; a test keeps the two in step.
 */
export const RULES = {
  'iam.wildcard-action': {
    id: 'iam.wildcard-action',
    area: 'iam',
    severities: ['high'],
    title: 'An identity policy allows `*`, `service:*` or uses NotAction in an Allow',
  },
  'iam.wildcard-resource': {
    id: 'iam.wildcard-resource',
    area: 'iam',
    severities: ['high'],
    title: 'An identity policy allows actions on `Resource: "*"` (or NotResource) that support narrower ARNs',
  },
  'iam.policy-widened': {
    id: 'iam.policy-widened',
    area: 'iam',
    severities: ['medium'],
    title: 'An existing identity policy (or a new one on an existing role) allows new actions or resources',
  },
  'iam.condition-removed': {
    id: 'iam.condition-removed',
    area: 'iam',
    severities: ['medium'],
    title: 'An Allow statement loses or loosens a condition',
  },
  'iam.deny-removed': {
    id: 'iam.deny-removed',
    area: 'iam',
    severities: ['medium'],
    title: 'A Deny statement is removed or narrowed',
  },
  'iam.trust-widened': {
    id: 'iam.trust-widened',
    area: 'iam',
    severities: ['high'],
    title: 'A role trust policy gains a principal or loses a condition',
  },
  'iam.resource-policy-widened': {
    id: 'iam.resource-policy-widened',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A bucket, queue or topic policy grants more (high when public or `Action: "*"`)',
  },
  'iam.managed-policy-attached': {
    id: 'iam.managed-policy-attached',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A managed policy is attached to an existing principal (high for administrator-like policies)',
  },
  'iam.permissions-boundary-removed': {
    id: 'iam.permissions-boundary-removed',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A permissions boundary is removed (high) or replaced (medium)',
  },
  'iam.lambda-permission-public': {
    id: 'iam.lambda-permission-public',
    area: 'iam',
    severities: ['high'],
    title: 'A Lambda resource policy statement allows principal `*`',
  },
  'iam.lambda-permission-unscoped': {
    id: 'iam.lambda-permission-unscoped',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A Lambda permission for a service loses (or lacks) `source_arn`/`source_account`',
  },
  'iam.privilege-escalation': {
    id: 'iam.privilege-escalation',
    area: 'iam',
    severities: ['high'],
    title:
      'An identity policy allows privilege escalation: policy rewriting or attachment, new credentials, trust rewriting, or passing/assuming/rewriting every role or function',
  },
  'iam.lambda-permission-cross-account': {
    id: 'iam.lambda-permission-cross-account',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A Lambda permission lets another account (or a whole organization) invoke or manage the function',
  },
  'iam.access-key-created': {
    id: 'iam.access-key-created',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A long-lived access key is created or re-activated for a user',
  },
  'iam.group-membership-added': {
    id: 'iam.group-membership-added',
    area: 'iam',
    severities: ['high', 'medium'],
    title: 'A user joins a group and gains its permissions',
  },
  'iam.function-role-changed': {
    id: 'iam.function-role-changed',
    area: 'iam',
    severities: ['medium'],
    title: "A function's execution role changes to another role: the code runs with that role's permissions",
  },
  'kms.grant-added': {
    id: 'kms.grant-added',
    area: 'kms',
    severities: ['high', 'medium'],
    title: 'A KMS grant lets a principal use a key (high for another account or grant-creating grants)',
  },
  'kms.rotation-disabled': {
    id: 'kms.rotation-disabled',
    area: 'kms',
    severities: ['high', 'medium'],
    title: 'Key rotation is turned off (high) or a new symmetric key has none (medium)',
  },
  'kms.key-deleted': {
    id: 'kms.key-deleted',
    area: 'kms',
    severities: ['high'],
    title: 'A KMS key is destroyed or replaced (scheduled for deletion: data encrypted under it is lost)',
  },
  'kms.key-disabled': {
    id: 'kms.key-disabled',
    area: 'kms',
    severities: ['medium'],
    title: 'A KMS key is disabled',
  },
  'kms.key-policy-widened': {
    id: 'kms.key-policy-widened',
    area: 'kms',
    severities: ['high', 'medium'],
    title: 'A key policy grants more (high when public or `Action: "*"`)',
  },
  'kms.alias-retargeted': {
    id: 'kms.alias-retargeted',
    area: 'kms',
    severities: ['medium'],
    title: 'A KMS alias points at another key',
  },
  'kms.encryption-removed': {
    id: 'kms.encryption-removed',
    area: 'kms',
    severities: ['high'],
    title: 'Customer-managed-key encryption is removed from logs, a queue, a topic, a bucket or a function',
  },
  'kms.encryption-weakened': {
    id: 'kms.encryption-weakened',
    area: 'kms',
    severities: ['medium'],
    title: 'Encryption moves from a customer-managed key to an AWS-managed or AWS-owned key',
  },
  'kms.deletion-window-lowered': {
    id: 'kms.deletion-window-lowered',
    area: 'kms',
    severities: ['low'],
    title: 'The deletion window of a KMS key is shortened (less time to cancel a deletion)',
  },
  'network.sg-open-to-world': {
    id: 'network.sg-open-to-world',
    area: 'network',
    severities: ['high', 'medium', 'low', 'info'],
    title:
      'A security group newly admits the internet (a world or internet-wide range, or a union of ranges covering it): ingress high, egress medium, ICMP low, path-MTU ICMP info',
  },
  'network.port-range-widened': {
    id: 'network.port-range-widened',
    area: 'network',
    severities: ['medium'],
    title: 'A security-group or NACL rule covers more ports or protocols for the same peer',
  },
  'network.nacl-open-to-world': {
    id: 'network.nacl-open-to-world',
    area: 'network',
    severities: ['high', 'medium', 'low', 'info'],
    title: 'A network ACL allows traffic from or to the internet (0.0.0.0/0, ::/0 or an internet-wide range)',
  },
  'network.vpc-detached': {
    id: 'network.vpc-detached',
    area: 'network',
    severities: ['high'],
    title: 'A function leaves its VPC (vpc_config removed or emptied)',
  },
  'network.gateway-added': {
    id: 'network.gateway-added',
    area: 'network',
    severities: ['medium'],
    title: 'An internet, egress-only or NAT gateway is added',
  },
  'network.endpoint-removed': {
    id: 'network.endpoint-removed',
    area: 'network',
    severities: ['medium'],
    title: 'A VPC endpoint is destroyed',
  },
  'network.endpoint-policy-widened': {
    id: 'network.endpoint-policy-widened',
    area: 'network',
    severities: ['high', 'medium'],
    title: 'A VPC endpoint policy grants more or is removed (high when public, `*` or full access)',
  },
  'network.flow-log-removed': {
    id: 'network.flow-log-removed',
    area: 'network',
    severities: ['medium'],
    title: 'A VPC flow log is destroyed',
  },
  'network.default-sg-rules': {
    id: 'network.default-sg-rules',
    area: 'network',
    severities: ['high'],
    title: 'The default security group gains rules',
  },
  'network.prefix-list-widened': {
    id: 'network.prefix-list-widened',
    area: 'network',
    severities: ['high', 'medium', 'low'],
    title:
      'A managed prefix list gains ranges: high when it now holds the internet, medium for public, low for private ranges',
  },
  'network.rule-moved': {
    id: 'network.rule-moved',
    area: 'network',
    severities: ['medium'],
    title: 'A security-group rule now belongs to another security group',
  },
  'network.route-to-internet': {
    id: 'network.route-to-internet',
    area: 'network',
    severities: ['high', 'medium'],
    title:
      'A route (or a subnet moved to a route table) sends internet-wide traffic to an internet gateway (high) or a NAT/egress-only gateway (medium)',
  },
  'network.peering-added': {
    id: 'network.peering-added',
    area: 'network',
    severities: ['high', 'medium'],
    title: 'A VPC peering connection is created (high with another account, or when accepting one)',
  },
  'network.flow-log-narrowed': {
    id: 'network.flow-log-narrowed',
    area: 'network',
    severities: ['medium'],
    title: 'A flow log records only ACCEPT or REJECT traffic instead of ALL',
  },
  'logging.retention-lowered': {
    id: 'logging.retention-lowered',
    area: 'logging',
    severities: ['medium'],
    title: 'Log retention is lowered',
  },
  'logging.retention-infinite': {
    id: 'logging.retention-infinite',
    area: 'logging',
    severities: ['low'],
    title: 'Log retention becomes infinite (0 or unset)',
  },
  'logging.log-group-destroyed': {
    id: 'logging.log-group-destroyed',
    area: 'logging',
    severities: ['high'],
    title: 'A log group is destroyed or replaced (its events are deleted)',
  },
  'logging.tracing-disabled': {
    id: 'logging.tracing-disabled',
    area: 'logging',
    severities: ['medium'],
    title: 'Active X-Ray tracing of a function is turned off',
  },
  'logging.alarm-removed': {
    id: 'logging.alarm-removed',
    area: 'logging',
    severities: ['medium'],
    title: 'A CloudWatch alarm is destroyed',
  },
  'logging.alarm-actions-disabled': {
    id: 'logging.alarm-actions-disabled',
    area: 'logging',
    severities: ['medium'],
    title: 'An alarm stops notifying (actions_enabled false or alarm actions removed)',
  },
  'data.stateful-destroyed': {
    id: 'data.stateful-destroyed',
    area: 'data',
    severities: ['high'],
    title: 'A stateful resource (bucket, queue, table, database, ...) is destroyed or replaced',
  },
  'data.public-access-weakened': {
    id: 'data.public-access-weakened',
    area: 'data',
    severities: ['high', 'medium'],
    title: 'An S3 public access block is weakened or removed (medium when a new block is not complete)',
  },
  'data.versioning-suspended': {
    id: 'data.versioning-suspended',
    area: 'data',
    severities: ['medium'],
    title: 'Bucket versioning is suspended or its configuration removed',
  },
  'data.tls-only-removed': {
    id: 'data.tls-only-removed',
    area: 'data',
    severities: ['high'],
    title: 'A bucket policy loses its Deny on `aws:SecureTransport = false`',
  },
  'data.bucket-acl-public': {
    id: 'data.bucket-acl-public',
    area: 'data',
    severities: ['high'],
    title: 'A bucket ACL grants access to everyone or to every AWS account',
  },
  'data.lifecycle-expiry': {
    id: 'data.lifecycle-expiry',
    area: 'data',
    severities: ['high', 'medium'],
    title:
      'A lifecycle rule deletes objects sooner (high for current objects, medium for noncurrent versions only)',
  },
  'data.force-destroy-enabled': {
    id: 'data.force-destroy-enabled',
    area: 'data',
    severities: ['medium'],
    title: '`force_destroy` is turned on: a later destroy deletes every object without asking',
  },
  'data.database-public': {
    id: 'data.database-public',
    area: 'data',
    severities: ['high'],
    title: 'A database instance becomes (or is created) publicly accessible',
  },
  'data.snapshot-shared': {
    id: 'data.snapshot-shared',
    area: 'data',
    severities: ['high', 'medium'],
    title: 'A database snapshot is shared with every account (high) or another account (medium)',
  },
  'lambda.url-public': {
    id: 'lambda.url-public',
    area: 'lambda',
    severities: ['high'],
    title: 'A function URL with `authorization_type = "NONE"`',
  },
  'lambda.runtime-deprecated': {
    id: 'lambda.runtime-deprecated',
    area: 'lambda',
    severities: ['medium'],
    title: 'A function is created with or moved to a deprecated runtime',
  },
  'lambda.runtime-downgraded': {
    id: 'lambda.runtime-downgraded',
    area: 'lambda',
    severities: ['low'],
    title: 'A function moves to an older (still supported) version of its runtime',
  },
  'lambda.concurrency-removed': {
    id: 'lambda.concurrency-removed',
    area: 'lambda',
    severities: ['medium'],
    title: 'Reserved concurrency is removed',
  },
  'lambda.dlq-removed': {
    id: 'lambda.dlq-removed',
    area: 'lambda',
    severities: ['medium'],
    title: 'The dead-letter target of a function is removed',
  },
  'lambda.code-signing-removed': {
    id: 'lambda.code-signing-removed',
    area: 'lambda',
    severities: ['high'],
    title: 'Code signing is removed from a function, or a signing config stops enforcing',
  },
  'lambda.code-loading-config': {
    id: 'lambda.code-loading-config',
    area: 'lambda',
    severities: ['high'],
    title:
      'A function gains a layer, or a code-loading environment variable (NODE_OPTIONS, LD_PRELOAD, AWS_LAMBDA_EXEC_WRAPPER, ...) outside the allow-list',
  },
  'lambda.url-direct-invoke': {
    id: 'lambda.url-direct-invoke',
    area: 'lambda',
    severities: ['high', 'medium'],
    title:
      'A new grant of lambda:InvokeFunction on a function behind a Function URL without lambda:InvokedViaFunctionUrl = true (a direct invoke with any event)',
  },
  'lambda.alias-changed': {
    id: 'lambda.alias-changed',
    area: 'lambda',
    severities: ['info'],
    title: 'An alias moves to another version or changes its traffic routing',
  },
  'lambda.secret-in-environment': {
    id: 'lambda.secret-in-environment',
    area: 'lambda',
    severities: ['high', 'medium'],
    title:
      'An environment variable holds what looks like a credential (high) or a literal under a secret-like name (medium)',
  },
  'lambda.layer-foreign-account': {
    id: 'lambda.layer-foreign-account',
    area: 'lambda',
    severities: ['high'],
    title: 'A function loads a layer published by another account',
  },
  'lambda.event-source-foreign': {
    id: 'lambda.event-source-foreign',
    area: 'lambda',
    severities: ['medium'],
    title: 'A function consumes an event source (queue, stream, table) of another account',
  },
  'lambda.permission-moved': {
    id: 'lambda.permission-moved',
    area: 'lambda',
    severities: ['high', 'medium'],
    title:
      'A Lambda permission (or its grant to the public) now names another function: the new function gains the invokers',
  },
  'audit.trail-stopped': {
    id: 'audit.trail-stopped',
    area: 'audit',
    severities: ['high'],
    title: 'A CloudTrail trail stops logging or is deleted',
  },
  'audit.trail-weakened': {
    id: 'audit.trail-weakened',
    area: 'audit',
    severities: ['medium'],
    title: 'A trail loses log file validation, its other regions or global service events',
  },
  'audit.detection-disabled': {
    id: 'audit.detection-disabled',
    area: 'audit',
    severities: ['high'],
    title: 'GuardDuty, AWS Config recording or Security Hub is disabled or deleted',
  },
  'review.unknown-until-apply': {
    id: 'review.unknown-until-apply',
    area: 'review',
    severities: ['high', 'medium', 'low'],
    title: 'A value a rule needs is known only after apply: cannot judge it in the plan',
  },
  'review.unreviewed-types': {
    id: 'review.unreviewed-types',
    area: 'review',
    severities: ['info'],
    title: 'Resource types the plan changes that no rule reviews (so a silent pass is visible)',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/** Every rule id, in catalog order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
