import { InMemoryKms } from '@secure-lambda/testkit';
import fc from 'fast-check';
import { DataKeyCache, type DataKeyCacheProps, EnvelopeEncryptor, KmsKeyring } from '../src';
import { observeKeys } from './key-observer';

/**
 * Interleavings of concurrent encrypts and decrypts that share one DataKeyCache, explored by
 * fast-check's scheduler: it decides when each KMS answer and each burst of calls happens. A burst's
 * calls start in the same tick (as `Promise.all` over requests does), so a call that crosses a bound or
 * stores a key (capacity) can run while another call of the burst still holds a cached key.
 */

type Op =
  | { readonly kind: 'encrypt'; readonly context: number; readonly size: number }
  | { readonly kind: 'decrypt'; readonly pick: number }
  | { readonly kind: 'tick'; readonly ms: number };

interface Bound {
  readonly name: string;
  readonly cache: fc.Arbitrary<DataKeyCacheProps>;
  readonly contexts: number;
  readonly maxSize: number;
}

type NumericBound = 'capacity' | 'maxAgeMs' | 'maxMessagesPerKey' | 'maxBytesPerKey';

/** One bound set small enough to be crossed within a few calls; the others keep their defaults. */
function only(name: NumericBound, min: number, max: number, contexts: number, maxSize: number): Bound {
  const cache = fc.integer({ min, max }).map((value): DataKeyCacheProps => ({ [name]: value }));
  return { name, cache, contexts, maxSize };
}

const BOUNDS: readonly Bound[] = [
  only('maxMessagesPerKey', 1, 3, 2, 64),
  only('maxBytesPerKey', 64, 256, 2, 128),
  only('maxAgeMs', 5, 30, 2, 64),
  // Three contexts against one or two entries: stores evict by capacity all the time.
  only('capacity', 1, 2, 3, 64),
  {
    name: 'every bound at once',
    cache: fc.record({
      capacity: fc.integer({ min: 1, max: 3 }),
      maxMessagesPerKey: fc.integer({ min: 1, max: 4 }),
      maxBytesPerKey: fc.integer({ min: 64, max: 256 }),
      maxAgeMs: fc.integer({ min: 5, max: 30 }),
    }),
    contexts: 3,
    maxSize: 128,
  },
];

function ops(bound: Bound): fc.Arbitrary<Op[][]> {
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('encrypt' as const),
        context: fc.nat({ max: bound.contexts - 1 }),
        size: fc.nat({ max: bound.maxSize }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('decrypt' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 20 }) }),
    },
  );
  return fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 });
}

interface Written {
  readonly message: Buffer;
  readonly context: Record<string, string>;
  readonly plaintext: Buffer;
}

describe('DataKeyCache under scheduled interleavings', () => {
  test.each(BOUNDS)(
    '[TM-CRYPTO-01] concurrent encrypts and decrypts crossing $name: every message decrypts, no lent key is zeroed, every key is zeroed once unheld',
    async (bound) => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), bound.cache, ops(bound), async (s, props, bursts) => {
          const kms = new InMemoryKms();
          const keyArn = kms.createKey();
          const clock = { now: 1_000_000 };
          let scheduled = true;
          // While the scenario runs, every KMS answer waits for the scheduler; afterwards (verification)
          // KMS answers at once.
          const latency = () =>
            scheduled ? s.schedule(Promise.resolve(), 'kms answers') : Promise.resolve();
          const observed = observeKeys(kms, new DataKeyCache({ ...props, now: () => clock.now }), latency);
          const keyring = new KmsKeyring({ client: observed.client, generatorKeyId: keyArn });
          const encryptor = new EnvelopeEncryptor({ keyring, cache: observed.cache });
          const verifier = new EnvelopeEncryptor({
            keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
          });

          const contextOf = (i: number) => ({ tenant: `t${i}` });
          // Messages to decrypt from the start: one per context, written without the cache.
          const written: Written[] = [];
          for (let i = 0; i < bound.contexts; i++) {
            const plaintext = Buffer.from(`premade ${i}`);
            const context = contextOf(i);
            written.push({
              message: await verifier.encrypt(plaintext, { encryptionContext: context }),
              context,
              plaintext,
            });
          }

          const run = async (op: Op, label: number): Promise<void> => {
            if (op.kind === 'tick') {
              clock.now += op.ms;
            } else if (op.kind === 'encrypt') {
              const plaintext = Buffer.alloc(op.size, label % 251);
              const context = contextOf(op.context);
              const message = await encryptor.encrypt(plaintext, { encryptionContext: context });
              written.push({ message, context, plaintext });
            } else {
              const target = written[op.pick % written.length]!;
              const result = await encryptor.decrypt(target.message, {
                requiredEncryptionContext: target.context,
              });
              if (!result.plaintext.equals(target.plaintext))
                throw new Error('decrypt returned other plaintext');
            }
          };
          let label = 0;
          const done = bursts.map((burst, b) =>
            s
              .schedule(Promise.resolve(), `burst ${b}`)
              .then(() => Promise.all(burst.map((op) => run(op, label++)))),
          );
          await s.waitFor(Promise.all(done));
          scheduled = false;

          for (const { message, context, plaintext } of written) {
            // Its own encryptor (through the cache) and one without a cache: both must read it.
            expect(
              (await encryptor.decrypt(message, { requiredEncryptionContext: context })).plaintext,
            ).toEqual(plaintext);
            expect(
              (await verifier.decrypt(message, { requiredEncryptionContext: context })).plaintext,
            ).toEqual(plaintext);
          }
          observed.expectZeroedOnceUnheld();
        }),
        { numRuns: 60 },
      );
    },
  );
});
