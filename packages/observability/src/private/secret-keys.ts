/**
 * Which property names hold secrets. Names are compared after lower-casing and dropping every character that
 * is not a letter or digit, so `api_key`, `X-Api-Key`, `apiKey` and `API-KEY` are one name.
 */

/**
 * A name containing one of these is secret. Substring matching is deliberate: `clientSecret`, `idToken`,
 * `x-amz-security-token`, `dbPassword`, `encryptedDataKey` all need to match, and redacting a harmless
 * `tokenCount` costs less than printing an unforeseen `refreshToken`. `ciphertext` is not listed: it is
 * safe to log by design.
 */
const SECRET_NAME_FRAGMENTS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'apikey',
  'accesskey',
  'credential',
  'privatekey',
  'signingkey',
  'keymaterial',
  'datakey',
  // Key material under its usual crypto names (a bare 'key' would hide S3 object keys and key ids).
  'encryptionkey',
  'masterkey',
  'aeskey',
  'hmackey',
  'sessionkey',
  'wrappingkey',
  'plaintext',
  'cookie',
  'signature',
  'sessionid',
];

/** Short names matched whole only: as fragments they would hit `author`, `compass`, `spinner`. */
const SECRET_NAMES_EXACT: ReadonlySet<string> = new Set([
  'auth',
  'pwd',
  'pass',
  'pin',
  'otp',
  'bearer',
  'jwt',
  'kek',
  'dek',
  'cek',
  // Azure SAS and similar signed URLs put the signature in `sig`.
  'sig',
]);

/**
 * Names that hold a credential in a query string (after `?`, `&`, `#` or `;`) but mean something harmless as a
 * field name: `code` is an OAuth authorization code in `?code=`, and an error code in `{ code: 'E_BAD' }`.
 */
const QUERY_SECRET_NAMES: ReadonlySet<string> = new Set(['code', 'samlresponse', 'samlrequest']);

/**
 * Fields whose values are digests or request ids: key-length hex and padded base64 are what they look like
 * (`ETag`, `ContentMD5`, `codeSha256`, `x-amz-id-2`, `cfId`), so the shape rules skip them. Secret names win
 * over these (`passwordHash` is still redacted), and the known-format rules (access key ids, JWTs, `Bearer`)
 * still apply to them.
 */
const DIAGNOSTIC_NAME_FRAGMENTS: readonly string[] = [
  'sha1',
  'sha256',
  'sha512',
  'md5',
  'checksum',
  'digest',
  'etag',
];
const DIAGNOSTIC_NAME_SUFFIXES: readonly string[] = ['requestid', 'traceid', 'id2', 'cfid', 'hash'];

/** Lower-cases the name and drops separators so spelling variants compare equal. */
export function normalizeKeyName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Whether a property (or `name=value` pair) with this name must have its value redacted. */
export function isSecretKeyName(name: string): boolean {
  const normalized = normalizeKeyName(name);
  if (normalized === '') return false;
  if (SECRET_NAMES_EXACT.has(normalized)) return true;
  return SECRET_NAME_FRAGMENTS.some((fragment) => normalized.includes(fragment));
}

/** Whether `name=value` after `?`, `&`, `#` or `;` has a secret value: every secret name, and the query-only ones. */
export function isQuerySecretName(name: string): boolean {
  return isSecretKeyName(name) || QUERY_SECRET_NAMES.has(normalizeKeyName(name));
}

/** Whether a field holds a digest or a request id, whose value the key-shape rules must leave alone. */
export function isDiagnosticFieldName(name: string): boolean {
  const normalized = normalizeKeyName(name);
  return (
    DIAGNOSTIC_NAME_FRAGMENTS.some((fragment) => normalized.includes(fragment)) ||
    DIAGNOSTIC_NAME_SUFFIXES.some((suffix) => normalized.endsWith(suffix))
  );
}
