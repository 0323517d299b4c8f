/**
 * Identifiers and limits of the AWS Encryption SDK message format (version 2) that this package reads
 * and writes. Values come from the specification (`data-format/message-header.md`,
 * `data-format/message-body.md`, `framework/algorithm-suites.md`).
 */
export const AlgorithmSuiteId = {
  /** AES-256-GCM, HKDF-SHA512, key commitment, no signature. The default. */
  AES256_GCM_HKDF_SHA512_COMMIT_KEY: 0x0478,
  /** AES-256-GCM, HKDF-SHA512, key commitment, ECDSA P-384 signature with SHA-384. */
  AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: 0x0578,
} as const;

export type AlgorithmSuiteIdValue = (typeof AlgorithmSuiteId)[keyof typeof AlgorithmSuiteId];

export const MessageFormat = {
  VERSION_2: 0x02,
  CONTENT_TYPE_NON_FRAMED: 0x01,
  CONTENT_TYPE_FRAMED: 0x02,
  MESSAGE_ID_LENGTH: 32,
  IV_LENGTH: 12,
  TAG_LENGTH: 16,
  DATA_KEY_LENGTH: 32,
  COMMITMENT_LENGTH: 32,
  /** Marks a final frame in a framed body. */
  SEQUENCE_NUMBER_END: 0xffff_ffff,
  MAX_FRAME_COUNT: 0xffff_ffff,
  /** The frame length field is a uint32; the spec allows any value from 1 up. */
  MAX_FRAME_LENGTH: 0xffff_ffff,
  /** A non-framed body must stay below GCM's 2^36 - 32 byte limit; 2^32 - 1 is the SDKs' own cap. */
  MAX_NON_FRAMED_LENGTH: 0xffff_ffff,
  MAX_ENCRYPTION_CONTEXT_BYTES: 0xffff,
} as const;

export const BodyAadContent = {
  FRAME: 'AWSKMSEncryptionClient Frame',
  FINAL_FRAME: 'AWSKMSEncryptionClient Final Frame',
  SINGLE_BLOCK: 'AWSKMSEncryptionClient Single Block',
} as const;

export const KdfLabel = {
  DERIVE_KEY: 'DERIVEKEY',
  COMMIT_KEY: 'COMMITKEY',
} as const;

/** Encryption context keys with this prefix are reserved for the Encryption SDK itself. */
export const RESERVED_CONTEXT_PREFIX = 'aws-crypto-';
/** The reserved context key that carries the base64 compressed ECDSA public key of signed suites. */
export const PUBLIC_KEY_CONTEXT_KEY = 'aws-crypto-public-key';

export const AWS_KMS_PROVIDER_ID = 'aws-kms';

/** KMS Encrypt accepts at most 4,096 bytes of plaintext. */
export const KMS_MAX_PLAINTEXT_BYTES = 4096;

export const Defaults = {
  /**
   * 64 KiB, not the Encryption SDK's 4 KiB: node:crypto spends about 5 µs setting up a GCM context per
   * frame, which at 4 KiB frames costs three quarters of the throughput; at 64 KiB it costs about a
   * fifth, and stream memory stays small.
   */
  FRAME_LENGTH: 64 * 1024,
  ALGORITHM_SUITE: AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY,
  /** A message with more wrapped keys than this is refused before any KMS call (denial-of-service guard). */
  MAX_ENCRYPTED_DATA_KEYS: 16,
  /**
   * Largest frame or non-framed body a decrypt stream accepts: each is buffered whole before it is
   * authenticated. Whole-buffer decrypt has the message in memory already and takes any size.
   */
  MAX_STREAM_BODY_PART_BYTES: 64 * 1024 * 1024,
  CACHE_CAPACITY: 100,
  CACHE_MAX_AGE_MS: 5 * 60 * 1000,
  CACHE_MAX_MESSAGES_PER_KEY: 10_000,
  CACHE_MAX_BYTES_PER_KEY: 1024 * 1024 * 1024,
} as const;
