/** Base64 length of `bytes` bytes, with padding. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** Decodes canonical standard base64 only; anything else (URL-safe, unpadded, spaces) is undefined. */
export function decodeCanonicalBase64(value: string): Buffer | undefined {
  const bytes = Buffer.from(value, 'base64');
  // Node's decoder skips characters outside the alphabet and ignores stray bits; re-encoding and
  // comparing accepts exactly one spelling per byte string.
  return bytes.toString('base64') === value ? bytes : undefined;
}
