/** The logging fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
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
    expect: ['medium logging.retention-lowered aws_cloudwatch_log_group.app'],
    description: 'log retention drops from 30 to 7 days',
    mutate: (c) => (c.resource.aws_cloudwatch_log_group.app.retention_in_days = 7),
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'logging-retention-infinite',
    expect: ['low logging.retention-infinite aws_cloudwatch_log_group.app'],
    description: 'log retention is removed (events never expire)',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.app.retention_in_days,
    changes: ['aws_cloudwatch_log_group.app'],
  },
  {
    name: 'logging-log-group-destroyed',
    expect: ['high logging.log-group-destroyed aws_cloudwatch_log_group.old'],
    description: 'a log group is removed',
    mutate: (c) => delete c.resource.aws_cloudwatch_log_group.old,
    changes: ['aws_cloudwatch_log_group.old'],
  },
  {
    name: 'logging-alarm-removed',
    expect: ['medium logging.alarm-removed aws_cloudwatch_metric_alarm.throttles'],
    description: 'the throttles alarm is removed',
    mutate: (c) => delete c.resource.aws_cloudwatch_metric_alarm.throttles,
    changes: ['aws_cloudwatch_metric_alarm.throttles'],
  },
  {
    name: 'logging-alarm-actions-disabled',
    expect: ['medium logging.alarm-actions-disabled aws_cloudwatch_metric_alarm.errors'],
    description: 'actions_enabled = false on the errors alarm',
    mutate: (c) => (c.resource.aws_cloudwatch_metric_alarm.errors.actions_enabled = false),
    changes: ['aws_cloudwatch_metric_alarm.errors'],
  },
  {
    name: 'logging-alarm-actions-removed',
    expect: ['medium logging.alarm-actions-disabled aws_cloudwatch_metric_alarm.errors'],
    description: 'the errors alarm loses its alarm actions',
    mutate: (c) => (c.resource.aws_cloudwatch_metric_alarm.errors.alarm_actions = []),
    changes: ['aws_cloudwatch_metric_alarm.errors'],
  },
  {
    name: 'logging-sensitive-retention',
    expect: ['medium logging.retention-lowered aws_cloudwatch_log_group.audit'],
    description:
      'retention from a sensitive variable drops from 365 to 30 days: the values must print as (sensitive)',
    mutate: (c) => (c.variable.audit_retention.default = 30),
    changes: ['aws_cloudwatch_log_group.audit'],
  },
];

const loggingUnknownCases = [
  {
    name: 'logging-alarm-actions-unknown',
    class: 'unknown',
    expect: [
      'medium review.unknown-until-apply aws_cloudwatch_metric_alarm.errors',
      'info review.unreviewed-types plan',
    ],
    description: 'the alarm actions of the errors alarm become a value known only after apply',
    mutate: (c) => {
      c.resource.terraform_data = { topic: { input: '' } };
      c.resource.aws_cloudwatch_metric_alarm.errors.alarm_actions = ['${terraform_data.topic.output}'];
    },
    changes: ['terraform_data.topic', 'aws_cloudwatch_metric_alarm.errors'],
  },
  {
    name: 'logging-retention-unknown',
    class: 'unknown',
    expect: [
      'medium review.unknown-until-apply aws_cloudwatch_log_group.app',
      'info review.unreviewed-types plan',
    ],
    description: 'the retention of the app log group becomes a value known only after apply',
    mutate: (c) => {
      c.resource.terraform_data = { days: { input: 1 } };
      c.resource.aws_cloudwatch_log_group.app.retention_in_days = '${terraform_data.days.output}';
    },
    changes: ['terraform_data.days', 'aws_cloudwatch_log_group.app'],
  },
];

export const group = {
  name: 'logging',
  baseline: loggingBaseline,
  cases: [...loggingCases, ...loggingUnknownCases],
};
