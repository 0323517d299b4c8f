/**
 * Secret-shaped substrings inside strings (messages, error messages and stacks, attribute values).
 *
 * Every pattern is linear-time: quantifiers are bounded or the run is maximal, and nothing nests an
 * unbounded quantifier inside another, because a log call must not be able to stall an invocation (ReDoS).
 */
import { REDACTED } from '../constants';
import { redactBase64Encoded, redactPercentEncoded } from './encoded-secrets';
import { isQuerySecretName, isSecretKeyName } from './secret-keys';
import { mapOutsideArns, redactKeyShapes } from './token-heuristics';

export interface StringRedactionOptions {
  /**
   * Also apply the key-shape rules (key-length hex, padded base64, long mixed-case runs) for unknown token
   * formats. Off for identifiers taken from the Lambda context (function name, request id) and for digest and
   * request-id fields, which are known not to be secrets and must stay searchable.
   */
  readonly heuristics: boolean;
}

/** PEM private keys, including an unterminated (truncated) block. */
const PEM_PRIVATE_KEY =
  /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g;

/**
 * `scheme://user:password@host` and `scheme://user@host`. The password is always redacted. The user name is kept
 * only when it reads as a login name (`app`, `git`, `ec2-user`, `x-access-token`), because tokens are often
 * passed as the user name alone (`https://TOKEN@github.com`, `https://TOKEN:x-oauth-basic@…`).
 */
const URL_USERINFO =
  /\b([a-zA-Z][a-zA-Z0-9+.-]{0,30}:\/\/)([^\s:/?#@"'<>\\]{0,256})(?::([^\s/?#@"'<>\\]{0,256}))?@/g;

/** Lower-case letters, digits, `.`, `_`, `-`, up to 32 characters, with few digits: not a random token. */
const LOGIN_NAME = /^[a-z][a-z0-9._-]{0,31}$/;
const LOGIN_NAME_MAX_DIGITS = 4;

/** JSON Web Tokens (and any base64url JSON starting `{"`), which carry bearer credentials. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;

/** `Bearer <token>` wherever it appears (headers copied into messages, curl lines). */
const BEARER = /\b(Bearer|bearer|BEARER)([ \t]+)[^\s"',;]+/g;

/** `Basic <base64(user:password)>`; confirmed by decoding, so "Basic Authentication" stays readable. */
const BASIC = /\b(Basic|BASIC)([ \t]+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;

/** Well-known prefixed tokens: GitHub, GitLab, npm, Slack, Stripe, SendGrid, Google API keys. */
const PREFIXED_TOKEN =
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{35})/g;

/** AWS access key ids (long-term `AKIA`, temporary `ASIA`, and the rarer key prefixes). */
const AWS_ACCESS_KEY_ID = /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g;

/**
 * `name=value`, `name: value`, `"name":"value"` (also JSON-escaped inside a string): the name and separator.
 * Whitespace around the separator may include line breaks, raw or JSON-escaped (`"password":\n  "…"`), as in
 * hand-formatted or cut-off JSON that does not parse. The value is matched separately, and only after a secret
 * name, so text full of `a:` or `a=` pairs is scanned once instead of once per pair.
 */
const KEY_AND_SEPARATOR =
  /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})(\\?["']?(?:[ \t\r\n]|\\[nrt]){0,64}[:=](?:[ \t\r\n]|\\[nrt]){0,64})/g;

/** The value after a secret name: a quoted string (plain or JSON-escaped), or a scheme and token, or a word. */
const SECRET_VALUE =
  /"(?:[^"\\\r\n]|\\.){0,4096}"|'[^'\r\n]{0,4096}'|\\"(?:[^"\\]|\\[^"]){0,4096}\\"|["']?(?:(?:Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]+)?[^\s"'&,;)}]{1,4096}/y;

/**
 * The value of a query parameter: up to the next `&` or `#`. Wider than {@link SECRET_VALUE} on purpose: a
 * URL-encoded value may contain `)`, `,` or `;`, and stopping there would print the rest of the secret.
 */
