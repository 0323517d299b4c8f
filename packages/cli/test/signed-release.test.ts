/**
 * [TM-SIGN-01] Code signing covers the zip, not the configuration. A principal with
 * lambda:UpdateFunctionConfiguration (or UpdateFunctionCode with another signed artifact) and
 * lambda:PublishVersion can publish a version that runs code the stack never deployed; `release` must
 * refuse it. Played against a real moto server over HTTP: the test stands in for Terraform (it creates
 * the function and publishes the version the stack's `release` output describes) and for the attacker.
 */
import { createHash } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { type MotoServer, startMotoServer } from '@secure-lambda/moto';
import { awsPort } from '../src/aws-port';
import { formatStatus, release, status } from '../src/commands';
import { CliErrorCode } from '../src/errors';
import type { ExpectedVersion, ReleaseManifest, ReleaseTarget } from '../src/manifest';
import { createLambdaRole, expectedFor, tinyZip } from './support';

const REGION = 'eu-west-1';
const NAME = 'stack-signed-api';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
/** The payload of the attack: code that runs before the handler, from configuration alone. */
const INJECTED = "--import=data:text/javascript,process.stdout.write('pwned')";
const DEPLOYED_ZIP = tinyZip('exports.handler = async () => "deployed";');
const OLDER_ZIP = tinyZip('exports.handler = async () => "older";');
const OTHER_ZIP = tinyZip('exports.handler = async () => "other signed artifact";');

let moto: MotoServer;
let lambda: LambdaClient;
let port: ReturnType<typeof awsPort>;
let roleArn: string;
let expected: ExpectedVersion;
const lines: string[] = [];
const log = (line: string) => lines.push(line);

const sha256Base64 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What Terraform applies: the configuration the stack's `release` output describes. */
function applied() {
  return {
    Runtime: 'nodejs22.x' as const,
    Role: roleArn,
    Handler: 'index.handler',
    MemorySize: 256,
    Timeout: 30,
    Environment: { Variables: { KEY_ARN } },
    Layers: [] as string[],
  };
}

/** The function as the stack's `release` output describes it (once beforeAll has "applied" the stack). */
const withExpected = (): ReleaseTarget => ({
  id: 'api',
  functionName: NAME,
  alias: 'live',
  strategy: { type: 'all-at-once' },
  expected,
});
const manifest = (): ReleaseManifest => ({
  stack: 'stack',
  region: REGION,
  accountId: '123456789012',
  functions: [withExpected()],
});

async function publish(): Promise<string> {
  return (await lambda.send(new PublishVersionCommand({ FunctionName: NAME }))).Version ?? '';
}

async function liveVersion(): Promise<string | undefined> {
  return (await lambda.send(new GetAliasCommand({ FunctionName: NAME, Name: 'live' }))).FunctionVersion;
}

/** The release must be refused; returns the typed error for the assertions. */
async function refused(): Promise<Error & { code?: string; differences?: readonly string[] }> {
  let outcome: unknown;
  try {
    outcome = await release({ port, log }, manifest(), [withExpected()]);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`release promoted a version it should have refused: ${JSON.stringify(outcome)}`);
}

beforeAll(async () => {
  moto = await startMotoServer({ region: REGION });
  const common = { endpoint: moto.endpoint, region: REGION, credentials: moto.credentials };
  lambda = new LambdaClient(common);
  roleArn = await createLambdaRole(common, 'signed-api-role');
  port = awsPort({ region: REGION, endpoint: moto.endpoint, credentials: moto.credentials });

  // An earlier deployment: version 1 behind live.
  const { Layers: _none, ...config } = applied();
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: NAME,
      ...config,
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      KMSKeyArn: KEY_ARN,
      Code: { ZipFile: OLDER_ZIP },
    }),
  );
  await publish();
  await lambda.send(new CreateAliasCommand({ FunctionName: NAME, Name: 'live', FunctionVersion: '1' }));
  // Terraform deploys the new signed bundle and publishes version 2: the release output describes it.
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: NAME, ZipFile: DEPLOYED_ZIP }));
  const version = await publish();
  expected = expectedFor(version, DEPLOYED_ZIP, {
    role: roleArn,
    memorySize: 256,
    timeout: 30,
    architectures: ['arm64'],
    environment: { KEY_ARN: sha256Hex(KEY_ARN) },
    kmsKeyArn: KEY_ARN,
    tracingMode: 'Active',
  });
}, 60_000);

afterAll(async () => {
  port?.destroy();
  lambda?.destroy();
  await moto?.stop();
});

