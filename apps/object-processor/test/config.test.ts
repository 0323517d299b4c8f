import { readConfig } from '../src/config';
import { ProcessorDefaults } from '../src/constants';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('readConfig', () => {
  test('reads the key ARN and output bucket; path style is off by default', () => {
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out' })).toEqual({
      keyArn: KEY_ARN,
      outputBucket: 'out',
      forcePathStyle: false,
      maxObjectBytes: ProcessorDefaults.MAX_OBJECT_BYTES,
    });
  });

  test('[TM-AVAIL-01] MAX_OBJECT_BYTES sets the size limit; unset or blank keeps the 1 GiB default', () => {
    expect(ProcessorDefaults.MAX_OBJECT_BYTES).toBe(1024 * 1024 * 1024);
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', MAX_OBJECT_BYTES: ' 5242880 ' }).maxObjectBytes).toBe(
      5_242_880,
    );
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', MAX_OBJECT_BYTES: '' }).maxObjectBytes).toBe(
      ProcessorDefaults.MAX_OBJECT_BYTES,
    );
  });

  test.each(['0', '-1', '1.5', '1e9', '0x10', '10MB', 'abc', '9007199254740993'])(
    '[TM-AVAIL-01] MAX_OBJECT_BYTES=%j is INVALID_CONFIGURATION, not a limit that is off',
    (value) => {
      const read = () => readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', MAX_OBJECT_BYTES: value });
      expect(read).toThrow(/MAX_OBJECT_BYTES must be a whole number of bytes of at least 1/);
      expect(read).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    },
  );

  test.each([
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['', false],
  ])('S3_FORCE_PATH_STYLE=%j -> %s', (value, expected) => {
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', S3_FORCE_PATH_STYLE: value }).forcePathStyle).toBe(
      expected,
    );
  });

  test('reads the optional INPUT_BUCKET pin; blank means unpinned', () => {
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', INPUT_BUCKET: ' in ' }).inputBucket).toBe('in');
    expect(readConfig({ KEY_ARN, OUTPUT_BUCKET: 'out', INPUT_BUCKET: '  ' })).not.toHaveProperty(
      'inputBucket',
    );
  });

  test('accepts other partitions', () => {
    const arn = 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    expect(readConfig({ KEY_ARN: arn, OUTPUT_BUCKET: 'out' }).keyArn).toBe(arn);
  });

  test.each([
    [{ OUTPUT_BUCKET: 'out' }, /KEY_ARN is not set: set it to the ARN of the KMS key/],
    [{ KEY_ARN: '  ', OUTPUT_BUCKET: 'out' }, /KEY_ARN is not set/],
    [{ KEY_ARN }, /OUTPUT_BUCKET is not set/],
    [{ KEY_ARN: 'alias/my-key', OUTPUT_BUCKET: 'out' }, /KEY_ARN must be a KMS key ARN .* not an alias/],
    [
      { KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:alias/my-key', OUTPUT_BUCKET: 'out' },
      /KEY_ARN must be a KMS key ARN/,
    ],
    [
      { KEY_ARN, OUTPUT_BUCKET: 'out', S3_FORCE_PATH_STYLE: 'yes' },
      /S3_FORCE_PATH_STYLE must be "true" or "false"/,
    ],
  ])('%j is INVALID_CONFIGURATION', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
    expect(() => readConfig(env)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });
});
