import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { CodeSigning } from './code-signing';
import { Defaults, LOG_RETENTION_VALUES } from './constants';
import type { EncryptionKey } from './encryption-key';
import { BundleNotFoundError, InvalidPropError } from './errors';
import { FunctionQueue, type QueueTriggerOptions } from './function-queue';
import { FunctionSchedule, type ScheduleTriggerOptions } from './function-schedule';
import { type AwsService, type Grant, type IGrantee, type PolicyStatement, sid } from './grants';
import { tlsOnlyQueuePolicy } from './private/encrypted-queue';
import { PolicyDocument } from './private/policy-document';
import { deadLetterAlarm } from './private/trigger-defaults';
import { type DeploymentStrategy, type IHookFunction, ProgressiveDeployment } from './progressive-deployment';
import { VersionedAlias } from './versioned-alias';

/** What a function needs from its network (a `PrivateNetwork`). */
export interface IFunctionNetwork {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly endpointSecurityGroupId: string;
  readonly s3PrefixListId: string;
  useService(service: AwsService): void;
  allowFrom(functionSecurityGroupId: string, label: string): void;
}

/** Alarm thresholds. Each alarm watches the function (or its dead-letter queue) every minute. */
export interface FunctionAlarmOptions {
  /** Errors per minute that raise the alarm. @default 1 */
  readonly errors?: number;
  /** Throttles per minute that raise the alarm. @default 1 */
  readonly throttles?: number;
  /** p99 duration as a share of the timeout that raises the alarm. @default 0.8 */
  readonly p99DurationOfTimeout?: number;
  /** Messages in the dead-letter queue that raise the alarm. @default 1 */
  readonly deadLetterMessages?: number;
}

/**
 * Who receives the alarms of a function's own topic. SNS delivers email and HTTPS itself: it decrypts a
 * message of an encrypted topic with the permission the publisher (CloudWatch) has, so subscribers need no
 * key access. A chat channel (Amazon Q Developer in chat applications) is reached through its HTTPS
 * endpoint, or by pointing `alarmTopicArn` at the topic its channel configuration watches.
 */
export interface AlarmDelivery {
  /** Addresses subscribed to the topic; each confirms once from the message SNS sends. @default [] */
  readonly emails?: readonly string[];
  /** `https://` endpoints subscribed to the topic (incident tools, chat webhooks). @default [] */
  readonly httpsEndpoints?: readonly string[];
}

export interface SecureFunctionProps {
  /** 1-64 letters, digits, hyphens, underscores. */
  readonly functionName: string;
  /** @default '' */
  readonly description?: string;
  /**
   * Path of the built deployment zip (absolute, or relative to the process's working directory). The
   * construct never zips anything: it hashes this file (base64 SHA-256) so a version is published
   * only when the bytes change.
   */
  readonly bundlePath: string;
  /** @default 'index.handler' */
  readonly handler?: string;
  /**
   * The Lambda runtime, a `nodejsNN.x` identifier. One value for the whole platform is the rule (see
   * `Defaults.LAMBDA_RUNTIME`); this exists so a stack can move to the next Node.js runtime in one place.
   * @default Defaults.LAMBDA_RUNTIME ('nodejs22.x')
   */
  readonly runtime?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** Seconds, 1..900. @default 30 */
  readonly timeout?: number;
  /**
   * Environment variables, encrypted with the key. No `environment` block and no key when empty.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Encrypts the environment, the log group, the dead-letter queue and the alarm topic. */
  readonly key: EncryptionKey;
  readonly network: IFunctionNetwork;
  readonly accountId: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** One of CloudWatch Logs' retention values. @default 365 */
  readonly logRetentionDays?: number;
  /**
   * Reserved concurrency; 0 stops the function. Accounts with a small concurrency limit reject any
   * reservation, so it is configurable per environment.
   * @default undefined (unreserved)
   */
  readonly reservedConcurrency?: number;
  /** @default the FunctionAlarmOptions defaults */
  readonly alarms?: FunctionAlarmOptions;
  /**
   * An existing alarm topic: its owner subscribes whoever reads it (and, if it is encrypted, lets
   * `cloudwatch.amazonaws.com` use its key). @default a topic per function, encrypted with the key
   */
  readonly alarmTopicArn?: string;
  /**
   * Subscriptions of the function's own alarm topic; not allowed with `alarmTopicArn`.
   * @default no subscription (the alarms notify nobody: environments should always name one)
   */
  readonly alarmDelivery?: AlarmDelivery;
  /** Permissions boundary for the role. @default undefined */
  readonly permissionsBoundaryArn?: string;
  /**
   * Sign the bundle and enforce signatures: the function deploys from the signed copy in S3.
   * @default undefined (no code signing; checkov CKV_AWS_272 flags it)
   */
  readonly codeSigning?: CodeSigning;
  /**
   * Let a deployment service move the `live` alias (Terraform then ignores its version).
   * @default true with a canary or linear `deployment`, else false
   */
  readonly aliasManagedByDeployments?: boolean;
  /**
   * How new versions reach `live`: with Terraform at once, or through CodeDeploy as a canary or in
   * linear steps, rolled back automatically by alarms on the new version.
   * @default { type: 'all-at-once' }
   */
  readonly deployment?: DeploymentStrategy;
  /**
   * Functions CodeDeploy invokes before and after the traffic shift (canary and linear only). Each may
   * invoke versions of this function and report to this deployment group, nothing more.
   * @default no hooks
   */
  readonly deploymentHooks?: { readonly preTraffic?: SecureFunction; readonly postTraffic?: SecureFunction };
}

