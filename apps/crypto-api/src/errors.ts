/**
 * Typed errors of the crypto API. Every request error carries a stable `code`, the HTTP `status` it is
 * answered with, and a message that tells the caller what to change. Messages are fixed text: they never
 * contain any part of the request body, so nothing a caller sent is ever echoed back or logged.
 */
import { ALLOWED_METHOD, Route, THROTTLED_RETRY_AFTER_SECONDS } from './constants';

export const ApiErrorCode = {
  MALFORMED_JSON: 'MALFORMED_JSON',
  MALFORMED_BASE64: 'MALFORMED_BASE64',
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_EVENT: 'INVALID_EVENT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  IDENTITY_NOT_VERIFIED: 'IDENTITY_NOT_VERIFIED',
  IDENTITY_SERVICE_UNAVAILABLE: 'IDENTITY_SERVICE_UNAVAILABLE',
  UNSUPPORTED_PRINCIPAL: 'UNSUPPORTED_PRINCIPAL',
  CONTEXT_MISMATCH: 'CONTEXT_MISMATCH',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_CIPHERTEXT: 'INVALID_CIPHERTEXT',
  KMS_FAILURE: 'KMS_FAILURE',
  KMS_THROTTLED: 'KMS_THROTTLED',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
} as const;

export type ApiErrorCodeValue = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Base class: every error the app throws. */
export class CryptoApiError extends Error {
  readonly code: ApiErrorCodeValue;

  constructor(code: ApiErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The function's environment is incomplete; thrown at cold start, so the deployment fails visibly. */
export class CryptoApiConfigurationError extends CryptoApiError {
  constructor(message: string, options?: ErrorOptions) {
    super(ApiErrorCode.INVALID_CONFIGURATION, message, options);
  }
}

/** A request answered with an error response (`status`, `{ error: { code, message } }`). */
export class RequestError extends CryptoApiError {
  readonly status: number;
  /** Extra response headers (`Allow`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCodeValue,
    status: number,
    message: string,
    options?: ErrorOptions & { readonly headers?: Readonly<Record<string, string>> },
  ) {
    super(code, message, options);
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

const KIB = 1024;

/** The body is not JSON (or not UTF-8). */
export class MalformedJsonError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.MALFORMED_JSON,
      400,
      'The request body is not valid JSON. Send a UTF-8 JSON object such as {"plaintext":"aGVsbG8="}.',
      options,
    );
  }
}

/** A base64 value is not canonical standard base64. */
export class MalformedBase64Error extends RequestError {
  /** @param what the value at fault, e.g. `"plaintext"`. */
  constructor(what: string) {
    super(
      ApiErrorCode.MALFORMED_BASE64,
      400,
      `${what} is not valid base64. Use standard base64 (RFC 4648 section 4: A-Z a-z 0-9 + /) with "=" ` +
        'padding and no whitespace or line breaks.',
    );
  }
}

/** The body is JSON but not the object the route expects. */
export class InvalidRequestError extends RequestError {
  /** @param expected the body the route takes, e.g. `{"plaintext":"<base64>"}`. */
  constructor(expected: string) {
    super(
      ApiErrorCode.INVALID_REQUEST,
      400,
      `The request body must be exactly ${expected}: one field, a string, and no other fields.`,
    );
  }
}

/** The Lambda event is not a Function URL request (direct invocation, or an unexpected event shape). */
export class InvalidEventError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.INVALID_EVENT,
      400,
      'The event is not a Lambda Function URL request. Call the function through its Function URL.',
      options,
    );
  }
}

/** A body or decoded value exceeds its limit. */
export class PayloadTooLargeError extends RequestError {
  readonly limit: number;

  /** @param what the value at fault; @param limit its limit in bytes. */
  constructor(what: string, limit: number) {
    super(
      ApiErrorCode.PAYLOAD_TOO_LARGE,
      413,
      `${what} is larger than ${limit} bytes (${(limit / KIB).toFixed(0)} KiB). Split the data, or encrypt ` +
        `it client-side with the AWS Encryption SDK and a data key.`,
    );
    this.limit = limit;
  }
}

/** The identity check's errors, from the package that proves who is calling (mapped to responses in api.ts). */
export {
  IdentityNotVerifiedError,
  IdentityServiceUnavailableError,
  UnsupportedPrincipalError,
} from '@secure-lambda/caller-identity';

/** The message was encrypted for another principal (or outside this API). */
export class ContextMismatchError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.CONTEXT_MISMATCH,
      403,
      'This ciphertext was not encrypted for the calling IAM principal. Decrypt it as the principal that ' +
        'encrypted it.',
      options,
    );
  }
}

/** The route exists but not for this method. */
export class MethodNotAllowedError extends RequestError {
  constructor() {
    super(
      ApiErrorCode.METHOD_NOT_ALLOWED,
      405,
      `Only ${ALLOWED_METHOD} is allowed on this path. Send the request as ${ALLOWED_METHOD}.`,
      { headers: { allow: ALLOWED_METHOD } },
    );
  }
}

/** No such route. */
export class RouteNotFoundError extends RequestError {
  constructor() {
    super(
      ApiErrorCode.NOT_FOUND,
      404,
      `No such route. Use ${ALLOWED_METHOD} ${Route.ENCRYPT} or ${ALLOWED_METHOD} ${Route.DECRYPT}.`,
    );
  }
}

/** The ciphertext is not a message this API can decrypt: malformed, tampered, or under another key. */
export class InvalidCiphertextError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.INVALID_CIPHERTEXT,
      400,
      'The ciphertext is not an intact message from this API: it is truncated, modified, or encrypted under ' +
        'another key. Send the ciphertext exactly as /encrypt returned it.',
      options,
    );
  }
}

/** KMS refused or failed the call (access, key state, service or network error). */
export class KmsRequestFailedError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.KMS_FAILURE,
      502,
      'The key service could not complete the request. Retry later; if it persists, the operators must ' +
        'check the function logs.',
      options,
    );
  }
}

/** KMS kept throttling after the SDK's own retries. */
export class KmsRequestThrottledError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.KMS_THROTTLED,
      503,
      `The key service is throttling requests. Retry after ${THROTTLED_RETRY_AFTER_SECONDS} second(s) with ` +
        'exponential backoff.',
      { ...options, headers: { 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) } },
    );
  }
}

/** Anything unexpected: the details go to the log, never to the caller. */
export class InternalError extends RequestError {
  constructor(options?: ErrorOptions) {
    super(
      ApiErrorCode.INTERNAL_ERROR,
      500,
      'The request failed unexpectedly. Retry later; if it persists, the operators must check the function logs.',
      options,
    );
  }
}
