/**
 * Offline Terraform: every synthesized stack passes `terraform validate` and `terraform plan` with stub
 * credentials and the AWS provider from the local mirror (@secure-lambda/terraform, what `npm run plan`
 * runs), and the plan's `terraform show -json` is kept in cdktf.out/plans/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  applyAcceptedRisks,
  collectPlanFiles,
  loadAcceptedRisks,
  readPlans,
  reviewPlans,
} from '@secure-lambda/review';
import { type PlanResult, planStacks } from '@secure-lambda/terraform';
import { synthesizedOutDir, synthesizedStacks } from '../src/synth';
import { REPO_ROOT } from '../src/terraform-json';

/** The stacks the repository's app must produce; another app (SECURE_LAMBDA_SYNTH_DIR) names its own. */
const EXPECTED_STACKS = (process.env.SECURE_LAMBDA_EXPECTED_STACKS ?? 'secure-lambda-dev,secure-lambda-prod')
  .split(',')
  .filter(Boolean);

const PLAN_TIMEOUT_MS = 600_000;

const outDir = synthesizedOutDir();
const stacks = synthesizedStacks(outDir);
let results: PlanResult[] = [];

beforeAll(async () => {
  results = await planStacks({ outDir });
  for (const result of results) {
    if (result.ok) {
      const { init, validate, plan, show, total } = result.timings;
      console.log(
        `${result.stack}: ${result.counts.add} to add; init ${init} s, validate ${validate} s, plan ${plan} s, ` +
          `show ${show} s, total ${total} s`,
      );
    }
  }
}, PLAN_TIMEOUT_MS);

function resultFor(stack: string): PlanResult {
  const result = results.find((r) => r.stack === stack);
  expect(result).toBeDefined();
  return result as PlanResult;
}

test('the app synthesizes the expected stacks', () => {
  expect(stacks).toEqual(expect.arrayContaining(EXPECTED_STACKS));
});

describe.each(stacks)('stack %s', (stack) => {
  test('validates and plans offline', () => {
    const result = resultFor(stack);
    // On failure the diff shows the error: the step ("terraform validate", ...) and terraform's diagnostics.
    expect(result).toMatchObject({ ok: true, stack });
  });

  test('plans to create resources and keeps the plan JSON', () => {
    const result = resultFor(stack);
    expect(result.ok).toBe(true); // the test above shows why not
    if (!result.ok) return;
    expect(result.counts.add).toBeGreaterThan(0);
    expect(result.planJsonPath).toBe(path.join(outDir, 'plans', `${stack}.json`));

    const plan = JSON.parse(readFileSync(result.planJsonPath, 'utf8')) as {
      format_version: string;
      terraform_version: string;
      resource_changes?: { address: string; change: { actions: string[] } }[];
    };
    expect(plan.terraform_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(plan.resource_changes?.length ?? 0).toBeGreaterThan(0);
    const creates = plan.resource_changes?.filter((c) => c.change.actions.join(',') === 'create') ?? [];
    expect(creates).toHaveLength(result.counts.add);
  });

  test('leaves the synthesized stack directory as cdktf wrote it', () => {
    // cdktf deploy runs terraform in this directory; the plan lane's override must never reach it.
    const entries = readdirSync(path.join(outDir, 'stacks', stack));
    expect(entries).not.toContain('zz_plan_override.tf.json');
    expect(entries).not.toContain('.terraform');
    expect(existsSync(path.join(outDir, 'plan-work', stack, 'zz_plan_override.tf.json'))).toBe(true);
  });
});

test('the security review of a fresh create of every stack has no high finding (what npm run plan enforces)', () => {
  const plans = results.filter((r) => r.ok).map((r) => (r.ok ? r.planJsonPath : ''));
  expect(plans).toHaveLength(stacks.length);
  // In-process, as the plan command reviews, with the repository's accepted risks (each with its reason and
  // expiry: the CI deploy role's inherent ones, proven bounded by bootstrap-iam-simulation.test.ts).
  const { plans: read, skipped } = readPlans(collectPlanFiles(plans));
  expect(skipped).toEqual([]);
  const now = new Date();
  const risks = loadAcceptedRisks(path.join(REPO_ROOT, '.secure-lambda-review.json'), {
    now,
    optional: true,
  });
  const report = applyAcceptedRisks(reviewPlans(read, { failOn: 'high', skipped }), risks, { now });
  const high = report.findings
    .filter((f) => f.severity === 'high' && !f.accepted)
    .map((f) => `${f.rule} ${f.address}`);
  expect({ failed: report.summary.failed, high }).toEqual({ failed: false, high: [] });
  console.log(
    `review: ${report.findings.length} finding(s) over ${plans.length} plan(s): ` +
      ['high', 'medium', 'low', 'info']
        .map((s) => `${s} ${report.findings.filter((f) => f.severity === s).length}`)
        .join(', '),
  );
});
