import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FunctionNotFoundError, OutputsMissingError } from './errors';

/** How a function's new versions reach its alias (stacks' `release` output). */
export type Strategy =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary' | 'linear'; readonly percent: number; readonly minutes: number };

/**
 * Everything about a version that decides what code runs and with what privilege, in one comparable
 * form: what the stack's `release` output says Terraform applied, and what Lambda reports for a version.
 * Environment values never appear, only the hex SHA-256 of each: the output is printed by `terraform
 * apply`, and a value may be a secret.
 */
export interface FunctionConfiguration {
  readonly packageType: string;
  readonly runtime: string;
  readonly handler: string;
  readonly role: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly architectures: readonly string[];
  /** Variable name → hex SHA-256 of its value (UTF-8). */
  readonly environment: Readonly<Record<string, string>>;
  /** The key that encrypts the environment; '' for Lambda's own key. */
  readonly kmsKeyArn: string;
  /** Layer version ARNs, in order. */
  readonly layers: readonly string[];
  readonly tracingMode: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly ephemeralStorageMb: number;
  /** `<access point ARN> at <mount path>` per file system. */
  readonly fileSystems: readonly string[];
  /** JSON of a container image's entry point, command and working directory; '' for a zip. */
  readonly imageConfig: string;
  /** The Signer profile version and job that signed the code; '' when unsigned. */
  readonly signingProfileVersionArn: string;
  readonly signingJobArn: string;
}

/** What `release` compares a version against (stacks' `release` output, per function). */
export interface ExpectedVersion {
  /** The version Terraform published last. Shown, not required: any version identical to it is fine. */
  readonly version: string;
  /**
   * Base64 SHA-256 of the deployed zip as Lambda reports it (`CodeSha256`). With code signing it is the
   * signed object's hash, which only Lambda computes: the stack reads it from the function after apply.
   */
  readonly codeSha256: string;
  readonly configuration: FunctionConfiguration;
}

export interface ReleaseTarget {
  /** The app id in the stack (e.g. `crypto-api`). */
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  readonly strategy: Strategy;
  readonly codedeploy?: {
    readonly application: string;
    readonly deploymentGroup: string;
    readonly alarms: readonly string[];
    /** Hook functions the AppSpec names (`BeforeAllowTraffic`, `AfterAllowTraffic`). */
    readonly hooks?: { readonly preTraffic?: string; readonly postTraffic?: string };
  };
  /** What a version must be for `release` to promote it. */
  readonly expected: ExpectedVersion;
}

export interface ReleaseManifest {
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions: readonly ReleaseTarget[];
}

/** The format of the `release` output this CLI reads (2 added `expected`). */
export const MANIFEST_FORMAT = 2;

/** The repository root (this file runs from packages/cli/dist or packages/cli/src). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The local stack lives under `.local/` (see packages/local-aws). */
export const LOCAL_STACK = 'secure-lambda-local';

/** Where `cdktf synth` (or deploy:local) put a stack: terraform runs there and knows its outputs. */
export function stackDirectory(stack: string, root = REPO_ROOT): string {
  return stack === LOCAL_STACK
    ? path.join(root, '.local', 'cdktf.out', 'stacks', stack)
    : path.join(root, 'cdktf.out', 'stacks', stack);
}

function problem(stack: string, what: string): OutputsMissingError {
  return new OutputsMissingError(
    `${what}. Deploy the stack first (npx cdktf deploy ${stack}, or npm run deploy:local for ${LOCAL_STACK}), ` +
      'or pass --outputs FILE with the output of `terraform output -json`.',
  );
}

/**
 * Parses `terraform output -json` into the release manifest. Checks the format so that a stack from
 * another version of the platform is refused with a clear message rather than half-understood.
 *
 * @example
 * parseManifest('secure-lambda-dev', JSON.parse(readFileSync('outputs.json', 'utf8')));
 */
export function parseManifest(stack: string, outputs: unknown): ReleaseManifest {
  const release = (outputs as Record<string, { value?: unknown }> | null)?.release?.value as
    | { format?: unknown; region?: unknown; accountId?: unknown; functions?: unknown }
    | undefined;
  if (!release) throw problem(stack, `the outputs of ${stack} have no "release" output`);
  if (release.format !== MANIFEST_FORMAT) {
    throw new OutputsMissingError(
      `the "release" output of ${stack} has format ${JSON.stringify(release.format)}; this CLI reads format ` +
        `${MANIFEST_FORMAT}. Use the CLI from the same commit as the stack, and deploy the stack from that ` +
        'commit: format 1 does not say what a version must be, so a release from it could not be verified.',
    );
  }
  if (
    typeof release.region !== 'string' ||
    typeof release.functions !== 'object' ||
    release.functions === null
  ) {
    throw problem(stack, `the "release" output of ${stack} lacks region or functions`);
  }
  const functions = Object.entries(release.functions as Record<string, Record<string, unknown>>).map(
    ([id, fn]): ReleaseTarget => {
      if (
        typeof fn.functionName !== 'string' ||
        typeof fn.alias !== 'string' ||
        typeof fn.strategy !== 'object'
      ) {
        throw problem(stack, `function ${id} in the "release" output of ${stack} is incomplete`);
      }
      const codedeploy = fn.codedeploy as ReleaseTarget['codedeploy'];
      return {
        id,
        functionName: fn.functionName,
        alias: fn.alias,
        strategy: fn.strategy as Strategy,
        ...(codedeploy ? { codedeploy } : {}),
        expected: parseExpected(`function ${id} in the "release" output of ${stack}`, fn.expected),
      };
    },
  );
  return { stack, region: release.region, accountId: String(release.accountId ?? ''), functions };
}

