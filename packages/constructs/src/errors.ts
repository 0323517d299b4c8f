/**
 * Typed errors of `@secure-lambda/constructs`. Validation errors name the construct path and say how
 * to fix the prop, in the wording of cdktf's own errors.
 */
export const ConstructErrorCode = {
  INVALID_PROP: 'INVALID_PROP',
  MISSING_PROP: 'MISSING_PROP',
  CONFLICTING_PROPS: 'CONFLICTING_PROPS',
  BUNDLE_NOT_FOUND: 'BUNDLE_NOT_FOUND',
} as const;

export type ConstructErrorCodeValue = (typeof ConstructErrorCode)[keyof typeof ConstructErrorCode];

/** Base class of every error this package throws. */
export class ConstructError extends Error {
  readonly code: ConstructErrorCodeValue;
  /** The construct path (`stack/network/...`) the error is about. */
  readonly constructPath: string;

  constructor(code: ConstructErrorCodeValue, constructPath: string, message: string, options?: ErrorOptions) {
    super(`${constructPath}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.constructPath = constructPath;
  }
}

/** A prop has a value that is not allowed (for example retention 0, or a single AZ). */
export class InvalidPropError extends ConstructError {
  /** The prop's name, as written in the props interface. */
  readonly prop: string;

  constructor(constructPath: string, prop: string, message: string, options?: ErrorOptions) {
    super(ConstructErrorCode.INVALID_PROP, constructPath, `invalid ${prop}: ${message}`, options);
    this.prop = prop;
  }
}

/** The code bundle a function points at does not exist or cannot be read. */
export class BundleNotFoundError extends ConstructError {
  constructor(constructPath: string, message: string, options?: ErrorOptions) {
    super(ConstructErrorCode.BUNDLE_NOT_FOUND, constructPath, message, options);
  }
}
