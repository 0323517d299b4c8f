import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import { InvalidPropError } from './errors';
import type { AwsService, IGrantee, PolicyStatement } from './grants';
import { encryptedQueue } from './private/encrypted-queue';
import { allowKeyUse, viaService } from './private/key-policy';
import { PolicyDocument } from './private/policy-document';
import { isTimeZone, scheduleExpressionProblem } from './private/schedule-expression';
import { deadLetterAlarm, TriggerDefaults, wholeNumberIn } from './private/trigger-defaults';
import type { SecureFunction } from './secure-function';

/** How Scheduler retries delivering an invocation before it goes to the dead-letter queue. */
export interface ScheduleRetryOptions {
  /** 0..185. @default 3 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an undelivered invocation is kept, 60..86400. @default 3600 */
  readonly maximumEventAgeSeconds?: number;
}

export interface ScheduleTriggerOptions {
  /** `rate(5 minutes)`, `cron(0 3 * * ? *)` or `at(2030-01-31T09:00:00)` (EventBridge Scheduler's forms). */
  readonly expression: string;
  /** The IANA time zone cron and at expressions are read in. @default 'UTC' */
  readonly timezone?: string;
  /** @default the ScheduleRetryOptions defaults */
  readonly retry?: ScheduleRetryOptions;
  /**
   * The event the function receives, as JSON. It is configuration, not a secret: it shows in the plan
   * (Scheduler stores it encrypted with the platform key). @default none (Lambda receives `{}`)
   */
  readonly input?: Readonly<Record<string, unknown>>;
  /** @default '' */
  readonly description?: string;
}

export interface FunctionScheduleProps extends ScheduleTriggerOptions {
  /** The function the schedule invokes. */
  readonly function: SecureFunction;
}

/** IAM's limit on role names. */
const ROLE_NAME_MAX = 64;
const ROLE_SUFFIX = '-scheduler';

/**
 * The schedule trigger of a function (`fn.addSchedule()`): an EventBridge Scheduler schedule in a schedule
 * group of its own (`<fn>`), invoking the `live` alias with no flexible window, its payload encrypted with
 * the platform key, a retry policy, and a dead-letter queue `<fn>-schedule-dlq` (CMK-encrypted, TLS-only)
 * with an alarm on its depth.
 *
 * The schedule runs as its own role `<fn>-scheduler`, which only Scheduler can assume, and only for
 * schedules of this account in this function's group (`aws:SourceAccount`, and `aws:SourceArn` = the group:
 * since September 2023 Scheduler names the schedule group, not the schedule, when it assumes a role). The
 * role may invoke the `live` alias and nothing else of the function, send to its own dead-letter queue
 * (through SQS, with the key, for that queue only), and decrypt the schedule's payload (encryption context
 * `aws:scheduler:schedule:arn`). It takes the function's permissions boundary.
 *
 * Scheduler invokes Lambda from outside the VPC: no endpoint is needed.
 *
 * @example
 * ```ts
 * report.addSchedule({ expression: 'cron(0 6 ? * MON-FRI *)', timezone: 'Europe/Berlin' });
 * ```
 */
