/**
 * Every rule against real plans: each fixture is `terraform show -json` of a plan that terraform 1.11.4
 * and the AWS provider 5.100.0 made against a baseline applied to moto (scripts/make-fixtures.mjs). The
 * reviewer must report exactly the expected findings, no more, no less.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEVERITY_RANK } from '../src/constants';
import { parsePlan } from '../src/plan';
import { reviewPlan } from '../src/review';
import { RULE_IDS } from '../src/rules/catalog';
import { brief, PACKAGE_DIR, planPath, readManifest, reviewFixture, SHIPPED_DIR } from './helpers';

const manifest = readManifest();

/** Each case's expected findings, written into the manifest by the generator from the case files. */
const EXPECTED: Record<string, readonly string[]> = Object.fromEntries(
  manifest.cases.map((c) => [c.name, c.expect]),
);

/** The case files as the generator reads them (ES modules, so read by node rather than by jest). */
function casesFromSource(): { name: string; expect: string[]; benign: boolean }[] {
  const script =
    "const { GROUPS } = await import('./scripts/fixture-cases.mjs');" +
    'console.log(JSON.stringify(GROUPS.flatMap((g) => g.cases.map((c) => ({ name: c.name, expect: [...c.expect].sort(), benign: c.benign === true })))));';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
  });
  return JSON.parse(out) as { name: string; expect: string[]; benign: boolean }[];
}

