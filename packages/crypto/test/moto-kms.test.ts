import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, DisableKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import {
  AlgorithmSuiteId,
  EnvelopeEncryptor,
  KeyNotAllowedError,
  KmsAccessDeniedError,
  KmsInvalidCiphertextError,
  KmsKeyring,
  KmsKeyUnavailableError,
  kmsDecrypt,
  kmsEncrypt,
} from '../src';
import { fromKmsClient } from '../src/kms-sdk';

/**
 * The same code against a real KMS API over HTTP: a moto server on 127.0.0.1, reached through the real
 * `@aws-sdk/client-kms` and the `./kms-sdk` adapter.
 */
let moto: MotoServer;
let sdk: KMSClient;

beforeAll(async () => {
  moto = await startMotoServer();
  sdk = new KMSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    maxAttempts: 2,
  });
});

afterAll(async () => {
  sdk?.destroy();
  await moto?.stop();
});

async function createKey(): Promise<string> {
  const { KeyMetadata } = await sdk.send(new CreateKeyCommand({ Description: 'secure-lambda crypto test' }));
  return KeyMetadata!.Arn!;
}

describe('against moto KMS over HTTP', () => {
  test('direct round trip, pinned to the key', async () => {
    const kms = fromKmsClient(sdk);
    const keyId = await createKey();
    const ciphertext = await kmsEncrypt(kms, {
      keyId,
      plaintext: Buffer.from('db-password'),
      encryptionContext: { app: 'a' },
    });
    const plaintext = await kmsDecrypt(kms, { keyId, ciphertext, encryptionContext: { app: 'a' } });
    expect(Buffer.from(plaintext).toString()).toBe('db-password');
    await expect(
      kmsDecrypt(kms, { keyId, ciphertext, encryptionContext: { app: 'b' } }),
    ).rejects.toBeInstanceOf(KmsInvalidCiphertextError);
  });

  test.each([
    ['0x0478', AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY],
    ['0x0578', AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384],
  ] as const)(
    'envelope round trip (suite %s), also decrypted by the official SDK',
    async (_label, algorithmSuite) => {
      const keyArn = await createKey();
      const encryptor = new EnvelopeEncryptor({
        keyring: new KmsKeyring({ client: fromKmsClient(sdk), generatorKeyId: keyArn }),
        algorithmSuite,
        frameLength: 4096,
      });
      const plaintext = Buffer.alloc(100_000, 0x42);
      const message = await encryptor.encrypt(plaintext, { encryptionContext: { tenant: 'acme' } });
      const ours = await encryptor.decrypt(message, { requiredEncryptionContext: { tenant: 'acme' } });
      expect(ours.plaintext.equals(plaintext)).toBe(true);

      const aggregated = new KMS({
        endpoint: moto.endpoint,
        region: moto.region,
        credentials: moto.credentials,
      });
      const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
      const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => aggregated });
      const theirs = await esdk.decrypt(keyring, message);
      expect(Buffer.from(theirs.plaintext).equals(plaintext)).toBe(true);
      const { result } = await esdk.encrypt(keyring, plaintext, { encryptionContext: { from: 'esdk' } });
      expect((await encryptor.decrypt(result)).plaintext.equals(plaintext)).toBe(true);
      aggregated.destroy();
    },
  );

  test('a message for an unlisted key is refused', async () => {
    const [keyA, keyB] = [await createKey(), await createKey()];
    const kms = fromKmsClient(sdk);
    const message = await new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: kms, generatorKeyId: keyA }),
    }).encrypt(Buffer.from('for A only'));
    const onlyB = new EnvelopeEncryptor({ keyring: new KmsKeyring({ client: kms, generatorKeyId: keyB }) });
    const error = await onlyB.decrypt(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyNotAllowedError);
    expect((error as Error).message).toContain(keyA);
  });

  test('a key that does not exist gives KmsKeyUnavailableError naming the key', async () => {
    // moto 5.2.5 accepts Encrypt/Decrypt/GenerateDataKey on a *disabled* key (it never checks key
    // state), so the disabled case is covered against the in-memory double (keyring.test.ts); over
    // HTTP the same typed error is checked with a key that does not exist.
    const missing = `arn:aws:kms:${moto.region}:${moto.accountId}:key/00000000-0000-4000-8000-000000000000`;
    const encryptor = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: fromKmsClient(sdk), generatorKeyId: missing }),
    });
    const error = await encryptor.encrypt(Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsKeyUnavailableError);
    expect((error as KmsKeyUnavailableError).keyId).toBe(missing);
    expect((error as Error).cause).toMatchObject({ name: 'NotFoundException' });
  });

  test('decrypting under another key than the blob was wrapped with is refused with a typed error', async () => {
    const [keyA, keyB] = [await createKey(), await createKey()];
    const kms = fromKmsClient(sdk);
    const blob = await kmsEncrypt(kms, {
      keyId: keyA,
      plaintext: Buffer.from('pinned'),
      encryptionContext: {},
    });
    // Real KMS answers IncorrectKeyException; moto answers AccessDeniedException. Both are typed.
    const error = await kmsDecrypt(kms, { keyId: keyB, ciphertext: blob, encryptionContext: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KmsAccessDeniedError);
    expect((error as KmsAccessDeniedError).keyId).toBe(keyB);
  });

  test('moto still does not enforce disabled keys (remove the workaround above when this fails)', async () => {
    const keyArn = await createKey();
    const keyId = keyArn.split('/').pop()!;
    await sdk.send(new DisableKeyCommand({ KeyId: keyId }));
    const kms = fromKmsClient(sdk);
    await expect(
      kmsEncrypt(kms, { keyId: keyArn, plaintext: Buffer.from('x'), encryptionContext: {} }),
    ).resolves.toBeInstanceOf(Uint8Array);
  });
});
