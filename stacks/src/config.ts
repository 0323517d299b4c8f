import type { DeploymentStrategy, FunctionAlarmOptions } from '@secure-lambda/constructs';

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
  /** How new versions reach `live` in this environment (`secure-lambda release` starts the rollout). */
  readonly deployment: DeploymentStrategy;
  readonly backend: BackendConfig;
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
    // 10% of traffic for 5 minutes, then the rest; errors or throttles of the new version roll it back.
    deployment: { type: 'canary', percent: 10, minutes: 5 },
    backend: { type: 'local' },
  },
};
