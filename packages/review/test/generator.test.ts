/**
 * The committed fixtures must stay reproducible: this regenerates one case live (moto, terraform apply
 * of its baseline, plan -refresh=false, show -json; about 25 s alone) and checks the reviewer finds the same in
 * the new plan as in the committed one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { brief, PACKAGE_DIR, planPath, reviewFixture } from './helpers';

const execFileAsync = promisify(execFile);
const CASE = 'logging-retention-lowered';

let out: string;

beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'review-generator-'));
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

test(`scripts/make-fixtures.mjs regenerates ${CASE} with the same findings`, async () => {
  const { stdout } = await execFileAsync(
    process.execPath,
    [path.join(PACKAGE_DIR, 'scripts', 'make-fixtures.mjs'), '--case', CASE, '--out', out],
    // About 23 s alone; 84 s inside a normal CI run and over 110 s in one under load (2 cores shared
    // with every other workspace's tests). The timeout only stops a hung run; it is not a speed target.
    { cwd: PACKAGE_DIR, timeout: 280_000 },
  );
  expect(stdout).toContain(`${CASE}: aws_cloudwatch_log_group.app`);
  expect(readdirSync(out)).toEqual([`${CASE}.json`]);
  const fresh = reviewFixture(path.join(out, `${CASE}.json`), CASE).map(brief);
  expect(fresh).toEqual(reviewFixture(planPath(CASE)).map(brief));
  expect(fresh).toEqual(['medium logging.retention-lowered aws_cloudwatch_log_group.app']);
}, 300_000);
