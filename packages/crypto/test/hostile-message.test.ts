import { randomBytes } from 'node:crypto';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { InMemoryKms, type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import {
  CryptoError,
  CryptoErrorCode,
  EnvelopeEncryptor,
  InvalidMessageError,
  type KmsClientLike,
  KmsError,
  KmsKeyring,
} from '../src';
import { fromKmsClient } from '../src/kms-sdk';

/** A KMS client that counts Decrypt calls and forwards everything to `inner`. */
function counting(inner: KmsClientLike): KmsClientLike & { readonly decryptCalls: string[] } {
  const decryptCalls: string[] = [];
  return {
    decryptCalls,
    generateDataKey: (input) => inner.generateDataKey(input),
    encrypt: (input) => inner.encrypt(input),
    decrypt: (input) => {
      decryptCalls.push(input.KeyId);
      return inner.decrypt(input);
    },
  };
}

interface ForgedKey {
  readonly providerId?: string;
  readonly keyArn: string;
  readonly wrapped?: Buffer;
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

/**
 * What an attacker can build without any key: a real message's header with its wrapped-key section
 * replaced by `edks` (junk ciphertext naming keys of their choice). Nothing after the section changes,
 * so the header tag no longer verifies, but that is only checked once a data key has been unwrapped.
 */
function forge(message: Buffer, edks: readonly ForgedKey[]): Buffer {
  const contextStart = 1 + 2 + 32;
  const edkStart = contextStart + 2 + message.readUInt16BE(contextStart);
  let end = edkStart + 2;
  for (let i = 0; i < message.readUInt16BE(edkStart); i++) {
    for (let part = 0; part < 3; part++) end += 2 + message.readUInt16BE(end);
  }
  const section = [u16(edks.length)];
  for (const edk of edks) {
    const id = Buffer.from(edk.providerId ?? 'aws-kms');
    const info = Buffer.from(edk.keyArn);
    const wrapped = edk.wrapped ?? randomBytes(184);
    section.push(u16(id.length), id, u16(info.length), info, u16(wrapped.length), wrapped);
  }
  return Buffer.concat([message.subarray(0, edkStart), ...section, message.subarray(end)]);
}

const junk = (keyArn: string, count: number): ForgedKey[] =>
  Array.from({ length: count }, () => ({ keyArn }));

async function failure(work: Promise<unknown>): Promise<CryptoError> {
  const error = await work.then(
    () => new Error('decrypt of a forged message succeeded'),
    (e: unknown) => e,
  );
  if (!(error instanceof CryptoError)) throw error;
  return error;
}

/** The figures the issue asks for, printed once per KMS so the report can quote them. */
const measured: string[] = [];
afterAll(() => {
  if (measured.length > 0) console.log(`KMS Decrypt calls per hostile message:\n${measured.join('\n')}`);
});

describe('a hostile message against the in-memory KMS', () => {
  function setup(props: { maxEncryptedDataKeys?: number; second?: boolean } = {}) {
    const kms = new InMemoryKms();
    const keyArn = kms.createKey();
    const secondArn = kms.createKey();
    const client = counting(kms);
    const keyring = new KmsKeyring({
      client,
      generatorKeyId: keyArn,
      ...(props.second ? { additionalKeyIds: [secondArn] } : {}),
    });
    const encryptor = new EnvelopeEncryptor({
      keyring,
      ...(props.maxEncryptedDataKeys === undefined
        ? {}
        : { maxEncryptedDataKeys: props.maxEncryptedDataKeys }),
    });
    return { kms, keyArn, secondArn, client, encryptor };
  }

  test('[TM-CRYPTO-02] 16 junk wrapped keys naming the allowed key cost one KMS Decrypt call', async () => {
    const { keyArn, client, encryptor } = setup();
    const message = forge(await encryptor.encrypt(Buffer.from('x')), junk(keyArn, 16));
    const error = await failure(encryptor.decrypt(message));
    measured.push(`  in-memory KMS, 16 junk keys naming the allowed key: ${client.decryptCalls.length}`);
    expect(error).toBeInstanceOf(KmsError);
    expect(error.code).toBe(CryptoErrorCode.KMS_INVALID_CIPHERTEXT);
    expect(client.decryptCalls).toEqual([keyArn]);
  });

  test('[TM-CRYPTO-02] at most one call per distinct allowed key, whatever the number of wrapped keys', async () => {
    const { keyArn, secondArn, client, encryptor } = setup({ second: true });
    const original = await encryptor.encrypt(Buffer.from('x'));
    const edks = Array.from({ length: 16 }, (_, i) => ({ keyArn: i % 2 === 0 ? keyArn : secondArn }));
    await failure(encryptor.decrypt(forge(original, edks)));
    expect([...client.decryptCalls].sort()).toEqual([keyArn, secondArn].sort());
  });

  test('[TM-CRYPTO-02] a key KMS rejected is not tried again, even for a genuine wrapped key later on', async () => {
    const { keyArn, client, encryptor } = setup();
    const original = await encryptor.encrypt(Buffer.from('x'));
    // The genuine wrapped key comes last: after KMS rejected the first junk copy, the key is done.
    const edks = [...junk(keyArn, 3), ...wrappedKeysOf(original)];
    const error = await failure(encryptor.decrypt(forge(original, edks)));
    expect(error.code).toBe(CryptoErrorCode.KMS_INVALID_CIPHERTEXT);
    expect(client.decryptCalls).toHaveLength(1);
  });

  test('[TM-CRYPTO-02] a throttled key is not called again for the same message', async () => {
    const { kms, keyArn, client, encryptor } = setup();
    const message = await encryptor.encrypt(Buffer.from('x'));
    kms.failNext('decrypt', 'ThrottlingException');
    const error = await failure(encryptor.decrypt(forge(message, junk(keyArn, 5))));
    expect(error.code).toBe(CryptoErrorCode.KMS_THROTTLED);
    expect(client.decryptCalls).toHaveLength(1);
  });

  test('[TM-CRYPTO-02] more wrapped keys than maxEncryptedDataKeys are refused before any KMS call', async () => {
    const { keyArn, client, encryptor } = setup({ maxEncryptedDataKeys: 1 });
    const message = await encryptor.encrypt(Buffer.from('x'));
    expect((await encryptor.decrypt(message)).plaintext.toString()).toBe('x');
    client.decryptCalls.length = 0;
    const error = await failure(encryptor.decrypt(forge(message, junk(keyArn, 2))));
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.code).toBe(CryptoErrorCode.INVALID_MESSAGE);
    expect(error.message).toMatch(/carries 2 encrypted data keys, more than the allowed 1/);
    expect(client.decryptCalls).toEqual([]);
  });

  test('[TM-CRYPTO-02] the default limit (16) refuses 17 wrapped keys before any KMS call', async () => {
    const { keyArn, client, encryptor } = setup();
    const message = forge(await encryptor.encrypt(Buffer.from('x')), junk(keyArn, 17));
    const error = await failure(encryptor.decrypt(message));
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error.message).toMatch(/carries 17 encrypted data keys, more than the allowed 16/);
    expect(client.decryptCalls).toEqual([]);
  });

  test('[TM-CRYPTO-02] wrapped keys naming keys the keyring does not allow cost no KMS call', async () => {
    const { kms, client, encryptor } = setup();
    const stranger = kms.createKey();
    const message = forge(await encryptor.encrypt(Buffer.from('x')), junk(stranger, 16));
    const error = await failure(encryptor.decrypt(message));
    expect(error.code).toBe(CryptoErrorCode.KEY_NOT_ALLOWED);
    expect(client.decryptCalls).toEqual([]);
  });

  test('after KMS rejects one allowed key, the next allowed key is still tried', async () => {
    const { keyArn, secondArn, client, encryptor } = setup({ second: true });
    const message = await encryptor.encrypt(Buffer.from('both keys'));
    const genuine = wrappedKeysOf(message).filter((edk) => edk.keyArn === keyArn);
    // The rebuilt section no longer matches the header tag, so the message fails after the unwrap: only
    // the KMS calls are compared here.
    const error = await failure(encryptor.decrypt(forge(message, [{ keyArn: secondArn }, ...genuine])));
    expect(error.code).toBe(CryptoErrorCode.INVALID_MESSAGE);
    expect(client.decryptCalls).toEqual([secondArn, keyArn]);
  });
});

