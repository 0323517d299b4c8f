import { randomUUID } from 'node:crypto';
import { AWS_KMS_PROVIDER_ID, MessageFormat } from './constants';
import {
  CryptoConfigurationError,
  CryptoErrorCode,
  InvalidMessageError,
  KeyNotAllowedError,
  KmsFailureError,
} from './errors';
import type { EncryptionContext, KmsClientLike } from './kms-client';
import { parseKeyArn } from './private/arn';
import type { EncryptedDataKey } from './private/header';
import { mapKmsError } from './private/kms-errors';
import { zero } from './private/primitives';

export type { EncryptedDataKey } from './private/header';

/** Decrypt with any `aws-kms` key of these accounts. Only with an explicit account list. */
export interface KmsDiscoveryFilter {
  /** Accounts whose keys may be used. Required: unfiltered discovery would trust any key in any account. */
  readonly accountIds: readonly string[];
  /**
   * The AWS partition of those accounts.
   * @default 'aws'
   */
  readonly partition?: string;
}

export interface KmsKeyringProps {
  /** The KMS client (the adapter from `@secure-lambda/crypto/kms-sdk`, or a test double). */
  readonly client: KmsClientLike;
  /**
   * Key ARN that generates each data key. Required for encryption.
   * @default undefined (the keyring can only decrypt)
   */
  readonly generatorKeyId?: string;
  /**
   * Key ARNs that also wrap each data key, so any of them can decrypt (for example a key in a second region).
   * @default []
   */
  readonly additionalKeyIds?: readonly string[];
  /**
   * Also decrypt with keys found in the message, limited to these accounts. Off unless given.
   * @default undefined (strict: only the listed keys are ever called)
   */
  readonly discovery?: KmsDiscoveryFilter;
  /**
   * Grant tokens passed to every KMS call.
   * @default []
   */
  readonly grantTokens?: readonly string[];
  /**
   * Cache partition. Keyrings share cached data keys only when they share a partition (and their keys):
   * give two keyrings the same value only if they run with the same KMS permissions.
   * @default a random id per keyring (nothing is shared: a keyring whose client KMS would refuse never
   * gets a key another keyring unwrapped)
   */
  readonly cachePartition?: string;
}

export interface GeneratedDataKey {
  /** The plaintext data key. The caller owns it and must zero it. */
  readonly dataKey: Buffer;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** KMS answered, but not with what was asked for: never use such a response. */
function unexpectedResponse(operation: string, keyId: string, what: string): KmsFailureError {
  return new KmsFailureError(
    CryptoErrorCode.KMS_FAILURE,
    `KMS ${operation} for ${keyId} returned ${what}; the response was discarded.`,
    { keyId, operation },
  );
}

function requireKeyArn(value: unknown, field: string): string {
  if (typeof value !== 'string' || parseKeyArn(value) === undefined) {
    throw new CryptoConfigurationError(
      `KmsKeyring: ${field} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ` +
        `${JSON.stringify(value)}: decrypt pins keys by ARN, so pass the key ARN.`,
    );
  }
  return value;
}

/**
 * Wraps data keys with AWS KMS, in the Encryption SDK's `aws-kms` format (provider info = key ARN).
 * Decrypt is strict: only the listed keys are called, unless a discovery filter is given.
 *
 * @example
 * ```ts
 * const keyring = new KmsKeyring({ client: createKmsClient(), generatorKeyId: process.env.KEY_ARN! });
 * const encryptor = new EnvelopeEncryptor({ keyring });
 * ```
 */
export class KmsKeyring {
  readonly generatorKeyId: string | undefined;
  readonly additionalKeyIds: readonly string[];
  /**
   * Identifies this keyring's cache entries: its partition (random unless configured) and what it may
   * decrypt, so a shared cache never hands a key to a keyring that KMS did not authorize.
   */
  readonly partitionId: string;
  readonly #client: KmsClientLike;
  readonly #allowed: ReadonlySet<string>;
  readonly #discovery: { readonly accountIds: ReadonlySet<string>; readonly partition: string } | undefined;
  /** Spread into every KMS call: `{ GrantTokens }` when grant tokens were given, else nothing. */
  readonly #grants: { readonly GrantTokens?: readonly string[] };

