import { EnvVars, ProcessorDefaults } from './constants';
import { ConfigurationError } from './errors';

/** What the entry point needs from the environment. */
export interface ObjectProcessorConfig {
  /** Generates the data keys and is the SSE-KMS key of the output objects. */
  readonly keyArn: string;
  readonly outputBucket: string;
  /** When set, events from any other bucket are refused. */
  readonly inputBucket?: string;
  /** Path-style S3 addressing, for emulators only. */
  readonly forcePathStyle: boolean;
  /** Largest object encrypted, in bytes; larger ones are refused unread. */
  readonly maxObjectBytes: number;
}

/*
 * A key ARN, not an alias or a bare key id: KMS answers GenerateDataKey with the key ARN and the keyring
 * refuses a response naming another key than the one it asked for.
 */
const KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Decimal digits only: no sign, exponent, fraction, hex or unit suffix that `Number()` would accept. */
const DECIMAL_INTEGER = /^[0-9]+$/;

function maxObjectBytes(env: NodeJS.ProcessEnv): number {
  const raw = env[EnvVars.MAX_OBJECT_BYTES]?.trim();
  if (raw === undefined || raw === '') return ProcessorDefaults.MAX_OBJECT_BYTES;
  const value = DECIMAL_INTEGER.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(
      `Environment variable ${EnvVars.MAX_OBJECT_BYTES} must be a whole number of bytes of at least 1 ` +
        `(e.g. 1073741824 for 1 GiB), or unset for the default of ${ProcessorDefaults.MAX_OBJECT_BYTES}.`,
    );
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string, hint: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`Environment variable ${name} is not set: set it to ${hint}.`);
  return value;
}

/**
 * Reads and checks the configuration. Throws `ConfigurationError` (`INVALID_CONFIGURATION`) naming the
 * variable to fix, so a misconfigured function fails at start rather than on every record.
 *
 * @example
 * ```ts
 * const config = readConfig(process.env);
 * const s3 = new S3Client({ forcePathStyle: config.forcePathStyle });
 * ```
 */
export function readConfig(env: NodeJS.ProcessEnv): ObjectProcessorConfig {
  const keyArn = required(
    env,
    EnvVars.KEY_ARN,
    'the ARN of the KMS key (arn:aws:kms:<region>:<account>:key/<id>)',
  );
  if (!KEY_ARN_PATTERN.test(keyArn)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVars.KEY_ARN} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), ` +
        'not an alias or key id: KMS reports the key ARN and the keyring only accepts the key it asked for.',
    );
  }
  const outputBucket = required(
    env,
    EnvVars.OUTPUT_BUCKET,
    'the name of the bucket for the encrypted copies',
  );
  const pathStyle = env[EnvVars.S3_FORCE_PATH_STYLE]?.trim().toLowerCase();
  if (pathStyle !== undefined && pathStyle !== '' && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new ConfigurationError(
      `Environment variable ${EnvVars.S3_FORCE_PATH_STYLE} must be "true" or "false" (or unset for false).`,
    );
  }
  const inputBucket = env[EnvVars.INPUT_BUCKET]?.trim() || undefined;
  return {
    keyArn,
    outputBucket,
    forcePathStyle: pathStyle === 'true',
    maxObjectBytes: maxObjectBytes(env),
    ...(inputBucket ? { inputBucket } : {}),
  };
}
