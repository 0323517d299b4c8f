import { ContractsErrorCode, ReleaseManifestError } from '../src/errors';
import { parseReleaseManifest } from '../src/release-manifest';

const EXPECTED = {
  version: '3',
  codeSha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
  configuration: {
    packageType: 'Zip',
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    role: 'arn:aws:iam::111111111111:role/r',
    // Terraform may write the numbers of a unified object as strings.
    memorySize: '512',
    timeout: 30,
    architectures: ['arm64'],
    environment: { KEY_ARN: 'ab'.repeat(32) },
    kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k',
    layers: null,
    tracingMode: 'Active',
    subnetIds: ['subnet-1'],
    securityGroupIds: ['sg-1'],
    ephemeralStorageMb: 512,
    fileSystems: [],
    imageConfig: '',
    signingProfileVersionArn: null,
    signingJobArn: null,
  },
};

const outputs = (fn: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  release: {
    value: {
      format: 2,
      region: 'eu-west-1',
      accountId: '111111111111',
      functions: { a: { functionName: 'dev-a', alias: 'live', expected: EXPECTED, ...fn } },
      ...extra,
    },
  },
});

describe('parseReleaseManifest', () => {
  test('reads a canary function with CodeDeploy, numbers written as strings, and null attributes as none', () => {
    const manifest = parseReleaseManifest(
      'dev',
      outputs({
        strategy: { type: 'canary', percent: '10', minutes: 5 },
        codedeploy: {
          application: 'app',
          deploymentGroup: 'group',
          alarms: ['errors'],
          hooks: { preTraffic: 'hook', postTraffic: null },
        },
      }),
    );
    expect(manifest).toEqual({
      stack: 'dev',
      region: 'eu-west-1',
      accountId: '111111111111',
      functions: [
        {
          id: 'a',
          functionName: 'dev-a',
          alias: 'live',
          strategy: { type: 'canary', percent: 10, minutes: 5 },
          codedeploy: {
            application: 'app',
            deploymentGroup: 'group',
            alarms: ['errors'],
            hooks: { preTraffic: 'hook' },
          },
          expected: {
            ...EXPECTED,
            configuration: {
              ...EXPECTED.configuration,
              memorySize: 512,
              layers: [],
              signingProfileVersionArn: '',
              signingJobArn: '',
            },
          },
        },
      ],
    });
  });

  test('no release output: RELEASE_OUTPUT_MISSING, saying how to deploy or pass the outputs', () => {
    expect(() => parseReleaseManifest('s', { other: { value: 1 } })).toThrow(
      expect.objectContaining({
        code: ContractsErrorCode.RELEASE_OUTPUT_MISSING,
        message: expect.stringMatching(/no "release" output\. Deploy the stack first .*--outputs FILE/),
      }),
    );
    expect(() => parseReleaseManifest('s', null)).toThrow(ReleaseManifestError);
  });

  test.each([1, 3, '2', undefined])(
    '[TM-SIGN-01] format %p is refused: RELEASE_FORMAT_UNSUPPORTED',
    (format) => {
      expect(() =>
        parseReleaseManifest('s', { release: { value: { format, region: 'x', functions: {} } } }),
      ).toThrow(
        expect.objectContaining({
          code: ContractsErrorCode.RELEASE_FORMAT_UNSUPPORTED,
          message: expect.stringMatching(
            /this CLI reads format 2\. .*a release from it could not be verified/,
          ),
        }),
      );
    },
  );

  test.each([
    ['an unknown strategy', { strategy: { type: 'blue-green' } }, /strategy\.type "blue-green" is not/],
    ['a canary without minutes', { strategy: { type: 'canary', percent: 10 } }, /needs a whole percent/],
    [
      'a fractional percent',
      { strategy: { type: 'linear', percent: 2.5, minutes: 1 } },
      /needs a whole percent/,
    ],
    [
      'alarms that are not names',
      {
        strategy: { type: 'all-at-once' },
        codedeploy: { application: 'a', deploymentGroup: 'g', alarms: [1] },
      },
      /codedeploy\.alarms is not a list/,
    ],
    [
      'a hook that is not a name',
      {
        strategy: { type: 'all-at-once' },
        codedeploy: { application: 'a', deploymentGroup: 'g', hooks: { preTraffic: 7 } },
      },
      /codedeploy\.hooks\.preTraffic is not a function name/,
    ],
    [
      'a hex code hash',
      { strategy: { type: 'all-at-once' }, expected: { ...EXPECTED, codeSha256: 'ab'.repeat(32) } },
      /codeSha256 is not a base64 SHA-256/,
    ],
    [
      'an environment value instead of its hash',
      {
        strategy: { type: 'all-at-once' },
        expected: { ...EXPECTED, configuration: { ...EXPECTED.configuration, environment: { A: 'x' } } },
      },
      /environment\.A is not a hex SHA-256/,
    ],
  ])('[TM-SIGN-01] %s is refused: RELEASE_MANIFEST_INVALID', (_name, fn, message) => {
    expect(() => parseReleaseManifest('dev', outputs(fn))).toThrow(message);
    expect(() => parseReleaseManifest('dev', outputs(fn))).toThrow(
      expect.objectContaining({ code: ContractsErrorCode.RELEASE_MANIFEST_INVALID }),
    );
  });

  test('an account id that is not a string is refused, a missing one reads as empty', () => {
    const fn = { strategy: { type: 'all-at-once' } };
    expect(() => parseReleaseManifest('dev', outputs(fn, { accountId: 111111111111 }))).toThrow(
      /accountId that is not a string/,
    );
    expect(parseReleaseManifest('dev', outputs(fn, { accountId: undefined })).accountId).toBe('');
  });

  test('a function without name, alias or strategy is incomplete', () => {
    expect(() =>
      parseReleaseManifest('dev', outputs({ alias: undefined, strategy: { type: 'all-at-once' } })),
    ).toThrow(/function a in the "release" output of dev is incomplete/);
  });
});
