/**
 * The fixture cases of @secure-lambda/review: small Terraform JSON configurations, grouped by the
 * baseline they change. Each group's baseline is applied once to a moto server (so its state is what the
 * AWS provider really records); each case then changes the baseline configuration in ONE risky way (or a
 * benign one) and `terraform plan -refresh=false` against that state gives the plan the tests review.
 *
 * A case is { name, description, mutate(config), changes: [addresses] }: `changes` is exactly the set of
 * managed resources the plan must create, update, replace or destroy (the generator checks it, so a
 * fixture never carries unintended drift).
 *
 * `statePatches` cover what the emulator cannot do (DESIGN.md, "Emulator gaps"): moto accepts a function's
 * DeadLetterConfig but never returns it, and has no code-signing API at all. A patch writes the attribute
 * into the applied state (and, with `config`, into the configuration the cases start from), with the reason.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

const json = (value) => JSON.stringify(value);
const policy = (...statements) => json({ Version: '2012-10-17', Statement: statements });

/** Deep copy for mutation. */
export const clone = (value) => JSON.parse(JSON.stringify(value));

const lambdaTrust = policy({
  Sid: 'LambdaInThisAccount',
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
});

/** An inline `ingress`/`egress` entry of aws_security_group: JSON syntax needs every attribute. */
const sgRule = (overrides) => ({
  description: null,
  from_port: 443,
  to_port: 443,
  protocol: 'tcp',
  cidr_blocks: [],
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
  ...overrides,
});

/** An inline entry of aws_network_acl. */
const aclRule = (overrides) => ({
  action: 'allow',
  cidr_block: null,
  ipv6_cidr_block: null,
  from_port: 443,
  to_port: 443,
  icmp_code: null,
  icmp_type: null,
  protocol: 'tcp',
  rule_no: 100,
  ...overrides,
});

// -------------------------------------------------------------------------------------------------------
// iam

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
    description: 'an inline role policy statement gains s3:PutObject',
    mutate: (c) => setInline(c, (s) => s[0].Action.push('s3:PutObject')),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-resource-added',
    description: 'an inline role policy statement gains a second bucket',
    mutate: (c) => setInline(c, (s) => s[0].Resource.push('arn:aws:s3:::review-output/*')),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-wildcard-action',
    description: 's3:GetObject becomes s3:*',
    mutate: (c) => setInline(c, (s) => (s[0].Action = ['s3:*'])),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-wildcard-resource',
    description: 's3:GetObject on one prefix becomes s3:GetObject on "*"',
    mutate: (c) => setInline(c, (s) => (s[0].Resource = ['*'])),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-condition-removed',
    description: 'kms:Decrypt loses its kms:ViaService condition',
    mutate: (c) => setInline(c, (s) => delete s[1].Condition),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-deny-removed',
    description: 'the Deny on unencrypted uploads is removed',
    mutate: (c) => setInline(c, (s) => s.splice(2, 1)),
    changes: ['aws_iam_role_policy.inline'],
  },
  {
    name: 'iam-document-widened',
    description: 'the aws_iam_policy_document behind a role policy gains sqs:ReceiveMessage',
    mutate: (c) => c.data.aws_iam_policy_document.app.statement[0].actions.push('sqs:ReceiveMessage'),
    changes: ['aws_iam_role_policy.from_doc'],
  },
  {
    name: 'iam-document-unknown',
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
    description: 'the permissions boundary is removed from the role',
    mutate: (c) => delete c.resource.aws_iam_role.app.permissions_boundary,
    changes: ['aws_iam_role.app'],
  },
  {
    name: 'iam-sensitive-policy-widened',
    description:
      'a role policy that comes from a sensitive variable gains s3:* (the review must not print it)',
    mutate: (c) => (c.variable.secret_policy.default = secretPolicy(['s3:*'])),
    changes: ['aws_iam_role_policy.secret'],
  },
  {
    name: 'iam-new-role-scoped',
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
    description: 'benign: the role description and tags change',
    mutate: (c) => {
      c.resource.aws_iam_role.app.description =
        'Execution role of the review fixture app (owned by platform)';
      c.resource.aws_iam_role.app.tags = { Team: 'platform', CostCenter: '42' };
    },
    changes: ['aws_iam_role.app'],
  },
];

// -------------------------------------------------------------------------------------------------------
// lambda

