/**
 * Fixed values of the crypto API: routes, limits, the encryption context it binds and the HTTP answers it
 * gives. Changing a value here changes the API's contract (and, for the context, the IAM policy).
 */

import { base64Length } from './private/base64';

/** Value of the `app` context pair. The IAM policy requires `kms:EncryptionContext:app` to equal it. */
export const APP_NAME = 'crypto-api';

/** Keys of the encryption context bound to every message. */
export const ContextKey = {
  /** Lets the function's IAM policy restrict its KMS use to this app's messages. */
  APP: 'app',
  /** The caller's IAM ARN: only the same principal can decrypt. */
  PRINCIPAL: 'principal',
} as const;

const MAX_PLAINTEXT_BYTES = 256 * 1024;
/**
 * Room for the Encryption SDK header and framing on top of the plaintext, so that every message
 * `/encrypt` returns for a 256 KiB plaintext can be sent back to `/decrypt`. A message for a 256 KiB
 * plaintext carries about 1 KiB of overhead (header with the context and one wrapped data key, five
 * frames of 32 bytes each); 16 KiB also covers the longest IAM ARNs in the context.
 */
const CIPHERTEXT_OVERHEAD_BYTES = 16 * 1024;
const MAX_CIPHERTEXT_BYTES = MAX_PLAINTEXT_BYTES + CIPHERTEXT_OVERHEAD_BYTES;
/** The field name, quotes, braces and some whitespace around the one base64 string a body holds. */
const JSON_ALLOWANCE_BYTES = 1024;
const MAX_BODY_BYTES = base64Length(MAX_CIPHERTEXT_BYTES) + JSON_ALLOWANCE_BYTES;

export const Limits = {
  /** Largest plaintext `/encrypt` accepts, after base64 decoding. */
  MAX_PLAINTEXT_BYTES,
  /** Largest message `/decrypt` accepts, after base64 decoding. */
  MAX_CIPHERTEXT_BYTES,
  /**
   * Largest request body (JSON text) read at all. Checked before JSON parsing or base64 decoding, so an
   * oversized request costs no more than its length check.
   */
  MAX_BODY_BYTES,
  /** The same bound for a body the Function URL delivers base64-encoded (`isBase64Encoded: true`). */
  MAX_ENCODED_BODY_CHARS: base64Length(MAX_BODY_BYTES),
} as const;

/** The two operations, by Function URL path. Everything else is 404. */
export const Route = {
  ENCRYPT: '/encrypt',
  DECRYPT: '/decrypt',
} as const;

export type RouteValue = (typeof Route)[keyof typeof Route];

/** The only method either route accepts (the `Allow` header of a 405). */
export const ALLOWED_METHOD = 'POST';

/** Headers on every response: JSON, never cached (responses carry plaintext or key-bound ciphertext). */
export const RESPONSE_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * Seconds a client should wait after a 503 `KMS_THROTTLED`. The SDK has already retried with backoff
 * inside the request, so an immediate retry would most likely be throttled again.
 */
export const THROTTLED_RETRY_AFTER_SECONDS = 1;

/**
 * Bounds of the module-level data-key cache. One entry serves one caller (the context holds the
 * principal), so the capacity is the number of recent callers kept warm. A short age keeps a revoked
 * KMS grant or key policy change effective within a minute even for busy callers.
 */
export const CacheSettings = {
  CAPACITY: 100,
  MAX_AGE_MS: 60_000,
  MAX_MESSAGES_PER_KEY: 1_000,
} as const;

/** Names of the metrics the API emits (namespace and service come from the observability setup). */
export const MetricName = {
  REQUESTS: 'Requests',
  /** Emitted with a `code` dimension: one series per error code. */
  ERRORS: 'Errors',
} as const;

/** Dimension name of the `Errors` metric. */
export const ERROR_CODE_DIMENSION = 'code';

/** Environment variables the function reads at start. */
export const EnvVar = {
  /** ARN of the KMS key that generates and unwraps data keys. Required. */
  KEY_ARN: 'KEY_ARN',
  /** Set by Lambda (a reserved variable): the region identity proofs must be scoped to. */
  REGION: 'AWS_REGION',
  /** Emulator only, loopback only: the STS endpoint. */
  STS_ENDPOINT: 'AWS_ENDPOINT_URL_STS',
  /** Emulator only, loopback only: every service's endpoint (the SDK's own variable). */
  ENDPOINT: 'AWS_ENDPOINT_URL',
} as const;

/** The service name given to logs, metrics and traces. */
export const SERVICE_NAME = 'crypto-api';

/**
 * The log key the observability wrapper fills with the caller named in the event. The API replaces it with
 * the caller STS verified (or removes it), so a forged event never names the caller in a log line.
 */
export const CALLER_LOG_KEY = 'caller';
