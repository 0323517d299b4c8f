import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { InMemoryKms } from '@secure-lambda/testkit';
import { createObjectProcessor, type ObjectProcessorProps, type RemainingTime } from '../../src/processor';
import { CountdownClock, encodeKeyLikeS3, RecordingLogger, RecordingMetrics, s3Record } from './doubles';
import { InMemoryS3 } from './in-memory-s3';

export const INPUT = 'input-bucket';
export const OUTPUT = 'output-bucket';
export const MiB = 1024 * 1024;
/** What a fresh invocation of the deployed function has left: its 300 s timeout. */
const FRESH_INVOCATION_MS = 300_000;

export interface Harness {
  readonly s3: InMemoryS3;
  readonly kms: InMemoryKms;
  readonly keyArn: string;
  readonly encryptor: EnvelopeEncryptor;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
  /** Runs the processor; without a clock, as a fresh invocation whose time does not run out. */
  readonly process: (
    event: unknown,
    clock?: RemainingTime,
  ) => ReturnType<ReturnType<typeof createObjectProcessor>>;
}

/** The processor over an in-memory S3 (input and output buckets) and an in-memory KMS. */
export function harness(
  options: { versioned?: boolean; props?: Partial<ObjectProcessorProps> } = {},
): Harness {
  const s3 = new InMemoryS3();
  s3.createBucket(INPUT, { versioned: options.versioned ?? true });
  s3.createBucket(OUTPUT, { versioned: true });
  const kms = new InMemoryKms();
  const keyArn = kms.createKey();
  const encryptor = new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
    cache: new DataKeyCache(),
  });
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const run = createObjectProcessor({
    s3: s3.client,
    encryptor,
    keyArn,
    outputBucket: OUTPUT,
    logger,
    metrics,
    ...options.props,
  });
  const process: Harness['process'] = (event, clock = new CountdownClock(FRESH_INVOCATION_MS)) =>
    run(event, clock);
  return { s3, kms, keyArn, encryptor, logger, metrics, process };
}

/** Stores an object and returns the notification record S3 would send for it. */
export function upload(h: Harness, key: string, body: Buffer | string, sequencer?: string) {
  const stored = h.s3.put(INPUT, key, body);
  return s3Record({
    bucket: INPUT,
    key: encodeKeyLikeS3(key),
    versionId: stored.versionId,
    eTag: stored.eTag,
    size: stored.body.length,
    sequencer,
  });
}

export async function decryptOutput(h: Harness, key: string) {
  const output = h.s3.latest(OUTPUT, `${key}.encrypted`);
  if (!output) throw new Error(`no output for ${key}`);
  return h.encryptor.decrypt(output.body);
}