const lambdaBaseline = () => ({
  resource: {
    aws_iam_role: { fn: { name: 'review-fn', assume_role_policy: lambdaTrust } },
    aws_kms_key: {
      env: {
        description: 'review function environment',
        enable_key_rotation: true,
        deletion_window_in_days: 7,
      },
    },
    aws_sns_topic: { dlq: { name: 'review-fn-dlq' } },
    aws_vpc: { main: { cidr_block: '10.1.0.0/16' } },
    aws_subnet: {
      a: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.1.1.0/24', availability_zone: `${REGION}a` },
    },
    aws_security_group: {
      fn: {
        name: 'review-fn',
        description: 'review function',
        vpc_id: '${aws_vpc.main.id}',
        egress: [sgRule({ cidr_blocks: ['10.1.0.0/16'] })],
      },
    },
    aws_lambda_function: {
      api: {
        function_name: 'review-api',
        description: 'review API',
        role: '${aws_iam_role.fn.arn}',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        filename: 'fn.zip',
        memory_size: 128,
        publish: true,
        kms_key_arn: '${aws_kms_key.env.arn}',
        environment: [{ variables: { MODE: 'prod' } }],
        dead_letter_config: [{ target_arn: '${aws_sns_topic.dlq.arn}' }],
        tracing_config: [{ mode: 'Active' }],
        reserved_concurrent_executions: 5,
        vpc_config: [
          { subnet_ids: ['${aws_subnet.a.id}'], security_group_ids: ['${aws_security_group.fn.id}'] },
        ],
      },
      worker: {
        function_name: 'review-worker',
        role: '${aws_iam_role.fn.arn}',
        runtime: 'python3.13',
        handler: 'index.handler',
        filename: 'fn.zip',
      },
    },
    aws_lambda_alias: {
      live: {
        name: 'live',
        function_name: '${aws_lambda_function.api.function_name}',
        function_version: '${aws_lambda_function.api.version}',
      },
    },
    aws_lambda_function_url: {
      api: { function_name: '${aws_lambda_function.api.function_name}', authorization_type: 'AWS_IAM' },
    },
    aws_lambda_permission: {
      s3: {
        statement_id: 'InvokeFromInputBucket',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: 's3.amazonaws.com',
        source_arn: 'arn:aws:s3:::review-input',
        source_account: ACCOUNT,
      },
    },
  },
});