export class FunctionSchedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly group: SchedulerScheduleGroup;
  readonly role: IamRole;
  readonly deadLetterQueue: SqsQueue;
  /** The alarm on the dead-letter queue's depth, sent to the function's alarm topic. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** The schedule's ARN, built from configuration (the encryption context of its payload). */
  readonly scheduleArn: string;
  /** The role's ARN, built from configuration (the key policy names it). */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const fn = props.function;
    this.#validate(props);
    const { partition, region, accountId, functionName } = fn;
    const retry = {
      maximumRetryAttempts: wholeNumberIn(
        this.node.path,
        'retry.maximumRetryAttempts',
        props.retry?.maximumRetryAttempts ?? TriggerDefaults.SCHEDULE_MAXIMUM_RETRY_ATTEMPTS,
        0,
        185,
      ),
      maximumEventAgeInSeconds: wholeNumberIn(
        this.node.path,
        'retry.maximumEventAgeSeconds',
        props.retry?.maximumEventAgeSeconds ?? TriggerDefaults.SCHEDULE_MAXIMUM_EVENT_AGE_SECONDS,
        60,
        86_400,
      ),
    };
    const scheduler = `arn:${partition}:scheduler:${region}:${accountId}`;
    const groupArn = `${scheduler}:schedule-group/${functionName}`;
    this.scheduleArn = `${scheduler}:schedule/${functionName}/${functionName}`;
    const roleName = `${functionName}${ROLE_SUFFIX}`;
    this.roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
    const dlqName = `${functionName}-schedule-dlq`;
    const dlqArn = `arn:${partition}:sqs:${region}:${accountId}:${dlqName}`;

    this.group = new SchedulerScheduleGroup(this, 'group', { name: functionName });
    this.deadLetterQueue = encryptedQueue(this, 'dlq', {
      name: dlqName,
      keyArn: fn.key.keyArn,
      configuredArn: dlqArn,
      messageRetentionSeconds: Defaults.DLQ_RETENTION_SECONDS,
    });

    const trust = new PolicyDocument(this, 'trust');
    trust.add({
      sid: 'SchedulerForThisFunctionsGroup',
      principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
      actions: ['sts:AssumeRole'],
      resources: [],
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
        { test: 'ArnEquals', variable: 'aws:SourceArn', values: [groupArn] },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: roleName,
      description: `Runs the schedule of ${functionName}: invokes its live alias, nothing else.`,
      assumeRolePolicy: trust.json,
      ...(fn.permissionsBoundaryArn ? { permissionsBoundary: fn.permissionsBoundaryArn } : {}),
    });

    const policy = new PolicyDocument(this, 'policy');
    const grantee = schedulerGrantee(this.node.path, this.roleArn, policy);
    policy.add({
      sid: 'InvokeLiveAlias',
      actions: ['lambda:InvokeFunction'],
      resources: [fn.liveAliasArn],
    });
    policy.add({ sid: 'SendFailedInvocationsToOwnDlq', actions: ['sqs:SendMessage'], resources: [dlqArn] });
    fn.key.grantUseVia(grantee, 'sqs', { encryptionContext: { 'aws:sqs:arn': dlqArn } });

    // The payload is encrypted with the key: Scheduler decrypts it at each run with this role (no
    // kms:ViaService: Scheduler calls KMS with the role's own session), and encrypts it at create and update
    // with the deployer's credentials through Scheduler. Both only under this schedule's encryption context.
    const payloadContext = {
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:aws:scheduler:schedule:arn',
      values: [this.scheduleArn],
    };
    policy.add({
      sid: 'DecryptOwnSchedulePayload',
      actions: ['kms:Decrypt'],
      resources: [fn.key.keyArn],
      conditions: [payloadContext],
    });
    allowKeyUse(
      fn.key,
      { accountId, partition },
      { label: roleName, principalArn: this.roleArn, actions: ['kms:Decrypt'], conditions: [payloadContext] },
    );
    allowKeyUse(
      fn.key,
      { accountId, partition },
      {
        label: `DeployersViaScheduler${functionName}`,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        conditions: [viaService('scheduler', region), payloadContext],
      },
    );

    const rolePolicy = new IamRolePolicy(this, 'role-policy', {
      name: `${roleName}-grants`,
      role: this.role.id,
      policy: policy.json,
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: functionName,
      groupName: this.group.name,
      description: props.description ?? '',
      scheduleExpression: props.expression,
      scheduleExpressionTimezone: props.timezone ?? TriggerDefaults.SCHEDULE_TIMEZONE,
      flexibleTimeWindow: { mode: 'OFF' },
      kmsKeyArn: fn.key.keyArn,
      state: 'ENABLED',
      target: {
        arn: fn.alias.aliasArn,
        roleArn: this.role.arn,
        ...(props.input ? { input: JSON.stringify(props.input) } : {}),
        retryPolicy: retry,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      // Scheduler checks at create that it can assume the role; the role needs its permissions by the first run.
      dependsOn: [rolePolicy],
    });

    this.alarms = [
      deadLetterAlarm(this, 'alarm-dead-letters', {
        fn,
        alarmName: `${functionName}-schedule-dead-letters`,
        description: `Invocations of ${fn.liveAliasArn} that ${this.scheduleArn} could not deliver`,
        queueName: this.deadLetterQueue.name,
      }),
    ];
  }

  #validate(props: FunctionScheduleProps): void {
    const name = props.function.functionName;
    if (name.length + ROLE_SUFFIX.length > ROLE_NAME_MAX) {
      throw new InvalidPropError(
        this.node.path,
        'functionName',
        `${JSON.stringify(name)} is too long for a schedule: its role "${name}${ROLE_SUFFIX}" must fit IAM's ${ROLE_NAME_MAX} characters; use at most ${ROLE_NAME_MAX - ROLE_SUFFIX.length}.`,
      );
    }
    if (Token.isUnresolved(props.expression)) {
      throw new InvalidPropError(
        this.node.path,
        'expression',
        'pass a literal expression, so review and plan show when the function runs.',
      );
    }
    const problem = scheduleExpressionProblem(props.expression);
    if (problem)
      throw new InvalidPropError(
        this.node.path,
        'expression',
        `${JSON.stringify(props.expression)}: ${problem}`,
      );
    if (props.timezone !== undefined && !isTimeZone(props.timezone)) {
      throw new InvalidPropError(
        this.node.path,
        'timezone',
        `${JSON.stringify(props.timezone)} is not an IANA time zone; use one like "UTC" or "Europe/Paris".`,
      );
    }
    if (
      props.input !== undefined &&
      (typeof props.input !== 'object' || props.input === null || Array.isArray(props.input))
    ) {
      throw new InvalidPropError(
        this.node.path,
        'input',
        'pass a JSON object: it becomes the event the function receives.',
      );
    }
  }
}

/** The scheduler role as a grantee, so the key's grant methods write both halves of its grants. */
function schedulerGrantee(path: string, roleArn: string, policy: PolicyDocument): IGrantee {
  return {
    grantPath: path,
    principalArn: roleArn,
    addToRolePolicy: (statement: PolicyStatement) => policy.add(statement),
    // Scheduler calls AWS from outside the VPC: no endpoint.
    useService: (_service: AwsService) => undefined,
  };
}