beforeEach(() => {
  lines.length = 0;
});

describe('[TM-SIGN-01] release verifies a version against what the stack deployed (moto over HTTP)', () => {
  test('[TM-SIGN-01] a version published with an added NODE_OPTIONS=--import=data:... is refused, naming the variable and never its value', async () => {
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: NAME,
        Environment: { Variables: { KEY_ARN, NODE_OPTIONS: INJECTED } },
      }),
    );
    const version = await publish();
    expect(version).toBe('3');

    const error = await refused();
    expect(error).toMatchObject({ code: CliErrorCode.VERSION_NOT_VERIFIED, version: '3' });
    expect(error.differences).toEqual(['environment variable NODE_OPTIONS added']);
    expect(error.message).toMatch(/^release stack-signed-api: refused version 3 of stack-signed-api/);
    expect(`${error.message} ${lines.join('\n')}`).not.toContain('data:text/javascript');
    expect(`${error.message} ${lines.join('\n')}`).not.toContain('pwned');
    expect(await liveVersion()).toBe('1');
  });

  test('[TM-SIGN-01] a version whose code hash differs from the signed artifact the stack deployed is refused', async () => {
    // The attacker restores the configuration, so only the code differs: another artifact (a signed
    // bundle of another app, or an older signed release with a known flaw passes code signing too).
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: NAME, Environment: { Variables: { KEY_ARN } } }),
    );
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: NAME, ZipFile: OTHER_ZIP }));
    const version = await publish();
    expect(version).toBe('4');

    const error = await refused();
    expect(error).toMatchObject({ code: CliErrorCode.VERSION_NOT_VERIFIED, version: '4' });
    expect(error.differences).toEqual([
      `CodeSha256 is ${sha256Base64(OTHER_ZIP)}; the stack deployed ${sha256Base64(DEPLOYED_ZIP)}`,
    ]);
    expect(await liveVersion()).toBe('1');
  });

  test('[TM-SIGN-01] a version with a layer (code loaded from outside the signed zip) is refused', async () => {
    const layer = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: 'injected',
        Content: { ZipFile: tinyZip('module.exports = {};') },
        CompatibleRuntimes: ['nodejs22.x'],
      }),
    );
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: NAME, ZipFile: DEPLOYED_ZIP }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: NAME,
        Layers: [layer.LayerVersionArn ?? ''],
        Handler: 'other.handler',
      }),
    );
    const version = await publish();
    expect(version).toBe('5');

    const error = await refused();
    expect(error).toMatchObject({ code: CliErrorCode.VERSION_NOT_VERIFIED, version: '5' });
    expect(error.differences).toEqual([
      'handler is "other.handler"; the stack applied "index.handler"',
      `layers added: ${layer.LayerVersionArn}`,
    ]);
    expect(await liveVersion()).toBe('1');
  });

  test('[TM-SIGN-01] status says live is not the version the stack deployed while it serves an older one', async () => {
    const [row] = await status({ port, log }, [withExpected()]);
    expect(row).toMatchObject({ aliasVersion: '1', newestVersion: '5', verified: false });
    expect(row?.differences).toEqual([
      `CodeSha256 is ${sha256Base64(OLDER_ZIP)}; the stack deployed ${sha256Base64(DEPLOYED_ZIP)}`,
    ]);
    expect(formatStatus(row ? [row] : [])).toMatch(
      /^api .* 1 +NO: CodeSha256 is \S+; the stack deployed \S+ +5 /m,
    );
  });

  test('[TM-SIGN-01] a clean version (the code and configuration Terraform applied) is released and status shows live verified', async () => {
    // Terraform applies again: it puts back what the stack declares and publishes a version.
    const { Runtime, Role, Handler, MemorySize, Timeout, Environment, Layers } = applied();
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: NAME,
        Runtime,
        Role,
        Handler,
        MemorySize,
        Timeout,
        Environment,
        Layers,
      }),
    );
    const version = await publish();
    expect(version).toBe('6');

    const results = await release({ port, log }, manifest(), [withExpected()]);
    expect(results).toEqual([{ id: 'api', functionName: NAME, from: '1', to: '6', strategy: 'all-at-once' }]);
    expect(await liveVersion()).toBe('6');

    const [row] = await status({ port, log }, [withExpected()]);
    expect(row).toMatchObject({ aliasVersion: '6', verified: true, differences: [] });
    expect(formatStatus(row ? [row] : [])).toMatch(/^api +all-at-once +6 +yes +6 +1 /m);
  });
});
