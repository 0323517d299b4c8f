import {
  CryptoConfigurationError,
  KmsAccessDeniedError,
  KmsInvalidCiphertextError,
  KmsKeyUnavailableError,
  KmsThrottledError,
  kmsDecrypt,
  kmsEncrypt,
  PayloadTooLargeError,
} from '../src';
import { fixture } from './fixtures';

describe('kmsEncrypt / kmsDecrypt', () => {
  const f = fixture();
  const context = { app: 'billing' };

  test('round trip up to 4,096 bytes', async () => {
    for (const size of [1, 100, 4096]) {
      const plaintext = Buffer.alloc(size, 3);
      const ciphertext = await kmsEncrypt(f.kms, { keyId: f.keyArn, plaintext, encryptionContext: context });
      const decrypted = await kmsDecrypt(f.kms, { keyId: f.keyArn, ciphertext, encryptionContext: context });
      expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
    }
  });

  test('over 4,096 bytes is PayloadTooLargeError pointing to the envelope API, before any KMS call', async () => {
    const before = f.kms.calls.encrypt;
    const error = await kmsEncrypt(f.kms, {
      keyId: f.keyArn,
      plaintext: Buffer.alloc(4097),
      encryptionContext: context,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).message).toMatch(/at most 4096\. Use EnvelopeEncryptor/);
    expect((error as PayloadTooLargeError).limit).toBe(4096);
    expect(f.kms.calls.encrypt).toBe(before);
  });

  test('decrypt is pinned to the key id', async () => {
    const ciphertext = await kmsEncrypt(f.kms, {
      keyId: f.keyArn,
      plaintext: Buffer.from('x'),
      encryptionContext: context,
    });
    await expect(
      kmsDecrypt(f.kms, { keyId: f.otherKeyArn, ciphertext, encryptionContext: context }),
    ).rejects.toBeInstanceOf(KmsInvalidCiphertextError);
  });

  test('a wrong context is KmsInvalidCiphertextError', async () => {
    const ciphertext = await kmsEncrypt(f.kms, {
      keyId: f.keyArn,
      plaintext: Buffer.from('x'),
      encryptionContext: context,
    });
    await expect(
      kmsDecrypt(f.kms, { keyId: f.keyArn, ciphertext, encryptionContext: { app: 'other' } }),
    ).rejects.toMatchObject({ code: 'KMS_INVALID_CIPHERTEXT', operation: 'Decrypt' });
  });

  test('a disabled key is KmsKeyUnavailableError naming the key', async () => {
    const g = fixture();
    g.kms.disableKey(g.keyArn);
    const error = await kmsEncrypt(g.kms, {
      keyId: g.keyArn,
      plaintext: Buffer.from('x'),
      encryptionContext: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsKeyUnavailableError);
    expect((error as KmsKeyUnavailableError).keyId).toBe(g.keyArn);
    expect((error as Error).message).toMatch(/disabled, pending deletion or does not exist/);
  });

  test('throttling and access denied map to typed errors with the cause kept', async () => {
    f.kms.failNext('encrypt', 'ThrottlingException');
    const throttled = await kmsEncrypt(f.kms, {
      keyId: f.keyArn,
      plaintext: Buffer.from('x'),
      encryptionContext: {},
    }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(KmsThrottledError);
    expect((throttled as Error).cause).toMatchObject({ name: 'ThrottlingException' });
    f.kms.failNext('decrypt', 'AccessDeniedException');
    await expect(
      kmsDecrypt(f.kms, { keyId: f.keyArn, ciphertext: Buffer.from('abc'), encryptionContext: {} }),
    ).rejects.toBeInstanceOf(KmsAccessDeniedError);
  });

  test('missing arguments are configuration errors', async () => {
    await expect(
      kmsEncrypt(f.kms, { keyId: '', plaintext: Buffer.from('x'), encryptionContext: {} }),
    ).rejects.toBeInstanceOf(CryptoConfigurationError);
    await expect(
      kmsEncrypt(f.kms, { keyId: f.keyArn, plaintext: Buffer.alloc(0), encryptionContext: {} }),
    ).rejects.toThrow(/plaintext is empty/);
  });
});
