import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CodedeployApp } from '@cdktf/provider-aws/lib/codedeploy-app';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import { InvalidPropError } from './errors';
import { PolicyDocument } from './private/policy-document';

/**
 * How a new version reaches the `live` alias.
 * - `all-at-once`: Terraform moves the alias when it publishes a version.
 * - `canary`: CodeDeploy sends `percent` of traffic to the new version for `minutes`, then the rest.
 * - `linear`: CodeDeploy adds `percent` of traffic every `minutes` until all of it has moved.
 * With canary and linear, alarms on the new version stop the deployment and roll the alias back.
 */
export type DeploymentStrategy =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary'; readonly percent: number; readonly minutes: number }
  | { readonly type: 'linear'; readonly percent: number; readonly minutes: number };

/** Lifecycle hooks of a progressive deployment: functions CodeDeploy invokes around the traffic shift. */
export interface DeploymentHooks {
  /** Invoked before any traffic moves (CodeDeploy `BeforeAllowTraffic`). */
  readonly preTraffic?: IHookFunction;
  /** Invoked after all traffic has moved (`AfterAllowTraffic`). */
  readonly postTraffic?: IHookFunction;
}

/** What a deployment needs of a hook function (a `SecureFunction`). */
export interface IHookFunction {
  readonly functionName: string;
  readonly functionArn: string;
}

export interface ProgressiveDeploymentProps {
  /** The function whose alias CodeDeploy moves. */
  readonly functionName: string;
  readonly functionArn: string;
  /** The alias CodeDeploy moves. @default 'live' */
  readonly aliasName?: string;
  /** The newest published version (the function's `version`): the alarms watch only it. */
  readonly functionVersion: string;
  readonly strategy: Exclude<DeploymentStrategy, { type: 'all-at-once' }>;
  readonly accountId: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Where the rollback alarms notify. */
  readonly alarmTopicArn: string;
  /** Errors of the new version per minute that stop the deployment. @default 1 */
  readonly errorThreshold?: number;
  /** Throttles of the new version per minute that stop the deployment. @default 1 */
  readonly throttleThreshold?: number;
  /** @default no hooks */
  readonly hooks?: DeploymentHooks;
  /** Permissions boundary for the CodeDeploy service role. @default undefined */
  readonly permissionsBoundaryArn?: string;
}

/** CodeDeploy's predefined Lambda configurations, by strategy: used when one matches, else a custom one. */
const PREDEFINED_CONFIGS: Readonly<Record<string, string>> = {
  'canary-10-5': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  'canary-10-10': 'CodeDeployDefault.LambdaCanary10Percent10Minutes',
  'canary-10-15': 'CodeDeployDefault.LambdaCanary10Percent15Minutes',
  'canary-10-30': 'CodeDeployDefault.LambdaCanary10Percent30Minutes',
  'linear-10-1': 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
  'linear-10-2': 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes',
  'linear-10-3': 'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
  'linear-10-10': 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
};

/** CodeDeploy's limits on traffic-routing intervals (minutes) and percentages. */
const MAX_INTERVAL_MINUTES = 2880;

/**
 * Validates a strategy; returns the problem, or undefined.
 *
 * @example
 * strategyProblem({ type: 'canary', percent: 150, minutes: 5 }); // 'percent 150 must be a whole number 1..99.'
 */
export function strategyProblem(strategy: DeploymentStrategy): string | undefined {
  if (strategy.type === 'all-at-once') return undefined;
  const { percent, minutes } = strategy;
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    return `percent ${percent} must be a whole number 1..99.`;
  }
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_INTERVAL_MINUTES) {
    return `minutes ${minutes} must be a whole number 1..${MAX_INTERVAL_MINUTES}.`;
  }
  return undefined;
}

/**
 * Progressive delivery of a function's `live` alias with CodeDeploy: an application on the Lambda
 * compute platform, a deployment group with a canary or linear configuration (predefined when one
 * matches, else custom), automatic rollback on deployment failure and on alarm, alarms that watch only
 * the newly published version (Errors and Throttles with the `ExecutedVersion` dimension, so errors of
 * the version being replaced cannot block a hotfix), and a service role that may only read and move this
 * alias, read these alarms and invoke the declared hooks. Releases are started with an SDK call
 * (`secure-lambda release`), not from Terraform.
 *
 * @example
 * ```ts
 * new ProgressiveDeployment(this, 'deployment', {
 *   functionName: 'app-prod-api', functionArn: fn.arn, functionVersion: fn.version,
 *   strategy: { type: 'canary', percent: 10, minutes: 5 }, accountId, region, alarmTopicArn,
 * });
 * ```
 */
export class ProgressiveDeployment extends Construct {
  readonly application: CodedeployApp;
  readonly deploymentGroup: CodedeployDeploymentGroup;
  readonly deploymentConfigName: string;
  readonly serviceRole: IamRole;
  /** The alarms that stop a deployment: they watch the new version only. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  readonly deploymentGroupArn: string;
  /** The hooks the deployment group may invoke (named in the AppSpec of each release). */
  readonly hooks: DeploymentHooks;

