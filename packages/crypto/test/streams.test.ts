import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CryptoConfigurationError, InvalidMessageError } from '../src';
import { fixture, MiB, plaintextOf } from './fixtures';
import { framedLayout, regularFrameCiphertextOffset } from './message-layout';

const f = fixture();

/** Writes `chunks` one at a time and records how much plaintext had come out after each write. */
async function feedAndObserve(stream: NodeJS.ReadWriteStream, chunks: Buffer[]) {
  const out: Buffer[] = [];
  const afterEachWrite: number[] = [];
  let error: unknown;
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('error', (e) => {
      error = e;
      resolve();
    });
  });
  for (const chunk of chunks) {
    if (error) break;
    await new Promise<void>((resolve) => stream.write(chunk, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    afterEachWrite.push(out.reduce((n, b) => n + b.length, 0));
  }
  if (!error) stream.end();
  await done;
  return { output: Buffer.concat(out), afterEachWrite, error };
}

describe('decryptStream', () => {
  const frameLength = 1024;
  const encryptor = f.encryptor({ frameLength });

  test('releases each frame as soon as it is complete and authenticated', async () => {
    const plaintext = plaintextOf(10 * frameLength + 10);
    const message = await encryptor.encrypt(plaintext);
    const { headerLength } = framedLayout(message);
    const frameSize = 4 + 12 + frameLength + 16;
    // Header, then frames one at a time.
    const chunks = [message.subarray(0, headerLength)];
    for (let i = 0; i < 10; i++)
      chunks.push(message.subarray(headerLength + i * frameSize, headerLength + (i + 1) * frameSize));
    chunks.push(message.subarray(headerLength + 10 * frameSize));
    const { output, afterEachWrite, error } = await feedAndObserve(encryptor.decryptStream(), chunks);
    expect(error).toBeUndefined();
    const expected = [
      0,
      ...Array.from({ length: 10 }, (_, i) => (i + 1) * frameLength),
      10 * frameLength + 10,
    ];
    expect(afterEachWrite).toEqual(expected);
    expect(output.equals(plaintext)).toBe(true);
  });

  test('never releases plaintext of a tampered frame, only the authenticated frames before it', async () => {
    const plaintext = plaintextOf(6 * frameLength);
    const message = Buffer.from(await encryptor.encrypt(plaintext));
    // Flip one ciphertext byte in frame 3.
    const frame3 = framedLayout(message).regularFrameOffsets[2]!;
    message[regularFrameCiphertextOffset(frame3) + 100]! ^= 0x01;
    const { output, error } = await feedAndObserve(encryptor.decryptStream(), [message]);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toMatch(/authentication tag of frame 3 does not verify/);
    expect(output.equals(plaintext.subarray(0, 2 * frameLength))).toBe(true);
  });

  test('a truncated stream errors after the last complete frame', async () => {
    const message = await encryptor.encrypt(plaintextOf(3 * frameLength));
    // Cut inside frame 3: frames 1 and 2 are complete and authenticated, nothing after them is.
    const frame3 = framedLayout(message).regularFrameOffsets[2]!;
    const { output, error } = await feedAndObserve(encryptor.decryptStream(), [
      message.subarray(0, regularFrameCiphertextOffset(frame3) + 10),
    ]);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toMatch(/truncated/);
    expect(output.length).toBe(2 * frameLength);
  });

  test('trailing bytes after the message are an error', async () => {
    const message = await encryptor.encrypt(plaintextOf(100));
    const { error } = await feedAndObserve(encryptor.decryptStream(), [
      Buffer.concat([message, Buffer.from([0])]),
    ]);
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toMatch(/bytes after the end of the message/);
  });
});

describe('encryptStream', () => {
  test('emits frames while input arrives (it does not buffer the whole input)', async () => {
    const frameLength = 4096;
    const encryptor = f.encryptor({ frameLength });
    const chunks = Array.from({ length: 8 }, () => plaintextOf(frameLength));
    const { output, afterEachWrite, error } = await feedAndObserve(encryptor.encryptStream(), chunks);
    expect(error).toBeUndefined();
    // After k full frames of input, k regular frames are out: a full frame is never held back, so the
    // message ends with an empty final frame.
    const layout = framedLayout(output);
    const frameSize = 4 + 12 + frameLength + 16;
    expect(afterEachWrite).toEqual(chunks.map((_, i) => layout.headerLength + (i + 1) * frameSize));
    expect(layout.regularFrameOffsets).toHaveLength(8);
    expect(layout.finalFrameContentLength).toBe(0);
  });

  test('keeps memory bounded by the frame length on a 256 MiB stream', async () => {
    const encryptor = f.encryptor();
    const total = 256 * MiB;
    const chunk = 64 * 1024;
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= total) return this.push(null);
        produced += chunk;
        this.push(Buffer.alloc(chunk, produced & 0xff));
      },
    });
    let peak = 0;
    let outBytes = 0;
    const base = process.memoryUsage().arrayBuffers;
    await pipeline(
      source,
      encryptor.encryptStream(),
      encryptor.decryptStream(),
      new Writable({
        write(data: Buffer, _enc, cb) {
          outBytes += data.length;
          if ((outBytes & 0xfffff) === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
          cb();
        },
      }),
    );
    expect(outBytes).toBe(total);
    // Generous bound (GC timing varies): a whole-buffer approach would need over 512 MiB.
    expect(peak).toBeLessThan(96 * MiB);
  });

  test('a declared plaintextLength is enforced', async () => {
    const encryptor = f.encryptor();
    const stream = encryptor.encryptStream({ plaintextLength: 10 });
    const { error } = await feedAndObserve(stream, [plaintextOf(11)]);
    expect(error).toBeInstanceOf(CryptoConfigurationError);
    expect((error as Error).message).toMatch(/more plaintext than the declared plaintextLength \(10\)/);
  });

  test('non-framed encryption is refused for streams with a clear error', () => {
    expect(() => f.encryptor({ frameLength: 0 }).encryptStream()).toThrow(/encryptStream needs framing/);
  });
});
