import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { getAlgorithmSuite } from '../src/private/algorithm-suites';
import { deriveMessageKeys, randomMessageId } from '../src/private/primitives';
import { SUITES } from './fixtures';

describe('key derivation', () => {
  test('matches node:crypto hkdfSync (HKDF-SHA512, message id as salt) for any key and id', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom(...SUITES),
        (dataKey, messageId, suiteId) => {
          const info = Buffer.concat([Buffer.from([suiteId >> 8, suiteId & 0xff]), Buffer.from('DERIVEKEY')]);
          const expectedKey = Buffer.from(hkdfSync('sha512', dataKey, messageId, info, 32));
          const expectedCommitment = Buffer.from(
            hkdfSync('sha512', dataKey, messageId, Buffer.from('COMMITKEY'), 32),
          );
          const { encryptionKey, commitment } = deriveMessageKeys(
            dataKey,
            Buffer.from(messageId),
            getAlgorithmSuite(suiteId),
          );
          expect(encryptionKey.equals(expectedKey)).toBe(true);
          expect(commitment.equals(expectedCommitment)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('message ids', () => {
  test('are 32 bytes and never repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = randomMessageId();
      expect(id.length).toBe(32);
      seen.add(id.toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });

  test('are copies: changing one does not change the pool or the next id', () => {
    const a = randomMessageId();
    const copy = Buffer.from(a);
    a.fill(0);
    const b = randomMessageId();
    expect(b.equals(Buffer.alloc(32))).toBe(false);
    expect(copy.equals(Buffer.alloc(32))).toBe(false);
  });
});
