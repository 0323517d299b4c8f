import { createHash } from 'node:crypto';
import type { ExpectedVersion, FunctionConfiguration } from './manifest';

/** What Lambda reports for one published version, in the manifest's comparable form. */
export interface VersionView {
  readonly version: string;
  /** Base64 SHA-256 of the version's deployment package, as Lambda computed it. */
  readonly codeSha256: string;
  readonly configuration: FunctionConfiguration;
}

/**
 * The hex SHA-256 of an environment value: what the stack publishes and what a version is compared on.
 * The port hashes each value as soon as it reads it, so no value is kept, compared or printed.
 */
export function environmentValueHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

type Scalar = Exclude<
  keyof FunctionConfiguration,
  'environment' | 'layers' | 'architectures' | 'subnetIds' | 'securityGroupIds' | 'fileSystems'
>;
type SetField = 'architectures' | 'subnetIds' | 'securityGroupIds' | 'fileSystems';

const show = (value: string | number) => (value === '' ? '(none)' : JSON.stringify(value));

function setDifference(name: string, actual: readonly string[], expected: readonly string[]): string[] {
  const added = actual.filter((v) => !expected.includes(v));
  const removed = expected.filter((v) => !actual.includes(v));
  return [
    ...(added.length ? [`${name} added: ${added.join(', ')}`] : []),
    ...(removed.length ? [`${name} removed: ${removed.join(', ')}`] : []),
  ];
}

/**
 * Every way a version differs from what the stack deployed, one readable line each, in a stable order
 * (code first, then the configuration fields). Empty when the version is what Terraform applied.
 * Environment variables are named with added, removed or changed, never with a value.
 *
 * @example
 * differences(target.expected, await port.getVersion(target.functionName, '7'));
 * // ['environment variable NODE_OPTIONS added']
 */
export function differences(expected: ExpectedVersion, actual: VersionView): string[] {
  const found: string[] = [];
  if (actual.codeSha256 !== expected.codeSha256) {
    found.push(`CodeSha256 is ${actual.codeSha256 || '(none)'}; the stack deployed ${expected.codeSha256}`);
  }
  const want = expected.configuration;
  const got = actual.configuration;
  const scalar = (field: Scalar) => () =>
    got[field] === want[field]
      ? []
      : [`${field} is ${show(got[field])}; the stack applied ${show(want[field])}`];
  // Sets: lists whose order means nothing to Lambda. Layers are not one: their order is the load order.
  const set = (field: SetField) => () => setDifference(field, got[field], want[field]);
  const checks: readonly (() => string[])[] = [
    scalar('packageType'),
    scalar('runtime'),
    scalar('handler'),
    scalar('role'),
    () => environmentDifferences(got.environment, want.environment),
    scalar('kmsKeyArn'),
    () => layerDifferences(got.layers, want.layers),
    scalar('memorySize'),
    scalar('timeout'),
    set('architectures'),
    scalar('tracingMode'),
    set('subnetIds'),
    set('securityGroupIds'),
    scalar('ephemeralStorageMb'),
    set('fileSystems'),
    scalar('imageConfig'),
    scalar('signingProfileVersionArn'),
    scalar('signingJobArn'),
  ];
  for (const check of checks) found.push(...check());
  return found;
}

function environmentDifferences(
  actual: Readonly<Record<string, string>>,
  expected: Readonly<Record<string, string>>,
): string[] {
  const names = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  return names.flatMap((name) => {
    const a = Object.hasOwn(actual, name) ? actual[name] : undefined;
    const e = Object.hasOwn(expected, name) ? expected[name] : undefined;
    if (a === e) return [];
    const how = e === undefined ? 'added' : a === undefined ? 'removed' : 'changed';
    return [`environment variable ${name} ${how}`];
  });
}

function layerDifferences(actual: readonly string[], expected: readonly string[]): string[] {
  const changes = setDifference('layers', actual, expected);
  if (changes.length === 0 && actual.join('\n') !== expected.join('\n')) {
    // Same layers in another order: a later layer overwrites files of an earlier one in /opt.
    return [`layers reordered: ${actual.join(', ')}; the stack applied ${expected.join(', ')}`];
  }
  return changes;
}
