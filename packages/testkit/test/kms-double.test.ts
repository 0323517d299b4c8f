import { type KMS, KMSServiceException } from '@aws-sdk/client-kms';
import { InMemoryKms, KmsServiceError, TestkitErrorCode } from '../src/index';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const KEY_ARN = /^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/;

// Compile-time check (tsc runs over test/): the double must fit wherever the SDK's aggregated client is
// expected, which is what the Encryption SDK keyring and @secure-lambda/crypto accept.
const asSdkClient: Pick<KMS, 'generateDataKey' | 'encrypt' | 'decrypt'> = new InMemoryKms();
void asSdkClient;

describe('InMemoryKms keys', () => {
  it('creates keys with ARNs in the default region and account', () => {
    const kms = new InMemoryKms();
    const first = kms.createKey();
    const second = kms.createKey();
    expect(first).toMatch(KEY_ARN);
    expect(second).not.toBe(first);
    expect(kms.keyState(first)).toBe('Enabled');
  });

  it('uses the region and account from the options', () => {
    const kms = new InMemoryKms({ region: 'eu-west-1', accountId: '444455556666' });
    expect(kms.createKey()).toMatch(/^arn:aws:kms:eu-west-1:444455556666:key\//);
  });

  it('rejects an invalid region or account id with INVALID_OPTIONS', () => {
    expect(() => new InMemoryKms({ region: 'nowhere' })).toThrow(
      expect.objectContaining({ code: TestkitErrorCode.INVALID_OPTIONS }),
    );
    expect(() => new InMemoryKms({ accountId: '123' })).toThrow(/accountId "123" must be 12 digits/);
  });

  it('resolves key ARN, bare key id, alias name and alias ARN to the same key', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey({ alias: 'alias/app' });
    const keyId = arn.split('/')[1]!;
    for (const id of [arn, keyId, 'alias/app', 'arn:aws:kms:us-east-1:111122223333:alias/app']) {
      const { KeyId } = await kms.encrypt({ KeyId: id, Plaintext: bytes('x') });
      expect(KeyId).toBe(arn);
    }
  });

  it('accepts an alias given without the alias/ prefix', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey({ alias: 'short' });
    expect((await kms.encrypt({ KeyId: 'alias/short', Plaintext: bytes('x') })).KeyId).toBe(arn);
  });

  it('rejects duplicate and malformed aliases like KMS', () => {
    const kms = new InMemoryKms();
    kms.createKey({ alias: 'alias/app' });
    expect(() => kms.createKey({ alias: 'app' })).toThrow(
      expect.objectContaining({ name: 'AlreadyExistsException' }),
    );
    expect(() => kms.createKey({ alias: 'alias/aws/s3' })).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
    expect(() => kms.createKey({ alias: 'has space' })).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
  });

  it('reports unknown keys, unknown aliases and keys of other regions as NotFoundException', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const elsewhere = arn.replace('us-east-1', 'eu-west-1');
    for (const id of ['alias/missing', '00000000-0000-0000-0000-000000000000', elsewhere]) {
      await expect(kms.encrypt({ KeyId: id, Plaintext: bytes('x') })).rejects.toMatchObject({
        name: 'NotFoundException',
      });
    }
    await expect(kms.encrypt({ KeyId: 'alias/missing', Plaintext: bytes('x') })).rejects.toThrow(
      'Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.',
    );
  });
});

