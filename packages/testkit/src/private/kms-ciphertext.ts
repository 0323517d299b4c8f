import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The ciphertext blob of the in-memory KMS double (it only has to round-trip through the double, not
 * match real KMS bytes):
 *
 *   version (1 byte, 0x01) | key id length L (1 byte) | key id (L bytes, UTF-8)
 *   | IV (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
 *
 * The AAD is the header (version, length, key id) followed by the canonical encryption context, so a
 * different context, a swapped key id or any flipped bit fails authentication — as with real KMS.
 */
const FORMAT_VERSION = 0x01;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MAX_KEY_ID_LENGTH = 0xff;
const CIPHER = 'aes-256-gcm';

export interface ParsedBlob {
  readonly keyId: string;
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * Sorted by key so that `{a, b}` and `{b, a}` are the same context, and encoded as JSON so that no two
 * different contexts share an encoding. An absent context equals an empty one, as in KMS.
 */
export function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

function header(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  if (id.length > MAX_KEY_ID_LENGTH) throw new RangeError(`key id longer than ${MAX_KEY_ID_LENGTH} bytes`);
  return Buffer.concat([Buffer.from([FORMAT_VERSION, id.length]), id]);
}

export function sealBlob(
  keyId: string,
  keyMaterial: Buffer,
  plaintext: Uint8Array,
  context: Readonly<Record<string, string>> | undefined,
): Uint8Array {
  const head = header(keyId);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv(CIPHER, keyMaterial, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.concat([head, canonicalContext(context)]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([head, iv, ciphertext, cipher.getAuthTag()]));
}

/** Splits a blob into its parts; undefined when it cannot be one of ours. */
export function parseBlob(blob: Uint8Array): ParsedBlob | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < 2 || bytes[0] !== FORMAT_VERSION) return undefined;
  const idLength = bytes[1]!;
  const headerLength = 2 + idLength;
  if (idLength === 0 || bytes.length < headerLength + IV_LENGTH + TAG_LENGTH) return undefined;
  return {
    keyId: bytes.subarray(2, headerLength).toString('utf8'),
    header: bytes.subarray(0, headerLength),
    iv: bytes.subarray(headerLength, headerLength + IV_LENGTH),
    ciphertext: bytes.subarray(headerLength + IV_LENGTH, bytes.length - TAG_LENGTH),
    tag: bytes.subarray(bytes.length - TAG_LENGTH),
  };
}

/** Returns the plaintext in a fresh buffer, or undefined when authentication fails. */
export function openBlob(
  parsed: ParsedBlob,
  keyMaterial: Buffer,
  context: Readonly<Record<string, string>> | undefined,
): Uint8Array | undefined {
  const decipher = createDecipheriv(CIPHER, keyMaterial, parsed.iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.concat([parsed.header, canonicalContext(context)]));
  decipher.setAuthTag(parsed.tag);
  try {
    const plaintext = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
    const copy = new Uint8Array(plaintext);
    plaintext.fill(0);
    return copy;
  } catch {
    return undefined;
  }
}
