import { KMS_MAX_PLAINTEXT_BYTES } from './constants';
import { CryptoConfigurationError, CryptoErrorCode, KmsFailureError, PayloadTooLargeError } from './errors';
import type { EncryptionContext, KmsClientLike } from './kms-client';
import { validateEncryptionContext } from './private/encryption-context';
import { mapKmsError } from './private/kms-errors';

export interface KmsEncryptParams {
  /** Key ARN, key id or alias of a symmetric KMS key. */
  readonly keyId: string;
  /** 1 to 4,096 bytes. Larger data goes through `EnvelopeEncryptor`. */
  readonly plaintext: Uint8Array;
  /** Bound to the ciphertext by KMS; the same pairs are needed to decrypt. Pass `{}` deliberately for none. */
  readonly encryptionContext: EncryptionContext;
}

export interface KmsDecryptParams {
  /** The key the ciphertext must have been encrypted under. KMS refuses any other key. */
  readonly keyId: string;
  readonly ciphertext: Uint8Array;
  readonly encryptionContext: EncryptionContext;
}

function requireKeyId(keyId: unknown, fn: string): string {
  if (typeof keyId !== 'string' || keyId.length === 0) {
    throw new CryptoConfigurationError(`${fn}: keyId is required (a KMS key ARN, key id or alias).`);
  }
  return keyId;
}

/**
 * Encrypts a small secret directly under a KMS key (KMS `Encrypt`). For anything over 4 KiB, or for
 * high volume, use `EnvelopeEncryptor`: one KMS call per message does not scale.
 *
 * @example
 * ```ts
 * const blob = await kmsEncrypt(kms, { keyId, plaintext: Buffer.from(apiToken), encryptionContext: { app: 'billing' } });
 * ```
 */
export async function kmsEncrypt(client: KmsClientLike, params: KmsEncryptParams): Promise<Uint8Array> {
  const keyId = requireKeyId(params?.keyId, 'kmsEncrypt');
  const plaintext = params.plaintext;
  if (!(plaintext instanceof Uint8Array)) {
    throw new CryptoConfigurationError('kmsEncrypt: plaintext must be a Buffer or Uint8Array.');
  }
  if (plaintext.byteLength > KMS_MAX_PLAINTEXT_BYTES) {
    throw new PayloadTooLargeError(
      `kmsEncrypt: plaintext is ${plaintext.byteLength} bytes; KMS Encrypt takes at most ${KMS_MAX_PLAINTEXT_BYTES}. ` +
        'Use EnvelopeEncryptor (envelope encryption) for larger data.',
      KMS_MAX_PLAINTEXT_BYTES,
      plaintext.byteLength,
    );
  }
  if (plaintext.byteLength === 0) {
    throw new CryptoConfigurationError('kmsEncrypt: plaintext is empty; KMS Encrypt needs at least 1 byte.');
  }
  const encryptionContext = validateEncryptionContext(params.encryptionContext);
  try {
    const response = await client.encrypt({
      KeyId: keyId,
      Plaintext: plaintext,
      EncryptionContext: encryptionContext,
    });
    if (!response.CiphertextBlob) throw new Error('KMS Encrypt returned no CiphertextBlob');
    return response.CiphertextBlob;
  } catch (error) {
    throw mapKmsError(error, 'Encrypt', keyId);
  }
}

/**
 * Decrypts a KMS `Encrypt` ciphertext, pinned to `keyId`: KMS refuses a ciphertext of any other key
 * (`IncorrectKeyException`), and when `keyId` is an ARN the key KMS reports must be that ARN.
 *
 * @example
 * ```ts
 * const secret = await kmsDecrypt(kms, { keyId, ciphertext: blob, encryptionContext: { app: 'billing' } });
 * ```
 */
export async function kmsDecrypt(client: KmsClientLike, params: KmsDecryptParams): Promise<Uint8Array> {
  const keyId = requireKeyId(params?.keyId, 'kmsDecrypt');
  if (!(params.ciphertext instanceof Uint8Array) || params.ciphertext.byteLength === 0) {
    throw new CryptoConfigurationError('kmsDecrypt: ciphertext must be a non-empty Buffer or Uint8Array.');
  }
  const encryptionContext = validateEncryptionContext(params.encryptionContext);
  let response: Awaited<ReturnType<KmsClientLike['decrypt']>>;
  try {
    response = await client.decrypt({
      KeyId: keyId,
      CiphertextBlob: params.ciphertext,
      EncryptionContext: encryptionContext,
    });
  } catch (error) {
    throw mapKmsError(error, 'Decrypt', keyId);
  }
  if (
    !response.Plaintext ||
    (keyId.startsWith('arn:') && !keyId.includes(':alias/') && response.KeyId !== keyId)
  ) {
    response.Plaintext?.fill(0);
    throw new KmsFailureError(
      CryptoErrorCode.KMS_FAILURE,
      `kmsDecrypt: KMS reported key ${String(response.KeyId)}, not the pinned ${keyId}; the plaintext was discarded.`,
      { keyId, operation: 'Decrypt' },
    );
  }
  return response.Plaintext;
}
