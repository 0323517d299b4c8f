import { MessageFormat } from '../src/constants';
import { parseHeader } from '../src/private/header';

const { IV_LENGTH, SEQUENCE_NUMBER_END, TAG_LENGTH } = MessageFormat;

/** Where each part of a framed message sits, read from the bytes (nothing decrypted). */
export interface FramedLayout {
  readonly headerLength: number;
  readonly frameLength: number;
  /** Byte offset of each regular frame (its sequence number field). */
  readonly regularFrameOffsets: readonly number[];
  readonly finalFrameOffset: number;
  /** The final frame's content length field. */
  readonly finalFrameContentLength: number;
  /** Bytes after the final frame: the signature footer of signed suites, else 0. */
  readonly footerLength: number;
}

/**
 * Walks the body of a framed message so tests can cut or flip bytes at a known place instead of
 * computing offsets from plaintext sizes (which silently change when the framing does).
 */
export function framedLayout(message: Buffer): FramedLayout {
  const header = parseHeader(message, { maxEncryptedDataKeys: 16 });
  if (header.frameLength === 0) throw new Error('framedLayout: a non-framed message');
  const regularFrameOffsets: number[] = [];
  let offset = header.length;
  for (;;) {
    const sequence = message.readUInt32BE(offset);
    if (sequence === SEQUENCE_NUMBER_END) {
      const finalFrameContentLength = message.readUInt32BE(offset + 8 + IV_LENGTH);
      const end = offset + 8 + IV_LENGTH + 4 + finalFrameContentLength + TAG_LENGTH;
      return {
        headerLength: header.length,
        frameLength: header.frameLength,
        regularFrameOffsets,
        finalFrameOffset: offset,
        finalFrameContentLength,
        footerLength: message.length - end,
      };
    }
    regularFrameOffsets.push(offset);
    offset += 4 + IV_LENGTH + header.frameLength + TAG_LENGTH;
  }
}

/** Offset of the first ciphertext byte of a regular frame. */
export function regularFrameCiphertextOffset(frameOffset: number): number {
  return frameOffset + 4 + IV_LENGTH;
}
