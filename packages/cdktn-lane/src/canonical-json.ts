/**
 * Terraform JSON in one canonical form, so two synths can be compared byte for byte: keys sorted at every
 * level, two-space indentation, arrays kept in order. The formatting of empty arrays differs between cdktf
 * and cdktn (`[\n]` against `[]`), which is not a difference in what Terraform reads.
 */

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * The canonical text of a synthesized stack.
 *
 * @example
 * canonicalJson('{"b":1,"a":[]}'); // '{\n  "a": [],\n  "b": 1\n}\n'
 */
export function canonicalJson(text: string): string {
  return `${JSON.stringify(sortKeys(JSON.parse(text)), null, 2)}\n`;
}

/** Where each framework stamps its own version in `cdk.tf.json`; Terraform ignores the `//` block. */
export const VERSION_STAMP_PATH = ['//', 'metadata', 'version'] as const;

/**
 * The framework version a synthesized stack carries, and the stack with that one field set to `stamp`.
 *
 * @example
 * withVersionStamp('{"//":{"metadata":{"version":"0.24.0"}}}', 'x'); // { version: '0.24.0', text: '{"//":{"metadata":{"version":"x"}}}' }
 */
export function withVersionStamp(text: string, stamp: string): { version: unknown; text: string } {
  const json = JSON.parse(text) as { '//'?: { metadata?: { version?: unknown } } };
  const version = json['//']?.metadata?.version;
  if (json['//']?.metadata) json['//'].metadata.version = stamp;
  return { version, text: JSON.stringify(json) };
}
