/**
 * Named defaults of `SecureBucket`. They live beside the bucket until `constants.ts` (owned by another
 * change) takes them into `Defaults`; the construct documents each with `@default`.
 */
export const BucketDefaults = {
  /** Old versions are the undo buffer for overwrites and deletes; 90 days covers a quarter's audit. */
  NONCURRENT_VERSION_EXPIRATION_DAYS: 90,
  /** Parts of abandoned multipart uploads are invisible in listings but billed and readable by S3. */
  ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS: 7,
  /** TLS 1.0 and 1.1 are deprecated (RFC 8996); AWS endpoints already require 1.2 since 2024. */
  MIN_TLS_VERSION: '1.2',
  /** ACLs disabled: access is decided by IAM and the bucket policy only. */
  OBJECT_OWNERSHIP: 'BucketOwnerEnforced',
  SSE_ALGORITHM: 'aws:kms',
} as const;
