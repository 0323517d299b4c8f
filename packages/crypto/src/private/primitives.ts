import {
  type CipherGCM,
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPublicKey,
  type DecipherGCM,
  ECDH,
  generateKeyPairSync,
  type KeyObject,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import { BodyAadContent, KdfLabel, MessageFormat } from '../constants';
import { InvalidMessageError } from '../errors';
import type { AlgorithmSuite } from './algorithm-suites';

// Local names for the format constants: shorter code, and they minify to one letter.
const { COMMITMENT_LENGTH, DATA_KEY_LENGTH, IV_LENGTH, MESSAGE_ID_LENGTH, SEQUENCE_NUMBER_END, TAG_LENGTH } =
  MessageFormat;

const CIPHER = 'aes-256-gcm';
const CURVE = 'secp384r1';
const ZERO_IV = Buffer.alloc(IV_LENGTH);
const COMMIT_LABEL = Buffer.from(KdfLabel.COMMIT_KEY, 'ascii');

const MESSAGE_IDS_PER_REFILL = 128;
const messageIdPool = Buffer.alloc(MESSAGE_ID_LENGTH * MESSAGE_IDS_PER_REFILL);
let messageIdOffset = messageIdPool.length;

/**
 * A fresh random 32-byte message id. Drawn from a pool refilled from the CSPRNG 128 ids at a time
 * (as node's own `randomUUID` does), because one `randomBytes(32)` call costs about 8 µs, a quarter
 * of a small message's encryption. Message ids are public (they sit in the header), so holding
 * unused ones in memory exposes nothing; each is handed out once.
 */
export function randomMessageId(): Buffer {
  if (messageIdOffset === messageIdPool.length) {
    randomFillSync(messageIdPool);
    messageIdOffset = 0;
  }
  const id = Buffer.from(messageIdPool.subarray(messageIdOffset, messageIdOffset + MESSAGE_ID_LENGTH));
  messageIdOffset += MESSAGE_ID_LENGTH;
  return id;
}

/** Overwrites key material in place. */
export function zero(buf: Uint8Array | undefined): void {
  buf?.fill(0);
}

export interface MessageKeys {
  readonly encryptionKey: Buffer;
  readonly commitment: Buffer;
}

const HKDF_HASH = 'sha512';
const HKDF_FIRST_BLOCK = Buffer.from([0x01]);

/**
 * HKDF-SHA512 (RFC 5869) with the message id as salt (spec: `framework/algorithm-suites.md`, key
 * derivation for committing suites): one output is the per-message encryption key, the other the
 * commitment stored in the header.
 *
 * Written with node:crypto HMAC rather than `hkdfSync` because `hkdfSync` repeats the extract step
 * for each output and costs about 10 µs per call here; both outputs share salt and input key, and
 * each is 32 bytes (one HMAC-SHA512 block), so one extract and two single-block expands give the same
 * bytes for a third of the time, which is a quarter of a small message's cost. `test/primitives.test.ts`
 * checks the result against `hkdfSync`.
 */
export function deriveMessageKeys(
  dataKey: Uint8Array,
  messageId: Buffer,
  suite: AlgorithmSuite,
): MessageKeys {
  const info = Buffer.allocUnsafe(2 + KdfLabel.DERIVE_KEY.length);
  info.writeUInt16BE(suite.id, 0);
  info.write(KdfLabel.DERIVE_KEY, 2, 'ascii');
  const prk = createHmac(HKDF_HASH, messageId).update(dataKey).digest();
  try {
    const encryptionKey = expandOneBlock(prk, info, DATA_KEY_LENGTH);
    const commitment = expandOneBlock(prk, COMMIT_LABEL, COMMITMENT_LENGTH);
    return { encryptionKey, commitment };
  } finally {
    zero(prk);
  }
}

/** HKDF-Expand for an output no longer than one hash block: T(1) = HMAC(PRK, info || 0x01). */
function expandOneBlock(prk: Buffer, info: Buffer, length: number): Buffer {
  const block = createHmac(HKDF_HASH, prk).update(info).update(HKDF_FIRST_BLOCK).digest();
  const out = Buffer.from(block.subarray(0, length));
  zero(block);
  return out;
}

/** Precondition of every decrypt: the data key must commit to the header's commitment value. */
export function checkCommitment(expected: Buffer, actual: Buffer): void {
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new InvalidMessageError(
      'key commitment does not match. The message was tampered with or built to decrypt ' +
        'differently under another key.',
    );
  }
}

