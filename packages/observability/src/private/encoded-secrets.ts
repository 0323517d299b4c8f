/**
 * Decode-then-check: secrets that arrive URL-encoded (`?next=%2Fcb%3Fpassword%3D…`) or base64-encoded
 * (`cGFzc3dvcmQ9…`, a `password=…` pair or a JSON body) have none of the shapes the other rules look for. Each
 * candidate is decoded, the decoded text goes through the full redactor (the caller passes it in, one level
 * deeper, so double encoding is unwrapped too), and the candidate is replaced only if that found a secret. So
 * harmless encoded text stays as it was, byte for byte.
 */
import { isUtf8 } from 'node:buffer';
import { REDACTED } from '../constants';

/** A URL or form value: everything up to whitespace, a quote or a backslash (JSON escaping). */
const URL_TOKEN = /[^\s"'`<>\\]+/g;

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

/**
 * A run of the base64 or base64url alphabet with optional padding, long enough to hold `pwd=x` (8 characters).
 * Shorter runs cannot encode a name and a value.
 */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{8,}={0,2}(?![A-Za-z0-9+/=_-])/g;

/** Text a person or program wrote: no control characters other than tab, line feed and carriage return. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this rejects.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Redacts a decoded text with the full rule set, one decoding level deeper. */
export type RedactDecoded = (decoded: string) => string;

function decodePercent(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    // A stray `%` or a broken UTF-8 sequence: decode what can be decoded, byte by byte.
    return token.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
}

/**
 * Replaces each URL-encoded token whose decoded form holds a secret with that decoded form, redacted: the
 * result stays readable (`?next=/cb?password=[REDACTED]`) and the marker searchable.
 *
 * @example
 * redactPercentEncoded('?next=%2Fcb%3Fpassword%3Dx', (t) => t.replace('password=x', 'password=[REDACTED]'));
 * // '?next=/cb?password=[REDACTED]'
 */
export function redactPercentEncoded(text: string, redactDecoded: RedactDecoded): string {
  if (!text.includes('%')) return text;
  return text.replace(URL_TOKEN, (token) => {
    if (!PERCENT_ESCAPE.test(token)) return token;
    const decoded = decodePercent(token);
    const redacted = redactDecoded(decoded);
    return redacted === decoded ? token : redacted;
  });
}

/**
 * The bytes a canonical base64 (or base64url, never both alphabets at once) run encodes. Canonical only: most
 * words that merely use the alphabet do not round-trip, so they are not treated as encoded data.
 */
export function canonicalBase64Bytes(run: string): Buffer | undefined {
  const urlSafe = /[-_]/.test(run);
  if (urlSafe && /[+/]/.test(run)) return undefined;
  const encoding = urlSafe ? 'base64url' : 'base64';
  const unpadded = run.replace(/=+$/, '');
  const bytes = Buffer.from(unpadded, encoding);
  return bytes.toString(encoding).replace(/=+$/, '') === unpadded ? bytes : undefined;
}

/** The text a canonical base64 run encodes, or undefined for binary data and non-canonical runs. */
function decodeBase64Text(run: string): string | undefined {
  const bytes = canonicalBase64Bytes(run);
  if (bytes === undefined) return undefined;
  // isUtf8 rather than a fatal TextDecoder: the decoder costs tens of microseconds a call, which adds up when a
  // line holds thousands of candidates.
  if (!isUtf8(bytes)) return undefined;
  const decoded = bytes.toString('utf8');
  return CONTROL_CHARACTER.test(decoded) ? undefined : decoded;
}

/**
 * Replaces each base64 run that decodes to text holding a secret with {@link REDACTED}, whole: the decoded text
 * is not printed, since what else it holds is unknown.
 *
 * @example
 * redactBase64Encoded(Buffer.from('password=x').toString('base64'), (t) => t.replace('x', '[REDACTED]'));
 * // '[REDACTED]'
 */
export function redactBase64Encoded(text: string, redactDecoded: RedactDecoded): string {
  return text.replace(BASE64_RUN, (run) => {
    const decoded = decodeBase64Text(run);
    if (decoded === undefined) return run;
    return redactDecoded(decoded) === decoded ? run : REDACTED;
  });
}
