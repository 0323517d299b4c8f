/** Stable codes of the CLI's errors: scripts can branch on them. */
export const CliErrorCode = {
  USAGE: 'USAGE',
  NO_CREDENTIALS: 'NO_CREDENTIALS',
  OUTPUTS_MISSING: 'OUTPUTS_MISSING',
  LOCAL_EMULATOR_INVALID: 'LOCAL_EMULATOR_INVALID',
  FUNCTION_NOT_FOUND: 'FUNCTION_NOT_FOUND',
  ALIAS_NOT_FOUND: 'ALIAS_NOT_FOUND',
  NOTHING_TO_RELEASE: 'NOTHING_TO_RELEASE',
  DEPLOYMENT_IN_PROGRESS: 'DEPLOYMENT_IN_PROGRESS',
  NO_PREVIOUS_VERSION: 'NO_PREVIOUS_VERSION',
  ACCESS_DENIED: 'ACCESS_DENIED',
  THROTTLED: 'THROTTLED',
  ROLLED_BACK: 'ROLLED_BACK',
  VERSION_NOT_VERIFIED: 'VERSION_NOT_VERIFIED',
  AWS_FAILURE: 'AWS_FAILURE',
} as const;

export type CliErrorCodeValue = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/**
 * Base class of every error of `secure-lambda`. The message names the step that failed and says what to
 * do next; `code` is stable.
 */
export class CliError extends Error {
  readonly code: CliErrorCodeValue;
  readonly step: string;

