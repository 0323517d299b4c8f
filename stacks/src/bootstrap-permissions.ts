/**
 * What the CI roles may do, derived from what the platform stacks manage: one entry per Terraform resource
 * type, each a list of rules that say which calls Terraform makes to read (refresh, plan) and to write
 * (create, update, delete) resources of that type, and on which ARNs. The plan role gets every `read` rule,
 * the deploy role every rule plus the release calls of `secure-lambda release`.
 *
 * Scope: ARNs under the platform's name prefix (`secure-lambda-<env>-*`) wherever the service names its
 * resources by name. Where an ARN holds a random id (EC2, KMS keys, Route 53 Resolver firewall objects, code
 * signing configs), writes are scoped by the tags the platform puts on every resource (`PLATFORM_TAGS` and
 * `Environment`): `aws:RequestTag` when creating, `aws:ResourceTag` afterwards. Each rule whose resource is
 * `*` or a whole resource type of the account says why in `why`.
 *
 * stacks/test/bootstrap-permissions.test.ts synthesizes the platform stacks and fails when a resource type
 * they contain has no entry here, so a new type cannot ship without deciding its permissions.
 */
import { PLATFORM_TAGS } from './bootstrap-config';
import { ConfigError, StackErrorCode } from './errors';

/** Where the rules apply: one platform environment. */
export interface PermissionScope {
  /** @default 'aws' */
  readonly partition?: string;
  readonly accountId: string;
  readonly region: string;
  /** The environment name (`dev`), as in the `Environment` tag. */
  readonly environment: string;
  /**
   * The permissions boundary every platform role carries (`permissionsBoundaryArn` of the environment).
   * When set, the deploy role can create and change platform roles only with exactly this boundary.
   * @default undefined (no boundary required)
   */
  readonly permissionsBoundaryArn?: string;
}

/** IAM condition block: operator -> key -> values. */
export type IamConditions = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export type Access = 'read' | 'write';

/** One grant: calls, the ARNs they may touch, optional conditions. */
export interface PermissionRule {
  /** `read`: refresh and plan need it (both roles); `write`: only the deploy role. */
  readonly access: Access;
  readonly actions: readonly string[];
  readonly resources: (s: ResolvedScope) => readonly string[];
  readonly conditions?: (s: ResolvedScope) => IamConditions | undefined;
  /** Why the resource scope is `*` or a whole resource type of the account. Required for those. */
  readonly why?: string;
  /**
   * The rule reaches every resource of a type with no tag or name to narrow it (AWS offers nothing
   * narrower). Such rules go to their own policy, `<role>-type-wide`, which the plan review flags and the
   * team accepts by that address (.secure-lambda-review.json).
   */
  readonly typeWide?: true;
}

/** A scope with the names the rules build ARNs from. */
export interface ResolvedScope extends PermissionScope {
  readonly partition: string;
  /** `secure-lambda-<env>`. */
  readonly prefix: string;
  /** `secure_lambda_<env>_`: Signer profile names allow letters, digits and underscores only. */
  readonly signerPrefix: string;
}

export function resolveScope(scope: PermissionScope): ResolvedScope {
  return {
    partition: 'aws',
    ...scope,
    prefix: `secure-lambda-${scope.environment}`,
    signerPrefix: `secure_lambda_${scope.environment}_`,
  };
}

const arn = (s: ResolvedScope, service: string, resource: string, global = false): string =>
  `arn:${s.partition}:${service}:${global ? '' : s.region}:${s.accountId}:${resource}`;

/** Tags every platform resource carries (default_tags). */
const platformTagged = (s: ResolvedScope): IamConditions => ({
  StringEquals: {
    'aws:ResourceTag/Project': [PLATFORM_TAGS.Project],
    'aws:ResourceTag/Environment': [s.environment],
  },
});
/** A create call must carry the platform's tags: what it creates is then in scope of `platformTagged`. */
const platformTagging = (s: ResolvedScope): IamConditions => ({
  StringEquals: {
    'aws:RequestTag/Project': [PLATFORM_TAGS.Project],
    'aws:RequestTag/Environment': [s.environment],
  },
});

/**
 * Tagging at creation: the new resource has no tags yet, so `aws:ResourceTag` is absent (IfExists passes);
 * a resource tagged for another project or environment (the state key: `secure-lambda-bootstrap`) cannot be
 * retagged into scope. An untagged resource of the account could be: see docs/ci.md (residual risk).
 */
const taggingUntaggedOrOwn = (s: ResolvedScope): IamConditions => ({
  StringEquals: platformTagging(s).StringEquals!,
  StringEqualsIfExists: platformTagged(s).StringEquals!,
});

const WHY_DESCRIBE = 'List and Describe calls of this service have no resource-level permissions.';
const WHY_RANDOM_ID =
  'the ARN holds an id AWS picks at creation; the tag conditions (set on create, required afterwards) scope it instead.';

