/** Defaults and fixed values of the moto server harness. */
export const MotoDefaults = {
  /** Region the harness tells clients to use; moto itself serves every region. */
  REGION: 'us-east-1',
  /** Cold start is about 1–2 s (importing moto); 30 s leaves room for a loaded CI machine. */
  START_TIMEOUT_MS: 30_000,
  /** How often readiness is polled while the server starts. */
  POLL_INTERVAL_MS: 50,
  /** Time limit of one readiness or reset request. */
  REQUEST_TIMEOUT_MS: 5_000,
  /** After SIGTERM, how long stop() waits before it sends SIGKILL. */
  STOP_GRACE_MS: 5_000,
  /** A port picked from the OS can be taken before moto binds it; that many tries in all. */
  PORT_ATTEMPTS: 3,
  /** The server's output kept for error messages (moto logs every request, so it is bounded). */
  OUTPUT_TAIL_BYTES: 16 * 1024,
  /** The only interface the server binds. */
  HOST: '127.0.0.1',
} as const;

/**
 * Fake credentials for clients of the local server. moto accepts any; a non-numeric access key id keeps
 * moto's default account (a 12-digit one would select that account instead). Hand SDK clients
 * `server.credentials`, a fresh copy: the SDK writes a `$source` field into the object it is given (and
 * throws if the object is frozen).
 */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
} as const;

/** The account moto puts into ARNs when the access key id does not name one. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** Environment variables and file names shared with scripts/python-env.mjs. */
export const PythonEnv = {
  VENV_ENV: 'SECURE_LAMBDA_VENV',
  VENV_DIR_NAME: '.venv',
  /** Marks the repository root, where the virtualenv lives by default. */
  REQUIREMENTS_FILE: 'requirements.txt',
  SETUP_COMMAND: 'npm run setup:python',
} as const;

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