  constructor(props: KmsKeyringProps) {
    if (!props || typeof props.client?.generateDataKey !== 'function') {
      throw new CryptoConfigurationError(
        'KmsKeyring: `client` is required; use createKmsClient() from @secure-lambda/crypto/kms-sdk.',
      );
    }
    this.#client = props.client;
    this.generatorKeyId =
      props.generatorKeyId === undefined ? undefined : requireKeyArn(props.generatorKeyId, 'generatorKeyId');
    this.additionalKeyIds = (props.additionalKeyIds ?? []).map((id, i) =>
      requireKeyArn(id, `additionalKeyIds[${i}]`),
    );
    if (props.discovery) {
      const accountIds = props.discovery.accountIds;
      if (
        !Array.isArray(accountIds) ||
        accountIds.length === 0 ||
        accountIds.some((a) => !/^\d{12}$/.test(a))
      ) {
        throw new CryptoConfigurationError(
          'KmsKeyring: discovery.accountIds must list one or more 12-digit AWS account ids.',
        );
      }
      this.#discovery = { accountIds: new Set(accountIds), partition: props.discovery.partition ?? 'aws' };
    }
    if (this.generatorKeyId === undefined && this.additionalKeyIds.length === 0 && !this.#discovery) {
      throw new CryptoConfigurationError(
        'KmsKeyring: give a generatorKeyId (to encrypt and decrypt) or a discovery filter (to decrypt only).',
      );
    }
    const keys = [this.generatorKeyId, ...this.additionalKeyIds].filter((k): k is string => k !== undefined);
    this.#allowed = new Set(keys);
    this.#grants = props.grantTokens ? { GrantTokens: [...props.grantTokens] } : {};
    const discoveryPart = this.#discovery
      ? `discovery:${this.#discovery.partition}:${[...this.#discovery.accountIds].sort().join(',')}`
      : 'strict';
    const partition = props.cachePartition ?? randomUUID();
    this.partitionId = `${partition}|${keys.join(',')}|${discoveryPart}`;
  }

