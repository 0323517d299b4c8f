/** The kms fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, policy, REGION } from './shared.mjs';

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
    expect: ['high kms.rotation-disabled aws_kms_key.main'],
    description: 'automatic rotation of the main key is turned off',
    mutate: (c) => (c.resource.aws_kms_key.main.enable_key_rotation = false),
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-key-deleted',
    expect: ['high kms.key-deleted aws_kms_key.legacy'],
    description: 'the legacy key is removed from the configuration (scheduled for deletion)',
    mutate: (c) => delete c.resource.aws_kms_key.legacy,
    changes: ['aws_kms_key.legacy'],
  },
  {
    name: 'kms-key-disabled',
    expect: ['medium kms.key-disabled aws_kms_key.main'],
    description: 'the main key is disabled',
    mutate: (c) => (c.resource.aws_kms_key.main.is_enabled = false),
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-key-policy-widened',
    expect: ['high kms.key-policy-widened aws_kms_key.main'],
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
    expect: ['high kms.key-policy-widened aws_kms_key.main'],
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
    expect: ['medium kms.alias-retargeted aws_kms_alias.main'],
    description: 'the alias moves to the other key',
    mutate: (c) => (c.resource.aws_kms_alias.main.target_key_id = '${aws_kms_key.other.key_id}'),
    changes: ['aws_kms_alias.main'],
  },
  {
    name: 'kms-log-group-unencrypted',
    expect: ['high kms.encryption-removed aws_cloudwatch_log_group.app'],
    description: 'the log group loses its KMS key',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.app.kms_key_id,
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'kms-queue-unencrypted',
    expect: ['high kms.encryption-removed aws_sqs_queue.jobs'],
    description: 'the queue loses its KMS key',
    mutate: (c) => delete c.resource.aws_sqs_queue.jobs.kms_master_key_id,
    changes: ['aws_sqs_queue.jobs'],
  },
  {
    name: 'kms-queue-sse-sqs',
    expect: ['medium kms.encryption-weakened aws_sqs_queue.jobs'],
    description: 'the queue moves from its KMS key to SSE-SQS (keys owned by SQS)',
    mutate: (c) => {
      delete c.resource.aws_sqs_queue.jobs.kms_master_key_id;
      c.resource.aws_sqs_queue.jobs.sqs_managed_sse_enabled = true;
    },
    changes: ['aws_sqs_queue.jobs'],
  },
  {
    name: 'kms-topic-unencrypted',
    expect: ['high kms.encryption-removed aws_sns_topic.alerts'],
    description: 'the topic loses its KMS key',
    mutate: (c) => delete c.resource.aws_sns_topic.alerts.kms_master_key_id,
    changes: ['aws_sns_topic.alerts'],
  },
  {
    name: 'data-queue-replaced',
    expect: ['high data.stateful-destroyed aws_sqs_queue.jobs'],
    description: 'the queue is renamed, which replaces it (its messages are lost)',
    mutate: (c) => (c.resource.aws_sqs_queue.jobs.name = 'review-jobs-v2'),
    changes: ['aws_sqs_queue.jobs'],
  },
];

const kmsMoreCases = [
  {
    name: 'kms-deletion-window-lowered',
    class: 'coverage',
    expect: ['low kms.deletion-window-lowered aws_kms_key.legacy'],
    description: 'the deletion window of the legacy key drops from 30 to 7 days',
    mutate: (c) => (c.resource.aws_kms_key.legacy.deletion_window_in_days = 7),
    changes: ['aws_kms_key.legacy'],
  },
  {
    name: 'kms-deletion-window-raised',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: the deletion window of the main key rises from 7 to 30 days',
    mutate: (c) => (c.resource.aws_kms_key.main.deletion_window_in_days = 30),
    changes: ['aws_kms_key.main'],
  },
  {
    name: 'kms-log-group-key-unknown',
    class: 'unknown',
    expect: [
      'high review.unknown-until-apply aws_cloudwatch_log_group.app',
      'info review.unreviewed-types plan',
    ],
    description: "the existing log group's key becomes a value known only after apply, which may be empty",
    mutate: (c) => {
      c.resource.terraform_data = { key: { input: '' } };
      c.resource.aws_cloudwatch_log_group.app.kms_key_id = '${terraform_data.key.output}';
    },
    changes: ['terraform_data.key', 'aws_cloudwatch_log_group.app'],
  },
  {
    name: 'kms-queue-key-unknown',
    class: 'unknown',
    expect: ['high review.unknown-until-apply aws_sqs_queue.jobs', 'info review.unreviewed-types plan'],
    description: "the existing queue's key becomes a value known only after apply, which may be empty",
    mutate: (c) => {
      c.resource.terraform_data = { key: { input: '' } };
      c.resource.aws_sqs_queue.jobs.kms_master_key_id = '${terraform_data.key.output}';
    },
    changes: ['terraform_data.key', 'aws_sqs_queue.jobs'],
  },
  {
    name: 'kms-benign-description',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: a new description of the other key',
    mutate: (c) => (c.resource.aws_kms_key.other.description = 'review other key (spare)'),
    changes: ['aws_kms_key.other'],
  },
];

export const group = {
  name: 'kms',
  baseline: kmsBaseline,
  cases: [...kmsCases, ...kmsMoreCases],
  statePatches: kmsPatches,
};
