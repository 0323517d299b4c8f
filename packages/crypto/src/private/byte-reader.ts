/**
 * Thrown (internally only) when a parse needs more bytes than are buffered. Streams catch it and wait for
 * more input; whole-buffer parses turn it into an "incomplete message" error.
 */
export class NeedMoreData {
  readonly needed: number;
  constructor(needed: number) {
    this.needed = needed;
  }
}

/** Big-endian cursor over a buffer. Every read checks bounds before it touches the bytes. */
export class ByteReader {
  offset: number;
  readonly #buf: Buffer;

  constructor(buf: Buffer, offset = 0) {
    this.#buf = buf;
    this.offset = offset;
  }

  get remaining(): number {
    return this.#buf.length - this.offset;
  }

  #need(n: number): void {
    if (this.#buf.length - this.offset < n) throw new NeedMoreData(this.offset + n - this.#buf.length);
  }

  u8(): number {
    this.#need(1);
    return this.#buf.readUInt8(this.offset++);
  }

  u16(): number {
    this.#need(2);
    const v = this.#buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.#need(4);
    const v = this.#buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A view (not a copy) of the next `n` bytes. */
  bytes(n: number): Buffer {
    this.#need(n);
    const v = this.#buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
}
