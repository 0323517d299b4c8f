import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { AlgorithmSuiteId, Defaults, EnvelopeEncryptor, KmsKeyring } from '../src';
import { getAlgorithmSuite } from '../src/private/algorithm-suites';
import { MessageEncoder } from '../src/private/codec';
import { parseHeader } from '../src/private/header';
import { BodyCipher, deriveMessageKeys } from '../src/private/primitives';
import { fixture, hex, matrix, plaintextOf, ROUND_TRIP_SIZES, SUITES, throughStream } from './fixtures';
import { framedLayout } from './message-layout';

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

describe('the final frame', () => {
  const frameLength = 4096;
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const esdkKeyring = new KmsKeyringNode({ generatorKeyId: f.keyArn, clientProvider: () => f.kms });
  const sizes = [0, 1, frameLength - 1, frameLength, frameLength + 1, 2 * frameLength, 3 * frameLength];
  const cases: Array<[string, string, number, number]> = [];
  for (const suite of SUITES)
    for (const api of ['encrypt', 'encryptStream'])
      for (const size of sizes) cases.push([hex(suite), api, size, suite]);

  test.each(cases)(
    'suite %s via %s, size %i: full frames are regular frames, the final frame is shorter than a frame, as the JavaScript SDK writes it',
    async (_label, api, size, suite) => {
      const encryptor = f.encryptor({ algorithmSuite: suite as 0x0478, frameLength });
      const plaintext = plaintextOf(size);
      // Chunks of exactly one frame are the input that used to leave a full frame for the end.
      const message =
        api === 'encrypt'
          ? await encryptor.encrypt(plaintext)
          : await throughStream(encryptor.encryptStream(), plaintext, [frameLength]);
      const ours = framedLayout(message);
      expect(ours.regularFrameOffsets).toHaveLength(Math.floor(size / frameLength));
      expect(ours.finalFrameContentLength).toBe(size % frameLength);
      // The same shape as the JavaScript SDK's message for the same input (0 bytes: one empty final frame).
      const { result } = await esdk.encrypt(esdkKeyring, plaintext, {
        frameLength,
        suiteId: suite as 0x0478,
      });
      const theirs = framedLayout(Buffer.from(result));
      expect([ours.regularFrameOffsets.length, ours.finalFrameContentLength]).toEqual([
        theirs.regularFrameOffsets.length,
        theirs.finalFrameContentLength,
      ]);
      expect((await encryptor.decrypt(message)).plaintext.equals(plaintext)).toBe(true);
    },
  );

  test('a final frame as long as the frame length, which the specification allows and older versions wrote, still decrypts', async () => {
    // Built by hand the way the encoder used to end a message of exactly N frames: N-1 regular frames,
    // then a final frame holding a whole frame.
    const plaintext = plaintextOf(3 * frameLength);
    const suite = getAlgorithmSuite(AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY);
    const encryptionContext = { written: 'by the old encoder' };
    const { dataKey, encryptedDataKeys } = await f.keyring.generateDataKey(encryptionContext);
    const encoder = new MessageEncoder({ suite, dataKey, encryptedDataKeys, encryptionContext }, frameLength);
    const parts = encoder.update(plaintext.subarray(0, 2 * frameLength));
    encoder.destroy();
    const { messageId } = parseHeader(Buffer.concat(parts), { maxEncryptedDataKeys: 16 });
    const { encryptionKey } = deriveMessageKeys(dataKey, messageId, suite);
    const finalFrame = new BodyCipher(encryptionKey, messageId).encryptFinalFrame(
      3,
      plaintext.subarray(2 * frameLength),
    );
    const message = Buffer.concat([...parts, ...finalFrame]);
    dataKey.fill(0);
    encryptionKey.fill(0);

    const layout = framedLayout(message);
    expect(layout.regularFrameOffsets).toHaveLength(2);
    expect(layout.finalFrameContentLength).toBe(frameLength);
    const encryptor = f.encryptor({ frameLength });
    const requiredEncryptionContext = encryptionContext;
    expect(
      (await encryptor.decrypt(message, { requiredEncryptionContext })).plaintext.equals(plaintext),
    ).toBe(true);
    expect(
      (await throughStream(encryptor.decryptStream({ requiredEncryptionContext }), message)).equals(
        plaintext,
      ),
    ).toBe(true);
    // The JavaScript SDK reads this form too: the message is valid, not only accepted here.
    const { plaintext: theirs } = await esdk.decrypt(esdkKeyring, message);
    expect(Buffer.from(theirs).equals(plaintext)).toBe(true);
  });
});