describe('InMemoryKms round trips', () => {
  it('generates a data key whose ciphertext decrypts to the same bytes', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const context = { tenant: 'a', purpose: 'test' };
    const generated = await kms.generateDataKey({
      KeyId: arn,
      NumberOfBytes: 32,
      EncryptionContext: context,
    });
    expect(generated.KeyId).toBe(arn);
    expect(generated.Plaintext).toHaveLength(32);
    const decrypted = await kms.decrypt({
      CiphertextBlob: generated.CiphertextBlob,
      EncryptionContext: context,
    });
    expect(decrypted.KeyId).toBe(arn);
    expect(Buffer.from(decrypted.Plaintext).equals(Buffer.from(generated.Plaintext))).toBe(true);
  });

  it('honours KeySpec', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    expect((await kms.generateDataKey({ KeyId: arn, KeySpec: 'AES_256' })).Plaintext).toHaveLength(32);
    expect((await kms.generateDataKey({ KeyId: arn, KeySpec: 'AES_128' })).Plaintext).toHaveLength(16);
  });

  it('encrypts and decrypts with the context in any key order, and with KeyId given', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey({ alias: 'app' });
    const { CiphertextBlob } = await kms.encrypt({
      KeyId: 'alias/app',
      Plaintext: bytes('secret'),
      EncryptionContext: { a: '1', b: '2' },
    });
    const { Plaintext } = await kms.decrypt({
      CiphertextBlob,
      KeyId: arn,
      EncryptionContext: { b: '2', a: '1' },
    });
    expect(text(Plaintext)).toBe('secret');
  });

  it('returns $metadata like SDK outputs and mutable output objects (the Encryption SDK reassigns Plaintext)', async () => {
    const kms = new InMemoryKms();
    const output = await kms.generateDataKey({ KeyId: kms.createKey(), NumberOfBytes: 16 });
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(Object.isFrozen(output)).toBe(false);
  });

  it('returns fresh Plaintext buffers that callers may zero', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const generated = await kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 });
    const expected = Buffer.from(generated.Plaintext);
    expect(generated.Plaintext.byteOffset).toBe(0);
    expect(generated.Plaintext.buffer.byteLength).toBe(32);
    generated.Plaintext.fill(0);

    const first = await kms.decrypt({ CiphertextBlob: generated.CiphertextBlob });
    expect(Buffer.from(first.Plaintext).equals(expected)).toBe(true);
    first.Plaintext.fill(0);
    const second = await kms.decrypt({ CiphertextBlob: generated.CiphertextBlob });
    expect(Buffer.from(second.Plaintext).equals(expected)).toBe(true);
    expect(second.Plaintext.buffer).not.toBe(first.Plaintext.buffer);
  });

  it('does not keep a reference to the caller’s plaintext', async () => {
    const kms = new InMemoryKms();
    const plaintext = bytes('abc');
    const { CiphertextBlob } = await kms.encrypt({ KeyId: kms.createKey(), Plaintext: plaintext });
    plaintext.fill(0);
    expect(text((await kms.decrypt({ CiphertextBlob })).Plaintext)).toBe('abc');
  });
});

