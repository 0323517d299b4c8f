import { randomBytes, randomUUID } from 'node:crypto';
import { DataKeySpecBytes, KmsDoubleDefaults, type KmsExceptionName, KmsLimits } from './constants';
import { KmsServiceError, TestkitOptionsError } from './errors';
import { openBlob, parseBlob, sealBlob } from './private/kms-ciphertext';

export type KmsEncryptionContext = Readonly<Record<string, string>>;

/** The operations whose calls are counted and can be made to fail. */
export type KmsOperation = 'generateDataKey' | 'encrypt' | 'decrypt';

const OPERATIONS: readonly KmsOperation[] = ['generateDataKey', 'encrypt', 'decrypt'];

export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface InMemoryKmsOptions {
  /**
   * Region in the key ARNs.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Account id in the key ARNs.
   * @default '111122223333'
   */
  readonly accountId?: string;
}

export interface CreateKeyOptions {
  /**
   * An alias for the key, `alias/name` or just `name`.
   * @default no alias
   */
  readonly alias?: string;
}

/** The response metadata the AWS SDK v3 attaches to every output. */
export interface KmsResponseMetadata {
  readonly httpStatusCode: number;
  readonly requestId: string;
  readonly attempts: number;
  readonly totalRetryDelay: number;
}

/*
 * Required members are typed `T | undefined`, as in the SDK's own request types: that is what lets the
 * double be assigned to the SDK's `KMS` type as well as to narrower interfaces such as the crypto
 * package's. A missing value fails at run time with ValidationException, as KMS answers.
 */

export interface GenerateDataKeyInput {
  readonly KeyId: string | undefined;
  readonly NumberOfBytes?: number;
  readonly KeySpec?: 'AES_256' | 'AES_128';
  readonly EncryptionContext?: KmsEncryptionContext;
  readonly GrantTokens?: readonly string[];
}

/** Fields are mutable on purpose: the Encryption SDK's keyring reassigns `Plaintext` on the output. */
export interface GenerateDataKeyOutput {
  /** The key ARN, whatever form of key id the input used. */
  KeyId: string;
  Plaintext: Uint8Array;
  CiphertextBlob: Uint8Array;
  $metadata: KmsResponseMetadata;
}

export interface EncryptInput {
  readonly KeyId: string | undefined;
  readonly Plaintext: Uint8Array | undefined;
  readonly EncryptionContext?: KmsEncryptionContext;
  readonly GrantTokens?: readonly string[];
}

export interface EncryptOutput {
  KeyId: string;
  CiphertextBlob: Uint8Array;
  $metadata: KmsResponseMetadata;
}

/** `CiphertextBlob` is optional only because the SDK types it so; the double requires it. */
export interface DecryptInput {
  readonly CiphertextBlob?: Uint8Array | undefined;
  readonly KeyId?: string;
  readonly EncryptionContext?: KmsEncryptionContext;
  readonly GrantTokens?: readonly string[];
}

export interface DecryptOutput {
  KeyId: string;
  Plaintext: Uint8Array;
  $metadata: KmsResponseMetadata;
}

interface KeyRecord {
  readonly id: string;
  readonly arn: string;
  readonly material: Buffer;
  state: KmsKeyState;
}

const ALIAS_PREFIX = 'alias/';
/** KMS's own pattern for alias names (after `alias/`). */
const ALIAS_NAME = /^[a-zA-Z0-9/_-]{1,250}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function metadata(): KmsResponseMetadata {
  return { httpStatusCode: 200, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
}

/** The wording real KMS uses for a failed constraint, so tests of message handling see familiar text. */
function validation(detail: string): KmsServiceError {
  return new KmsServiceError('ValidationException', `1 validation error detected: ${detail}`);
}

function checkContext(context: unknown): void {
  if (context === undefined) return;
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw validation("Value at 'encryptionContext' failed to satisfy constraint: Member must be a map");
  }
  for (const [key, value] of Object.entries(context)) {
    if (key === '' || typeof value !== 'string') {
      throw validation(
        "Value at 'encryptionContext' failed to satisfy constraint: keys must be non-empty strings and values strings",
      );
    }
  }
}

function checkGrantTokens(tokens: unknown): void {
  if (tokens === undefined) return;
  if (!Array.isArray(tokens) || tokens.some((token) => typeof token !== 'string')) {
    throw validation("Value at 'grantTokens' failed to satisfy constraint: Member must be a list of strings");
  }
  if (tokens.length > KmsLimits.MAX_GRANT_TOKENS) {
    throw validation(
      `Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to ${KmsLimits.MAX_GRANT_TOKENS}`,
    );
  }
}

