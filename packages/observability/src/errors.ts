/**
 * Typed errors of `@secure-lambda/observability`. Every error has a stable `code` to branch on and keeps the
 * underlying error as `cause`.
 */
export const ObservabilityErrorCode = {
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
} as const;

export type ObservabilityErrorCodeValue =
  (typeof ObservabilityErrorCode)[keyof typeof ObservabilityErrorCode];

/** Base class: catch this to handle every error the package throws. */
export class ObservabilityError extends Error {
  readonly code: ObservabilityErrorCodeValue;

  constructor(code: ObservabilityErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option passed to `createObservability` is not acceptable; the message names it and the fix. */
export class ObservabilityConfigurationError extends ObservabilityError {
  constructor(message: string, options?: ErrorOptions) {
    super(ObservabilityErrorCode.INVALID_CONFIGURATION, message, options);
  }
}
