import { AlgorithmSuiteId, Defaults, EnvelopeEncryptor, KmsKeyring } from '../src';
import { fixture, hex, matrix, plaintextOf, ROUND_TRIP_SIZES, SUITES, throughStream } from './fixtures';

const FRAME_LENGTHS = [1, 4096, Defaults.FRAME_LENGTH, 0];
const CONTEXTS: Record<string, string>[] = [
  {},
  { tenant: 'acme', purpose: 'round-trip', 'ünïcode-kéy': 'välue ✓' },
];

const f = fixture();

describe('EnvelopeEncryptor round trips (buffer API)', () => {
  const cases = matrix(FRAME_LENGTHS, CONTEXTS);

  test.each(cases)(
    'suite %s frame %i size %i context %j',
    async (_label, suite, frameLength, size, context) => {
      const encryptor = f.encryptor({ algorithmSuite: suite as 0x0478, frameLength });
      const plaintext = plaintextOf(size);
      const message = await encryptor.encrypt(plaintext, { encryptionContext: context });
      expect(message[0]).toBe(0x02);
      expect(message.readUInt16BE(1)).toBe(suite);
      // No plaintext run may appear in the message (checked where a run is long enough to mean anything).
      if (size >= 16) expect(message.includes(plaintext.subarray(0, 16))).toBe(false);
      const result = await encryptor.decrypt(message, { requiredEncryptionContext: context });
      expect(result.plaintext.equals(plaintext)).toBe(true);
      for (const [key, value] of Object.entries(context)) expect(result.encryptionContext[key]).toBe(value);
      expect('aws-crypto-public-key' in result.encryptionContext).toBe(
        suite === AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
      );
    },
  );
});

describe('EnvelopeEncryptor round trips (streams)', () => {
  const cases: Array<[string, number, number, number]> = [];
  for (const suite of SUITES)
    for (const frameLength of [1, 4096, Defaults.FRAME_LENGTH])
      for (const size of ROUND_TRIP_SIZES) {
        if (frameLength === 1 && size > 4097) continue;
        cases.push([hex(suite), suite, frameLength, size]);
      }

  test.each(cases)('suite %s frame %i size %i', async (_label, suite, frameLength, size) => {
    const encryptor = f.encryptor({ algorithmSuite: suite as 0x0478, frameLength });
    const plaintext = plaintextOf(size);
    const context = { stream: 'yes' };
    const message = await throughStream(encryptor.encryptStream({ encryptionContext: context }), plaintext);
    // Stream and buffer APIs write the same structure, so each reads the other's output.
    expect((await encryptor.decrypt(message)).plaintext.equals(plaintext)).toBe(true);
    const viaStream = await throughStream(
      encryptor.decryptStream({ requiredEncryptionContext: context }),
      message,
      [1, 13, 4096, 100_000],
    );
    expect(viaStream.equals(plaintext)).toBe(true);
  });

  test('a buffer-API message decrypts through the stream API, non-framed too', async () => {
    for (const frameLength of [0, 4096]) {
      const encryptor = f.encryptor({ frameLength });
      const plaintext = plaintextOf(100_000);
      const message = await encryptor.encrypt(plaintext);
      expect((await throughStream(encryptor.decryptStream(), message)).equals(plaintext)).toBe(true);
    }
  });
});

describe('keyrings with additional keys', () => {
  test('each listed key can decrypt on its own', async () => {
    const { kms, keyArn, otherKeyArn } = f;
    const both = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn, additionalKeyIds: [otherKeyArn] }),
    });
    const message = await both.encrypt(Buffer.from('shared secret'), { encryptionContext: { a: 'b' } });
    const onlyOther = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: kms, additionalKeyIds: [otherKeyArn] }),
    });
    expect((await onlyOther.decrypt(message)).plaintext.toString()).toBe('shared secret');
    const onlyFirst = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
    });
    expect((await onlyFirst.decrypt(message)).plaintext.toString()).toBe('shared secret');
  });
});