// --- ARNs by service ------------------------------------------------------------------------------------
const functions = (s: ResolvedScope) => [arn(s, 'lambda', `function:${s.prefix}-*`)];
const roles = (s: ResolvedScope) => [arn(s, 'iam', `role/${s.prefix}-*`, true)];
const policies = (s: ResolvedScope) => [arn(s, 'iam', `policy/${s.prefix}-*`, true)];
const buckets = (s: ResolvedScope) => [`arn:${s.partition}:s3:::${s.prefix}-*`];
/** Objects only in the artifacts bucket: the deployer uploads code bundles; data buckets stay out of reach. */
const artifactObjects = (s: ResolvedScope) => [`arn:${s.partition}:s3:::${s.prefix}-*-artifacts/*`];
const logGroups = (s: ResolvedScope) => [
  arn(s, 'logs', `log-group:/aws/lambda/${s.prefix}-*`),
  arn(s, 'logs', `log-group:/vpc/${s.prefix}/*`),
];
const alarms = (s: ResolvedScope) => [arn(s, 'cloudwatch', `alarm:${s.prefix}-*`)];
const topics = (s: ResolvedScope) => [arn(s, 'sns', `${s.prefix}-*`)];
const queues = (s: ResolvedScope) => [arn(s, 'sqs', `${s.prefix}-*`)];
const keys = (s: ResolvedScope) => [arn(s, 'kms', 'key/*')];
const aliases = (s: ResolvedScope) => [
  arn(s, 'kms', `alias/${s.prefix}`),
  arn(s, 'kms', `alias/${s.prefix}-*`),
];
const codedeployApps = (s: ResolvedScope) => [arn(s, 'codedeploy', `application:${s.prefix}-*`)];
const deploymentGroups = (s: ResolvedScope) => [arn(s, 'codedeploy', `deploymentgroup:${s.prefix}-*/*`)];
const signingProfiles = (s: ResolvedScope) => [arn(s, 'signer', `/signing-profiles/${s.signerPrefix}*`)];
const signingJobs = (s: ResolvedScope) => [arn(s, 'signer', '/signing-jobs/*')];
const eventSourceMappings = (s: ResolvedScope) => [arn(s, 'lambda', 'event-source-mapping:*')];
const codeSigningConfigs = (s: ResolvedScope) => [arn(s, 'lambda', 'code-signing-config:*')];
const firewall = (s: ResolvedScope, kind: string) => [arn(s, 'route53resolver', `${kind}/*`)];
const ec2 = (s: ResolvedScope, ...kinds: string[]) => kinds.map((kind) => arn(s, 'ec2', `${kind}/*`));
const secrets = (s: ResolvedScope) => [
  arn(s, 'secretsmanager', `secret:${s.prefix}-*`),
  arn(s, 'secretsmanager', `secret:${s.prefix}/*`),
];
const parameters = (s: ResolvedScope) => [
  arn(s, 'ssm', `parameter/${s.prefix}-*`),
  arn(s, 'ssm', `parameter/${s.prefix}/*`),
];
const schedules = (s: ResolvedScope) => [arn(s, 'scheduler', `schedule/*/${s.prefix}-*`)];
const scheduleGroups = (s: ResolvedScope) => [arn(s, 'scheduler', `schedule-group/${s.prefix}-*`)];
/** Scheduler encrypts a schedule's payload with the platform key under the schedule's ARN as context. */
const viaScheduler = (s: ResolvedScope): IamConditions => ({
  StringEquals: {
    ...platformTagged(s).StringEquals,
    'kms:ViaService': [`scheduler.${s.region}.amazonaws.com`],
  },
  ArnLike: { 'kms:EncryptionContext:aws:scheduler:schedule:arn': schedules(s) },
});
const everything = () => ['*'];

const read = (
  actions: readonly string[],
  resources: PermissionRule['resources'],
  extra: Omit<PermissionRule, 'access' | 'actions' | 'resources'> = {},
): PermissionRule => ({ access: 'read', actions, resources, ...extra });
const write = (
  actions: readonly string[],
  resources: PermissionRule['resources'],
  extra: Omit<PermissionRule, 'access' | 'actions' | 'resources'> = {},
): PermissionRule => ({ access: 'write', actions, resources, ...extra });

/** EC2 reads: Describe calls take no resource ARNs. */
const EC2_DESCRIBE = read(
  [
    'ec2:DescribeFlowLogs',
    'ec2:DescribeNetworkAcls',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribePrefixLists',
    'ec2:DescribeRouteTables',
    'ec2:DescribeSecurityGroupRules',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSubnets',
    'ec2:DescribeTags',
    'ec2:DescribeVpcEndpointServices',
    'ec2:DescribeVpcEndpoints',
    'ec2:DescribeVpcs',
  ],
  everything,
  { why: WHY_DESCRIBE },
);

/** DescribeVpcAttribute is the one EC2 read with a resource (the VPC); reading attributes is harmless. */
const EC2_VPC_ATTRIBUTES = read(['ec2:DescribeVpcAttribute'], (s) => ec2(s, 'vpc'), { why: WHY_RANDOM_ID });