/** A SecureFunction as a deployment hook. */
function hookOf(fn: SecureFunction): IHookFunction {
  return { functionName: fn.function.functionName, functionArn: fn.function.arn };
}

/** Base64 SHA-256 of a file, the form `source_code_hash` expects. */
export function bundleHash(filePath: string): string {
  return createHash('sha256').update(readFileSync(filePath)).digest('base64');
}

/**
 * A Lambda function with the platform's defaults: its own role (policies generated from declared
 * grants), a KMS-encrypted log group with finite retention and JSON logs, `nodejs22.x` on arm64,
 * published versions behind a `live` alias, private subnets with a security group that only reaches
 * the VPC endpoints on 443, active tracing, an encrypted dead-letter queue, and alarms on errors,
 * throttles, p99 duration and dead letters sent to an encrypted topic.
 *
 * @example
 * ```ts
 * const fn = new SecureFunction(this, 'processor', {
 *   functionName: 'processor-dev', bundlePath: 'apps/processor/dist/bundle.zip',
 *   key, network, accountId, region,
 * });
 * bucket.grantRead(fn, { prefix: 'incoming/' });
 * ```
 */
export class SecureFunction extends Construct implements IGrantee {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly securityGroup: SecurityGroup;
  readonly deadLetterQueue: SqsQueue;
  readonly alias: VersionedAlias;
  /** How new versions reach `live`. */
  readonly deploymentStrategy: DeploymentStrategy;
  /** The CodeDeploy application, group and alarms, with a canary or linear strategy. */
  readonly deployment?: ProgressiveDeployment;
  readonly alarmTopicArn: string;
  readonly alarms: readonly CloudwatchMetricAlarm[];
  readonly functionName: string;
  readonly grantPath: string;
  /** The role's ARN from configuration (key policies name the role by it, before the role exists). */
  readonly principalArn: string;
  /** The unqualified function ARN, built from configuration (never from the resource, so grants cause no cycles). */
  readonly functionArn: string;
  /** The `live` alias's ARN, built from configuration: what triggers and callers are granted. */
  readonly liveAliasArn: string;
  /** The role's policy (its statements are added until synth); trigger resources that need them depend on it. */
  readonly rolePolicy: IamRolePolicy;
  /** The key that encrypts the function's environment, logs, queues and topic (its triggers use it too). */
  readonly key: EncryptionKey;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The function's timeout in seconds. */
  readonly timeoutSeconds: number;
  /** The role's permissions boundary, which the roles of its triggers take too. */
  readonly permissionsBoundaryArn?: string;
  /** The alarm thresholds the function was built with (its triggers' alarms use them too). */
  readonly alarmOptions: FunctionAlarmOptions;
  readonly #policy: PolicyDocument;
  readonly #network: IFunctionNetwork;
  readonly #services = new Set<AwsService>();