const QUERY_VALUE = /[^\s&#"'<>\\]{1,4096}/y;

/** Characters that put `name=value` in a query string or URL fragment. */
const QUERY_DELIMITERS: ReadonlySet<string> = new Set(['?', '&', '#', ';']);

/** How many times a value is decoded (URL, base64) to look for a secret inside: double encoding is common. */
const MAX_DECODE_DEPTH = 3;

function isBasicCredential(token: string): boolean {
  const decoded = Buffer.from(token, 'base64');
  const canonical = decoded.toString('base64').replace(/=+$/, '');
  // Only a token that is real base64 of "user:password" is a credential; plain words are not.
  return canonical === token.replace(/=+$/, '') && decoded.includes(0x3a);
}

function keepsUserName(user: string): boolean {
  return LOGIN_NAME.test(user) && (user.match(/[0-9]/g)?.length ?? 0) <= LOGIN_NAME_MAX_DIGITS;
}

function redactUrlUserinfo(
  match: string,
  scheme: string,
  user: string,
  password: string | undefined,
): string {
  if (user === '' && password === undefined) return match;
  const shownUser = user === '' || keepsUserName(user) ? user : REDACTED;
  return `${scheme}${shownUser}${password === undefined ? '' : `:${REDACTED}`}@`;
}

/**
 * Redacts the values of secret-named `name=value` pairs; other pairs are left alone. After `?`, `&`, `#` or `;`
 * the pair is a query parameter: the query-only names (`code`) count too, and the value runs to the next `&`.
 */
function redactKeyValuePairs(text: string): string {
  // Module-level regexes with their position reset: this loop never re-enters itself, and compiling three
  // regexes per call was most of the cost of checking many short decoded values.
  const keys = KEY_AND_SEPARATOR;
  const value = SECRET_VALUE;
  const queryValue = QUERY_VALUE;
  keys.lastIndex = 0;
  let output = '';
  let copiedUpTo = 0;
  for (;;) {
    const match = keys.exec(text);
    if (match === null) break;
    const name = match[1] ?? '';
    const inQuery =
      match.index > 0 && QUERY_DELIMITERS.has(text[match.index - 1] ?? '') && match[0].endsWith('=');
    if (!(inQuery ? isQuerySecretName(name) : isSecretKeyName(name))) continue;
    const valueStart = match.index + match[0].length;
    const pattern = inQuery ? queryValue : value;
    pattern.lastIndex = valueStart;
    const secret = pattern.exec(text);
    if (secret === null || secret[0] === REDACTED) continue;
    output += text.slice(copiedUpTo, valueStart) + REDACTED;
    copiedUpTo = valueStart + secret[0].length;
    // Resume after the value: in `note=password=x` the pair inside a value is found because `note` is not secret.
    keys.lastIndex = copiedUpTo;
  }
  return copiedUpTo === 0 ? text : output + text.slice(copiedUpTo);
}

/** Secrets with a known format, found wherever they are (ARNs included). */
function redactKnownFormats(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(URL_USERINFO, redactUrlUserinfo)
    .replace(JWT, REDACTED)
    .replace(BEARER, (_match, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
    .replace(BASIC, (match, scheme: string, space: string, token: string) =>
      isBasicCredential(token) ? `${scheme}${space}${REDACTED}` : match,
    )
    .replace(PREFIXED_TOKEN, REDACTED)
    .replace(AWS_ACCESS_KEY_ID, REDACTED);
}

function redactText(text: string, options: StringRedactionOptions, depth: number): string {
  const redactDecoded = (decoded: string): string => redactText(decoded, options, depth + 1);
  // ARNs are identifiers: `secretsmanager:` and `:secret:` in them are not secret names, and their resource
  // names are not tokens. The known formats above still apply inside them.
  return mapOutsideArns(redactKnownFormats(text), (part) => {
    let result = redactKeyValuePairs(part);
    if (depth < MAX_DECODE_DEPTH) {
      result = redactPercentEncoded(result, redactDecoded);
      result = redactBase64Encoded(result, redactDecoded);
    }
    return options.heuristics ? redactKeyShapes(result) : result;
  });
}

/**
 * Replaces every secret-shaped substring of `text` with {@link REDACTED}.
 *
 * @example
 * redactString('key AKIAIOSFODNN7EXAMPLE', { heuristics: true }); // 'key [REDACTED]'
 */
export function redactString(text: string, options: StringRedactionOptions): string {
  return redactText(text, options, 0);
}