const CODE_SIGNING_CONFIG_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0123456789abcdef0`;

const lambdaPatches = [
  {
    address: 'aws_lambda_function.api',
    reason: 'moto accepts DeadLetterConfig on CreateFunction but never returns it (DESIGN.md, Emulator gaps)',
    attributes: (state) => ({
      dead_letter_config: [{ target_arn: attribute(state, 'aws_sns_topic.dlq', 'arn') }],
    }),
  },
  {
    address: 'aws_lambda_function.api',
    reason:
      'moto has no code-signing-config API (DESIGN.md, Emulator gaps): the ARN is written into state and configuration',
    attributes: () => ({ code_signing_config_arn: CODE_SIGNING_CONFIG_ARN }),
    config: (c) => (c.resource.aws_lambda_function.api.code_signing_config_arn = CODE_SIGNING_CONFIG_ARN),
  },
];

const api = (c) => c.resource.aws_lambda_function.api;
/** A new policy on the function's (existing) role. */
const callerPolicy = (c, ...statements) =>
  (c.resource.aws_iam_role_policy = {
    caller: { name: 'caller', role: '${aws_iam_role.fn.id}', policy: policy(...statements) },
  });

const lambdaCases = [
  {
    name: 'lambda-url-public',
    description: 'the function URL drops IAM authentication (authorization_type NONE)',
    mutate: (c) => (c.resource.aws_lambda_function_url.api.authorization_type = 'NONE'),
    changes: ['aws_lambda_function_url.api'],
  },
  {
    name: 'lambda-runtime-deprecated',
    description: 'nodejs22.x moves to the deprecated nodejs20.x',
    mutate: (c) => (api(c).runtime = 'nodejs20.x'),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-runtime-downgraded',
    description: 'python3.13 moves to python3.12 (supported, older)',
    mutate: (c) => (c.resource.aws_lambda_function.worker.runtime = 'python3.12'),
    changes: ['aws_lambda_function.worker'],
  },
  {
    name: 'lambda-concurrency-removed',
    description: 'reserved concurrency is removed',
    mutate: (c) => delete api(c).reserved_concurrent_executions,
    changes: ['aws_lambda_function.api'],
  },
  {
    name: 'lambda-dlq-removed',
    description: 'the dead-letter target is removed',
    mutate: (c) => delete api(c).dead_letter_config,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-code-signing-removed',
    description:
      'code signing is removed from the function (baseline state patched: moto has no code signing)',
    mutate: (c) => delete api(c).code_signing_config_arn,
    changes: ['aws_lambda_function.api'],
  },
  {
    name: 'lambda-env-key-removed',
    description: 'the customer-managed key of the environment variables is removed',
    mutate: (c) => delete api(c).kms_key_arn,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-tracing-disabled',
    description: 'X-Ray tracing moves from Active to PassThrough',
    mutate: (c) => (api(c).tracing_config = [{ mode: 'PassThrough' }]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-vpc-removed',
    description: 'the function leaves its VPC (vpc_config removed)',
    mutate: (c) => delete api(c).vpc_config,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-code-loading-env',
    description:
      'NODE_OPTIONS=--import=data:text/javascript,... is added: code runs before the handler, outside the signed zip',
    mutate: (c) =>
      (api(c).environment = [
        {
          variables: {
            MODE: 'prod',
            NODE_OPTIONS: "--import=data:text/javascript,process.stdout.write('injected')",
          },
        },
      ]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-layer-added',
    description: 'a layer is added: its files load from /opt, outside the signed zip',
    mutate: (c) => (api(c).layers = [`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shared-helpers:3`]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-env-allowed-code-loading',
    description: 'benign: NODE_OPTIONS=--enable-source-maps (the allow-listed value) is added',
    mutate: (c) =>
      (api(c).environment = [{ variables: { MODE: 'prod', NODE_OPTIONS: '--enable-source-maps' } }]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-permission-public',
    description: 'the invoke permission is granted to principal "*"',
    mutate: (c) => (c.resource.aws_lambda_permission.s3.principal = '*'),
    changes: ['aws_lambda_permission.s3'],
  },
  // TM-ID-05: new direct-invoke paths to the URL-fronted function `api`, through a policy on its role.
  {
    name: 'lambda-url-direct-invoke-policy',
    description:
      'a role policy allows lambda:InvokeFunction on the URL-fronted function with no InvokedViaFunctionUrl condition',
    mutate: (c) =>
      callerPolicy(c, {
        Sid: 'CallTheApi',
        Effect: 'Allow',
        Action: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:review-api:*`,
      }),
    changes: ['aws_iam_role_policy.caller'],
  },
  {
    name: 'lambda-url-direct-invoke-wildcard',
    description: 'a role policy allows lambda:Invoke* on every function of the account',
    mutate: (c) =>
      callerPolicy(c, {
        Sid: 'InvokeAnything',
        Effect: 'Allow',
        Action: 'lambda:Invoke*',
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`,
      }),
    changes: ['aws_iam_role_policy.caller'],
  },
  {
    name: 'lambda-url-direct-invoke-permission',
    description:
      'a resource-based permission lets a role of the account invoke the URL-fronted function directly',
    mutate: (c) =>
      (c.resource.aws_lambda_permission.caller = {
        statement_id: 'AllowCaller',
        action: 'lambda:InvokeFunction',
        function_name: '${aws_lambda_function.api.function_name}',
        principal: `arn:aws:iam::${ACCOUNT}:role/caller`,
      }),
    changes: ['aws_lambda_permission.caller'],
  },
  {
    name: 'lambda-url-invoke-via-url-only',
    description:
      'a caller policy for the Function URL whose InvokeFunction requires InvokedViaFunctionUrl = true (a widening, not a direct path)',
    mutate: (c) =>
      callerPolicy(
        c,
        {
          Sid: 'CallTheUrl',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunctionUrl',
          Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:review-api:live`,
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
        },
        {
          Sid: 'InvokeOnlyThroughTheUrl',
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:review-api:live`,
          Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
        },
      ),
    changes: ['aws_iam_role_policy.caller'],
  },
  {
    name: 'lambda-permission-unscoped',
    description: 'the S3 invoke permission loses its source_arn',
    mutate: (c) => delete c.resource.aws_lambda_permission.s3.source_arn,
    changes: ['aws_lambda_permission.s3'],
  },
  {
    name: 'lambda-alias-moved',
    description: 'the live alias moves to $LATEST',
    mutate: (c) => (c.resource.aws_lambda_alias.live.function_version = '$LATEST'),
    changes: ['aws_lambda_alias.live'],
  },
  {
    name: 'lambda-benign',
    description:
      'benign: memory 128 -> 256 MB and a new description (publishes a version; the alias follows)',
    mutate: (c) => {
      api(c).memory_size = 256;
      api(c).description = 'review API (more memory)';
    },
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-mixed',
    description:
      'a pull request with several risky changes at once (for the report formats): public URL, deprecated runtime, tracing off, no reserved concurrency',
    mutate: (c) => {
      c.resource.aws_lambda_function_url.api.authorization_type = 'NONE';
      api(c).runtime = 'nodejs18.x';
      api(c).tracing_config = [{ mode: 'PassThrough' }];
      delete api(c).reserved_concurrent_executions;
    },
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live', 'aws_lambda_function_url.api'],
  },
];

// -------------------------------------------------------------------------------------------------------
// kms

const keyPolicy = (...extra) =>
  policy(
    {
      Sid: 'AccountAdministration',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: [
        'kms:Describe*',
        'kms:Enable*',
        'kms:Disable*',
        'kms:Put*',
        'kms:Get*',
        'kms:List*',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
      ],
      Resource: '*',
    },
    {
      Sid: 'UseViaSqs',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` } },
    },
    ...extra,
  );

