import { pipeline, Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { CryptoError, type EnvelopeEncryptor } from '@secure-lambda/crypto';
import {
  APP_NAME,
  FAILURE_REASON_DIMENSION,
  FailureReason,
  type FailureReasonValue,
  MetadataKeys,
  MetricNames,
  OUTPUT_KEY_SUFFIX,
  ProcessorDefaults,
  SkipReason,
  type SkipReasonValue,
} from './constants';
import {
  ConfigurationError,
  type DeadlineExceededError,
  MalformedEventError,
  ObjectTooLargeError,
  type RecordFailure,
  RecordsFailedError,
  UnexpectedBucketError,
  UnexpectedResponseError,
} from './errors';
import { decodeObjectKey, isObjectCreated, parseS3Event, type SourceObject } from './event';
import { forEachConcurrently } from './private/concurrency';
import { Deadline, deadlineGuard, type RemainingTime } from './private/deadline';

export type { RemainingTime } from './private/deadline';

/** The logger calls the processor makes (Powertools `Logger` fits). */
export interface ProcessorLogger {
  info(message: string, attributes: Readonly<Record<string, unknown>>): void;
  warn(message: string, attributes: Readonly<Record<string, unknown>>): void;
  error(message: string, attributes: Readonly<Record<string, unknown>>): void;
}

export type ProcessorMetricUnit = 'Count' | 'Bytes';

/** A metric flushed on its own, with its own dimensions (Powertools `singleMetric()`). */
export interface ProcessorSingleMetric {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: ProcessorMetricUnit, value: number): unknown;
}

/** The metrics calls the processor makes (Powertools `Metrics` fits). */
export interface ProcessorMetrics {
  addMetric(name: string, unit: ProcessorMetricUnit, value: number): unknown;
  singleMetric(): ProcessorSingleMetric;
}

export interface ObjectProcessorProps {
  /** Reads the source objects and writes the output; create it once per container. */
  readonly s3: S3Client;
  /** Encrypts each object into an AWS Encryption SDK message. */
  readonly encryptor: EnvelopeEncryptor;
  /** The KMS key ARN used for SSE-KMS on the output objects. */
  readonly keyArn: string;
  readonly outputBucket: string;
  /**
   * The only bucket whose events are processed.
   * @default undefined (any bucket the role can read)
   */
  readonly inputBucket?: string;
  readonly logger: ProcessorLogger;
  readonly metrics: ProcessorMetrics;
  /**
   * Records processed at once.
   * @default 2
   */
  readonly concurrency?: number;
  /**
   * Part size of the multipart upload, at least 5 MiB (the S3 minimum).
   * @default 5_242_880 (5 MiB)
   */
  readonly partSizeBytes?: number;
  /**
   * Parts uploaded at once per object. Memory per object is about (queueSize + 1) x partSizeBytes.
   * @default 2
   */
  readonly queueSize?: number;
  /**
   * Largest object encrypted, in bytes. A larger object is refused with `ObjectTooLargeError` before its
   * body is read: on the event's size when that is already too large (no S3 call), else on GetObject's
   * Content-Length, which is authoritative (the event's size can be forged by a direct invoker).
   * @default 1_073_741_824 (1 GiB, `ProcessorDefaults.MAX_OBJECT_BYTES`)
   */
  readonly maxObjectBytes?: number;
  /**
   * Time kept back before the invocation's deadline. Once less remains, the record stops: its multipart
   * upload is aborted and it fails with `DeadlineExceededError`, instead of Lambda killing it mid-upload.
   * @default 10_000 (`ProcessorDefaults.DEADLINE_MARGIN_MS`)
   */
  readonly deadlineMarginMs?: number;
}

/** What one invocation did; the handler's result. */
export interface ProcessingSummary {
  readonly records: number;
  readonly processed: number;
  readonly skipped: number;
  /** Plaintext bytes encrypted and written. */
  readonly bytes: number;
}

type Outcome =
  | { readonly kind: 'processed'; readonly bytes: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'failed'; readonly failure: RecordFailure };

/** Where a record points, for logs (never content). */
interface Location {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min) {
    throw new ConfigurationError(
      `ObjectProcessor: ${name} must be an integer of at least ${min}, got ${value}.`,
    );
  }
  return resolved;
}

/** The `code` of our and the crypto package's errors, else the SDK's exception `name`. */
function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? code : error.name;
  }
  return 'UnknownError';
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/**
 * S3 sequencers order the events of one key: the longer one is left-padded with zeros before a string
 * comparison (as the S3 documentation says). True if `existing` was written by a later event.
 */
function isLaterSequencer(existing: string | undefined, incoming: string | undefined): boolean {
  if (!existing || !incoming) return false;
  const width = Math.max(existing.length, incoming.length);
  return existing.toUpperCase().padStart(width, '0') > incoming.toUpperCase().padStart(width, '0');
}

