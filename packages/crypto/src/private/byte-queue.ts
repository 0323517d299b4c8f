/**
 * A FIFO of buffers that hands out contiguous views of its head. Streams push chunks of any size; reads
 * copy only when a request spans chunks, so a whole-buffer decrypt never copies the ciphertext.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #headOffset = 0;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes as one buffer (a view when they sit in one chunk). `n` must be <= length. */
  peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length - this.#headOffset >= n) return first.subarray(this.#headOffset, this.#headOffset + n);
    // Merge just enough chunks into one, so repeated peeks of the same span do not copy again.
    const parts: Buffer[] = [first.subarray(this.#headOffset)];
    let have = parts[0]!.length;
    let i = 1;
    while (have < n) {
      const next = this.#chunks[i++]!;
      parts.push(next);
      have += next.length;
    }
    const merged = Buffer.concat(parts, have);
    this.#chunks.splice(0, i, merged);
    this.#headOffset = 0;
    return merged.subarray(0, n);
  }

  /** Everything buffered, as one buffer. */
  peekAll(): Buffer {
    return this.peek(this.length);
  }

  skip(n: number): void {
    this.length -= n;
    while (n > 0) {
      const first = this.#chunks[0]!;
      const avail = first.length - this.#headOffset;
      if (avail > n) {
        this.#headOffset += n;
        return;
      }
      n -= avail;
      this.#chunks.shift();
      this.#headOffset = 0;
    }
  }

  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /**
   * Drops everything buffered. It does not zero: the chunks are views of the caller's own buffers, which
   * are the caller's to keep or wipe.
   */
  clear(): void {
    this.#chunks = [];
    this.#headOffset = 0;
    this.length = 0;
  }
}
