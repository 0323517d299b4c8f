import type { DataKeyCache, DataKeyLease, KmsClientLike } from '../src';

const isZero = (key: Uint8Array): boolean => key.every((byte) => byte === 0);

export interface ObservedKeys {
  /** Forwards to the KMS client given, keeping every plaintext data key it returns. */
  readonly client: KmsClientLike;
  readonly cache: DataKeyCache;
  /** Plaintext data keys KMS returned. */
  readonly fromKms: Uint8Array[];
  /** The buffers the cache lent (each once). */
  readonly lent: Set<Buffer>;
  /** Leases handed out and not yet released. */
  openLeases(): number;
  /**
   * Once every operation has settled: every lease was released, and no lent key changed before its
   * release; each data key KMS returned is zeroed
   * (the caller owns it and the cache keeps its own copy); no more of the keys the cache lent are still
   * non-zero than the cache still holds entries; after `clear()` none is. Clears the cache.
   */
  expectZeroedOnceUnheld(): void;
}

/** Turns of the event loop, so that work queued by other calls can run in between. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Watches the plaintext data keys that pass through a KMS client and a cache, to check they are zeroed.
 * `latency` runs before each KMS answer (a real KMS answers after a network round trip, not at once).
 */
export function observeKeys(
  kms: KmsClientLike,
  cache: DataKeyCache,
  latency: () => Promise<void> = async () => undefined,
): ObservedKeys {
  const fromKms: Uint8Array[] = [];
  const keep = <T extends { Plaintext?: Uint8Array | undefined }>(out: T): T => {
    if (out.Plaintext) fromKms.push(out.Plaintext);
    return out;
  };
  const client: KmsClientLike = {
    generateDataKey: async (input) => {
      await latency();
      return keep(await kms.generateDataKey(input));
    },
    encrypt: async (input) => {
      await latency();
      return kms.encrypt(input);
    },
    decrypt: async (input) => {
      await latency();
      return keep(await kms.decrypt(input));
    },
  };
  const lent = new Set<Buffer>();
  let open = 0;
  let changedWhileLent = 0;
  const watch = <L extends DataKeyLease>(lease: L | undefined): L | undefined => {
    if (!lease) return lease;
    lent.add(lease.dataKey);
    open += 1;
    // A test-only copy, to see whether the key changed (was zeroed) before the borrower gave it back.
    const atBorrow = Buffer.from(lease.dataKey);
    let released = false;
    const release = lease.release;
    return {
      ...lease,
      release: () => {
        if (!released) {
          open -= 1;
          if (!lease.dataKey.equals(atBorrow)) changedWhileLent += 1;
          atBorrow.fill(0);
        }
        released = true;
        release();
      },
    };
  };
  const borrowForEncryption = cache.borrowForEncryption.bind(cache);
  const borrowForDecryption = cache.borrowForDecryption.bind(cache);
  cache.borrowForEncryption = (id, length) => watch(borrowForEncryption(id, length));
  cache.borrowForDecryption = (id) => watch(borrowForDecryption(id));
  return {
    client,
    cache,
    fromKms,
    lent,
    openLeases: () => open,
    expectZeroedOnceUnheld() {
      expect({ openLeases: open, changedWhileLent }).toEqual({ openLeases: 0, changedWhileLent: 0 });
      expect(fromKms.filter((key) => !isZero(key))).toHaveLength(0);
      const live = [...lent].filter((key) => !isZero(key)).length;
      expect(live).toBeLessThanOrEqual(cache.size);
      cache.clear();
      expect([...lent].filter((key) => !isZero(key))).toHaveLength(0);
    },
  };
}
