/**
 * S3 general purpose bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). Checked at synth so a
 * bad name fails in `cdktf synth`, not halfway through `terraform apply`.
 */

/** Prefixes AWS reserves (punycode, S3 internal, documentation examples). */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
/** Suffixes AWS reserves for access point aliases, Object Lambda, MRAP, directory and table buckets. */
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/**
 * Returns what is wrong with a bucket name and how to fix it, or `undefined` when the name is valid.
 *
 * @example
 * ```ts
 * bucketNameProblem('My_Bucket'); // 'use only lowercase letters, digits, dots and hyphens ...'
 * ```
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) {
    return `${JSON.stringify(name)} has ${name.length} characters; S3 bucket names have 3 to 63.`;
  }
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return `${JSON.stringify(name)}: use only lowercase letters, digits, dots and hyphens.`;
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return `${JSON.stringify(name)}: start and end the name with a lowercase letter or a digit.`;
  }
  if (name.includes('..')) {
    return `${JSON.stringify(name)}: remove the adjacent dots.`;
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    return `${JSON.stringify(name)} is formatted as an IP address, which S3 does not allow; use a name.`;
  }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `${JSON.stringify(name)}: the prefix "${prefix}" is reserved by AWS; choose another.`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `${JSON.stringify(name)}: the suffix "${suffix}" is reserved by AWS; choose another.`;
  return undefined;
}