/** The wrapped keys of a real message, as `ForgedKey`s (to rebuild a section around them). */
function wrappedKeysOf(message: Buffer): ForgedKey[] {
  const contextStart = 1 + 2 + 32;
  let o = contextStart + 2 + message.readUInt16BE(contextStart);
  const count = message.readUInt16BE(o);
  o += 2;
  const out: ForgedKey[] = [];
  for (let i = 0; i < count; i++) {
    const parts: Buffer[] = [];
    for (let part = 0; part < 3; part++) {
      const length = message.readUInt16BE(o);
      parts.push(message.subarray(o + 2, o + 2 + length));
      o += 2 + length;
    }
    out.push({
      providerId: parts[0]!.toString(),
      keyArn: parts[1]!.toString(),
      wrapped: Buffer.from(parts[2]!),
    });
  }
  return out;
}

describe('a hostile message against moto KMS over HTTP', () => {
  let moto: MotoServer;
  let sdk: KMSClient;

  beforeAll(async () => {
    moto = await startMotoServer();
    sdk = new KMSClient({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    sdk?.destroy();
    await moto?.stop();
  });

  test('[TM-CRYPTO-02] 16 junk wrapped keys naming the allowed key cost one KMS Decrypt call (moto)', async () => {
    const { KeyMetadata } = await sdk.send(new CreateKeyCommand({ Description: 'hostile message test' }));
    const keyArn = KeyMetadata!.Arn!;
    const client = counting(fromKmsClient(sdk));
    const encryptor = new EnvelopeEncryptor({ keyring: new KmsKeyring({ client, generatorKeyId: keyArn }) });
    const message = await encryptor.encrypt(Buffer.from('x'), { encryptionContext: { tenant: 'acme' } });
    expect((await encryptor.decrypt(message)).plaintext.toString()).toBe('x');
    client.decryptCalls.length = 0;

    const error = await failure(encryptor.decrypt(forge(message, junk(keyArn, 16))));
    measured.push(`  moto KMS, 16 junk keys naming the allowed key: ${client.decryptCalls.length}`);
    expect(error).toBeInstanceOf(KmsError);
    expect(client.decryptCalls).toEqual([keyArn]);
  });
});
