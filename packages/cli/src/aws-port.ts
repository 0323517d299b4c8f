import https from 'node:https';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type DeploymentStatus as SdkDeploymentStatus,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  type AliasConfiguration,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  type FunctionConfiguration as LambdaConfiguration,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AliasNotFoundError, FunctionNotFoundError, toCliError } from './errors';
import type { AliasView, DeploymentStatus, DeploymentView, LifecycleEventView, ReleasePort } from './port';
import { environmentValueHash, type VersionView } from './verify';

/** Attempts per call, with the SDK's adaptive retry (client-side rate limiting plus backoff) on throttling. */
export const MAX_ATTEMPTS = 6;

/** Deployments in these states have not ended: a new release must wait, a rollback stops them. */
export const ACTIVE_STATUSES: readonly SdkDeploymentStatus[] = [
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Ready',
];

export interface AwsPortOptions {
  readonly region: string;
  /**
   * An emulator's URL (https://127.0.0.1:<port>). Only loopback addresses are accepted, so a mistyped
   * option cannot send signed requests to another host.
   */
  readonly endpoint?: string;
  /** PEM of the emulator's certificate, trusted instead of the system store. */
  readonly ca?: string;
  /** @default the SDK's default credential chain (environment, SSO, profile, instance role) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

function checkEndpoint(endpoint: string): void {
  const url = new URL(endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(
      `--endpoint ${endpoint}: only a local emulator (127.0.0.1, localhost, [::1]) is allowed.`,
    );
  }
}

function aliasView(alias: AliasConfiguration): AliasView {
  return {
    name: alias.Name ?? '',
    version: alias.FunctionVersion ?? '',
    weights: { ...(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    description: alias.Description ?? '',
  };
}

/** Lambda's defaults for what a configuration leaves out. */
const LAMBDA_DEFAULTS = {
  ARCHITECTURE: 'x86_64',
  EPHEMERAL_STORAGE_MB: 512,
  TRACING: 'PassThrough',
} as const;

/** JSON with sorted keys, so two equal image configurations compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * GetFunctionConfiguration's answer in the manifest's form. Environment values are replaced by their
 * hashes here, at the boundary, so the plaintext goes no further than this function.
 */
export function versionView(config: LambdaConfiguration): VersionView {
  const variables = config.Environment?.Variables ?? {};
  const image = config.ImageConfigResponse?.ImageConfig;
  return {
    version: config.Version ?? '',
    codeSha256: config.CodeSha256 ?? '',
    configuration: {
      packageType: config.PackageType ?? 'Zip',
      runtime: config.Runtime ?? '',
      handler: config.Handler ?? '',
      role: config.Role ?? '',
      memorySize: config.MemorySize ?? 0,
      timeout: config.Timeout ?? 0,
      architectures: config.Architectures?.length
        ? [...config.Architectures]
        : [LAMBDA_DEFAULTS.ARCHITECTURE],
      environment: Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, environmentValueHash(value)]),
      ),
      kmsKeyArn: config.KMSKeyArn ?? '',
      layers: (config.Layers ?? []).map((layer) => layer.Arn ?? ''),
      tracingMode: config.TracingConfig?.Mode ?? LAMBDA_DEFAULTS.TRACING,
      subnetIds: [...(config.VpcConfig?.SubnetIds ?? [])],
      securityGroupIds: [...(config.VpcConfig?.SecurityGroupIds ?? [])],
      ephemeralStorageMb: config.EphemeralStorage?.Size ?? LAMBDA_DEFAULTS.EPHEMERAL_STORAGE_MB,
      fileSystems: (config.FileSystemConfigs ?? []).map((fs) => `${fs.Arn} at ${fs.LocalMountPath}`),
      imageConfig: image && Object.keys(image).length > 0 ? canonical(image) : '',
      signingProfileVersionArn: config.SigningProfileVersionArn ?? '',
      signingJobArn: config.SigningJobArn ?? '',
    },
  };
}

/**
 * The SDK implementation of the port. Each call maps SDK errors to the CLI's typed errors, naming the step.
 *
 * @example
 * const port = awsPort({ region: 'eu-west-1' });
 * const alias = await port.getAlias('secure-lambda-prod-crypto-api', 'live');
 */
