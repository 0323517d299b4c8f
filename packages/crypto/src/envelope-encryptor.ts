import { Transform, type TransformCallback } from 'node:stream';
import { type AlgorithmSuiteIdValue, Defaults, MessageFormat, PUBLIC_KEY_CONTEXT_KEY } from './constants';
import { DataKeyCache } from './data-key-cache';
import { CryptoConfigurationError, EncryptionContextMismatchError, InvalidMessageError } from './errors';
import { KmsKeyring } from './keyring';
import type { EncryptionContext } from './kms-client';
import { type AlgorithmSuite, getAlgorithmSuite } from './private/algorithm-suites';
import { type EncoderMaterials, MessageDecoder, MessageEncoder } from './private/codec';
import {
  mismatchedContextKeys,
  serializeEncryptionContext,
  validateEncryptionContext,
} from './private/encryption-context';
import type { MessageHeader } from './private/header';
import { positiveInteger } from './private/options';
import { generateSigningKey, zero } from './private/primitives';

export interface EnvelopeEncryptorProps {
  /** Wraps and unwraps data keys. */
  readonly keyring: KmsKeyring;
  /**
   * Reuse data keys across messages within the cache's bounds. Unsigned suite only on encrypt: a signed
   * message binds its own public key into the context, so its data key cannot be shared.
   * @default undefined (one KMS call per message)
   */
  readonly cache?: DataKeyCache;
  /**
   * Plaintext bytes per frame; 0 writes a non-framed message (whole-buffer `encrypt` only).
   * @default 65_536
   */
  readonly frameLength?: number;
  /**
   * Suite used to encrypt. Decrypt accepts both committing suites whatever this is.
   * @default AlgorithmSuiteId.AES256_GCM_HKDF_SHA512_COMMIT_KEY (0x0478)
   */
  readonly algorithmSuite?: AlgorithmSuiteIdValue;
  /**
   * Messages with more encrypted data keys are refused (`InvalidMessageError`) before any KMS call. Set it
   * to the number of keys your writers wrap each data key with. Whatever it is, decrypt calls KMS at most
   * once per distinct allowed key per message.
   * @default 16
   */
  readonly maxEncryptedDataKeys?: number;
  /**
   * Largest frame or non-framed body a decrypt stream accepts (each is buffered whole before it is
   * authenticated); checked against the header before any KMS call. Whole-buffer `decrypt` has the
   * message in memory already and is not limited.
   * @default 67_108_864 (64 MiB)
   */
  readonly maxStreamBodyPartLength?: number;
}

export interface EncryptOptions {
  /**
   * Non-secret pairs bound to the message; the same pairs must be presented to decrypt it, and KMS
   * logs them in CloudTrail.
   * @default {}
   */
  readonly encryptionContext?: EncryptionContext;
}

export interface EncryptStreamOptions extends EncryptOptions {
  /**
   * Total plaintext length, if known. Only then can a stream use the data-key cache (its byte bound
   * must be charged before the first byte is encrypted); a longer stream fails.
   * @default undefined (a fresh data key for the stream)
   */
  readonly plaintextLength?: number;
}

export interface DecryptOptions {
  /**
   * Pairs the message's context must contain. Checked before any KMS call.
   * @default {}
   */
  readonly requiredEncryptionContext?: EncryptionContext;
}

export interface DecryptResult {
  readonly plaintext: Buffer;
  /** The context stored in the message (for signed suites it includes `aws-crypto-public-key`). */
  readonly encryptionContext: Readonly<Record<string, string>>;
}

/** Same length as a base64 compressed P-384 point, for sizing the context before the key exists. */
const PUBLIC_KEY_PLACEHOLDER = 'A'.repeat(68);

interface Materials {
  readonly encoder: EncoderMaterials;
  /**
   * Called once the encoder has derived its keys (also when it failed): zeroes an uncached data key, or
   * returns a borrowed one to the cache.
   */
  readonly release: () => void;
}

function toBuffer(input: unknown, what: string): Buffer {
  if (Buffer.isBuffer(input)) return input;
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  throw new CryptoConfigurationError(`${what} must be a Buffer or Uint8Array, got ${typeof input}.`);
}

