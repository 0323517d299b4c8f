/**
 * Lambda entry point of object-processor: wires real clients from the environment and exports `handler`.
 * Everything is created once at module scope, during init, so warm invocations reuse the clients, their
 * connections and the data-key cache. The logic lives in `processor.ts`, where it is tested with fakes.
 *
 * Environment: KEY_ARN, OUTPUT_BUCKET (required); INPUT_BUCKET, MAX_OBJECT_BYTES (optional);
 * S3_FORCE_PATH_STYLE (emulators only); the SDK's own
 * AWS_REGION, credentials and, for emulators, AWS_ENDPOINT_URL; Powertools' POWERTOOLS_* settings.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { createKmsClient } from '@secure-lambda/crypto/kms-sdk';
import { createObservability, withObservability } from '@secure-lambda/observability';
import type { Context } from 'aws-lambda';
import { readConfig } from './config';
import { SERVICE_NAME } from './constants';
import { createObjectProcessor, type ProcessingSummary } from './processor';

const config = readConfig(process.env);
const observability = createObservability({ serviceName: SERVICE_NAME });

/*
 * No endpoint is configured in code: SDK v3 clients read AWS_ENDPOINT_URL themselves, which is how tests
 * point both S3 and KMS at a local moto server while production uses the regional endpoints. Path-style
 * addressing is opt-in because virtual-hosted style (bucket.127.0.0.1) cannot resolve against an emulator
 * on an IP address; real S3 is deprecating path style, so production leaves S3_FORCE_PATH_STYLE unset.
 */
const s3 = new S3Client({ forcePathStyle: config.forcePathStyle });

/*
 * Module scope: cached data keys outlive one invocation. Each object has its own encryption context, so
 * entries serve retries of the same object version within the cache's age bound.
 */
const dataKeyCache = new DataKeyCache();
const encryptor = new EnvelopeEncryptor({
  keyring: new KmsKeyring({ client: createKmsClient(), generatorKeyId: config.keyArn }),
  cache: dataKeyCache,
});

const processEvent = createObjectProcessor({
  s3,
  encryptor,
  keyArn: config.keyArn,
  outputBucket: config.outputBucket,
  ...(config.inputBucket ? { inputBucket: config.inputBucket } : {}),
  maxObjectBytes: config.maxObjectBytes,
  logger: observability.logger,
  metrics: observability.metrics,
});

/**
 * The Lambda handler for S3 ObjectCreated notifications (asynchronous invocation). Throws
 * `MalformedEventError` or `RecordsFailedError` so that Lambda retries the event and finally hands it to
 * the dead-letter queue. Records failed by `ObjectTooLargeError` or `DeadlineExceededError` are among the
 * `RecordsFailedError`'s failures.
 *
 * @example
 * ```ts
 * // Lambda calls it; in a test with the environment set:
 * const summary = await handler(s3Event, context); // { records: 1, processed: 1, skipped: 0, bytes: 1024 }
 * ```
 */
export const handler: (event: unknown, context: Context) => Promise<ProcessingSummary> = withObservability(
  // The context's remaining time is the deadline: records stop and abort their uploads before it.
  async (event: unknown, context: Context) => processEvent(event, context),
  observability,
);
