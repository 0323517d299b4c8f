import { createSign, createVerify, type KeyObject, type Sign, type Verify } from 'node:crypto';
import { MessageFormat, PUBLIC_KEY_CONTEXT_KEY } from '../constants';
import { CryptoConfigurationError, InvalidMessageError, PayloadTooLargeError } from '../errors';
import type { AlgorithmSuite } from './algorithm-suites';
import { ByteQueue } from './byte-queue';
import { NeedMoreData } from './byte-reader';
import { serializeEncryptionContext } from './encryption-context';
import { type EncryptedDataKey, type MessageHeader, parseHeader, serializeHeaderBody } from './header';
import {
  BodyCipher,
  checkCommitment,
  checkHeaderAuthTag,
  deriveMessageKeys,
  FINAL_FRAME,
  FRAME,
  headerAuthTag,
  randomMessageId,
  SINGLE_BLOCK,
  verificationKeyFromContext,
  zero,
} from './primitives';

// Local names for the format constants: shorter code, and they minify to one letter.
const { IV_LENGTH, MAX_FRAME_COUNT, MAX_NON_FRAMED_LENGTH, SEQUENCE_NUMBER_END, TAG_LENGTH } = MessageFormat;

const SIGNATURE_HASH = 'sha384';

export interface EncoderMaterials {
  readonly suite: AlgorithmSuite;
  readonly dataKey: Uint8Array;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
  /** The full context written to the header (including the public key of signed suites). */
  readonly encryptionContext: Readonly<Record<string, string>>;
  readonly signingKey?: KeyObject | undefined;
  /** `encryptionContext` already serialized, when the caller has it (saves work per message). */
  readonly serializedContext?: Buffer | undefined;
}

/**
 * Writes one message. The data key is used only in the constructor (key derivation), so the caller may
 * zero it right after; the derived key lives until `final()` or `destroy()`.
 */
export class MessageEncoder {
  readonly #body: BodyCipher;
  readonly #encryptionKey: Buffer;
  readonly #frameLength: number;
  readonly #signer: Sign | undefined;
  readonly #signingKey: KeyObject | undefined;
  readonly #pending = new ByteQueue();
  #sequence = 1;
  #headerEmitted = false;
  readonly #header: Buffer;

  constructor(materials: EncoderMaterials, frameLength: number) {
    const messageId = randomMessageId();
    const { encryptionKey, commitment } = deriveMessageKeys(materials.dataKey, messageId, materials.suite);
    this.#encryptionKey = encryptionKey;
    this.#frameLength = frameLength;
    const headerBody = serializeHeaderBody({
      suite: materials.suite,
      messageId,
      serializedContext:
        materials.serializedContext ?? serializeEncryptionContext(materials.encryptionContext),
      encryptedDataKeys: materials.encryptedDataKeys,
      frameLength,
      commitment,
    });
    this.#header = Buffer.concat([headerBody, headerAuthTag(encryptionKey, headerBody)]);
    this.#body = new BodyCipher(encryptionKey, messageId);
    if (materials.suite.signed) {
      this.#signingKey = materials.signingKey;
      this.#signer = createSign(SIGNATURE_HASH);
    }
  }