const kmsBaseline = () => ({
  resource: {
    aws_kms_key: {
      main: {
        description: 'review main key',
        enable_key_rotation: true,
        deletion_window_in_days: 7,
        policy: keyPolicy(),
      },
      other: { description: 'review other key', enable_key_rotation: true, deletion_window_in_days: 7 },
      legacy: { description: 'review legacy key', enable_key_rotation: true, deletion_window_in_days: 30 },
    },
    aws_kms_alias: { main: { name: 'alias/review-main', target_key_id: '${aws_kms_key.main.key_id}' } },
    aws_cloudwatch_log_group: {
      app: { name: '/review/kms-app', retention_in_days: 30, kms_key_id: '${aws_kms_key.main.arn}' },
    },
    aws_sqs_queue: { jobs: { name: 'review-jobs', kms_master_key_id: '${aws_kms_key.main.arn}' } },
    aws_sns_topic: { alerts: { name: 'review-alerts', kms_master_key_id: '${aws_kms_key.main.arn}' } },
  },
});

const kmsPatches = [
  {
    address: 'aws_sqs_queue.jobs',
    reason:
      'moto reports SqsManagedSseEnabled=true for a queue encrypted with a KMS key; AWS reports false (SSE-KMS and SSE-SQS exclude each other)',
    attributes: () => ({ sqs_managed_sse_enabled: false }),
  },
];

