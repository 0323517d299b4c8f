import {
  CryptoError,
  CryptoErrorCode,
  KmsAccessDeniedError,
  type KmsError,
  KmsFailureError,
  KmsInvalidCiphertextError,
  KmsKeyUnavailableError,
  KmsThrottledError,
} from '../errors';

/** SDK exception names, grouped by what the caller can do about them. */
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const KEY_UNAVAILABLE = new Set([
  'DisabledException',
  'NotFoundException',
  'KMSInvalidStateException',
  'KeyUnavailableException',
]);
const INVALID_CIPHERTEXT = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const named = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [named.name, named.Code, named.code]) {
      if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
    }
  }
  return 'UnknownError';
}

/**
 * Turns whatever a KMS client threw into one of the typed KMS errors. The SDK has already retried
 * throttling by the time an error reaches us, so a throttle here means "back off", not "retry now".
 */
export function mapKmsError(
  error: unknown,
  operation: string,
  keyId: string | undefined,
): KmsError | CryptoError {
  if (error instanceof CryptoError) return error;
  const name = errorName(error);
  const details = { keyId, operation };
  const target = keyId ? `KMS key ${keyId}` : 'the KMS key';
  if (ACCESS_DENIED.has(name)) {
    return new KmsAccessDeniedError(
      CryptoErrorCode.KMS_ACCESS_DENIED,
      `KMS ${operation} was denied for ${target} (${name}). Grant kms:${operation} on this key to the ` +
        "caller's role and check the key policy.",
      details,
      { cause: error },
    );
  }
  if (THROTTLED.has(name)) {
    return new KmsThrottledError(
      CryptoErrorCode.KMS_THROTTLED,
      `KMS ${operation} on ${target} was throttled after the client's retries (${name}). Reduce the ` +
        'request rate (enable the data-key cache) or raise the KMS request quota.',
      details,
      { cause: error },
    );
  }
  if (KEY_UNAVAILABLE.has(name)) {
    return new KmsKeyUnavailableError(
      CryptoErrorCode.KMS_KEY_UNAVAILABLE,
      `KMS ${operation} failed because ${target} is disabled, pending deletion or does not exist (${name}). ` +
        'Enable the key or configure a key that exists in this account and region.',
      details,
      { cause: error },
    );
  }
  if (INVALID_CIPHERTEXT.has(name)) {
    return new KmsInvalidCiphertextError(
      CryptoErrorCode.KMS_INVALID_CIPHERTEXT,
      `KMS ${operation} could not decrypt the wrapped data key with ${target} (${name}): the key, the ` +
        'encryption context or the ciphertext is wrong. The message cannot be decrypted with this key.',
      details,
      { cause: error },
    );
  }
  return new KmsFailureError(
    CryptoErrorCode.KMS_FAILURE,
    `KMS ${operation} on ${target} failed (${name}). Check network access to KMS (VPC endpoint) and retry.`,
    details,
    { cause: error },
  );
}
