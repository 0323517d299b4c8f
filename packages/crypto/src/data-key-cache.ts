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

/**
 * A data key lent by the cache. The borrower may use `dataKey` until it calls `release()`, and must call
 * it (in a `finally`) as soon as it has derived what it needs; it never zeroes or keeps the key itself.
 */
export interface DataKeyLease {
  readonly dataKey: Buffer;
  /** Gives the key back. Only the first call counts. */
  release(): void;
}

/** A lent encryption key, with the wrapped copies that go in the message header. */
export interface EncryptionKeyLease extends DataKeyLease {
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
}

interface Entry {
  readonly dataKey: Buffer;
  /** Set on encryption entries only: a decryption entry can never serve an encryption. */
  readonly encryptedDataKeys: readonly EncryptedDataKey[] | undefined;
  readonly createdAt: number;
  messages: number;
  bytes: number;
  /** Leases not yet released. */
  borrowers: number;
  /** Out of the cache: zeroed as soon as `borrowers` is 0. */
  retired: boolean;
}

/** The cache's own copy of a data key: a buffer of its own (not a slice of Node's shared pool). */
function ownCopy(key: Uint8Array): Buffer {
  const copy = Buffer.alloc(key.byteLength);
  copy.set(key);
  return copy;
}

/**
 * A bounded LRU of plaintext data keys, so one KMS call serves many messages. Encryption entries are
 * keyed by keyring, suite and the exact encryption context, and retire after `maxAgeMs`,
 * `maxMessagesPerKey` or `maxBytesPerKey`; decryption entries are keyed by keyring, suite, context and
 * the wrapped keys, and retire by age.
 *
 * A key is lent, never given: each hit returns a lease, and a key that leaves the cache (a bound, age,
 * capacity or `clear()`) is zeroed as soon as no lease on it is open, never before. Reference counts
 * rather than a copy per hit: a copy would put one more plaintext key in the heap per message, each
 * with its own way to be forgotten unzeroed; with counts each data key lives in exactly one buffer,
 * zeroed exactly once when the cache and every borrower are done with it.
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
   * Lends the encryption key for one more message of `plaintextLength` bytes, or returns undefined if
   * there is none or the message would exceed a bound (the spent entry is then evicted). Release the
   * lease once the message keys are derived.
   */
  borrowForEncryption(id: string, plaintextLength: number): EncryptionKeyLease | undefined {
    const entry = this.#entries.get(id);
    if (!entry?.encryptedDataKeys) return undefined;
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
    return { ...this.#lend(entry), encryptedDataKeys: entry.encryptedDataKeys };
  }

  /**
   * Stores a copy of a fresh encryption key that has already been used for one message (the caller keeps
   * and zeroes its own). Returns false (and stores nothing) when that one message alone exceeds the byte
   * bound.
   */
  putForEncryption(id: string, key: CachedEncryptionKey, plaintextLength: number): boolean {
    if (plaintextLength > this.maxBytesPerKey) return false;
    this.#store(id, {
      dataKey: ownCopy(key.dataKey),
      encryptedDataKeys: key.encryptedDataKeys,
      createdAt: this.#now(),
      messages: 1,
      bytes: plaintextLength,
      borrowers: 0,
      retired: false,
    });
    return true;
  }

  /** Lends the decrypted data key stored under `id`, or returns undefined. Release it after use. */
  borrowForDecryption(id: string): DataKeyLease | undefined {
    const entry = this.#entries.get(id);
    if (!entry || entry.encryptedDataKeys) return undefined;
    if (this.#expired(entry)) {
      this.#evict(id);
      return undefined;
    }
    this.#touch(id, entry);
    return this.#lend(entry);
  }

  /** Stores a copy of a data key that passed the message's commitment and header checks. */
  putForDecryption(id: string, dataKey: Uint8Array): void {
    this.#store(id, {
      dataKey: ownCopy(dataKey),
      encryptedDataKeys: undefined,
      createdAt: this.#now(),
      messages: 0,
      bytes: 0,
      borrowers: 0,
      retired: false,
    });
  }

  /** Drops every entry. Each key is zeroed now, or when its last open lease is released. */
  clear(): void {
    for (const id of [...this.#entries.keys()]) this.#evict(id);
  }

  #lend(entry: Entry): DataKeyLease {
    entry.borrowers += 1;
    let open = true;
    return {
      dataKey: entry.dataKey,
      release: () => {
        if (!open) return;
        open = false;
        entry.borrowers -= 1;
        this.#zeroIfUnheld(entry);
      },
    };
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
    entry.retired = true;
    this.#zeroIfUnheld(entry);
  }

  #zeroIfUnheld(entry: Entry): void {
    if (entry.retired && entry.borrowers === 0) zero(entry.dataKey);
  }
}
