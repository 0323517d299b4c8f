/**
 * Secret-shaped substrings inside strings (messages, error messages and stacks, attribute values).
 *
 * Every pattern is linear-time: quantifiers are bounded or the run is maximal, and nothing nests an
 * unbounded quantifier inside another, because a log call must not be able to stall an invocation (ReDoS).
 */
import { REDACTED } from '../constants';
import { isSecretKeyName } from './secret-keys';

export interface StringRedactionOptions {
  /**
   * Also apply the length/character-mix heuristic for unknown token formats. Off for identifiers taken from
   * the Lambda context (function name, request id), which are known not to be secrets and must stay searchable.
   */
  readonly heuristics: boolean;
}

/** PEM private keys, including an unterminated (truncated) block. */
const PEM_PRIVATE_KEY =
  /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g;

/** `scheme://user:password@host`: the password is redacted, the user and host kept for debugging. */
const URL_CREDENTIALS = /\b([a-zA-Z][a-zA-Z0-9+.-]{0,30}:\/\/)([^\s:/?#@]{0,256}):([^\s@/?#]{1,256})@/g;

/** JSON Web Tokens (and any base64url JSON starting `{"`), which carry bearer credentials. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;

/** `Bearer <token>` wherever it appears (headers copied into messages, curl lines). */
const BEARER = /\b(Bearer|bearer|BEARER)([ \t]+)[^\s"',;]+/g;

/** `Basic <base64(user:password)>`; confirmed by decoding, so "Basic Authentication" stays readable. */
const BASIC = /\b(Basic|BASIC)([ \t]+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;

/** Well-known prefixed tokens: GitHub, Slack, Stripe, Google API keys. */
const PREFIXED_TOKEN =
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|xox[abprs]-[A-Za-z0-9-]{10,}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35})/g;

/** AWS access key ids (long-term `AKIA`, temporary `ASIA`, and the rarer key prefixes). */
const AWS_ACCESS_KEY_ID = /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g;

/**
 * `name=value`, `name: value`, `"name":"value"` (also JSON-escaped inside a string): the name and separator.
 * The value is matched separately, and only after a secret name, so text full of `a:` or `a=` pairs is
 * scanned once instead of once per pair.
 */
const KEY_AND_SEPARATOR = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})(\\?["']?[ \t]{0,8}[:=][ \t]{0,8})/g;

/** The value after a secret name: a quoted string (plain or JSON-escaped), or a scheme and token, or a word. */
const SECRET_VALUE =
  /"(?:[^"\\\r\n]|\\.){0,4096}"|'[^'\r\n]{0,4096}'|\\"(?:[^"\\]|\\[^"]){0,4096}\\"|["']?(?:(?:Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]+)?[^\s"'&,;)}]{1,4096}/y;

/**
 * Runs of base64 / base64url-without-dash characters, with `=` only as trailing padding so `name=value` keeps
 * its name. `-` and `.` are left out so hyphenated names, UUIDs, domains and ARNs split into short pieces
 * instead of being mistaken for tokens.
 */
const TOKEN_RUN = /(?<![A-Za-z0-9+/_])[A-Za-z0-9+/_]{32,}={0,2}/g;

/** Length of an AWS secret access key. */
const AWS_SECRET_KEY_LENGTH = 40;

/** A whole-string ARN: an identifier by construction, so the token heuristic would only hide useful data. */
const ARN = /^arn:aws[a-z-]{0,20}:[a-z0-9-]{0,64}:[a-z0-9-]{0,32}:(?:\d{12})?:\S{1,2048}$/;

function looksLikeRandomToken(run: string): boolean {
  const upper = /[A-Z]/.test(run);
  const lower = /[a-z]/.test(run);
  if (!upper || !lower) return false;
  // A 40-character mixed-case run is the shape of an AWS secret key even when it happens to hold no digit.
  return /[0-9]/.test(run) || run.length === AWS_SECRET_KEY_LENGTH;
}

function isBasicCredential(token: string): boolean {
  const decoded = Buffer.from(token, 'base64');
  const canonical = decoded.toString('base64').replace(/=+$/, '');
  // Only a token that is real base64 of "user:password" is a credential; plain words are not.
  return canonical === token.replace(/=+$/, '') && decoded.includes(0x3a);
}

/** Redacts the values of secret-named `name=value` pairs; other pairs are left alone. */
function redactKeyValuePairs(text: string): string {
  const keys = new RegExp(KEY_AND_SEPARATOR.source, 'g');
  const value = new RegExp(SECRET_VALUE.source, 'y');
  let output = '';
  let copiedUpTo = 0;
  for (;;) {
    const match = keys.exec(text);
    if (match === null) break;
    const name = match[1] ?? '';
    if (!isSecretKeyName(name)) continue;
    const valueStart = match.index + match[0].length;
    value.lastIndex = valueStart;
    const secret = value.exec(text);
    if (secret === null || secret[0] === REDACTED) continue;
    output += text.slice(copiedUpTo, valueStart) + REDACTED;
    copiedUpTo = valueStart + secret[0].length;
    // Resume after the value: in `note=password=x` the pair inside a value is found because `note` is not secret.
    keys.lastIndex = copiedUpTo;
  }
  return copiedUpTo === 0 ? text : output + text.slice(copiedUpTo);
}

/**
 * Replaces every secret-shaped substring of `text` with {@link REDACTED}.
 *
 * @example
 * redactString('key AKIAIOSFODNN7EXAMPLE', { heuristics: true }); // 'key [REDACTED]'
 */
export function redactString(text: string, options: StringRedactionOptions): string {
  let result = text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(JWT, REDACTED)
    .replace(BEARER, (_match, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(BASIC, (match, scheme: string, space: string, token: string) =>
      isBasicCredential(token) ? `${scheme}${space}${REDACTED}` : match,
    )
    .replace(PREFIXED_TOKEN, REDACTED)
    .replace(AWS_ACCESS_KEY_ID, REDACTED);
  result = redactKeyValuePairs(result);
  if (options.heuristics && !ARN.test(result)) {
    result = result.replace(TOKEN_RUN, (run) => (looksLikeRandomToken(run) ? REDACTED : run));
  }
  return result;
}
