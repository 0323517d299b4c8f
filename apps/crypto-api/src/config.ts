/** The function's configuration, read once at cold start, and the encryptor built from it. */
import {
  CryptoConfigurationError,
  type DataKeyCache,
  EnvelopeEncryptor,
  type KmsClientLike,
  KmsKeyring,
} from '@secure-lambda/crypto';
import { isLoopbackEndpoint, regionalStsEndpoint } from '@secure-lambda/crypto-api-client/protocol';
import { EnvVar } from './constants';
import { CryptoApiConfigurationError } from './errors';

export interface CryptoApiConfig {
  /** ARN of the KMS key that generates and unwraps every data key. */
  readonly keyArn: string;
  /** The function's region (AWS_REGION, set by Lambda): identity proofs must be scoped to it. */
  readonly region: string;
  /** Where identity proofs are verified: the regional STS endpoint, or the local emulator. */
  readonly stsEndpoint: string;
}

/**
 * Reads the configuration from the environment.
 *
 * @throws CryptoApiConfigurationError (`INVALID_CONFIGURATION`) when KEY_ARN or AWS_REGION is missing, or
 * an endpoint override names anything but the loopback address
 *
 * @example
 * ```ts
 * const { keyArn, region, stsEndpoint } = readConfig(process.env);
 * ```
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): CryptoApiConfig {
  const keyArn = env[EnvVar.KEY_ARN]?.trim();
  if (!keyArn) {
    throw new CryptoApiConfigurationError(
      `${EnvVar.KEY_ARN} is not set. Set it to the ARN of the KMS key (arn:aws:kms:<region>:<account>:key/<id>) ` +
        'in the function configuration.',
    );
  }
  const region = env[EnvVar.REGION]?.trim();
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new CryptoApiConfigurationError(
      `${EnvVar.REGION} is not a region. Lambda sets it; outside Lambda set it to the function's region.`,
    );
  }
  // Only the local emulator may replace STS, and only on this machine's loopback address: a configuration
  // change must not be able to point identity checks at a server that answers with any identity.
  const override = env[EnvVar.STS_ENDPOINT]?.trim() || env[EnvVar.ENDPOINT]?.trim();
  if (override && !isLoopbackEndpoint(override)) {
    throw new CryptoApiConfigurationError(
      `${env[EnvVar.STS_ENDPOINT] ? EnvVar.STS_ENDPOINT : EnvVar.ENDPOINT} may only name the local emulator ` +
        '(http(s)://127.0.0.1:<port>): identity proofs are verified by STS itself. Remove it from the function configuration.',
    );
  }
  return { keyArn, region, stsEndpoint: override || regionalStsEndpoint(region) };
}

export interface EncryptorOptions {
  readonly client: KmsClientLike;
  readonly keyArn: string;
  /**
   * Reuses data keys across requests of the same caller.
   * @default undefined (one KMS call per request)
   */
  readonly cache?: DataKeyCache;
}

/**
 * Builds the envelope encryptor: one strict keyring on the configured key, so decrypt only ever asks KMS
 * to use that key, whatever key a submitted message names.
 *
 * @throws CryptoApiConfigurationError (`INVALID_CONFIGURATION`) when the key ARN is not a KMS key ARN
 *
 * @example
 * ```ts
 * const encryptor = createEncryptor({ client: createKmsClient(), keyArn, cache: new DataKeyCache() });
 * ```
 */
export function createEncryptor(options: EncryptorOptions): EnvelopeEncryptor {
  let keyring: KmsKeyring;
  try {
    keyring = new KmsKeyring({ client: options.client, generatorKeyId: options.keyArn });
  } catch (cause) {
    if (!(cause instanceof CryptoConfigurationError)) throw cause;
    throw new CryptoApiConfigurationError(
      `${EnvVar.KEY_ARN} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or ` +
        'key id: decrypt pins the key by ARN. Fix the function configuration.',
      { cause },
    );
  }
  // Every message this API writes carries exactly one wrapped key (its keyring has one key): refuse
  // messages with more before any KMS call, so a forged message cannot spend the account's KMS quota.
  return new EnvelopeEncryptor({
    keyring,
    maxEncryptedDataKeys: 1,
    ...(options.cache ? { cache: options.cache } : {}),
  });
}
