/**
 * The moto server's defaults, fake credentials, account and virtualenv names live in
 * `@secure-lambda/moto`, which runs the server for this harness and for deploy:local; re-exported here so
 * that tests import one package.
 */
export { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MotoDefaults, PythonEnv } from '@secure-lambda/moto';

/** Defaults and limits of the in-memory KMS double; the limits are the real service's. */
export const KmsDoubleDefaults = {
  REGION: 'us-east-1',
  /** The account id AWS documentation uses in examples. */
  ACCOUNT_ID: '111122223333',
} as const;

export const KmsLimits = {
  MAX_PLAINTEXT_BYTES: 4096,
  MIN_DATA_KEY_BYTES: 1,
  MAX_DATA_KEY_BYTES: 1024,
  MAX_CIPHERTEXT_BYTES: 6144,
  MAX_GRANT_TOKENS: 10,
} as const;

/** Data key lengths of the `KeySpec` values GenerateDataKey accepts. */
export const DataKeySpecBytes = {
  AES_256: 32,
  AES_128: 16,
} as const;

/**
 * KMS exception names the double raises or can inject, with the HTTP status the service answers with.
 * `ThrottlingException` is not in the KMS model (the SDK builds it generically) but is what a throttled
 * call gets; the SDK marks it retryable.
 */
export const KmsExceptions = {
  AccessDeniedException: { httpStatusCode: 400 },
  AlreadyExistsException: { httpStatusCode: 400 },
  DependencyTimeoutException: { httpStatusCode: 503 },
  DisabledException: { httpStatusCode: 400 },
  IncorrectKeyException: { httpStatusCode: 400 },
  InvalidCiphertextException: { httpStatusCode: 400 },
  InvalidGrantTokenException: { httpStatusCode: 400 },
  InvalidKeyUsageException: { httpStatusCode: 400 },
  KMSInternalException: { httpStatusCode: 500 },
  KMSInvalidStateException: { httpStatusCode: 400 },
  KeyUnavailableException: { httpStatusCode: 500 },
  LimitExceededException: { httpStatusCode: 400 },
  NotFoundException: { httpStatusCode: 400 },
  ThrottlingException: { httpStatusCode: 400, throttling: true },
  ValidationException: { httpStatusCode: 400 },
} as const;

export type KmsExceptionName = keyof typeof KmsExceptions;
