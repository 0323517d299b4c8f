import {
  CryptoError,
  CryptoErrorCode,
  type CryptoErrorCodeValue,
  KmsAccessDeniedError,
  type KmsError,
  KmsFailureError,
  KmsInvalidCiphertextError,
  KmsKeyUnavailableError,
  KmsThrottledError,
} from '../errors';

type KmsErrorClass = new (...args: ConstructorParameters<typeof KmsError>) => KmsError;

interface Mapping {
  readonly names: readonly string[];
  readonly type: KmsErrorClass;
  readonly code: CryptoErrorCodeValue;
  /** Completes "KMS <operation> on <key> failed (<name>): …" with what to do. */
  readonly advice: (operation: string) => string;
}

/**
 * SDK exception names, grouped by what the caller can do about them. The SDK has already retried
 * throttling by the time an error reaches us, so a throttle here means "back off", not "retry now".
 */
const MAPPINGS: readonly Mapping[] = [
  {
    names: ['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException'],
    type: KmsAccessDeniedError,
    code: CryptoErrorCode.KMS_ACCESS_DENIED,
    advice: (operation) =>
      `access denied. Grant kms:${operation} on this key to the caller and check the key policy.`,
  },
  {
    names: [
      'ThrottlingException',
      'Throttling',
      'LimitExceededException',
      'TooManyRequestsException',
      'RequestLimitExceeded',
    ],
    type: KmsThrottledError,
    code: CryptoErrorCode.KMS_THROTTLED,
    advice: () => "throttled after the client's retries. Use a DataKeyCache or raise the KMS quota.",
  },
  {
    names: ['DisabledException', 'NotFoundException', 'KMSInvalidStateException', 'KeyUnavailableException'],
    type: KmsKeyUnavailableError,
    code: CryptoErrorCode.KMS_KEY_UNAVAILABLE,
    advice: () => 'the key is disabled, pending deletion or does not exist. Enable it or use another key.',
  },
  {
    names: ['InvalidCiphertextException', 'IncorrectKeyException'],
    type: KmsInvalidCiphertextError,
    code: CryptoErrorCode.KMS_INVALID_CIPHERTEXT,
    advice: () => 'wrong key, encryption context or ciphertext.',
  },
];

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const named = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [named.name, named.Code, named.code]) {
      if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
    }
  }
  return 'UnknownError';
}

/** Turns whatever a KMS client threw into one of the typed KMS errors, keeping it as `cause`. */
export function mapKmsError(
  error: unknown,
  operation: string,
  keyId: string | undefined,
): KmsError | CryptoError {
  if (error instanceof CryptoError) return error;
  const name = errorName(error);
  const mapping = MAPPINGS.find((m) => m.names.includes(name));
  const advice = mapping
    ? mapping.advice(operation)
    : 'check network access to KMS (VPC endpoint) and retry.';
  const Type = mapping?.type ?? KmsFailureError;
  return new Type(
    mapping?.code ?? CryptoErrorCode.KMS_FAILURE,
    `KMS ${operation} on ${keyId ?? 'the KMS key'} failed (${name}): ${advice}`,
    { keyId, operation },
    { cause: error },
  );
}
