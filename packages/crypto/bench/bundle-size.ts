import { build } from 'esbuild';

/** Bytes of a minified, tree-shaken Node bundle of `source` (resolved from this package). */
async function bundleBytes(source: string): Promise<number> {
  const result = await build({
    stdin: { contents: source, resolveDir: __dirname, loader: 'ts' },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0);
}

export interface BundleSizes {
  readonly baseline: number;
  /** Every export of the package (the figure the target is about). */
  readonly ours: number;
  /** Only what an envelope-encryption handler imports (no direct KMS helpers). */
  readonly oursEnvelopeOnly: number;
  readonly esdk: number;
}

/**
 * Baseline: the bare KMS client with the three commands the package uses. Each contender adds what
 * a handler really imports to encrypt and decrypt with a cache.
 */
export async function measureBundleSizes(): Promise<BundleSizes> {
  const kmsCommands =
    "import { KMSClient, GenerateDataKeyCommand, EncryptCommand, DecryptCommand } from '@aws-sdk/client-kms';\n" +
    'export const sdk = { KMSClient, GenerateDataKeyCommand, EncryptCommand, DecryptCommand };\n';
  const baseline = await bundleBytes(kmsCommands);
  const ours = await bundleBytes(
    `${kmsCommands}import { EnvelopeEncryptor, KmsKeyring, DataKeyCache, kmsEncrypt, kmsDecrypt } from '@secure-lambda/crypto';\n` +
      "import { fromKmsClient } from '@secure-lambda/crypto/kms-sdk';\n" +
      'export const ours = { EnvelopeEncryptor, KmsKeyring, DataKeyCache, kmsEncrypt, kmsDecrypt, fromKmsClient };\n',
  );
  const oursEnvelopeOnly = await bundleBytes(
    `${kmsCommands}import { EnvelopeEncryptor, KmsKeyring, DataKeyCache } from '@secure-lambda/crypto';\n` +
      "import { fromKmsClient } from '@secure-lambda/crypto/kms-sdk';\n" +
      'export const ours = { EnvelopeEncryptor, KmsKeyring, DataKeyCache, fromKmsClient };\n',
  );
  const esdk = await bundleBytes(
    `${kmsCommands}import { buildClient, KmsKeyringNode, NodeCachingMaterialsManager, getLocalCryptographicMaterialsCache } from '@aws-crypto/client-node';\n` +
      'export const esdk = { buildClient, KmsKeyringNode, NodeCachingMaterialsManager, getLocalCryptographicMaterialsCache };\n',
  );
  return { baseline, ours, oursEnvelopeOnly, esdk };
}
