/**
 * Typed errors of the object-processor app. Each has a stable `code`; messages say what happens next and
 * what to do, and never carry object content, plaintext, key material or the raw event.
 */
import { type FailureReasonValue, MAX_KEYS_IN_MESSAGE } from './constants';

export const ObjectProcessorErrorCode = {
  MALFORMED_EVENT: 'MALFORMED_EVENT',
  RECORDS_FAILED: 'RECORDS_FAILED',
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  INVALID_OBJECT_KEY: 'INVALID_OBJECT_KEY',
  UNEXPECTED_RESPONSE: 'UNEXPECTED_RESPONSE',
  UNEXPECTED_BUCKET: 'UNEXPECTED_BUCKET',
} as const;

export type ObjectProcessorErrorCodeValue =
  (typeof ObjectProcessorErrorCode)[keyof typeof ObjectProcessorErrorCode];

/** Base class: catch this to handle every error the app throws itself. */
export class ObjectProcessorError extends Error {
  readonly code: ObjectProcessorErrorCodeValue;

  constructor(code: ObjectProcessorErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    // A literal, not `new.target.name`: the bundle is minified, and Lambda reports `name` as errorType.
    this.name = 'ObjectProcessorError';
    this.code = code;
  }
}

/**
 * The event is not an S3 event notification. Thrown from the handler so that asynchronous invocation
 * retries it and then hands it to the dead-letter queue / on-failure destination, where it can be looked at.
 */
export class MalformedEventError extends ObjectProcessorError {
  /** Where the event differs from the schema (`Records.0.s3.object.key: …`), never the values. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: ErrorOptions) {
    const shown = issues.slice(0, 5).join('; ');
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
    super(
      ObjectProcessorErrorCode.MALFORMED_EVENT,
      `The event is not an S3 event notification (${shown}${more}). Nothing was processed; after its retries ` +
        'the event goes to the dead-letter queue. Invoke this function only from S3 ObjectCreated notifications.',
      options,
    );
    this.name = 'MalformedEventError';
    this.issues = issues;
  }
}

/** One record that could not be processed: where it failed and the error's code, no data. */
export interface RecordFailure {
  readonly bucket: string;
  /** The decoded object key (the raw, URL-encoded one if it could not be decoded). */
  readonly key: string;
  readonly versionId: string | undefined;
  readonly reason: FailureReasonValue;
  /** The `code` or `name` of the underlying error, e.g. `AccessDenied` or `KMS_ACCESS_DENIED`. */
  readonly errorCode: string;
}

/**
 * Some records of the event failed; the others were processed. Thrown at the end so that Lambda retries
 * the whole event: records already written are then skipped (the output carries the source version), and
 * a record that keeps failing ends with the event in the dead-letter queue.
 */
export class RecordsFailedError extends ObjectProcessorError {
  readonly failures: readonly RecordFailure[];
  readonly total: number;

  constructor(failures: readonly RecordFailure[], total: number, options?: ErrorOptions) {
    const listed = failures
      .slice(0, MAX_KEYS_IN_MESSAGE)
      .map((f) => `${JSON.stringify(`${f.bucket}/${f.key}`)} (${f.reason}: ${f.errorCode})`)
      .join(', ');
    const more =
      failures.length > MAX_KEYS_IN_MESSAGE ? `, and ${failures.length - MAX_KEYS_IN_MESSAGE} more` : '';
    super(
      ObjectProcessorErrorCode.RECORDS_FAILED,
      `${failures.length} of ${total} record(s) failed: ${listed}${more}. The event will be retried (records ` +
        'already written are skipped); if these keep failing it goes to the dead-letter queue. The logs name ' +
        'each failure with its cause.',
      options,
    );
    this.name = 'RecordsFailedError';
    this.failures = failures;
    this.total = total;
  }
}

/** An environment variable is missing or wrong: the function cannot start. */
export class ConfigurationError extends ObjectProcessorError {
  constructor(message: string, options?: ErrorOptions) {
    super(ObjectProcessorErrorCode.INVALID_CONFIGURATION, message, options);
    this.name = 'ConfigurationError';
  }
}

/** An object key in the event is not valid URL encoding, so the object cannot be named. */
export class InvalidObjectKeyError extends ObjectProcessorError {
  constructor(options?: ErrorOptions) {
    super(
      ObjectProcessorErrorCode.INVALID_OBJECT_KEY,
      'The object key in the event is not valid URL encoding (S3 encodes keys with %XX and + for spaces); ' +
        'the record cannot be processed. Check what produced the event.',
      options,
    );
    this.name = 'InvalidObjectKeyError';
  }
}

/** S3 answered without what the call needs (a streamed body, a content length). */
export class UnexpectedResponseError extends ObjectProcessorError {
  constructor(message: string, options?: ErrorOptions) {
    super(ObjectProcessorErrorCode.UNEXPECTED_RESPONSE, message, options);
    this.name = 'UnexpectedResponseError';
  }
}

/** An event named another bucket than the configured input bucket (a forged or misrouted event). */
export class UnexpectedBucketError extends ObjectProcessorError {
  constructor(message: string, options?: ErrorOptions) {
    super(ObjectProcessorErrorCode.UNEXPECTED_BUCKET, message, options);
    this.name = 'UnexpectedBucketError';
  }
}