  constructor(scope: Construct, id: string, props: SecureFunctionProps) {
    super(scope, id);
    const at = this.node.path;
    this.grantPath = at;
    validate(at, props);
    const partition = props.partition ?? Defaults.PARTITION;
    const timeout = props.timeout ?? Defaults.LAMBDA_TIMEOUT_SECONDS;
    this.functionName = props.functionName;
    this.principalArn = `arn:${partition}:iam::${props.accountId}:role/${props.functionName}-role`;
    this.#network = props.network;
    this.key = props.key;
    this.accountId = props.accountId;
    this.region = props.region;
    this.partition = partition;
    this.timeoutSeconds = timeout;
    this.alarmOptions = props.alarms ?? {};
    if (props.permissionsBoundaryArn) this.permissionsBoundaryArn = props.permissionsBoundaryArn;
    const strategy: DeploymentStrategy = props.deployment ?? { type: 'all-at-once' };
    const functionArn = `arn:${partition}:lambda:${props.region}:${props.accountId}:function:${props.functionName}`;
    this.functionArn = functionArn;
    this.liveAliasArn = `${functionArn}:${Defaults.ALIAS_NAME}`;

    // Log group first, named as Lambda expects, so nothing else ever creates it unencrypted.
    const logGroupName = `/aws/lambda/${props.functionName}`;
    const logGroupArn = props.key.allowLogGroup(logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? Defaults.LOG_RETENTION_DAYS,
      kmsKeyId: props.key.keyArn,
    });

