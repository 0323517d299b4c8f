/**
 * Secrets recognised by their shape alone: key-length hex, padded base64, and long mixed-case runs of the base64
 * alphabet. These are the rules that can misfire both ways, so each one leans on a structural signal first
 * (exact key lengths, canonical padding) and only the last falls back to a statistical one, with a path check
 * in front of it.
 *
 * Measured trade-offs (ten million random base64 runs per length, and the property tests):
 * - the path check takes a random 40-character AWS secret key for a path (and prints it) 7 times in ten million,
 *   a 32-character run 52 times; 64-character runs never. Padded keys (24 and 44 characters) never reach it;
 * - a path survives when at least half of a 32+-character stretch between dots and dashes is made of word-like
 *   folder names (`packages`, `Development`, `node_modules`), or when no folder name in it mixes cases (macOS
 *   temporary folders). A stretch made mostly of random mixed-case folder names cannot be told from a key and is
 *   redacted.
 *
 * Every pattern is linear-time: runs are maximal (a lookbehind keeps a run from starting inside another), so a
 * failed match costs one pass over that run.
 */
import { REDACTED } from '../constants';
import { canonicalBase64Bytes } from './encoded-secrets';

/**
 * 32 or more hex digits of one case, alone: a 128-bit (32) or 256-bit (64) key, an HMAC secret, a hex-encoded
 * data key. Forty digits are left alone because that is a SHA-1 or git commit id, far more common in
 * diagnostics than a 160-bit key. A run after `]` is left alone: Lambda log stream names are `[$LATEST]` or
 * `[7]` followed by 32 hex digits. The cost: MD5s, SHA-256s and S3 ETags in free text are redacted (under
 * digest-named fields such as `etag` or `sha256` they are not; see `isDiagnosticFieldName`).
 */
const HEX_KEY = /(?<![A-Za-z0-9\]])(?:0x)?([0-9a-f]{32,}|[0-9A-F]{32,})(?![A-Za-z0-9])/g;

/** SHA-1 and git commit ids. */
const SHA1_HEX_LENGTH = 40;

/**
 * Base64 (standard or URL-safe) that ends in padding: a strong sign of encoded bytes, since words, paths and
 * identifiers never end in `=`. From 24 characters (16 bytes: an AES-128 key) up, which covers 32-byte keys
 * (44 characters), HMAC secrets and encoded tokens. The cost: padded digests and ids in free text (Content-MD5,
 * `x-amz-id-2`) are redacted; under their field names they are not.
 */
const PADDED_BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={1,2}(?![A-Za-z0-9+/=_-])/g;

/** 16 bytes, the shortest key this rule claims. */
const PADDED_BASE64_MIN_LENGTH = 24;

/**
 * Runs of base64 / base64url-without-dash characters, with `=` only as trailing padding so `name=value` keeps
 * its name. `-` and `.` are left out so hyphenated names, UUIDs, domains and file extensions split into short
 * pieces instead of being mistaken for tokens; `/` stays in because AWS secret keys and base64 contain it,
 * which is why the path check below is needed.
 */
const TOKEN_RUN = /(?<![A-Za-z0-9+/_])[A-Za-z0-9+/_]{32,}={0,2}/g;

/**
 * An ARN in text: an identifier by construction. Its resource part often holds CDK-generated names such as
 * `SecureLambdaDevInvokerRoleABCDEF123456` that look random; its service part can read as a secret name
 * (`secretsmanager:…`, `…:secret:name`). Shape rules and `name=value` rules skip it; the known-prefix rules
 * (access key ids, JWTs, `Bearer`, PEM) still apply inside. Not after `=` or `:`, so `password=arn:aws:…`
 * is still a secret value.
 */
