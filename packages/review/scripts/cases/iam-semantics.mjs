/**
 * The iam-semantics fixture group (plan-review corpus classes wildcards, conditions, created, moves,
 * tables and coverage for IAM): a baseline with two roles, a user and groups, an identity policy, a bucket
 * policy with a TLS-only Deny and an organization-only read, a secret with a policy, a key, a function
 * with a permission, and a role that still uses `inline_policy`/`managed_policy_arns`. Each case changes it
 * in one way, with the findings a careful reviewer expects.
 */
import { ACCOUNT, lambdaTrust, policy, REGION } from './shared.mjs';

const FOREIGN = '999999999999';
const ORG = 'o-abc123def4';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const GITHUB = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

const appStatements = () => [
  {
    Sid: 'ReadInput',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: ['arn:aws:s3:::review-data/in/*'],
  },
  {
    Sid: 'DecryptViaS3',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [KEY_ARN],
    Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
  },
  {
    Sid: 'WriteLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/review-api:*`],
  },
];

const bucketStatements = () => [
  {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::review-data', 'arn:aws:s3:::review-data/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  },
  {
    Sid: 'OrganizationReadsShared',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::review-data/shared/*',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
  },
];

const appTrust = () => ({
  Sid: 'LambdaInThisAccount',
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
});

const moverStatements = () => [
  {
    Sid: 'ReadReports',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: ['arn:aws:s3:::review-data/reports/*'],
  },
  {
    Sid: 'NeverDelete',
    Effect: 'Deny',
    Action: ['s3:DeleteObject'],
    Resource: ['arn:aws:s3:::review-data/*'],
  },
];

const legacyInline = (actions) =>
  policy({ Sid: 'ReadArchive', Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::review-archive/*' });

const secretPolicy = (...statements) => policy(...statements);
const secretRead = (principal) => ({
  Sid: 'AppReads',
  Effect: 'Allow',
  Principal: principal,
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
});

const baseline = () => ({
  resource: {
    aws_iam_role: {
      app: {
        name: 'review-app',
        description: 'review app role',
        assume_role_policy: policy(appTrust()),
        tags: { Team: 'platform' },
      },
      other: { name: 'review-other', assume_role_policy: lambdaTrust },
      deployer: {
        name: 'review-deployer',
        assume_role_policy: policy({
          Sid: 'AccountAssumes',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        }),
      },
      legacy: {
        name: 'review-legacy',
        assume_role_policy: lambdaTrust,
        inline_policy: [{ name: 'archive', policy: legacyInline(['s3:GetObject']) }],
        managed_policy_arns: ['${aws_iam_policy.traces.arn}'],
      },
    },
    aws_iam_role_policy: {
      app: { name: 'app', role: '${aws_iam_role.app.id}', policy: policy(...appStatements()) },
      mover: { name: 'mover', role: '${aws_iam_role.app.id}', policy: policy(...moverStatements()) },
    },
    aws_iam_policy: {
      // Customer-managed stand-ins: moto does not load AWS-managed policies, so the baseline cannot attach them.
      admin: {
        name: 'review-admin',
        policy: policy({ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }),
      },
      traces: {
        name: 'review-traces',
        policy: policy({ Sid: 'Traces', Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }),
      },
      custom: {
        name: 'review-custom',
        policy: policy({
          Sid: 'ReadConfig',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/review/*`,
        }),
      },
    },
    aws_iam_role_policy_attachment: {
      custom: { role: '${aws_iam_role.app.name}', policy_arn: '${aws_iam_policy.custom.arn}' },
    },
    aws_iam_policy_attachment: {
      shared: {
        name: 'review-shared',
        roles: ['${aws_iam_role.other.name}'],
        policy_arn: '${aws_iam_policy.custom.arn}',
      },
    },
    aws_iam_user: { dev: { name: 'review-dev' } },
    aws_iam_group: {
      devs: { name: 'review-devs' },
      admins: { name: 'review-admins' },
      ops: { name: 'review-ops' },
    },
    aws_iam_group_policy: {
      devs: {
        name: 'devs',
        group: '${aws_iam_group.devs.name}',
        policy: policy({
          Sid: 'ReadShared',
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          Resource: 'arn:aws:s3:::review-data/shared/*',
        }),
      },
    },
    aws_iam_group_policy_attachment: {
      admins: {
        group: '${aws_iam_group.admins.name}',
        policy_arn: '${aws_iam_policy.admin.arn}',
      },
    },
    aws_iam_user_group_membership: {
      dev: { user: '${aws_iam_user.dev.name}', groups: ['${aws_iam_group.devs.name}'] },
    },
    aws_s3_bucket: { data: { bucket: 'review-data' } },
    aws_s3_bucket_policy: {
      data: { bucket: '${aws_s3_bucket.data.id}', policy: policy(...bucketStatements()) },
    },
    aws_secretsmanager_secret: { db: { name: 'review-db', description: 'database password' } },
    aws_secretsmanager_secret_policy: {
      db: {
        secret_arn: '${aws_secretsmanager_secret.db.arn}',
        policy: secretPolicy(secretRead({ AWS: `arn:aws:iam::${ACCOUNT}:role/review-app` })),
      },
    },
    aws_kms_key: {
      app: { description: 'review app key', enable_key_rotation: true, deletion_window_in_days: 7 },
    },
    aws_lambda_function: {
      api: {
        function_name: 'review-api',
        role: '${aws_iam_role.app.arn}',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        filename: 'fn.zip',
      },
    },
    aws_lambda_permission: {
      s3: {
        statement_id: 'InvokeFromData',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: 's3.amazonaws.com',
        source_arn: 'arn:aws:s3:::review-data',
        source_account: ACCOUNT,
      },
    },
  },
});

const setApp = (c, edit) => {
  const statements = appStatements();
  edit(statements);
  c.resource.aws_iam_role_policy.app.policy = policy(...statements);
};
const addToApp = (statement) => (c) => setApp(c, (s) => s.push(statement));
const setBucket = (c, edit) => {
  const statements = bucketStatements();
  edit(statements);
  c.resource.aws_s3_bucket_policy.data.policy = policy(...statements);
};
const orgReadCondition = (condition) => (c) => setBucket(c, (s) => (s[1].Condition = condition));
const attach = (name, arn) => (c) => {
  c.resource.aws_iam_role_policy_attachment[name] = { role: '${aws_iam_role.app.name}', policy_arn: arn };
};
const newRole = (c, trust) => {
  c.resource.aws_iam_role.ci = { name: 'review-ci', assume_role_policy: policy(trust) };
};
const githubTrust = (condition) => ({
  Sid: 'GitHubActions',
  Effect: 'Allow',
  Principal: { Federated: GITHUB },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});

const A = 'aws_iam_role_policy.app';
const BUCKET = 'aws_s3_bucket_policy.data';
const cases = [
  // --- wildcards: judged by what a pattern expands to and what a resource pattern covers
  {
    name: 'iamx-action-qmark',
    class: 'wildcards',
    expect: [`high iam.wildcard-action ${A}`],
    description: 'a statement allows iam:?* (every IAM action, written so it does not read as iam:*)',
    mutate: addToApp({
      Sid: 'Manage',
      Effect: 'Allow',
      Action: 'iam:?*',
      Resource: `arn:aws:iam::${ACCOUNT}:role/review-*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-action-object-pattern',
    class: 'wildcards',
    expect: [`high iam.wildcard-action ${A}`],
    description: 's3:GetObject becomes s3:*Object* (which includes PutObjectAcl and DeleteObject)',
    mutate: (c) => setApp(c, (s) => (s[0].Action = ['s3:*Object*'])),
    changes: [A],
  },
  {
    name: 'iamx-action-attach-pattern',
    class: 'wildcards',
    expect: [`high iam.wildcard-action ${A}`],
    description: 'a statement allows iam:Attach*Policy on the role itself',
    mutate: addToApp({
      Sid: 'Attach',
      Effect: 'Allow',
      Action: 'iam:Attach*Policy',
      Resource: `arn:aws:iam::${ACCOUNT}:role/review-app`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-notaction',
    class: 'wildcards',
    expect: [`high iam.wildcard-action ${A}`],
    description: 'an Allow with NotAction iam:* on "*" (everything but IAM)',
    mutate: addToApp({ Sid: 'AllButIam', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }),
    changes: [A],
  },
  {
    name: 'iamx-resource-all-buckets',
    class: 'wildcards',
    expect: [`high iam.wildcard-resource ${A}`],
    description: 's3:GetObject on arn:aws:s3:::* (every object of every bucket, without writing "*")',
    mutate: (c) => setApp(c, (s) => (s[0].Resource = ['arn:aws:s3:::*'])),
    changes: [A],
  },
  {
    name: 'iamx-resource-all-secrets',
    class: 'wildcards',
    expect: [`high iam.wildcard-resource ${A}`],
    description: 'secretsmanager:GetSecretValue on arn:aws:secretsmanager:*:*:secret:*',
    mutate: addToApp({
      Sid: 'ReadSecrets',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:*:*:secret:*',
    }),
    changes: [A],
  },
  {
    name: 'iamx-resource-all-tables',
    class: 'wildcards',
    expect: [`high iam.wildcard-resource ${A}`],
    description: 'dynamodb:Scan on every table of the account (table/*)',
    mutate: addToApp({
      Sid: 'ScanTables',
      Effect: 'Allow',
      Action: ['dynamodb:Scan', 'dynamodb:GetItem'],
      Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-resource-all-parameters',
    class: 'wildcards',
    expect: [`high iam.wildcard-resource ${A}`],
    description: 'ssm:GetParameters on every parameter of the account (parameter/*)',
    mutate: addToApp({
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-notresource',
    class: 'wildcards',
    expect: [`high iam.wildcard-resource ${A}`],
    description: 's3:GetObject on every resource except one prefix (NotResource)',
    mutate: addToApp({
      Sid: 'ReadAllBut',
      Effect: 'Allow',
      Action: 's3:GetObject',
      NotResource: 'arn:aws:s3:::review-data/private/*',
    }),
    changes: [A],
  },
  {
    name: 'iamx-passrole-all',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:PassRole on every role of the account (role/*)',
    mutate: addToApp({
      Sid: 'PassAny',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-create-policy-version',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:CreatePolicyVersion on the customer-managed policy attached to the role itself',
    mutate: addToApp({
      Sid: 'Rewrite',
      Effect: 'Allow',
      Action: 'iam:CreatePolicyVersion',
      Resource: `arn:aws:iam::${ACCOUNT}:policy/review-custom`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-set-default-version',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:Set*PolicyVersion (SetDefaultPolicyVersion) on the attached policy',
    mutate: addToApp({
      Sid: 'Rollback',
      Effect: 'Allow',
      Action: 'iam:Set*PolicyVersion',
      Resource: `arn:aws:iam::${ACCOUNT}:policy/review-custom`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-put-role-policy',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:PutRolePolicy on the role itself (it can write itself any policy)',
    mutate: addToApp({
      Sid: 'SelfPolicy',
      Effect: 'Allow',
      Action: 'iam:PutRolePolicy',
      Resource: `arn:aws:iam::${ACCOUNT}:role/review-app`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-update-assume-role-policy',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:UpdateAssumeRolePolicy on the deployer role',
    mutate: addToApp({
      Sid: 'Retrust',
      Effect: 'Allow',
      Action: 'iam:UpdateAssumeRolePolicy',
      Resource: `arn:aws:iam::${ACCOUNT}:role/review-deployer`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-create-access-key',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'iam:CreateAccessKey on every user (user/*)',
    mutate: addToApp({
      Sid: 'Keys',
      Effect: 'Allow',
      Action: 'iam:CreateAccessKey',
      Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-update-function-code-all',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: "lambda:UpdateFunctionCode on every function of the account (runs as others' roles)",
    mutate: addToApp({
      Sid: 'Deploy',
      Effect: 'Allow',
      Action: 'lambda:UpdateFunctionCode',
      Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`,
    }),
    changes: [A],
  },
  {
    name: 'iamx-assume-any-role',
    class: 'wildcards',
    expect: [`high iam.privilege-escalation ${A}`],
    description: 'sts:AssumeRole on "*"',
    mutate: addToApp({ Sid: 'AssumeAny', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
    changes: [A],
  },
  {
    name: 'iamx-user-policy-escalation',
    class: 'wildcards',
    expect: ['high iam.privilege-escalation aws_iam_user_policy.dev'],
    description: 'a new inline policy on the existing user allows iam:CreateLoginProfile on every user',
    mutate: (c) => {
      c.resource.aws_iam_user_policy = {
        dev: {
          name: 'console',
          user: '${aws_iam_user.dev.name}',
          policy: policy({
            Sid: 'Console',
            Effect: 'Allow',
            Action: 'iam:CreateLoginProfile',
            Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
          }),
        },
      };
    },
    changes: ['aws_iam_user_policy.dev'],
  },
  {
    name: 'iamx-narrow-read-added',
    class: 'wildcards',
    expect: [`medium iam.policy-widened ${A}`],
    description: 'a read of one more narrow prefix: a widening, not a wildcard',
    mutate: (c) => setApp(c, (s) => s[0].Resource.push('arn:aws:s3:::review-data/reports/*')),
    changes: [A],
  },
  {
    name: 'iamx-group-policy-widened',
    class: 'wildcards',
    expect: ['medium iam.policy-widened aws_iam_group_policy.devs'],
    description: 'the group policy gains s3:PutObject on the shared prefix',
    mutate: (c) => {
      c.resource.aws_iam_group_policy.devs.policy = policy({
        Sid: 'ReadShared',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: 'arn:aws:s3:::review-data/shared/*',
      });
    },
    changes: ['aws_iam_group_policy.devs'],
  },
  // --- conditions: judged by what they let through (simulated callers)
  {
    name: 'iamx-bucket-ifexists',
    class: 'conditions',
    expect: [`high iam.resource-policy-widened ${BUCKET}`],
    description:
      'the organization-only read becomes StringEqualsIfExists aws:SourceVpce (absent for callers outside a VPC)',
    mutate: orgReadCondition({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-bucket-null',
    class: 'conditions',
    expect: [`high iam.resource-policy-widened ${BUCKET}`],
    description:
      'the organization-only read becomes Null aws:SourceVpce = true (true for every caller outside a VPC)',
    mutate: orgReadCondition({ Null: { 'aws:SourceVpce': 'true' } }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-bucket-any-ip',
    class: 'conditions',
    expect: [`high iam.resource-policy-widened ${BUCKET}`],
    description: 'the organization-only read becomes IpAddress aws:SourceIp 0.0.0.0/0',
    mutate: orgReadCondition({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-bucket-org-like-star',
    class: 'conditions',
    expect: [`high iam.resource-policy-widened ${BUCKET}`],
    description:
      'aws:PrincipalOrgID is matched with StringLike "*": every caller that belongs to any organization',
    mutate: orgReadCondition({ StringLike: { 'aws:PrincipalOrgID': '*' } }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-bucket-org-changed',
    class: 'conditions',
    expect: [`medium iam.resource-policy-widened ${BUCKET}`],
    description: 'the read moves to another organization id (still narrowed, but to someone else)',
    mutate: orgReadCondition({ StringEquals: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-bucket-foreign-account',
    class: 'conditions',
    expect: [`high iam.resource-policy-widened ${BUCKET}`],
    description: 'the bucket policy lets another account read the shared prefix, with no condition',
    mutate: (c) =>
      setBucket(c, (s) =>
        s.push({
          Sid: 'PartnerReads',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::review-data/shared/*',
        }),
      ),
    changes: [BUCKET],
  },
  {
    name: 'iamx-tls-deny-null',
    class: 'conditions',
    expect: [`high data.tls-only-removed ${BUCKET}`],
    description:
      'the TLS-only Deny is rewritten to Null aws:SecureTransport = true (the key is always present: it never applies)',
    mutate: (c) => setBucket(c, (s) => (s[0].Condition = { Null: { 'aws:SecureTransport': 'true' } })),
    changes: [BUCKET],
  },
  {
    name: 'iamx-identity-condition-ifexists',
    class: 'conditions',
    expect: [`medium iam.condition-removed ${A}`],
    description:
      'kms:ViaService = s3 becomes StringEqualsIfExists (a direct Decrypt call carries no ViaService)',
    mutate: (c) =>
      setApp(
        c,
        (s) =>
          (s[1].Condition = { StringEqualsIfExists: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } }),
      ),
    changes: [A],
  },
  {
    name: 'iamx-trust-source-ifexists',
    class: 'conditions',
    expect: ['high iam.trust-widened aws_iam_role.app'],
    description: 'the trust condition aws:SourceAccount becomes StringEqualsIfExists',
    mutate: (c) => {
      const trust = appTrust();
      trust.Condition = { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT } };
      c.resource.aws_iam_role.app.assume_role_policy = policy(trust);
    },
    changes: ['aws_iam_role.app'],
  },
  {
    name: 'iamx-trust-foreign-added',
    class: 'conditions',
    expect: ['high iam.trust-widened aws_iam_role.deployer'],
    description: 'the deployer trust gains another account, without an external id',
    mutate: (c) => {
      c.resource.aws_iam_role.deployer.assume_role_policy = policy(
        {
          Sid: 'AccountAssumes',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
        {
          Sid: 'Partner',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
          Action: 'sts:AssumeRole',
        },
      );
    },
    changes: ['aws_iam_role.deployer'],
  },
  {
    name: 'iamx-lambda-permission-org',
    class: 'conditions',
    expect: ['medium iam.lambda-permission-cross-account aws_lambda_permission.org'],
    description:
      'a new permission lets principal "*" invoke, narrowed by principal_org_id to the organization',
    mutate: (c) => {
      c.resource.aws_lambda_permission.org = {
        statement_id: 'OrgInvoke',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: '*',
        principal_org_id: ORG,
      };
    },
    changes: ['aws_lambda_permission.org'],
  },
  {
    name: 'iamx-lambda-permission-star',
    class: 'conditions',
    expect: ['high iam.lambda-permission-public aws_lambda_permission.any'],
    description: 'a new permission lets principal "*" invoke with no condition',
    mutate: (c) => {
      c.resource.aws_lambda_permission.any = {
        statement_id: 'AnyInvoke',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: '*',
      };
    },
    changes: ['aws_lambda_permission.any'],
  },
  // --- created: a new thing is judged by what it lets in, and by what existing thing it attaches to
  {
    name: 'iamx-new-role-github-aud-only',
    class: 'created',
    expect: ['high iam.trust-widened aws_iam_role.ci'],
    description:
      'a new role assumable from GitHub OIDC with only an aud condition (every repository on GitHub)',
    mutate: (c) =>
      newRole(
        c,
        githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
      ),
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-new-role-github-any-repo',
    class: 'created',
    expect: ['high iam.trust-widened aws_iam_role.ci'],
    description: 'a new GitHub OIDC role whose sub condition is StringLike "repo:*"',
    mutate: (c) =>
      newRole(
        c,
        githubTrust({
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' },
        }),
      ),
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-new-role-foreign-account',
    class: 'created',
    expect: ['high iam.trust-widened aws_iam_role.ci'],
    description: 'a new role assumable from another account with no external id',
    mutate: (c) =>
      newRole(c, {
        Sid: 'Vendor',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
        Action: 'sts:AssumeRole',
      }),
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-new-policy-unknown-document',
    class: 'created',
    expect: ['high review.unknown-until-apply aws_iam_role_policy.draft'],
    description:
      'a new policy on the existing app role whose whole document is known only after apply (jsonencode with a new ARN)',
    mutate: (c) => {
      c.resource.aws_iam_role.worker = { name: 'review-worker', assume_role_policy: lambdaTrust };
      c.resource.aws_iam_role_policy.draft = {
        name: 'draft',
        role: '${aws_iam_role.app.id}',
        policy:
          '${jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.worker.arn}]})}',
      };
    },
    changes: ['aws_iam_role.worker', 'aws_iam_role_policy.draft'],
  },
  {
    name: 'iamx-new-policy-partly-unknown',
    class: 'created',
    expect: [
      'medium iam.policy-widened aws_iam_role_policy.draft',
      'medium review.unknown-until-apply aws_iam_role_policy.draft',
    ],
    description:
      'a new policy on the existing app role from a document whose resource is a role created in the plan',
    mutate: (c) => {
      c.resource.aws_iam_role.worker = { name: 'review-worker', assume_role_policy: lambdaTrust };
      c.data = {
        aws_iam_policy_document: {
          draft: {
            statement: [
              { sid: 'PassWorker', actions: ['iam:PassRole'], resources: ['${aws_iam_role.worker.arn}'] },
            ],
          },
        },
      };
      c.resource.aws_iam_role_policy.draft = {
        name: 'draft',
        role: '${aws_iam_role.app.id}',
        policy: '${data.aws_iam_policy_document.draft.json}',
      };
    },
    changes: ['aws_iam_role.worker', 'aws_iam_role_policy.draft'],
  },
  {
    name: 'iamx-new-role-passrole-all',
    class: 'created',
    expect: ['high iam.privilege-escalation aws_iam_role_policy.ci'],
    description:
      'a new role with a new policy allowing iam:PassRole on every role: new, and still an escalation path',
    mutate: (c) => {
      c.resource.aws_iam_role.ci = { name: 'review-ci', assume_role_policy: lambdaTrust };
      c.resource.aws_iam_role_policy.ci = {
        name: 'ci',
        role: '${aws_iam_role.ci.id}',
        policy: policy({
          Sid: 'PassAny',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: `arn:aws:iam::${ACCOUNT}:role/*`,
        }),
      };
    },
    changes: ['aws_iam_role.ci', 'aws_iam_role_policy.ci'],
  },
  {
    name: 'iamx-new-role-inline-wildcard',
    class: 'created',
    expect: ['high iam.wildcard-action aws_iam_role.ci'],
    description: 'a new role with an inline_policy block allowing s3:* (deprecated attribute, still applied)',
    mutate: (c) => {
      c.resource.aws_iam_role.ci = {
        name: 'review-ci',
        assume_role_policy: lambdaTrust,
        inline_policy: [
          {
            name: 'all-s3',
            policy: policy({
              Sid: 'AllS3',
              Effect: 'Allow',
              Action: 's3:*',
              Resource: 'arn:aws:s3:::review-data/*',
            }),
          },
        ],
      };
    },
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-new-membership-admin-group',
    class: 'created',
    expect: ['high iam.group-membership-added aws_iam_user_group_membership.dev_admin'],
    description: 'a new membership puts the existing user into the administrators group',
    mutate: (c) => {
      c.resource.aws_iam_user_group_membership.dev_admin = {
        user: '${aws_iam_user.dev.name}',
        groups: ['${aws_iam_group.admins.name}'],
      };
    },
    changes: ['aws_iam_user_group_membership.dev_admin'],
  },
  {
    name: 'iamx-new-grant-existing-key',
    class: 'created',
    expect: ['medium kms.grant-added aws_kms_grant.app'],
    description: 'a new KMS grant on the existing key lets the other role of the account decrypt',
    mutate: (c) => {
      c.resource.aws_kms_grant = {
        app: {
          name: 'other-decrypt',
          key_id: '${aws_kms_key.app.key_id}',
          grantee_principal: '${aws_iam_role.other.arn}',
          operations: ['Decrypt'],
        },
      };
    },
    changes: ['aws_kms_grant.app'],
  },
  // --- moves: a holder that changes is a removal from the old one and a grant to the new one
  {
    name: 'iamx-move-role-policy',
    class: 'moves',
    expect: [
      'medium iam.deny-removed aws_iam_role_policy.mover',
      'medium iam.policy-widened aws_iam_role_policy.mover',
    ],
    description:
      'the mover policy moves from the app role to the other role (replaced): other gains its reads, app loses its Deny',
    mutate: (c) => (c.resource.aws_iam_role_policy.mover.role = '${aws_iam_role.other.id}'),
    changes: ['aws_iam_role_policy.mover'],
  },
  {
    name: 'iamx-move-attachment',
    class: 'moves',
    expect: ['medium iam.managed-policy-attached aws_iam_role_policy_attachment.custom'],
    description: 'the customer-managed policy attachment moves from the app role to the other role',
    mutate: (c) => (c.resource.aws_iam_role_policy_attachment.custom.role = '${aws_iam_role.other.name}'),
    changes: ['aws_iam_role_policy_attachment.custom'],
  },
  {
    name: 'iamx-move-admin-attachment',
    class: 'moves',
    expect: ['high iam.managed-policy-attached aws_iam_group_policy_attachment.admins'],
    description:
      'the attachment of the administrator policy (Action "*" on "*") moves from the admins group to the devs group',
    mutate: (c) => (c.resource.aws_iam_group_policy_attachment.admins.group = '${aws_iam_group.devs.name}'),
    changes: ['aws_iam_group_policy_attachment.admins'],
  },
  {
    name: 'iamx-exclusive-attachment-adds-role',
    class: 'moves',
    expect: ['medium iam.managed-policy-attached aws_iam_policy_attachment.shared'],
    description: 'the exclusive aws_iam_policy_attachment adds the app role to its roles',
    mutate: (c) => c.resource.aws_iam_policy_attachment.shared.roles.push('${aws_iam_role.app.name}'),
    changes: ['aws_iam_policy_attachment.shared'],
  },
  {
    name: 'iamx-function-role-changed',
    class: 'moves',
    expect: ['medium iam.function-role-changed aws_lambda_function.api'],
    description: "the function's execution role moves from the app role to the deployer role",
    mutate: (c) => (c.resource.aws_lambda_function.api.role = '${aws_iam_role.deployer.arn}'),
    changes: ['aws_lambda_function.api'],
  },
  {
    name: 'iamx-permission-moved-public',
    class: 'moves',
    expect: ['high iam.lambda-permission-public aws_lambda_permission.s3'],
    description: 'the S3 permission is rewritten to principal "*" with no source (public invoke)',
    mutate: (c) => {
      const p = c.resource.aws_lambda_permission.s3;
      p.principal = '*';
      delete p.source_arn;
      delete p.source_account;
    },
    changes: ['aws_lambda_permission.s3'],
  },
  // --- tables: managed policies by name, attachment types, the account root
  {
    name: 'iamx-attach-lambda-full-access',
    class: 'tables',
    expect: ['high iam.managed-policy-attached aws_iam_role_policy_attachment.extra'],
    description: 'AWSLambda_FullAccess is attached to the existing app role',
    mutate: attach('extra', 'arn:aws:iam::aws:policy/AWSLambda_FullAccess'),
    changes: ['aws_iam_role_policy_attachment.extra'],
  },
  {
    name: 'iamx-attach-secrets-read-write',
    class: 'tables',
    expect: ['high iam.managed-policy-attached aws_iam_role_policy_attachment.extra'],
    description: 'SecretsManagerReadWrite (every secret) is attached to the existing app role',
    mutate: attach('extra', 'arn:aws:iam::aws:policy/SecretsManagerReadWrite'),
    changes: ['aws_iam_role_policy_attachment.extra'],
  },
  {
    name: 'iamx-attach-s3-read-only',
    class: 'tables',
    expect: ['high iam.managed-policy-attached aws_iam_role_policy_attachment.extra'],
    description: 'AmazonS3ReadOnlyAccess (every object of every bucket) is attached to the existing app role',
    mutate: attach('extra', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'),
    changes: ['aws_iam_role_policy_attachment.extra'],
  },
  {
    name: 'iamx-attach-xray-write',
    class: 'tables',
    expect: ['medium iam.managed-policy-attached aws_iam_role_policy_attachment.extra'],
    description:
      'AWSXrayWriteOnlyAccess is attached to the existing app role: a grant, not administrator-like',
    mutate: attach('extra', 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'),
    changes: ['aws_iam_role_policy_attachment.extra'],
  },
  {
    name: 'iamx-exclusive-attachment-admin',
    class: 'tables',
    expect: ['high iam.managed-policy-attached aws_iam_policy_attachment.admin'],
    description: 'a new aws_iam_policy_attachment gives the app role AdministratorAccess',
    mutate: (c) => {
      c.resource.aws_iam_policy_attachment.admin = {
        name: 'review-admin',
        roles: ['${aws_iam_role.app.name}'],
        policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      };
    },
    changes: ['aws_iam_policy_attachment.admin'],
  },
  {
    name: 'iamx-trust-root-to-foreign',
    class: 'tables',
    expect: ['high iam.trust-widened aws_iam_role.deployer'],
    description: 'the deployer trust moves from this account root to the root of another account',
    mutate: (c) => {
      c.resource.aws_iam_role.deployer.assume_role_policy = policy({
        Sid: 'AccountAssumes',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
        Action: 'sts:AssumeRole',
      });
    },
    changes: ['aws_iam_role.deployer'],
  },
  {
    name: 'iamx-ecr-token',
    class: 'tables',
    expect: [`medium iam.policy-widened ${A}`],
    description: 'ecr:GetAuthorizationToken on "*" (the action takes only "*"): a new action, not a wildcard',
    mutate: addToApp({
      Sid: 'PullImages',
      Effect: 'Allow',
      Action: 'ecr:GetAuthorizationToken',
      Resource: '*',
    }),
    changes: [A],
  },
  // --- coverage: IAM types and attributes that had no rule
  {
    name: 'iamx-inline-policy-widened',
    class: 'coverage',
    expect: ['medium iam.policy-widened aws_iam_role.legacy'],
    description: "the legacy role's inline_policy block gains s3:PutObject",
    mutate: (c) =>
      (c.resource.aws_iam_role.legacy.inline_policy[0].policy = legacyInline([
        's3:GetObject',
        's3:PutObject',
      ])),
    changes: ['aws_iam_role.legacy'],
  },
  {
    name: 'iamx-inline-policy-wildcard',
    class: 'coverage',
    expect: ['high iam.wildcard-action aws_iam_role.legacy'],
    description: "the legacy role's inline_policy block allows s3:*",
    mutate: (c) => (c.resource.aws_iam_role.legacy.inline_policy[0].policy = legacyInline(['s3:*'])),
    changes: ['aws_iam_role.legacy'],
  },
  {
    name: 'iamx-managed-arns-admin',
    class: 'coverage',
    expect: ['high iam.managed-policy-attached aws_iam_role.legacy'],
    description: 'the legacy role gains AdministratorAccess through managed_policy_arns',
    mutate: (c) =>
      c.resource.aws_iam_role.legacy.managed_policy_arns.push('arn:aws:iam::aws:policy/AdministratorAccess'),
    changes: ['aws_iam_role.legacy'],
  },
  {
    name: 'iamx-managed-arns-added',
    class: 'coverage',
    expect: ['medium iam.managed-policy-attached aws_iam_role.legacy'],
    description: 'the legacy role gains the customer-managed policy through managed_policy_arns',
    mutate: (c) => c.resource.aws_iam_role.legacy.managed_policy_arns.push('${aws_iam_policy.custom.arn}'),
    changes: ['aws_iam_role.legacy'],
  },
  {
    name: 'iamx-access-key-created',
    class: 'coverage',
    expect: ['high iam.access-key-created aws_iam_access_key.dev'],
    description: 'an access key for the existing user, its secret stored in the state (no pgp_key)',
    mutate: (c) => (c.resource.aws_iam_access_key = { dev: { user: '${aws_iam_user.dev.name}' } }),
    changes: ['aws_iam_access_key.dev'],
  },
  {
    name: 'iamx-access-key-pgp',
    class: 'coverage',
    expect: ['medium iam.access-key-created aws_iam_access_key.dev'],
    description: 'an access key for the existing user, its secret encrypted with pgp_key',
    mutate: (c) =>
      (c.resource.aws_iam_access_key = {
        dev: { user: '${aws_iam_user.dev.name}', pgp_key: 'keybase:review-ops' },
      }),
    changes: ['aws_iam_access_key.dev'],
  },
  {
    name: 'iamx-membership-added',
    class: 'coverage',
    expect: ['medium iam.group-membership-added aws_iam_user_group_membership.dev'],
    description: 'the existing user joins the ops group (an ordinary group)',
    mutate: (c) => c.resource.aws_iam_user_group_membership.dev.groups.push('${aws_iam_group.ops.name}'),
    changes: ['aws_iam_user_group_membership.dev'],
  },
  {
    name: 'iamx-group-membership-admin',
    class: 'coverage',
    expect: ['high iam.group-membership-added aws_iam_group_membership.admins'],
    description: 'an aws_iam_group_membership puts the existing user into the administrators group',
    mutate: (c) => {
      c.resource.aws_iam_group_membership = {
        admins: {
          name: 'admins',
          group: '${aws_iam_group.admins.name}',
          users: ['${aws_iam_user.dev.name}'],
        },
      };
    },
    changes: ['aws_iam_group_membership.admins'],
  },
  {
    name: 'iamx-secret-policy-public',
    class: 'coverage',
    expect: ['high iam.resource-policy-widened aws_secretsmanager_secret_policy.db'],
    description: 'the secret policy lets anyone read the secret',
    mutate: (c) => (c.resource.aws_secretsmanager_secret_policy.db.policy = secretPolicy(secretRead('*'))),
    changes: ['aws_secretsmanager_secret_policy.db'],
  },
  {
    name: 'iamx-secret-policy-foreign',
    class: 'coverage',
    expect: ['high iam.resource-policy-widened aws_secretsmanager_secret_policy.db'],
    description: 'the secret policy lets another account read the secret',
    mutate: (c) =>
      (c.resource.aws_secretsmanager_secret_policy.db.policy = secretPolicy(
        secretRead({ AWS: `arn:aws:iam::${ACCOUNT}:role/review-app` }),
        { ...secretRead({ AWS: `arn:aws:iam::${FOREIGN}:root` }), Sid: 'PartnerReads' },
      )),
    changes: ['aws_secretsmanager_secret_policy.db'],
  },
  {
    name: 'iamx-secret-inline-policy-public',
    class: 'coverage',
    expect: ['high iam.resource-policy-widened aws_secretsmanager_secret.tokens'],
    description: 'a new secret whose own policy argument lets anyone read it',
    mutate: (c) => {
      c.resource.aws_secretsmanager_secret.tokens = {
        name: 'review-tokens',
        policy: secretPolicy(secretRead('*')),
      };
    },
    changes: ['aws_secretsmanager_secret.tokens'],
  },
  {
    name: 'iamx-kms-grant-foreign',
    class: 'coverage',
    expect: ['high kms.grant-added aws_kms_grant.partner'],
    description: 'a KMS grant lets another account decrypt with the existing key',
    mutate: (c) => {
      c.resource.aws_kms_grant = {
        partner: {
          name: 'partner',
          key_id: '${aws_kms_key.app.key_id}',
          grantee_principal: `arn:aws:iam::${FOREIGN}:root`,
          operations: ['Decrypt'],
        },
      };
    },
    changes: ['aws_kms_grant.partner'],
  },
  {
    name: 'iamx-kms-grant-regrant',
    class: 'coverage',
    expect: ['high kms.grant-added aws_kms_grant.app'],
    description: 'a KMS grant to the other role includes CreateGrant (it can hand the key on)',
    mutate: (c) => {
      c.resource.aws_kms_grant = {
        app: {
          name: 'other',
          key_id: '${aws_kms_key.app.key_id}',
          grantee_principal: '${aws_iam_role.other.arn}',
          operations: ['Decrypt', 'CreateGrant'],
        },
      };
    },
    changes: ['aws_kms_grant.app'],
  },
  {
    name: 'iamx-lambda-permission-account',
    class: 'coverage',
    expect: ['high iam.lambda-permission-cross-account aws_lambda_permission.partner'],
    description: 'a new permission lets another account invoke the function',
    mutate: (c) => {
      c.resource.aws_lambda_permission.partner = {
        statement_id: 'PartnerInvoke',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: FOREIGN,
      };
    },
    changes: ['aws_lambda_permission.partner'],
  },
  // --- benign rewrites: nothing above info
  {
    name: 'iamx-benign-deny-added',
    class: 'wildcards',
    benign: true,
    expect: [],
    description: 'benign: the app policy gains a Deny on deleting objects (it narrows)',
    mutate: addToApp({
      Sid: 'NeverDelete',
      Effect: 'Deny',
      Action: 's3:DeleteObject',
      Resource: 'arn:aws:s3:::review-data/*',
    }),
    changes: [A],
  },
  {
    name: 'iamx-benign-sids-renamed',
    class: 'wildcards',
    benign: true,
    expect: [],
    description: 'benign: the Sids of the app policy are renamed',
    mutate: (c) =>
      setApp(c, (s) => {
        s.forEach((statement, i) => {
          statement.Sid = `Statement${i + 1}`;
        });
      }),
    changes: [A],
  },
  {
    name: 'iamx-benign-equivalent-actions',
    class: 'wildcards',
    benign: true,
    expect: [],
    description: 'benign: the log actions are split into two statements and written in lower case',
    mutate: (c) =>
      setApp(c, (s) => {
        const logs = s.pop();
        s.push(
          { ...logs, Sid: 'CreateStreams', Action: ['logs:createlogstream'] },
          { ...logs, Sid: 'PutEvents', Action: ['logs:putlogevents'] },
        );
      }),
    changes: [A],
  },
  {
    name: 'iamx-benign-stringlike-literal',
    class: 'conditions',
    benign: true,
    expect: [],
    description: 'benign: kms:ViaService is matched with StringLike on the same literal value (no wildcard)',
    mutate: (c) =>
      setApp(c, (s) => (s[1].Condition = { StringLike: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } })),
    changes: [A],
  },
  {
    name: 'iamx-benign-narrowed-read',
    class: 'wildcards',
    benign: true,
    expect: [],
    description: 'benign: the read narrows from in/* to in/2026/*',
    mutate: (c) => setApp(c, (s) => (s[0].Resource = ['arn:aws:s3:::review-data/in/2026/*'])),
    changes: [A],
  },
  {
    name: 'iamx-benign-tls-boolifexists',
    class: 'conditions',
    benign: true,
    expect: [],
    description:
      'benign: the TLS-only Deny is rewritten from Bool to BoolIfExists (aws:SecureTransport is always present)',
    mutate: (c) =>
      setBucket(c, (s) => (s[0].Condition = { BoolIfExists: { 'aws:SecureTransport': 'false' } })),
    changes: [BUCKET],
  },
  {
    name: 'iamx-benign-bucket-rewritten',
    class: 'conditions',
    benign: true,
    expect: [],
    description: 'benign: the bucket policy statements are reordered and their Sids renamed',
    mutate: (c) =>
      setBucket(c, (s) => {
        s.reverse();
        s[0].Sid = 'OrgRead';
        s[1].Sid = 'TlsOnly';
      }),
    changes: [BUCKET],
  },
  {
    name: 'iamx-benign-github-pinned',
    class: 'created',
    benign: true,
    expect: [],
    description: 'benign: a new GitHub OIDC role pinned to one repository and branch',
    mutate: (c) =>
      newRole(
        c,
        githubTrust({
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:review-org/app:ref:refs/heads/main',
          },
        }),
      ),
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-benign-foreign-external-id',
    class: 'created',
    benign: true,
    expect: [],
    description: 'benign: a new role for a vendor account, with an external id',
    mutate: (c) =>
      newRole(c, {
        Sid: 'Vendor',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'review-vendor-7f3a' } },
      }),
    changes: ['aws_iam_role.ci'],
  },
  {
    name: 'iamx-benign-trust-root-to-role',
    class: 'tables',
    benign: true,
    expect: [],
    description: 'benign: the deployer trust narrows from the account root to one role of the account',
    mutate: (c) => {
      c.resource.aws_iam_role.deployer.assume_role_policy = policy({
        Sid: 'AccountAssumes',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/review-app` },
        Action: 'sts:AssumeRole',
      });
    },
    changes: ['aws_iam_role.deployer'],
  },
  {
    name: 'iamx-benign-descriptions',
    class: 'coverage',
    benign: true,
    expect: [],
    description: 'benign: the app role tags and the secret description change',
    mutate: (c) => {
      c.resource.aws_iam_role.app.tags = { Team: 'platform', Owner: 'review' };
      c.resource.aws_secretsmanager_secret.db.description = 'database password (rotated monthly)';
    },
    changes: ['aws_iam_role.app', 'aws_secretsmanager_secret.db'],
  },
];

export const group = { name: 'iam-semantics', baseline, cases, lambdaZip: true };
