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
import { synthesizedOutDir } from '../src/synth';

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

test('every skipped check still fails without its skip', () => {
  const failing = new Set(withoutSkips.failedChecks.map((c) => c.id));
  const stale = skips.filter((s) => !failing.has(s.id)).map((s) => `${s.id} (line ${s.line})`);
  expect(stale).toEqual([]);
});
