/** The data fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, json, policy } from './shared.mjs';

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

export const group = { name: 'data', baseline: dataBaseline, cases: dataCases };
