/**
 * The repository's own stacks: a fresh create of dev and prod (cdktf.out/plans from `npm run synth` and
 * `node scripts/plan.mjs`, copied by `make-fixtures.mjs --shipped`) must give no high finding, must explain
 * the NACL's 0.0.0.0/0 rules, and must say "cannot judge until apply" where documents are unknown.
 */
import path from 'node:path';
import { brief, reviewFixture, SHIPPED_DIR } from './helpers';

describe.each(['secure-lambda-dev', 'secure-lambda-prod'])('%s, created from nothing', (stack) => {
  const findings = reviewFixture(path.join(SHIPPED_DIR, `${stack}.json`), stack);

  test('has no high finding', () => {
    expect(findings.filter((f) => f.severity === 'high')).toEqual([]);
  });

  test('reports the NACL rules to 0.0.0.0/0 with their reason: ephemeral ingress medium, HTTPS egress low', () => {
    const nacl = findings.filter((f) => f.rule === 'network.nacl-open-to-world');
    expect(nacl.map((f) => f.severity).sort()).toEqual(['low', 'medium']);
    const ingress = nacl.find((f) => f.severity === 'medium');
    expect(ingress?.message).toMatch(
      /^ingress tcp 1024-65535 from 0\.0\.0\.0\/0 \(rule \d+\): NACLs are stateless/,
    );
    expect(ingress?.message).toContain('Admin ports are denied first (3389 by rule');
    expect(ingress?.message).toContain('this stack has no internet or NAT gateway');
    const egress = nacl.find((f) => f.severity === 'low');
    expect(egress?.message).toMatch(/^egress tcp 443 to 0\.0\.0\.0\/0 \(rule \d+\): HTTPS to any address/);
  });

  test('says "cannot judge until apply" for the documents that name resources not created yet', () => {
    const unknown = findings.filter((f) => f.rule === 'review.unknown-until-apply');
    expect(unknown.length).toBeGreaterThan(0);
    for (const finding of unknown) {
      expect(finding.severity).toBe('low');
      expect(finding.message).toMatch(/^cannot judge until apply: policy: statement "/);
    }
    const types = new Set(unknown.map((f) => f.address.split('.')[0]));
    expect(types).toEqual(new Set(['aws_iam_role_policy', 'aws_s3_bucket_policy']));
  });

  test("[TM-ID-05] in prod, the deployment hook's direct invoke of the URL-fronted crypto API is shown as medium", () => {
    const direct = findings.filter((f) => f.rule === 'lambda.url-direct-invoke');
    if (stack === 'secure-lambda-dev') {
      expect(direct).toEqual([]); // no canary in dev, so no hook
      return;
    }
    expect(direct.map(brief)).toEqual([
      expect.stringMatching(
        /^medium lambda\.url-direct-invoke aws_iam_role_policy\.deployment-hook_role-policy_/,
      ),
    ]);
    expect(direct[0]?.after).toEqual(['secure-lambda-prod-crypto-api']);
  });

  test('reports nothing else', () => {
    const other = findings.filter(
      (f) =>
        f.rule !== 'review.unknown-until-apply' &&
        f.rule !== 'network.nacl-open-to-world' &&
        f.rule !== 'lambda.url-direct-invoke' &&
        // One info line naming the types no rule inspects (route53 resolver, CodeDeploy, ...): visible, not a finding.
        !(f.rule === 'review.unreviewed-types' && f.severity === 'info'),
    );
    expect(other.map(brief)).toEqual([]);
  });
});
