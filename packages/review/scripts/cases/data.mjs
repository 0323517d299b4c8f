/** The data fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, policy } from './shared.mjs';

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
    aws_sqs_queue: { plain: { name: 'review-plain', sqs_managed_sse_enabled: true } },
  },
});

const dataCases = [
  {
    name: 'data-bucket-destroyed',
    expect: ['high data.stateful-destroyed aws_s3_bucket.logs'],
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
    expect: ['high data.public-access-weakened aws_s3_bucket_public_access_block.main'],
    description: 'block_public_policy is turned off',
    mutate: (c) => (c.resource.aws_s3_bucket_public_access_block.main.block_public_policy = false),
    changes: ['aws_s3_bucket_public_access_block.main'],
  },
  {
    name: 'data-versioning-suspended',
    expect: ['medium data.versioning-suspended aws_s3_bucket_versioning.main'],
    description: 'versioning is suspended',
    mutate: (c) =>
      (c.resource.aws_s3_bucket_versioning.main.versioning_configuration = [{ status: 'Suspended' }]),
    changes: ['aws_s3_bucket_versioning.main'],
  },
  {
    name: 'data-tls-only-removed',
    expect: ['high data.tls-only-removed aws_s3_bucket_policy.main'],
    description: 'the bucket policy loses its Deny on aws:SecureTransport = false',
    mutate: (c) => (c.data.aws_iam_policy_document.bucket = bucketPolicyDocument([], false)),
    changes: ['aws_s3_bucket_policy.main'],
  },
  {
    name: 'data-bucket-policy-public',
    expect: ['high iam.resource-policy-widened aws_s3_bucket_policy.main'],
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
    expect: ['high kms.encryption-removed aws_s3_bucket_server_side_encryption_configuration.main'],
    description: 'the bucket default encryption configuration is removed',
    mutate: (c) => delete c.resource.aws_s3_bucket_server_side_encryption_configuration,
    changes: ['aws_s3_bucket_server_side_encryption_configuration.main'],
  },
  {
    name: 'data-sse-weakened',
    expect: ['medium kms.encryption-weakened aws_s3_bucket_server_side_encryption_configuration.main'],
    description: 'the bucket default encryption moves from SSE-KMS to SSE-S3 (AES256)',
    mutate: (c) => {
      c.resource.aws_s3_bucket_server_side_encryption_configuration.main.rule = [
        { bucket_key_enabled: false, apply_server_side_encryption_by_default: [{ sse_algorithm: 'AES256' }] },
      ];
    },
    changes: ['aws_s3_bucket_server_side_encryption_configuration.main'],
  },
];

const lifecycle = (rule) => ({
  aws_s3_bucket_lifecycle_configuration: {
    main: {
      bucket: '${aws_s3_bucket.main.id}',
      rule: [{ id: 'cleanup', status: 'Enabled', filter: [{ prefix: '' }], ...rule }],
    },
  },
});
const UNREVIEWED = 'info review.unreviewed-types plan';

const coverageCases = [
  {
    name: 'data-bucket-acl-public',
    class: 'coverage',
    expect: ['high data.bucket-acl-public aws_s3_bucket_acl.main'],
    description: 'a canned ACL public-read is put on the main bucket',
    mutate: (c) =>
      (c.resource.aws_s3_bucket_acl = { main: { bucket: '${aws_s3_bucket.main.id}', acl: 'public-read' } }),
    changes: ['aws_s3_bucket_acl.main'],
  },
  {
    name: 'data-bucket-acl-private',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: the canned ACL private is put on the main bucket',
    mutate: (c) =>
      (c.resource.aws_s3_bucket_acl = { main: { bucket: '${aws_s3_bucket.main.id}', acl: 'private' } }),
    changes: ['aws_s3_bucket_acl.main'],
  },
  {
    name: 'data-inline-policy-public',
    class: 'coverage',
    expect: ['high iam.resource-policy-widened aws_s3_bucket.logs'],
    description: "the logs bucket's inline `policy` attribute lets anyone read its objects",
    mutate: (c) =>
      (c.resource.aws_s3_bucket.logs.policy = policy({
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::review-logs-data/*',
      })),
    changes: ['aws_s3_bucket.logs'],
  },
  {
    name: 'data-lifecycle-expiry',
    class: 'coverage',
    expect: ['high data.lifecycle-expiry aws_s3_bucket_lifecycle_configuration.main'],
    description: 'a lifecycle rule on the whole main bucket expires every object after one day',
    mutate: (c) => Object.assign(c.resource, lifecycle({ expiration: [{ days: 1 }] })),
    changes: ['aws_s3_bucket_lifecycle_configuration.main'],
  },
  {
    name: 'data-lifecycle-noncurrent',
    class: 'coverage',
    expect: ['medium data.lifecycle-expiry aws_s3_bucket_lifecycle_configuration.main'],
    description: 'a lifecycle rule deletes noncurrent versions after one day (versioning no longer protects)',
    mutate: (c) =>
      Object.assign(c.resource, lifecycle({ noncurrent_version_expiration: [{ noncurrent_days: 1 }] })),
    changes: ['aws_s3_bucket_lifecycle_configuration.main'],
  },
  {
    name: 'data-lifecycle-abort-uploads',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: a lifecycle rule only aborts incomplete multipart uploads after 7 days',
    mutate: (c) =>
      Object.assign(
        c.resource,
        lifecycle({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      ),
    changes: ['aws_s3_bucket_lifecycle_configuration.main'],
  },
  {
    name: 'data-force-destroy',
    class: 'coverage',
    expect: ['medium data.force-destroy-enabled aws_s3_bucket.logs'],
    description: 'force_destroy is turned on for the logs bucket: a later destroy deletes every object',
    mutate: (c) => (c.resource.aws_s3_bucket.logs.force_destroy = true),
    changes: ['aws_s3_bucket.logs'],
  },
  {
    name: 'data-sse-sqs-off',
    class: 'coverage',
    expect: ['high kms.encryption-removed aws_sqs_queue.plain'],
    description: 'SSE-SQS is turned off on a queue without a KMS key: messages are stored unencrypted',
    mutate: (c) => (c.resource.aws_sqs_queue.plain.sqs_managed_sse_enabled = false),
    changes: ['aws_sqs_queue.plain'],
  },
  {
    name: 'data-pab-moved',
    class: 'moves',
    expect: ['high data.public-access-weakened aws_s3_bucket_public_access_block.main'],
    description: 'the public access block of the main bucket is moved to a new staging bucket',
    mutate: (c) => {
      c.resource.aws_s3_bucket.staging = { bucket: 'review-staging-data' };
      c.resource.aws_s3_bucket_public_access_block.main.bucket = '${aws_s3_bucket.staging.id}';
    },
    changes: ['aws_s3_bucket.staging', 'aws_s3_bucket_public_access_block.main'],
  },
  {
    name: 'data-sse-key-unknown',
    class: 'unknown',
    expect: [
      'high review.unknown-until-apply aws_s3_bucket_server_side_encryption_configuration.main',
      UNREVIEWED,
    ],
    description:
      "the existing bucket's encryption key becomes a value known only after apply, which may be empty",
    mutate: (c) => {
      c.resource.terraform_data = { key: { input: '' } };
      c.resource.aws_s3_bucket_server_side_encryption_configuration.main.rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id =
        '${terraform_data.key.output}';
    },
    changes: ['terraform_data.key', 'aws_s3_bucket_server_side_encryption_configuration.main'],
  },
  {
    name: 'data-pab-flag-unknown',
    class: 'unknown',
    expect: ['high review.unknown-until-apply aws_s3_bucket_public_access_block.main', UNREVIEWED],
    description: 'block_public_policy of the existing block becomes a value known only after apply',
    mutate: (c) => {
      c.resource.terraform_data = { flag: { input: false } };
      c.resource.aws_s3_bucket_public_access_block.main.block_public_policy = '${terraform_data.flag.output}';
    },
    changes: ['terraform_data.flag', 'aws_s3_bucket_public_access_block.main'],
  },
  {
    name: 'data-versioning-unknown',
    class: 'unknown',
    expect: ['medium review.unknown-until-apply aws_s3_bucket_versioning.main', UNREVIEWED],
    description: 'the versioning status of the main bucket becomes a value known only after apply',
    mutate: (c) => {
      c.resource.terraform_data = { status: { input: 'Suspended' } };
      c.resource.aws_s3_bucket_versioning.main.versioning_configuration = [
        { status: '${terraform_data.status.output}' },
      ];
    },
    changes: ['terraform_data.status', 'aws_s3_bucket_versioning.main'],
  },
  {
    name: 'data-benign-bucket-tags',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: tags on the main bucket',
    mutate: (c) => (c.resource.aws_s3_bucket.main.tags = { Owner: 'data' }),
    changes: ['aws_s3_bucket.main'],
  },
];

export const group = { name: 'data', baseline: dataBaseline, cases: [...dataCases, ...coverageCases] };
