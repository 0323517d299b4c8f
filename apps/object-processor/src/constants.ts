/** Fixed names and defaults of the object-processor Lambda app. */

/**
 * The value of the `app` pair in every encryption context. The key policy / IAM policy allows this
 * function's KMS calls only with `kms:EncryptionContext:app = object-processor`, so it must not change
 * without the policy.
 */
export const APP_NAME = 'object-processor' as const;

/** The `service` of logs, metrics and traces. */
export const SERVICE_NAME = APP_NAME;

/** Appended to the source key to name the encrypted copy in the output bucket. */
export const OUTPUT_KEY_SUFFIX = '.encrypted' as const;

export const ProcessorDefaults = {
  /** Records processed at once: two keeps memory at about two upload windows while hiding S3 latency. */
  CONCURRENCY: 2,
  /** The S3 minimum part size: memory per upload is about (queue size + 1) x part size. */
  PART_SIZE_BYTES: 5 * 1024 * 1024,
  /** Parts in flight per upload. */
  QUEUE_SIZE: 2,
  /**
   * Largest object encrypted: 1 GiB. A larger one is refused before its body is read. The bound exists so
   * that an object always fits in one invocation: 1 GiB streams in well under the deployed 300 s timeout
   * even at a slow 10 MiB/s (about 100 s), and an object the function cannot finish is refused in
   * milliseconds instead of holding reserved concurrency for the whole timeout on every retry.
   */
  MAX_OBJECT_BYTES: 1024 * 1024 * 1024,
  /**
   * Time kept back before the invocation's deadline: 10 s. Streaming stops once less remains, then the
   * parts in flight finish and the multipart upload is aborted (half the margin), and if a part hangs the
   * function aborts the upload itself (the other half): it fails typed instead of being killed mid-upload.
   */
  DEADLINE_MARGIN_MS: 10_000,
} as const;

/** Environment variables the entry point reads. */
export const EnvVars = {
  /** ARN of the customer-managed KMS key (a key ARN, not an alias: KMS answers with the key ARN). */
  KEY_ARN: 'KEY_ARN',
  /** Bucket that receives the encrypted copies. */
  OUTPUT_BUCKET: 'OUTPUT_BUCKET',
  /**
   * The only bucket whose events are processed. Optional for local runs; the stacks always set it, so
   * a forged direct invocation cannot make the function copy another bucket it can read.
   */
  INPUT_BUCKET: 'INPUT_BUCKET',
  /** `true` for emulators on an IP address (moto on 127.0.0.1), which cannot serve virtual-hosted style. */
  S3_FORCE_PATH_STYLE: 'S3_FORCE_PATH_STYLE',
  /** Largest object encrypted, in bytes (a decimal integer). Unset: `ProcessorDefaults.MAX_OBJECT_BYTES`. */
  MAX_OBJECT_BYTES: 'MAX_OBJECT_BYTES',
} as const;

/** User metadata on the output object (S3 stores and returns the names in lower case). */
export const MetadataKeys = {
  /** Versions and sequencers are compared only for the same source bucket. */
  SOURCE_BUCKET: 'source-bucket',
  SOURCE_VERSION_ID: 'source-version-id',
  SOURCE_ETAG: 'source-etag',
  /** The event's sequencer: orders writes of one key, so a late retry never overwrites a newer copy. */
  SOURCE_SEQUENCER: 'source-sequencer',
} as const;

export const MetricNames = {
  OBJECTS_PROCESSED: 'ObjectsProcessed',
  BYTES_PROCESSED: 'BytesProcessed',
  OBJECTS_SKIPPED: 'ObjectsSkipped',
  FAILURES: 'Failures',
} as const;

/** The dimension on `Failures`. */
export const FAILURE_REASON_DIMENSION = 'reason' as const;

/** Values of the `reason` dimension: few and fixed, so each is one CloudWatch metric to alarm on. */
export const FailureReason = {
  MALFORMED_EVENT: 'MalformedEvent',
  INVALID_OBJECT_KEY: 'InvalidObjectKey',
  OUTPUT_CHECK_FAILED: 'OutputCheckFailed',
  READ_FAILED: 'ReadFailed',
  ENCRYPT_FAILED: 'EncryptFailed',
  WRITE_FAILED: 'WriteFailed',
  UNEXPECTED_BUCKET: 'UnexpectedBucket',
  /** Larger than the maximum object size: refused before its body was read. */
  OBJECT_TOO_LARGE: 'ObjectTooLarge',
  /** Stopped before the invocation's deadline; the multipart upload was aborted. */
  DEADLINE_EXCEEDED: 'DeadlineExceeded',
} as const;

export type FailureReasonValue = (typeof FailureReason)[keyof typeof FailureReason];

/** Why a record was skipped without a write (logged; the metric is `ObjectsSkipped`). */
export const SkipReason = {
  /** The output already holds this version: a retried or duplicated event. */
  ALREADY_PROCESSED: 'AlreadyProcessed',
  /** The output holds a later version of the key (higher sequencer): this event arrived late. */
  SUPERSEDED: 'Superseded',
  /** The version is gone or the key was overwritten (unversioned bucket): its own event handles it. */
  SOURCE_GONE: 'SourceGone',
  /** Not an ObjectCreated event: nothing to encrypt. */
  NOT_OBJECT_CREATED: 'NotObjectCreated',
  /** The object is one of this function's outputs (input and output bucket are the same): no loop. */
  OWN_OUTPUT: 'OwnOutput',
} as const;

export type SkipReasonValue = (typeof SkipReason)[keyof typeof SkipReason];

/** Most failed keys a `RecordsFailedError` message lists; the error's `failures` holds them all. */
export const MAX_KEYS_IN_MESSAGE = 10;