    const trust = new PolicyDocument(this, 'trust');
    trust.add({
      sid: 'LambdaServiceInThisAccount',
      principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      actions: ['sts:AssumeRole'],
      resources: [],
      conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] }],
    });
    this.role = new IamRole(this, 'role', {
      name: `${props.functionName}-role`,
      description: `Execution role of ${props.functionName}; policies come from its declared grants.`,
      assumeRolePolicy: trust.json,
      ...(props.permissionsBoundaryArn ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
    });

    this.#policy = new PolicyDocument(this, 'policy');
    this.#policy.add({
      sid: 'WriteOwnLogGroup',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroupArn}:*`],
    });
    const ec2 = `arn:${partition}:ec2:${props.region}:${props.accountId}`;
    this.#policy.add({
      sid: 'DescribeNetworkInterfaces',
      actions: ['ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
      wildcardReason: 'ec2:DescribeNetworkInterfaces has no resource-level permissions.',
    });
    this.#policy.add({
      sid: 'SendTraces',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
      wildcardReason: 'X-Ray trace APIs have no resource-level permissions.',
    });
    const rolePolicy = new IamRolePolicy(this, 'role-policy', {
      name: `${props.functionName}-grants`,
      role: this.role.id,
      policy: this.#policy.json,
    });
    this.rolePolicy = rolePolicy;

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: `${props.functionName}-dlq`,
      kmsMasterKeyId: props.key.keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: Defaults.DLQ_RETENTION_SECONDS,
    });
    const dlqArn = `arn:${partition}:sqs:${props.region}:${props.accountId}:${props.functionName}-dlq`;
    tlsOnlyQueuePolicy(this, 'dlq', this.deadLetterQueue, dlqArn);
    // Lambda delivers failed async events with the execution role.
    this.#policy.add({
      sid: 'SendFailedEventsToOwnDlq',
      actions: ['sqs:SendMessage'],
      resources: [this.deadLetterQueue.arn],
    });
    props.key.grantUseVia(this, 'sqs', { encryptionContext: { 'aws:sqs:arn': dlqArn } });

    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${props.functionName}-fn`,
      description: `${props.functionName}: no ingress; egress only to VPC endpoints on 443`,
      vpcId: props.network.vpcId,
      revokeRulesOnDelete: true,
    });
    new VpcSecurityGroupEgressRule(this, 'egress-endpoints', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to the VPC interface endpoints',
      ipProtocol: 'tcp',
      fromPort: Defaults.HTTPS_PORT,
      toPort: Defaults.HTTPS_PORT,
      referencedSecurityGroupId: props.network.endpointSecurityGroupId,
    });
    props.network.allowFrom(this.securityGroup.id, props.functionName);
    // Lambda creates and removes the function's ENIs with this role: only in its own subnets, with its
    // own security group (CreateNetworkInterface is authorized on the ENI, subnet and group ARNs).
    this.#policy.add({
      sid: 'ManageOwnNetworkInterfaces',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      conditions: [{ test: 'ArnEquals', variable: 'ec2:Vpc', values: [`${ec2}:vpc/${props.network.vpcId}`] }],
      resources: [
        `${ec2}:network-interface/*`,
        ...props.network.privateSubnetIds.map((id) => `${ec2}:subnet/${id}`),
        `${ec2}:security-group/${this.securityGroup.id}`,
      ],
    });
    // The role's credentials are also the function code's. Lambda's own ENI calls carry no
    // lambda:SourceFunctionArn; calls made with the credentials from inside the function do.
    this.#policy.add({
      sid: 'DenyNetworkInterfaceChangesFromFunctionCode',
      effect: 'Deny',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
      wildcardReason: 'A deny: it must cover every ENI the code could name.',
      conditions: [{ test: 'Null', variable: 'lambda:SourceFunctionArn', values: ['false'] }],
    });

    const asset = new TerraformAsset(this, 'bundle', {
      path: path.resolve(props.bundlePath),
      type: AssetType.FILE,
    });
    const hash = bundleHash(path.resolve(props.bundlePath));
    const code = props.codeSigning
      ? props.codeSigning.sign(
          this,
          props.functionName,
          asset.path,
          Buffer.from(hash, 'base64').toString('hex'),
        )
      : undefined;
    const environment = props.environment ?? {};
    const hasEnvironment = Object.keys(environment).length > 0;
    if (hasEnvironment) {
      // Lambda decrypts CMK-encrypted variables at init with the execution role, under the encryption
      // context LambdaFunctionName = this function: nothing else is decryptable through this grant.
      props.key.grantEnvironmentDecrypt(this, props.functionName);
    }
    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description ?? '',
      role: this.role.arn,
      handler: props.handler ?? 'index.handler',
      runtime: props.runtime ?? Defaults.LAMBDA_RUNTIME,
      architectures: [Defaults.LAMBDA_ARCHITECTURE],
      memorySize: props.memorySize ?? Defaults.LAMBDA_MEMORY_MB,
      timeout,
      ...(code ? { s3Bucket: code.s3Bucket, s3Key: code.s3Key } : { filename: asset.path }),
      // With signing, the s3_key changes with the bundle (its hash is in the unsigned key), and Lambda
      // reports the signed zip's hash back, which would show a change on every plan: omit it then.
      ...(code ? {} : { sourceCodeHash: hash }),
      publish: true,
      vpcConfig: {
        subnetIds: [...props.network.privateSubnetIds],
        securityGroupIds: [this.securityGroup.id],
      },
      ...(hasEnvironment
        ? { environment: { variables: { ...environment } }, kmsKeyArn: props.key.keyArn }
        : {}),
      tracingConfig: { mode: 'Active' },
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      loggingConfig: {
        logFormat: 'JSON',
        logGroup: this.logGroup.name,
        applicationLogLevel: 'INFO',
        systemLogLevel: 'WARN',
      },
      ...(props.codeSigning ? { codeSigningConfigArn: props.codeSigning.configArn } : {}),
      // The role must carry its ENI permissions before Lambda attaches the function to the VPC.
      dependsOn: [rolePolicy, this.logGroup],
    });

    this.alias = new VersionedAlias(this, 'live', {
      functionName: this.function.functionName,
      functionVersion: this.function.version,
      managedByDeployments: props.aliasManagedByDeployments ?? strategy.type !== 'all-at-once',
    });

    this.alarmTopicArn = props.alarmTopicArn ?? this.#alarmTopic(props);
    this.alarms = this.#createAlarms(props, timeout, functionArn);
    this.deploymentStrategy = strategy;
    if (strategy.type !== 'all-at-once') {
      this.deployment = this.#progressiveDeployment(props, strategy, functionArn);
    } else if (props.deploymentHooks?.preTraffic || props.deploymentHooks?.postTraffic) {
      throw new InvalidPropError(
        this.node.path,
        'deploymentHooks',
        'hooks run inside a CodeDeploy deployment: set deployment to a canary or linear strategy, or drop the hooks.',
      );
    }
  }

  /**
   * A Function URL on the `live` alias. Always `AWS_IAM`: callers sign their requests and need
   * `lambda:InvokeFunctionUrl` on the alias; there is deliberately no way to ask for `NONE`.
   *
   * @example
   * ```ts
   * const url = fn.addFunctionUrl();
   * new TerraformOutput(this, 'url', { value: url.functionUrl });
   * ```
   */
  addFunctionUrl(): LambdaFunctionUrl {
    const existing = this.node.tryFindChild('url');
    if (existing) return existing as LambdaFunctionUrl;
    return new LambdaFunctionUrl(this, 'url', {
      functionName: this.function.functionName,
      qualifier: this.alias.name,
      authorizationType: 'AWS_IAM',
    });
  }

  /**
   * Lets one S3 bucket of this account invoke the `live` alias (for its event notifications). Bound to
   * the bucket ARN and the account, so no other bucket or account can invoke through this permission.
   * Idempotent per `id` (a bucket that notifies the function for several prefixes needs one permission).
   */
  allowInvokeFromBucket(id: string, bucketArn: string, accountId: string): LambdaPermission {
    const existing = this.node.tryFindChild(`invoke-from-${id}`);
    if (existing instanceof LambdaPermission) return existing;
    return new LambdaPermission(this, `invoke-from-${id}`, {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      qualifier: this.alias.name,
      principal: 's3.amazonaws.com',
      sourceArn: bucketArn,
      sourceAccount: accountId,
    });
  }

  /**
   * What a caller of the Function URL needs, and nothing more: `lambda:InvokeFunctionUrl` on the `live`
   * alias with `lambda:FunctionUrlAuthType = AWS_IAM`, and `lambda:InvokeFunction` (required of URL
   * callers since October 2025) only with `lambda:InvokedViaFunctionUrl = true`, so the grant never lets
   * its holder invoke the function directly with an event of its own making.
   *
   * @example
   * ```ts
   * const [url, invoke] = api.invokeUrlStatements();
   * ```
   */
  invokeUrlStatements(): readonly PolicyStatement[] {
    const alias = this.liveAliasArn;
    return [
      {
        sid: sid('InvokeUrlOf', this.functionName),
        actions: ['lambda:InvokeFunctionUrl'],
        resources: [alias],
        conditions: [{ test: 'StringEquals', variable: 'lambda:FunctionUrlAuthType', values: ['AWS_IAM'] }],
      },
      {
        sid: sid('InvokeOnlyViaUrlOf', this.functionName),
        actions: ['lambda:InvokeFunction'],
        resources: [alias],
        conditions: [{ test: 'Bool', variable: 'lambda:InvokedViaFunctionUrl', values: ['true'] }],
      },
    ];
  }

  /**
   * Lets another platform function call this function's URL ({@link invokeUrlStatements}). Idempotent.
   * For people and roles outside the stack, attach {@link invokeUrlPolicy} instead. There is no
   * principal-ARN form: a resource-based permission (`aws_lambda_permission`, provider 5.x) cannot carry
   * the `lambda:InvokedViaFunctionUrl` condition, so it would also allow direct invocation.
   *
   * @example
   * ```ts
   * cryptoApi.grantInvokeUrl(reportFunction);
   * ```
   */
  grantInvokeUrl(grantee: IGrantee): Grant {
    return { grantee, statements: this.invokeUrlStatements().map((s) => grantee.addToRolePolicy(s)) };
  }

  /**
   * A customer-managed IAM policy holding {@link invokeUrlStatements}, for the callers' roles, users or
   * IAM Identity Center permission sets (attach it by name). Created once.
   *
   * @example
   * ```ts
   * const callers = cryptoApi.invokeUrlPolicy('secure-lambda-prod-crypto-api-callers');
   * new TerraformOutput(this, 'callers-policy-arn', { value: callers.arn });
   * ```
   */
  invokeUrlPolicy(policyName: string): IamPolicy {
    const existing = this.node.tryFindChild('invoke-url-policy');
    if (existing) return existing as IamPolicy;
    const document = new PolicyDocument(this, 'invoke-url-statements');
    for (const statement of this.invokeUrlStatements()) document.add(statement);
    return new IamPolicy(this, 'invoke-url-policy', {
      name: policyName,
      description: `Call the Function URL of ${this.functionName} (never a direct invoke).`,
      policy: document.json,
    });
  }

  /**
   * An SQS queue that invokes the `live` alias in batches: CMK-encrypted, TLS-only, with its own
   * dead-letter queue and an alarm on it, and partial batch responses (the handler reports the failed
   * messages, so one bad message does not retry the whole batch). One queue per function; calling again
   * with the same options returns it.
   *
   * @example
   * ```ts
   * const queue = fn.addQueueTrigger({ batchSize: 5, maximumConcurrency: 4 });
   * queue.grantSend(producer);
   * ```
   */
  addQueueTrigger(options: QueueTriggerOptions = {}): FunctionQueue {
    const existing = this.node.tryFindChild('queue');
    if (existing instanceof FunctionQueue) {
      if (JSON.stringify(existing.options) !== JSON.stringify(options)) {
        throw new InvalidPropError(
          this.node.path,
          'queue',
          'the function already has a queue with other options; a function has one queue trigger, declare it once.',
        );
      }
      return existing;
    }
    return new FunctionQueue(this, 'queue', { function: this, ...options });
  }

  /**
   * An EventBridge Scheduler schedule that invokes the `live` alias, with its own least-privilege role,
   * retry policy and encrypted dead-letter queue. One schedule per function.
   *
   * @example
   * ```ts
   * fn.addSchedule({ expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' });
   * ```
   */
  addSchedule(options: ScheduleTriggerOptions): FunctionSchedule {
    if (this.node.tryFindChild('schedule')) {
      throw new InvalidPropError(
        this.node.path,
        'schedule',
        'the function already has a schedule; a function has one schedule trigger (put what differs between runs in the handler).',
      );
    }
    return new FunctionSchedule(this, 'schedule', { function: this, ...options });
  }

  /** The queue trigger, once added. */
  get queue(): FunctionQueue | undefined {
    const child = this.node.tryFindChild('queue');
    return child instanceof FunctionQueue ? child : undefined;
  }

  /** The schedule trigger, once added. */
  get schedule(): FunctionSchedule | undefined {
    const child = this.node.tryFindChild('schedule');
    return child instanceof FunctionSchedule ? child : undefined;
  }

  get services(): readonly AwsService[] {
    return [...this.#services];
  }

  /** The statements of the role's policy (the declared grants plus the built-in ones). */
  get statements(): readonly PolicyStatement[] {
    return this.#policy.statements;
  }

  addToRolePolicy(statement: PolicyStatement): PolicyStatement {
    return this.#policy.add(statement);
  }

  useService(service: AwsService): void {
    if (this.#services.has(service)) return;
    this.#services.add(service);
    this.#network.useService(service);
    if (service === 's3') {
      // S3 is reached through the gateway endpoint, whose addresses are the S3 prefix list.
      new VpcSecurityGroupEgressRule(this, 'egress-s3', {
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS to S3 through the gateway endpoint',
        ipProtocol: 'tcp',
        fromPort: Defaults.HTTPS_PORT,
        toPort: Defaults.HTTPS_PORT,
        prefixListId: this.#network.s3PrefixListId,
      });
    }
  }

  #progressiveDeployment(
    props: SecureFunctionProps,
    strategy: Exclude<DeploymentStrategy, { type: 'all-at-once' }>,
    functionArn: string,
  ): ProgressiveDeployment {
    const hooks = props.deploymentHooks ?? {};
    const pre = hooks.preTraffic ? hookOf(hooks.preTraffic) : undefined;
    const post =
      hooks.postTraffic === hooks.preTraffic
        ? pre
        : hooks.postTraffic
          ? hookOf(hooks.postTraffic)
          : undefined;
    const deployment = new ProgressiveDeployment(this, 'deployment', {
      functionName: props.functionName,
      functionArn,
      aliasName: this.alias.name,
      functionVersion: this.function.version,
      strategy,
      accountId: props.accountId,
      region: props.region,
      ...(props.partition ? { partition: props.partition } : {}),
      alarmTopicArn: this.alarmTopicArn,
      ...(props.permissionsBoundaryArn ? { permissionsBoundaryArn: props.permissionsBoundaryArn } : {}),
      errorThreshold: props.alarms?.errors ?? 1,
      throttleThreshold: props.alarms?.throttles ?? 1,
      hooks: {
        ...(pre ? { preTraffic: pre } : {}),
        ...(post ? { postTraffic: post } : {}),
      },
    });
    for (const hook of [hooks.preTraffic, hooks.postTraffic]) {
      if (!hook) continue;
      // The hook reads the target version from the deployment's AppSpec.
      hook.addToRolePolicy({
        sid: sid('ReadDeploymentsOf', props.functionName),
        actions: ['codedeploy:GetDeployment'],
        resources: [deployment.deploymentGroupArn],
      });
      hook.addToRolePolicy({
        sid: 'ReportDeploymentHookStatus',
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
        resources: ['*'],
        wildcardReason:
          'PutLifecycleEventHookExecutionStatus has no resource-level permissions; a call needs the execution id ' +
          'that only CodeDeploy hands the hook.',
      });
      hook.addToRolePolicy({
        sid: sid('InvokeVersionsOf', props.functionName),
        actions: ['lambda:InvokeFunction'],
        // The version under test is only known when the deployment starts.
        resources: [`${functionArn}:*`],
      });
      hook.useService('lambda');
      hook.useService('codedeploy');
    }
    return deployment;
  }

  /** The function's own encrypted alarm topic and one subscription per configured delivery. */
  #alarmTopic(props: SecureFunctionProps): string {
    const topic = new SnsTopic(this, 'alarm-topic', {
      name: `${props.functionName}-alarms`,
      kmsMasterKeyId: props.key.keyArn,
    });
    const deliveries = [
      ...(props.alarmDelivery?.emails ?? []).map((endpoint) => ({ protocol: 'email', endpoint })),
      ...(props.alarmDelivery?.httpsEndpoints ?? []).map((endpoint) => ({ protocol: 'https', endpoint })),
    ];
    deliveries.forEach(({ protocol, endpoint }, index) => {
      new SnsTopicSubscription(this, `alarm-delivery-${index}`, { topicArn: topic.arn, protocol, endpoint });
    });
    return topic.arn;
  }

  #createAlarms(props: SecureFunctionProps, timeout: number, functionArn: string): CloudwatchMetricAlarm[] {
    const options = props.alarms ?? {};
    const common = {
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
      evaluationPeriods: 1,
      period: 60,
      treatMissingData: 'notBreaching',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
    };
    const lambda = { namespace: 'AWS/Lambda', dimensions: { FunctionName: props.functionName } };
    return [
      new CloudwatchMetricAlarm(this, 'alarm-errors', {
        ...common,
        ...lambda,
        alarmName: `${props.functionName}-errors`,
        alarmDescription: `Errors of ${functionArn}`,
        metricName: 'Errors',
        statistic: 'Sum',
        threshold: options.errors ?? 1,
      }),
      new CloudwatchMetricAlarm(this, 'alarm-throttles', {
        ...common,
        ...lambda,
        alarmName: `${props.functionName}-throttles`,
        alarmDescription: `Throttles of ${functionArn}`,
        metricName: 'Throttles',
        statistic: 'Sum',
        threshold: options.throttles ?? 1,
      }),
      new CloudwatchMetricAlarm(this, 'alarm-duration', {
        ...common,
        ...lambda,
        alarmName: `${props.functionName}-p99-duration`,
        alarmDescription: `p99 duration of ${functionArn} near its ${timeout} s timeout`,
        metricName: 'Duration',
        extendedStatistic: 'p99',
        threshold: Math.round(timeout * 1000 * (options.p99DurationOfTimeout ?? 0.8)),
      }),
      deadLetterAlarm(this, 'alarm-dead-letters', {
        fn: this,
        alarmName: `${props.functionName}-dead-letters`,
        description: `Failed events of ${functionArn} waiting in its dead-letter queue`,
        queueName: this.deadLetterQueue.name,
      }),
    ];
  }
}

