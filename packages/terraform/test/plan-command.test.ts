import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { countPlanChanges } from '@secure-lambda/contracts';
import {
  DEFAULT_OUT_DIR,
  formatResult,
  PLAN_COMMAND,
  parsePlanOptions,
  runPlanCommand,
  TerraformErrorCode,
  UsageError,
  usage,
} from '../src';
import { planJson, recordingIo, tempDir } from './support';

describe('the plan command line', () => {
  test('the usage is generated from the option table: every option, its value and its alias', () => {
    const text = usage(PLAN_COMMAND);
    expect(text).toMatch(/^usage: node scripts\/plan\.mjs \[options\] \[stack\.\.\.\]/);
    for (const [name, option] of Object.entries(PLAN_COMMAND.options)) {
      expect(text).toContain(`--${name}${option.value ? ` ${option.value}` : ''}`);
      expect(text).toContain(option.description);
    }
    expect(text).toContain('-j, --concurrency N');
    expect(text).toContain('-h, --help');
    expect(text).toContain('exit codes: 0');
  });

  test('defaults, and each option read', () => {
    expect(parsePlanOptions([])).toEqual({
      stacks: [],
      concurrency: 2,
      outDir: DEFAULT_OUT_DIR,
      failOn: 'high',
      accepted: undefined,
      review: true,
    });
    expect(
      parsePlanOptions([
        '-j',
        '1',
        '--out',
        'x',
        '--fail-on=medium',
        '--accepted',
        'a.json',
        '--no-review',
        's1',
        's2',
      ]),
    ).toEqual({
      stacks: ['s1', 's2'],
      concurrency: 1,
      outDir: path.resolve('x'),
      failOn: 'medium',
      accepted: path.resolve('a.json'),
      review: false,
    });
    expect(parsePlanOptions(['--help'])).toBeUndefined();
  });

  test.each([
    [['--concurrency', '0'], '--concurrency takes a whole number >= 1'],
    [['-j', 'two'], '--concurrency takes a whole number >= 1'],
    [['--fail-on', 'critical'], '--fail-on takes high, medium, low, none'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--out'], "Option '--out <value>' argument missing"],
  ])('%j is a usage error that shows the usage', (argv, message) => {
    const run = () => parsePlanOptions(argv);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(
      expect.objectContaining({
        code: TerraformErrorCode.USAGE,
        message: expect.stringMatching(
          new RegExp(`${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^]*usage: `),
        ),
      }),
    );
  });
});

describe('runPlanCommand', () => {
  test('--help prints the usage and exits 0', async () => {
    const io = recordingIo();
    expect(await runPlanCommand(['--help'], io)).toBe(0);
    expect(io.out.join('')).toBe(`${usage(PLAN_COMMAND)}\n`);
  });

  test('a bad option exits 2 without planning anything', async () => {
    const io = recordingIo();
    expect(await runPlanCommand(['--fail-on', 'critical'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/^plan: --fail-on takes/);
    expect(io.out).toEqual([]);
  });

  test('nothing synthesized exits 2 and says to synthesize first', async () => {
    const tmp = tempDir('plan-empty');
    try {
      mkdirSync(path.join(tmp.dir, 'stacks'));
      const io = recordingIo(process.env);
      expect(await runPlanCommand(['--out', tmp.dir], io)).toBe(2);
      expect(io.err.join('')).toContain('step "find stacks" failed: no ');
      expect(io.err.join('')).toContain('Synthesize first');
    } finally {
      tmp.remove();
    }
  });
});

test('[regression] a plan line counts as terraform does: a replacement is one add and one destroy', () => {
  // terraform's own summary of this plan is "Plan: 2 to add, 0 to change, 1 to destroy."; the old plan
  // script printed "1 to add, 0 to change, 0 to destroy, 1 to replace" and the reviewer "1 to create".
  const counts = countPlanChanges(
    planJson([
      ['aws_sqs_queue.dlq', ['delete', 'create']],
      ['aws_s3_bucket.data', ['create']],
      ['aws_kms_key.key', ['no-op']],
    ]),
  );
  const line = formatResult({
    ok: true,
    stack: 'secure-lambda-dev',
    workDir: '/w',
    planJsonPath: '/p.json',
    counts,
    warnings: [],
    timings: { init: 0.7, validate: 1.9, plan: 2.6, show: 0.9, total: 6.1 },
  });
  expect(line).toBe(
    'plan secure-lambda-dev: 2 to add, 0 to change, 1 to destroy (1 replaced) in 6.1 s ' +
      '(init 0.7, validate 1.9, plan 2.6, show 0.9)',
  );
});