/** Base64 of a SHA-256 digest: 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Reads the `expected` block strictly: a field of the wrong type would otherwise compare unequal to
 * every version (refusing all releases) or, worse, be skipped. Terraform writes an attribute that is
 * not set (no layers, no key) as null: that reads as '' or [].
 */
function parseExpected(where: string, raw: unknown): ExpectedVersion {
  const bad = (what: string) =>
    new OutputsMissingError(
      `${where}: expected.${what}. Deploy the stack again from the same commit as this CLI ` +
        '(its release output says what a version must be).',
    );
  if (typeof raw !== 'object' || raw === null) throw bad('is missing');
  const e = raw as Record<string, unknown>;
  const c = (
    typeof e.configuration === 'object' && e.configuration !== null ? e.configuration : null
  ) as Record<string, unknown> | null;
  if (!c) throw bad('configuration is missing');
  const text = (name: string, value: unknown, required: boolean): string => {
    if (value === null || value === undefined) {
      if (required) throw bad(`${name} is missing`);
      return '';
    }
    if (typeof value !== 'string' || (required && value === '')) throw bad(`${name} is not a string`);
    return value;
  };
  const list = (name: string, value: unknown): readonly string[] => {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw bad(`${name} is not a list of strings`);
    return value as string[];
  };
  const whole = (name: string, value: unknown): number => {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(`${name} is not a whole number`);
    return n;
  };
  const codeSha256 = text('codeSha256', e.codeSha256, true);
  if (!BASE64_SHA256.test(codeSha256)) throw bad('codeSha256 is not a base64 SHA-256');
  const environment = (c.environment ?? {}) as Record<string, unknown>;
  if (typeof environment !== 'object' || Array.isArray(environment)) throw bad('environment is not a map');
  for (const [name, hash] of Object.entries(environment)) {
    if (typeof hash !== 'string' || !HEX_SHA256.test(hash))
      throw bad(`environment.${name} is not a hex SHA-256`);
  }
  return {
    version: text('version', e.version, true),
    codeSha256,
    configuration: {
      packageType: text('packageType', c.packageType, true),
      runtime: text('runtime', c.runtime, true),
      handler: text('handler', c.handler, true),
      role: text('role', c.role, true),
      memorySize: whole('memorySize', c.memorySize),
      timeout: whole('timeout', c.timeout),
      architectures: list('architectures', c.architectures),
      environment: environment as Record<string, string>,
      kmsKeyArn: text('kmsKeyArn', c.kmsKeyArn, false),
      layers: list('layers', c.layers),
      tracingMode: text('tracingMode', c.tracingMode, true),
      subnetIds: list('subnetIds', c.subnetIds),
      securityGroupIds: list('securityGroupIds', c.securityGroupIds),
      ephemeralStorageMb: whole('ephemeralStorageMb', c.ephemeralStorageMb),
      fileSystems: list('fileSystems', c.fileSystems),
      imageConfig: text('imageConfig', c.imageConfig, false),
      signingProfileVersionArn: text('signingProfileVersionArn', c.signingProfileVersionArn, false),
      signingJobArn: text('signingJobArn', c.signingJobArn, false),
    },
  };
}

/**
 * The release manifest of a stack: from `--outputs FILE`, else `terraform output -json` in the stack's
 * synthesized folder.
 */
export function readManifest(
  stack: string,
  options: { outputsFile?: string; root?: string } = {},
): ReleaseManifest {
  if (options.outputsFile) {
    if (!existsSync(options.outputsFile)) throw problem(stack, `${options.outputsFile} does not exist`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(options.outputsFile, 'utf8'));
    } catch (error) {
      throw new OutputsMissingError(`${options.outputsFile} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return parseManifest(stack, parsed);
  }
  const dir = stackDirectory(stack, options.root);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) throw problem(stack, `${dir} holds no synthesized stack`);
  const result = spawnSync('terraform', ['output', '-json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) {
    throw new OutputsMissingError(`could not run terraform (${result.error.message}); is it on PATH?`, {
      cause: result.error,
    });
  }
  if (result.status !== 0) throw problem(stack, `terraform output failed in ${dir}: ${result.stderr.trim()}`);
  const parsed = JSON.parse(result.stdout || '{}') as Record<string, unknown>;
  if (Object.keys(parsed).length === 0) throw problem(stack, `${stack} has no outputs in its state yet`);
  return parseManifest(stack, parsed);
}

/** The functions a command acts on: all, or the one named by app id or function name. */
export function selectFunctions(
  manifest: ReleaseManifest,
  name: string | undefined,
): readonly ReleaseTarget[] {
  if (name === undefined) return manifest.functions;
  const found = manifest.functions.filter((fn) => fn.id === name || fn.functionName === name);
  if (found.length === 0) {
    throw new FunctionNotFoundError(
      'select function',
      `${manifest.stack} has no function ${name}; it has ${manifest.functions.map((f) => f.id).join(', ')}.`,
    );
  }
  return found;
}
