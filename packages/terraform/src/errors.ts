/** Stable codes of the package's errors: callers branch on them, never on the message. */
export const TerraformErrorCode = {
  /** A command-line option is unknown or has a bad value. */
  USAGE: 'USAGE',
  /** A program (terraform, checkov) could not be started at all. */
  PROCESS_START_FAILED: 'PROCESS_START_FAILED',
  /** No filesystem mirror holds the AWS provider. */
  MIRROR_NOT_FOUND: 'MIRROR_NOT_FOUND',
  /** SECURE_LAMBDA_TF_MIRROR names a folder without the provider. */
  MIRROR_INVALID: 'MIRROR_INVALID',
  /** Terraform ships no provider build for this OS or CPU. */
  UNSUPPORTED_PLATFORM: 'UNSUPPORTED_PLATFORM',
  /** A step of the plan lane failed for a stack (or before any stack). */
  PLAN_FAILED: 'PLAN_FAILED',
  CHECKOV_NOT_INSTALLED: 'CHECKOV_NOT_INSTALLED',
  CHECKOV_CRASHED: 'CHECKOV_CRASHED',
  CHECKOV_TIMEOUT: 'CHECKOV_TIMEOUT',
  /** Nothing to scan, or checkov ran no checks over it. */
  NOTHING_SCANNED: 'NOTHING_SCANNED',
  INVALID_SKIP_FILE: 'INVALID_SKIP_FILE',
} as const;

export type TerraformErrorCodeValue = (typeof TerraformErrorCode)[keyof typeof TerraformErrorCode];

/**
 * Base class of every error of `@secure-lambda/terraform`. The message says what is wrong and what to do.
 *
 * @example
 * ```ts
 * try {
 *   prepareTerraform();
 * } catch (error) {
 *   if (error instanceof TerraformError && error.code === TerraformErrorCode.MIRROR_NOT_FOUND) ...
 * }
 * ```
 */
export class TerraformError extends Error {
  readonly code: TerraformErrorCodeValue;

  constructor(code: TerraformErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad command line; the message ends with the command's usage. */
export class UsageError extends TerraformError {
  constructor(message: string, options?: ErrorOptions) {
    super(TerraformErrorCode.USAGE, message, options);
  }
}

/** `spawn` failed: the program is not on PATH, not executable, or the working directory is missing. */
export class ProcessStartError extends TerraformError {
  readonly command: string;

  constructor(command: string, message: string, options?: ErrorOptions) {
    super(TerraformErrorCode.PROCESS_START_FAILED, message, options);
    this.command = command;
  }
}

/** The provider mirror or the CLI config cannot be set up. */
export class TerraformConfigError extends TerraformError {
  constructor(
    code:
      | typeof TerraformErrorCode.MIRROR_NOT_FOUND
      | typeof TerraformErrorCode.MIRROR_INVALID
      | typeof TerraformErrorCode.UNSUPPORTED_PLATFORM,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * A step of the offline plan lane failed. The message names the step and the stack:
 * `step "terraform validate" failed for stack secure-lambda-dev: ...`.
 */
export class PlanError extends TerraformError {
  /** What was running: "find stacks", "terraform init", "terraform validate", ... */
  readonly step: string;
  /** The stack it ran for (not `stack`: that is the Error's stack trace). */
  readonly stackName: string | undefined;
  /** Terraform's full output, when a terraform step failed. */
  readonly output: string | undefined;

  constructor(
    step: string,
    stack: string | undefined,
    message: string,
    options: ErrorOptions & { readonly output?: string } = {},
  ) {
    super(
      TerraformErrorCode.PLAN_FAILED,
      stack ? `step "${step}" failed for stack ${stack}: ${message}` : `step "${step}" failed: ${message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.step = step;
    this.stackName = stack;
    this.output = options.output;
  }
}

/** checkov could not give a trustworthy result, or the skip file is not what the lane reads. */
export class CheckovError extends TerraformError {
  constructor(
    code:
      | typeof TerraformErrorCode.CHECKOV_NOT_INSTALLED
      | typeof TerraformErrorCode.CHECKOV_CRASHED
      | typeof TerraformErrorCode.CHECKOV_TIMEOUT
      | typeof TerraformErrorCode.NOTHING_SCANNED
      | typeof TerraformErrorCode.INVALID_SKIP_FILE,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
