import { randomBytes } from 'node:crypto';
import {
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import {
  type AlgorithmSuiteId,
  Defaults,
  EnvelopeEncryptor,
  KmsKeyring,
  UnsupportedFormatError,
} from '../src';
import { fixture, hex, MiB, matrix, SUITES } from './fixtures';

/**
 * Interop with the official AWS Encryption SDK for JavaScript. Both sides talk to the same KMS test
 * double, so each can unwrap the other's data keys; messages cross in both directions.
 */
const f = fixture();
const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const esdkKeyring = new KmsKeyringNode({ generatorKeyId: f.keyArn, clientProvider: () => f.kms });

const FRAME_LENGTHS = [1, 4096, Defaults.FRAME_LENGTH];
const CONTEXTS: Record<string, string>[] = [{}, { tenant: 'acme', ключ: 'значение' }];

const cases = matrix(FRAME_LENGTHS, CONTEXTS);

describe('our messages decrypt with @aws-crypto/client-node', () => {
  test.each(cases)(
    'suite %s frame %i size %i context %j',
    async (_label, suite, frameLength, size, context) => {
      const ours = f.encryptor({ algorithmSuite: suite as 0x0478, frameLength });
      const plaintext = randomBytes(size);
      const message = await ours.encrypt(plaintext, { encryptionContext: context });
      const { plaintext: decrypted, messageHeader } = await esdk.decrypt(esdkKeyring, message);
      expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
      expect(messageHeader.suiteId).toBe(suite);
      expect(messageHeader.frameLength).toBe(frameLength);
      for (const [key, value] of Object.entries(context))
        expect(messageHeader.encryptionContext[key]).toBe(value);
    },
  );

  test.each(SUITES.map((s) => [hex(s), s] as const))(
    'non-framed messages too (suite %s)',
    async (_label, suite) => {
      const ours = f.encryptor({ algorithmSuite: suite, frameLength: 0 });
      for (const size of [0, 1, 4097, 1 * MiB]) {
        const plaintext = randomBytes(size);
        const message = await ours.encrypt(plaintext, { encryptionContext: { nf: '1' } });
        const { plaintext: decrypted } = await esdk.decrypt(esdkKeyring, message);
        expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
      }
    },
  );

  test('streamed messages decrypt with the SDK', async () => {
    const ours = f.encryptor({ frameLength: 4096 });
    const plaintext = randomBytes(100_000);
    const stream = ours.encryptStream({ encryptionContext: { s: '1' } });
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
    stream.end(plaintext);
    await ended;
    const { plaintext: decrypted } = await esdk.decrypt(esdkKeyring, Buffer.concat(parts));
    expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
  });
});

describe('@aws-crypto/client-node messages decrypt with ours', () => {
  test.each(cases)(
    'suite %s frame %i size %i context %j',
    async (_label, suite, frameLength, size, context) => {
      const plaintext = randomBytes(size);
      const { result } = await esdk.encrypt(esdkKeyring, plaintext, {
        encryptionContext: context,
        frameLength,
        suiteId: suite as 0x0478,
      });
      const ours = f.encryptor();
      const decrypted = await ours.decrypt(result, { requiredEncryptionContext: context });
      expect(decrypted.plaintext.equals(plaintext)).toBe(true);
    },
  );

  test('a message wrapped under two keys decrypts with either listed key', async () => {
    const twoKeys = new KmsKeyringNode({
      generatorKeyId: f.keyArn,
      keyIds: [f.otherKeyArn],
      clientProvider: () => f.kms,
    });
    const { result } = await esdk.encrypt(twoKeys, Buffer.from('two keys'), {
      encryptionContext: { k: '2' },
    });
    const onlyOther = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: f.kms, additionalKeyIds: [f.otherKeyArn] }),
    });
    expect((await onlyOther.decrypt(result)).plaintext.toString()).toBe('two keys');
  });

  test('messages from the SDK caching materials manager decrypt with ours', async () => {
    const cmm = new NodeCachingMaterialsManager({
      backingMaterials: esdkKeyring,
      cache: getLocalCryptographicMaterialsCache(10),
      maxAge: 60_000,
      maxMessagesEncrypted: 100,
    });
    const ours = f.encryptor();
    for (let i = 0; i < 5; i++) {
      const plaintext = randomBytes(1024);
      const { result } = await esdk.encrypt(cmm, plaintext, {
        encryptionContext: { i: String(i) },
        plaintextLength: 1024,
      });
      expect((await ours.decrypt(result)).plaintext.equals(plaintext)).toBe(true);
    }
  });

  test('a non-committing (version 1) SDK message is refused with UnsupportedFormatError', async () => {
    const legacy = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const { result } = await legacy.encrypt(esdkKeyring, Buffer.from('legacy'), {
      suiteId: 0x0378 as unknown as typeof AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY,
    });
    await expect(f.encryptor().decrypt(result)).rejects.toBeInstanceOf(UnsupportedFormatError);
  });
});