const kmsCases = [
  {
    name: 'kms-rotation-disabled',
    description: 'automatic rotation of the main key is turned off',
    mutate: (c) => (c.resource.aws_kms_key.main.enable_key_rotation = false),
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-key-deleted',
    description: 'the legacy key is removed from the configuration (scheduled for deletion)',
    mutate: (c) => delete c.resource.aws_kms_key.legacy,
    changes: ['aws_kms_key.legacy'],
  },
  {
    name: 'kms-key-disabled',
    description: 'the main key is disabled',
    mutate: (c) => (c.resource.aws_kms_key.main.is_enabled = false),
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-key-policy-widened',
    description: 'the key policy lets another account decrypt',
    mutate: (c) => {
      c.resource.aws_kms_key.main.policy = keyPolicy({
        Sid: 'PartnerDecrypt',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:root' },
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    },
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-key-policy-public',
    description: 'the key policy lets anyone decrypt (Principal "*", no condition)',
    mutate: (c) => {
      c.resource.aws_kms_key.main.policy = keyPolicy({
        Sid: 'AnyoneDecrypt',
        Effect: 'Allow',
        Principal: '*',
        Action: 'kms:Decrypt',
        Resource: '*',
      });
    },
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-alias-retargeted',
    description: 'the alias moves to the other key',
    mutate: (c) => (c.resource.aws_kms_alias.main.target_key_id = '${aws_kms_key.other.key_id}'),
    changes: ['aws_kms_alias.main'],
  },
  {
    name: 'kms-log-group-unencrypted',
    description: 'the log group loses its KMS key',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.app.kms_key_id,
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'kms-queue-unencrypted',
    description: 'the queue loses its KMS key',
    mutate: (c) => delete c.resource.aws_sqs_queue.jobs.kms_master_key_id,
    changes: ['aws_sqs_queue.jobs'],
  },
  {
    name: 'kms-queue-sse-sqs',
    description: 'the queue moves from its KMS key to SSE-SQS (keys owned by SQS)',
    mutate: (c) => {
      delete c.resource.aws_sqs_queue.jobs.kms_master_key_id;
      c.resource.aws_sqs_queue.jobs.sqs_managed_sse_enabled = true;
    },
    changes: ['aws_sqs_queue.jobs'],
  },
  {
    name: 'kms-topic-unencrypted',
    description: 'the topic loses its KMS key',
    mutate: (c) => delete c.resource.aws_sns_topic.alerts.kms_master_key_id,
    changes: ['aws_sns_topic.alerts'],
  },
  {
    name: 'data-queue-replaced',
    description: 'the queue is renamed, which replaces it (its messages are lost)',
    mutate: (c) => (c.resource.aws_sqs_queue.jobs.name = 'review-jobs-v2'),
    changes: ['aws_sqs_queue.jobs'],
  },
];

// -------------------------------------------------------------------------------------------------------
// network

const endpointPolicy = (condition = { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }) =>
  policy({
    Sid: 'ThisAccountOnly',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: 'arn:aws:s3:::review-*/*',
    ...(condition ? { Condition: condition } : {}),
  });

const networkBaseline = () => ({
  resource: {
    aws_vpc: { main: { cidr_block: '10.0.0.0/16', tags: { Name: 'review' } } },
    aws_subnet: {
      a: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.0.1.0/24', availability_zone: `${REGION}a` },
    },
    aws_route_table: { private: { vpc_id: '${aws_vpc.main.id}' } },
    aws_route_table_association: {
      a: { subnet_id: '${aws_subnet.a.id}', route_table_id: '${aws_route_table.private.id}' },
    },
    aws_security_group: {
      legacy: {
        name: 'review-legacy',
        description: 'inline rules',
        vpc_id: '${aws_vpc.main.id}',
        ingress: [sgRule({ cidr_blocks: ['10.0.0.0/16'] })],
        egress: [sgRule({ cidr_blocks: ['10.0.0.0/16'] })],
      },
      fn: { name: 'review-fn', description: 'function', vpc_id: '${aws_vpc.main.id}' },
      endpoints: {
        name: 'review-endpoints',
        description: 'interface endpoints',
        vpc_id: '${aws_vpc.main.id}',
      },
      batch: { name: 'review-batch', description: 'rules as resources', vpc_id: '${aws_vpc.main.id}' },
    },
    aws_vpc_security_group_egress_rule: {
      fn_to_endpoints: {
        security_group_id: '${aws_security_group.fn.id}',
        referenced_security_group_id: '${aws_security_group.endpoints.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_vpc_security_group_ingress_rule: {
      endpoints_from_fn: {
        security_group_id: '${aws_security_group.endpoints.id}',
        referenced_security_group_id: '${aws_security_group.fn.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_security_group_rule: {
      batch_egress: {
        type: 'egress',
        security_group_id: '${aws_security_group.batch.id}',
        protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_blocks: ['10.0.0.0/16'],
      },
    },
    aws_network_acl: {
      private: {
        vpc_id: '${aws_vpc.main.id}',
        subnet_ids: ['${aws_subnet.a.id}'],
        egress: [
          aclRule({ rule_no: 100, cidr_block: '0.0.0.0/0' }),
          aclRule({ rule_no: 110, cidr_block: '10.0.0.0/16', from_port: 1024, to_port: 65535 }),
        ],
        ingress: [
          aclRule({ rule_no: 90, action: 'deny', cidr_block: '0.0.0.0/0', from_port: 3389, to_port: 3389 }),
          aclRule({ rule_no: 100, cidr_block: '10.0.0.0/16' }),
          aclRule({ rule_no: 110, cidr_block: '0.0.0.0/0', from_port: 1024, to_port: 65535 }),
        ],
      },
      isolated: { vpc_id: '${aws_vpc.main.id}' },
    },
    aws_network_acl_rule: {
      isolated_in: {
        network_acl_id: '${aws_network_acl.isolated.id}',
        rule_number: 100,
        egress: false,
        protocol: 'tcp',
        rule_action: 'allow',
        cidr_block: '10.0.0.0/16',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_vpc_endpoint: {
      s3: {
        vpc_id: '${aws_vpc.main.id}',
        service_name: `com.amazonaws.${REGION}.s3`,
        vpc_endpoint_type: 'Gateway',
        route_table_ids: ['${aws_route_table.private.id}'],
        policy: endpointPolicy(),
      },
      kms: {
        vpc_id: '${aws_vpc.main.id}',
        service_name: `com.amazonaws.${REGION}.kms`,
        vpc_endpoint_type: 'Interface',
        subnet_ids: ['${aws_subnet.a.id}'],
        security_group_ids: ['${aws_security_group.endpoints.id}'],
      },
    },
    aws_cloudwatch_log_group: { flow: { name: '/review/flow-logs', retention_in_days: 30 } },
    aws_iam_role: {
      flow: {
        name: 'review-flow-logs',
        assume_role_policy: policy({
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      },
    },
    aws_flow_log: {
      vpc: {
        vpc_id: '${aws_vpc.main.id}',
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: '${aws_cloudwatch_log_group.flow.arn}',
        iam_role_arn: '${aws_iam_role.flow.arn}',
      },
    },
    aws_default_security_group: { default: { vpc_id: '${aws_vpc.main.id}' } },
  },
});

const networkCases = [
  {
    name: 'net-sg-ingress-world',
    description: 'an inline security-group ingress rule opens 443 to 0.0.0.0/0',
    mutate: (c) => (c.resource.aws_security_group.legacy.ingress = [sgRule({ cidr_blocks: ['0.0.0.0/0'] })]),
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-sg-rule-ingress-world',
    description: 'a new aws_vpc_security_group_ingress_rule lets 0.0.0.0/0 reach the endpoints on 443',
    mutate: (c) => {
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_world = {
        security_group_id: '${aws_security_group.endpoints.id}',
        cidr_ipv4: '0.0.0.0/0',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      };
    },
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_from_world'],
  },
  {
    name: 'net-sg-egress-world-ipv6',
    description: 'an aws_security_group_rule egress moves from the VPC CIDR to ::/0',
    mutate: (c) => {
      const rule = c.resource.aws_security_group_rule.batch_egress;
      delete rule.cidr_blocks;
      rule.ipv6_cidr_blocks = ['::/0'];
    },
    changes: ['aws_security_group_rule.batch_egress'],
  },
  {
    name: 'net-sg-port-widened',
    description: 'an inline ingress rule from the VPC widens from 443 to every TCP port',
    mutate: (c) => {
      c.resource.aws_security_group.legacy.ingress = [
        sgRule({ cidr_blocks: ['10.0.0.0/16'], from_port: 0, to_port: 65535 }),
      ];
    },
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-nacl-ingress-ssh',
    description: 'the NACL allows SSH from 0.0.0.0/0',
    mutate: (c) =>
      c.resource.aws_network_acl.private.ingress.push(
        aclRule({ rule_no: 120, cidr_block: '0.0.0.0/0', from_port: 22, to_port: 22 }),
      ),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-nacl-deny-removed',
    description: 'the NACL deny for 3389 in front of the ephemeral-port allow is removed',
    mutate: (c) => c.resource.aws_network_acl.private.ingress.splice(0, 1),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-nacl-rule-world',
    description: 'an aws_network_acl_rule ingress moves from the VPC CIDR to 0.0.0.0/0 (port 443)',
    mutate: (c) => (c.resource.aws_network_acl_rule.isolated_in.cidr_block = '0.0.0.0/0'),
    changes: ['aws_network_acl_rule.isolated_in'],
  },
  {
    name: 'net-nacl-port-widened',
    description: 'an aws_network_acl_rule from the VPC widens from 443 to every port',
    mutate: (c) => {
      c.resource.aws_network_acl_rule.isolated_in.from_port = 0;
      c.resource.aws_network_acl_rule.isolated_in.to_port = 65535;
    },
    changes: ['aws_network_acl_rule.isolated_in'],
  },
  {
    name: 'net-igw-added',
    description: 'an internet gateway is attached to the VPC',
    mutate: (c) => (c.resource.aws_internet_gateway = { main: { vpc_id: '${aws_vpc.main.id}' } }),
    changes: ['aws_internet_gateway.main'],
  },
  {
    name: 'net-endpoint-removed',
    description: 'the KMS interface endpoint is removed',
    mutate: (c) => delete c.resource.aws_vpc_endpoint.kms,
    changes: ['aws_vpc_endpoint.kms'],
  },
  {
    name: 'net-endpoint-policy-public',
    description: 'the S3 endpoint policy loses its aws:PrincipalAccount condition',
    mutate: (c) => (c.resource.aws_vpc_endpoint.s3.policy = endpointPolicy(null)),
    changes: ['aws_vpc_endpoint.s3'],
  },
  {
    name: 'net-flow-log-removed',
    description: 'the VPC flow log is removed',
    mutate: (c) => delete c.resource.aws_flow_log,
    changes: ['aws_flow_log.vpc'],
  },
  {
    name: 'net-default-sg-rules',
    description: 'the default security group gains an ingress rule',
    mutate: (c) => {
      c.resource.aws_default_security_group.default.ingress = [
        sgRule({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['10.0.0.0/16'] }),
      ];
    },
    changes: ['aws_default_security_group.default'],
  },
  {
    name: 'net-unknown-cidr',
    description:
      'a new ingress rule from the IPv6 range of a VPC created in the same plan (known only after apply)',
    mutate: (c) => {
      c.resource.aws_vpc.peer = { cidr_block: '10.9.0.0/16', assign_generated_ipv6_cidr_block: true };
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_peer = {
        security_group_id: '${aws_security_group.endpoints.id}',
        cidr_ipv6: '${aws_vpc.peer.ipv6_cidr_block}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      };
    },
    changes: ['aws_vpc.peer', 'aws_vpc_security_group_ingress_rule.endpoints_from_peer'],
  },
  {
    name: 'net-benign',
    description: 'benign: tags on the VPC and the subnet',
    mutate: (c) => {
      c.resource.aws_vpc.main.tags = { Name: 'review', Owner: 'platform' };
      c.resource.aws_subnet.a.tags = { Name: 'review-a' };
    },
    changes: ['aws_vpc.main', 'aws_subnet.a'],
  },
];

// -------------------------------------------------------------------------------------------------------
// logging

const alarm = (name, metric) => ({
  alarm_name: name,
  namespace: 'AWS/Lambda',
  metric_name: metric,
  statistic: 'Sum',
  period: 60,
  evaluation_periods: 1,
  threshold: 1,
  comparison_operator: 'GreaterThanOrEqualToThreshold',
  actions_enabled: true,
  alarm_actions: ['${aws_sns_topic.alarms.arn}'],
});

const loggingBaseline = () => ({
  variable: {
    audit_retention: {
      type: 'number',
      sensitive: true,
      default: 365,
      description: 'days; sensitive to test redaction',
    },
  },
  resource: {
    aws_cloudwatch_log_group: {
      app: { name: '/review/app', retention_in_days: 30 },
      audit: { name: '/review/audit', retention_in_days: '${var.audit_retention}' },
      old: { name: '/review/old', retention_in_days: 14 },
    },
    aws_sns_topic: { alarms: { name: 'review-alarms' } },
    aws_cloudwatch_metric_alarm: {
      errors: alarm('review-errors', 'Errors'),
      throttles: alarm('review-throttles', 'Throttles'),
    },
  },
});

const loggingCases = [
  {
    name: 'logging-retention-lowered',
    description: 'log retention drops from 30 to 7 days',
    mutate: (c) => (c.resource.aws_cloudwatch_log_group.app.retention_in_days = 7),
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'logging-retention-infinite',
    description: 'log retention is removed (events never expire)',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.app.retention_in_days,
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'logging-log-group-destroyed',
    description: 'a log group is removed',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.old,
    changes: ['aws_cloudwatch_log_group.old'],
  },
  {
    name: 'logging-alarm-removed',
    description: 'the throttles alarm is removed',
    mutate: (c) => delete c.resource.aws_cloudwatch_metric_alarm.throttles,
    changes: ['aws_cloudwatch_metric_alarm.throttles'],
  },
  {
    name: 'logging-alarm-actions-disabled',
    description: 'actions_enabled = false on the errors alarm',
    mutate: (c) => (c.resource.aws_cloudwatch_metric_alarm.errors.actions_enabled = false),
    changes: ['aws_cloudwatch_metric_alarm.errors'],
  },
  {
    name: 'logging-alarm-actions-removed',
    description: 'the errors alarm loses its alarm actions',
    mutate: (c) => (c.resource.aws_cloudwatch_metric_alarm.errors.alarm_actions = []),
    changes: ['aws_cloudwatch_metric_alarm.errors'],
  },
  {
    name: 'logging-sensitive-retention',
    description:
      'retention from a sensitive variable drops from 365 to 30 days: the values must print as (sensitive)',
    mutate: (c) => (c.variable.audit_retention.default = 30),
    changes: ['aws_cloudwatch_log_group.audit'],
  },
];

// -------------------------------------------------------------------------------------------------------
// data

const bucketPolicyDocument = (extra = [], withTls = true) => ({
  statement: [
    ...(withTls
      ? [
          {
            sid: 'DenyInsecureTransport',
            effect: 'Deny',
            actions: ['s3:*'],
            resources: ['arn:aws:s3:::review-main-data', 'arn:aws:s3:::review-main-data/*'],
            principals: [{ type: '*', identifiers: ['*'] }],
            condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
          },
        ]
      : []),
    {
      sid: 'AccountRead',
      effect: 'Allow',
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::review-main-data/*'],
      principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${ACCOUNT}:root`] }],
    },
    ...extra,
  ],
});

const dataBaseline = () => ({
  data: { aws_iam_policy_document: { bucket: bucketPolicyDocument() } },
  resource: {
    aws_kms_key: {
      data: { description: 'review data key', enable_key_rotation: true, deletion_window_in_days: 7 },
    },
    aws_s3_bucket: { main: { bucket: 'review-main-data' }, logs: { bucket: 'review-logs-data' } },
    aws_s3_bucket_versioning: {
      main: { bucket: '${aws_s3_bucket.main.id}', versioning_configuration: [{ status: 'Enabled' }] },
      logs: { bucket: '${aws_s3_bucket.logs.id}', versioning_configuration: [{ status: 'Enabled' }] },
    },
    aws_s3_bucket_public_access_block: {
      main: {
        bucket: '${aws_s3_bucket.main.id}',
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
      logs: {
        bucket: '${aws_s3_bucket.logs.id}',
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      main: {
        bucket: '${aws_s3_bucket.main.id}',
        rule: [
          {
            bucket_key_enabled: true,
            apply_server_side_encryption_by_default: [
              { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.data.arn}' },
            ],
          },
        ],
      },
    },
    aws_s3_bucket_policy: {
      main: { bucket: '${aws_s3_bucket.main.id}', policy: '${data.aws_iam_policy_document.bucket.json}' },
    },
  },
});

const dataCases = [
  {
    name: 'data-bucket-destroyed',
    description: 'the logs bucket and its settings are removed (only the bucket itself is reported)',
    mutate: (c) => {
      delete c.resource.aws_s3_bucket.logs;
      delete c.resource.aws_s3_bucket_versioning.logs;
      delete c.resource.aws_s3_bucket_public_access_block.logs;
    },
    changes: [
      'aws_s3_bucket.logs',
      'aws_s3_bucket_versioning.logs',
      'aws_s3_bucket_public_access_block.logs',
    ],
  },
  {
    name: 'data-public-access-weakened',
    description: 'block_public_policy is turned off',
    mutate: (c) => (c.resource.aws_s3_bucket_public_access_block.main.block_public_policy = false),
    changes: ['aws_s3_bucket_public_access_block.main'],
  },
  {
    name: 'data-versioning-suspended',
    description: 'versioning is suspended',
    mutate: (c) =>
      (c.resource.aws_s3_bucket_versioning.main.versioning_configuration = [{ status: 'Suspended' }]),
    changes: ['aws_s3_bucket_versioning.main'],
  },
  {
    name: 'data-tls-only-removed',
    description: 'the bucket policy loses its Deny on aws:SecureTransport = false',
    mutate: (c) => (c.data.aws_iam_policy_document.bucket = bucketPolicyDocument([], false)),
    changes: ['aws_s3_bucket_policy.main'],
  },
  {
    name: 'data-bucket-policy-public',
    description: 'the bucket policy lets anyone read objects',
    mutate: (c) => {
      c.data.aws_iam_policy_document.bucket = bucketPolicyDocument([
        {
          sid: 'PublicRead',
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: ['arn:aws:s3:::review-main-data/public/*'],
          principals: [{ type: '*', identifiers: ['*'] }],
        },
      ]);
    },
    changes: ['aws_s3_bucket_policy.main'],
  },
  {
    name: 'data-sse-deleted',
    description: 'the bucket default encryption configuration is removed',
    mutate: (c) => delete c.resource.aws_s3_bucket_server_side_encryption_configuration,
    changes: ['aws_s3_bucket_server_side_encryption_configuration.main'],
  },
  {
    name: 'data-sse-weakened',
    description: 'the bucket default encryption moves from SSE-KMS to SSE-S3 (AES256)',
    mutate: (c) => {
      c.resource.aws_s3_bucket_server_side_encryption_configuration.main.rule = [
        { bucket_key_enabled: false, apply_server_side_encryption_by_default: [{ sse_algorithm: 'AES256' }] },
      ];
    },
    changes: ['aws_s3_bucket_server_side_encryption_configuration.main'],
  },
];

// -------------------------------------------------------------------------------------------------------

/** Reads an attribute of a resource from a state file's JSON, for patches that refer to other resources. */
export function attribute(state, address, name) {
  const [type, resourceName] = address.split('.');
  const resource = state.resources.find(
    (r) => r.mode === 'managed' && r.type === type && r.name === resourceName,
  );
  const value = resource?.instances?.[0]?.attributes?.[name];
  if (value === undefined) throw new Error(`state has no ${address}.${name}`);
  return value;
}

/** Groups in the order the generator runs them; `lambdaZip` marks groups that need fn.zip. */
export const GROUPS = [
  { name: 'logging', baseline: loggingBaseline, cases: loggingCases },
  { name: 'iam', baseline: iamBaseline, cases: iamCases },
  { name: 'network', baseline: networkBaseline, cases: networkCases },
  { name: 'data', baseline: dataBaseline, cases: dataCases },
  { name: 'kms', baseline: kmsBaseline, cases: kmsCases, statePatches: kmsPatches },
  {
    name: 'lambda',
    baseline: lambdaBaseline,
    cases: lambdaCases,
    statePatches: lambdaPatches,
    lambdaZip: true,
  },
];