/** The version 2 header tag: GCM over no plaintext, with the header body as AAD and an all-zero IV. */
export function headerAuthTag(key: Buffer, headerBody: Buffer): Buffer {
  const cipher = createCipheriv(CIPHER, key, ZERO_IV, { authTagLength: TAG_LENGTH });
  cipher.setAAD(headerBody);
  cipher.final();
  return cipher.getAuthTag();
}

export function checkHeaderAuthTag(key: Buffer, headerBody: Buffer, tag: Buffer): void {
  const decipher = createDecipheriv(CIPHER, key, ZERO_IV, { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(tag);
  decipher.setAAD(headerBody);
  try {
    decipher.final();
  } catch (cause) {
    throw new InvalidMessageError('the header authentication tag does not verify.', {
      cause,
    });
  }
}

/** Frame IVs are the sequence number, big-endian, left-padded with zeros to 12 bytes. */
function writeFrameIv(target: Buffer, offset: number, sequence: number): void {
  target.fill(0, offset, offset + 8);
  target.writeUInt32BE(sequence, offset + 8);
}

/**
 * Per-message AEAD for body parts. The body AAD is messageId || content string || sequence || length;
 * one buffer per content string is built once per message and patched per frame.
 */
/** Kinds of body part; each has its own AAD content string, in `BODY_AAD_LABELS` at its index. */
export const FRAME = 0;
export const FINAL_FRAME = 1;
export const SINGLE_BLOCK = 2;
export type BodyPart = typeof FRAME | typeof FINAL_FRAME | typeof SINGLE_BLOCK;
const BODY_AAD_LABELS = [BodyAadContent.FRAME, BodyAadContent.FINAL_FRAME, BodyAadContent.SINGLE_BLOCK];

export class BodyCipher {
  readonly #key: Buffer;
  readonly #messageId: Buffer;
  /** Additional-data buffers per body part kind (indexed by `BodyPart`), built on first use. */
  readonly #aad: Buffer[] = [];

  constructor(key: Buffer, messageId: Buffer) {
    this.#key = key;
    this.#messageId = messageId;
  }

  #buildAad(kind: BodyPart): Buffer {
    const label = BODY_AAD_LABELS[kind]!;
    const id = this.#messageId;
    const aad = Buffer.alloc(id.length + label.length + 12);
    id.copy(aad, 0);
    aad.write(label, id.length, 'ascii');
    return aad;
  }

  #aadFor(kind: BodyPart, sequence: number, length: number): Buffer {
    let aad = this.#aad[kind];
    if (!aad) {
      aad = this.#buildAad(kind);
      this.#aad[kind] = aad;
    }
    const at = aad.length - 12;
    aad.writeUInt32BE(sequence, at);
    aad.writeUInt32BE(Math.floor(length / 0x1_0000_0000), at + 4);
    aad.writeUInt32BE(length >>> 0, at + 8);
    return aad;
  }

  /** A regular frame: [sequence, IV] header, ciphertext, tag. */
  encryptFrame(sequence: number, plaintext: Buffer): Buffer[] {
    const head = Buffer.allocUnsafe(4 + IV_LENGTH);
    head.writeUInt32BE(sequence, 0);
    writeFrameIv(head, 4, sequence);
    return this.#seal(head.subarray(4), this.#aadFor(FRAME, sequence, plaintext.length), plaintext, head);
  }

  /** The final frame: [END, sequence, IV, content length] header, ciphertext, tag. */
  encryptFinalFrame(sequence: number, plaintext: Buffer): Buffer[] {
    const head = Buffer.allocUnsafe(8 + IV_LENGTH + 4);
    head.writeUInt32BE(SEQUENCE_NUMBER_END, 0);
    head.writeUInt32BE(sequence, 4);
    writeFrameIv(head, 8, sequence);
    head.writeUInt32BE(plaintext.length, 8 + IV_LENGTH);
    const iv = head.subarray(8, 8 + IV_LENGTH);
    return this.#seal(iv, this.#aadFor(FINAL_FRAME, sequence, plaintext.length), plaintext, head);
  }

  /** A non-framed body: IV, 8-byte content length, ciphertext, tag. */
  encryptNonFramed(plaintext: Buffer): Buffer[] {
    const head = Buffer.allocUnsafe(IV_LENGTH + 8);
    writeFrameIv(head, 0, 1);
    head.writeUInt32BE(Math.floor(plaintext.length / 0x1_0000_0000), IV_LENGTH);
    head.writeUInt32BE(plaintext.length >>> 0, IV_LENGTH + 4);
    const iv = head.subarray(0, IV_LENGTH);
    return this.#seal(iv, this.#aadFor(SINGLE_BLOCK, 1, plaintext.length), plaintext, head);
  }

  #seal(iv: Buffer, aad: Buffer, plaintext: Buffer, head: Buffer): Buffer[] {
    const cipher: CipherGCM = createCipheriv(CIPHER, this.#key, iv, {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(aad);
    const ciphertext = cipher.update(plaintext);
    cipher.final();
    return [head, ciphertext, cipher.getAuthTag()];
  }

  /**
   * Decrypts one body part and returns its plaintext only after the tag verified; on failure the
   * unauthenticated output is zeroed before the error leaves.
   */
  open(kind: BodyPart, sequence: number, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
    const decipher: DecipherGCM = createDecipheriv(CIPHER, this.#key, iv, {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAuthTag(tag);
    decipher.setAAD(this.#aadFor(kind, sequence, ciphertext.length));
    const plaintext = decipher.update(ciphertext);
    try {
      decipher.final();
    } catch (cause) {
      plaintext.fill(0);
      throw new InvalidMessageError(
        `the authentication tag of ${kind === SINGLE_BLOCK ? 'the body' : `frame ${sequence}`} ` +
          'does not verify. The message was tampered with or truncated; no plaintext was released.',
        { cause },
      );
    }
    return plaintext;
  }
}

export interface SigningKeyPair {
  readonly privateKey: KeyObject;
  /** Base64 of the compressed public point, the value of `aws-crypto-public-key`. */
  readonly publicKeyBase64: string;
}

/** DER SubjectPublicKeyInfo header of a P-384 key (id-ecPublicKey, secp384r1) with a 49-byte compressed point. */
const P384_COMPRESSED_SPKI_PREFIX = Buffer.from('3046301006072a8648ce3d020106052b81040022033200', 'hex');
const P384_COMPRESSED_LENGTH = 49;
const P384_UNCOMPRESSED_LENGTH = 97;

/** A fresh ECDSA P-384 key pair per message; the public half travels in the encryption context. */
export function generateSigningKey(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: CURVE });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const point = spki.subarray(spki.length - P384_UNCOMPRESSED_LENGTH);
  const compressed = ECDH.convertKey(point, CURVE, undefined, undefined, 'compressed') as Buffer;
  return { privateKey, publicKeyBase64: compressed.toString('base64') };
}

/** Rebuilds the verification key from the context's base64 compressed point (OpenSSL checks the point). */
export function verificationKeyFromContext(publicKeyBase64: string): KeyObject {
  const compressed = Buffer.from(publicKeyBase64, 'base64');
  try {
    if (compressed.length !== P384_COMPRESSED_LENGTH) throw new RangeError(`${compressed.length} bytes`);
    return createPublicKey({
      key: Buffer.concat([P384_COMPRESSED_SPKI_PREFIX, compressed]),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw new InvalidMessageError('the signature public key in the encryption context is invalid.', {
      cause,
    });
  }
}