  #emit(parts: Buffer[], out: Buffer[]): void {
    for (const part of parts) {
      this.#signer?.update(part);
      out.push(part);
    }
  }

  #start(out: Buffer[]): void {
    if (!this.#headerEmitted) {
      this.#headerEmitted = true;
      this.#emit([this.#header], out);
    }
  }

  /**
   * Feeds plaintext; returns the message bytes that are complete. Every full frame is written at once as a
   * regular frame, so the final frame always holds less than a frame: a plaintext that is an exact multiple
   * of the frame length (0 included) ends with an empty final frame. The specification also allows a final
   * frame as long as the frame length, but the Python Encryption SDK (3.3.1) refuses that ("Invalid final
   * frame length"); the JavaScript SDK writes this form too, and every SDK reads it.
   */
  update(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.#start(out);
    if (this.#frameLength === 0) {
      this.#pending.push(chunk);
      return out;
    }
    this.#pending.push(chunk);
    while (this.#pending.length >= this.#frameLength) {
      if (this.#sequence >= MAX_FRAME_COUNT) {
        throw new PayloadTooLargeError(
          'Plaintext too large: at most 2^32 - 1 frames. Use a larger frame length.',
          MAX_FRAME_COUNT,
          this.#sequence + 1,
        );
      }
      this.#emit(this.#body.encryptFrame(this.#sequence++, this.#pending.take(this.#frameLength)), out);
    }
    return out;
  }

  /** Ends the message: final frame (or the single non-framed block), then the signature footer. */
  final(): Buffer[] {
    const out: Buffer[] = [];
    this.#start(out);
    try {
      const rest = this.#pending.take(this.#pending.length);
      if (this.#frameLength === 0) {
        if (rest.length > MAX_NON_FRAMED_LENGTH) {
          throw new PayloadTooLargeError(
            'Plaintext too large for a non-framed message. Use framing.',
            MAX_NON_FRAMED_LENGTH,
            rest.length,
          );
        }
        this.#emit(this.#body.encryptNonFramed(rest), out);
      } else {
        // update() wrote every full frame, so `rest` is shorter than a frame (possibly empty).
        this.#emit(this.#body.encryptFinalFrame(this.#sequence, rest), out);
      }
      if (this.#signer && this.#signingKey) {
        const signature = this.#signer.sign({ key: this.#signingKey, dsaEncoding: 'der' });
        const length = Buffer.allocUnsafe(2);
        length.writeUInt16BE(signature.length, 0);
        out.push(length, signature);
      }
      return out;
    } finally {
      this.destroy();
    }
  }

  /** Zeroes the derived key and drops buffered input. */
  destroy(): void {
    zero(this.#encryptionKey);
    this.#pending.clear();
  }
}

/** Where the decoder is in the message (numbers rather than names: they are compared per frame). */
const HEADER = 0;
const KEY = 1;
const FRAMES = 2;
const NON_FRAMED = 3;
const FOOTER = 4;
const DONE = 5;
type DecodeState =
  | typeof HEADER
  | typeof KEY
  | typeof FRAMES
  | typeof NON_FRAMED
  | typeof FOOTER
  | typeof DONE;

export interface DecoderOptions {
  readonly maxEncryptedDataKeys: number;
  /**
   * Largest frame or non-framed body accepted, checked against the header before any KMS call. A part
   * must be buffered whole before it can be authenticated, so this bounds a stream's memory.
   */
  readonly maxBodyPartLength: number;
}

/** Frame IVs must be the sequence number, zero-padded (spec: data-format/message-body.md, IV). */
function checkFrameIv(iv: Buffer, sequence: number): void {
  if (iv.readUInt32BE(0) !== 0 || iv.readUInt32BE(4) !== 0 || iv.readUInt32BE(8) !== sequence) {
    throw new InvalidMessageError(`frame ${sequence} has an IV other than its sequence number.`);
  }
}

/**
 * Reads one message incrementally. The caller pushes bytes, calls `readHeader()` until it returns a
 * header, obtains the data key, calls `begin()`, then `drain()` for authenticated plaintext and
 * `end()` to check that the message is complete. Plaintext leaves only after its frame's tag verified.
 */
export class MessageDecoder {
  readonly #queue = new ByteQueue();
  readonly #options: DecoderOptions;
  #state: DecodeState = HEADER;
  #header: MessageHeader | undefined;
  #body: BodyCipher | undefined;
  #encryptionKey: Buffer | undefined;
  #verifier: Verify | undefined;
  #verificationKey: KeyObject | undefined;
  #sequence = 1;
  /** Queue length at which parsing the header again can make progress (avoids quadratic re-parsing). */
  #headerWaitUntil = 0;
  #destroyed = false;

