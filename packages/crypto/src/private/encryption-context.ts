import { MessageFormat, RESERVED_CONTEXT_PREFIX } from '../constants';
import { InvalidEncryptionContextError, InvalidMessageError } from '../errors';
import type { EncryptionContext } from '../kms-client';
import { ByteReader, NeedMoreData } from './byte-reader';

/** A lone UTF-16 surrogate: it would be encoded as U+FFFD, so header and KMS would bind different text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function compareUtf8(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/**
 * Checks a caller-supplied context: well-formed string keys and values only, no reserved `aws-crypto-`
 * keys (the SDK writes those). The size is checked when it is serialized. The copy is built with
 * `Object.fromEntries` so that an own `__proto__` key (from JSON.parse, say) is kept, not dropped.
 */
export function validateEncryptionContext(context: unknown): Record<string, string> {
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new InvalidEncryptionContextError('pass a plain object of string keys to string values.');
  }
  const entries = Object.entries(context);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new InvalidEncryptionContextError(
        `the value of ${JSON.stringify(key)} is a ${typeof value}; ` +
          'encryption context values must be strings.',
      );
    }
    if (key.length === 0) {
      throw new InvalidEncryptionContextError('keys must not be empty.');
    }
    if (key.startsWith(RESERVED_CONTEXT_PREFIX)) {
      throw new InvalidEncryptionContextError(
        `key ${JSON.stringify(key)} uses the reserved prefix ` +
          `"${RESERVED_CONTEXT_PREFIX}". Rename the key.`,
      );
    }
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
      throw new InvalidEncryptionContextError(
        `${JSON.stringify(key)} has a lone UTF-16 surrogate; pass well-formed Unicode strings.`,
      );
    }
  }
  return Object.fromEntries(entries);
}

/**
 * Serializes a context as the header's AAD body: a count, then key/value pairs sorted by the UTF-8
 * bytes of the key. An empty context serializes to zero bytes (the count is omitted, per the spec).
 */
export function serializeEncryptionContext(context: EncryptionContext): Buffer {
  const entries = Object.entries(context).map(
    ([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const,
  );
  if (entries.length === 0) return Buffer.alloc(0);
  entries.sort((a, b) => compareUtf8(a[0], b[0]));
  let size = 2;
  for (const [k, v] of entries) {
    if (k.length > 0xffff || v.length > 0xffff) {
      throw new InvalidEncryptionContextError('a key or value is longer than 65,535 bytes.');
    }
    size += 4 + k.length + v.length;
  }
  if (size > MessageFormat.MAX_ENCRYPTION_CONTEXT_BYTES) {
    throw new InvalidEncryptionContextError(
      `it serializes to ${size} bytes; the message format allows ` +
        `${MessageFormat.MAX_ENCRYPTION_CONTEXT_BYTES}. Keep the context to short identifiers.`,
    );
  }
  const out = Buffer.allocUnsafe(size);
  let o = out.writeUInt16BE(entries.length, 0);
  for (const [k, v] of entries) {
    o = out.writeUInt16BE(k.length, o);
    o += k.copy(out, o);
    o = out.writeUInt16BE(v.length, o);
    o += v.copy(out, o);
  }
  return out;
}

/** Parses the header's AAD body; duplicate keys and trailing bytes are rejected. */
export function parseEncryptionContext(body: Buffer): Record<string, string> {
  if (body.length === 0) return {};
  try {
    return readPairs(new ByteReader(body));
  } catch (error) {
    // The body's length is known: running past it is a malformed context, never "wait for more".
    if (error instanceof NeedMoreData) {
      throw new InvalidMessageError('an encryption context pair runs past the context length.');
    }
    throw error;
  }
}

function readPairs(reader: ByteReader): Record<string, string> {
  const context: Record<string, string> = Object.create(null);
  const count = reader.u16();
  if (count === 0) {
    throw new InvalidMessageError('the encryption context has a length but no pairs.');
  }
  for (let i = 0; i < count; i++) {
    const key = reader.bytes(reader.u16()).toString('utf8');
    const value = reader.bytes(reader.u16()).toString('utf8');
    if (Object.hasOwn(context, key)) {
      throw new InvalidMessageError('the encryption context has a duplicate key.');
    }
    context[key] = value;
  }
  if (reader.remaining !== 0) {
    throw new InvalidMessageError('the encryption context length does not match its pairs.');
  }
  return { ...context };
}

/** The keys of `required` whose value in `actual` is missing or different. */
export function mismatchedContextKeys(required: EncryptionContext, actual: EncryptionContext): string[] {
  const bad: string[] = [];
  for (const [key, value] of Object.entries(required)) {
    if (!Object.hasOwn(actual, key) || actual[key] !== value) bad.push(key);
  }
  return bad;
}
