/** Fixed values and small reference tables of the reviewer. Each table says where its content comes from. */

/** Severities, most severe first. */
export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A larger rank is more severe; `--fail-on` compares ranks. */
export const SEVERITY_RANK = { high: 3, medium: 2, low: 1, info: 0 } as const satisfies Record<
  Severity,
  number
>;

/** Accepted values of `--fail-on`: a severity, or `none` to never fail on findings. */
export const FAIL_ON_VALUES = ['high', 'medium', 'low', 'none'] as const;
export type FailOn = (typeof FAIL_ON_VALUES)[number];

export const OUTPUT_FORMATS = ['text', 'markdown', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const Defaults = {
  /** Where `scripts/plan.mjs` writes `terraform show -json` of each stack. */
  PLAN_DIR: 'cdktf.out/plans',
  FORMAT: 'text',
  FAIL_ON: 'high',
  /**
   * Longest rendering of one before/after value in the Markdown report. A PR comment is limited to
   * 65,536 characters; a whole key policy can be several thousand.
   */
  MAX_MARKDOWN_VALUE_CHARS: 1_500,
} as const satisfies {
  PLAN_DIR: string;
  FORMAT: OutputFormat;
  FAIL_ON: FailOn;
  MAX_MARKDOWN_VALUE_CHARS: number;
};

/** Exit codes of the CLI. */
export const ExitCode = {
  /** No finding reaches the `--fail-on` threshold. */
  OK: 0,
  /** At least one finding reaches the threshold. */
  FINDINGS: 1,
  /** Bad input: unreadable file, not a plan, unsupported format, unknown option. */
  BAD_INPUT: 2,
} as const;

/**
 * The major version of the plan JSON format this reviewer reads. Terraform documents that a change in the
 * major version is incompatible; minor versions only add fields (terraform 1.11 writes "1.2").
 */
export const SUPPORTED_FORMAT_MAJOR = 1;

/** Files in the plan folder that are reports, not plans (the reviewer's own output, e.g. review.md). */
export const REPORT_FILE_PREFIX = 'review.';

/** What the reports print instead of a value. */
export const Placeholder = {
  SENSITIVE: '(sensitive)',
  UNKNOWN: '(known after apply)',
} as const;

/** Addresses that let any host on the internet in, or out to it. */
export const WORLD_CIDRS = ['0.0.0.0/0', '::/0'] as const;

/** Ports whose exposure to the internet is the classic remote-administration risk (SSH, RDP). */
export const ADMIN_PORTS = [22, 3389] as const;

/**
 * IAM actions that accept only `Resource: "*"` (the service offers no resource-level permission), so a
 * statement of only these actions on `*` is not a wildcard finding. From the Service Authorization
 * Reference; kept to the actions platforms like this one need. Patterns are matched case-insensitively.
 */
export const RESOURCE_STAR_ONLY_ACTIONS = [
  'ec2:Describe*',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
  'cloudwatch:PutMetricData',
  // A CodeDeploy lifecycle hook reports its result; the action has no resource types.
  'codedeploy:PutLifecycleEventHookExecutionStatus',
  'logs:DescribeLogGroups',
  'sts:GetCallerIdentity',
  'kms:ListKeys',
  'kms:ListAliases',
  'kms:CreateKey',
  's3:ListAllMyBuckets',
  'iam:ListRoles',
  'iam:ListPolicies',
  'lambda:ListFunctions',
  'sqs:ListQueues',
  'sns:ListTopics',
] as const;

/**
 * Condition keys that tie a statement with `Principal: "*"` to an account, organization, network or
 * calling resource, so the statement is not public. AWS's own guidance for resource policies.
 */
export const NARROWING_CONDITION_KEYS = [
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:userid',
  'aws:username',
  'kms:calleraccount',
] as const;

/**
 * AWS-managed policies that grant administrator-like access. Attaching one is high severity whatever the
 * principal. Any `arn:aws:iam::aws:policy/...FullAccess` counts as well (matched by suffix).
 */
export const ADMIN_LIKE_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/PowerUserAccess',
  'arn:aws:iam::aws:policy/IAMFullAccess',
  'arn:aws:iam::aws:policy/job-function/SystemAdministrator',
  'arn:aws:iam::aws:policy/job-function/NetworkAdministrator',
  'arn:aws:iam::aws:policy/job-function/DatabaseAdministrator',
] as const;

/**
 * Lambda runtimes AWS has deprecated (no security patches; creating functions is blocked later), as of
 * AWS's Lambda runtime deprecation policy in 2025/2026. `nodejs22.x` is the current Node.js runtime
 * of this platform (DESIGN.md); `nodejs20.x` reached end of support in April 2026. Update the table when
 * AWS announces the next dates. A runtime not listed here is treated as supported.
 */
export const DEPRECATED_LAMBDA_RUNTIMES = [
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'nodejs18.x',
  'nodejs20.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
  'python3.9',
  'java8',
  'go1.x',
  'provided',
  'ruby2.5',
  'ruby2.7',
  'ruby3.2',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'dotnetcore2.1',
  'dotnetcore3.1',
  'dotnet5.0',
  'dotnet6',
  'dotnet7',
] as const;

/** Resource types whose destruction loses data (keys and log groups have rules of their own). */
export const STATEFUL_RESOURCE_TYPES = [
  'aws_s3_bucket',
  'aws_sqs_queue',
  'aws_dynamodb_table',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_efs_file_system',
  'aws_ebs_volume',
  'aws_secretsmanager_secret',
  'aws_backup_vault',
] as const;
