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
 * Actions that let their holder raise its own privileges (or another principal's) whatever resource they
 * name: rewriting or attaching policies, minting credentials, rewriting trust, dropping a boundary. From
 * the well-known IAM privilege-escalation paths (Rhino Security Labs' list and AWS's own guidance).
 * Matched case-insensitively against the actions a pattern expands to.
 */
export const PRIVILEGE_ESCALATION_ACTIONS = [
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:UpdateAssumeRolePolicy',
  'iam:AddUserToGroup',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
] as const;

/**
 * Actions that escalate when granted on every resource of their type (`role/*`, `function:*`, `*`):
 * passing any role to a service, rewriting any function's code or configuration (and so running as its
 * role), assuming any role, running commands on any instance. On one named resource they are ordinary.
 */
export const BROAD_ESCALATION_ACTIONS = [
  'iam:PassRole',
  'sts:AssumeRole',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:AddPermission',
  'lambda:CreateFunction',
  'ssm:SendCommand',
  'ssm:StartSession',
  'ec2:RunInstances',
  'glue:UpdateDevEndpoint',
  'cloudformation:CreateStack',
  'cloudformation:UpdateStack',
  'codebuild:StartBuild',
] as const;

/**
 * AWS-managed policies that grant administrator-like access. Attaching one is high severity whatever the
 * principal. Besides these, any AWS-managed policy whose name says it grants a whole service or data on
 * everything counts (matched by name in `isAdminLike`, `ADMIN_LIKE_NAME_PATTERNS`).
 */
export const ADMIN_LIKE_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/PowerUserAccess',
  'arn:aws:iam::aws:policy/IAMFullAccess',
  'arn:aws:iam::aws:policy/ReadOnlyAccess',
  'arn:aws:iam::aws:policy/job-function/SystemAdministrator',
  'arn:aws:iam::aws:policy/job-function/NetworkAdministrator',
  'arn:aws:iam::aws:policy/job-function/DatabaseAdministrator',
  'arn:aws:iam::aws:policy/job-function/DataScientist',
] as const;

/**
 * Name patterns of AWS-managed policies (the part after `policy/`, any path) that grant every action of a
 * service (`AWSLambda_FullAccess`, `AmazonS3FullAccess`, `AdministratorAccess-Amplify`), read-write on
 * every secret (`SecretsManagerReadWrite`), or read on all the data of a data service
 * (`AmazonS3ReadOnlyAccess`, `AmazonDynamoDBReadOnlyAccess`): data access on everything.
 */
export const ADMIN_LIKE_NAME_PATTERNS = [
  /FullAccess(V\d+)?$/,
  /AdministratorAccess/,
  /PowerUser(Access)?$/,
  /ReadWrite(Access)?$/,
  /^Amazon(S3|DynamoDB|RDSData|Kinesis|SQS|SSM)ReadOnlyAccess$/,
] as const;

/**
 * Lambda runtimes AWS has deprecated (no security patches; creating functions is blocked later), as of
 * AWS's Lambda runtime deprecation policy in 2025/2026. `nodejs22.x` is the current Node.js runtime
 * of this platform (`SecureFunction`'s runtime); `nodejs20.x` reached end of support in April 2026. Update the table when
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
