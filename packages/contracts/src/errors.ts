/** Stable codes of the contracts' errors: callers branch on them, never on the message. */
export const ContractsErrorCode = {
  /** The stack's outputs have no `release` output (not deployed, or not a secure-lambda stack). */
  RELEASE_OUTPUT_MISSING: 'RELEASE_OUTPUT_MISSING',
  /** The `release` output is of a format this version does not read. */
  RELEASE_FORMAT_UNSUPPORTED: 'RELEASE_FORMAT_UNSUPPORTED',
  /** The `release` output has the right format but a field is missing or of the wrong type. */
  RELEASE_MANIFEST_INVALID: 'RELEASE_MANIFEST_INVALID',
  /** `terraform output -json` lacks an output the reader needs, or it has the wrong type. */
  STACK_OUTPUT_INVALID: 'STACK_OUTPUT_INVALID',
  /** The local emulator's record (`emulator.json`) is not what `deploy:local` writes. */
  EMULATOR_RECORD_INVALID: 'EMULATOR_RECORD_INVALID',
  /** A plan (`terraform show -json`) whose resource changes cannot be counted. */
  PLAN_CHANGES_INVALID: 'PLAN_CHANGES_INVALID',
  /** A Function URL event asked for with a URL that is not a Function URL. */
  FUNCTION_URL_EVENT_INVALID: 'FUNCTION_URL_EVENT_INVALID',
  /** A function declaration (`apps/<name>/function.ts`) is not what the platform accepts. */
  FUNCTION_DECLARATION_INVALID: 'FUNCTION_DECLARATION_INVALID',
} as const;

export type ContractsErrorCodeValue = (typeof ContractsErrorCode)[keyof typeof ContractsErrorCode];

/**
 * Base class of every error of `@secure-lambda/contracts`: a document one package wrote and another reads
 * is not what the contract says. The message names the document and the field, and says what to do next.
 *
 * @example
 * ```ts
 * try {
 *   parseReleaseManifest('secure-lambda-dev', outputs);
 * } catch (error) {
 *   if (error instanceof ContractsError && error.code === ContractsErrorCode.RELEASE_FORMAT_UNSUPPORTED) ...
 * }
 * ```
 */
export class ContractsError extends Error {
  readonly code: ContractsErrorCodeValue;

  constructor(code: ContractsErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The `release` output of a stack is missing, of another format, or malformed. */
export class ReleaseManifestError extends ContractsError {
  constructor(
    code:
      | typeof ContractsErrorCode.RELEASE_OUTPUT_MISSING
      | typeof ContractsErrorCode.RELEASE_FORMAT_UNSUPPORTED
      | typeof ContractsErrorCode.RELEASE_MANIFEST_INVALID,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A stack output a reader needs is missing or has the wrong type. */
export class StackOutputsError extends ContractsError {
  constructor(message: string, options?: ErrorOptions) {
    super(ContractsErrorCode.STACK_OUTPUT_INVALID, message, options);
  }
}

/** The emulator record is unreadable, or names something `deploy:local` never starts. */
export class EmulatorRecordError extends ContractsError {
  constructor(message: string, options?: ErrorOptions) {
    super(ContractsErrorCode.EMULATOR_RECORD_INVALID, message, options);
  }
}

/** A plan's resource changes are not in `terraform show -json` form. */
export class PlanChangesError extends ContractsError {
  constructor(message: string, options?: ErrorOptions) {
    super(ContractsErrorCode.PLAN_CHANGES_INVALID, message, options);
  }
}

/** A Function URL event builder was given something that is not a Function URL. */
export class FunctionUrlEventError extends ContractsError {
  constructor(message: string, options?: ErrorOptions) {
    super(ContractsErrorCode.FUNCTION_URL_EVENT_INVALID, message, options);
  }
}