describe('InMemoryKms decrypt failures', () => {
  async function sealed(kms: InMemoryKms, keyArn: string): Promise<Uint8Array> {
    const out = await kms.encrypt({
      KeyId: keyArn,
      Plaintext: bytes('payload'),
      EncryptionContext: { t: 'a' },
    });
    return out.CiphertextBlob;
  }

  it.each([
    ['a different value', { t: 'b' }],
    ['no context', undefined],
    ['an extra pair', { t: 'a', u: 'c' }],
  ])('fails with InvalidCiphertextException for %s', async (_label, context) => {
    const kms = new InMemoryKms();
    const blob = await sealed(kms, kms.createKey());
    await expect(kms.decrypt({ CiphertextBlob: blob, EncryptionContext: context })).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('fails with InvalidCiphertextException when any byte is flipped', async () => {
    const kms = new InMemoryKms();
    const blob = await sealed(kms, kms.createKey());
    // Header, IV, ciphertext and tag: every region of the layout is authenticated.
    for (const index of [0, 1, 10, 40, 45, blob.length - 20, blob.length - 1]) {
      const tampered = Uint8Array.from(blob);
      tampered[index]! ^= 0x01;
      await expect(
        kms.decrypt({ CiphertextBlob: tampered, EncryptionContext: { t: 'a' } }),
      ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
  });

  it('fails with InvalidCiphertextException for truncated blobs, garbage and other instances’ blobs', async () => {
    const kms = new InMemoryKms();
    const blob = await sealed(kms, kms.createKey());
    const other = new InMemoryKms();
    const foreign = await sealed(other, other.createKey());
    for (const candidate of [blob.subarray(0, 20), new Uint8Array([1, 2, 3]), foreign]) {
      await expect(
        kms.decrypt({ CiphertextBlob: candidate, EncryptionContext: { t: 'a' } }),
      ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
  });

  it('fails with IncorrectKeyException when KeyId names another key', async () => {
    const kms = new InMemoryKms();
    const owner = kms.createKey();
    const other = kms.createKey({ alias: 'other' });
    const blob = await sealed(kms, owner);
    for (const keyId of [other, 'alias/other']) {
      await expect(
        kms.decrypt({ CiphertextBlob: blob, KeyId: keyId, EncryptionContext: { t: 'a' } }),
      ).rejects.toMatchObject({ name: 'IncorrectKeyException' });
    }
  });
});

describe('InMemoryKms key states', () => {
  it('fails every operation on a disabled key with DisabledException until it is enabled again', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const { CiphertextBlob } = await kms.encrypt({ KeyId: arn, Plaintext: bytes('x') });
    kms.disableKey(arn);
    expect(kms.keyState(arn)).toBe('Disabled');
    const disabled = { name: 'DisabledException', message: `${arn} is disabled.` };
    await expect(kms.encrypt({ KeyId: arn, Plaintext: bytes('x') })).rejects.toMatchObject(disabled);
    await expect(kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 })).rejects.toMatchObject(disabled);
    await expect(kms.decrypt({ CiphertextBlob })).rejects.toMatchObject(disabled);

    kms.enableKey(arn);
    expect(text((await kms.decrypt({ CiphertextBlob })).Plaintext)).toBe('x');
  });

  it('makes a key pending deletion unusable with KMSInvalidStateException', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const { CiphertextBlob } = await kms.encrypt({ KeyId: arn, Plaintext: bytes('x') });
    kms.scheduleKeyDeletion(arn);
    expect(kms.keyState(arn)).toBe('PendingDeletion');
    const invalidState = { name: 'KMSInvalidStateException', message: `${arn} is pending deletion.` };
    await expect(kms.encrypt({ KeyId: arn, Plaintext: bytes('x') })).rejects.toMatchObject(invalidState);
    await expect(kms.generateDataKey({ KeyId: arn, KeySpec: 'AES_256' })).rejects.toMatchObject(invalidState);
    await expect(kms.decrypt({ CiphertextBlob })).rejects.toMatchObject(invalidState);
    expect(() => kms.enableKey(arn)).toThrow(expect.objectContaining(invalidState));
    expect(() => kms.disableKey(arn)).toThrow(expect.objectContaining(invalidState));
  });

  it('reports state changes of unknown keys as NotFoundException', () => {
    const kms = new InMemoryKms();
    expect(() => kms.disableKey('alias/nope')).toThrow(
      expect.objectContaining({ name: 'NotFoundException' }),
    );
  });
});

describe('InMemoryKms errors', () => {
  it('throws errors shaped like SDK v3 service exceptions', async () => {
    const kms = new InMemoryKms();
    const error: unknown = await kms.encrypt({ KeyId: 'alias/nope', Plaintext: bytes('x') }).catch((e) => e);
    expect(error).toBeInstanceOf(KmsServiceError);
    expect(error).toBeInstanceOf(Error);
    expect(KMSServiceException.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'NotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
  });
});

describe('InMemoryKms limits', () => {
  it.each([0, 1025, 1.5, Number.NaN])('rejects NumberOfBytes %p with ValidationException', async (n) => {
    const kms = new InMemoryKms();
    await expect(kms.generateDataKey({ KeyId: kms.createKey(), NumberOfBytes: n })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'numberOfBytes'"),
    });
  });

  it('accepts NumberOfBytes 1 and 1024', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    expect((await kms.generateDataKey({ KeyId: arn, NumberOfBytes: 1 })).Plaintext).toHaveLength(1);
    expect((await kms.generateDataKey({ KeyId: arn, NumberOfBytes: 1024 })).Plaintext).toHaveLength(1024);
  });

  it('requires exactly one of NumberOfBytes and KeySpec', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const exactlyOne = { name: 'ValidationException', message: expect.stringContaining('exactly one') };
    await expect(kms.generateDataKey({ KeyId: arn })).rejects.toMatchObject(exactlyOne);
    await expect(
      kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32, KeySpec: 'AES_256' }),
    ).rejects.toMatchObject(exactlyOne);
  });

  it('encrypts at most 4096 bytes and at least 1', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    await expect(kms.encrypt({ KeyId: arn, Plaintext: new Uint8Array(4096) })).resolves.toMatchObject({
      KeyId: arn,
    });
    for (const size of [4097, 0]) {
      await expect(kms.encrypt({ KeyId: arn, Plaintext: new Uint8Array(size) })).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining("at 'plaintext'"),
      });
    }
  });

  it('rejects a missing KeyId or CiphertextBlob, non-string context values and too many grant tokens', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const validation = { name: 'ValidationException' };
    await expect(kms.encrypt({ KeyId: '', Plaintext: bytes('x') })).rejects.toMatchObject(validation);
    const badContext = { n: 1 } as unknown as Record<string, string>;
    await expect(
      kms.encrypt({ KeyId: arn, Plaintext: bytes('x'), EncryptionContext: badContext }),
    ).rejects.toMatchObject(validation);
    await expect(kms.decrypt()).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'ciphertextBlob'"),
    });
    const tokens = Array.from({ length: 11 }, (_, i) => `t${i}`);
    await expect(
      kms.encrypt({ KeyId: arn, Plaintext: bytes('x'), GrantTokens: tokens }),
    ).rejects.toMatchObject(validation);
  });
});