export function awsPort(options: AwsPortOptions): ReleasePort & { destroy(): void } {
  if (options.endpoint) checkEndpoint(options.endpoint);
  const agent = options.ca ? new https.Agent({ ca: options.ca, keepAlive: true }) : undefined;
  const config = () => ({
    region: options.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'adaptive',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    ...(agent ? { requestHandler: new NodeHttpHandler({ httpsAgent: agent }) } : {}),
  });
  const lambda = new LambdaClient(config());
  const codedeploy = new CodeDeployClient(config());
  const cloudwatch = new CloudWatchClient(config());
  const sts = new STSClient(config());

  const functionMissing = (step: string, name: string) => () =>
    new FunctionNotFoundError(
      step,
      `function ${name} does not exist in ${options.region}. Is the stack deployed?`,
    );

  const port: ReleasePort & { destroy(): void } = {
    async getAlias(functionName, alias) {
      const step = `read alias ${functionName}:${alias}`;
      try {
        return aliasView(await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })));
      } catch (error) {
        throw toCliError(
          error,
          step,
          () =>
            new AliasNotFoundError(
              step,
              `${functionName} has no alias ${alias} (or the function does not exist). Deploy the stack first.`,
            ),
        );
      }
    },
    async listAliases(functionName) {
      const step = `list aliases of ${functionName}`;
      const aliases: AliasView[] = [];
      try {
        let marker: string | undefined;
        do {
          const page = await lambda.send(
            new ListAliasesCommand({ FunctionName: functionName, Marker: marker }),
          );
          aliases.push(...(page.Aliases ?? []).map(aliasView));
          marker = page.NextMarker;
        } while (marker);
      } catch (error) {
        throw toCliError(error, step, functionMissing(step, functionName));
      }
      return aliases;
    },
    async listVersions(functionName) {
      const step = `list versions of ${functionName}`;
      const versions: string[] = [];
      try {
        let marker: string | undefined;
        do {
          const page = await lambda.send(
            new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }),
          );
          for (const v of page.Versions ?? [])
            if (v.Version && /^\d+$/.test(v.Version)) versions.push(v.Version);
          marker = page.NextMarker;
        } while (marker);
      } catch (error) {
        throw toCliError(error, step, functionMissing(step, functionName));
      }
      return versions.sort((a, b) => Number(a) - Number(b));
    },
    async updateAlias(functionName, alias, change) {
      const step = `update alias ${functionName}:${alias}`;
      try {
        await lambda.send(
          new UpdateAliasCommand({
            FunctionName: functionName,
            Name: alias,
            ...(change.version !== undefined ? { FunctionVersion: change.version } : {}),
            ...(change.weights !== undefined
              ? { RoutingConfig: { AdditionalVersionWeights: { ...change.weights } } }
              : {}),
            ...(change.description !== undefined ? { Description: change.description } : {}),
          }),
        );
      } catch (error) {
        throw toCliError(
          error,
          step,
          () => new AliasNotFoundError(step, `${functionName} has no alias ${alias}.`),
        );
      }
    },
    async deleteVersion(functionName, version) {
      const step = `delete ${functionName}:${version}`;
      try {
        await lambda.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version }));
      } catch (error) {
        throw toCliError(error, step, functionMissing(step, functionName));
      }
    },
    async getVersion(functionName, version) {
      const step = `read ${functionName}:${version}`;
      try {
        return versionView(
          await lambda.send(
            new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version }),
          ),
        );
      } catch (error) {
        throw toCliError(error, step, functionMissing(step, functionName));
      }
    },
    async callerArn() {
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? 'unknown';
      } catch (error) {
        throw toCliError(error, 'identify the caller');
      }
    },
    async createDeployment({ application, deploymentGroup, appSpec, description }) {
      const step = `start a CodeDeploy deployment of ${application}`;
      try {
        const created = await codedeploy.send(
          new CreateDeploymentCommand({
            applicationName: application,
            deploymentGroupName: deploymentGroup,
            description,
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
          }),
        );
        return created.deploymentId ?? '';
      } catch (error) {
        throw toCliError(error, step);
      }
    },
    async getDeployment(id) {
      try {
        const { deploymentInfo: info } = await codedeploy.send(
          new GetDeploymentCommand({ deploymentId: id }),
        );
        return deploymentView(id, info ?? {});
      } catch (error) {
        throw toCliError(error, `read deployment ${id}`);
      }
    },
    async activeDeployments(application, deploymentGroup) {
      return listDeploymentIds(application, deploymentGroup, ACTIVE_STATUSES);
    },
    async latestDeployment(application, deploymentGroup) {
      const ids = await listDeploymentIds(application, deploymentGroup, undefined);
      if (ids.length === 0) return undefined;
      const step = `read deployments of ${application}`;
      try {
        const newest: { id: string; at: number }[] = [];
        for (let i = 0; i < ids.length; i += 25) {
          const batch = await codedeploy.send(
            new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }),
          );
          for (const d of batch.deploymentsInfo ?? []) {
            newest.push({ id: d.deploymentId ?? '', at: d.createTime?.getTime() ?? 0 });
          }
        }
        return newest.sort((a, b) => b.at - a.at)[0]?.id;
      } catch (error) {
        throw toCliError(error, step);
      }
    },
    async stopDeployment(id, rollback) {
      try {
        await codedeploy.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: rollback }));
      } catch (error) {
        throw toCliError(error, `stop deployment ${id}`);
      }
    },
    async alarmStates(names) {
      if (names.length === 0) return {};
      try {
        const { MetricAlarms: alarms = [] } = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: [...names] }),
        );
        return Object.fromEntries(alarms.map((a) => [a.AlarmName ?? '', a.StateValue ?? 'UNKNOWN']));
      } catch (error) {
        throw toCliError(error, 'read alarm states');
      }
    },
    async lifecycleEvents(deploymentId) {
      const step = `read lifecycle hooks of ${deploymentId}`;
      try {
        const { targetIds = [] } = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
        const events: LifecycleEventView[] = [];
        for (const targetId of targetIds) {
          const { deploymentTarget } = await codedeploy.send(
            new GetDeploymentTargetCommand({ deploymentId, targetId }),
          );
          for (const e of deploymentTarget?.lambdaTarget?.lifecycleEvents ?? []) {
            events.push({ name: e.lifecycleEventName ?? '', status: e.status ?? 'Unknown' });
          }
        }
        return events;
      } catch (error) {
        throw toCliError(error, step);
      }
    },
    destroy() {
      for (const client of [lambda, codedeploy, cloudwatch, sts]) client.destroy();
      agent?.destroy();
    },
  };

  async function listDeploymentIds(
    application: string,
    deploymentGroup: string,
    statuses: readonly SdkDeploymentStatus[] | undefined,
  ): Promise<string[]> {
    const ids: string[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const page = await codedeploy.send(
          new ListDeploymentsCommand({
            applicationName: application,
            deploymentGroupName: deploymentGroup,
            ...(statuses ? { includeOnlyStatuses: [...statuses] } : {}),
            nextToken,
          }),
        );
        ids.push(...(page.deployments ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    } catch (error) {
      throw toCliError(error, `list deployments of ${application}/${deploymentGroup}`);
    }
    return ids;
  }

  return port;
}

function deploymentView(
  id: string,
  info: {
    status?: string;
    createTime?: Date;
    errorInformation?: { code?: string; message?: string };
    rollbackInfo?: { rollbackDeploymentId?: string; rollbackMessage?: string };
    revision?: { appSpecContent?: { content?: string } };
  },
): DeploymentView {
  return {
    id,
    status: (info.status ?? 'Created') as DeploymentStatus,
    ...(info.createTime ? { createdAt: info.createTime } : {}),
    ...(info.errorInformation?.code ? { errorCode: info.errorInformation.code } : {}),
    ...(info.errorInformation?.message || info.rollbackInfo?.rollbackMessage
      ? { errorMessage: info.errorInformation?.message ?? info.rollbackInfo?.rollbackMessage }
      : {}),
    ...(info.rollbackInfo?.rollbackDeploymentId ? { rolledBack: true } : {}),
    ...(info.revision?.appSpecContent?.content ? { appSpec: info.revision.appSpecContent.content } : {}),
  };
}