/** The EC2 create calls whose tag-on-create `ec2:CreateTags` may run (`ec2:CreateAction`). */
const EC2_CREATE_ACTIONS = [
  'CreateFlowLogs',
  'CreateNetworkAcl',
  'CreateRouteTable',
  'CreateSecurityGroup',
  'CreateSubnet',
  'CreateVpc',
  'CreateVpcEndpoint',
  'AuthorizeSecurityGroupEgress',
  'AuthorizeSecurityGroupIngress',
];
const EC2_TAGGABLE = [
  'network-acl',
  'route-table',
  'security-group',
  'security-group-rule',
  'subnet',
  'vpc',
  'vpc-endpoint',
  'vpc-flow-log',
];
const EC2_TAG_ON_CREATE = write(['ec2:CreateTags'], (s) => ec2(s, ...EC2_TAGGABLE), {
  conditions: (s) => ({
    ...platformTagging(s),
    StringEquals: { ...platformTagging(s).StringEquals, 'ec2:CreateAction': EC2_CREATE_ACTIONS },
  }),
  why: WHY_RANDOM_ID,
});
const EC2_RETAG = write(['ec2:CreateTags', 'ec2:DeleteTags'], (s) => ec2(s, ...EC2_TAGGABLE), {
  conditions: platformTagged,
  why: WHY_RANDOM_ID,
});

/**
 * The VPC's default network ACL and security group exist untagged until Terraform adopts them
 * (aws_default_network_acl / aws_default_security_group empty them, then tag them). Only removing rules is
 * allowed on untagged ones, and tagging them only with the platform's tags.
 */
