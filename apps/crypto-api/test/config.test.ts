import { DataKeyCache } from '@secure-lambda/crypto';
import { InMemoryKms } from '@secure-lambda/testkit';
import { createEncryptor, readConfig } from '../src/config';
import { ApiErrorCode, CryptoApiConfigurationError } from '../src/errors';

describe('readConfig', () => {
  test('reads KEY_ARN', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(readConfig({ KEY_ARN: keyArn })).toEqual({ keyArn });
  });

  test.each([
    ['missing', {}],
    ['empty', { KEY_ARN: '' }],
    ['blank', { KEY_ARN: '  ' }],
  ])('refuses a %s KEY_ARN with INVALID_CONFIGURATION', (_label, env) => {
    expect(() => readConfig(env)).toThrow(
      expect.objectContaining({
        code: ApiErrorCode.INVALID_CONFIGURATION,
        message: expect.stringMatching(/^KEY_ARN is not set/),
      }),
    );
  });
});

describe('createEncryptor', () => {
  test('builds an encryptor on the key, with the given cache', async () => {
    const kms = new InMemoryKms();
    const keyArn = kms.createKey();
    const encryptor = createEncryptor({ client: kms, keyArn, cache: new DataKeyCache() });
    const context = { app: 'crypto-api', principal: 'arn:aws:iam::111122223333:user/alice' };
    await encryptor.encrypt(Buffer.from('a'), { encryptionContext: context });
    const message = await encryptor.encrypt(Buffer.from('b'), { encryptionContext: context });
    expect(kms.calls.generateDataKey).toBe(1);
    expect((await encryptor.decrypt(message)).plaintext.toString()).toBe('b');
  });

  test.each(['alias/crypto-api', '1234abcd-12ab-34cd-56ef-1234567890ab'])(
    'refuses %s (not a key ARN) with INVALID_CONFIGURATION',
    (keyArn) => {
      const error = (() => {
        try {
          createEncryptor({ client: new InMemoryKms(), keyArn });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CryptoApiConfigurationError);
      expect(error).toMatchObject({
        code: ApiErrorCode.INVALID_CONFIGURATION,
        message: expect.stringContaining('KEY_ARN must be a KMS key ARN'),
      });
    },
  );
});