  constructor(code: CliErrorCodeValue, step: string, message: string, options?: ErrorOptions) {
    super(`${step}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.step = step;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(CliErrorCode.USAGE, 'parse arguments', message);
  }
}

export class NoCredentialsError extends CliError {
  constructor(step: string, options?: ErrorOptions) {
    super(
      CliErrorCode.NO_CREDENTIALS,
      step,
      'no AWS credentials found. Sign in (e.g. `aws sso login` with AWS_PROFILE set) or export credentials for ' +
        "the stack's account, then retry.",
      options,
    );
  }
}

export class OutputsMissingError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(CliErrorCode.OUTPUTS_MISSING, 'read stack outputs', message, options);
  }
}

/** The deploy:local emulator record is unreadable or points anywhere but 127.0.0.1: refused, not followed. */
export class LocalEmulatorError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(CliErrorCode.LOCAL_EMULATOR_INVALID, 'read local emulator', message, options);
  }
}

export class FunctionNotFoundError extends CliError {
  constructor(step: string, message: string, options?: ErrorOptions) {
    super(CliErrorCode.FUNCTION_NOT_FOUND, step, message, options);
  }
}

export class AliasNotFoundError extends CliError {
  constructor(step: string, message: string, options?: ErrorOptions) {
    super(CliErrorCode.ALIAS_NOT_FOUND, step, message, options);
  }
}

export class NothingToReleaseError extends CliError {
  constructor(functionName: string, alias: string, version: string) {
    super(
      CliErrorCode.NOTHING_TO_RELEASE,
      `release ${functionName}`,
      `${functionName}:${alias} already points at the newest published version (${version}). Deploy new code ` +
        '(cdktf deploy / npm run deploy:local) to publish a version first.',
    );
  }
}

export class DeploymentInProgressError extends CliError {
  constructor(step: string, functionName: string, deploymentId: string) {
    super(
      CliErrorCode.DEPLOYMENT_IN_PROGRESS,
      step,
      `deployment ${deploymentId} of ${functionName} is still in progress. Wait for it (secure-lambda status), ` +
        'or stop it with `secure-lambda rollback`.',
    );
  }
}

export class NoPreviousVersionError extends CliError {
  constructor(functionName: string, alias: string, detail: string) {
    super(
      CliErrorCode.NO_PREVIOUS_VERSION,
      `rollback ${functionName}`,
      `no previous version of ${functionName}:${alias} is recorded (${detail}). Only a release made with ` +
        '`secure-lambda release` records one; to pick a version by hand, update the alias yourself.',
    );
  }
}

export class AccessDeniedError extends CliError {
  constructor(step: string, detail: string, options?: ErrorOptions) {
    super(
      CliErrorCode.ACCESS_DENIED,
      step,
      `access denied (${detail}). The caller needs the release permissions on this function: lambda:GetAlias, ` +
        'lambda:UpdateAlias, lambda:ListVersionsByFunction, lambda:ListAliases, lambda:GetFunctionConfiguration ' +
        '(to verify a version before it is released), and lambda:DeleteFunction to ' +
        'prune; codedeploy:CreateDeployment, GetDeployment, ListDeployments, StopDeployment and ' +
        'cloudwatch:DescribeAlarms for CodeDeploy releases.',
      options,
    );
  }
}

export class ThrottledError extends CliError {
  constructor(step: string, attempts: number, options?: ErrorOptions) {
    super(
      CliErrorCode.THROTTLED,
      step,
      `AWS kept throttling the request after ${attempts} attempts with backoff. Wait a minute and retry.`,
      options,
    );
  }
}

/** A CodeDeploy release that was stopped and rolled back; names the alarm or hook that caused it. */
export class ReleaseRolledBackError extends CliError {
  readonly deploymentId: string;
  readonly culprits: { readonly alarms: readonly string[]; readonly hooks: readonly string[] };

  constructor(
    functionName: string,
    deploymentId: string,
    why: { alarms: readonly string[]; hooks: readonly string[]; message: string },
  ) {
    const culprit = [
      ...why.alarms.map((alarm) => `alarm ${alarm}`),
      ...why.hooks.map((hook) => `hook ${hook}`),
    ].join(', ');
    super(
      CliErrorCode.ROLLED_BACK,
      `release ${functionName}`,
      `deployment ${deploymentId} was rolled back${culprit ? ` by ${culprit}` : ''}: ${why.message}. The alias ` +
        'serves the previous version again; fix the cause and release again.',
    );
    this.deploymentId = deploymentId;
    this.culprits = { alarms: why.alarms, hooks: why.hooks };
  }
}

/**
 * A version that is not what the stack deployed: another code hash, or a configuration that changes what
 * code runs or with what privilege (environment, layers, handler, runtime, role, ...). Code signing does
 * not cover configuration, so this is the check that does. `differences` names each one; environment
 * variables by name only, never by value.
 */
export class VersionNotVerifiedError extends CliError {
  readonly functionName: string;
  readonly version: string;
  readonly differences: readonly string[];

  constructor(functionName: string, version: string, differences: readonly string[]) {
    super(
      CliErrorCode.VERSION_NOT_VERIFIED,
      `release ${functionName}`,
      `refused version ${version} of ${functionName}: it is not what the stack deployed (${differences.join('; ')}). ` +
        'Nothing was changed. Publish versions only by deploying the stack (cdktf deploy), which puts back the ' +
        `configuration it declares; if nobody meant to publish version ${version}, treat it as an incident: ` +
        "CloudTrail's UpdateFunctionConfiguration, UpdateFunctionCode and PublishVersion events name who did.",
    );
    this.functionName = functionName;
    this.version = version;
    this.differences = differences;
  }
}

export class AwsFailureError extends CliError {
  constructor(step: string, message: string, options?: ErrorOptions) {
    super(CliErrorCode.AWS_FAILURE, step, message, options);
  }
}

/** The SDK's view of an error: its name and HTTP status. */
function sdkError(error: unknown): { name: string; status?: number; attempts?: number; message: string } {
  const e = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    ...(e?.$metadata?.httpStatusCode !== undefined ? { status: e.$metadata.httpStatusCode } : {}),
    ...(e?.$metadata?.attempts !== undefined ? { attempts: e.$metadata.attempts } : {}),
  };
}

/**
 * Maps an AWS SDK error to the CLI's typed errors. `notFound` says what a ResourceNotFound means in this
 * step (a function or an alias).
 *
 * @example
 * try { await lambda.send(new GetAliasCommand(...)); } catch (e) { throw toCliError(e, 'read alias', ...); }
 */
export function toCliError(error: unknown, step: string, notFound?: () => CliError): CliError {
  if (error instanceof CliError) return error;
  const { name, status, attempts, message } = sdkError(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new NoCredentialsError(step, { cause: error });
  }
  if (name === 'ResourceNotFoundException' && notFound) return notFound();
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(name) || status === 403) {
    return new AccessDeniedError(step, `${name}: ${message}`, { cause: error });
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded/.test(name) || status === 429) {
    return new ThrottledError(step, attempts ?? 1, { cause: error });
  }
  return new AwsFailureError(step, `${name}: ${message}`, { cause: error });
}
