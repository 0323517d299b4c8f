/**
 * Typed errors of `@secure-lambda/review`. Every error is a `ReviewError` with a stable `code`; the CLI
 * turns each of them into exit code 2 ("bad input") and prints the message, which says what to do next.
 * Findings are not errors: a plan that would weaken security is reviewed normally and exits 1.
 */

export const ReviewErrorCode = {
  /** The file could not be read (missing, a directory where a file was expected, no permission). */
  UNREADABLE_FILE: 'UNREADABLE_FILE',
  /** The file is not JSON at all, e.g. the binary plan file instead of `terraform show -json` output. */
  NOT_JSON: 'NOT_JSON',
  /** The file is JSON but not a plan: a state file, a configuration, some other document. */
  NOT_A_PLAN: 'NOT_A_PLAN',
  /** A plan whose `format_version` major this reviewer does not read. */
  UNSUPPORTED_FORMAT_VERSION: 'UNSUPPORTED_FORMAT_VERSION',
  /** A folder was given (or the default one was used) and it holds no plan files. */
  NO_PLANS: 'NO_PLANS',
  /** A command-line option is unknown or has a bad value. */
  USAGE: 'USAGE',
  /** The report could not be written to `--out`. */
  WRITE_FAILED: 'WRITE_FAILED',
  /** The accepted-risks file (`.secure-lambda-review.json` or `--accepted FILE`) is not valid. */
  ACCEPTED_RISKS_INVALID: 'ACCEPTED_RISKS_INVALID',
} as const;

export type ReviewErrorCodeValue = (typeof ReviewErrorCode)[keyof typeof ReviewErrorCode];

/**
 * Base class: catch this to handle every error the reviewer throws on purpose.
 *
 * @example
 * try {
 *   loadPlanFile('tfplan');
 * } catch (error) {
 *   if (error instanceof ReviewError && error.code === ReviewErrorCode.NOT_JSON) console.error(error.message);
 * }
 */
export class ReviewError extends Error {
  readonly code: ReviewErrorCodeValue;

  constructor(code: ReviewErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A plan file that could not be read from disk. */
export class UnreadableFileError extends ReviewError {
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(ReviewErrorCode.UNREADABLE_FILE, message, options);
    this.file = file;
  }
}

/** A file that is not JSON. */
export class NotJsonError extends ReviewError {
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(ReviewErrorCode.NOT_JSON, message, options);
    this.file = file;
  }
}

/** JSON that is not `terraform show -json` output of a saved plan. */
export class NotAPlanError extends ReviewError {
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(ReviewErrorCode.NOT_A_PLAN, message, options);
    this.file = file;
  }
}

/** A plan in a JSON format version this reviewer does not understand. */
export class UnsupportedFormatVersionError extends ReviewError {
  readonly file: string;
  readonly formatVersion: string;

  constructor(file: string, formatVersion: string, message: string) {
    super(ReviewErrorCode.UNSUPPORTED_FORMAT_VERSION, message);
    this.file = file;
    this.formatVersion = formatVersion;
  }
}

/** No plan file was found where plans were expected. */
export class NoPlansFoundError extends ReviewError {
  constructor(message: string) {
    super(ReviewErrorCode.NO_PLANS, message);
  }
}

/** Bad command-line usage. */
export class UsageError extends ReviewError {
  constructor(message: string) {
    super(ReviewErrorCode.USAGE, message);
  }
}

/** The report could not be written. */
export class WriteFailedError extends ReviewError {
  constructor(message: string, options?: ErrorOptions) {
    super(ReviewErrorCode.WRITE_FAILED, message, options);
  }
}

/**
 * The accepted-risks file is not JSON or breaks its schema. `problems` lists every problem found (not only
 * the first), each naming the entry and field and saying what to write instead.
 *
 * @example
 * try {
 *   loadAcceptedRisks('.secure-lambda-review.json', { now: new Date() });
 * } catch (error) {
 *   if (error instanceof AcceptedRisksError) for (const problem of error.problems) console.error(problem);
 * }
 */
export class AcceptedRisksError extends ReviewError {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], options?: ErrorOptions) {
    super(
      ReviewErrorCode.ACCEPTED_RISKS_INVALID,
      `${file} is not a valid accepted-risks file:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the entries (the format is in packages/review/README.md, "Accepted risks"), or pass --accepted with another file.',
      options,
    );
    this.file = file;
    this.problems = problems;
  }
}

/** @internal */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
