/**
 * Typed errors of `@secure-lambda/testkit`.
 *
 * Two families, deliberately unrelated:
 * - `TestkitError` and its subclasses: the harness itself failed or was misused (moto did not start, bad
 *   options). Each has a stable `code` and a message that says what to do next. A missing virtualenv is
 *   `MotoNotInstalledError` from `@secure-lambda/moto` (re-exported by the index), with the same code.
 * - `KmsServiceError`: what the in-memory KMS double throws *as KMS would*. It imitates an AWS SDK v3
 *   service exception (`name`, `$fault`, `$metadata`), so code under test sees the same shape it gets from
 *   the real client, and it is not a `TestkitError` so that code cannot tell the two apart by accident.
 */
import { randomUUID } from 'node:crypto';
import { MotoErrorCode } from '@secure-lambda/moto';
import { KmsExceptions } from './constants';

export const TestkitErrorCode = {
  /** Thrown as `MotoNotInstalledError` (from `@secure-lambda/moto`), which is not a `TestkitError`. */
  MOTO_NOT_INSTALLED: MotoErrorCode.MOTO_NOT_INSTALLED,
  /** The server harness's errors are `@secure-lambda/moto`'s (re-exported by the index), same codes. */
  MOTO_START_FAILED: MotoErrorCode.MOTO_START_FAILED,
  MOTO_REQUEST_FAILED: MotoErrorCode.MOTO_REQUEST_FAILED,
  INVALID_OPTIONS: MotoErrorCode.INVALID_OPTIONS,
} as const;

export type TestkitErrorCodeValue = (typeof TestkitErrorCode)[keyof typeof TestkitErrorCode];

/** Base class: catch this to handle every harness error the package throws. */
export class TestkitError extends Error {
  readonly code: TestkitErrorCodeValue;

  constructor(code: TestkitErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option or argument passed to the testkit's KMS double is invalid; the message names it. */
export class TestkitOptionsError extends TestkitError {
  constructor(message: string, options?: ErrorOptions) {
    super(TestkitErrorCode.INVALID_OPTIONS, message, options);
  }
}

/** The response metadata an AWS SDK v3 service exception carries. */
export interface KmsServiceErrorMetadata {
  readonly httpStatusCode: number;
  readonly requestId: string;
  readonly attempts: number;
  readonly totalRetryDelay: number;
}

/**
 * An error shaped like the AWS SDK v3 exception KMS would cause: `name` is the SDK exception name
 * (`DisabledException`, `InvalidCiphertextException`, …), `$fault` and `$metadata.httpStatusCode` are
 * what the service returns for it, and `$retryable` is set for throttling as the SDK sets it.
 * `ServiceException.isInstance()` from the SDK accepts it.
 *
 * @example
 * ```ts
 * await expect(kms.decrypt({ CiphertextBlob: blob, EncryptionContext: { tenant: 'b' } }))
 *   .rejects.toMatchObject({ name: 'InvalidCiphertextException', $fault: 'client' });
 * ```
 */
export class KmsServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: KmsServiceErrorMetadata;
  readonly $retryable?: { readonly throttling: boolean };

  constructor(name: string, message: string) {
    super(message);
    const known = KmsExceptions[name as keyof typeof KmsExceptions];
    const httpStatusCode = known?.httpStatusCode ?? 400;
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = {
      httpStatusCode,
      requestId: randomUUID(),
      attempts: 1,
      totalRetryDelay: 0,
    };
    if (known !== undefined && 'throttling' in known) {
      this.$retryable = { throttling: known.throttling };
    }
  }
}