function validate(at: string, props: SecureFunctionProps): void {
  if (!/^[A-Za-z0-9_-]{1,59}$/.test(props.functionName)) {
    throw new InvalidPropError(
      at,
      'functionName',
      `${JSON.stringify(props.functionName)}: use 1-59 letters, digits, "-" or "_" (the role name adds "-role" within IAM's 64).`,
    );
  }
  if (props.runtime !== undefined && !/^nodejs\d{2,}\.x$/.test(props.runtime)) {
    throw new InvalidPropError(
      at,
      'runtime',
      `${JSON.stringify(props.runtime)} is not a Node.js runtime identifier; use one like "${Defaults.LAMBDA_RUNTIME}" (the bundles are built for Node.js).`,
    );
  }
  const retention = props.logRetentionDays ?? Defaults.LOG_RETENTION_DAYS;
  if (!(LOG_RETENTION_VALUES as readonly number[]).includes(retention)) {
    throw new InvalidPropError(
      at,
      'logRetentionDays',
      `${retention} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_VALUES.join(', ')} (never infinite).`,
    );
  }
  const timeout = props.timeout ?? Defaults.LAMBDA_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
    throw new InvalidPropError(at, 'timeout', `${timeout} is outside 1..900 seconds.`);
  }
  const memory = props.memorySize ?? Defaults.LAMBDA_MEMORY_MB;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240) {
    throw new InvalidPropError(at, 'memorySize', `${memory} is outside 128..10240 MB.`);
  }
  if (
    props.reservedConcurrency !== undefined &&
    (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 0)
  ) {
    throw new InvalidPropError(at, 'reservedConcurrency', 'use a whole number >= 0, or leave it unset.');
  }
  validateAlarmDelivery(at, props);
  const bundle = path.resolve(props.bundlePath);
  let isFile = false;
  try {
    isFile = statSync(bundle).isFile();
  } catch (cause) {
    throw new BundleNotFoundError(at, `bundle ${bundle} does not exist. Build it first (npm run build).`, {
      cause,
    });
  }
  if (!isFile)
    throw new BundleNotFoundError(at, `bundle ${bundle} is not a file; point bundlePath at the zip.`);
}

