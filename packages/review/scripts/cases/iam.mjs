/** The iam fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, json, lambdaTrust, policy, REGION } from './shared.mjs';

const inlinePolicy = () => [
  {
    Sid: 'ReadInput',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: ['arn:aws:s3:::review-input/in/*'],
  },
  {
    Sid: 'DecryptViaS3',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`],
    Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
  },
  {
    Sid: 'DenyUnencryptedPuts',
    Effect: 'Deny',
    Action: ['s3:PutObject'],
    Resource: ['arn:aws:s3:::review-input/*'],
    Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
  },
  { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: ['*'] },
];

const trustStatement = () => ({
  Sid: 'LambdaInThisAccount',
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
});

const secretPolicy = (actions) =>
  policy({
    Sid: 'ReadSecretPrefix',
    Effect: 'Allow',
    Action: actions,
    Resource: 'arn:aws:s3:::review-secret/keys/*',
  });

const iamBaseline = () => ({
  variable: {
    secret_policy: {
      type: 'string',
      sensitive: true,
      default: secretPolicy(['s3:GetObject']),
      description: 'a policy document from a sensitive variable: the review must print it as (sensitive)',
    },
  },
  data: {
    aws_iam_policy_document: {
      app: {
        statement: [
          {
            sid: 'SendToQueue',
            actions: ['sqs:SendMessage'],
            resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:review-queue`],
          },
        ],
      },
    },
  },
  resource: {
    aws_iam_policy: {
      boundary: {
        name: 'review-boundary',
        policy: policy({
          Sid: 'Boundary',
          Effect: 'Allow',
          Action: ['s3:*', 'kms:Decrypt', 'sqs:*', 'xray:*'],
          Resource: '*',
        }),
      },
      managed: {
        name: 'review-managed',
        policy: policy({
          Sid: 'ReadConfig',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/*`,
        }),
      },
    },
    aws_iam_role: {
      app: {
        name: 'review-app',
        description: 'Execution role of the review fixture app',
        assume_role_policy: policy(trustStatement()),
        permissions_boundary: '${aws_iam_policy.boundary.arn}',
        tags: { Team: 'platform' },
      },
    },
    aws_iam_role_policy: {
      inline: { name: 'inline', role: '${aws_iam_role.app.id}', policy: policy(...inlinePolicy()) },
      from_doc: {
        name: 'from-doc',
        role: '${aws_iam_role.app.id}',
        policy: '${data.aws_iam_policy_document.app.json}',
      },
      secret: { name: 'secret', role: '${aws_iam_role.app.id}', policy: '${var.secret_policy}' },
    },
    aws_iam_role_policy_attachment: {
      managed: { role: '${aws_iam_role.app.name}', policy_arn: '${aws_iam_policy.managed.arn}' },
    },
  },
});

const setInline = (config, edit) => {
  const statements = inlinePolicy();
  edit(statements);
  config.resource.aws_iam_role_policy.inline.policy = policy(...statements);
};

const iamCases = [
  {
    name: 'iam-action-added',
    expect: ['medium iam.policy-widened aws_iam_role_policy.inline'],
    description: 'an inline role policy statement gains s3:PutObject',
    mutate: (c) => setInline(c, (s) => s[0].Action.push('s3:PutObject')),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-resource-added',
    expect: ['medium iam.policy-widened aws_iam_role_policy.inline'],
    description: 'an inline role policy statement gains a second bucket',
    mutate: (c) => setInline(c, (s) => s[0].Resource.push('arn:aws:s3:::review-output/*')),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-wildcard-action',
    expect: ['high iam.wildcard-action aws_iam_role_policy.inline'],
    description: 's3:GetObject becomes s3:*',
    mutate: (c) => setInline(c, (s) => (s[0].Action = ['s3:*'])),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-wildcard-resource',
    expect: ['high iam.wildcard-resource aws_iam_role_policy.inline'],
    description: 's3:GetObject on one prefix becomes s3:GetObject on "*"',
    mutate: (c) => setInline(c, (s) => (s[0].Resource = ['*'])),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-condition-removed',
    expect: ['medium iam.condition-removed aws_iam_role_policy.inline'],
    description: 'kms:Decrypt loses its kms:ViaService condition',
    mutate: (c) => setInline(c, (s) => delete s[1].Condition),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-deny-removed',
    expect: ['medium iam.deny-removed aws_iam_role_policy.inline'],
    description: 'the Deny on unencrypted uploads is removed',
    mutate: (c) => setInline(c, (s) => s.splice(2, 1)),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-document-widened',
    expect: ['medium iam.policy-widened aws_iam_role_policy.from_doc'],
    description: 'the aws_iam_policy_document behind a role policy gains sqs:ReceiveMessage',
    mutate: (c) => c.data.aws_iam_policy_document.app.statement[0].actions.push('sqs:ReceiveMessage'),
    changes: ['aws_iam_role_policy.from_doc'],
  },
  {
    name: 'iam-document-unknown',
    expect: [
      'medium iam.policy-widened aws_iam_role_policy.from_doc',
      'medium review.unknown-until-apply aws_iam_role_policy.from_doc',
    ],
    description:
      'the aws_iam_policy_document gains iam:PassRole on a role created in the same plan: the document is known only after apply',
    mutate: (c) => {
      c.resource.aws_iam_role.worker = { name: 'review-worker', assume_role_policy: lambdaTrust };
      c.data.aws_iam_policy_document.app.statement.push({
        sid: 'PassWorkerRole',
        actions: ['iam:PassRole'],
        resources: ['${aws_iam_role.worker.arn}'],
      });
    },
    changes: ['aws_iam_role.worker', 'aws_iam_role_policy.from_doc'],
  },
  {
    name: 'iam-managed-policy-widened',
    expect: ['medium iam.policy-widened aws_iam_policy.managed'],
    description: 'a customer-managed policy gains ssm:PutParameter',
    mutate: (c) => {
      c.resource.aws_iam_policy.managed.policy = policy({
        Sid: 'ReadConfig',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/*`,
      });
    },
    changes: ['aws_iam_policy.managed'],
  },
  {
    name: 'iam-admin-attached',
    expect: ['high iam.managed-policy-attached aws_iam_role_policy_attachment.admin'],
    description: 'AdministratorAccess is attached to the existing role',
    mutate: (c) => {
      c.resource.aws_iam_role_policy_attachment.admin = {
        role: '${aws_iam_role.app.name}',
        policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      };
    },
    changes: ['aws_iam_role_policy_attachment.admin'],
  },
  {
    name: 'iam-policy-attached',
    // ReadOnlyAccess reads the data of every bucket, table and queue: data access on everything.
    expect: ['high iam.managed-policy-attached aws_iam_role_policy_attachment.read_only'],
    description: 'the AWS-managed ReadOnlyAccess policy is attached to the existing role',
    mutate: (c) => {
      c.resource.aws_iam_role_policy_attachment.read_only = {
        role: '${aws_iam_role.app.name}',
        policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      };
    },
    changes: ['aws_iam_role_policy_attachment.read_only'],
  },
  {
    name: 'iam-trust-widened',
    expect: ['high iam.trust-widened aws_iam_role.app'],
    description: 'the role trust policy gains another account',
    mutate: (c) => {
      c.resource.aws_iam_role.app.assume_role_policy = policy(trustStatement(), {
        Sid: 'PartnerAccount',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:root' },
        Action: 'sts:AssumeRole',
      });
    },
    changes: ['aws_iam_role.app'],
  },
  {
    name: 'iam-trust-condition-removed',
    expect: ['high iam.trust-widened aws_iam_role.app'],
    description: 'the role trust policy loses its aws:SourceAccount condition',
    mutate: (c) => {
      const statement = trustStatement();
      delete statement.Condition;
      c.resource.aws_iam_role.app.assume_role_policy = policy(statement);
    },
    changes: ['aws_iam_role.app'],
  },
  {
    name: 'iam-boundary-removed',
    expect: ['high iam.permissions-boundary-removed aws_iam_role.app'],
    description: 'the permissions boundary is removed from the role',
    mutate: (c) => delete c.resource.aws_iam_role.app.permissions_boundary,
    changes: ['aws_iam_role.app'],
  },
  {
    name: 'iam-sensitive-policy-widened',
    expect: ['high iam.wildcard-action aws_iam_role_policy.secret'],
    description:
      'a role policy that comes from a sensitive variable gains s3:* (the review must not print it)',
    mutate: (c) => (c.variable.secret_policy.default = secretPolicy(['s3:*'])),
    changes: ['aws_iam_role_policy.secret'],
  },
  {
    name: 'iam-new-role-scoped',
    expect: [],
    benign: true,
    description:
      'benign: a new role with a scoped policy (and X-Ray on "*", which supports nothing narrower)',
    mutate: (c) => {
      c.resource.aws_iam_role.reporter = { name: 'review-reporter', assume_role_policy: lambdaTrust };
      c.resource.aws_iam_role_policy.reporter = {
        name: 'reporter',
        role: '${aws_iam_role.reporter.id}',
        policy: policy(
          {
            Sid: 'ReadReports',
            Effect: 'Allow',
            Action: ['s3:GetObject'],
            Resource: ['arn:aws:s3:::review-reports/*'],
          },
          {
            Sid: 'SendTraces',
            Effect: 'Allow',
            Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
            Resource: ['*'],
          },
        ),
      };
    },
    changes: ['aws_iam_role.reporter', 'aws_iam_role_policy.reporter'],
  },
  {
    name: 'iam-benign',
    expect: [],
    benign: true,
    description: 'benign: the role description and tags change',
    mutate: (c) => {
      c.resource.aws_iam_role.app.description =
        'Execution role of the review fixture app (owned by platform)';
      c.resource.aws_iam_role.app.tags = { Team: 'platform', CostCenter: '42' };
    },
    changes: ['aws_iam_role.app'],
  },
];

export const group = { name: 'iam', baseline: iamBaseline, cases: iamCases };
