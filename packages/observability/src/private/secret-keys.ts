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
]);

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