  constructor(scope: Construct, id: string, props: ProgressiveDeploymentProps) {
    super(scope, id);
    const problem = strategyProblem(props.strategy);
    if (problem) throw new InvalidPropError(this.node.path, 'strategy', problem);
    const partition = props.partition ?? Defaults.PARTITION;
    const aliasName = props.aliasName ?? Defaults.ALIAS_NAME;
    const name = props.functionName;
    this.hooks = props.hooks ?? {};

    this.application = new CodedeployApp(this, 'application', { name, computePlatform: 'Lambda' });
    this.deploymentConfigName = this.#deploymentConfig(props);

    const versionOnly = {
      namespace: 'AWS/Lambda',
      dimensions: {
        FunctionName: name,
        Resource: `${name}:${aliasName}`,
        ExecutedVersion: props.functionVersion,
      },
      period: 60,
      evaluationPeriods: 1,
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    };
    const alarmNames = [`${name}-new-version-errors`, `${name}-new-version-throttles`] as const;
    this.alarms = [
      new CloudwatchMetricAlarm(this, 'new-version-errors', {
        ...versionOnly,
        alarmName: alarmNames[0],
        alarmDescription: `Errors of the version being deployed to ${name}:${aliasName}; stops and rolls back the deployment.`,
        metricName: 'Errors',
        threshold: props.errorThreshold ?? 1,
      }),
      new CloudwatchMetricAlarm(this, 'new-version-throttles', {
        ...versionOnly,
        alarmName: alarmNames[1],
        alarmDescription: `Throttles of the version being deployed to ${name}:${aliasName}; stops and rolls back the deployment.`,
        metricName: 'Throttles',
        threshold: props.throttleThreshold ?? 1,
      }),
    ];

    this.deploymentGroupArn = `arn:${partition}:codedeploy:${props.region}:${props.accountId}:deploymentgroup:${name}/${name}`;
    this.serviceRole = this.#serviceRole(props, partition, aliasName, alarmNames);
    this.deploymentGroup = new CodedeployDeploymentGroup(this, 'group', {
      appName: this.application.name,
      deploymentGroupName: name,
      serviceRoleArn: this.serviceRole.arn,
      deploymentConfigName: this.deploymentConfigName,
      deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL', deploymentType: 'BLUE_GREEN' },
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
      alarmConfiguration: { enabled: true, alarms: this.alarms.map((alarm) => alarm.alarmName) },
    });
  }

  #deploymentConfig(props: ProgressiveDeploymentProps): string {
    const { type, percent, minutes } = props.strategy;
    const predefined = PREDEFINED_CONFIGS[`${type}-${percent}-${minutes}`];
    if (predefined) return predefined;
    // Custom names must not start with "CodeDeployDefault.".
    const config = new CodedeployDeploymentConfig(this, 'config', {
      deploymentConfigName: `${props.functionName}-${type}-${percent}pct-${minutes}min`,
      computePlatform: 'Lambda',
      trafficRoutingConfig:
        type === 'canary'
          ? { type: 'TimeBasedCanary', timeBasedCanary: { percentage: percent, interval: minutes } }
          : { type: 'TimeBasedLinear', timeBasedLinear: { percentage: percent, interval: minutes } },
    });
    return config.deploymentConfigName;
  }

  /**
   * Least privilege instead of AWSCodeDeployRoleForLambda (which may update any alias and invoke any
   * `CodeDeployHook_*` function): this alias, these alarms, these hooks.
   */
  #serviceRole(
    props: ProgressiveDeploymentProps,
    partition: string,
    aliasName: string,
    alarmNames: readonly string[],
  ): IamRole {
    const trust = new PolicyDocument(this, 'trust');
    trust.add({
      sid: 'CodeDeployInThisAccount',
      principals: [{ type: 'Service', identifiers: ['codedeploy.amazonaws.com'] }],
      actions: ['sts:AssumeRole'],
      resources: [],
      conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] }],
    });
    const role = new IamRole(this, 'service-role', {
      name: `${props.functionName}-codedeploy`,
      description: `CodeDeploy moves ${props.functionName}:${aliasName}; nothing else.`,
      assumeRolePolicy: trust.json,
      ...(props.permissionsBoundaryArn ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
    });
    const policy = new PolicyDocument(this, 'service-policy');
    policy.add({
      sid: 'MoveThisAlias',
      actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
      resources: [props.functionArn, `${props.functionArn}:${aliasName}`],
    });
    policy.add({
      sid: 'ReadRollbackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: alarmNames.map(
        (alarmName) => `arn:${partition}:cloudwatch:${props.region}:${props.accountId}:alarm:${alarmName}`,
      ),
    });
    const hooks = [props.hooks?.preTraffic, props.hooks?.postTraffic].filter(
      (hook): hook is IHookFunction => hook !== undefined,
    );
    if (hooks.length > 0) {
      policy.add({
        sid: 'InvokeDeclaredHooks',
        actions: ['lambda:InvokeFunction'],
        // One statement per distinct hook (the same function may serve both events).
        resources: [...new Set(hooks)].map((hook) => hook.functionArn),
      });
    }
    new IamRolePolicy(this, 'service-role-policy', {
      name: `${props.functionName}-codedeploy`,
      role: role.id,
      policy: policy.json,
    });
    return role;
  }
}