/**
 * Envelope encryption in the AWS Encryption SDK message format (version 2). Messages written here
 * decrypt with any Encryption SDK given the same KMS key, and the reverse, for the committing suites.
 *
 * @example
 * ```ts
 * const encryptor = new EnvelopeEncryptor({ keyring, cache: new DataKeyCache() });
 * const message = await encryptor.encrypt(data, { encryptionContext: { tenant: 'acme' } });
 * const { plaintext } = await encryptor.decrypt(message, { requiredEncryptionContext: { tenant: 'acme' } });
 * ```
 */
export class EnvelopeEncryptor {
  readonly frameLength: number;
  readonly algorithmSuite: AlgorithmSuite;
  readonly #keyring: KmsKeyring;
  readonly #cache: DataKeyCache | undefined;
  readonly #maxEncryptedDataKeys: number;
  readonly #maxStreamBodyPartLength: number;

  constructor(props: EnvelopeEncryptorProps) {
    if (!(props?.keyring instanceof KmsKeyring)) {
      throw new CryptoConfigurationError('EnvelopeEncryptor: `keyring` is required (new KmsKeyring({...})).');
    }
    if (props.cache !== undefined && !(props.cache instanceof DataKeyCache)) {
      throw new CryptoConfigurationError('EnvelopeEncryptor: `cache` must be a DataKeyCache.');
    }
    const frameLength = props.frameLength ?? Defaults.FRAME_LENGTH;
    if (
      !Number.isSafeInteger(frameLength) ||
      frameLength < 0 ||
      frameLength > MessageFormat.MAX_FRAME_LENGTH
    ) {
      throw new CryptoConfigurationError(
        `EnvelopeEncryptor: frameLength must be an integer from 1 to ${MessageFormat.MAX_FRAME_LENGTH} (or 0 for ` +
          `a non-framed message), got ${String(props.frameLength)}.`,
      );
    }
    const suiteId = props.algorithmSuite ?? Defaults.ALGORITHM_SUITE;
    try {
      this.algorithmSuite = getAlgorithmSuite(suiteId);
    } catch (cause) {
      throw new CryptoConfigurationError(
        `EnvelopeEncryptor: algorithmSuite must be 0x0478 or 0x0578 (see AlgorithmSuiteId).`,
        { cause },
      );
    }
    this.frameLength = frameLength;
    this.#keyring = props.keyring;
    this.#cache = props.cache;
    this.#maxEncryptedDataKeys = positiveInteger(
      'EnvelopeEncryptor',
      'maxEncryptedDataKeys',
      props.maxEncryptedDataKeys,
      Defaults.MAX_ENCRYPTED_DATA_KEYS,
    );
    this.#maxStreamBodyPartLength = positiveInteger(
      'EnvelopeEncryptor',
      'maxStreamBodyPartLength',
      props.maxStreamBodyPartLength,
      Defaults.MAX_STREAM_BODY_PART_BYTES,
    );
  }

  /**
   * Encrypts a whole buffer and returns the message bytes.
   *
   * @example
   * ```ts
   * const message = await encryptor.encrypt(Buffer.from('hello'), { encryptionContext: { purpose: 'demo' } });
   * ```
   */
  async encrypt(plaintext: Uint8Array, options: EncryptOptions = {}): Promise<Buffer> {
    const input = toBuffer(plaintext, 'plaintext');
    const context = validateEncryptionContext(options.encryptionContext);
    const materials = await this.#encryptionMaterials(context, input.length);
    let encoder: MessageEncoder;
    try {
      encoder = new MessageEncoder(materials.encoder, this.frameLength);
    } finally {
      materials.release();
    }
    const parts = encoder.update(input);
    parts.push(...encoder.final());
    return Buffer.concat(parts);
  }

  /**
   * Decrypts a whole message. The returned plaintext is authenticated; a tampered, truncated or
   * extended message throws `InvalidMessageError` and releases nothing.
   *
   * @example
   * ```ts
   * const { plaintext, encryptionContext } = await encryptor.decrypt(message, {
   *   requiredEncryptionContext: { purpose: 'demo' },
   * });
   * ```
   */
  async decrypt(message: Uint8Array, options: DecryptOptions = {}): Promise<DecryptResult> {
    const decoder = this.#decoder(Number.MAX_SAFE_INTEGER);
    const parts: Buffer[] = [];
    try {
      decoder.push(toBuffer(message, 'message'));
      const header = decoder.readHeader();
      if (!header) throw new InvalidMessageError('it ends inside the header (truncated).');
      this.#checkRequiredContext(header, options.requiredEncryptionContext);
      await this.#beginDecrypt(decoder, header);
      decoder.end(parts);
      // The parts are authenticated plaintext the caller now holds anyway; zeroing them after the copy
      // would cost a full pass over the data for no protection.
      const plaintext = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      return { plaintext, encryptionContext: header.encryptionContext };
    } catch (error) {
      for (const part of parts) part.fill(0);
      throw error;
    } finally {
      decoder.destroy();
    }
  }

  /**
   * A Transform stream from plaintext to message bytes. Memory stays within about one frame.
   *
   * @example
   * ```ts
   * await pipeline(createReadStream('in.bin'), encryptor.encryptStream({ encryptionContext }), createWriteStream('out.enc'));
   * ```
   */
  encryptStream(options: EncryptStreamOptions = {}): Transform {
    if (this.frameLength === 0) {
      throw new CryptoConfigurationError('encryptStream needs framing: set frameLength > 0.');
    }
    const context = validateEncryptionContext(options.encryptionContext);
    const declared = options.plaintextLength;
    if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) {
      throw new CryptoConfigurationError('encryptStream: plaintextLength must be a non-negative integer.');
    }
    let encoder: MessageEncoder | undefined;
    let destroyed = false;
    let seen = 0;
    const start = async (): Promise<MessageEncoder> => {
      if (encoder) return encoder;
      const materials = await this.#encryptionMaterials(context, declared);
      try {
        // Destroyed while KMS was called: derive nothing, and the data key is released below.
        if (destroyed) throw new CryptoConfigurationError('encryptStream was destroyed.');
        encoder = new MessageEncoder(materials.encoder, this.frameLength);
      } finally {
        materials.release();
      }
      return encoder;
    };
    return new Transform({
      transform(chunk: unknown, _encoding, callback: TransformCallback) {
        settle(
          start().then((enc) => {
            const bytes = toBuffer(chunk, 'stream chunk');
            seen += bytes.length;
            if (declared !== undefined && seen > declared) {
              throw new CryptoConfigurationError(
                `encryptStream: more plaintext than the declared plaintextLength (${declared}) was written.`,
              );
            }
            for (const part of enc.update(bytes)) this.push(part);
          }),
          callback,
        );
      },
      flush(callback: TransformCallback) {
        settle(
          start().then((enc) => {
            if (declared !== undefined && seen !== declared) {
              throw new CryptoConfigurationError(
                `encryptStream: ${seen} bytes were written but plaintextLength declared ${declared}.`,
              );
            }
            for (const part of enc.final()) this.push(part);
          }),
          callback,
        );
      },
      destroy(error, callback) {
        destroyed = true;
        encoder?.destroy();
        callback(error);
      },
    });
  }

  /**
   * A Transform stream from message bytes to plaintext. Each frame's plaintext is pushed only after its
   * tag verified, and the stream errors on truncation or trailing bytes. For the signed suite the
   * signature covers the whole message and is checked at the end: frames released before it are
   * authenticated by their own tags, but treat the output as final only when the stream ends cleanly.
   *
   * @example
   * ```ts
   * await pipeline(createReadStream('out.enc'), encryptor.decryptStream({ requiredEncryptionContext }), sink);
   * ```
   */
  decryptStream(options: DecryptOptions = {}): Transform {
    const decoder = this.#decoder();
    let started = false;
    const advance = async (stream: Transform): Promise<void> => {
      if (!started) {
        const header = decoder.readHeader();
        if (!header) return;
        this.#checkRequiredContext(header, options.requiredEncryptionContext);
        started = true;
        await this.#beginDecrypt(decoder, header);
      }
      const parts: Buffer[] = [];
      try {
        decoder.drain(parts);
      } finally {
        // Parts decrypted before an error passed their own tags: they are released, then the error.
        for (const part of parts) stream.push(part);
      }
    };
    return new Transform({
      transform(chunk: unknown, _encoding, callback: TransformCallback) {
        settle(
          (async () => {
            decoder.push(toBuffer(chunk, 'stream chunk'));
            await advance(this);
          })(),
          callback,
        );
      },
      flush(callback: TransformCallback) {
        settle(
          advance(this).then(() => {
            const parts: Buffer[] = [];
            try {
              decoder.end(parts);
            } finally {
              for (const part of parts) this.push(part);
            }
          }),
          callback,
        );
      },
      destroy(error, callback) {
        decoder.destroy();
        callback(error);
      },
    });
  }

  #decoder(maxBodyPartLength = this.#maxStreamBodyPartLength): MessageDecoder {
    return new MessageDecoder({ maxEncryptedDataKeys: this.#maxEncryptedDataKeys, maxBodyPartLength });
  }

  #checkRequiredContext(header: MessageHeader, required: EncryptionContext | undefined): void {
    if (!required) return;
    // Same shape rules as on encrypt; a reserved key cannot be required (the SDK sets those).
    const bad = mismatchedContextKeys(validateEncryptionContext(required), header.encryptionContext);
    if (bad.length > 0) throw new EncryptionContextMismatchError(bad);
  }

  async #beginDecrypt(decoder: MessageDecoder, header: MessageHeader): Promise<void> {
    const cache = this.#cache;
    let cacheId: string | undefined;
    if (cache) {
      cacheId = DataKeyCache.decryptionId(
        this.#keyring.partitionId,
        header.suite.id,
        serializeEncryptionContext(header.encryptionContext),
        header.encryptedDataKeys,
      );
      const lease = cache.borrowForDecryption(cacheId);
      if (lease) {
        try {
          decoder.begin(lease.dataKey);
        } finally {
          lease.release();
        }
        return;
      }
    }
    const dataKey = await this.#keyring.decryptDataKey(header.encryptedDataKeys, header.encryptionContext);
    try {
      decoder.begin(dataKey);
      // Only a key that passed the commitment and header checks is worth caching.
      if (cache && cacheId) cache.putForDecryption(cacheId, dataKey);
    } finally {
      zero(dataKey);
    }
  }

  async #encryptionMaterials(
    context: Record<string, string>,
    plaintextLength: number | undefined,
  ): Promise<Materials> {
    const suite = this.algorithmSuite;
    if (suite.signed) {
      // Fail on an oversized context before KMS is called; the public key is added to it below.
      serializeEncryptionContext({ ...context, [PUBLIC_KEY_CONTEXT_KEY]: PUBLIC_KEY_PLACEHOLDER });
      const signing = generateSigningKey();
      const fullContext = { ...context, [PUBLIC_KEY_CONTEXT_KEY]: signing.publicKeyBase64 };
      const generated = await this.#keyring.generateDataKey(fullContext);
      return {
        encoder: { suite, ...generated, encryptionContext: fullContext, signingKey: signing.privateKey },
        release: () => zero(generated.dataKey),
      };
    }
    // Serialized once: it sizes the context (before KMS is called), keys the cache and goes in the header.
    const serializedContext = serializeEncryptionContext(context);
    const cache = this.#cache;
    if (!cache || plaintextLength === undefined) {
      const generated = await this.#keyring.generateDataKey(context);
      return {
        encoder: { suite, ...generated, encryptionContext: context, serializedContext },
        release: () => zero(generated.dataKey),
      };
    }
    const id = DataKeyCache.encryptionId(this.#keyring.partitionId, suite.id, serializedContext);
    // A lease, not the cache's buffer: an eviction while this call awaits (another call crossing a bound,
    // capacity) must not zero the key before the encoder has derived the message keys from it.
    const lease = cache.borrowForEncryption(id, plaintextLength);
    if (lease) {
      const { dataKey, encryptedDataKeys } = lease;
      return {
        encoder: { suite, dataKey, encryptedDataKeys, encryptionContext: context, serializedContext },
        release: lease.release,
      };
    }
    const generated = await this.#keyring.generateDataKey(context);
    cache.putForEncryption(id, generated, plaintextLength);
    return {
      encoder: { suite, ...generated, encryptionContext: context, serializedContext },
      release: () => zero(generated.dataKey),
    };
  }
}

/**
 * Hands a Transform callback the outcome of `work`. `then(ok, fail)` rather than `.then().catch()`: an
 * exception thrown by the callback itself (a listener downstream) must not be reported as ours.
 */
function settle(work: Promise<unknown>, callback: TransformCallback): void {
  work.then(
    () => callback(),
    (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
  );
}
