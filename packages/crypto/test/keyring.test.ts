import {
  CryptoConfigurationError,
  CryptoErrorCode,
  EnvelopeEncryptor,
  InvalidEncryptionContextError,
  KmsKeyring,
  KmsKeyUnavailableError,
  KmsThrottledError,
} from '../src';
import { fixture } from './fixtures';

describe('KmsKeyring configuration', () => {
  const f = fixture();

  test.each([
    ['alias/primary'],
    ['1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['arn:aws:kms:us-east-1:111122223333:alias/x'],
  ])('rejects %s as generatorKeyId: decrypt could not pin it', (keyId) => {
    expect(() => new KmsKeyring({ client: f.kms, generatorKeyId: keyId })).toThrow(
      /generatorKeyId must be a KMS key ARN .* pass the key ARN/,
    );
  });

  test('a keyring needs a key or a discovery filter, and discovery needs accounts', () => {
    expect(() => new KmsKeyring({ client: f.kms })).toThrow(/give a generatorKeyId .* or a discovery filter/);
    expect(() => new KmsKeyring({ client: f.kms, discovery: { accountIds: [] } })).toThrow(
      /discovery.accountIds must list one or more 12-digit/,
    );
  });

  test('a decrypt-only keyring refuses to encrypt with a clear error', async () => {
    const decryptOnly = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: f.kms, discovery: { accountIds: ['111122223333'] } }),
    });
    await expect(decryptOnly.encrypt(Buffer.from('x'))).rejects.toThrow(
      /no generatorKeyId, so it cannot encrypt/,
    );
  });

  test('the encryptor validates its options', () => {
    expect(() => f.encryptor({ frameLength: -1 })).toThrow(CryptoConfigurationError);
    expect(() => f.encryptor({ algorithmSuite: 0x0178 as 0x0478 })).toThrow(/algorithmSuite must be/);
  });
});

describe('encryption context validation', () => {
  const f = fixture();

  test.each([
    ['a reserved key', { 'aws-crypto-public-key': 'x' }, /reserved prefix/],
    ['a non-string value', { n: 1 as unknown as string }, /value of "n" is a number/],
    ['an empty key', { '': 'x' }, /keys must not be empty/],
    ['a value over 64 KiB', { big: 'x'.repeat(70_000) }, /longer than 65,535 bytes/],
    [
      'a context over 64 KiB in all',
      { a: 'x'.repeat(40_000), b: 'y'.repeat(40_000) },
      /serializes to 80012 bytes/,
    ],
  ])('%s is refused before any KMS call', async (_label, context, message) => {
    const before = f.kms.calls.generateDataKey;
    const error = await f
      .encryptor()
      .encrypt(Buffer.from('x'), { encryptionContext: context })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEncryptionContextError);
    expect((error as Error).message).toMatch(message);
    expect(f.kms.calls.generateDataKey).toBe(before);
  });
});

describe('KMS failures during envelope operations', () => {
  test('GenerateDataKey throttling after SDK retries is KmsThrottledError', async () => {
    const f = fixture();
    f.kms.failNext('generateDataKey', 'ThrottlingException');
    const error = await f
      .encryptor()
      .encrypt(Buffer.from('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsThrottledError);
    expect((error as KmsThrottledError).operation).toBe('GenerateDataKey');
    expect((error as KmsThrottledError).code).toBe(CryptoErrorCode.KMS_THROTTLED);
  });

  test('a disabled key on decrypt is KmsKeyUnavailableError', async () => {
    const f = fixture();
    const message = await f.encryptor().encrypt(Buffer.from('x'));
    f.kms.disableKey(f.keyArn);
    await expect(f.encryptor().decrypt(message)).rejects.toBeInstanceOf(KmsKeyUnavailableError);
    await expect(f.encryptor().encrypt(Buffer.from('x'))).rejects.toMatchObject({
      code: 'KMS_KEY_UNAVAILABLE',
      keyId: f.keyArn,
    });
  });

  test('a failure wrapping with an additional key zeroes nothing the caller sees and reports the key', async () => {
    const f = fixture();
    const keyring = new KmsKeyring({
      client: f.kms,
      generatorKeyId: f.keyArn,
      additionalKeyIds: [f.otherKeyArn],
    });
    f.kms.disableKey(f.otherKeyArn);
    await expect(new EnvelopeEncryptor({ keyring }).encrypt(Buffer.from('x'))).rejects.toMatchObject({
      code: 'KMS_KEY_UNAVAILABLE',
      keyId: f.otherKeyArn,
      operation: 'Encrypt',
    });
  });
});
