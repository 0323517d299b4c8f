/**
 * Typed errors of `@secure-lambda/crypto`. Every error has a stable `code` to branch on and keeps the
 * underlying error as `cause`. Messages never contain plaintext, data keys or ciphertext.
 */
export const CryptoErrorCode = {
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  ENCRYPTION_CONTEXT_MISMATCH: 'ENCRYPTION_CONTEXT_MISMATCH',
  INVALID_ENCRYPTION_CONTEXT: 'INVALID_ENCRYPTION_CONTEXT',
  KEY_NOT_ALLOWED: 'KEY_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  KMS_ACCESS_DENIED: 'KMS_ACCESS_DENIED',
  KMS_THROTTLED: 'KMS_THROTTLED',
  KMS_KEY_UNAVAILABLE: 'KMS_KEY_UNAVAILABLE',
  KMS_INVALID_CIPHERTEXT: 'KMS_INVALID_CIPHERTEXT',
  KMS_FAILURE: 'KMS_FAILURE',
} as const;

export type CryptoErrorCodeValue = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** Base class: catch this to handle every error the package throws. */
export class CryptoError extends Error {
  readonly code: CryptoErrorCodeValue;

  constructor(code: CryptoErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The message is malformed, truncated, extended or was tampered with. No plaintext is released. */
export class InvalidMessageError extends CryptoError {
  /** @param reason what is wrong, completing "Invalid message: …". */
  constructor(reason: string, options?: ErrorOptions) {
    super(CryptoErrorCode.INVALID_MESSAGE, `Invalid message: ${reason}`, options);
  }
}

/** The message's encryption context does not contain the required pairs. */
export class EncryptionContextMismatchError extends CryptoError {
  /** The keys whose values are missing or differ (never the values). */
  readonly keys: readonly string[];

  constructor(keys: readonly string[], options?: ErrorOptions) {
    super(
      CryptoErrorCode.ENCRYPTION_CONTEXT_MISMATCH,
      `Encryption context mismatch on key(s) ${keys.map((k) => JSON.stringify(k)).join(', ')}: ` +
        'decrypt with the context the message was encrypted with.',
      options,
    );
    this.keys = keys;
  }
}

/** The encryption context given to encrypt is not acceptable (reserved key, too large, not strings). */
export class InvalidEncryptionContextError extends CryptoError {
  /** @param reason what is wrong, completing "Invalid encryption context: …". */
  constructor(reason: string, options?: ErrorOptions) {
    super(CryptoErrorCode.INVALID_ENCRYPTION_CONTEXT, `Invalid encryption context: ${reason}`, options);
  }
}

/** No encrypted data key in the message belongs to a KMS key this keyring may use. */
export class KeyNotAllowedError extends CryptoError {
  constructor(message: string, options?: ErrorOptions) {
    super(CryptoErrorCode.KEY_NOT_ALLOWED, message, options);
  }
}

/** The input is larger than the operation accepts. */
export class PayloadTooLargeError extends CryptoError {
  readonly limit: number;
  readonly actual: number;

  constructor(message: string, limit: number, actual: number, options?: ErrorOptions) {
    super(CryptoErrorCode.PAYLOAD_TOO_LARGE, message, options);
    this.limit = limit;
    this.actual = actual;
  }
}

/** The message uses a format version or algorithm suite this package does not accept. */
export class UnsupportedFormatError extends CryptoError {
  constructor(message: string, options?: ErrorOptions) {
    super(CryptoErrorCode.UNSUPPORTED_FORMAT, message, options);
  }
}

/** Options passed to a constructor or call are invalid. */
export class CryptoConfigurationError extends CryptoError {
  constructor(message: string, options?: ErrorOptions) {
    super(CryptoErrorCode.INVALID_CONFIGURATION, message, options);
  }
}

/** Base of the errors that come from a KMS call. `keyId` names the key, `operation` the call. */
export class KmsError extends CryptoError {
  readonly keyId: string | undefined;
  readonly operation: string;

  constructor(
    code: CryptoErrorCodeValue,
    message: string,
    details: { readonly keyId: string | undefined; readonly operation: string },
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.keyId = details.keyId;
    this.operation = details.operation;
  }
}

/** KMS refused the call: the caller's IAM policy or the key policy does not allow it. */
export class KmsAccessDeniedError extends KmsError {}
/** KMS kept throttling after the client's own retries. */
export class KmsThrottledError extends KmsError {}
/** The KMS key is disabled, pending deletion, unavailable or does not exist. */
export class KmsKeyUnavailableError extends KmsError {}
/** KMS could not decrypt the wrapped key: wrong key, wrong context or corrupted ciphertext. */
export class KmsInvalidCiphertextError extends KmsError {}
/** Any other KMS failure (network, service error, unexpected response). */
export class KmsFailureError extends KmsError {}
