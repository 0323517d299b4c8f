import { createCipheriv } from 'node:crypto';
import { Writable } from 'node:stream';
import type { InMemoryKms } from '@secure-lambda/testkit';
import {
  CryptoConfigurationError,
  DataKeyCache,
  EncryptionContextMismatchError,
  EnvelopeEncryptor,
  InvalidEncryptionContextError,
  InvalidMessageError,
  KeyNotAllowedError,
  KmsAccessDeniedError,
  type KmsClientLike,
  KmsKeyring,
  PayloadTooLargeError,
} from '../src';
import { getAlgorithmSuite } from '../src/private/algorithm-suites';
import { deriveMessageKeys } from '../src/private/primitives';
import { fixture, throughStream } from './fixtures';

/** A KMS client that delegates to the double but lets a test hold calls open or refuse them. */
function controllable(kms: InMemoryKms) {
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const handedOut: Uint8Array[] = [];
  const client: KmsClientLike & { deny: boolean } = {
    deny: false,
    async generateDataKey(input) {
      await gate;
      const out = await kms.generateDataKey(input);
      handedOut.push(out.Plaintext!);
      return out;
    },
    async encrypt(input) {
      return kms.encrypt(input);
    },
    async decrypt(input) {
      await gate;
      if (client.deny) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      const out = await kms.decrypt(input);
      handedOut.push(out.Plaintext!);
      return out;
    },
  };
  return {
    client,
    handedOut,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => open(),
  };
}

/**
 * Waits (up to 10 s, polling) until KMS has handed out one data key and it has been zeroed.
 * A fixed short sleep was enough on an idle machine but is a race on the busy 2-core CI host;
 * if the key is never zeroed the assertions after this still fail, with the real state.
 */
async function zeroedWithin(handedOut: Uint8Array[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  const zeroed = () => handedOut.length === 1 && Buffer.from(handedOut[0]!).equals(Buffer.alloc(32));
  while (!zeroed() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  // Then one more turn, so an error the stream would emit late is seen by the test.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('data-key cache under concurrency', () => {
  test('concurrent encryptions never use a key zeroed by an eviction in between', async () => {
    const f = fixture();
    const encryptor = f.encryptor({ cache: new DataKeyCache({ maxMessagesPerKey: 2 }) });
    const plaintexts = Array.from({ length: 40 }, (_, i) => Buffer.from(`secret number ${i}`));
    const messages = await Promise.all(plaintexts.map((p) => encryptor.encrypt(p)));
    const decrypted = await Promise.all(messages.map((m) => f.encryptor().decrypt(m)));
    expect(decrypted.map((d) => d.plaintext.toString())).toEqual(plaintexts.map((p) => p.toString()));
  });

  test('keyrings with the same key but different clients do not share cached keys', async () => {
    const f = fixture();
    const cache = new DataKeyCache();
    const a = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: f.kms, generatorKeyId: f.keyArn }),
      cache,
    });
    const denied = controllable(f.kms);
    denied.client.deny = true;
    const b = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: denied.client, generatorKeyId: f.keyArn }),
      cache,
    });
    const message = await a.encrypt(Buffer.from('tenant A secret'));
    await a.decrypt(message);
    await expect(b.decrypt(message)).rejects.toBeInstanceOf(KmsAccessDeniedError);
  });

  test('an explicit shared cachePartition does share', async () => {
    const f = fixture();
    const cache = new DataKeyCache();
    const make = () =>
      new EnvelopeEncryptor({
        keyring: new KmsKeyring({ client: f.kms, generatorKeyId: f.keyArn, cachePartition: 'billing' }),
        cache,
      });
    const message = await make().encrypt(Buffer.from('x'));
    f.kms.resetCalls();
    await make().decrypt(message);
    await make().decrypt(message);
    expect(f.kms.calls.decrypt).toBe(1);
  });
});