function checkBytes(value: unknown, member: string, max: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw validation(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  if (value.length < 1 || value.length > max) {
    throw validation(
      `Value at '${member}' failed to satisfy constraint: Member must have length between 1 and ${max}`,
    );
  }
}

function dataKeyLength(input: GenerateDataKeyInput): number {
  const { NumberOfBytes: bytes, KeySpec: spec } = input;
  if ((bytes === undefined) === (spec === undefined)) {
    throw validation('Specify exactly one of NumberOfBytes and KeySpec.');
  }
  if (spec !== undefined) {
    if (!Object.hasOwn(DataKeySpecBytes, spec)) {
      throw validation(
        `Value '${String(spec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
      );
    }
    return DataKeySpecBytes[spec];
  }
  if (
    !Number.isInteger(bytes) ||
    (bytes as number) < KmsLimits.MIN_DATA_KEY_BYTES ||
    (bytes as number) > KmsLimits.MAX_DATA_KEY_BYTES
  ) {
    throw validation(
      `Value '${String(bytes)}' at 'numberOfBytes' failed to satisfy constraint: Member must be an integer ` +
        `between ${KmsLimits.MIN_DATA_KEY_BYTES} and ${KmsLimits.MAX_DATA_KEY_BYTES}`,
    );
  }
  return bytes as number;
}

/**
 * An in-memory stand-in for the AWS SDK v3 `KMS` client, for unit tests. `generateDataKey`, `encrypt`
 * and `decrypt` take and return what the aggregated client's methods do, so it can be passed wherever a
 * `KMS` client is expected (the Encryption SDK's KMS keyring, `@secure-lambda/crypto`). Each key has its
 * own random AES-256 key; ciphertext blobs are authenticated with the encryption context, so a wrong
 * context fails as it does in KMS. Failures are thrown as {@link KmsServiceError}s that carry the SDK
 * exception names.
 *
 * @example
 * ```ts
 * const kms = new InMemoryKms();
 * const keyArn = kms.createKey({ alias: 'alias/app' });
 * const { Plaintext, CiphertextBlob } = await kms.generateDataKey({
 *   KeyId: 'alias/app', NumberOfBytes: 32, EncryptionContext: { tenant: 'a' },
 * });
 * await kms.decrypt({ CiphertextBlob, KeyId: keyArn, EncryptionContext: { tenant: 'a' } }); // same bytes
 * kms.failNext('decrypt', 'ThrottlingException');
 * ```
 */
export class InMemoryKms {
  readonly region: string;
  readonly accountId: string;
  private readonly keys = new Map<string, KeyRecord>();
  private readonly aliases = new Map<string, string>();
  private readonly counts: Record<KmsOperation, number> = { generateDataKey: 0, encrypt: 0, decrypt: 0 };
  private readonly injected: Record<KmsOperation, string[]> = {
    generateDataKey: [],
    encrypt: [],
    decrypt: [],
  };

  constructor(options: InMemoryKmsOptions = {}) {
    this.region = options.region ?? KmsDoubleDefaults.REGION;
    this.accountId = options.accountId ?? KmsDoubleDefaults.ACCOUNT_ID;
    if (!REGION.test(this.region)) {
      throw new TestkitOptionsError(
        `region ${JSON.stringify(this.region)} is not an AWS region name like us-east-1.`,
      );
    }
    if (!ACCOUNT_ID.test(this.accountId)) {
      throw new TestkitOptionsError(`accountId ${JSON.stringify(this.accountId)} must be 12 digits.`);
    }
  }

  /**
   * How often each operation was called since construction or {@link resetCalls}, failed calls included.
   * A snapshot: it does not change afterwards.
   */
  get calls(): Readonly<Record<KmsOperation, number>> {
    return { ...this.counts };
  }

  resetCalls(): void {
    for (const operation of OPERATIONS) this.counts[operation] = 0;
  }

  /**
   * Makes the next `count` calls of `operation` throw a {@link KmsServiceError} named `errorName`
   * (`ThrottlingException`, `AccessDeniedException`, `KMSInternalException`, …) before doing anything
   * else. Calls to queue further failures add to the queue.
   *
   * @example
   * ```ts
   * kms.failNext('generateDataKey', 'ThrottlingException', 2); // two throttles, then success
   * ```
   */
  failNext(operation: KmsOperation, errorName: KmsExceptionName | (string & {}), count = 1): void {
    if (!OPERATIONS.includes(operation)) {
      throw new TestkitOptionsError(
        `failNext: operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(operation)}.`,
      );
    }
    if (typeof errorName !== 'string' || !/^[A-Za-z]+$/.test(errorName)) {
      throw new TestkitOptionsError(
        `failNext: errorName must be an SDK exception name such as ThrottlingException, got ${JSON.stringify(errorName)}.`,
      );
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new TestkitOptionsError(`failNext: count must be a positive integer, got ${count}.`);
    }
    for (let i = 0; i < count; i += 1) this.injected[operation].push(errorName);
  }

  /** Drops every failure queued with {@link failNext}. */
  clearFailures(): void {
    for (const operation of OPERATIONS) this.injected[operation].length = 0;
  }

  /**
   * Creates an enabled symmetric key with fresh key material and returns its ARN.
   *
   * @example
   * ```ts
   * const keyArn = kms.createKey({ alias: 'app' }); // arn:aws:kms:us-east-1:111122223333:key/…
   * ```
   */
  createKey(options: CreateKeyOptions = {}): string {
    const aliasName = options.alias === undefined ? undefined : this.normalizeAlias(options.alias);
    if (aliasName !== undefined && this.aliases.has(aliasName)) {
      throw new KmsServiceError(
        'AlreadyExistsException',
        `An alias with the name ${this.aliasArn(aliasName)} already exists`,
      );
    }
    const id = randomUUID();
    const arn = `arn:aws:kms:${this.region}:${this.accountId}:key/${id}`;
    this.keys.set(id, { id, arn, material: randomBytes(32), state: 'Enabled' });
    if (aliasName !== undefined) this.aliases.set(aliasName, id);
    return arn;
  }

  /** Disables a key: encrypt, decrypt and generateDataKey then fail with `DisabledException`. */
  disableKey(keyId: string): void {
    const key = this.resolveKey(keyId);
    this.assertNotPendingDeletion(key);
    key.state = 'Disabled';
  }

  enableKey(keyId: string): void {
    const key = this.resolveKey(keyId);
    this.assertNotPendingDeletion(key);
    key.state = 'Enabled';
  }

  /** Puts a key in `PendingDeletion`: every use then fails with `KMSInvalidStateException`. */
  scheduleKeyDeletion(keyId: string): void {
    const key = this.resolveKey(keyId);
    this.assertNotPendingDeletion(key);
    key.state = 'PendingDeletion';
  }

  keyState(keyId: string): KmsKeyState {
    return this.resolveKey(keyId).state;
  }

  /**
   * Returns a random data key in plaintext and encrypted under the KMS key, like `KMS.generateDataKey`.
   *
   * @example
   * ```ts
   * const { Plaintext, CiphertextBlob } = await kms.generateDataKey({ KeyId: keyArn, KeySpec: 'AES_256' });
   * ```
   */
  async generateDataKey(input: GenerateDataKeyInput): Promise<GenerateDataKeyOutput> {
    this.enter('generateDataKey');
    const length = dataKeyLength(input);
    checkContext(input.EncryptionContext);
    checkGrantTokens(input.GrantTokens);
    const key = this.usableKey(input.KeyId);
    const dataKey = randomBytes(length);
    try {
      return {
        KeyId: key.arn,
        Plaintext: new Uint8Array(dataKey),
        CiphertextBlob: sealBlob(key.id, key.material, dataKey, input.EncryptionContext),
        $metadata: metadata(),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Encrypts up to 4,096 bytes under the KMS key, like `KMS.encrypt`.
   *
   * @example
   * ```ts
   * const { CiphertextBlob } = await kms.encrypt({ KeyId: 'alias/app', Plaintext: new Uint8Array([1, 2]) });
   * ```
   */
  async encrypt(input: EncryptInput): Promise<EncryptOutput> {
    this.enter('encrypt');
    checkBytes(input.Plaintext, 'plaintext', KmsLimits.MAX_PLAINTEXT_BYTES);
    checkContext(input.EncryptionContext);
    checkGrantTokens(input.GrantTokens);
    const key = this.usableKey(input.KeyId);
    return {
      KeyId: key.arn,
      CiphertextBlob: sealBlob(key.id, key.material, input.Plaintext, input.EncryptionContext),
      $metadata: metadata(),
    };
  }

  /**
   * Decrypts a blob made by this instance, like `KMS.decrypt`. With `KeyId`, the blob must belong to that
   * key (`IncorrectKeyException` otherwise); the encryption context must equal the one used to encrypt.
   *
   * @example
   * ```ts
   * const { Plaintext } = await kms.decrypt({ CiphertextBlob, KeyId: keyArn, EncryptionContext: { tenant: 'a' } });
   * ```
   */
  async decrypt(input: DecryptInput = {}): Promise<DecryptOutput> {
    this.enter('decrypt');
    checkBytes(input.CiphertextBlob, 'ciphertextBlob', KmsLimits.MAX_CIPHERTEXT_BYTES);
    checkContext(input.EncryptionContext);
    checkGrantTokens(input.GrantTokens);
    const parsed = parseBlob(input.CiphertextBlob);
    const owner = parsed === undefined ? undefined : this.keys.get(parsed.keyId);
    // Unknown key ids: a damaged blob, or one from another InMemoryKms; KMS rejects both as ciphertext.
    if (parsed === undefined || owner === undefined) {
      throw new KmsServiceError('InvalidCiphertextException', '');
    }
    if (input.KeyId !== undefined && this.resolveKey(input.KeyId).id !== owner.id) {
      throw new KmsServiceError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    this.assertUsable(owner);
    const plaintext = openBlob(parsed, owner.material, input.EncryptionContext);
    if (plaintext === undefined) {
      // Real KMS says nothing more either: the message must not hint at which part was wrong.
      throw new KmsServiceError('InvalidCiphertextException', '');
    }
    return { KeyId: owner.arn, Plaintext: plaintext, $metadata: metadata() };
  }

  private enter(operation: KmsOperation): void {
    this.counts[operation] += 1;
    const injected = this.injected[operation].shift();
    if (injected !== undefined) {
      throw new KmsServiceError(injected, `${injected} injected by InMemoryKms.failNext('${operation}')`);
    }
  }

  private normalizeAlias(alias: string): string {
    const name = alias.startsWith(ALIAS_PREFIX) ? alias.slice(ALIAS_PREFIX.length) : alias;
    if (!ALIAS_NAME.test(name) || name.startsWith('aws/')) {
      throw validation(
        `Value '${alias}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression ` +
          "pattern: ^alias/[a-zA-Z0-9/_-]+$ and must not start with 'alias/aws/'",
      );
    }
    return `${ALIAS_PREFIX}${name}`;
  }

  private aliasArn(aliasName: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:${aliasName}`;
  }

  /** Accepts a key id, key ARN, `alias/name` or alias ARN, as KMS does for cryptographic operations. */
  private resolveKey(keyId: unknown): KeyRecord {
    if (typeof keyId !== 'string' || keyId === '') {
      throw validation("Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    }
    let resource = keyId;
    if (keyId.startsWith('arn:')) {
      const prefix = `arn:aws:kms:${this.region}:${this.accountId}:`;
      // A key in another region or account does not exist from this client's point of view.
      resource = keyId.startsWith(prefix) ? keyId.slice(prefix.length) : '';
      if (resource.startsWith('key/')) resource = resource.slice('key/'.length);
      else if (!resource.startsWith(ALIAS_PREFIX)) resource = '';
    }
    if (resource.startsWith(ALIAS_PREFIX)) {
      const id = this.aliases.get(resource);
      const key = id === undefined ? undefined : this.keys.get(id);
      if (key === undefined) {
        throw new KmsServiceError('NotFoundException', `Alias ${this.aliasArn(resource)} is not found.`);
      }
      return key;
    }
    const key = this.keys.get(resource);
    if (key === undefined) {
      const shown = keyId.startsWith('arn:')
        ? keyId
        : `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`;
      throw new KmsServiceError('NotFoundException', `Key '${shown}' does not exist`);
    }
    return key;
  }

  private usableKey(keyId: unknown): KeyRecord {
    const key = this.resolveKey(keyId);
    this.assertUsable(key);
    return key;
  }

  private assertUsable(key: KeyRecord): void {
    if (key.state === 'Disabled') {
      throw new KmsServiceError('DisabledException', `${key.arn} is disabled.`);
    }
    this.assertNotPendingDeletion(key);
  }

  private assertNotPendingDeletion(key: KeyRecord): void {
    if (key.state === 'PendingDeletion') {
      throw new KmsServiceError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
  }
}
