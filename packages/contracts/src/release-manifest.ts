/**
 * The release manifest: the `release` output a platform stack writes (stacks/src/platform-stack.ts) and
 * `secure-lambda release | rollback | status | prune` reads. One document, two writers of code: the types
 * below are what both compile against, and {@link parseReleaseManifest} is the one strict reader.
 */
import { LOCAL_STACK_NAME, RELEASE_MANIFEST_FORMAT } from './constants';
import { ContractsErrorCode, ReleaseManifestError } from './errors';
import { StackOutput } from './stack-outputs';

/** How a function's new versions reach its alias. */
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

/** What a version must be for `release` to promote it (per function). */
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

/** CodeDeploy's part of a canary or linear release. */
export interface CodeDeployTarget {
  readonly application: string;
  readonly deploymentGroup: string;
  readonly alarms: readonly string[];
  /** Hook functions the AppSpec names (`BeforeAllowTraffic`, `AfterAllowTraffic`). */
  readonly hooks?: { readonly preTraffic?: string; readonly postTraffic?: string };
}

export interface ReleaseTarget {
  /** The app id in the stack (e.g. `crypto-api`). */
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  readonly strategy: Strategy;
  readonly codedeploy?: CodeDeployTarget;
  /** What a version must be for `release` to promote it. */
  readonly expected: ExpectedVersion;
}

/** The parsed manifest: the stack it came from, and its functions in output order. */
export interface ReleaseManifest {
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions: readonly ReleaseTarget[];
}

/**
 * The `release` output as a stack writes it (before Terraform resolves its references): what
 * `releaseManifest()` in stacks returns. Functions are keyed by app id.
 */
export interface ReleaseOutput {
  readonly format: typeof RELEASE_MANIFEST_FORMAT;
  readonly region: string;
  readonly accountId: string;
  readonly functions: Readonly<
    Record<
      string,
      {
        readonly functionName: string;
        readonly alias: string;
        readonly strategy: Strategy;
        readonly codedeploy?: CodeDeployTarget;
        readonly expected: ExpectedVersion;
      }
    >
  >;
}

/** Base64 of a SHA-256 digest: 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function missing(stack: string, what: string): ReleaseManifestError {
  return new ReleaseManifestError(
    ContractsErrorCode.RELEASE_OUTPUT_MISSING,
    `${what}. Deploy the stack first (npx cdktf deploy ${stack}, or npm run deploy:local for ${LOCAL_STACK_NAME}), ` +
      'or pass --outputs FILE with the output of `terraform output -json`.',
  );
}

function invalid(stack: string, what: string): ReleaseManifestError {
  return new ReleaseManifestError(
    ContractsErrorCode.RELEASE_MANIFEST_INVALID,
    `${what}. Deploy the stack again from the same commit as this CLI (npx cdktf deploy ${stack}): its ` +
      'release output says what each function is and what a version must be.',
  );
}

/**
 * Parses `terraform output -json` of a platform stack into the release manifest. Checks the format, so
 * that a stack from another version of the platform is refused with a clear message rather than
 * half-understood, and every field's type: a field of the wrong type would otherwise compare unequal to
 * every version (refusing all releases) or, worse, be skipped.
 *
 * @throws {ReleaseManifestError} `RELEASE_OUTPUT_MISSING`, `RELEASE_FORMAT_UNSUPPORTED` or
 *   `RELEASE_MANIFEST_INVALID`, naming the field.
 * @example
 * ```ts
 * const manifest = parseReleaseManifest('secure-lambda-dev', JSON.parse(readFileSync('outputs.json', 'utf8')));
 * manifest.functions.map((fn) => fn.functionName);
 * ```
 */