describe('InMemoryKms call counting and fault injection', () => {
  it('counts calls per operation, failed calls included, until resetCalls', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const { CiphertextBlob } = await kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 });
    await kms.decrypt({ CiphertextBlob });
    await kms.decrypt({ CiphertextBlob, EncryptionContext: { wrong: 'context' } }).catch(() => undefined);
    const snapshot = kms.calls;
    expect(snapshot).toEqual({ generateDataKey: 1, encrypt: 0, decrypt: 2 });

    await kms.encrypt({ KeyId: arn, Plaintext: bytes('x') });
    expect(snapshot.encrypt).toBe(0);
    expect(kms.calls.encrypt).toBe(1);

    kms.resetCalls();
    expect(kms.calls).toEqual({ generateDataKey: 0, encrypt: 0, decrypt: 0 });
  });

  it('fails the next N calls of one operation with the given exception, then recovers', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    kms.failNext('generateDataKey', 'ThrottlingException', 2);
    for (let i = 0; i < 2; i += 1) {
      await expect(kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 })).rejects.toMatchObject({
        name: 'ThrottlingException',
        $fault: 'client',
        $retryable: { throttling: true },
      });
    }
    // Other operations are unaffected.
    await expect(kms.encrypt({ KeyId: arn, Plaintext: bytes('x') })).resolves.toMatchObject({ KeyId: arn });
    await expect(kms.generateDataKey({ KeyId: arn, NumberOfBytes: 32 })).resolves.toMatchObject({
      KeyId: arn,
    });
    expect(kms.calls.generateDataKey).toBe(3);
  });

  it('queues failures in order and gives server exceptions a server fault', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    const { CiphertextBlob } = await kms.encrypt({ KeyId: arn, Plaintext: bytes('x') });
    kms.failNext('decrypt', 'AccessDeniedException');
    kms.failNext('decrypt', 'KMSInternalException');
    await expect(kms.decrypt({ CiphertextBlob })).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(kms.decrypt({ CiphertextBlob })).rejects.toMatchObject({
      name: 'KMSInternalException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(kms.decrypt({ CiphertextBlob })).resolves.toMatchObject({ KeyId: arn });
  });

  it('drops queued failures on clearFailures', async () => {
    const kms = new InMemoryKms();
    const arn = kms.createKey();
    kms.failNext('encrypt', 'ThrottlingException', 5);
    kms.clearFailures();
    await expect(kms.encrypt({ KeyId: arn, Plaintext: bytes('x') })).resolves.toMatchObject({ KeyId: arn });
  });

  it('rejects invalid failNext arguments with INVALID_OPTIONS', () => {
    const kms = new InMemoryKms();
    expect(() => kms.failNext('encrypt', 'ThrottlingException', 0)).toThrow(
      /count must be a positive integer, got 0/,
    );
    expect(() => kms.failNext('encrypt', 'Not An Exception')).toThrow(
      /errorName must be an SDK exception name/,
    );
    expect(() => kms.failNext('sign' as 'encrypt', 'ThrottlingException')).toThrow(
      expect.objectContaining({ code: TestkitErrorCode.INVALID_OPTIONS }),
    );
  });
});