describe('plan fixtures made by terraform (scripts/make-fixtures.mjs)', () => {
  test('the manifest carries exactly the cases and expectations of the case files', () => {
    const fromSource = casesFromSource();
    expect(
      manifest.cases.map((c) => ({ name: c.name, expect: [...c.expect].sort(), benign: c.benign === true })),
    ).toEqual(fromSource);
  });

  test.each(manifest.cases.map((c) => [c.name, c] as const))('%s', (name, fixture) => {
    const findings = reviewFixture(planPath(name));
    expect(findings.map(brief).sort()).toEqual([...fixture.expect].sort());
    // The plan holds exactly the change the case describes (the generator checked it; keep it visible here).
    const plan = JSON.parse(readFileSync(planPath(name), 'utf8')) as {
      resource_changes?: { address: string; mode: string; change: { actions: string[] } }[];
    };
    const changed = (plan.resource_changes ?? [])
      .filter((rc) => rc.mode === 'managed' && !rc.change.actions.every((a) => a === 'no-op' || a === 'read'))
      .map((rc) => rc.address)
      .sort();
    expect(changed).toEqual([...fixture.changes].sort());
  });

  test('recall and precision over the corpus are 100%', () => {
    let expectedCount = 0;
    let reportedCount = 0;
    let matched = 0;
    for (const c of manifest.cases) {
      const reported = reviewFixture(planPath(c.name)).map(brief);
      const remaining = [...reported];
      for (const line of c.expect) {
        const at = remaining.indexOf(line);
        if (at >= 0) {
          matched += 1;
          remaining.splice(at, 1);
        }
      }
      expectedCount += c.expect.length;
      reportedCount += reported.length;
    }
    const recall = expectedCount === 0 ? 1 : matched / expectedCount;
    const precision = reportedCount === 0 ? 1 : matched / reportedCount;
    const benign = manifest.cases.filter((c) => c.benign).length;
    console.log(
      `review corpus: ${manifest.cases.length} cases (${benign} benign), ${expectedCount} expected findings, ` +
        `${reportedCount} reported; recall ${(recall * 100).toFixed(1)}%, precision ${(precision * 100).toFixed(1)}%`,
    );
    const byClass = new Map<string, number>();
    for (const c of manifest.cases)
      byClass.set(c.class ?? 'regression', (byClass.get(c.class ?? 'regression') ?? 0) + 1);
    console.log(`review corpus by class: ${[...byClass].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect({ recall, precision }).toEqual({ recall: 1, precision: 1 });
  });

  test('every rule id is exercised by at least one fixture', () => {
    const covered = new Set(
      Object.values(EXPECTED).flatMap((list) => list.map((line) => line.split(' ')[1])),
    );
    expect(RULE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  test('benign changes give nothing above info', () => {
    const benign = manifest.cases.filter((c) => c.benign);
    expect(benign.length).toBeGreaterThan(0);
    for (const { name } of benign) {
      const worst = reviewFixture(planPath(name)).filter(
        (f) => SEVERITY_RANK[f.severity] > SEVERITY_RANK.info,
      );
      expect({ name, worst }).toEqual({ name, worst: [] });
    }
  });

  test('fixtures that needed a state patch say so in the manifest (emulator gaps only)', () => {
    const patched = manifest.cases.filter((c) => c.statePatches.length > 0);
    expect(new Set(patched.map((c) => c.group))).toEqual(new Set(['kms', 'lambda']));
    for (const c of patched) {
      for (const patch of c.statePatches) expect(patch).toMatch(/moto/);
    }
    expect(manifest).toMatchObject({ terraform: '1.11.4', awsProvider: '5.100.0' });
  });
});

describe('what the findings say', () => {
  test('a widened policy names the new action and shows the statement before and after', () => {
    const [finding] = reviewFixture(planPath('iam-action-added'));
    expect(finding?.message).toContain('s3:PutObject on arn:aws:s3:::review-input/in/*');
    expect(finding?.before).toMatchObject({ Sid: 'ReadInput', Action: ['s3:GetObject'] });
    expect(finding?.after).toMatchObject({ Sid: 'ReadInput', Action: ['s3:GetObject', 's3:PutObject'] });
  });

  test('a removed condition is named', () => {
    const [finding] = reviewFixture(planPath('iam-condition-removed'));
    expect(finding?.message).toContain('loses the condition(s): StringEquals kms:ViaService');
  });

  test('a policy known only after apply is judged from its aws_iam_policy_document, and the rest is reported', () => {
    const findings = reviewFixture(planPath('iam-document-unknown'));
    const widened = findings.find((f) => f.rule === 'iam.policy-widened');
    expect(widened?.message).toContain('iam:PassRole on (known after apply)');
    const unknown = findings.find((f) => f.rule === 'review.unknown-until-apply');
    expect(unknown?.message).toMatch(
      /^cannot judge until apply: policy: statement "PassWorkerRole": Resource/,
    );
    expect(JSON.stringify(unknown?.after)).toContain('(known after apply)');
  });

  test('the NACL deny removal names the port and the rule that now lets it in', () => {
    const [finding] = reviewFixture(planPath('net-nacl-deny-removed'));
    expect(finding?.message).toMatch(
      /^port 3389 from 0\.0\.0\.0\/0 is now allowed by ingress tcp 1024-65535/,
    );
  });

  test('a destroyed bucket is reported once, not once per setting destroyed with it', () => {
    expect(reviewFixture(planPath('data-bucket-destroyed')).map((f) => f.address)).toEqual([
      'aws_s3_bucket.logs',
    ]);
  });
});

describe('[TM-SIGN-01] code loaded outside the signed zip', () => {
  test('[TM-SIGN-01] an added NODE_OPTIONS=--import=data:... is high, named without its value', () => {
    const [finding] = reviewFixture(planPath('lambda-code-loading-env')).filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toMatch(/^review-api: NODE_OPTIONS added to a value outside the allow-list/);
    expect(finding?.after).toEqual(['NODE_OPTIONS added']);
    expect(JSON.stringify(finding)).not.toMatch(/data:text|injected/);
  });

  test('[TM-SIGN-01] at create, where the plan hides the whole map, the configuration still names the variables', () => {
    // The shipped dev plan (a real plan of this repository's stack) with an exec wrapper and an
    // --import added to the crypto API's configuration: a plan JSON change, since the shipped plans
    // come from the real stacks rather than from the fixture generator.
    const plan = JSON.parse(readFileSync(path.join(SHIPPED_DIR, 'secure-lambda-dev.json'), 'utf8'));
    const fn = plan.configuration.root_module.resources.find((r: { address: string }) =>
      r.address.startsWith('aws_lambda_function.crypto-api_function_'),
    );
    const variables = fn.expressions.environment[0].variables.constant_value;
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const clean = reviewPlan(parsePlan(JSON.stringify(plan), 'dev.json'), 'dev');
    expect(clean.filter((f) => f.rule === 'lambda.code-loading-config')).toEqual([]);

    variables.NODE_OPTIONS = '--enable-source-maps --import=data:text/javascript,void 0';
    variables.AWS_LAMBDA_EXEC_WRAPPER = '/opt/wrapper.sh';
    const findings = reviewPlan(parsePlan(JSON.stringify(plan), 'dev.json'), 'dev').filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(findings.map(brief)).toEqual([`high lambda.code-loading-config ${fn.address}`]);
    expect(findings[0]?.after).toEqual(['AWS_LAMBDA_EXEC_WRAPPER added', 'NODE_OPTIONS added']);
  });

  test('[TM-SIGN-01] a new layer is high and names the layer', () => {
    const [finding] = reviewFixture(planPath('lambda-layer-added')).filter(
      (f) => f.rule === 'lambda.code-loading-config',
    );
    expect(finding).toMatchObject({ severity: 'high', before: [] });
    expect(finding?.message).toMatch(
      /gains layer\(s\) arn:aws:lambda:us-east-1:123456789012:layer:shared-helpers:3/,
    );
  });
});

describe('README', () => {
  const readme = readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
  test.each(RULE_IDS.map((id) => [id]))('documents %s', (id) => {
    expect(readme).toContain(`\`${id}\``);
  });
});