export function parseReleaseManifest(stack: string, outputs: unknown): ReleaseManifest {
  const entry = isObject(outputs) ? outputs[StackOutput.RELEASE] : undefined;
  const release = isObject(entry) ? entry.value : undefined;
  if (!isObject(release)) throw missing(stack, `the outputs of ${stack} have no "release" output`);
  if (release.format !== RELEASE_MANIFEST_FORMAT) {
    throw new ReleaseManifestError(
      ContractsErrorCode.RELEASE_FORMAT_UNSUPPORTED,
      `the "release" output of ${stack} has format ${JSON.stringify(release.format)}; this CLI reads format ` +
        `${RELEASE_MANIFEST_FORMAT}. Use the CLI from the same commit as the stack, and deploy the stack from that ` +
        'commit: format 1 does not say what a version must be, so a release from it could not be verified.',
    );
  }
  if (typeof release.region !== 'string' || !isObject(release.functions)) {
    throw missing(stack, `the "release" output of ${stack} lacks region or functions`);
  }
  if (
    release.accountId !== undefined &&
    release.accountId !== null &&
    typeof release.accountId !== 'string'
  ) {
    throw invalid(stack, `the "release" output of ${stack} has an accountId that is not a string`);
  }
  const functions = Object.entries(release.functions).map(([id, fn]): ReleaseTarget => {
    const where = `function ${id} in the "release" output of ${stack}`;
    if (
      !isObject(fn) ||
      typeof fn.functionName !== 'string' ||
      typeof fn.alias !== 'string' ||
      !isObject(fn.strategy)
    ) {
      throw missing(stack, `${where} is incomplete`);
    }
    const codedeploy =
      fn.codedeploy === undefined || fn.codedeploy === null
        ? undefined
        : parseCodeDeploy(stack, where, fn.codedeploy);
    return {
      id,
      functionName: fn.functionName,
      alias: fn.alias,
      strategy: parseStrategy(stack, where, fn.strategy),
      ...(codedeploy ? { codedeploy } : {}),
      expected: parseExpected(where, fn.expected),
    };
  });
  return { stack, region: release.region, accountId: release.accountId ?? '', functions };
}

/**
 * Terraform writes the numbers of an object output as strings when it unifies a map's element types:
 * a whole number may come as `"10"`.
 */
function wholeNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function parseStrategy(stack: string, where: string, raw: Json): Strategy {
  if (raw.type === 'all-at-once') return { type: 'all-at-once' };
  if (raw.type !== 'canary' && raw.type !== 'linear') {
    throw invalid(
      stack,
      `${where}: strategy.type ${JSON.stringify(raw.type)} is not all-at-once, canary or linear`,
    );
  }
  const percent = wholeNumber(raw.percent);
  const minutes = wholeNumber(raw.minutes);
  if (percent === undefined || percent < 1 || percent > 100 || minutes === undefined || minutes < 1) {
    throw invalid(stack, `${where}: a ${raw.type} strategy needs a whole percent (1-100) and minutes (>= 1)`);
  }
  return { type: raw.type, percent, minutes };
}

function parseCodeDeploy(stack: string, where: string, raw: unknown): CodeDeployTarget {
  if (!isObject(raw) || typeof raw.application !== 'string' || typeof raw.deploymentGroup !== 'string') {
    throw invalid(stack, `${where}: codedeploy needs an application and a deploymentGroup`);
  }
  const alarms = raw.alarms ?? [];
  if (!Array.isArray(alarms) || !alarms.every((a) => typeof a === 'string')) {
    throw invalid(stack, `${where}: codedeploy.alarms is not a list of alarm names`);
  }
  const hooks = raw.hooks ?? undefined;
  if (hooks !== undefined && !isObject(hooks))
    throw invalid(stack, `${where}: codedeploy.hooks is not an object`);
  const hook = (name: 'preTraffic' | 'postTraffic'): { [k: string]: string } => {
    const value = hooks?.[name];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'string' || value === '') {
      throw invalid(stack, `${where}: codedeploy.hooks.${name} is not a function name`);
    }
    return { [name]: value };
  };
  return {
    application: raw.application,
    deploymentGroup: raw.deploymentGroup,
    alarms: alarms as string[],
    ...(hooks !== undefined ? { hooks: { ...hook('preTraffic'), ...hook('postTraffic') } } : {}),
  };
}

/**
 * Reads the `expected` block strictly. Terraform writes an attribute that is not set (no layers, no key)
 * as null: that reads as '' or [].
 */
function parseExpected(where: string, raw: unknown): ExpectedVersion {
  const bad = (what: string) =>
    new ReleaseManifestError(
      ContractsErrorCode.RELEASE_MANIFEST_INVALID,
      `${where}: expected.${what}. Deploy the stack again from the same commit as this CLI ` +
        '(its release output says what a version must be).',
    );
  if (!isObject(raw)) throw bad('is missing');
  const c = isObject(raw.configuration) ? raw.configuration : null;
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
    const n = wholeNumber(value);
    if (n === undefined) throw bad(`${name} is not a whole number`);
    return n;
  };
  const codeSha256 = text('codeSha256', raw.codeSha256, true);
  if (!BASE64_SHA256.test(codeSha256)) throw bad('codeSha256 is not a base64 SHA-256');
  const environment = c.environment ?? {};
  if (!isObject(environment)) throw bad('environment is not a map');
  for (const [name, hash] of Object.entries(environment)) {
    if (typeof hash !== 'string' || !HEX_SHA256.test(hash))
      throw bad(`environment.${name} is not a hex SHA-256`);
  }
  return {
    version: text('version', raw.version, true),
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
