import type { AlarmDelivery, DeploymentStrategy, FunctionAlarmOptions } from '@secure-lambda/constructs';
import { ConfigError, StackErrorCode } from './errors';

/** Where Terraform keeps state. Local by default; S3 with locking and encryption when configured. */
export type BackendConfig =
  | { readonly type: 'local' }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /** KMS key for the state object. */
      readonly kmsKeyId: string;
    };

/**
 * Where the alarms of every function go: at least one delivery (prod refuses to synthesize without one).
 * Email and HTTPS endpoints subscribe each function's own encrypted topic; SNS delivers them itself, so they
 * need no access to the key. For a chat channel (Amazon Q Developer in chat applications, formerly AWS
 * Chatbot) or a paging tool, either subscribe its HTTPS endpoint or name the `topicArn` its channel
 * configuration watches.
 */
export interface AlarmDeliveryConfig extends AlarmDelivery {
  /**
   * An existing topic of this account and region that every alarm publishes to instead of a topic per
   * function. Its owner manages its subscriptions and, when it is encrypted, must let
   * `cloudwatch.amazonaws.com` use its key (`kms:Decrypt`, `kms:GenerateDataKey*`).
   * @default undefined (a topic per function, encrypted with the stack's key)
   */
  readonly topicArn?: string;
}

/**
 * Principals outside the stack that use the application data, named in the key policy (nothing else in
 * the account can use the key on that data, whatever its identity policy says). Their own identity
 * policies must also allow the use.
 */
export interface DataAccessConfig {
  /** Role ARNs that upload objects to the input bucket (SSE-KMS through S3). @default [] */
  readonly inputWriters?: readonly string[];
  /** Role ARNs that read and decrypt the object processor's output. @default [] */
  readonly outputReaders?: readonly string[];
}

/** Everything that differs between environments. Values that would need an AWS call live here. */
export interface EnvironmentConfig {
  /** `local` is dev deployed to the emulator (src/emulator.ts); it is not one of `environments`. */
  readonly name: 'dev' | 'prod' | 'local';
  readonly accountId: string;
  readonly region: string;
  /** At least two. Named here: an availability-zones data source would call AWS at plan time. */
  readonly availabilityZones: readonly string[];
  readonly vpcCidr: string;
  readonly logRetentionDays: number;
  /** Unset on accounts whose concurrency limit is too small to reserve any. */
  readonly reservedConcurrency?: number;
  readonly alarms: FunctionAlarmOptions;
  /** Where alarms go. Required in prod (`checkAlarmDelivery`). */
  readonly alarmDelivery?: AlarmDeliveryConfig;
  /** @default no principal outside the stack uses the data */
  readonly dataAccess?: DataAccessConfig;
  /** How new versions reach `live` in this environment (`secure-lambda release` starts the rollout). */
  readonly deployment: DeploymentStrategy;
  readonly backend: BackendConfig;
  /**
   * Permissions boundary put on every role the stack creates (function roles, CodeDeploy service roles,
   * the flow-log role). `docs/guardrails/<stack>.json` has one that denies direct invokes of URL-fronted
   * functions; an organisation usually adds its own statements to it.
   * @default undefined (no boundary)
   */
  readonly permissionsBoundaryArn?: string;
}

export const environments: Readonly<Record<'dev' | 'prod', EnvironmentConfig>> = {
  dev: {
    name: 'dev',
    accountId: '111111111111',
    region: 'eu-west-1',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    vpcCidr: '10.20.0.0/16',
    // A year in dev too: logs are the audit trail of what ran, and dev runs real code.
    logRetentionDays: 365,
    reservedConcurrency: 5,
    alarms: { errors: 5, throttles: 5, p99DurationOfTimeout: 0.9, deadLetterMessages: 1 },
    // Replace with the team's address (or an HTTPS endpoint / existing topic, see AlarmDeliveryConfig).
    alarmDelivery: { emails: ['secure-lambda-alarms-dev@example.com'] },
    // Terraform moves the alias on apply: fast feedback, and `secure-lambda rollback` still works.
    deployment: { type: 'all-at-once' },
    backend: { type: 'local' },
  },
  prod: {
    name: 'prod',
    accountId: '222222222222',
    region: 'eu-west-1',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    vpcCidr: '10.30.0.0/16',
    logRetentionDays: 365,
    reservedConcurrency: 20,
    alarms: { errors: 1, throttles: 1, p99DurationOfTimeout: 0.8, deadLetterMessages: 1 },
    // Replace with the on-call address or paging endpoint: prod does not synthesize without a delivery.
    alarmDelivery: { emails: ['secure-lambda-alarms-prod@example.com'] },
    // 10% of traffic for 5 minutes, then the rest; errors or throttles of the new version roll it back.
    deployment: { type: 'canary', percent: 10, minutes: 5 },
    backend: { type: 'local' },
  },
};

/**
 * The number of deliveries configured for alarms. Prod refuses to synthesize without one: an alarm that
 * notifies nobody is decorative. Other environments may go without (the caller warns).
 *
 * @example
 * ```ts
 * checkAlarmDelivery(environments.prod); // 1
 * checkAlarmDelivery({ ...environments.prod, alarmDelivery: undefined }); // throws ConfigError
 * ```
 */
export function checkAlarmDelivery(env: EnvironmentConfig): number {
  const delivery = env.alarmDelivery ?? {};
  if (delivery.topicArn !== undefined) {
    const topic = /^arn:[a-z-]+:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/.exec(delivery.topicArn);
    if (!topic || topic[1] !== env.region || topic[2] !== env.accountId) {
      throw new ConfigError(
        StackErrorCode.INVALID_CONFIG,
        env.name,
        'alarmDelivery.topicArn',
        `${JSON.stringify(delivery.topicArn)} is not an SNS topic ARN of account ${env.accountId} in ${env.region}. ` +
          'Name a topic beside the alarms: one elsewhere needs a topic and key policy this stack cannot check; ' +
          "reach other accounts through that topic's own subscriptions.",
      );
    }
  }
  const count =
    (delivery.emails?.length ?? 0) + (delivery.httpsEndpoints?.length ?? 0) + (delivery.topicArn ? 1 : 0);
  if (count === 0 && env.name === 'prod') {
    throw new ConfigError(
      StackErrorCode.ALARM_DELIVERY_MISSING,
      env.name,
      'alarmDelivery',
      'no alarm delivery: name emails, httpsEndpoints or an existing topicArn in stacks/src/config.ts, ' +
        'or every alarm of this environment notifies nobody.',
    );
  }
  return count;
}