const EC2_ADOPT_DEFAULTS = [
  write(
    ['ec2:DeleteNetworkAclEntry', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'],
    (s) => ec2(s, 'network-acl', 'security-group'),
    {
      typeWide: true,
      why:
        'the default network ACL and security group of a new VPC carry no tags until Terraform adopts them; ' +
        'only rule removal is allowed on them, which cannot open anything.',
    },
  ),
  write(['ec2:CreateTags'], (s) => ec2(s, 'network-acl', 'security-group'), {
    conditions: platformTagging,
    why: 'adopting the untagged default network ACL and security group tags them with the platform tags.',
  }),
];

/** With a boundary configured, platform roles are created and changed only under it. */
const underBoundary = (s: ResolvedScope): IamConditions | undefined =>
  s.permissionsBoundaryArn
    ? { StringEquals: { 'iam:PermissionsBoundary': [s.permissionsBoundaryArn] } }
    : undefined;

const iamRoleRead = read(
  [
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:ListAttachedRolePolicies',
    'iam:ListInstanceProfilesForRole',
    'iam:ListRolePolicies',
    'iam:ListRoleTags',
  ],
  roles,
);

/**
 * The table, keyed by Terraform resource type (`resource` blocks; data sources are in DATA_SOURCE_PERMISSIONS).
 * Issue "Your functions on the platform" adds the queue-trigger, schedule and secret types; they are listed
 * now so the deploy role does not lag the stacks.
 */
export const RESOURCE_PERMISSIONS: Readonly<Record<string, readonly PermissionRule[]>> = {
  aws_cloudwatch_log_group: [
    read(['logs:DescribeLogGroups'], everything, {
      why: 'DescribeLogGroups has no resource-level permissions.',
    }),
    read(['logs:ListTagsForResource', 'logs:ListTagsLogGroup'], logGroups),
    write(
      [
        'logs:AssociateKmsKey',
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:DeleteRetentionPolicy',
        'logs:PutRetentionPolicy',
        'logs:TagLogGroup',
        'logs:TagResource',
        'logs:UntagLogGroup',
        'logs:UntagResource',
      ],
      logGroups,
    ),
  ],
  aws_cloudwatch_metric_alarm: [
    read(['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], alarms),
    write(
      [
        'cloudwatch:DeleteAlarms',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      alarms,
    ),
  ],
  aws_codedeploy_app: [
    read(['codedeploy:GetApplication', 'codedeploy:ListTagsForResource'], codedeployApps),
    write(
      [
        'codedeploy:CreateApplication',
        'codedeploy:DeleteApplication',
        'codedeploy:TagResource',
        'codedeploy:UntagResource',
        'codedeploy:UpdateApplication',
      ],
      codedeployApps,
    ),
  ],
  aws_codedeploy_deployment_group: [
    read(['codedeploy:GetDeploymentGroup', 'codedeploy:ListTagsForResource'], deploymentGroups),
    write(
      [
        'codedeploy:CreateDeploymentGroup',
        'codedeploy:DeleteDeploymentGroup',
        'codedeploy:TagResource',
        'codedeploy:UntagResource',
        'codedeploy:UpdateDeploymentGroup',
      ],
      deploymentGroups,
    ),
  ],
  aws_default_network_acl: [EC2_DESCRIBE, EC2_VPC_ATTRIBUTES, ...EC2_ADOPT_DEFAULTS, EC2_RETAG],
  aws_default_security_group: [EC2_DESCRIBE, EC2_VPC_ATTRIBUTES, ...EC2_ADOPT_DEFAULTS, EC2_RETAG],
  aws_flow_log: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateFlowLogs'], (s) => ec2(s, 'vpc-flow-log'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    write(['ec2:CreateFlowLogs'], (s) => ec2(s, 'vpc'), { conditions: platformTagged, why: WHY_RANDOM_ID }),
    write(['ec2:DeleteFlowLogs'], (s) => ec2(s, 'vpc-flow-log'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_iam_policy: [
    read(
      [
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:ListEntitiesForPolicy',
        'iam:ListPolicyTags',
        'iam:ListPolicyVersions',
      ],
      policies,
    ),
    write(
      [
        'iam:CreatePolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:TagPolicy',
        'iam:UntagPolicy',
      ],
      policies,
    ),
  ],
  aws_iam_role: [
    iamRoleRead,
    write(
      [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:PutRolePermissionsBoundary',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
      ],
      roles,
      { conditions: underBoundary },
    ),
  ],
  aws_iam_role_policy: [
    iamRoleRead,
    write(['iam:DeleteRolePolicy', 'iam:PutRolePolicy'], roles, { conditions: underBoundary }),
  ],
  aws_kms_alias: [
    read(['kms:ListAliases'], everything, { why: 'ListAliases has no resource-level permissions.' }),
    write(['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], aliases),
    // CreateAlias and UpdateAlias are authorized on the key as well as on the alias.
    write(['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], keys, {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
  ],
  aws_kms_key: [
    read(['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], keys, {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    write(['kms:CreateKey'], everything, {
      conditions: platformTagging,
      why: 'CreateKey has no resource ARN (the key does not exist yet); it must carry the platform tags.',
    }),
    // Tags sent with CreateKey are authorized as kms:TagResource on a key that has none yet.
    write(['kms:TagResource'], keys, { conditions: taggingUntaggedOrOwn, why: WHY_RANDOM_ID }),
    write(
      [
        'kms:EnableKeyRotation',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
      ],
      keys,
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
  ],
  aws_lambda_alias: [
    read(['lambda:GetAlias'], functions),
    write(['lambda:CreateAlias', 'lambda:DeleteAlias', 'lambda:UpdateAlias'], functions),
  ],
  aws_lambda_code_signing_config: [
    read(['lambda:GetCodeSigningConfig'], codeSigningConfigs, {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    write(['lambda:CreateCodeSigningConfig'], everything, {
      conditions: platformTagging,
      why: 'CreateCodeSigningConfig has no resource ARN (the config does not exist yet); it must carry the platform tags.',
    }),
    write(['lambda:DeleteCodeSigningConfig', 'lambda:UpdateCodeSigningConfig'], codeSigningConfigs, {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
  ],
  aws_lambda_event_source_mapping: [
    read(['lambda:ListEventSourceMappings'], everything, {
      why: 'ListEventSourceMappings has no resource-level permissions.',
    }),
    read(['lambda:GetEventSourceMapping'], eventSourceMappings, {
      conditions: (s) => ({ ArnLike: { 'lambda:FunctionArn': functions(s) } }),
      why: `${WHY_RANDOM_ID} The mapped function must be a platform function.`,
    }),
    write(['lambda:CreateEventSourceMapping'], everything, {
      conditions: (s) => ({ ArnLike: { 'lambda:FunctionArn': functions(s) } }),
      why: 'CreateEventSourceMapping has no resource ARN; the mapped function must be a platform function.',
    }),
    write(['lambda:DeleteEventSourceMapping', 'lambda:UpdateEventSourceMapping'], eventSourceMappings, {
      conditions: (s) => ({ ArnLike: { 'lambda:FunctionArn': functions(s) } }),
      why: `${WHY_RANDOM_ID} The mapped function must be a platform function.`,
    }),
  ],
  aws_lambda_function: [
    read(
      [
        'lambda:GetFunction',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetFunctionConcurrency',
        'lambda:GetFunctionConfiguration',
        'lambda:ListTags',
        'lambda:ListVersionsByFunction',
      ],
      functions,
    ),
    write(
      [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:DeleteFunctionConcurrency',
        'lambda:PublishVersion',
        'lambda:PutFunctionConcurrency',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
      ],
      functions,
    ),
    write(['lambda:DeleteFunctionCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig'], functions),
    write(['lambda:PutFunctionCodeSigningConfig'], codeSigningConfigs, {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    // Lambda encrypts the environment with the platform key through a grant it makes with the caller's
    // credentials, and reads the variables back for Terraform; the key policy names this use (via Lambda,
    // for the platform's functions only).
    write(['kms:CreateGrant'], keys, {
      conditions: (s) => ({
        Bool: { 'kms:GrantIsForAWSResource': ['true'] },
        StringEquals: {
          ...platformTagged(s).StringEquals,
          'kms:ViaService': [`lambda.${s.region}.amazonaws.com`],
        },
      }),
      why: WHY_RANDOM_ID,
    }),
    write(['kms:Encrypt', 'kms:GenerateDataKey'], keys, {
      conditions: (s) => ({
        StringEquals: {
          ...platformTagged(s).StringEquals,
          'kms:ViaService': [`lambda.${s.region}.amazonaws.com`],
        },
        StringLike: { 'kms:EncryptionContext:LambdaFunctionName': [`${s.prefix}-*`] },
      }),
      why: WHY_RANDOM_ID,
    }),
    read(['kms:Decrypt'], keys, {
      conditions: (s) => ({
        StringEquals: {
          ...platformTagged(s).StringEquals,
          'kms:ViaService': [`lambda.${s.region}.amazonaws.com`],
        },
        StringLike: { 'kms:EncryptionContext:LambdaFunctionName': [`${s.prefix}-*`] },
      }),
      why: `${WHY_RANDOM_ID} Environment variables are configuration; the refresh reads them through Lambda.`,
    }),
    read(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'], everything, {
      why: WHY_DESCRIBE,
    }),
  ],
  aws_lambda_function_url: [
    read(['lambda:GetFunctionUrlConfig'], functions),
    write(['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'], functions, {
      // A URL without IAM auth would make the function public: the deploy role cannot create one.
      conditions: () => ({ StringEquals: { 'lambda:FunctionUrlAuthType': ['AWS_IAM'] } }),
    }),
    write(['lambda:DeleteFunctionUrlConfig'], functions),
  ],
  aws_lambda_permission: [
    read(['lambda:GetPolicy'], functions),
    write(['lambda:AddPermission', 'lambda:RemovePermission'], functions),
  ],
  aws_network_acl: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateNetworkAcl'], (s) => ec2(s, 'network-acl'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    write(['ec2:CreateNetworkAcl'], (s) => ec2(s, 'vpc'), { conditions: platformTagged, why: WHY_RANDOM_ID }),
    write(
      [
        'ec2:CreateNetworkAclEntry',
        'ec2:DeleteNetworkAcl',
        'ec2:DeleteNetworkAclEntry',
        'ec2:ReplaceNetworkAclAssociation',
        'ec2:ReplaceNetworkAclEntry',
      ],
      (s) => ec2(s, 'network-acl', 'subnet'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_route53_resolver_firewall_config: [
    read(['route53resolver:ListFirewallConfigs'], everything, {
      why: 'ListFirewallConfigs has no resource-level permissions.',
    }),
    read(['route53resolver:GetFirewallConfig'], (s) => firewall(s, 'firewall-config'), {
      typeWide: true,
      why: 'firewall configs exist per VPC with random ids and take no tags.',
    }),
    write(['route53resolver:UpdateFirewallConfig'], (s) => firewall(s, 'firewall-config'), {
      typeWide: true,
      why: 'firewall configs exist per VPC with random ids and take no tags.',
    }),
  ],
  aws_route53_resolver_firewall_domain_list: [
    read(
      [
        'route53resolver:GetFirewallDomainList',
        'route53resolver:ListFirewallDomains',
        'route53resolver:ListTagsForResource',
      ],
      (s) => firewall(s, 'firewall-domain-list'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(
      ['route53resolver:CreateFirewallDomainList', 'route53resolver:TagResource'],
      (s) => firewall(s, 'firewall-domain-list'),
      {
        conditions: taggingUntaggedOrOwn,
        why: WHY_RANDOM_ID,
      },
    ),
    write(
      [
        'route53resolver:DeleteFirewallDomainList',
        'route53resolver:UntagResource',
        'route53resolver:UpdateFirewallDomains',
      ],
      (s) => firewall(s, 'firewall-domain-list'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
  ],
  aws_route53_resolver_firewall_rule: [
    read(['route53resolver:ListFirewallRules'], (s) => firewall(s, 'firewall-rule-group'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    write(
      [
        'route53resolver:CreateFirewallRule',
        'route53resolver:DeleteFirewallRule',
        'route53resolver:UpdateFirewallRule',
      ],
      (s) => firewall(s, 'firewall-rule-group'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
  ],
  aws_route53_resolver_firewall_rule_group: [
    read(
      ['route53resolver:GetFirewallRuleGroup', 'route53resolver:ListTagsForResource'],
      (s) => firewall(s, 'firewall-rule-group'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(
      ['route53resolver:CreateFirewallRuleGroup', 'route53resolver:TagResource'],
      (s) => firewall(s, 'firewall-rule-group'),
      {
        conditions: taggingUntaggedOrOwn,
        why: WHY_RANDOM_ID,
      },
    ),
    write(
      ['route53resolver:DeleteFirewallRuleGroup', 'route53resolver:UntagResource'],
      (s) => firewall(s, 'firewall-rule-group'),
      {
        conditions: platformTagged,
        why: WHY_RANDOM_ID,
      },
    ),
  ],
  aws_route53_resolver_firewall_rule_group_association: [
    read(
      ['route53resolver:GetFirewallRuleGroupAssociation', 'route53resolver:ListTagsForResource'],
      (s) => firewall(s, 'firewall-rule-group-association'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(
      ['route53resolver:AssociateFirewallRuleGroup', 'route53resolver:TagResource'],
      (s) => firewall(s, 'firewall-rule-group-association'),
      { conditions: taggingUntaggedOrOwn, why: WHY_RANDOM_ID },
    ),
    write(
      [
        'route53resolver:DisassociateFirewallRuleGroup',
        'route53resolver:UntagResource',
        'route53resolver:UpdateFirewallRuleGroupAssociation',
      ],
      (s) => firewall(s, 'firewall-rule-group-association'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
  ],
  aws_route_table: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateRouteTable'], (s) => ec2(s, 'route-table'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    write(['ec2:CreateRouteTable'], (s) => ec2(s, 'vpc'), { conditions: platformTagged, why: WHY_RANDOM_ID }),
    write(['ec2:DeleteRouteTable'], (s) => ec2(s, 'route-table'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_route_table_association: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable'], (s) => ec2(s, 'route-table', 'subnet'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
  ],
  aws_s3_bucket: [
    read(
      [
        's3:GetAccelerateConfiguration',
        's3:GetBucketAcl',
        's3:GetBucketCORS',
        's3:GetBucketLocation',
        's3:GetBucketLogging',
        's3:GetBucketObjectLockConfiguration',
        's3:GetBucketPolicy',
        's3:GetBucketRequestPayment',
        's3:GetBucketTagging',
        's3:GetBucketVersioning',
        's3:GetBucketWebsite',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetReplicationConfiguration',
        // HeadBucket: key names of the platform buckets, never object data.
        's3:ListBucket',
      ],
      buckets,
    ),
    write(['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging'], buckets),
  ],
  aws_s3_bucket_lifecycle_configuration: [
    read(['s3:GetLifecycleConfiguration'], buckets),
    write(['s3:PutLifecycleConfiguration'], buckets),
  ],
  aws_s3_bucket_notification: [
    read(['s3:GetBucketNotification'], buckets),
    write(['s3:PutBucketNotification'], buckets),
  ],
  aws_s3_bucket_ownership_controls: [
    read(['s3:GetBucketOwnershipControls'], buckets),
    write(['s3:PutBucketOwnershipControls'], buckets),
  ],
  aws_s3_bucket_policy: [
    read(['s3:GetBucketPolicy'], buckets),
    write(['s3:DeleteBucketPolicy', 's3:PutBucketPolicy'], buckets),
  ],
  aws_s3_bucket_public_access_block: [
    read(['s3:GetBucketPublicAccessBlock'], buckets),
    write(['s3:PutBucketPublicAccessBlock'], buckets),
  ],
  aws_s3_bucket_server_side_encryption_configuration: [
    read(['s3:GetEncryptionConfiguration'], buckets),
    write(['s3:PutEncryptionConfiguration'], buckets),
  ],
  aws_s3_bucket_versioning: [
    read(['s3:GetBucketVersioning'], buckets),
    write(['s3:PutBucketVersioning'], buckets),
  ],
  aws_s3_object: [
    read(['s3:GetObject', 's3:GetObjectTagging'], artifactObjects),
    write(['s3:DeleteObject', 's3:PutObject', 's3:PutObjectTagging'], artifactObjects),
    // Uploads to the SSE-KMS artifacts bucket: the key through S3, for that bucket (aws:s3:arn) only.
    write(['kms:Decrypt', 'kms:GenerateDataKey'], keys, {
      conditions: (s) => ({
        StringEquals: {
          ...platformTagged(s).StringEquals,
          'kms:ViaService': [`s3.${s.region}.amazonaws.com`],
        },
        ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [`arn:${s.partition}:s3:::${s.prefix}-*-artifacts`] },
      }),
      why: WHY_RANDOM_ID,
    }),
  ],
  aws_scheduler_schedule: [
    read(['scheduler:GetSchedule'], schedules),
    write(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'], schedules),
    // The refresh reads the encrypted payload back through Scheduler; a write encrypts it.
    read(['kms:Decrypt'], keys, { conditions: viaScheduler, why: WHY_RANDOM_ID }),
    write(['kms:GenerateDataKey'], keys, { conditions: viaScheduler, why: WHY_RANDOM_ID }),
  ],
  aws_scheduler_schedule_group: [
    read(['scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'], scheduleGroups),
    write(
      [
        'scheduler:CreateScheduleGroup',
        'scheduler:DeleteScheduleGroup',
        'scheduler:TagResource',
        'scheduler:UntagResource',
      ],
      scheduleGroups,
    ),
  ],
  aws_secretsmanager_secret: [
    read(['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy'], secrets),
    write(
      [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
        'secretsmanager:UpdateSecret',
      ],
      secrets,
    ),
  ],
  aws_security_group: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateSecurityGroup'], (s) => ec2(s, 'security-group'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    write(['ec2:CreateSecurityGroup'], (s) => ec2(s, 'vpc'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    write(
      ['ec2:DeleteSecurityGroup', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress'],
      (s) => ec2(s, 'security-group'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_signer_signing_job: [
    read(['signer:DescribeSigningJob'], signingJobs, {
      typeWide: true,
      why: 'signing jobs have random ids, no tags and no condition keys; describing one reveals no code.',
    }),
    write(['signer:StartSigningJob'], signingProfiles),
  ],
  aws_signer_signing_profile: [
    read(['signer:GetSigningProfile', 'signer:ListTagsForResource'], signingProfiles),
    write(['signer:PutSigningProfile'], everything, {
      conditions: platformTagging,
      why: 'PutSigningProfile has no resource ARN (the profile does not exist yet); it must carry the platform tags.',
    }),
    write(['signer:CancelSigningProfile', 'signer:TagResource', 'signer:UntagResource'], signingProfiles),
  ],
  aws_sns_topic: [
    read(['sns:GetTopicAttributes', 'sns:ListTagsForResource'], topics),
    write(
      [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:SetTopicAttributes',
        'sns:TagResource',
        'sns:UntagResource',
      ],
      topics,
    ),
  ],
  aws_sns_topic_subscription: [
    read(['sns:GetSubscriptionAttributes'], topics),
    write(['sns:SetSubscriptionAttributes', 'sns:Subscribe', 'sns:Unsubscribe'], topics),
  ],
  aws_sqs_queue: [
    read(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'], queues),
    write(
      ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
      queues,
    ),
  ],
  aws_sqs_queue_policy: [read(['sqs:GetQueueAttributes'], queues), write(['sqs:SetQueueAttributes'], queues)],
  aws_ssm_parameter: [
    read(['ssm:DescribeParameters'], everything, {
      why: 'DescribeParameters has no resource-level permissions.',
    }),
    read(['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'], parameters),
    write(
      ['ssm:AddTagsToResource', 'ssm:DeleteParameter', 'ssm:PutParameter', 'ssm:RemoveTagsFromResource'],
      parameters,
    ),
  ],
  aws_subnet: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateSubnet'], (s) => ec2(s, 'subnet'), { conditions: platformTagging, why: WHY_RANDOM_ID }),
    write(['ec2:CreateSubnet'], (s) => ec2(s, 'vpc'), { conditions: platformTagged, why: WHY_RANDOM_ID }),
    write(['ec2:DeleteSubnet', 'ec2:ModifySubnetAttribute'], (s) => ec2(s, 'subnet'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_vpc: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateVpc'], (s) => ec2(s, 'vpc'), { conditions: platformTagging, why: WHY_RANDOM_ID }),
    write(['ec2:DeleteVpc', 'ec2:ModifyVpcAttribute'], (s) => ec2(s, 'vpc'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_vpc_endpoint: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(['ec2:CreateVpcEndpoint'], (s) => ec2(s, 'vpc-endpoint'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    write(
      ['ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint'],
      (s) => ec2(s, 'vpc', 'subnet', 'security-group', 'route-table'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(['ec2:DeleteVpcEndpoints', 'ec2:ModifyVpcEndpoint'], (s) => ec2(s, 'vpc-endpoint'), {
      conditions: platformTagged,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_vpc_security_group_egress_rule: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(
      [
        'ec2:AuthorizeSecurityGroupEgress',
        'ec2:ModifySecurityGroupRules',
        'ec2:RevokeSecurityGroupEgress',
        'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
      ],
      (s) => ec2(s, 'security-group'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(['ec2:AuthorizeSecurityGroupEgress'], (s) => ec2(s, 'security-group-rule'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
  aws_vpc_security_group_ingress_rule: [
    EC2_DESCRIBE,
    EC2_VPC_ATTRIBUTES,
    write(
      [
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:ModifySecurityGroupRules',
        'ec2:RevokeSecurityGroupIngress',
        'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
      ],
      (s) => ec2(s, 'security-group'),
      { conditions: platformTagged, why: WHY_RANDOM_ID },
    ),
    write(['ec2:AuthorizeSecurityGroupIngress'], (s) => ec2(s, 'security-group-rule'), {
      conditions: platformTagging,
      why: WHY_RANDOM_ID,
    }),
    EC2_TAG_ON_CREATE,
    EC2_RETAG,
  ],
};

/** Data sources the platform reads. `aws_iam_policy_document` is computed by Terraform: no AWS call. */
export const DATA_SOURCE_PERMISSIONS: Readonly<Record<string, readonly PermissionRule[]>> = {
  aws_iam_policy_document: [],
};

/**
 * Which service each platform role is for, and the role names of that kind (`iam:PassRole` is scoped to
 * both). A platform role whose name or service fits no entry fails bootstrap-permissions.test.ts.
 */
export const PASS_ROLE_TARGETS: readonly {
  readonly service: string;
  readonly roles: (s: ResolvedScope) => string[];
}[] = [
  { service: 'lambda.amazonaws.com', roles: (s) => [arn(s, 'iam', `role/${s.prefix}-*-role`, true)] },
  {
    service: 'codedeploy.amazonaws.com',
    roles: (s) => [arn(s, 'iam', `role/${s.prefix}-*-codedeploy`, true)],
  },
  {
    service: 'vpc-flow-logs.amazonaws.com',
    roles: (s) => [arn(s, 'iam', `role/${s.prefix}-vpc-flow-logs`, true)],
  },
  { service: 'scheduler.amazonaws.com', roles: (s) => [arn(s, 'iam', `role/${s.prefix}-*-scheduler`, true)] },
];

/**
 * What `secure-lambda release --wait` calls after the deploy (packages/cli: the release permissions its
 * ACCESS_DENIED error lists), deploy role only. Not a Terraform type, so kept apart from the table.
 */
export const RELEASE_PERMISSIONS: readonly PermissionRule[] = [
  write(
    [
      'lambda:GetAlias',
      'lambda:GetFunctionConfiguration',
      'lambda:ListAliases',
      'lambda:ListVersionsByFunction',
      'lambda:UpdateAlias',
    ],
    functions,
  ),
  write(
    ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment', 'codedeploy:ListDeployments'],
    deploymentGroups,
  ),
  write(['codedeploy:GetDeploymentConfig'], (s) => [arn(s, 'codedeploy', 'deploymentconfig:*')], {
    why: 'the built-in CodeDeploy configurations (CodeDeployDefault.*) are read by name; reading is harmless.',
  }),
  write(['codedeploy:StopDeployment'], everything, {
    why: 'StopDeployment has no resource-level permissions (rollback of a running deployment).',
  }),
  write(['codedeploy:GetApplicationRevision', 'codedeploy:RegisterApplicationRevision'], codedeployApps),
  write(['cloudwatch:DescribeAlarms'], alarms),
];

/** IAM's statement shape, ready for JSON. */
export interface IamPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: IamConditions;
}

/**
 * The managed policy a statement goes to, by the service of its actions: one policy per concern, so a
 * review finding (and an accepted risk) names the concern (`aws_iam_policy.deploy-iam`), not a chunk number.
 */
export const POLICY_GROUPS = {
  iam: ['iam'],
  kms: ['kms'],
  network: ['ec2', 'route53resolver'],
  functions: ['lambda', 'signer', 'codedeploy'],
  resources: ['s3', 'sns', 'sqs', 'logs', 'cloudwatch', 'scheduler', 'secretsmanager', 'ssm'],
  /** Rules marked `typeWide`, whatever their service. */
  'type-wide': [],
} as const;
export type PolicyGroup = keyof typeof POLICY_GROUPS;

/** The group of an action (`ec2:CreateVpc` -> `network`). */
export function policyGroupOf(action: string): PolicyGroup {
  const service = action.split(':')[0] ?? '';
  const group = (Object.keys(POLICY_GROUPS) as PolicyGroup[]).find((g) =>
    (POLICY_GROUPS[g] as readonly string[]).includes(service),
  );
  if (!group) {
    throw new ConfigError(
      StackErrorCode.INVALID_CONFIG,
      'bootstrap',
      'POLICY_GROUPS',
      `no policy group for ${action}: add its service to POLICY_GROUPS in stacks/src/bootstrap-permissions.ts.`,
    );
  }
  return group;
}

/** Statements of one policy group. */
export interface GroupedStatements {
  readonly group: PolicyGroup;
  readonly statements: IamPolicyStatement[];
}

/**
 * The rules for an access level, merged per policy group: one statement per distinct (group, resources,
 * conditions), with the union of their actions, sorted. `access: 'read'` gives the plan role's set; `'write'`
 * the deploy role's (reads included, and the release calls). Deterministic, so a plan shows real changes only.
 *
 * @example
 * ```ts
 * const groups = tableStatements(resolveScope({ accountId, region, environment: 'dev' }), 'write');
 * ```
 */
export function tableStatements(
  scope: ResolvedScope,
  access: Access,
  table: Readonly<Record<string, readonly PermissionRule[]>> = RESOURCE_PERMISSIONS,
  extra: readonly PermissionRule[] = access === 'write' ? RELEASE_PERMISSIONS : [],
): GroupedStatements[] {
  const rules = [...Object.values(table).flat(), ...extra].filter(
    (r) => access === 'write' || r.access === 'read',
  );
  const merged = new Map<
    string,
    { group: PolicyGroup; resources: string[]; conditions?: IamConditions; actions: Set<string> }
  >();
  for (const rule of rules) {
    const resources = [...new Set(rule.resources(scope))].sort();
    const conditions = rule.conditions?.(scope);
    for (const action of rule.actions) {
      const group: PolicyGroup = rule.typeWide ? 'type-wide' : policyGroupOf(action);
      const id = JSON.stringify([group, resources, conditions ?? null]);
      let entry = merged.get(id);
      if (!entry) {
        entry = { group, resources, ...(conditions ? { conditions } : {}), actions: new Set() };
        merged.set(id, entry);
      }
      entry.actions.add(action);
    }
  }
  const prefix = access === 'read' ? 'Read' : 'Deploy';
  return (Object.keys(POLICY_GROUPS) as PolicyGroup[])
    .map((group) => {
      const entries = [...merged.values()]
        .filter((e) => e.group === group)
        .map((e) => ({ ...e, actions: [...e.actions].sort() }))
        .sort((a, b) => {
          const ka = JSON.stringify([a.actions, a.resources]);
          const kb = JSON.stringify([b.actions, b.resources]);
          return ka < kb ? -1 : ka > kb ? 1 : 0;
        });
      const label = group.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
      return {
        group,
        statements: entries.map((e, i) => ({
          Sid: `${prefix}${label}${String(i + 1).padStart(2, '0')}`,
          Effect: 'Allow' as const,
          Action: e.actions,
          Resource: e.resources,
          ...(e.conditions ? { Condition: e.conditions } : {}),
        })),
      };
    })
    .filter((g) => g.statements.length > 0);
}

/** Every action of a table, by access level (the deploy role's write set is what the plan role must lack). */
export function tableActions(
  access: Access,
  rules: readonly PermissionRule[] = [...Object.values(RESOURCE_PERMISSIONS).flat(), ...RELEASE_PERMISSIONS],
): string[] {
  return [...new Set(rules.filter((r) => r.access === access).flatMap((r) => r.actions))].sort();
}
