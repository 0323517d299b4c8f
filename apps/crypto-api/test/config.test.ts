import { DataKeyCache } from '@secure-lambda/crypto';
import { InMemoryKms } from '@secure-lambda/testkit';
import { createEncryptor, readConfig } from '../src/config';
import { ApiErrorCode, CryptoApiConfigurationError } from '../src/errors';

describe('readConfig', () => {
  const keyArn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test('reads KEY_ARN and AWS_REGION; identity proofs go to the regional STS endpoint', () => {
    expect(readConfig({ KEY_ARN: keyArn, AWS_REGION: 'eu-west-1' })).toEqual({
      keyArn,
      region: 'eu-west-1',
      stsEndpoint: 'https://sts.eu-west-1.amazonaws.com',
    });
  });

  test('accepts an emulator endpoint on the loopback address', () => {
    const env = { KEY_ARN: keyArn, AWS_REGION: 'eu-west-1' };
    expect(readConfig({ ...env, AWS_ENDPOINT_URL: 'https://127.0.0.1:4566' }).stsEndpoint).toBe(
      'https://127.0.0.1:4566',
    );
    expect(readConfig({ ...env, AWS_ENDPOINT_URL_STS: 'http://localhost:5000' }).stsEndpoint).toBe(
      'http://localhost:5000',
    );
  });

  test.each([
    ['AWS_ENDPOINT_URL_STS', 'https://sts.attacker.example'],
    ['AWS_ENDPOINT_URL', 'https://10.0.0.5:443'],
    ['AWS_ENDPOINT_URL_STS', 'https://127.0.0.1.attacker.example:443'],
  ])('[TM-ID-02] refuses %s=%s at cold start: STS cannot be replaced by configuration', (name, value) => {
    expect(() => readConfig({ KEY_ARN: keyArn, AWS_REGION: 'eu-west-1', [name]: value })).toThrow(
      expect.objectContaining({
        code: ApiErrorCode.INVALID_CONFIGURATION,
        message: expect.stringContaining(`${name} may only name the local emulator`),
      }),
    );
  });

  test('refuses a missing AWS_REGION', () => {
    expect(() => readConfig({ KEY_ARN: keyArn })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^AWS_REGION is not a region/) }),
    );
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