  /** Whether this keyring may call KMS with the key named in an encrypted data key. */
  allows(edk: EncryptedDataKey): boolean {
    if (edk.providerId !== AWS_KMS_PROVIDER_ID) return false;
    if (this.#allowed.has(edk.providerInfo)) return true;
    if (!this.#discovery) return false;
    const arn = parseKeyArn(edk.providerInfo);
    return (
      arn !== undefined &&
      arn.partition === this.#discovery.partition &&
      this.#discovery.accountIds.has(arn.accountId)
    );
  }

  /**
   * Generates a data key with the generator key and wraps it with every additional key.
   * The context is bound into each wrapped copy by KMS.
   */
  async generateDataKey(encryptionContext: EncryptionContext): Promise<GeneratedDataKey> {
    const generator = this.generatorKeyId;
    if (generator === undefined) {
      throw new CryptoConfigurationError(
        'KmsKeyring: no generatorKeyId, so it cannot encrypt. Configure a generator key ARN.',
      );
    }
    let response: Awaited<ReturnType<KmsClientLike['generateDataKey']>>;
    try {
      response = await this.#client.generateDataKey({
        KeyId: generator,
        NumberOfBytes: MessageFormat.DATA_KEY_LENGTH,
        EncryptionContext: encryptionContext,
        ...this.#grants,
      });
    } catch (error) {
      throw mapKmsError(error, 'GenerateDataKey', generator);
    }
    const { Plaintext, CiphertextBlob, KeyId } = response;
    if (
      !Plaintext ||
      Plaintext.byteLength !== MessageFormat.DATA_KEY_LENGTH ||
      !CiphertextBlob ||
      KeyId !== generator
    ) {
      zero(Plaintext);
      throw unexpectedResponse('GenerateDataKey', generator, 'a wrong key id or key length');
    }
    const dataKey = toBuffer(Plaintext);
    const encryptedDataKeys: EncryptedDataKey[] = [
      { providerId: AWS_KMS_PROVIDER_ID, providerInfo: KeyId, encryptedDataKey: toBuffer(CiphertextBlob) },
    ];
    try {
      for (const keyId of this.additionalKeyIds) {
        encryptedDataKeys.push(await this.#wrap(keyId, dataKey, encryptionContext));
      }
    } catch (error) {
      zero(dataKey);
      throw error;
    }
    // Frozen: encoders cache the serialized list by identity, so it must never change.
    return { dataKey, encryptedDataKeys: Object.freeze(encryptedDataKeys) };
  }

  async #wrap(
    keyId: string,
    dataKey: Buffer,
    encryptionContext: EncryptionContext,
  ): Promise<EncryptedDataKey> {
    let response: Awaited<ReturnType<KmsClientLike['encrypt']>>;
    try {
      response = await this.#client.encrypt({
        KeyId: keyId,
        Plaintext: dataKey,
        EncryptionContext: encryptionContext,
        ...this.#grants,
      });
    } catch (error) {
      throw mapKmsError(error, 'Encrypt', keyId);
    }
    if (!response.CiphertextBlob || response.KeyId !== keyId) {
      throw unexpectedResponse('Encrypt', keyId, 'no ciphertext or another key id');
    }
    return {
      providerId: AWS_KMS_PROVIDER_ID,
      providerInfo: keyId,
      encryptedDataKey: toBuffer(response.CiphertextBlob),
    };
  }

  /**
   * Unwraps the data key with the first allowed key that succeeds. KMS is asked to use exactly the key
   * named in the message (`KeyId`), and the key it reports using must be that key.
   *
   * Each distinct key is called at most once per message: nothing is authenticated before a data key
   * is unwrapped, so a forged message could otherwise name the same allowed key in every wrapped-key
   * slot and spend that many calls of the account's shared KMS quota. Once KMS has refused a key (wrong
   * ciphertext, access denied, throttled, unavailable) another copy under that key is not worth a call:
   * a genuine writer wraps the one data key once per key.
   */
  async decryptDataKey(
    encryptedDataKeys: readonly EncryptedDataKey[],
    encryptionContext: EncryptionContext,
  ): Promise<Buffer> {
    const candidates = encryptedDataKeys.filter((edk) => this.allows(edk));
    if (candidates.length === 0) {
      // Provider fields are unauthenticated input: quoted, shortened and capped before they reach a message.
      const found = encryptedDataKeys
        .slice(0, 4)
        .map((edk) => JSON.stringify(`${edk.providerId}:${edk.providerInfo}`.slice(0, 160)))
        .join(', ');
      throw new KeyNotAllowedError(
        `None of the message's ${encryptedDataKeys.length} encrypted data key(s) is wrapped by a KMS key this ` +
          `keyring allows (found: ${found}). Add the key ARN to the keyring, or decrypt where that key is allowed.`,
      );
    }
    let firstError: unknown;
    const tried = new Set<string>();
    for (const edk of candidates) {
      if (tried.has(edk.providerInfo)) continue;
      tried.add(edk.providerInfo);
      try {
        const response = await this.#client.decrypt({
          KeyId: edk.providerInfo,
          CiphertextBlob: edk.encryptedDataKey,
          EncryptionContext: encryptionContext,
          ...this.#grants,
        });
        if (response.KeyId !== edk.providerInfo) {
          zero(response.Plaintext);
          throw unexpectedResponse('Decrypt', edk.providerInfo, `key ${String(response.KeyId)}`);
        }
        if (!response.Plaintext || response.Plaintext.byteLength !== MessageFormat.DATA_KEY_LENGTH) {
          zero(response.Plaintext);
          throw new InvalidMessageError('the unwrapped data key has the wrong length.');
        }
        return toBuffer(response.Plaintext);
      } catch (error) {
        firstError ??= mapKmsError(error, 'Decrypt', edk.providerInfo);
      }
    }
    throw firstError;
  }
}
