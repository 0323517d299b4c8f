/** The lambda fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, attribute, lambdaTrust, policy, REGION, sgRule } from './shared.mjs';

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
    reason:
      'moto accepts DeadLetterConfig on CreateFunction but never returns it (an emulator gap, see stacks/src/emulator.ts)',
    attributes: (state) => ({
      dead_letter_config: [{ target_arn: attribute(state, 'aws_sns_topic.dlq', 'arn') }],
    }),
  },
  {
    address: 'aws_lambda_function.api',
    reason:
      'moto has no code-signing-config API (an emulator gap, see stacks/src/emulator.ts): the ARN is written into state and configuration',
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
    expect: ['high lambda.url-public aws_lambda_function_url.api'],
    description: 'the function URL drops IAM authentication (authorization_type NONE)',
    mutate: (c) => (c.resource.aws_lambda_function_url.api.authorization_type = 'NONE'),
    changes: ['aws_lambda_function_url.api'],
  },
  {
    name: 'lambda-runtime-deprecated',
    expect: [
      'medium lambda.runtime-deprecated aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'nodejs22.x moves to the deprecated nodejs20.x',
    mutate: (c) => (api(c).runtime = 'nodejs20.x'),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-runtime-downgraded',
    expect: ['low lambda.runtime-downgraded aws_lambda_function.worker'],
    description: 'python3.13 moves to python3.12 (supported, older)',
    mutate: (c) => (c.resource.aws_lambda_function.worker.runtime = 'python3.12'),
    changes: ['aws_lambda_function.worker'],
  },
  {
    name: 'lambda-concurrency-removed',
    expect: ['medium lambda.concurrency-removed aws_lambda_function.api'],
    description: 'reserved concurrency is removed',
    mutate: (c) => delete api(c).reserved_concurrent_executions,
    changes: ['aws_lambda_function.api'],
  },
  {
    name: 'lambda-dlq-removed',
    expect: [
      'medium lambda.dlq-removed aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'the dead-letter target is removed',
    mutate: (c) => delete api(c).dead_letter_config,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-code-signing-removed',
    expect: ['high lambda.code-signing-removed aws_lambda_function.api'],
    description:
      'code signing is removed from the function (baseline state patched: moto has no code signing)',
    mutate: (c) => delete api(c).code_signing_config_arn,
    changes: ['aws_lambda_function.api'],
  },
  {
    name: 'lambda-env-key-removed',
    expect: [
      'high kms.encryption-removed aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'the customer-managed key of the environment variables is removed',
    mutate: (c) => delete api(c).kms_key_arn,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-tracing-disabled',
    expect: [
      'medium logging.tracing-disabled aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'X-Ray tracing moves from Active to PassThrough',
    mutate: (c) => (api(c).tracing_config = [{ mode: 'PassThrough' }]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-vpc-removed',
    expect: [
      'high network.vpc-detached aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'the function leaves its VPC (vpc_config removed)',
    mutate: (c) => delete api(c).vpc_config,
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-code-loading-env',
    expect: [
      'high lambda.code-loading-config aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
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
    expect: [
      'high lambda.code-loading-config aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description: 'a layer is added: its files load from /opt, outside the signed zip',
    mutate: (c) => (api(c).layers = [`arn:aws:lambda:${REGION}:${ACCOUNT}:layer:shared-helpers:3`]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-env-allowed-code-loading',
    expect: ['info lambda.alias-changed aws_lambda_alias.live'],
    benign: true,
    description: 'benign: NODE_OPTIONS=--enable-source-maps (the allow-listed value) is added',
    mutate: (c) =>
      (api(c).environment = [{ variables: { MODE: 'prod', NODE_OPTIONS: '--enable-source-maps' } }]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-permission-public',
    expect: [
      'high iam.lambda-permission-public aws_lambda_permission.s3',
      'high lambda.url-direct-invoke aws_lambda_permission.s3',
    ],
    description: 'the invoke permission is granted to principal "*"',
    mutate: (c) => (c.resource.aws_lambda_permission.s3.principal = '*'),
    changes: ['aws_lambda_permission.s3'],
  },
  // TM-ID-05: new direct-invoke paths to the URL-fronted function `api`, through a policy on its role.
  {
    name: 'lambda-url-direct-invoke-policy',
    expect: [
      'high lambda.url-direct-invoke aws_iam_role_policy.caller',
      'medium iam.policy-widened aws_iam_role_policy.caller',
    ],
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
    expect: [
      'high iam.wildcard-resource aws_iam_role_policy.caller',
      'high lambda.url-direct-invoke aws_iam_role_policy.caller',
    ],
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
    expect: ['high lambda.url-direct-invoke aws_lambda_permission.caller'],
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
    expect: [
      'medium iam.policy-widened aws_iam_role_policy.caller',
      'medium iam.policy-widened aws_iam_role_policy.caller',
    ],
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
    expect: ['medium iam.lambda-permission-unscoped aws_lambda_permission.s3'],
    description: 'the S3 invoke permission loses its source_arn',
    mutate: (c) => delete c.resource.aws_lambda_permission.s3.source_arn,
    changes: ['aws_lambda_permission.s3'],
  },
  {
    name: 'lambda-alias-moved',
    expect: ['info lambda.alias-changed aws_lambda_alias.live'],
    description: 'the live alias moves to $LATEST',
    mutate: (c) => (c.resource.aws_lambda_alias.live.function_version = '$LATEST'),
    changes: ['aws_lambda_alias.live'],
  },
  {
    name: 'lambda-benign',
    expect: ['info lambda.alias-changed aws_lambda_alias.live'],
    benign: true,
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
    expect: [
      'high lambda.url-public aws_lambda_function_url.api',
      'medium lambda.concurrency-removed aws_lambda_function.api',
      'medium lambda.runtime-deprecated aws_lambda_function.api',
      'medium logging.tracing-disabled aws_lambda_function.api',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
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
  {
    name: 'lambda-every-severity',
    expect: [
      'high lambda.url-public aws_lambda_function_url.api',
      'medium lambda.concurrency-removed aws_lambda_function.api',
      'low lambda.runtime-downgraded aws_lambda_function.worker',
      'info lambda.alias-changed aws_lambda_alias.live',
    ],
    description:
      'one pull request with a finding of every severity (for the report formats): public URL, no reserved concurrency, an older runtime for the worker, more memory',
    mutate: (c) => {
      c.resource.aws_lambda_function_url.api.authorization_type = 'NONE';
      delete api(c).reserved_concurrent_executions;
      c.resource.aws_lambda_function.worker.runtime = 'python3.12';
      api(c).memory_size = 256; // publishes a new version, so the alias moves (info)
    },
    changes: [
      'aws_lambda_function.api',
      'aws_lambda_alias.live',
      'aws_lambda_function_url.api',
      'aws_lambda_function.worker',
    ],
  },
];

const worker = (c) => c.resource.aws_lambda_function.worker;
const UNREVIEWED = 'info review.unreviewed-types plan';
const ALIAS = 'info lambda.alias-changed aws_lambda_alias.live';

const lambdaCoverageCases = [
  {
    name: 'lambda-layer-foreign',
    class: 'coverage',
    expect: [
      'high lambda.code-loading-config aws_lambda_function.api',
      'high lambda.layer-foreign-account aws_lambda_function.api',
      ALIAS,
    ],
    description: 'the function gains a layer published by another account',
    mutate: (c) => (api(c).layers = [`arn:aws:lambda:${REGION}:999999999999:layer:helpers:1`]),
    changes: ['aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-env-secret-value',
    class: 'coverage',
    expect: ['high lambda.secret-in-environment aws_lambda_function.worker'],
    description: 'an environment variable holds what looks like an AWS access key id (never printed)',
    mutate: (c) => (worker(c).environment = [{ variables: { UPSTREAM_ID: 'AKIAIOSFODNN7EXAMPLE' } }]),
    changes: ['aws_lambda_function.worker'],
  },
  {
    name: 'lambda-env-secret-name',
    class: 'coverage',
    expect: ['medium lambda.secret-in-environment aws_lambda_function.worker'],
    description: 'an environment variable named like a password holds a literal value (never printed)',
    mutate: (c) => (worker(c).environment = [{ variables: { DB_PASSWORD: 'correct-horse-battery-staple' } }]),
    changes: ['aws_lambda_function.worker'],
  },
  {
    name: 'lambda-env-secret-arn',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: an environment variable names the ARN of a secret (a reference, not the secret)',
    mutate: (c) =>
      (worker(c).environment = [
        {
          variables: {
            DB_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:review-db-AbCdEf`,
            LOG_LEVEL: 'info',
          },
        },
      ]),
    changes: ['aws_lambda_function.worker'],
  },
  {
    name: 'lambda-esm-foreign',
    class: 'coverage',
    expect: ['medium lambda.event-source-foreign aws_lambda_event_source_mapping.partner'],
    description:
      'the worker consumes a queue in another account: that account decides what the function processes',
    mutate: (c) =>
      (c.resource.aws_lambda_event_source_mapping = {
        partner: {
          function_name: '${aws_lambda_function.worker.arn}',
          event_source_arn: `arn:aws:sqs:${REGION}:999999999999:partner-jobs`,
          batch_size: 10,
        },
      }),
    changes: ['aws_lambda_event_source_mapping.partner'],
  },
  {
    name: 'lambda-esm-own',
    class: 'coverage',
    expect: [],
    benign: true,
    description: "benign: the worker consumes a queue of the function's own account",
    mutate: (c) =>
      (c.resource.aws_lambda_event_source_mapping = {
        jobs: {
          function_name: '${aws_lambda_function.worker.arn}',
          event_source_arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:review-jobs`,
          batch_size: 10,
        },
      }),
    changes: ['aws_lambda_event_source_mapping.jobs'],
  },
  {
    name: 'lambda-url-auth-unknown',
    class: 'unknown',
    expect: ['high review.unknown-until-apply aws_lambda_function_url.api', UNREVIEWED],
    description: "the existing URL's authorization type becomes a value known only after apply (may be NONE)",
    mutate: (c) => {
      c.resource.terraform_data = { auth: { input: 'NONE' } };
      c.resource.aws_lambda_function_url.api.authorization_type = '${terraform_data.auth.output}';
    },
    changes: ['terraform_data.auth', 'aws_lambda_function_url.api'],
  },
  {
    name: 'lambda-subnets-unknown',
    class: 'unknown',
    expect: ['high review.unknown-until-apply aws_lambda_function.api', UNREVIEWED, ALIAS],
    description:
      "the function's subnet list becomes a value known only after apply (may be empty: out of the VPC)",
    mutate: (c) => {
      c.resource.terraform_data = { subnets: { input: [] } };
      api(c).vpc_config[0].subnet_ids = '${terraform_data.subnets.output}';
    },
    changes: ['terraform_data.subnets', 'aws_lambda_function.api', 'aws_lambda_alias.live'],
  },
  {
    name: 'lambda-permission-moved',
    class: 'moves',
    expect: ['medium lambda.permission-moved aws_lambda_permission.s3'],
    description: 'the S3 invoke permission now names the worker function instead of the API function',
    mutate: (c) =>
      (c.resource.aws_lambda_permission.s3.function_name = '${aws_lambda_function.worker.function_name}'),
    changes: ['aws_lambda_permission.s3'],
  },
];

export const group = {
  name: 'lambda',
  baseline: lambdaBaseline,
  cases: [...lambdaCases, ...lambdaCoverageCases],
  statePatches: lambdaPatches,
  lambdaZip: true,
};
