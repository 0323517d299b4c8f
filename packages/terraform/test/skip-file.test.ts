import { CheckovError, readSkipFile, skipFileProblems, TerraformErrorCode } from '../src';
import { put, tempDir } from './support';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('skip-file');
});
afterEach(() => tmp.remove());

const read = (text: string) => readSkipFile(put(tmp.dir, '.checkov.yaml', text));

describe('readSkipFile', () => {
  test('takes the comment lines above an entry and the one after it as its reason', () => {
    const text = [
      'skip-check:',
      '  # Code signing is enforced by the',
      '  # signing profile, not by this check.',
      '  - CKV_AWS_272',
      '  - CKV_AWS_116 # no dead-letter queue on the hook, it is synchronous',
      'other: 1',
      '  - CKV_AWS_1',
    ].join('\n');
    expect(read(text)).toEqual([
      {
        id: 'CKV_AWS_272',
        reason: 'Code signing is enforced by the signing profile, not by this check.',
        line: 4,
      },
      { id: 'CKV_AWS_116', reason: 'no dead-letter queue on the hook, it is synchronous', line: 5 },
    ]);
  });

  test('an empty list and a missing key both mean no skips', () => {
    expect(read('skip-check: []\n')).toEqual([]);
    expect(read('framework: terraform_json\n')).toEqual([]);
  });

  test.each([
    ['a flow list', 'skip-check: [CKV_AWS_1]\n', ':1: write `skip-check:`'],
    ['a mapping under the key', 'skip-check:\n  id: CKV_AWS_1\n', ':2: expected `- CHECK_ID`'],
    ['something that is not a check id', 'skip-check:\n  - ckv_aws_1\n', 'is not a checkov check id'],
  ])('rejects %s, naming the line (checkov would read it differently)', (_name, text, message) => {
    expect(() => read(text)).toThrow(CheckovError);
    expect(() => read(text)).toThrow(
      expect.objectContaining({
        code: TerraformErrorCode.INVALID_SKIP_FILE,
        message: expect.stringContaining(message),
      }),
    );
  });
});

test('skipFileProblems names duplicates and missing or placeholder reasons', () => {
  expect(
    skipFileProblems([
      { id: 'CKV_AWS_1', reason: 'a reason long enough to explain it', line: 2 },
      { id: 'CKV_AWS_1', reason: 'a reason long enough to explain it', line: 3 },
      { id: 'CKV_AWS_2', reason: 'TODO: write why this is skipped here', line: 4 },
      { id: 'CKV_AWS_3', reason: 'short', line: 5 },
    ]),
  ).toEqual([
    'line 3: CKV_AWS_1 is listed twice',
    'line 4: CKV_AWS_2 needs a reason (a comment saying why the check cannot pass here)',
    'line 5: CKV_AWS_3 needs a reason (a comment saying why the check cannot pass here)',
  ]);
});
