/**
 * Adapter from the AWS SDK v3 `KMSClient` to the crypto core's `KmsClientLike`. A separate subpath
 * (`@secure-lambda/crypto/kms-sdk`) so code that brings its own client never loads the SDK. Only the
 * three commands used are imported, which keeps bundles small.
 */
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  type KMSClientConfig,
} from '@aws-sdk/client-kms';
import type {
  KmsClientLike,
  KmsDecryptInput,
  KmsDecryptOutput,
  KmsEncryptInput,
  KmsEncryptOutput,
  KmsGenerateDataKeyInput,
  KmsGenerateDataKeyOutput,
} from './kms-client';

function mutable<T>(value: readonly T[] | undefined): T[] | undefined {
  return value ? [...value] : undefined;
}

/**
 * Wraps an existing `KMSClient`. Retries, timeouts and credentials stay the client's own.
 *
 * @example
 * ```ts
 * const kms = fromKmsClient(new KMSClient({ region: 'eu-west-1', maxAttempts: 5 }));
 * ```
 */
export function fromKmsClient(client: KMSClient): KmsClientLike {
  return {
    async generateDataKey(input: KmsGenerateDataKeyInput): Promise<KmsGenerateDataKeyOutput> {
      const { KeyId, Plaintext, CiphertextBlob } = await client.send(
        new GenerateDataKeyCommand({
          KeyId: input.KeyId,
          NumberOfBytes: input.NumberOfBytes,
          EncryptionContext: input.EncryptionContext ? { ...input.EncryptionContext } : undefined,
          GrantTokens: mutable(input.GrantTokens),
        }),
      );
      return { KeyId, Plaintext, CiphertextBlob };
    },
    async encrypt(input: KmsEncryptInput): Promise<KmsEncryptOutput> {
      const { KeyId, CiphertextBlob } = await client.send(
        new EncryptCommand({
          KeyId: input.KeyId,
          Plaintext: input.Plaintext,
          EncryptionContext: input.EncryptionContext ? { ...input.EncryptionContext } : undefined,
          GrantTokens: mutable(input.GrantTokens),
        }),
      );
      return { KeyId, CiphertextBlob };
    },
    async decrypt(input: KmsDecryptInput): Promise<KmsDecryptOutput> {
      const { KeyId, Plaintext } = await client.send(
        new DecryptCommand({
          KeyId: input.KeyId,
          CiphertextBlob: input.CiphertextBlob,
          EncryptionContext: input.EncryptionContext ? { ...input.EncryptionContext } : undefined,
          GrantTokens: mutable(input.GrantTokens),
        }),
      );
      return { KeyId, Plaintext };
    },
  };
}

/**
 * Creates a `KMSClient` and wraps it. Defaults come from the environment (region, credentials); the SDK
 * retries throttling with backoff before the core reports `KMS_THROTTLED`.
 *
 * @example
 * ```ts
 * const keyring = new KmsKeyring({ client: createKmsClient(), generatorKeyId: process.env.KEY_ARN! });
 * ```
 */
export function createKmsClient(config: KMSClientConfig = {}): KmsClientLike {
  return fromKmsClient(new KMSClient(config));
}
