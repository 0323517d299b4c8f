/**
 * The audit fixture group: CloudTrail, GuardDuty and AWS Config, the services that tell a team
 * something went wrong. Turning one off is what an intruder does first, so each case is a change a careful
 * reviewer would stop.
 */
import { ACCOUNT, policy } from './shared.mjs';

const auditBaseline = () => ({
  resource: {
    aws_s3_bucket: { trail: { bucket: 'review-trail-logs' } },
    aws_cloudtrail: {
      main: {
        name: 'review-trail',
        s3_bucket_name: '${aws_s3_bucket.trail.id}',
        enable_logging: true,
        enable_log_file_validation: true,
        is_multi_region_trail: true,
        include_global_service_events: true,
      },
    },
    aws_guardduty_detector: { main: { enable: true, finding_publishing_frequency: 'SIX_HOURS' } },
    aws_iam_role: {
      config: {
        name: 'review-config',
        assume_role_policy: policy({
          Effect: 'Allow',
          Principal: { Service: 'config.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      },
    },
    aws_config_configuration_recorder: {
      main: {
        name: 'review',
        role_arn: '${aws_iam_role.config.arn}',
        recording_group: [{ all_supported: true, include_global_resource_types: true }],
      },
    },
    aws_config_delivery_channel: {
      main: {
        name: 'review',
        s3_bucket_name: '${aws_s3_bucket.trail.bucket}',
        depends_on: ['aws_config_configuration_recorder.main'],
      },
    },
    aws_config_configuration_recorder_status: {
      main: {
        name: '${aws_config_configuration_recorder.main.name}',
        is_enabled: true,
        depends_on: ['aws_config_delivery_channel.main'],
      },
    },
    // No aws_securityhub_account: moto 5.2.5 accepts EnableSecurityHub but the provider's create never
    // completes against it (the apply waits until terraform's timeout), so Security Hub is judged by the
    // rule (src/rules/audit.ts) without a fixture of its own.
  },
});

const trail = (c) => c.resource.aws_cloudtrail.main;

const auditCases = [
  {
    name: 'audit-trail-stopped',
    class: 'coverage',
    expect: ['high audit.trail-stopped aws_cloudtrail.main'],
    description: 'the trail stops logging (enable_logging = false): API calls are no longer recorded',
    mutate: (c) => (trail(c).enable_logging = false),
    changes: ['aws_cloudtrail.main'],
  },
  {
    name: 'audit-trail-deleted',
    class: 'coverage',
    expect: ['high audit.trail-stopped aws_cloudtrail.main'],
    description: 'the trail is removed',
    mutate: (c) => delete c.resource.aws_cloudtrail,
    changes: ['aws_cloudtrail.main'],
  },
  {
    name: 'audit-trail-validation-off',
    class: 'coverage',
    expect: ['medium audit.trail-weakened aws_cloudtrail.main'],
    description: 'log file validation is turned off: tampered or deleted log files go unnoticed',
    mutate: (c) => (trail(c).enable_log_file_validation = false),
    changes: ['aws_cloudtrail.main'],
  },
  {
    name: 'audit-trail-single-region',
    class: 'coverage',
    expect: ['medium audit.trail-weakened aws_cloudtrail.main'],
    description: 'the trail becomes single-region: calls in other regions are no longer recorded',
    mutate: (c) => (trail(c).is_multi_region_trail = false),
    changes: ['aws_cloudtrail.main'],
  },
  {
    name: 'audit-guardduty-disabled',
    class: 'coverage',
    expect: ['high audit.detection-disabled aws_guardduty_detector.main'],
    description: 'the GuardDuty detector is suspended (enable = false)',
    mutate: (c) => (c.resource.aws_guardduty_detector.main.enable = false),
    changes: ['aws_guardduty_detector.main'],
  },
  {
    name: 'audit-guardduty-deleted',
    class: 'coverage',
    expect: ['high audit.detection-disabled aws_guardduty_detector.main'],
    description: 'the GuardDuty detector is removed (its findings are deleted with it)',
    mutate: (c) => delete c.resource.aws_guardduty_detector,
    changes: ['aws_guardduty_detector.main'],
  },
  {
    name: 'audit-config-stopped',
    class: 'coverage',
    expect: ['high audit.detection-disabled aws_config_configuration_recorder_status.main'],
    description: 'the AWS Config recorder stops recording (is_enabled = false)',
    mutate: (c) => (c.resource.aws_config_configuration_recorder_status.main.is_enabled = false),
    changes: ['aws_config_configuration_recorder_status.main'],
  },
  {
    name: 'audit-config-deleted',
    class: 'coverage',
    expect: ['high audit.detection-disabled aws_config_configuration_recorder.main'],
    description: 'the AWS Config recorder, its delivery channel and status are removed (reported once)',
    mutate: (c) => {
      delete c.resource.aws_config_configuration_recorder;
      delete c.resource.aws_config_delivery_channel;
      delete c.resource.aws_config_configuration_recorder_status;
    },
    changes: [
      'aws_config_configuration_recorder.main',
      'aws_config_configuration_recorder_status.main',
      'aws_config_delivery_channel.main',
    ],
  },
  {
    name: 'audit-benign-trail-tags',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: tags on the trail',
    mutate: (c) => (trail(c).tags = { Owner: 'security' }),
    changes: ['aws_cloudtrail.main'],
  },
  {
    name: 'audit-benign-guardduty-frequency',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: GuardDuty publishes findings every 15 minutes instead of every 6 hours',
    mutate: (c) => (c.resource.aws_guardduty_detector.main.finding_publishing_frequency = 'FIFTEEN_MINUTES'),
    changes: ['aws_guardduty_detector.main'],
  },
];

export const group = { name: 'audit', baseline: auditBaseline, cases: auditCases };
