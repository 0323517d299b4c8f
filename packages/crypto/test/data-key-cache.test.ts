import {
  AlgorithmSuiteId,
  CryptoConfigurationError,
  DataKeyCache,
  EnvelopeEncryptor,
  KmsKeyring,
} from '../src';
import { fixture } from './fixtures';

const small = Buffer.alloc(1024, 1);

describe('DataKeyCache bounds, counted in KMS calls', () => {
  test('10,000 encryptions under one context cost one GenerateDataKey', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ maxMessagesPerKey: 10_000 }) });
    for (let i = 0; i < 10_000; i++) await encryptor.encrypt(small, { encryptionContext: { tenant: 'a' } });
    expect(f.kms.calls.generateDataKey).toBe(1);
    await encryptor.encrypt(small, { encryptionContext: { tenant: 'a' } });
    expect(f.kms.calls.generateDataKey).toBe(2);
  });

  test('maxMessagesPerKey retires a key after that many messages', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ maxMessagesPerKey: 10 }) });
    for (let i = 0; i < 100; i++) await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(10);
  });

  test('maxBytesPerKey retires a key before it would encrypt more bytes', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ maxBytesPerKey: 3 * 1024 }) });
    for (let i = 0; i < 9; i++) await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(3);
    // A message larger than the bound on its own is never cached.
    await encryptor.encrypt(Buffer.alloc(4 * 1024));
    await encryptor.encrypt(Buffer.alloc(4 * 1024));
    expect(f.kms.calls.generateDataKey).toBe(5);
  });

  test('maxAgeMs retires keys by age (encrypt and decrypt)', async () => {
    const f = fixture();
    let now = 1_000_000;
    const cache = new DataKeyCache({ maxAgeMs: 1000, now: () => now });
    const encryptor = f.encryptor({ cache });
    const message = await encryptor.encrypt(small);
    await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(1);
    now += 999;
    await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(1);
    now += 1;
    await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(2);

    await encryptor.decrypt(message);
    await encryptor.decrypt(message);
    expect(f.kms.calls.decrypt).toBe(1);
    now += 1000;
    await encryptor.decrypt(message);
    expect(f.kms.calls.decrypt).toBe(2);
  });

  test('entries are separate per encryption context', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache() });
    for (let i = 0; i < 30; i++)
      await encryptor.encrypt(small, { encryptionContext: { tenant: `t${i % 3}` } });
    expect(f.kms.calls.generateDataKey).toBe(3);
    // Same pairs in another order are the same context.
    await encryptor.encrypt(small, { encryptionContext: { a: '1', b: '2' } });
    await encryptor.encrypt(small, { encryptionContext: { b: '2', a: '1' } });
    expect(f.kms.calls.generateDataKey).toBe(4);
  });

  test('capacity evicts the least recently used entry', async () => {
    const f = fixture();
    const cache = new DataKeyCache({ capacity: 2 });
    const encryptor = f.encryptor({ cache });
    await encryptor.encrypt(small, { encryptionContext: { t: 'a' } });
    await encryptor.encrypt(small, { encryptionContext: { t: 'b' } });
    await encryptor.encrypt(small, { encryptionContext: { t: 'a' } }); // a is now most recent
    await encryptor.encrypt(small, { encryptionContext: { t: 'c' } }); // evicts b
    expect(cache.size).toBe(2);
    expect(f.kms.calls.generateDataKey).toBe(3);
    await encryptor.encrypt(small, { encryptionContext: { t: 'a' } });
    expect(f.kms.calls.generateDataKey).toBe(3);
    await encryptor.encrypt(small, { encryptionContext: { t: 'b' } });
    expect(f.kms.calls.generateDataKey).toBe(4);
  });

  test('decrypted data keys are cached for decrypt', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache() });
    const messages = [await f.encryptor().encrypt(small), await f.encryptor().encrypt(small)];
    f.kms.resetCalls();
    for (let i = 0; i < 50; i++) await encryptor.decrypt(messages[i % 2]!);
    expect(f.kms.calls.decrypt).toBe(2);
  });

  test('a shared cache never hands a decrypted key to a keyring that may not use it', async () => {
    const f = fixture();
    const cache = new DataKeyCache();
    const allowed = new EnvelopeEncryptor({ keyring: f.keyring, cache });
    const other = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: f.kms, generatorKeyId: f.otherKeyArn }),
      cache,
    });
    const message = await allowed.encrypt(small);
    await allowed.decrypt(message);
    await expect(other.decrypt(message)).rejects.toThrow(/None of the message's 1 encrypted data key/);
  });

  test('the signed suite never reuses a data key (each message binds its own public key)', async () => {
    const f = fixture();
    const encryptor = f.encryptor({
      cache: new DataKeyCache(),
      algorithmSuite: AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    });
    for (let i = 0; i < 5; i++) await encryptor.encrypt(small);
    expect(f.kms.calls.generateDataKey).toBe(5);
  });

  test('a stream uses the cache only with a declared plaintextLength', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache() });
    const run = async (plaintextLength?: number) => {
      const stream = encryptor.encryptStream(plaintextLength === undefined ? {} : { plaintextLength });
      stream.resume();
      const done = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
      stream.end(small);
      await done;
    };
    await run(small.length);
    await run(small.length);
    expect(f.kms.calls.generateDataKey).toBe(1);
    await run();
    expect(f.kms.calls.generateDataKey).toBe(2);
  });

  test('entries are zeroed when they leave the cache', () => {
    const cache = new DataKeyCache({ capacity: 1 });
    const dataKey = Buffer.alloc(32, 7);
    cache.putForEncryption('first', { dataKey, encryptedDataKeys: [] }, 1);
    const held = cache.useForEncryption('first', 1)!.dataKey;
    expect(held.equals(Buffer.alloc(32, 7))).toBe(true);
    // The cache stores its own copy: the caller's key is the caller's to zero.
    expect(held).not.toBe(dataKey);
    cache.putForDecryption('second', Buffer.alloc(32, 9));
    expect(held.equals(Buffer.alloc(32, 0))).toBe(true);
    const second = cache.getForDecryption('second')!;
    cache.clear();
    expect(second.equals(Buffer.alloc(32, 0))).toBe(true);
    expect(cache.size).toBe(0);
  });

  test('bad bounds are a configuration error', () => {
    expect(() => new DataKeyCache({ capacity: 0 })).toThrow(CryptoConfigurationError);
    expect(() => new DataKeyCache({ maxAgeMs: -1 })).toThrow(/maxAgeMs must be a positive integer/);
  });
});
