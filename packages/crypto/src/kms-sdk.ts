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
  EncryptionContext,
  KmsClientLike,
  KmsDecryptInput,
  KmsDecryptOutput,
  KmsEncryptInput,
  KmsEncryptOutput,
  KmsGenerateDataKeyInput,
  KmsGenerateDataKeyOutput,
} from './kms-client';

/** The SDK's input types want mutable copies of the context and grant tokens. */
function common(input: {
  readonly EncryptionContext?: EncryptionContext;
  readonly GrantTokens?: readonly string[];
}) {
  return {
    EncryptionContext: input.EncryptionContext ? { ...input.EncryptionContext } : undefined,
    GrantTokens: input.GrantTokens ? [...input.GrantTokens] : undefined,
  };
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
          ...common(input),
        }),
      );
      return { KeyId, Plaintext, CiphertextBlob };
    },
    async encrypt(input: KmsEncryptInput): Promise<KmsEncryptOutput> {
      const { KeyId, CiphertextBlob } = await client.send(
        new EncryptCommand({ KeyId: input.KeyId, Plaintext: input.Plaintext, ...common(input) }),
      );
      return { KeyId, CiphertextBlob };
    },
    async decrypt(input: KmsDecryptInput): Promise<KmsDecryptOutput> {
      const { KeyId, Plaintext } = await client.send(
        new DecryptCommand({ KeyId: input.KeyId, CiphertextBlob: input.CiphertextBlob, ...common(input) }),
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
