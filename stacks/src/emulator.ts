import type { AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { type EnvironmentConfig, environments } from './config';
import { type DeclaredFunction, discoverFunctions } from './declarations';

/**
 * The local stack: the dev configuration deployed to a moto server on this machine (`npm run
 * deploy:local`). It differs from dev only in where the provider sends its calls and in the gaps below.
 * Its name is a contract: deploy:local and the CLI find its folder and state by it.
 */
export { LOCAL_STACK_NAME } from '@secure-lambda/contracts';

/**
 * The Terraform variable that carries the emulator's URL, set at plan time. Its validation accepts only
 * `https://127.0.0.1:<port>` (platform-stack.ts): the emulator serves HTTPS on the loopback address.
 */
export const EMULATOR_ENDPOINT_VARIABLE = 'emulator_endpoint';

/**
 * Provider `endpoints` keys (cdktf's camelCase names) for every service the platform stack calls, all pointed at the emulator, so
 * that no call of a local deployment can reach AWS. `sts` is the provider's own identity check.
 * test/local-stack.test.ts checks that every resource type of the local stack maps to one of these.
 */
export const EMULATED_SERVICES = [
  'cloudwatch',
  'ec2',
  'iam',
  'kms',
  'lambda',
  'logs',
  'route53Resolver',
  's3',
  'scheduler',
  'secretsmanager',
  'signer',
  'sns',
  'sqs',
  'ssm',
  'sts',
] as const satisfies readonly (keyof AwsProviderEndpoints)[];

export type EmulatorGapId =
  | 'dns-firewall'
  | 'code-signing'
  | 'bucket-policy-conditions'
  | 'lambda-config-read-back'
  | 'sg-rule-description-read-back'
  | 'sqs-redrive-allow-policy'
  | 'sqs-redrive-policy-read-back'
  | 'event-source-mapping-alias-read-back'
  | 'lambda-invoke'
  | 'sqs-send-with-mapping'
  | 'function-url-calls'
  | 'scheduler-runs';

/**
 * A difference between the local stack and dev, forced by the emulator:
 * - `unsupported`: the emulator cannot create the feature (or, for bucket policies, cannot evaluate it), so
 *   the local stack leaves it out;
 * - `not-read-back`: the emulator accepts a setting but never reports it back (or reports it otherwise), so
 *   every plan would show it as a change; the local stack still sends it on create and ignores changes to
 *   it afterwards;
 * - `not-run`: the local stack deploys the feature as in dev and the emulator stores it, but never runs
 *   it; deploy:local's smoke test plays its part (it runs the function's bundle with the event the trigger
 *   would deliver).
 */
export interface EmulatorGap {
  readonly id: EmulatorGapId;
  readonly kind: 'unsupported' | 'not-read-back' | 'not-run';
  /** The dev feature, as a reviewer would name it. */
  readonly feature: string;
  /** What the local stack does instead. */
  readonly localBehaviour: string;
  /** Why: what the emulator answered when asked for the feature (re-checked by every deploy:local). */
  readonly reason: string;
  /** For `not-read-back`: the attributes whose changes the local stack ignores, per resource type. */
  readonly ignoreChanges?: readonly GapAttributes[];
  /** For `unsupported` settings of resources the local stack keeps: the attributes it leaves out. */
  readonly omitAttributes?: readonly GapAttributes[];
}

/** Attributes of one resource type that a gap concerns. */
export interface GapAttributes {
  readonly resourceType: string;
  readonly attributes: readonly string[];
}

/**
 * The one list of differences between the local stack and dev. Each entry was found by applying the dev
 * configuration to moto 5.2.5 (and planning again) and is re-probed by every `deploy:local`
 * (packages/local-aws/src/probes.ts): when the emulator starts to support a feature, the deploy says so
 * and the entry should go.
 *
 * Everything else of dev, including the key policy, bucket encryption and public access blocks, the VPC,
 * NACLs, security groups, endpoints, flow logs, alarms and log encryption, is deployed unchanged.
 */
export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    id: 'dns-firewall',
    kind: 'unsupported',
    feature:
      'Route 53 Resolver DNS Firewall on the VPC (domain lists, rule group, rules, association, config)',
    localBehaviour: 'not created; the VPC resolver is unfiltered',
    reason:
      'moto does not implement the DNS Firewall APIs: CreateFirewallDomainList answers HTTP 500 ' +
      'NotImplementedError, and the provider retries it until its timeout.',
  },
  {
    id: 'code-signing',
    kind: 'unsupported',
    feature:
      'Lambda code signing (Signer profile, signing jobs, code-signing config with Enforce on the functions)',
    localBehaviour: 'functions deploy their unsigned bundle directly; no signing config is attached',
    reason:
      'moto has no Lambda code-signing config API (POST /2020-04-22/code-signing-configs answers HTTP 404) ' +
      'and no Signer signing jobs, so a function cannot reference a config or deploy from a signed object.',
  },
  {
    id: 'bucket-policy-conditions',
    kind: 'unsupported',
    feature:
      'S3 bucket policies (deny non-TLS and TLS < 1.2, deny other KMS keys, deny SSE-S3 and SSE-C overrides)',
    localBehaviour:
      'not attached; default SSE-KMS encryption with the stack key, public access blocks, ownership controls ' +
      'and versioning stay as in dev',
    reason:
      'moto 5.2.5 ignores the request context in bucket policies and treats any statement whose condition ' +
      'does not match as an explicit deny (moto/iam/access_control.py), so every conditional Deny blocks ' +
      'every object read and write: a TLS PutObject with the bucket default encryption answers HTTP 403.',
  },
  {
    id: 'lambda-config-read-back',
    kind: 'not-read-back',
    feature:
      "Lambda functions' dead-letter queue and logging config (JSON logs into the KMS-encrypted log group)",
    localBehaviour:
      'sent on create; later changes to them are ignored (the log group itself is deployed as in dev)',
    reason:
      'moto stores neither DeadLetterConfig nor LoggingConfig: GetFunction never returns them, so every plan ' +
      'would show both as added again.',
    ignoreChanges: [
      { resourceType: 'aws_lambda_function', attributes: ['dead_letter_config', 'logging_config'] },
    ],
  },
  {
    id: 'sg-rule-description-read-back',
    kind: 'not-read-back',
    feature: 'descriptions of the security group rules',
    localBehaviour:
      'sent on create; later changes to them are ignored (ports, protocols and peers are compared)',
    reason:
      'moto does not return Description from DescribeSecurityGroupRules, so every plan would re-add it.',
    ignoreChanges: [
      { resourceType: 'aws_vpc_security_group_egress_rule', attributes: ['description'] },
      { resourceType: 'aws_vpc_security_group_ingress_rule', attributes: ['description'] },
    ],
  },
  {
    id: 'sqs-redrive-allow-policy',
    kind: 'unsupported',
    feature:
      "the redrive allow policy of an sqs function's dead-letter queue (only the function's own queue may move messages into it)",
    localBehaviour:
      'not set; the dead-letter queue, the redrive policy of the source queue, KMS encryption and the TLS-only policy stay as in dev',
    reason:
      'moto ignores RedriveAllowPolicy: GetQueueAttributes (All) never returns it, and the provider waits for the ' +
      'created queue to report every attribute it set, so the apply fails after 3 minutes ("waiting for SQS Queue ' +
      "attributes create: timeout while waiting for state to become 'equal'\").",
    omitAttributes: [{ resourceType: 'aws_sqs_queue', attributes: ['redrive_allow_policy'] }],
  },
  {
    id: 'sqs-redrive-policy-read-back',
    kind: 'not-read-back',
    feature: "the redrive policy of an sqs function's queue (dead-letter queue and maxReceiveCount)",
    localBehaviour: 'sent on create; later changes to it are ignored',
    reason:
      'moto stores RedrivePolicy parsed and returns it re-serialized with spaces (json.dumps), not as it was ' +
      'set, so every plan would show the policy as changed.',
    ignoreChanges: [{ resourceType: 'aws_sqs_queue', attributes: ['redrive_policy'] }],
  },
  {
    id: 'event-source-mapping-alias-read-back',
    kind: 'not-read-back',
    feature: "the SQS event source mapping's target, the function's `live` alias",
    localBehaviour: 'created on the alias; later changes of the target are ignored',
    reason:
      'moto resolves the alias when the mapping is created and reports the version it pointed at ' +
      '(FunctionArn `<function>:1`), so every plan would move the mapping back to the alias.',
    ignoreChanges: [{ resourceType: 'aws_lambda_event_source_mapping', attributes: ['function_name'] }],
  },
  {
    id: 'lambda-invoke',
    kind: 'not-run',
    feature:
      'S3 triggers: the bucket notification invokes the function for each new object (and Invoke in general)',
    localBehaviour:
      'the notification and its permission are deployed as in dev but run no code; the smoke test puts an object ' +
      'under the prefix and runs the bundle with the S3 event',
    reason:
      'moto runs Lambda code only in Docker, which these machines do not have: Invoke answers 200 with ' +
      'FunctionError "Handled" and "error running docker", and S3 drops the failed notification.',
  },
  {
    id: 'sqs-send-with-mapping',
    kind: 'not-run',
    feature: "SQS triggers: messages sent to an sqs function's queue are polled into the function",
    localBehaviour:
      'the queue and the event source mapping are deployed as in dev; the smoke test disables the mapping while ' +
      "it plays Lambda's poller (send, receive, run the bundle with the SQS event, delete), then enables it again",
    reason:
      'moto delivers to a mapped function inside SendMessage itself, and that invoke fails without Docker: ' +
      'SendMessage to a queue with an enabled event source mapping answers HTTP 500.',
  },
  {
    id: 'function-url-calls',
    kind: 'not-run',
    feature: 'Function URL requests (AWS_IAM) reach the function',
    localBehaviour:
      'the URL and the callers policy are deployed as in dev; the smoke test signs a request with the client and ' +
      'runs the bundle with the Function URL event it would become',
    reason:
      'moto returns a URL on lambda-url.<region>.on.aws but serves nothing there: a request to the emulator for ' +
      'that host is routed to S3 (POST answers HTTP 500, GET 404 NoSuchBucket).',
  },
  {
    id: 'scheduler-runs',
    kind: 'not-run',
    feature: 'EventBridge Scheduler runs the schedule (invokes the `live` alias, retries, dead-letters)',
    localBehaviour:
      'the schedule, its role and dead-letter queue are deployed as in dev; the smoke test reads the schedule ' +
      'back and runs the bundle once with the event it would send',
    reason:
      'moto stores schedules but has nothing that runs them: a one-time schedule due now, with an SQS target, ' +
      'delivers no message.',
  },
];

/**
 * The functions the local stack builds: every declaration under `appsDir` (`apps/<name>/function.ts`), found
 * the way the dev and prod stacks find them. deploy:local reads them for each app's bundle and trigger.
 *
 * @example
 * ```ts
 * localFunctions().map((f) => f.declaration.name); // ['crypto-api', 'deployment-hook', 'object-processor']
 * ```
 */
export function localFunctions(appsDir?: string): DeclaredFunction[] {
  return discoverFunctions(appsDir);
}

export type { DeclaredFunction };

/** What the local stack is built from: the dev environment, renamed. */
export const localEnvironment: EnvironmentConfig = { ...environments.dev, name: 'local' };

/**
 * Settings that make a PlatformStack an emulator deployment: the endpoint variable and the gaps to leave
 * out. Only the local stack passes these.
 */
export interface EmulatorTarget {
  readonly gaps: readonly EmulatorGap[];
  /**
   * Zip to deploy per app instead of `apps/<app>/dist/<app>.zip`, e.g. a candidate build to try locally
   * (`deploy:local --bundle crypto-api=path.zip`).
   */
  readonly bundles?: Readonly<Record<string, string>>;
}
