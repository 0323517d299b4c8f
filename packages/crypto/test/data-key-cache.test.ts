import {
  AlgorithmSuiteId,
  CryptoConfigurationError,
  DataKeyCache,
  type DataKeyCacheProps,
  EnvelopeEncryptor,
  KmsKeyring,
} from '../src';
import { parseHeader } from '../src/private/header';
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
    const lease = cache.borrowForEncryption('first', 1)!;
    const held = lease.dataKey;
    expect(held.equals(Buffer.alloc(32, 7))).toBe(true);
    // The cache stores its own copy: the caller's key is the caller's to zero.
    expect(held).not.toBe(dataKey);
    expect(held.buffer).not.toBe(dataKey.buffer);
    lease.release();
    cache.putForDecryption('second', Buffer.alloc(32, 9));
    expect(held.equals(Buffer.alloc(32, 0))).toBe(true);
    expect(dataKey.equals(Buffer.alloc(32, 7))).toBe(true);
    const second = cache.borrowForDecryption('second')!;
    second.release();
    cache.clear();
    expect(second.dataKey.equals(Buffer.alloc(32, 0))).toBe(true);
    expect(cache.size).toBe(0);
  });

  test('bad bounds are a configuration error', () => {
    expect(() => new DataKeyCache({ capacity: 0 })).toThrow(CryptoConfigurationError);
  });

  test.each(['capacity', 'maxAgeMs', 'maxMessagesPerKey', 'maxBytesPerKey'] as const)(
    'a bad %s is named in the error',
    (name) => {
      expect(() => new DataKeyCache({ [name]: 0.5 })).toThrow(
        new RegExp(`^DataKeyCache: ${name} must be a positive integer, got 0.5\\.$`),
      );
    },
  );
});

describe('DataKeyCache leases', () => {
  const seven = () => Buffer.alloc(32, 7);
  const isSeven = (key: Buffer) => key.equals(seven());
  const isZero = (key: Buffer) => key.equals(Buffer.alloc(32));

  /** Each way an entry leaves the cache, applied while a lease on it is open. */
  const evictions: ReadonlyArray<
    [string, Partial<DataKeyCacheProps>, (cache: DataKeyCache, clock: { now: number }) => void]
  > = [
    [
      'the message bound',
      { maxMessagesPerKey: 2 },
      (cache) => expect(cache.borrowForEncryption('e', 1)).toBeUndefined(),
    ],
    [
      'the byte bound',
      { maxBytesPerKey: 10 },
      (cache) => expect(cache.borrowForEncryption('e', 9)).toBeUndefined(),
    ],
    [
      'age',
      { maxAgeMs: 100 },
      (cache, clock) => {
        clock.now += 100;
        expect(cache.borrowForEncryption('e', 1)).toBeUndefined();
      },
    ],
    ['capacity', { capacity: 1 }, (cache) => cache.putForDecryption('d', Buffer.alloc(32, 9))],
    [
      'a new key under the same id',
      {},
      (cache) => cache.putForEncryption('e', { dataKey: Buffer.alloc(32, 9), encryptedDataKeys: [] }, 1),
    ],
    ['clear()', {}, (cache) => cache.clear()],
  ];

  test.each(evictions)(
    '[TM-CRYPTO-01] a lent encryption key survives eviction by %s until its lease is released, then is zeroed',
    (_label, props, evict) => {
      const clock = { now: 1_000 };
      const cache = new DataKeyCache({ ...props, now: () => clock.now });
      cache.putForEncryption('e', { dataKey: seven(), encryptedDataKeys: [] }, 1);
      const first = cache.borrowForEncryption('e', 1)!;
      const second = first.dataKey;
      evict(cache, clock);
      expect(cache.borrowForEncryption('e', 1)?.dataKey).not.toBe(second);
      expect(isSeven(first.dataKey)).toBe(true);
      first.release();
      expect(isZero(first.dataKey)).toBe(true);
    },
  );

  test('[TM-CRYPTO-01] a lent decryption key survives eviction until every lease is released', () => {
    const clock = { now: 1_000 };
    const cache = new DataKeyCache({ maxAgeMs: 100, now: () => clock.now });
    cache.putForDecryption('d', seven());
    const a = cache.borrowForDecryption('d')!;
    const b = cache.borrowForDecryption('d')!;
    expect(b.dataKey).toBe(a.dataKey);
    clock.now += 100;
    expect(cache.borrowForDecryption('d')).toBeUndefined();
    expect(cache.size).toBe(0);
    a.release();
    // A second release of the same lease must not count for the other borrower.
    a.release();
    expect(isSeven(b.dataKey)).toBe(true);
    b.release();
    expect(isZero(b.dataKey)).toBe(true);
  });

  test('a key still in the cache is not zeroed when its leases are released', () => {
    const cache = new DataKeyCache();
    cache.putForEncryption('e', { dataKey: seven(), encryptedDataKeys: [] }, 1);
    const lease = cache.borrowForEncryption('e', 1)!;
    lease.release();
    expect(isSeven(lease.dataKey)).toBe(true);
    expect(cache.borrowForEncryption('e', 1)?.dataKey).toBe(lease.dataKey);
  });

  test('encryption and decryption entries never serve each other', () => {
    const cache = new DataKeyCache();
    cache.putForDecryption('d', seven());
    cache.putForEncryption('e', { dataKey: seven(), encryptedDataKeys: [] }, 1);
    expect(cache.borrowForEncryption('d', 1)).toBeUndefined();
    expect(cache.borrowForDecryption('e')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  test('the lease carries the wrapped keys that were stored', () => {
    const cache = new DataKeyCache();
    const encryptedDataKeys = Object.freeze([
      { providerId: 'aws-kms', providerInfo: 'arn', encryptedDataKey: Buffer.from([1, 2, 3]) },
    ]);
    cache.putForEncryption('e', { dataKey: seven(), encryptedDataKeys }, 1);
    expect(cache.borrowForEncryption('e', 1)?.encryptedDataKeys).toBe(encryptedDataKeys);
  });
});

describe('DataKeyCache byte bound per key', () => {
  const key = () => ({ dataKey: Buffer.alloc(32, 7), encryptedDataKeys: [] });

  test('messages that add up to exactly maxBytesPerKey share one key; one byte more takes a new key', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ maxBytesPerKey: 3 * 1024 }) });
    const wrappedKeyOf = (message: Buffer) =>
      parseHeader(message, { maxEncryptedDataKeys: 1 }).encryptedDataKeys[0]!.encryptedDataKey.toString(
        'hex',
      );
    const keys: string[] = [];
    for (let i = 0; i < 10; i++) keys.push(wrappedKeyOf(await encryptor.encrypt(small)));
    // 1 KiB messages under a 3 KiB bound: keys change after messages 3, 6 and 9.
    const groups = keys.map((k) => keys.indexOf(k));
    expect(groups).toEqual([0, 0, 0, 3, 3, 3, 6, 6, 6, 9]);
    expect(f.kms.calls.generateDataKey).toBe(4);
  });

  test('a message of exactly maxBytesPerKey is cached; a larger one is not, and evicts nothing', () => {
    const cache = new DataKeyCache({ capacity: 1, maxBytesPerKey: 100 });
    expect(cache.putForEncryption('exact', key(), 100)).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.putForEncryption('over', key(), 101)).toBe(false);
    expect(cache.size).toBe(1);
    // The entry that was there is still served (it is full, so the next message evicts it).
    expect(cache.borrowForEncryption('over', 0)).toBeUndefined();
    const zeroLength = cache.borrowForEncryption('exact', 0);
    expect(zeroLength?.dataKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(cache.borrowForEncryption('exact', 1)).toBeUndefined();
  });

  test('the first message counts towards the bound', () => {
    const cache = new DataKeyCache({ maxBytesPerKey: 100 });
    cache.putForEncryption('e', key(), 60);
    expect(cache.borrowForEncryption('e', 41)).toBeUndefined();
    cache.putForEncryption('e', key(), 60);
    expect(cache.borrowForEncryption('e', 40)).toBeDefined();
    expect(cache.borrowForEncryption('e', 1)).toBeUndefined();
  });

  test('an oversized message through the encryptor leaves the other context cached', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ capacity: 1, maxBytesPerKey: 2048 }) });
    await encryptor.encrypt(small, { encryptionContext: { t: 'a' } });
    await encryptor.encrypt(Buffer.alloc(4096), { encryptionContext: { t: 'b' } });
    await encryptor.encrypt(small, { encryptionContext: { t: 'a' } });
    expect(f.kms.calls.generateDataKey).toBe(2);
  });
});

