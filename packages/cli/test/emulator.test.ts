/**
 * The commands against a real moto server over HTTP, through the real SDK clients (awsPort): functions,
 * versions and aliases in Lambda, an application and deployment group in CodeDeploy. What moto cannot do
 * (shift traffic, evaluate alarms, stop deployments) is covered with a double in wait.test.ts.
 */
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { MOTO_ACCOUNT_ID, type MotoServer, startMotoServer } from '@secure-lambda/moto';
import { awsPort } from '../src/aws-port';
import { appSpecFor, prune, release, rollback, status } from '../src/commands';
import {
  AliasNotFoundError,
  CliErrorCode,
  DeploymentInProgressError,
  NoPreviousVersionError,
  NothingToReleaseError,
} from '../src/errors';
import type { ReleaseManifest, ReleaseTarget } from '../src/manifest';
import { parseRecord } from '../src/record';
import { createLambdaRole, expectedFor, tinyZip } from './support';

const REGION = 'eu-west-1';
let moto: MotoServer;
let lambda: LambdaClient;
let port: ReturnType<typeof awsPort>;
let roleArn: string;
/** moto's ARN for the role beforeAll creates; the targets' expectations name it before it exists. */
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/fn-role`;
/** The code of version `v` of a function made by functionWithVersions. */
const codeOf = (v: number) => tinyZip(`exports.handler = async () => ${v};`);
const lines: string[] = [];
const log = (line: string) => lines.push(line);
const FIXED_NOW = () => new Date('2026-11-29T12:00:00.000Z');

async function functionWithVersions(name: string, versions: number): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: codeOf(1) },
    }),
  );
  for (let v = 1; v <= versions; v += 1) {
    if (v > 1) {
      await lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: name,
          ZipFile: codeOf(v),
        }),
      );
    }
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
}

/** A function of a stack whose last deployment published version `versions` (the newest). */
function target(id: string, versions: number, extra: Partial<ReleaseTarget> = {}): ReleaseTarget {
  return {
    id,
    functionName: `stack-${id}`,
    alias: 'live',
    strategy: { type: 'all-at-once' },
    expected: expectedFor(String(versions), codeOf(versions), { role: ROLE_ARN }),
    ...extra,
  };
}

function manifest(...functions: ReleaseTarget[]): ReleaseManifest {
  return { stack: 'stack', region: REGION, accountId: '123456789012', functions };
}

async function aliasOf(name: string) {
  return lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
}

beforeAll(async () => {
  moto = await startMotoServer({ region: REGION });
  const common = { endpoint: moto.endpoint, region: REGION, credentials: moto.credentials };
  lambda = new LambdaClient(common);
  roleArn = await createLambdaRole(common, 'fn-role');
  if (roleArn !== ROLE_ARN) throw new Error(`moto named the role ${roleArn}, not ${ROLE_ARN}`);
  port = awsPort({ region: REGION, endpoint: moto.endpoint, credentials: moto.credentials });
}, 60_000);

afterAll(async () => {
  port?.destroy();
  lambda?.destroy();
  await moto?.stop();
});

beforeEach(() => {
  lines.length = 0;
});

describe('all-at-once release, rollback and status (moto over HTTP)', () => {
  const api = target('api', 3);

  beforeAll(async () => {
    await functionWithVersions(api.functionName, 3);
  });

  test('release moves live to the newest version and records the one it replaced in AWS', async () => {
    const results = await release({ port, log, now: FIXED_NOW }, manifest(api), [api]);
    expect(results).toEqual([
      { id: 'api', functionName: 'stack-api', from: '1', to: '3', strategy: 'all-at-once' },
    ]);
    const alias = await aliasOf(api.functionName);
    expect(alias.FunctionVersion).toBe('3');
    expect(parseRecord(alias.Description ?? '')).toEqual({
      kind: 'release',
      previous: '1',
      current: '3',
      at: '2026-11-29T12:00:00.000Z',
      by: expect.stringMatching(/^arn:aws:/),
    });
    expect(lines).toEqual(['api: stack-api:live 1 -> 3 (all at once); previous version recorded']);
  });

  test('a second release finds nothing to release', async () => {
    await expect(release({ port, log }, manifest(api), [api])).rejects.toThrow(NothingToReleaseError);
    await expect(release({ port, log }, manifest(api), [api])).rejects.toThrow(
      /already points at the newest published version \(3\)/,
    );
  });

  test('status reports live, newest and the recorded previous version', async () => {
    const [row] = await status({ port, log }, [api]);
    expect(row).toMatchObject({
      id: 'api',
      aliasVersion: '3',
      newestVersion: '3',
      previousVersion: '1',
      deployment: null,
      lastAction: 'release 1->3 at 2026-11-29T12:00:00.000Z',
    });
  });

  test('rollback points live back at the recorded version; a second rollback has nowhere to go', async () => {
    const results = await rollback({ port, log, now: FIXED_NOW }, [api]);
    expect(results).toEqual([
      { id: 'api', functionName: 'stack-api', action: 'alias-restored', from: '3', to: '1' },
    ]);
    const alias = await aliasOf(api.functionName);
    expect(alias.FunctionVersion).toBe('1');
    expect(parseRecord(alias.Description ?? '')).toMatchObject({ kind: 'rollback', from: '3', to: '1' });

    const again = rollback({ port, log }, [api]);
    await expect(again).rejects.toThrow(NoPreviousVersionError);
    await expect(rollback({ port, log }, [api])).rejects.toThrow(
      /the last action was a rollback from 3 to 1/,
    );
  });

  test('rollback of a function never released with the CLI says there is no previous version', async () => {
    const fresh = target('fresh', 2);
    await functionWithVersions(fresh.functionName, 2);
    await expect(rollback({ port, log }, [fresh])).rejects.toMatchObject({
      code: CliErrorCode.NO_PREVIOUS_VERSION,
      message: expect.stringMatching(
        /no previous version of stack-fresh:live is recorded \(the alias carries no release record\)/,
      ),
    });
    expect((await aliasOf(fresh.functionName)).FunctionVersion).toBe('1');
  });

  test('a missing function or alias is a typed error naming the step', async () => {
    const ghost = target('ghost', 1);
    const attempt = release({ port, log }, manifest(ghost), [ghost]);
    await expect(attempt).rejects.toThrow(AliasNotFoundError);
    await expect(release({ port, log }, manifest(ghost), [ghost])).rejects.toThrow(
      /^read alias stack-ghost:live: stack-ghost has no alias live/,
    );
  });
});

describe('prune (moto over HTTP)', () => {
  const worker = target('worker', 5);

  beforeAll(async () => {
    await functionWithVersions(worker.functionName, 5);
    // live 1 -> 5 by a release: the record names 1 as the way back.
    await release({ port, log, now: FIXED_NOW }, manifest(worker), [worker]);
    await lambda.send(
      new CreateAliasCommand({ FunctionName: worker.functionName, Name: 'canary', FunctionVersion: '3' }),
    );
  });

  test('--dry-run lists what would go and deletes nothing', async () => {
    const [result] = await prune({ port, log }, [worker], { keep: 1, dryRun: true });
    expect(result).toMatchObject({ deleted: ['2', '4'], kept: ['1', '3', '5'], dryRun: true });
    expect(lines[0]).toMatch(/^worker: would delete 2, 4; kept 1, 3, 5/);
    const { Versions = [] } = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: worker.functionName }),
    );
    expect(Versions.map((v) => v.Version)).toEqual(['$LATEST', '1', '2', '3', '4', '5']);
  });

  test('keeps the newest N, every aliased version and the recorded rollback target', async () => {
    const [result] = await prune({ port, log }, [worker], { keep: 1, dryRun: false });
    expect(result).toMatchObject({ deleted: ['2', '4'], kept: ['1', '3', '5'], dryRun: false });
    const { Versions = [] } = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: worker.functionName }),
    );
    expect(Versions.map((v) => v.Version)).toEqual(['$LATEST', '1', '3', '5']);
  });

  test('--keep must be a whole number >= 1', async () => {
    await expect(prune({ port, log }, [worker], { keep: 0, dryRun: true })).rejects.toMatchObject({
      code: CliErrorCode.USAGE,
    });
  });
});

describe('canary release through CodeDeploy (moto over HTTP)', () => {
  const canary = target('payments', 2, {
    strategy: { type: 'canary', percent: 10, minutes: 5 },
    codedeploy: {
      application: 'stack-payments',
      deploymentGroup: 'stack-payments',
      alarms: ['stack-payments-new-version-errors', 'stack-payments-new-version-throttles'],
    },
  });
  let codedeploy: CodeDeployClient;

  beforeAll(async () => {
    await functionWithVersions(canary.functionName, 2);
    codedeploy = new CodeDeployClient({
      endpoint: moto.endpoint,
      region: REGION,
      credentials: moto.credentials,
    });
    await codedeploy.send(
      new CreateApplicationCommand({ applicationName: 'stack-payments', computePlatform: 'Lambda' }),
    );
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'stack-payments',
        deploymentGroupName: 'stack-payments',
        serviceRoleArn: roleArn,
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL', deploymentType: 'BLUE_GREEN' },
      }),
    );
  });
  afterAll(() => codedeploy?.destroy());

  test('creates a deployment of the group with an AppSpec from the live to the newest version', async () => {
    const [result] = await release({ port, log, now: FIXED_NOW }, manifest(canary), [canary]);
    expect(result).toMatchObject({ from: '1', to: '2', strategy: 'canary 10% / 5 min' });
    const { deploymentInfo } = await codedeploy.send(
      new GetDeploymentCommand({ deploymentId: result?.deploymentId as string }),
    );
    expect(deploymentInfo?.applicationName).toBe('stack-payments');
    expect(deploymentInfo?.deploymentGroupName).toBe('stack-payments');
    const appSpec = JSON.parse(deploymentInfo?.revision?.appSpecContent?.content ?? '{}');
    expect(appSpec).toEqual({
      version: 0,
      Resources: [
        {
          payments: {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: 'stack-payments', Alias: 'live', CurrentVersion: '1', TargetVersion: '2' },
          },
        },
      ],
    });
    expect(JSON.parse(appSpecFor(canary, '1', '2'))).toEqual(appSpec);
    // CodeDeploy, not the CLI, moves the alias; the way back is recorded before it starts.
    const alias = await aliasOf(canary.functionName);
    expect(alias.FunctionVersion).toBe('1');
    expect(parseRecord(alias.Description ?? '')).toMatchObject({
      kind: 'release',
      previous: '1',
      current: '2',
    });
  });

  test('a second release while that deployment has not ended is refused, naming it', async () => {
    const attempt = release({ port, log }, manifest(canary), [canary]);
    await expect(attempt).rejects.toThrow(DeploymentInProgressError);
    await expect(release({ port, log }, manifest(canary), [canary])).rejects.toThrow(
      /deployment \S+ of stack-payments is still in progress/,
    );
  });

  test('status shows the deployment and its alarm states', async () => {
    const [row] = await status({ port, log }, [canary]);
    expect(row?.deployment).toEqual({ id: expect.any(String), status: 'Created' });
    expect(row?.strategy).toBe('canary 10%/5min');
    // moto 5.2.5 does not speak the JSON protocol of CloudWatch SDK 3.1164 (HTTP 500): the row says so
    // instead of failing the whole status. Real alarm states are covered with the double (wait.test.ts).
    expect(row?.alarms).toEqual({});
    expect(row?.alarmError).toMatch(/^read alarm states: /);
  });
});