describe('malformed and oversized input is refused early', () => {
  const f = fixture();

  test('a context pair running past the context length is invalid, not "wait for more"', async () => {
    const message = Buffer.from(
      await f.encryptor().encrypt(Buffer.from('x'), { encryptionContext: { k: 'v' } }),
    );
    // AAD: length (2) at offset 35, count (2), key length (2) at 39: claim a key longer than the AAD.
    message.writeUInt16BE(500, 39);
    const stream = f.encryptor().decryptStream();
    const error = await throughStream(stream, Buffer.concat([message, Buffer.alloc(100_000)]), [64]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toMatch(/runs past the context length/);
    await expect(f.encryptor().decrypt(message)).rejects.toThrow(/runs past the context length/);
  });

  test('a stream refuses frames larger than its limit before calling KMS; whole-buffer decrypt takes them', async () => {
    const big = f.encryptor({ frameLength: 1024 * 1024 });
    const message = await big.encrypt(Buffer.alloc(10));
    const limited = f.encryptor({ maxStreamBodyPartLength: 64 * 1024 });
    const before = f.kms.calls.decrypt;
    const error = await throughStream(limited.decryptStream(), message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as Error).message).toMatch(/Frames of 1048576 bytes exceed the decrypt limit of 65536/);
    expect(f.kms.calls.decrypt).toBe(before);
    expect((await limited.decrypt(message)).plaintext.length).toBe(10);
  });

  test('a non-framed body over the stream limit fails in streams only', async () => {
    const message = await f.encryptor({ frameLength: 0 }).encrypt(Buffer.alloc(2048, 1));
    const limited = f.encryptor({ maxStreamBodyPartLength: 1024 });
    await expect(throughStream(limited.decryptStream(), message)).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect((await limited.decrypt(message)).plaintext.length).toBe(2048);
  });

  test('limits must be positive integers', () => {
    expect(() => f.encryptor({ maxEncryptedDataKeys: Number.NaN } as never)).toThrow(
      CryptoConfigurationError,
    );
    expect(() => f.encryptor({ maxStreamBodyPartLength: 0 } as never)).toThrow(
      /maxStreamBodyPartLength must be a positive integer/,
    );
  });

  test('unauthenticated provider fields are quoted and shortened in KeyNotAllowedError', async () => {
    const message = Buffer.from(await f.encryptor().encrypt(Buffer.from('x')));
    const strangers = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: f.kms, generatorKeyId: f.otherKeyArn }),
    });
    // Provider id "aws-kms" starts at 35 + 2 (AAD length 0, empty context) + 2 (EDK count) + 2 (its length).
    message.write('aws-km\n', 41, 'latin1');
    const error = await strangers.decrypt(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyNotAllowedError);
    expect((error as Error).message).toContain('"aws-km\\n');
    expect((error as Error).message).not.toContain('aws-km\n');
  });
});

describe('encryption context edge cases', () => {
  const f = fixture();

  test('an own __proto__ key (from JSON.parse) is bound, not dropped', async () => {
    const context = JSON.parse('{"__proto__":"x","tenant":"a"}') as Record<string, string>;
    const message = await f.encryptor().encrypt(Buffer.from('p'), { encryptionContext: context });
    const result = await f.encryptor().decrypt(message, { requiredEncryptionContext: context });
    expect(Object.hasOwn(result.encryptionContext, '__proto__')).toBe(true);
    expect(Object.entries(result.encryptionContext)).toContainEqual(['__proto__', 'x']);
    const wrong = JSON.parse('{"__proto__":"y"}') as Record<string, string>;
    await expect(f.encryptor().decrypt(message, { requiredEncryptionContext: wrong })).rejects.toBeInstanceOf(
      EncryptionContextMismatchError,
    );
  });

  test.each([['\uD800'], ['v\uDC00'], ['\uDBFFx']])('a lone surrogate (%j) is refused', async (text) => {
    await expect(
      f.encryptor().encrypt(Buffer.from('p'), { encryptionContext: { k: text } }),
    ).rejects.toBeInstanceOf(InvalidEncryptionContextError);
    await expect(
      f.encryptor().encrypt(Buffer.from('p'), { encryptionContext: { [text]: 'v' } }),
    ).rejects.toThrow(/lone UTF-16 surrogate/);
  });
});