  constructor(options: DecoderOptions) {
    this.#options = options;
  }

  push(chunk: Buffer): void {
    this.#queue.push(chunk);
  }

  /** The parsed (not yet authenticated) header, or undefined while more bytes are needed. */
  readHeader(): MessageHeader | undefined {
    if (this.#header) return this.#header;
    if (this.#queue.length < this.#headerWaitUntil) return undefined;
    let header: MessageHeader;
    try {
      header = parseHeader(this.#queue.peekAll(), {
        maxEncryptedDataKeys: this.#options.maxEncryptedDataKeys,
      });
    } catch (error) {
      if (error instanceof NeedMoreData) {
        this.#headerWaitUntil = this.#queue.length + error.needed;
        return undefined;
      }
      throw error;
    }
    const limit = this.#options.maxBodyPartLength;
    if (header.frameLength > limit) {
      throw new PayloadTooLargeError(
        `Frames of ${header.frameLength} bytes exceed the decrypt limit of ${limit}: each frame is buffered ` +
          'whole before it is authenticated. Raise the limit only for senders you trust.',
        limit,
        header.frameLength,
      );
    }
    this.#header = header;
    this.#state = KEY;
    return header;
  }

  /**
   * Authenticates the header with the data key: commitment first (it proves the key is the one the
   * writer committed to), then the header tag. The data key is not kept.
   */
  begin(dataKey: Uint8Array): void {
    const header = this.#header;
    if (this.#destroyed)
      throw new CryptoConfigurationError('the decoder was destroyed while KMS was called.');
    if (!header || this.#state !== KEY) throw new InvalidMessageError('header not read yet.');
    const { encryptionKey, commitment } = deriveMessageKeys(dataKey, header.messageId, header.suite);
    let verificationKey: KeyObject | undefined;
    try {
      checkCommitment(header.commitment, commitment);
      checkHeaderAuthTag(encryptionKey, header.headerBody, header.headerAuthTag);
      const publicKey = header.encryptionContext[PUBLIC_KEY_CONTEXT_KEY];
      if (header.suite.signed) {
        if (publicKey === undefined) {
          throw new InvalidMessageError('a signed suite without the signature public key in its context.');
        }
        verificationKey = verificationKeyFromContext(publicKey);
      } else if (publicKey !== undefined) {
        throw new InvalidMessageError('an unsigned suite must not carry a signature public key.');
      }
    } catch (error) {
      zero(encryptionKey);
      throw error;
    }
    // Only a fully checked header gets this far; the derived key is kept for the body until destroy().
    this.#encryptionKey = encryptionKey;
    this.#body = new BodyCipher(encryptionKey, header.messageId);
    if (verificationKey) {
      this.#verificationKey = verificationKey;
      this.#verifier = createVerify(SIGNATURE_HASH);
      this.#verifier.update(header.headerBody);
      this.#verifier.update(header.headerAuthTag);
    }
    this.#queue.skip(header.length);
    this.#state = header.frameLength === 0 ? NON_FRAMED : FRAMES;
  }

  #consume(n: number): Buffer {
    const bytes = this.#queue.take(n);
    this.#verifier?.update(bytes);
    return bytes;
  }

  /**
   * Decrypts every complete body part that is buffered and appends its authenticated plaintext to `out`.
   * On an error, what was appended before it is authentic (each part passed its own tag); whole-message
   * callers discard it, streams may release it.
   */
  drain(out: Buffer[]): void {
    const header = this.#header!;
    const body = this.#body!;
    const IV = IV_LENGTH;
    const TAG = TAG_LENGTH;
    for (;;) {
      if (this.#state === FRAMES) {
        if (this.#queue.length < 4) break;
        const marker = this.#queue.peek(4).readUInt32BE(0);
        if (marker === SEQUENCE_NUMBER_END) {
          if (this.#queue.length < 8 + IV + 4) break;
          const head = this.#queue.peek(8 + IV + 4);
          const sequence = head.readUInt32BE(4);
          const contentLength = head.readUInt32BE(8 + IV);
          this.#checkSequence(sequence);
          if (contentLength > header.frameLength) {
            throw new InvalidMessageError(
              `the final frame holds ${contentLength} bytes, more than the frame length.`,
            );
          }
          const total = 8 + IV + 4 + contentLength + TAG;
          if (this.#queue.length < total) break;
          const frame = this.#consume(total);
          const iv = frame.subarray(8, 8 + IV);
          checkFrameIv(iv, sequence);
          const ciphertext = frame.subarray(8 + IV + 4, 8 + IV + 4 + contentLength);
          out.push(body.open(FINAL_FRAME, sequence, iv, ciphertext, frame.subarray(total - TAG)));
          this.#state = FOOTER;
        } else {
          this.#checkSequence(marker);
          const total = 4 + IV + header.frameLength + TAG;
          if (this.#queue.length < total) break;
          const frame = this.#consume(total);
          const iv = frame.subarray(4, 4 + IV);
          checkFrameIv(iv, marker);
          const ciphertext = frame.subarray(4 + IV, 4 + IV + header.frameLength);
          out.push(body.open(FRAME, marker, iv, ciphertext, frame.subarray(total - TAG)));
          this.#sequence++;
        }
      } else if (this.#state === NON_FRAMED) {
        if (this.#queue.length < IV + 8) break;
        const head = this.#queue.peek(IV + 8);
        const high = head.readUInt32BE(IV);
        const contentLength = high * 0x1_0000_0000 + head.readUInt32BE(IV + 4);
        const limit = this.#options.maxBodyPartLength;
        if (contentLength > limit) {
          throw new PayloadTooLargeError(
            `A non-framed body of ${contentLength} bytes exceeds the decrypt limit of ${limit}: it is ` +
              'buffered whole before it is authenticated. Raise the limit or re-encrypt with framing.',
            limit,
            contentLength,
          );
        }
        const total = IV + 8 + contentLength + TAG;
        if (this.#queue.length < total) break;
        const block = this.#consume(total);
        out.push(
          body.open(
            SINGLE_BLOCK,
            1,
            block.subarray(0, IV),
            block.subarray(IV + 8, total - TAG),
            block.subarray(total - TAG),
          ),
        );
        this.#state = FOOTER;
      } else if (this.#state === FOOTER) {
        if (!this.#verifier) {
          this.#state = DONE;
          continue;
        }
        if (this.#queue.length < 2) break;
        const length = this.#queue.peek(2).readUInt16BE(0);
        if (this.#queue.length < 2 + length) break;
        const signature = Buffer.from(this.#queue.take(2 + length).subarray(2));
        if (!this.#verifier.verify({ key: this.#verificationKey!, dsaEncoding: 'der' }, signature)) {
          throw new InvalidMessageError('the message signature does not verify.');
        }
        this.#state = DONE;
      } else {
        if (this.#queue.length > 0) {
          throw new InvalidMessageError('there are bytes after the end of the message.');
        }
        break;
      }
    }
  }

  #checkSequence(sequence: number): void {
    if (sequence !== this.#sequence) {
      throw new InvalidMessageError(
        `frame sequence number ${sequence} where ${this.#sequence} was expected ` +
          '(frames were reordered, dropped or duplicated).',
      );
    }
  }

  /** Precondition of success: the whole message, and nothing more, was read. */
  end(out: Buffer[]): void {
    if (this.#state === HEADER || this.#state === KEY) {
      throw new InvalidMessageError('it ends inside the header (truncated).');
    }
    this.drain(out);
    if (this.#state !== DONE) {
      throw new InvalidMessageError(
        'it ends before its final frame or signature (truncated). Nothing was authenticated ' +
          'past the last complete frame.',
      );
    }
    this.destroy();
  }

  destroy(): void {
    this.#destroyed = true;
    zero(this.#encryptionKey);
    this.#queue.clear();
  }
}