const ARN_IN_TEXT = /(?<![A-Za-z0-9=:_.-])arn:aws[a-z-]{0,20}:[^\s"'`<>,;&=()[\]{}\\]{1,2048}/g;

/**
 * A folder name that reads as words: `packages`, `node_modules`, `Development`, `JaneDoe`, `secureLambda2`.
 * Lower-case runs of three or more letters are what random base64 rarely produces many of in a row. Each
 * continuation starts with a capital or `_`, so the pattern has one way to match and cannot backtrack
 * exponentially; pieces longer than {@link MAX_WORD_PIECE_LENGTH} are not tested at all.
 */
const WORD_PIECE = /^(?:[A-Z]?[a-z]{3,}|[A-Z][a-z]{2}(?=[A-Z]))(?:[A-Z][a-z]{2,}|_[a-z]{2,})*[0-9]{0,3}$/;
const MAX_WORD_PIECE_LENGTH = 64;
/** Longer than any path a stack trace or message holds; such a run is judged as a token. */
const MAX_PATH_LENGTH = 4096;

function singleCase(piece: string): boolean {
  return !(/[a-z]/.test(piece) && /[A-Z]/.test(piece));
}

/**
 * Whether a run that contains `/` is a file path rather than base64: at least three pieces and either half of
 * its characters in word-like pieces, or no piece that mixes cases (the mixed case came from different folder
 * names, as in a macOS `/var/folders/xx/<id>/T/tmp` stretch, never from inside one).
 */
export function looksLikePath(run: string): boolean {
  if (run.length > MAX_PATH_LENGTH) return false;
  const pieces = run.split('/');
  if (pieces.length < 3) return false;
  if (pieces.every(singleCase)) return true;
  let wordCharacters = 0;
  for (const piece of pieces) {
    if (piece.length <= MAX_WORD_PIECE_LENGTH && WORD_PIECE.test(piece)) wordCharacters += piece.length;
  }
  return wordCharacters * 2 >= run.length;
}

/** Longer than any identifier worth keeping readable; also bounds the work on huge runs. */
const MAX_IDENTIFIER_LENGTH = 256;

/** Capitalised or lower-case words of two or more lower-case letters, or upper-case acronyms. */
const IDENTIFIER_WORDS = /[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]|[^A-Za-z]+/g;

/**
 * A digit-free CamelCase identifier (class names, CDK construct ids): every word has two or more lower-case
 * letters (or is an acronym) and words average four or more characters. Random letters almost never split
 * that way, because single lower-case letters between capitals are common in them.
 */
export function looksLikeIdentifier(run: string): boolean {
  if (run.length > MAX_IDENTIFIER_LENGTH || /[0-9+/_]/.test(run)) return false;
  let words = 0;
  for (const [word] of run.matchAll(IDENTIFIER_WORDS)) {
    if (word.length === 1) return false;
    if (/[a-z]/.test(word) && word.replace(/^[A-Z]/, '').length < 2) return false;
    words += 1;
  }
  return words * 4 <= run.length;
}

function redactHexKey(match: string, run: string): string {
  if (run.length === SHA1_HEX_LENGTH) return match;
  // All digits is a number, all letters is a word: a random key has both (all but certainly, at 32 digits).
  return /[0-9]/.test(run) && /[a-fA-F]/.test(run) ? REDACTED : match;
}

function redactPaddedBase64(run: string): string {
  return run.length >= PADDED_BASE64_MIN_LENGTH &&
    run.length % 4 === 0 &&
    canonicalBase64Bytes(run) !== undefined
    ? REDACTED
    : run;
}

function redactTokenRun(run: string): string {
  // Mixed case is the one signal every random base64 token of this length carries (a 32-character run lacks
  // one of the cases about once in thirty million). Digits are not required: one in three hundred random
  // 32-character tokens has none.
  if (!(/[a-z]/.test(run) && /[A-Z]/.test(run))) return run;
  if (run.includes('/') && looksLikePath(run)) return run;
  if (looksLikeIdentifier(run)) return run;
  return REDACTED;
}

/**
 * Applies the shape rules to `text` (the caller keeps ARNs out with {@link mapOutsideArns}).
 *
 * @example
 * redactKeyShapes('key 00112233445566778899aabbccddeeff'); // 'key [REDACTED]'
 */
export function redactKeyShapes(text: string): string {
  return text
    .replace(HEX_KEY, redactHexKey)
    .replace(PADDED_BASE64, redactPaddedBase64)
    .replace(TOKEN_RUN, redactTokenRun);
}

/** Applies `redactPart` to the parts of `text` that are not ARNs, and keeps the ARNs as they are. */
export function mapOutsideArns(text: string, redactPart: (part: string) => string): string {
  if (!text.includes('arn:')) return redactPart(text);
  let output = '';
  let copiedUpTo = 0;
  // matchAll iterates over its own copy of the regex, so the shared one keeps no state.
  for (const arn of text.matchAll(ARN_IN_TEXT)) {
    output += redactPart(text.slice(copiedUpTo, arn.index)) + arn[0];
    copiedUpTo = arn.index + arn[0].length;
  }
  return copiedUpTo === 0 ? redactPart(text) : output + redactPart(text.slice(copiedUpTo));
}