describe('teardown while KMS is called', () => {
  test('a decrypt stream destroyed before KMS answers keeps nothing and throws nothing', async () => {
    const f = fixture();
    const control = controllable(f.kms);
    const encryptor = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: control.client, generatorKeyId: f.keyArn }),
    });
    const message = await f.encryptor().encrypt(Buffer.from('in flight'));
    control.hold();
    const stream = encryptor.decryptStream();
    const errors: unknown[] = [];
    stream.on('error', (e) => errors.push(e));
    stream.write(message);
    await new Promise((resolve) => setImmediate(resolve));
    stream.destroy();
    control.release();
    await zeroedWithin(control.handedOut);
    expect(errors).toEqual([]);
    expect(control.handedOut.length).toBe(1);
    // The unwrapped data key KMS returned was zeroed once it was no longer needed.
    expect(Buffer.from(control.handedOut[0]!).equals(Buffer.alloc(32))).toBe(true);
  });

  test('an encrypt stream destroyed before GenerateDataKey answers zeroes the data key', async () => {
    const f = fixture();
    const control = controllable(f.kms);
    const encryptor = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: control.client, generatorKeyId: f.keyArn }),
    });
    control.hold();
    const stream = encryptor.encryptStream();
    stream.on('error', () => undefined);
    stream.write(Buffer.from('never encrypted'));
    await new Promise((resolve) => setImmediate(resolve));
    stream.destroy();
    control.release();
    await zeroedWithin(control.handedOut);
    expect(control.handedOut.length).toBe(1);
    expect(Buffer.from(control.handedOut[0]!).equals(Buffer.alloc(32))).toBe(true);
  });
});

describe('frame IVs', () => {
  test('a frame whose IV is not its sequence number is refused even with a valid tag', async () => {
    const f = fixture();
    const control = controllable(f.kms);
    const encryptor = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: control.client, generatorKeyId: f.keyArn }),
      frameLength: 16,
    });
    // Keep a copy of the data key as KMS hands it out (the encryptor zeroes its own).
    const keys: Buffer[] = [];
    const original = control.client.generateDataKey;
    control.client.generateDataKey = async (input) => {
      const out = await original(input);
      keys.push(Buffer.from(out.Plaintext!));
      return out;
    };
    const plaintext = Buffer.alloc(40, 7);
    const message = Buffer.from(await encryptor.encrypt(plaintext));
    const headerLength = message.length - (2 * (4 + 12 + 16 + 16) + (4 + 4 + 12 + 4 + 8 + 16));
    const messageId = message.subarray(3, 35);
    const { encryptionKey } = deriveMessageKeys(keys[0]!, Buffer.from(messageId), getAlgorithmSuite(0x0478));
    // Re-encrypt frame 1 under IV "sequence 9", with a correct tag for that IV.
    const frame1 = headerLength;
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(9, 8);
    const aad = Buffer.concat([
      messageId,
      Buffer.from('AWSKMSEncryptionClient Frame'),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 16]),
    ]);
    const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
    cipher.setAAD(aad);
    const ciphertext = cipher.update(plaintext.subarray(0, 16));
    cipher.final();
    iv.copy(message, frame1 + 4);
    ciphertext.copy(message, frame1 + 16);
    cipher.getAuthTag().copy(message, frame1 + 32);
    await expect(encryptor.decrypt(message)).rejects.toThrow(
      /frame 1 has an IV other than its sequence number/,
    );
  });
});

test('a downstream listener error is not reported as the crypto stream failing twice', async () => {
  const f = fixture();
  const stream = f.encryptor().encryptStream();
  const errors: unknown[] = [];
  stream.on('error', (e) => errors.push(e));
  const sink = new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
  stream.pipe(sink);
  stream.end(Buffer.from('fine'));
  await new Promise((resolve) => sink.on('finish', resolve));
  expect(errors).toEqual([]);
});