/** Addresses and URLs SNS would accept; an existing topic is subscribed where it is managed. */
function validateAlarmDelivery(at: string, props: SecureFunctionProps): void {
  const delivery = props.alarmDelivery;
  if (!delivery) return;
  if (props.alarmTopicArn !== undefined && (delivery.emails?.length || delivery.httpsEndpoints?.length)) {
    throw new InvalidPropError(
      at,
      'alarmDelivery',
      'the function publishes to the existing alarmTopicArn: subscribe the deliveries to that topic where it is managed, or drop alarmTopicArn.',
    );
  }
  for (const email of delivery.emails ?? []) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      throw new InvalidPropError(
        at,
        'alarmDelivery.emails',
        `${JSON.stringify(email)} is not an email address.`,
      );
    }
  }
  for (const endpoint of delivery.httpsEndpoints ?? []) {
    let protocol = '';
    try {
      protocol = new URL(endpoint).protocol;
    } catch (cause) {
      throw new InvalidPropError(
        at,
        'alarmDelivery.httpsEndpoints',
        `${JSON.stringify(endpoint)} is not a URL.`,
        {
          cause,
        },
      );
    }
    if (protocol !== 'https:') {
      throw new InvalidPropError(
        at,
        'alarmDelivery.httpsEndpoints',
        `${JSON.stringify(endpoint)} is not https://: alarms leave AWS only over TLS.`,
      );
    }
  }
}
