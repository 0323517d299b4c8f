import { Defaults } from './constants';
import type { EncryptedDataKey } from './private/header';
import { positiveInteger } from './private/options';
import { zero } from './private/primitives';

export interface DataKeyCacheProps {
  /**
   * Most entries held (encrypt and decrypt together); the least recently used goes first.
   * @default 100
   */
  readonly capacity?: number;
  /**
   * Longest an entry is used after it was created, in milliseconds.
   * @default 300_000 (5 minutes)
   */
  readonly maxAgeMs?: number;
  /**
   * Most messages encrypted under one data key.
   * @default 10_000
   */
  readonly maxMessagesPerKey?: number;
  /**
   * Most plaintext bytes encrypted under one data key.
   * @default 1 GiB
   */
  readonly maxBytesPerKey?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** What an encryption entry holds: the data key and its wrapped copies. */
export interface CachedEncryptionKey {
  readonly dataKey: Buffer;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
}

interface Entry {
  readonly dataKey: Buffer;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
  readonly createdAt: number;
  messages: number;
  bytes: number;
}

/**
 * A bounded LRU of plaintext data keys, so one KMS call serves many messages. Encryption entries are
 * keyed by keyring, suite and the exact encryption context, and retire after `maxAgeMs`,
 * `maxMessagesPerKey` or `maxBytesPerKey`; decryption entries are keyed by keyring, suite, context and
 * the wrapped keys, and retire by age. Every key is zeroed when it leaves the cache.
 *
 * @example
 * ```ts
 * const cache = new DataKeyCache({ maxAgeMs: 60_000, maxMessagesPerKey: 1_000 });
 * const encryptor = new EnvelopeEncryptor({ keyring, cache });
 * ```
 */
export class DataKeyCache {
  readonly capacity: number;
  readonly maxAgeMs: number;
  readonly maxMessagesPerKey: number;
  readonly maxBytesPerKey: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(props: DataKeyCacheProps = {}) {
    this.capacity = positiveInteger('DataKeyCache', 'capacity', props.capacity, Defaults.CACHE_CAPACITY);
    this.maxAgeMs = positiveInteger('DataKeyCache', 'maxAgeMs', props.maxAgeMs, Defaults.CACHE_MAX_AGE_MS);
    this.maxMessagesPerKey = positiveInteger(
      'DataKeyCache',
      'maxMessagesPerKey',
      props.maxMessagesPerKey,
      Defaults.CACHE_MAX_MESSAGES_PER_KEY,
    );
    this.maxBytesPerKey = positiveInteger(
      'DataKeyCache',
      'maxBytesPerKey',
      props.maxBytesPerKey,
      Defaults.CACHE_MAX_BYTES_PER_KEY,
    );
    this.#now = props.now ?? Date.now;
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Cache key for encryption under one keyring, suite and serialized context. */
  static encryptionId(partition: string, suiteId: number, serializedContext: Buffer): string {
    return `e|${suiteId}|${partition}|${serializedContext.toString('base64')}`;
  }

  /**
   * Cache key for decryption. The wrapped keys go in verbatim (length-prefixed, base64) rather than
   * hashed: the header caps their number, and a hash per message cost more than the map lookup saves.
   */
  static decryptionId(
    partition: string,
    suiteId: number,
    serializedContext: Buffer,
    encryptedDataKeys: readonly EncryptedDataKey[],
  ): string {
    let id = `d|${suiteId}|${partition}|${serializedContext.toString('base64')}`;
    for (const edk of encryptedDataKeys) {
      id += `|${edk.providerId.length}:${edk.providerId}|${edk.providerInfo.length}:${edk.providerInfo}`;
      id += `|${edk.encryptedDataKey.toString('base64')}`;
    }
    return id;
  }

  #expired(entry: Entry): boolean {
    return this.#now() - entry.createdAt >= this.maxAgeMs;
  }

  /**
   * Takes the encryption entry for one more message of `plaintextLength` bytes, or returns undefined if
   * there is none or the message would exceed a bound (the spent entry is then evicted).
   */
  useForEncryption(id: string, plaintextLength: number): CachedEncryptionKey | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (
      this.#expired(entry) ||
      entry.messages + 1 > this.maxMessagesPerKey ||
      entry.bytes + plaintextLength > this.maxBytesPerKey
    ) {
      this.#evict(id);
      return undefined;
    }
    entry.messages += 1;
    entry.bytes += plaintextLength;
    this.#touch(id, entry);
    return entry;
  }

  /**
   * Stores a fresh encryption entry that has already been used for one message. Returns false (and
   * stores nothing) when that one message alone exceeds the byte bound.
   */
  putForEncryption(id: string, key: CachedEncryptionKey, plaintextLength: number): boolean {
    if (plaintextLength > this.maxBytesPerKey) return false;
    this.#store(id, {
      ...key,
      dataKey: Buffer.from(key.dataKey),
      createdAt: this.#now(),
      messages: 1,
      bytes: plaintextLength,
    });
    return true;
  }

  getForDecryption(id: string): Buffer | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.#expired(entry)) {
      this.#evict(id);
      return undefined;
    }
    this.#touch(id, entry);
    return entry.dataKey;
  }

  putForDecryption(id: string, dataKey: Buffer): void {
    this.#store(id, {
      dataKey: Buffer.from(dataKey),
      encryptedDataKeys: [],
      createdAt: this.#now(),
      messages: 0,
      bytes: 0,
    });
  }

  /** Zeroes and drops every entry. */
  clear(): void {
    for (const id of [...this.#entries.keys()]) this.#evict(id);
  }

  #touch(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  #store(id: string, entry: Entry): void {
    this.#evict(id);
    this.#entries.set(id, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#evict(oldest);
    }
  }

  #evict(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    zero(entry.dataKey);
  }
}