/** An ETag in the form If-Match wants: quoted (events carry it bare). */
function quoted(eTag: string): string {
  return eTag.startsWith('"') ? eTag : `"${eTag}"`;
}

/** S3's limit on parts per multipart upload, with headroom. */
const MAX_UPLOAD_PARTS = 9_000;

/** What the race between an upload and the deadline's hard stop yields when the hard stop wins. */
const HARD_STOP = Symbol('hard stop');

/**
 * Builds the S3 event handler: validates the event, then for each ObjectCreated record streams the object
 * from S3 through envelope encryption into `<key>.encrypted` in the output bucket (SSE-KMS, the source
 * version in the metadata), skipping records whose version is already there. Failed records are collected
 * and reported at the end with `RecordsFailedError`, after the other records were processed. Objects above
 * `maxObjectBytes` are refused unread; a record that would run into the invocation's deadline (the
 * context's remaining time) is stopped with its multipart upload aborted.
 *
 * @example
 * ```ts
 * const process = createObjectProcessor({ s3, encryptor, keyArn, outputBucket, logger, metrics });
 * export const handler = async (event: unknown, context: Context) => process(event, context);
 * ```
 */
export function createObjectProcessor(
  props: ObjectProcessorProps,
): (event: unknown, context: RemainingTime) => Promise<ProcessingSummary> {
  const { s3, encryptor, keyArn, outputBucket, logger, metrics } = props;
  if (!keyArn || !outputBucket) {
    throw new ConfigurationError('ObjectProcessor: keyArn and outputBucket are required.');
  }
  const concurrency = positiveInteger('concurrency', props.concurrency, ProcessorDefaults.CONCURRENCY);
  const partSize = positiveInteger(
    'partSizeBytes',
    props.partSizeBytes,
    ProcessorDefaults.PART_SIZE_BYTES,
    ProcessorDefaults.PART_SIZE_BYTES,
  );
  const queueSize = positiveInteger('queueSize', props.queueSize, ProcessorDefaults.QUEUE_SIZE);
  const maxObjectBytes = positiveInteger(
    'maxObjectBytes',
    props.maxObjectBytes,
    ProcessorDefaults.MAX_OBJECT_BYTES,
  );
  const deadlineMarginMs = positiveInteger(
    'deadlineMarginMs',
    props.deadlineMarginMs,
    ProcessorDefaults.DEADLINE_MARGIN_MS,
  );

  const countFailure = (reason: FailureReasonValue): void => {
    const single = metrics.singleMetric();
    single.addDimension(FAILURE_REASON_DIMENSION, reason);
    single.addMetric(MetricNames.FAILURES, 'Count', 1);
  };

  const skipped = (
    where: Location,
    reason: SkipReasonValue,
    extra: Record<string, unknown> = {},
  ): Outcome => {
    // Retries and late events are routine; the other reasons point at deletes or the trigger's setup.
    const routine = reason === SkipReason.ALREADY_PROCESSED || reason === SkipReason.SUPERSEDED;
    const attributes = { ...where, skipReason: reason, ...extra };
    if (routine) logger.info('Skipped the object', attributes);
    else logger.warn('Skipped the object', attributes);
    metrics.addMetric(MetricNames.OBJECTS_SKIPPED, 'Count', 1);
    return { kind: 'skipped' };
  };

  const failed = (
    where: Location,
    reason: FailureReasonValue,
    error: unknown,
    extra: Record<string, unknown> = {},
  ): Outcome => {
    const failure: RecordFailure = { ...where, reason, errorCode: errorCode(error) };
    logger.error('Could not process the object', { ...failure, ...extra, error });
    countFailure(reason);
    return { kind: 'failed', failure };
  };

  const tooLarge = (where: Location, error: ObjectTooLargeError): Outcome =>
    failed(where, FailureReason.OBJECT_TOO_LARGE, error, {
      objectBytes: error.objectBytes,
      maxObjectBytes: error.maxObjectBytes,
      sizeSource: error.sizeSource,
    });

  const outOfTime = (where: Location, error: DeadlineExceededError): Outcome =>
    failed(where, FailureReason.DEADLINE_EXCEEDED, error, {
      remainingMs: error.remainingMs,
      marginMs: error.marginMs,
    });

  /*
   * The upload's own abort (leavePartsOnError: false) runs after the parts in flight finish. This one is for
   * when a part hangs past the hard stop: without it the parts would stay until the bucket's lifecycle rule.
   */
  const abortUpload = async (where: Location, outputKey: string, uploadId: string | undefined) => {
    if (uploadId === undefined) return;
    try {
      await s3.send(
        new AbortMultipartUploadCommand({ Bucket: outputBucket, Key: outputKey, UploadId: uploadId }),
      );
    } catch (error) {
      // NoSuchUpload: the upload's own abort got there first.
      if (httpStatus(error) === 404) return;
      logger.warn('Could not abort the multipart upload', {
        ...where,
        outputKey,
        errorCode: errorCode(error),
      });
    }
  };

  /** The output's metadata, or undefined if there is no output yet. */
  const headOutput = async (
    outputKey: string,
    abortSignal: AbortSignal,
  ): Promise<Record<string, string> | undefined> => {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: outputBucket, Key: outputKey }), {
        abortSignal,
      });
      return head.Metadata ?? {};
    } catch (error) {
      // 404 needs s3:ListBucket on the output bucket; without it S3 answers 403 and the record fails.
      if (httpStatus(error) === 404 || (error as Error)?.name === 'NotFound') return undefined;
      throw error;
    }
  };

  const processRecord = async (record: SourceObject, clock: RemainingTime): Promise<Outcome> => {
    let key: string;
    try {
      key = decodeObjectKey(record.rawKey);
    } catch (error) {
      return failed(
        { bucket: record.bucket, key: record.rawKey, versionId: record.versionId },
        FailureReason.INVALID_OBJECT_KEY,
        error,
      );
    }
    const where: Location = { bucket: record.bucket, key, versionId: record.versionId };
    if (props.inputBucket !== undefined && record.bucket !== props.inputBucket) {
      return failed(
        where,
        FailureReason.UNEXPECTED_BUCKET,
        new UnexpectedBucketError(
          `events are accepted from the input bucket "${props.inputBucket}" only: remove this bucket's ` +
            'notification to the function, or deploy the function for this bucket with INPUT_BUCKET set to it',
        ),
      );
    }
    if (!isObjectCreated(record.eventName)) {
      return skipped(where, SkipReason.NOT_OBJECT_CREATED, { eventName: record.eventName });
    }
    if (record.bucket === outputBucket && key.endsWith(OUTPUT_KEY_SUFFIX)) {
      return skipped(where, SkipReason.OWN_OUTPUT);
    }
    // What S3 reported in the event: enough to refuse without a request. Not enough to accept (a direct
    // invoker writes any size), so GetObject's Content-Length is checked again below.
    if (record.size !== undefined && record.size > maxObjectBytes) {
      return tooLarge(where, new ObjectTooLargeError(record.size, maxObjectBytes, 'event'));
    }
    const deadline = new Deadline(clock, deadlineMarginMs);
    try {
      return await encryptObject(record, where, key, deadline);
    } finally {
      deadline.dispose();
    }
  };

  const encryptObject = async (
    record: SourceObject,
    where: Location,
    key: string,
    deadline: Deadline,
  ): Promise<Outcome> => {
    if (deadline.error) return outOfTime(where, deadline.error);
    const outputKey = `${key}${OUTPUT_KEY_SUFFIX}`;

    let existing: Record<string, string> | undefined;
    try {
      existing = await headOutput(outputKey, deadline.signal);
    } catch (error) {
      if (deadline.error) return outOfTime(where, deadline.error);
      return failed(where, FailureReason.OUTPUT_CHECK_FAILED, error);
    }
    // Versions and sequencers only compare within one source bucket.
    if (existing && existing[MetadataKeys.SOURCE_BUCKET] === record.bucket) {
      const done = record.versionId
        ? existing[MetadataKeys.SOURCE_VERSION_ID] === record.versionId
        : record.eTag !== undefined &&
          existing[MetadataKeys.SOURCE_VERSION_ID] === undefined &&
          existing[MetadataKeys.SOURCE_ETAG] === record.eTag;
      if (done) return skipped(where, SkipReason.ALREADY_PROCESSED);
      if (isLaterSequencer(existing[MetadataKeys.SOURCE_SEQUENCER], record.sequencer)) {
        return skipped(where, SkipReason.SUPERSEDED);
      }
    }

    let body: Readable;
    let contentLength: number;
    try {
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: record.bucket,
          Key: key,
          VersionId: record.versionId,
          // Unversioned: read only the content the event announced, not a later overwrite.
          IfMatch: !record.versionId && record.eTag ? quoted(record.eTag) : undefined,
        }),
        { abortSignal: deadline.signal },
      );
      if (!(object.Body instanceof Readable)) {
        (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new UnexpectedResponseError('GetObject returned no streamed body; the record will be retried.');
      }
      body = object.Body;
      if (object.ContentLength === undefined) {
        body.destroy();
        throw new UnexpectedResponseError(
          'GetObject returned no Content-Length; the record will be retried.',
        );
      }
      contentLength = object.ContentLength;
    } catch (error) {
      if (deadline.error) return outOfTime(where, deadline.error);
      const status = httpStatus(error);
      // 404: the version (or key) was deleted; 412: overwritten since. A later event covers what is there now.
      if (status === 404 || status === 412) {
        return skipped(where, SkipReason.SOURCE_GONE, { errorCode: errorCode(error) });
      }
      return failed(where, FailureReason.READ_FAILED, error);
    }
    if (contentLength > maxObjectBytes) {
      // Destroyed unread: nothing of the body is consumed, and the connection is closed.
      body.destroy();
      return tooLarge(where, new ObjectTooLargeError(contentLength, maxObjectBytes, 'GetObject'));
    }

    let readFailed = false;
    body.once('error', () => {
      readFailed = true;
    });
    const encrypt = encryptor.encryptStream({
      // `versionId` 'null' is S3's own name for the version of an object in an unversioned bucket.
      encryptionContext: { app: APP_NAME, bucket: record.bucket, key, versionId: record.versionId ?? 'null' },
      plaintextLength: contentLength,
    });
    // S3 allows 10,000 parts: large objects get larger parts (the message is a little longer than the
    // plaintext: 36 bytes a frame plus the header), so no object fails at part 10,001.
    const uploadPartSize = Math.max(
      partSize,
      Math.ceil((contentLength * 1.01 + 1024 * 1024) / MAX_UPLOAD_PARTS),
    );
    // Errors on any side destroy the guard, so they surface through the upload that reads it; so does the
    // deadline, checked once per part and by its timer.
    const ciphertext = pipeline(body, encrypt, deadlineGuard(deadline, uploadPartSize), () => undefined);
    const metadata: Record<string, string> = { [MetadataKeys.SOURCE_BUCKET]: record.bucket };
    if (record.versionId) metadata[MetadataKeys.SOURCE_VERSION_ID] = record.versionId;
    if (record.eTag) metadata[MetadataKeys.SOURCE_ETAG] = record.eTag;
    if (record.sequencer) metadata[MetadataKeys.SOURCE_SEQUENCER] = record.sequencer;
    try {
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: outputBucket,
          Key: outputKey,
          Body: ciphertext,
          ContentType: 'application/octet-stream',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: keyArn,
          Metadata: metadata,
        },
        partSize: uploadPartSize,
        queueSize,
        leavePartsOnError: false,
      });
      const done = upload.done();
      // Left behind if the hard stop wins the race below: its rejection must not go unhandled.
      done.catch(() => undefined);
      const finished = await Promise.race([done, deadline.hardStop.catch(() => HARD_STOP)]);
      if (finished === HARD_STOP) {
        await abortUpload(where, outputKey, upload.uploadId);
        throw deadline.error;
      }
    } catch (error) {
      if (deadline.error) return outOfTime(where, deadline.error);
      const reason =
        error instanceof CryptoError
          ? FailureReason.ENCRYPT_FAILED
          : readFailed
            ? FailureReason.READ_FAILED
            : FailureReason.WRITE_FAILED;
      return failed(where, reason, error);
    } finally {
      // An upload that stopped early leaves the source paused on an open connection.
      encrypt.destroy();
      body.destroy();
    }
    logger.info('Encrypted the object', { ...where, outputBucket, outputKey, bytes: contentLength });
    metrics.addMetric(MetricNames.OBJECTS_PROCESSED, 'Count', 1);
    metrics.addMetric(MetricNames.BYTES_PROCESSED, 'Bytes', contentLength);
    return { kind: 'processed', bytes: contentLength };
  };

  return async (event: unknown, context: RemainingTime): Promise<ProcessingSummary> => {
    let records: SourceObject[];
    try {
      records = parseS3Event(event);
    } catch (error) {
      if (error instanceof MalformedEventError) {
        // The issues name fields, never values: the event body is not logged.
        logger.error('Rejected a malformed event', { errorCode: error.code, issues: error.issues });
        countFailure(FailureReason.MALFORMED_EVENT);
      }
      throw error;
    }

    const outcomes: Outcome[] = [];
    await forEachConcurrently(records, concurrency, async (record, index) => {
      outcomes[index] = await processRecord(record, context);
    });

    const failures: RecordFailure[] = [];
    let processed = 0;
    let skippedCount = 0;
    let bytes = 0;
    for (const outcome of outcomes) {
      if (outcome.kind === 'processed') {
        processed += 1;
        bytes += outcome.bytes;
      } else if (outcome.kind === 'skipped') {
        skippedCount += 1;
      } else {
        failures.push(outcome.failure);
      }
    }
    const summary: ProcessingSummary = { records: records.length, processed, skipped: skippedCount, bytes };
    logger.info('Processed the event', { ...summary, failed: failures.length });
    if (failures.length > 0) throw new RecordsFailedError(failures, records.length);
    return summary;
  };
}
