import { InMemoryKms } from '@secure-lambda/testkit';
import { DataKeyCache, type DataKeyCacheProps, EnvelopeEncryptor, KmsKeyring } from '../src';
import { observeKeys, turns } from './key-observer';

interface Scenario {
  readonly bound: string;
  readonly cache: DataKeyCacheProps;
  /** Contexts the messages of a batch cycle through (more than the capacity makes capacity evict). */
  readonly contexts: number;
  /**
   * false: a batch's calls all start in one tick and KMS answers at once (the shape the race was
   * measured in). true: KMS answers after 0 to 3 turns of the event loop and calls start over 0 to 2
   * turns, so hits, evictions and the stores that follow KMS answers interleave as in a busy function.
   */
  readonly spread: boolean;
}

const MESSAGES = 3_000;
const BATCH = 50;
const PLAINTEXT = Buffer.alloc(1024, 0x5a);

const SCENARIOS: readonly Scenario[] = [
  { bound: 'maxMessagesPerKey', cache: { maxMessagesPerKey: 100 }, contexts: 1, spread: false },
  { bound: 'maxBytesPerKey', cache: { maxBytesPerKey: 64 * 1024 }, contexts: 1, spread: false },
  { bound: 'maxMessagesPerKey', cache: { maxMessagesPerKey: 100 }, contexts: 2, spread: true },
  { bound: 'capacity', cache: { capacity: 2 }, contexts: 3, spread: true },
];

/** Undecryptable counts per scenario, printed once so the measurement can be quoted. */
const counts: string[] = [];
afterAll(() => {
  console.log(`undecryptable messages after concurrent encrypt():\n${counts.join('\n')}`);
});

describe('DataKeyCache under real concurrency', () => {
  test.each(SCENARIOS)(
    '[TM-CRYPTO-01] batches of 50 concurrent encrypt() and decrypt() crossing $bound (spread: $spread): every message decrypts, every key is zeroed',
    async ({ bound, cache: props, contexts, spread }) => {
      const kms = new InMemoryKms();
      const keyArn = kms.createKey();
      const latency = spread ? () => turns(Math.floor(Math.random() * 4)) : undefined;
      const observed = observeKeys(kms, new DataKeyCache(props), latency);
      const keyring = new KmsKeyring({ client: observed.client, generatorKeyId: keyArn });
      const encryptor = new EnvelopeEncryptor({ keyring, cache: observed.cache });
      const verifier = new EnvelopeEncryptor({
        keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
      });

      const messages: Array<{ message: Buffer; context: Record<string, string> }> = [];
      let decryptFailures = 0;
      while (messages.length < MESSAGES) {
        const encrypts = Array.from({ length: BATCH }, async (_, i) => {
          const context = { tenant: `t${i % contexts}` };
          if (spread) await turns(i % 3);
          const message = await encryptor.encrypt(PLAINTEXT, { encryptionContext: context });
          return { message, context };
        });
        // Decrypts of earlier messages in the same batch: they fill the cache too, and evict by capacity.
        const decrypts = messages.slice(-5).map(({ message }) =>
          encryptor.decrypt(message).then(
            ({ plaintext }) => {
              if (!plaintext.equals(PLAINTEXT)) decryptFailures += 1;
            },
            () => {
              decryptFailures += 1;
            },
          ),
        );
        const [written] = await Promise.all([Promise.all(encrypts), Promise.all(decrypts)]);
        messages.push(...written);
      }

      let undecryptable = 0;
      for (const { message, context } of messages) {
        const ok = await verifier.decrypt(message, { requiredEncryptionContext: context }).then(
          ({ plaintext }) => plaintext.equals(PLAINTEXT),
          () => false,
        );
        if (!ok) undecryptable += 1;
      }
      counts.push(
        `  ${bound}${spread ? ' (spread)' : ''}: ${undecryptable} of ${messages.length} (and ${decryptFailures} failed decrypts)`,
      );
      expect({ undecryptable, decryptFailures }).toEqual({ undecryptable: 0, decryptFailures: 0 });

      // Every message decrypts with its own encryptor too (through the cache).
      for (const { message, context } of messages.slice(-200)) {
        const { plaintext } = await encryptor.decrypt(message, { requiredEncryptionContext: context });
        expect(plaintext.equals(PLAINTEXT)).toBe(true);
      }
      // The cache did lend keys (else the check below would hold vacuously).
      expect(observed.lent.size).toBeGreaterThan(0);
      observed.expectZeroedOnceUnheld();
    },
  );
});
