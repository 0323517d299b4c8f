/**
 * Benchmark of @secure-lambda/crypto against raw node:crypto AES-256-GCM (the ceiling) and the official
 * AWS Encryption SDK for JavaScript with a caching materials manager, all on the same in-memory KMS.
 * Run: npm run bench -w @secure-lambda/crypto. It prints figures and ratios; it asserts nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { InMemoryKms } from '@secure-lambda/testkit';
import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '../src';
import { measureBundleSizes } from './bundle-size';
import { compare } from './measure';

const KiB = 1024;
const MiB = 1024 * KiB;
const ALL_SIZES = [1 * KiB, 64 * KiB, 1 * MiB, 16 * MiB];
// `--sizes 1048576,16777216` limits the run to some sizes (for investigating one row).
const sizesArg = process.argv.indexOf('--sizes');
const SIZES = sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : ALL_SIZES;
const CONTEXT = { tenant: 'bench', purpose: 'throughput' };
const quick = process.argv.includes('--quick');

function label(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function rawGcm() {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  return {
    // One GCM call over the whole buffer, no framing, no copies: the ceiling for any AES-GCM format.
    encrypt(plaintext: Buffer) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const out = cipher.update(plaintext);
      cipher.final();
      return { out, tag: cipher.getAuthTag() };
    },
    decrypt(ciphertext: Buffer, tag: Buffer) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const out = decipher.update(ciphertext);
      decipher.final();
      return out;
    },
  };
}

async function main(): Promise<void> {
  const kms = new InMemoryKms();
  const keyArn = kms.createKey({ alias: 'bench' });
  const ours = new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
    cache: new DataKeyCache(),
  });
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const esdkCmm = new NodeCachingMaterialsManager({
    backingMaterials: new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => kms }),
    cache: getLocalCryptographicMaterialsCache(100),
    maxAge: 5 * 60 * 1000,
    maxMessagesEncrypted: 10_000,
  });
  const suiteId = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  const raw = rawGcm();

  console.log('@secure-lambda/crypto benchmark');
  console.log(
    `node ${process.version}, ${process.arch}; suite 0x0478; ours: frame ${ours.frameLength} B, DataKeyCache;`,
  );
  console.log(
    'Encryption SDK: @aws-crypto/client-node 5.0.2, frame 4096 B (its default), caching CMM; same in-memory KMS.',
  );
  console.log(
    'Median of alternating rounds. "x raw" = share of raw AES-256-GCM; "x ESDK" = ours / Encryption SDK.\n',
  );

  const header = [
    'size',
    'op',
    'raw MB/s',
    'ours MB/s',
    'ours msg/s',
    'ESDK MB/s',
    'ESDK msg/s',
    'ours x raw',
    'ours x ESDK',
  ];
  const rows: string[][] = [];
  const checks: string[] = [];
  for (const size of SIZES) {
    const plaintext = randomBytes(size);
    const ourMessage = await ours.encrypt(plaintext, { encryptionContext: CONTEXT });
    const { result: esdkMessage } = await esdk.encrypt(esdkCmm, plaintext, {
      encryptionContext: CONTEXT,
      suiteId,
      plaintextLength: size,
    });
    const rawSealed = raw.encrypt(plaintext);
    const big = size >= MiB;
    const options = quick
      ? { rounds: 3, minMs: 50, minOps: 1 }
      : { rounds: big ? 5 : 7, minMs: big ? 400 : 250, minOps: big ? 2 : 20 };

    for (const op of ['encrypt', 'decrypt'] as const) {
      const contenders =
        op === 'encrypt'
          ? [
              { name: 'raw', run: () => raw.encrypt(plaintext) },
              { name: 'ours', run: () => ours.encrypt(plaintext, { encryptionContext: CONTEXT }) },
              {
                name: 'esdk',
                run: () =>
                  esdk.encrypt(esdkCmm, plaintext, {
                    encryptionContext: CONTEXT,
                    suiteId,
                    plaintextLength: size,
                  }),
              },
            ]
          : [
              { name: 'raw', run: () => raw.decrypt(rawSealed.out, rawSealed.tag) },
              { name: 'ours', run: () => ours.decrypt(ourMessage) },
              { name: 'esdk', run: () => esdk.decrypt(esdkCmm, esdkMessage) },
            ];
      const [r, o, e] = await compare(contenders, options);
      const mbps = (ops: number) => (ops * size) / 1e6;
      const ofRaw = o!.opsPerSecond / r!.opsPerSecond;
      const ofEsdk = o!.opsPerSecond / e!.opsPerSecond;
      rows.push([
        label(size),
        op,
        fmt(mbps(r!.opsPerSecond)),
        fmt(mbps(o!.opsPerSecond)),
        fmt(o!.opsPerSecond),
        fmt(mbps(e!.opsPerSecond)),
        fmt(e!.opsPerSecond),
        `${fmt(ofRaw * 100)}%`,
        `${fmt(ofEsdk, 1)}x`,
      ]);
      if (size >= MiB) {
        checks.push(
          `${ofRaw >= 0.6 ? 'met ' : 'MISS'}  ${label(size)} ${op}: ours at ${fmt(ofRaw * 100)}% of raw AES-GCM (target >= 60%); ESDK at ${fmt((e!.opsPerSecond / r!.opsPerSecond) * 100)}%`,
        );
      }
      if (size === KiB) {
        checks.push(
          `${ofEsdk >= 15 ? 'met ' : 'MISS'}  1 KiB ${op} (cached data key): ours ${fmt(ofEsdk, 1)}x the ESDK's messages/s (target >= 15x)`,
        );
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));

  // KMS calls per 10,000 messages of 1 KiB under one context.
  const small = randomBytes(KiB);
  const count = async (label: string, encrypt: () => Promise<unknown>) => {
    kms.resetCalls();
    for (let i = 0; i < 10_000; i++) await encrypt();
    return `${label.padEnd(44)} GenerateDataKey ${String(kms.calls.generateDataKey).padStart(6)}   Encrypt ${kms.calls.encrypt}   Decrypt ${kms.calls.decrypt}`;
  };
  const fresh = new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
    cache: new DataKeyCache(),
  });
  const uncached = new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
  });
  console.log('\nKMS calls per 10,000 encryptions (1 KiB, one encryption context):');
  const oursCalls = await count('ours, DataKeyCache defaults', () =>
    fresh.encrypt(small, { encryptionContext: CONTEXT }),
  );
  console.log(oursCalls);
  console.log(await count('ours, no cache', () => uncached.encrypt(small, { encryptionContext: CONTEXT })));
  const esdkFresh = new NodeCachingMaterialsManager({
    backingMaterials: new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => kms }),
    cache: getLocalCryptographicMaterialsCache(100),
    maxAge: 5 * 60 * 1000,
    maxMessagesEncrypted: 10_000,
  });
  console.log(
    await count('ESDK, caching CMM (maxMessagesEncrypted 10,000)', () =>
      esdk.encrypt(esdkFresh, small, { encryptionContext: CONTEXT, suiteId, plaintextLength: KiB }),
    ),
  );
  const gdk = Number(/GenerateDataKey\s+(\d+)/.exec(oursCalls)![1]);
  checks.push(
    `${gdk <= 1 ? 'met ' : 'MISS'}  ${gdk} GenerateDataKey per 10,000 encryptions under one context (target <= 1)`,
  );

  const sizes = await measureBundleSizes();
  const addedOurs = sizes.ours - sizes.baseline;
  const addedEsdk = sizes.esdk - sizes.baseline;
  console.log('\nBundle size (esbuild, minified, tree-shaken, platform node, target node20):');
  console.log(
    `  bare @aws-sdk/client-kms (3 commands)          ${fmt(sizes.baseline / 1000, 1).padStart(8)} KB`,
  );
  console.log(
    `  + @secure-lambda/crypto, whole public API     ${fmt(sizes.ours / 1000, 1).padStart(8)} KB  (adds ${fmt(addedOurs / 1000, 1)} KB = ${fmt(addedOurs)} bytes)`,
  );
  console.log(
    `  + @secure-lambda/crypto, envelope API only       ${fmt(sizes.oursEnvelopeOnly / 1000, 1).padStart(8)} KB  (adds ${fmt((sizes.oursEnvelopeOnly - sizes.baseline) / 1000, 1)} KB)`,
  );
  console.log(
    `  + @aws-crypto/client-node (caching CMM)        ${fmt(sizes.esdk / 1000, 1).padStart(8)} KB  (adds ${fmt(addedEsdk / 1000, 1)} KB)`,
  );
  checks.push(
    `${addedOurs <= 30_000 ? 'met ' : 'MISS'}  bundle adds ${fmt(addedOurs)} bytes over the bare KMS commands (target <= 30,000; ESDK adds ${fmt(addedEsdk / 1000, 1)} KB)`,
  );

  console.log('\nTargets (from the issue; measured above, not asserted):');
  for (const check of checks) console.log(`  ${check}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
