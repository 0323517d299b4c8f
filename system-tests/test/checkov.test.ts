/**
 * checkov over the synthesized stacks (@secure-lambda/terraform, what `npm run scan` runs): zero failed
 * checks, and the one skip file, .checkov.yaml, lists each skip with its reason and only skips that are
 * still needed.
 */
import path from 'node:path';
import {
  Checkov,
  type CheckovResult,
  readSkipFile,
  runCheckov,
  type SkipEntry,
  skipFileProblems,
} from '@secure-lambda/terraform';
import { skipChecksAsYaml } from '../src/checkov-yaml';
import { synthesizedOutDir, synthesizedStacks } from '../src/synth';
import { loadAllStacks } from '../src/terraform-json';

/**
 * Skips for resources only declared functions create (the samples declare no secret): such a skip is
 * checked where the resource exists, in the generator's system test, which runs this file on a stack with
 * one function per trigger and a secret. Here it must still name a check for that resource type.
 */
const SKIPS_FOR_DECLARED_RESOURCES: Readonly<Record<string, string>> = {
  CKV2_AWS_57: 'aws_secretsmanager_secret',
};

const CHECKOV_TIMEOUT_MS = 300_000;

const outDir = synthesizedOutDir();
let withSkips: CheckovResult;
let withoutSkips: CheckovResult;
let skips: SkipEntry[];

beforeAll(async () => {
  // Two scans side by side (separate report directories): the real one, and one without the skip file
  // that shows whether each skip still has a failing check behind it.
  [withSkips, withoutSkips, skips] = await Promise.all([
    runCheckov({ outDir }),
    runCheckov({ outDir, skipFile: null, resultsDir: path.join(outDir, 'checkov', 'without-skips') }),
    Promise.resolve(readSkipFile()),
  ]);
  const { passed, failed, parsingErrors } = withSkips.summary;
  console.log(
    `checkov: Passed checks: ${passed}, Failed checks: ${failed}, Parsing errors: ${parsingErrors}, ` +
      `${skips.length} skip(s), ${withSkips.seconds} s`,
  );
}, CHECKOV_TIMEOUT_MS);

test('checkov scans every stack and reports zero failed checks', () => {
  const failures = withSkips.failedChecks.map(
    (c) => `${c.id} ${c.name}: ${c.resource} (${c.file}:${c.lines.join('-')})`,
  );
  expect(failures).toEqual([]);
  expect(withSkips.summary).toMatchObject({ failed: 0, parsingErrors: 0 });
  expect(withSkips.summary.passed).toBeGreaterThan(0);
});

test('every skip in .checkov.yaml has a reason', () => {
  expect(skipFileProblems(skips)).toEqual([]);
});

test('the skips with reasons are exactly the skips checkov applies', async () => {
  // Guards the comment-aware reader against YAML it does not understand (a flow list, a second key).
  expect(skips.map((s) => s.id)).toEqual(await skipChecksAsYaml(Checkov.SKIP_FILE));
});

test('every skipped check still fails without its skip, wherever its resource type is synthesized', () => {
  const failing = new Set(withoutSkips.failedChecks.map((c) => c.id));
  expect(synthesizedStacks(outDir).length).toBeGreaterThan(0);
  const types = new Set(loadAllStacks(outDir).flatMap((stack) => Object.keys(stack.json.resource ?? {})));
  const absent = (id: string) => {
    const type = SKIPS_FOR_DECLARED_RESOURCES[id];
    return type !== undefined && !types.has(type);
  };
  const stale = skips
    .filter((s) => !failing.has(s.id) && !absent(s.id))
    .map((s) => `${s.id} (line ${s.line})`);
  expect(stale).toEqual([]);
});