describe('DataKeyCache ids', () => {
  const edk = (providerId: string, providerInfo: string, bytes: number[]) => ({
    providerId,
    providerInfo,
    encryptedDataKey: Buffer.from(bytes),
  });
  const context = Buffer.from([0, 1, 0, 1, 0x61, 0, 1, 0x62]);
  const base = () => DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kms', 'arn:a', [1, 2])]);

  test.each([
    [
      'the partition',
      () => DataKeyCache.decryptionId('q', 0x0478, context, [edk('aws-kms', 'arn:a', [1, 2])]),
    ],
    ['the suite', () => DataKeyCache.decryptionId('p', 0x0578, context, [edk('aws-kms', 'arn:a', [1, 2])])],
    [
      'the context',
      () =>
        DataKeyCache.decryptionId('p', 0x0478, Buffer.from([0, 1, 0, 1, 0x61, 0, 1, 0x63]), [
          edk('aws-kms', 'arn:a', [1, 2]),
        ]),
    ],
    [
      'the provider id',
      () => DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kmz', 'arn:a', [1, 2])]),
    ],
    [
      'the key named',
      () => DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kms', 'arn:b', [1, 2])]),
    ],
    [
      'the wrapped key',
      () => DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kms', 'arn:a', [1, 3])]),
    ],
    [
      'one more wrapped key',
      () =>
        DataKeyCache.decryptionId('p', 0x0478, context, [
          edk('aws-kms', 'arn:a', [1, 2]),
          edk('aws-kms', 'arn:a', [1, 2]),
        ]),
    ],
    ['an encryption id', () => DataKeyCache.encryptionId('p', 0x0478, context)],
  ])('a decryption id changes with %s', (_label, other) => {
    expect(other()).not.toBe(base());
  });

  test('provider fields that contain the separators cannot be shifted into each other', () => {
    const a = DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kms|1:x', 'y', [1])]);
    const b = DataKeyCache.decryptionId('p', 0x0478, context, [edk('aws-kms', 'x|1:y', [1])]);
    expect(a).not.toBe(b);
  });

  test('the same inputs give the same id', () => {
    expect(base()).toBe(base());
  });
});
