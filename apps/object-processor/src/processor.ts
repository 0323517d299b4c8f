import { pipeline, Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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
  MalformedEventError,
  type RecordFailure,
  RecordsFailedError,
  UnexpectedBucketError,
  UnexpectedResponseError,
} from './errors';
import { decodeObjectKey, isObjectCreated, parseS3Event, type SourceObject } from './event';
import { forEachConcurrently } from './private/concurrency';

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

/**
 * Builds the S3 event handler: validates the event, then for each ObjectCreated record streams the object
 * from S3 through envelope encryption into `<key>.encrypted` in the output bucket (SSE-KMS, the source
 * version in the metadata), skipping records whose version is already there. Failed records are collected
 * and reported at the end with `RecordsFailedError`, after the other records were processed.
 *
 * @example
 * ```ts
 * const process = createObjectProcessor({ s3, encryptor, keyArn, outputBucket, logger, metrics });
 * export const handler = async (event: unknown) => process(event);
 * ```
 */
export function createObjectProcessor(
  props: ObjectProcessorProps,
): (event: unknown) => Promise<ProcessingSummary> {
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

  const failed = (where: Location, reason: FailureReasonValue, error: unknown): Outcome => {
    const failure: RecordFailure = { ...where, reason, errorCode: errorCode(error) };
    logger.error('Could not process the object', { ...failure, error });
    countFailure(reason);
    return { kind: 'failed', failure };
  };

  /** The output's metadata, or undefined if there is no output yet. */
  const headOutput = async (outputKey: string): Promise<Record<string, string> | undefined> => {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: outputBucket, Key: outputKey }));
      return head.Metadata ?? {};
    } catch (error) {
      // 404 needs s3:ListBucket on the output bucket; without it S3 answers 403 and the record fails.
      if (httpStatus(error) === 404 || (error as Error)?.name === 'NotFound') return undefined;
      throw error;
    }
  };

  const processRecord = async (record: SourceObject): Promise<Outcome> => {
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
    const outputKey = `${key}${OUTPUT_KEY_SUFFIX}`;

    let existing: Record<string, string> | undefined;
    try {
      existing = await headOutput(outputKey);
    } catch (error) {
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
      const status = httpStatus(error);
      // 404: the version (or key) was deleted; 412: overwritten since. A later event covers what is there now.
      if (status === 404 || status === 412) {
        return skipped(where, SkipReason.SOURCE_GONE, { errorCode: errorCode(error) });
      }
      return failed(where, FailureReason.READ_FAILED, error);
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
    // Errors on either side destroy `encrypt`, so they surface through the upload that reads it.
    const ciphertext = pipeline(body, encrypt, () => undefined);
    const metadata: Record<string, string> = { [MetadataKeys.SOURCE_BUCKET]: record.bucket };
    if (record.versionId) metadata[MetadataKeys.SOURCE_VERSION_ID] = record.versionId;
    if (record.eTag) metadata[MetadataKeys.SOURCE_ETAG] = record.eTag;
    if (record.sequencer) metadata[MetadataKeys.SOURCE_SEQUENCER] = record.sequencer;
    try {
      await new Upload({
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
        // S3 allows 10,000 parts: large objects get larger parts (the message is a little longer than the
        // plaintext: 36 bytes a frame plus the header), so no object fails at part 10,001.
        partSize: Math.max(partSize, Math.ceil((contentLength * 1.01 + 1024 * 1024) / MAX_UPLOAD_PARTS)),
        queueSize,
        leavePartsOnError: false,
      }).done();
    } catch (error) {
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

  return async (event: unknown): Promise<ProcessingSummary> => {
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
      outcomes[index] = await processRecord(record);
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
