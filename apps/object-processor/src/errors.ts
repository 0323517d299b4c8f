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
  OBJECT_TOO_LARGE: 'OBJECT_TOO_LARGE',
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
} as const;

export type ObjectProcessorErrorCodeValue =
  (typeof ObjectProcessorErrorCode)[keyof typeof ObjectProcessorErrorCode];

/** Base class: catch this to handle every error the app throws itself. */
export class ObjectProcessorError extends Error {
  readonly code: ObjectProcessorErrorCodeValue;

  constructor(code: ObjectProcessorErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    // A literal, not `new.target.name`: Lambda reports `name` as errorType, and a literal stays right even if
    // the minified bundle renamed classes (scripts/bundle-app.mjs sets keepNames today, so it does not).
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

/**
 * The object is larger than the maximum object size, so it was refused before its body was read. The
 * refusal is permanent for this object version: asynchronous invocation retries the event at most twice
 * (each retry is refused the same way in milliseconds) and then hands it to the dead-letter queue.
 */
export class ObjectTooLargeError extends ObjectProcessorError {
  /** The object's size in bytes, as the event or GetObject reported it. */
  readonly objectBytes: number;
  readonly maxObjectBytes: number;
  /** Where the size came from: `event` (what S3 reported) or `GetObject` (the object's Content-Length). */
  readonly sizeSource: 'event' | 'GetObject';

  constructor(objectBytes: number, maxObjectBytes: number, sizeSource: 'event' | 'GetObject') {
    super(
      ObjectProcessorErrorCode.OBJECT_TOO_LARGE,
      `The object is ${objectBytes} bytes (${sizeSource}), more than the maximum of ${maxObjectBytes}; it was ` +
        'not read. The event goes to the dead-letter queue after its retries. To encrypt objects this large, ' +
        'raise MAX_OBJECT_BYTES together with the function timeout, then redrive the event.',
    );
    this.name = 'ObjectTooLargeError';
    this.objectBytes = objectBytes;
    this.maxObjectBytes = maxObjectBytes;
    this.sizeSource = sizeSource;
  }
}

/**
 * The invocation's remaining time fell below the safety margin, so the record was stopped: its multipart
 * upload was aborted and nothing was written. The event is retried (records already written are skipped).
 */
export class DeadlineExceededError extends ObjectProcessorError {
  /** Milliseconds the invocation had left when it stopped. */
  readonly remainingMs: number;
  readonly marginMs: number;

  constructor(remainingMs: number, marginMs: number) {
    super(
      ObjectProcessorErrorCode.DEADLINE_EXCEEDED,
      `Stopped with ${remainingMs} ms left, below the safety margin of ${marginMs} ms: the multipart upload ` +
        'was aborted and no output was written. The event will be retried; if this keeps happening, lower ' +
        'MAX_OBJECT_BYTES or raise the function timeout.',
    );
    this.name = 'DeadlineExceededError';
    this.remainingMs = remainingMs;
    this.marginMs = marginMs;
  }
}
