import { MessageFormat } from '../constants';
import { InvalidMessageError, UnsupportedFormatError } from '../errors';
import { type AlgorithmSuite, getAlgorithmSuite } from './algorithm-suites';
import { ByteReader } from './byte-reader';
import { parseEncryptionContext } from './encryption-context';

// Local names for the format constants: shorter code, and they minify to one letter.
const {
  COMMITMENT_LENGTH,
  CONTENT_TYPE_FRAMED,
  CONTENT_TYPE_NON_FRAMED,
  MAX_FRAME_LENGTH,
  MESSAGE_ID_LENGTH,
  TAG_LENGTH,
  VERSION_2,
} = MessageFormat;

/** One wrapped copy of the data key, as stored in the header. */
export interface EncryptedDataKey {
  readonly providerId: string;
  readonly providerInfo: string;
  readonly encryptedDataKey: Buffer;
}

export interface MessageHeader {
  readonly suite: AlgorithmSuite;
  readonly messageId: Buffer;
  readonly encryptionContext: Readonly<Record<string, string>>;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
  readonly contentType: number;
  readonly frameLength: number;
  readonly commitment: Buffer;
  /** The serialized header body: the additional data of the header authentication tag. */
  readonly headerBody: Buffer;
  readonly headerAuthTag: Buffer;
  /** Bytes from the start of the message to the end of the header authentication tag. */
  readonly length: number;
}

export interface HeaderFields {
  readonly suite: AlgorithmSuite;
  readonly messageId: Buffer;
  readonly serializedContext: Buffer;
  readonly encryptedDataKeys: readonly EncryptedDataKey[];
  readonly frameLength: number;
  readonly commitment: Buffer;
}

function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n, 0);
  return b;
}

/**
 * Serialized EDK sections by array identity: a cached data key hands the same array to every message
 * it encrypts, so the section is built once per data key instead of once per message.
 */
const serializedEdks = new WeakMap<readonly EncryptedDataKey[], Buffer>();

/** The EDK count followed by each EDK (provider id, provider info, wrapped key; each length-prefixed). */
function serializeEncryptedDataKeys(edks: readonly EncryptedDataKey[]): Buffer {
  const known = serializedEdks.get(edks);
  if (known) return known;
  const parts: Buffer[] = [u16(edks.length)];
  for (const edk of edks) {
    const id = Buffer.from(edk.providerId, 'utf8');
    const info = Buffer.from(edk.providerInfo, 'utf8');
    parts.push(
      u16(id.length),
      id,
      u16(info.length),
      info,
      u16(edk.encryptedDataKey.length),
      edk.encryptedDataKey,
    );
  }
  const section = Buffer.concat(parts);
  serializedEdks.set(edks, section);
  return section;
}

/** Serializes the version 2 header body (everything the header authentication tag covers). */
export function serializeHeaderBody(fields: HeaderFields): Buffer {
  const parts: Buffer[] = [
    Buffer.from([VERSION_2]),
    u16(fields.suite.id),
    fields.messageId,
    u16(fields.serializedContext.length),
    fields.serializedContext,
  ];
  parts.push(serializeEncryptedDataKeys(fields.encryptedDataKeys));
  const tail = Buffer.allocUnsafe(5);
  tail.writeUInt8(fields.frameLength === 0 ? CONTENT_TYPE_NON_FRAMED : CONTENT_TYPE_FRAMED, 0);
  tail.writeUInt32BE(fields.frameLength, 1);
  parts.push(tail, fields.commitment);
  return Buffer.concat(parts);
}

export interface ParseHeaderOptions {
  readonly maxEncryptedDataKeys: number;
}

/**
 * Parses a version 2 header from the start of `buf`. Throws `NeedMoreData` when `buf` ends inside the
 * header (streams wait; whole-buffer callers report truncation). Nothing here is authenticated yet:
 * callers must verify the commitment and the header tag before trusting any field.
 */
export function parseHeader(buf: Buffer, options: ParseHeaderOptions): MessageHeader {
  const reader = new ByteReader(buf);
  const version = reader.u8();
  if (version !== VERSION_2) {
    const hint =
      version === 0x01
        ? 'Version 1 messages (no key commitment) are not accepted.'
        : 'This does not look like an AWS Encryption SDK message (is it base64 encoded?).';
    throw new UnsupportedFormatError(`Unsupported message format version 0x${version.toString(16)}. ${hint}`);
  }
  const suite = getAlgorithmSuite(reader.u16());
  const messageId = reader.bytes(MESSAGE_ID_LENGTH);
  const contextLength = reader.u16();
  const encryptionContext = parseEncryptionContext(reader.bytes(contextLength));
  const edkCount = reader.u16();
  if (edkCount === 0) {
    throw new InvalidMessageError('the header has no encrypted data keys.');
  }
  if (edkCount > options.maxEncryptedDataKeys) {
    throw new InvalidMessageError(
      `it carries ${edkCount} encrypted data keys, more than the allowed ` +
        `${options.maxEncryptedDataKeys}. Raise maxEncryptedDataKeys only if you expect such messages.`,
    );
  }
  const encryptedDataKeys: EncryptedDataKey[] = [];
  for (let i = 0; i < edkCount; i++) {
    const providerId = reader.bytes(reader.u16()).toString('utf8');
    const providerInfo = reader.bytes(reader.u16()).toString('utf8');
    const encryptedDataKey = Buffer.from(reader.bytes(reader.u16()));
    encryptedDataKeys.push({ providerId, providerInfo, encryptedDataKey });
  }
  const contentType = reader.u8();
  const frameLength = reader.u32();
  if (contentType === CONTENT_TYPE_NON_FRAMED) {
    if (frameLength !== 0) {
      throw new InvalidMessageError('a non-framed message must have frame length 0.');
    }
  } else if (contentType === CONTENT_TYPE_FRAMED) {
    if (frameLength === 0 || frameLength > MAX_FRAME_LENGTH) {
      throw new InvalidMessageError(`frame length ${frameLength} is out of range.`);
    }
  } else {
    throw new InvalidMessageError(`unknown content type ${contentType}.`);
  }
  const commitment = Buffer.from(reader.bytes(COMMITMENT_LENGTH));
  const headerBodyEnd = reader.offset;
  const headerAuthTag = Buffer.from(reader.bytes(TAG_LENGTH));
  return {
    suite,
    messageId: Buffer.from(messageId),
    encryptionContext,
    encryptedDataKeys,
    contentType,
    frameLength,
    commitment,
    headerBody: Buffer.from(buf.subarray(0, headerBodyEnd)),
    headerAuthTag,
    length: reader.offset,
  };
}
