/**
 * The comparison behind `release` and `status`, field by field, on plain values. The moto test
 * (signed-release.test.ts) proves it end to end for the attacks the emulator can play; these cover the
 * fields moto cannot change in place (architectures, tracing, KMS key, storage, file systems, signing).
 */
import { versionView } from '../src/aws-port';
import type { FunctionConfiguration } from '../src/manifest';
import { differences, environmentValueHash, type VersionView } from '../src/verify';
import { expectedFor, tinyZip } from './support';

const ZIP = tinyZip('exports.handler = async () => 1;');
const SECRET = 'hunter2-database-password';
const expected = expectedFor('3', ZIP, {
  role: 'arn:aws:iam::111111111111:role/app-role',
  architectures: ['arm64'],
  environment: { KEY_ARN: environmentValueHash('arn:key'), DB_PASSWORD: environmentValueHash(SECRET) },
  kmsKeyArn: 'arn:key',
  layers: [],
  tracingMode: 'Active',
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupIds: ['sg-1'],
});
const same = (configuration: Partial<FunctionConfiguration> = {}): VersionView => ({
  version: '4',
  codeSha256: expected.codeSha256,
  configuration: { ...expected.configuration, ...configuration },
});

test('[TM-SIGN-01] the version Terraform applied has no differences, whatever the order of its subnets', () => {
  expect(differences(expected, same({ subnetIds: ['subnet-b', 'subnet-a'] }))).toEqual([]);
});

test.each<[string, Partial<FunctionConfiguration>, string[]]>([
  ['runtime', { runtime: 'nodejs20.x' }, ['runtime is "nodejs20.x"; the stack applied "nodejs22.x"']],
  [
    'role',
    { role: 'arn:aws:iam::111111111111:role/admin' },
    [
      'role is "arn:aws:iam::111111111111:role/admin"; the stack applied "arn:aws:iam::111111111111:role/app-role"',
    ],
  ],
  ['memory', { memorySize: 1024 }, ['memorySize is 1024; the stack applied 128']],
  ['timeout', { timeout: 900 }, ['timeout is 900; the stack applied 3']],
  [
    'architecture',
    { architectures: ['x86_64'] },
    ['architectures added: x86_64', 'architectures removed: arm64'],
  ],
  ['env key', { kmsKeyArn: '' }, ['kmsKeyArn is (none); the stack applied "arn:key"']],
  ['tracing', { tracingMode: 'PassThrough' }, ['tracingMode is "PassThrough"; the stack applied "Active"']],
  [
    'subnet',
    { subnetIds: ['subnet-a', 'subnet-public'] },
    ['subnetIds added: subnet-public', 'subnetIds removed: subnet-b'],
  ],
  ['security group', { securityGroupIds: ['sg-1', 'sg-open'] }, ['securityGroupIds added: sg-open']],
  ['/tmp size', { ephemeralStorageMb: 10240 }, ['ephemeralStorageMb is 10240; the stack applied 512']],
  [
    'file system',
    { fileSystems: ['arn:efs:ap at /mnt/code'] },
    ['fileSystems added: arn:efs:ap at /mnt/code'],
  ],
  [
    'image',
    { packageType: 'Image', imageConfig: '{"EntryPoint":["/bin/sh"]}' },
    [
      'packageType is "Image"; the stack applied "Zip"',
      'imageConfig is "{\\"EntryPoint\\":[\\"/bin/sh\\"]}"; the stack applied (none)',
    ],
  ],
  [
    'signer',
    { signingProfileVersionArn: 'arn:signer:other', signingJobArn: 'arn:job:other' },
    [
      'signingProfileVersionArn is "arn:signer:other"; the stack applied (none)',
      'signingJobArn is "arn:job:other"; the stack applied (none)',
    ],
  ],
  ['layer', { layers: ['arn:l:2', 'arn:l:1'] }, ['layers added: arn:l:2, arn:l:1']],
])('[TM-SIGN-01] a changed %s is named', (_field, change, lines) => {
  expect(differences(expected, same(change))).toEqual(lines);
});

test('[TM-SIGN-01] reordered layers are a difference (a later layer overwrites files of an earlier one)', () => {
  const layered = {
    ...expected,
    configuration: { ...expected.configuration, layers: ['arn:l:1', 'arn:l:2'] },
  };
  expect(differences(layered, same({ layers: ['arn:l:2', 'arn:l:1'] }))).toEqual([
    'layers reordered: arn:l:2, arn:l:1; the stack applied arn:l:1, arn:l:2',
  ]);
});

test('[TM-SIGN-01] environment variables are named added, removed or changed, never shown', () => {
  const version = versionView({
    Version: '4',
    CodeSha256: expected.codeSha256,
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Role: expected.configuration.role,
    MemorySize: 128,
    Timeout: 3,
    Architectures: ['arm64'],
    KMSKeyArn: 'arn:key',
    TracingConfig: { Mode: 'Active' },
    VpcConfig: { SubnetIds: ['subnet-a', 'subnet-b'], SecurityGroupIds: ['sg-1'] },
    Environment: {
      Variables: { DB_PASSWORD: `${SECRET}-rotated`, NODE_OPTIONS: '--require=/tmp/x.js' },
    },
  });
  // The port keeps only hashes: the values are gone before anything compares or prints them.
  expect(JSON.stringify(version)).not.toContain(SECRET);
  expect(JSON.stringify(version)).not.toContain('/tmp/x.js');
  const found = differences(expected, version);
  expect(found).toEqual([
    'environment variable DB_PASSWORD changed',
    'environment variable KEY_ARN removed',
    'environment variable NODE_OPTIONS added',
  ]);
  expect(found.join('\n')).not.toMatch(/hunter2|x\.js|arn:key/);
});

test("[TM-SIGN-01] Lambda's defaults fill what GetFunctionConfiguration leaves out", () => {
  expect(versionView({ CodeSha256: 'c', Runtime: 'nodejs22.x' }).configuration).toMatchObject({
    packageType: 'Zip',
    architectures: ['x86_64'],
    tracingMode: 'PassThrough',
    ephemeralStorageMb: 512,
    environment: {},
    layers: [],
    imageConfig: '',
  });
});
