/**
 * Counts messages that cannot be decrypted after concurrent `encrypt()` calls share a DataKeyCache
 * (the race of a cached data key zeroed by an eviction while a borrower still awaits).
 * Run: npx tsx bench/cache-race.ts. It prints counts; it asserts nothing (the stress test does).
 */
import { InMemoryKms } from '@secure-lambda/testkit';
import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '../src';

interface Scenario {
  readonly label: string;
  readonly messages: number;
  readonly batch: number;
  readonly cache: ConstructorParameters<typeof DataKeyCache>[0];
}

const SCENARIOS: readonly Scenario[] = [
  { label: 'defaults, 13,000 messages, batches of 50', messages: 13_000, batch: 50, cache: {} },
  {
    label: 'maxMessagesPerKey 100, 3,000 messages, batches of 50',
    messages: 3_000,
    batch: 50,
    cache: { maxMessagesPerKey: 100 },
  },
  {
    label: 'maxBytesPerKey 64 KiB (1 KiB messages), 3,000 messages, batches of 50',
    messages: 3_000,
    batch: 50,
    cache: { maxBytesPerKey: 64 * 1024 },
  },
];

async function run(scenario: Scenario): Promise<{ undecryptable: number; generateCalls: number }> {
  const kms = new InMemoryKms();
  const keyring = new KmsKeyring({ client: kms, generatorKeyId: kms.createKey() });
  const encryptor = new EnvelopeEncryptor({ keyring, cache: new DataKeyCache(scenario.cache) });
  const verifier = new EnvelopeEncryptor({ keyring });
  const plaintext = Buffer.alloc(1024, 0x5a);
  const context = { tenant: 'race' };
  const messages: Buffer[] = [];
  for (let done = 0; done < scenario.messages; done += scenario.batch) {
    const count = Math.min(scenario.batch, scenario.messages - done);
    const batch = Array.from({ length: count }, () =>
      encryptor.encrypt(plaintext, { encryptionContext: context }),
    );
    messages.push(...(await Promise.all(batch)));
  }
  const generateCalls = kms.calls.generateDataKey;
  let undecryptable = 0;
  for (const message of messages) {
    try {
      await verifier.decrypt(message, { requiredEncryptionContext: context });
    } catch {
      undecryptable += 1;
    }
  }
  return { undecryptable, generateCalls };
}

async function main(): Promise<void> {
  for (const scenario of SCENARIOS) {
    const { undecryptable, generateCalls } = await run(scenario);
    console.log(
      `${scenario.label}: ${undecryptable} of ${scenario.messages} undecryptable ` +
        `(${generateCalls} GenerateDataKey calls)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
