/** Fixed values and small reference tables of the reviewer. Each table says where its content comes from. */
import { NODE_RUNTIMES } from '@secure-lambda/contracts/runtime';

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
 * The day AWS deprecates each Lambda runtime (no security patches from then on; creating and then updating
 * functions is blocked later), `YYYY-MM-DD` UTC. The Node.js rows come from the platform's runtime table
 * (`NODE_RUNTIMES` of `@secure-lambda/contracts/runtime`, which also holds the block dates); the others are
 * AWS's dates for the runtimes the review has to recognise in any plan, from AWS's "Lambda runtimes" page.
 * A runtime is deprecated on and after its day, so the same plan is judged by the day it is reviewed on.
 * A runtime not listed here is treated as supported. Update a row when AWS announces other dates.
 */
export const LAMBDA_RUNTIME_DEPRECATIONS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(NODE_RUNTIMES.map((row) => [row.runtime, row.deprecation])),
  'nodejs16.x': '2024-06-12',
  'nodejs14.x': '2023-12-04',
  'nodejs12.x': '2023-03-31',
  'nodejs10.x': '2021-07-30',
  'nodejs8.10': '2020-03-06',
  'nodejs6.10': '2019-08-12',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2020-03-05',
  nodejs: '2016-10-31',
  'python3.13': '2029-06-30',
  'python3.12': '2028-10-31',
  'python3.11': '2026-06-30',
  'python3.10': '2026-06-30',
  'python3.9': '2025-12-15',
  'python3.8': '2024-10-14',
  'python3.7': '2023-12-04',
  'python3.6': '2022-07-18',
  'python2.7': '2021-07-15',
  java21: '2029-06-30',
  java17: '2026-06-30',
  java11: '2026-06-30',
  'java8.al2': '2026-06-30',
  java8: '2024-01-08',
  dotnet8: '2026-11-10',
  dotnet7: '2024-05-14',
  dotnet6: '2024-11-12',
  'dotnet5.0': '2022-05-10',
  'dotnetcore3.1': '2023-04-03',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore1.0': '2019-07-27',
  'ruby3.3': '2027-03-31',
  'ruby3.2': '2026-03-31',
  'ruby2.7': '2023-11-27',
  'ruby2.5': '2021-07-30',
  'provided.al2023': '2029-06-30',
  'provided.al2': '2026-06-30',
  provided: '2024-01-08',
  'go1.x': '2024-01-08',
};

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