describe('[TM-ID-05] direct invokes of a function behind a Function URL', () => {
  test('[TM-ID-05] a role policy allowing lambda:InvokeFunction without InvokedViaFunctionUrl is high and names the function', () => {
    for (const name of ['lambda-url-direct-invoke-policy', 'lambda-url-direct-invoke-wildcard']) {
      const [finding] = reviewFixture(planPath(name)).filter((f) => f.rule === 'lambda.url-direct-invoke');
      expect(finding).toMatchObject({ severity: 'high', after: ['review-api'] });
      expect(finding?.message).toMatch(
        /^allows lambda:InvokeFunction on review-api \(behind a Function URL\)/,
      );
    }
  });

  test('[TM-ID-05] a resource-based permission to invoke it is high: it cannot carry the condition', () => {
    const [finding] = reviewFixture(planPath('lambda-url-direct-invoke-permission')).filter(
      (f) => f.rule === 'lambda.url-direct-invoke',
    );
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toContain(
      'to arn:aws:iam::123456789012:role/caller as a resource-based permission',
    );
  });

  test('[TM-ID-05] a deployment hook (its policy reports lifecycle hook status) is shown as medium, not hidden', () => {
    const plan = JSON.parse(readFileSync(planPath('lambda-url-direct-invoke-policy'), 'utf8'));
    const rc = plan.resource_changes.find(
      (r: { address: string }) => r.address === 'aws_iam_role_policy.caller',
    );
    const doc = JSON.parse(rc.change.after.policy);
    doc.Statement.push({
      Sid: 'ReportHookStatus',
      Effect: 'Allow',
      Action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
      Resource: '*',
    });
    rc.change.after.policy = JSON.stringify(doc);
    const findings = reviewPlan(parsePlan(JSON.stringify(plan), 'hook.json'), 'hook').filter(
      (f) => f.rule === 'lambda.url-direct-invoke',
    );
    expect(findings.map(brief)).toEqual(['medium lambda.url-direct-invoke aws_iam_role_policy.caller']);
    expect(findings[0]?.message).toContain("deployment hook's smoke test");
  });

  test('[TM-ID-05] the same grant with Bool lambda:InvokedViaFunctionUrl = true opens no direct path', () => {
    const findings = reviewFixture(planPath('lambda-url-invoke-via-url-only'));
    expect(findings.filter((f) => f.rule === 'lambda.url-direct-invoke')).toEqual([]);
  });
});
