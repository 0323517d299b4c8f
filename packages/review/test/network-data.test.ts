/**
 * Network and data changes on real plans (test/fixtures, made by terraform against moto): the threat
 * TM-REVIEW-03 — a network or data change that opens the world or destroys data is never rated lower than
 * high, however it is written — and the precision and coverage promises that go with it.
 */
import { SEVERITIES } from '../src/constants';
import { formatJson } from '../src/format/json';
import { formatMarkdown } from '../src/format/markdown';
import { formatText } from '../src/format/text';
import { loadPlanFile } from '../src/plan';
import { reviewPlanCoverage, reviewPlans } from '../src/review';
import { brief, planPath, reviewFixture } from './helpers';

/** The most severe finding of a fixture's review ('none' when there is none). */
function worst(name: string): string {
  const severities = reviewFixture(planPath(name)).map((f) => f.severity);
  return SEVERITIES.find((severity) => severities.includes(severity)) ?? 'none';
}

describe('[TM-REVIEW-03] opening the world or destroying data is never rated lower than high', () => {
  test.each([
    ['net-sg-ipv6-long-zero', 'SSH from 0::/0 (::/0 written another way)'],
    ['net-sg-split-world', '0.0.0.0/1 + 128.0.0.0/1 in two rules'],
    ['net-sg-half-world', '0.0.0.0/1 alone (half the internet)'],
    ['net-sg-postgres-ipv6', 'PostgreSQL from ::/0'],
    ['net-nacl-split-ssh', 'NACL SSH from two halves'],
    ['edge-prefix-list-world', 'a prefix list gains 0.0.0.0/0'],
    ['edge-prefix-list-split', 'a prefix list gains both halves'],
    ['edge-prefix-list-entry-world', 'a prefix list entry resource adds 0.0.0.0/0'],
    ['edge-route-igw', 'a default route to the internet gateway'],
    ['edge-route-igw-ipv6', 'a 0::/0 route to the internet gateway'],
    ['edge-association-moved', 'a private subnet moved to the public route table'],
    ['edge-sg-world-moved', 'a world-open rule moved to the database group'],
    ['exposure-url-moved', 'a public URL and its permission moved to another function'],
    ['data-bucket-acl-public', 'a public-read ACL'],
    ['data-inline-policy-public', "a public statement in the bucket's inline policy"],
    ['data-pab-moved', 'a public access block moved off its bucket'],
    ['db-public', 'a database made publicly accessible'],
    ['db-snapshot-public', 'a snapshot shared with all accounts'],
  ])('[TM-REVIEW-03] %s (%s) is high', (name) => {
    expect(worst(name)).toBe('high');
  });

  test.each([
    ['data-lifecycle-expiry', 'a lifecycle rule that expires the whole bucket after a day'],
    ['data-sse-sqs-off', 'SSE-SQS turned off with no KMS key'],
    ['data-sse-key-unknown', "an existing bucket's key that may be empty after apply"],
    ['kms-log-group-key-unknown', "an existing log group's key that may be empty after apply"],
    ['audit-trail-deleted', 'the CloudTrail trail deleted'],
    ['audit-guardduty-deleted', 'the GuardDuty detector deleted'],
  ])('[TM-REVIEW-03] %s (%s) is high', (name) => {
    expect(worst(name)).toBe('high');
  });
});

describe('ranges as ranges', () => {
  test('a prefix list that gains 0.0.0.0/0 is followed to the rule that trusts it', () => {
    const findings = reviewFixture(planPath('edge-prefix-list-world'));
    const rule = findings.find((f) => f.rule === 'network.sg-open-to-world');
    expect(rule?.address).toBe('aws_vpc_security_group_ingress_rule.app_from_partners');
    expect(rule?.message).toMatch(/from 0\.0\.0\.0\/0 .*\(through prefix list review-partners\)/);
    const list = findings.find((f) => f.rule === 'network.prefix-list-widened');
    expect(list?.message).toContain('aws_vpc_security_group_ingress_rule.app_from_partners');
  });

  test('ICMP is weighed: path-MTU from the world is info, echo is low, SSH is high', () => {
    expect(reviewFixture(planPath('net-sg-icmp-pmtu')).map(brief)).toEqual([
      'info network.sg-open-to-world aws_security_group.legacy',
    ]);
    expect(reviewFixture(planPath('net-sg-icmp-echo')).map(brief)).toEqual([
      'low network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_ping',
    ]);
    const ssh = reviewFixture(planPath('net-sg-ipv6-long-zero'))[0];
    expect(ssh?.message).toContain('SSH (22)');
  });

  test('a new rule from another private range is no finding (precision)', () => {
    expect(reviewFixture(planPath('net-sg-private-peer'))).toEqual([]);
  });
});

describe('secrets in environment variables', () => {
  test('the value is named by its variable only, in every format', () => {
    for (const name of ['lambda-env-secret-value', 'lambda-env-secret-name']) {
      const report = reviewPlans([{ plan: loadPlanFile(planPath(name)), stack: name }], { failOn: 'high' });
      const finding = report.findings.find((f) => f.rule === 'lambda.secret-in-environment');
      expect(finding?.message).toMatch(/^review-worker: (UPSTREAM_ID|DB_PASSWORD) holds/);
      for (const rendered of [
        formatJson(report),
        formatMarkdown(report),
        formatText(report, { color: false }),
      ]) {
        expect(rendered).not.toContain('AKIAIOSFODNN7EXAMPLE');
        expect(rendered).not.toContain('correct-horse-battery-staple');
      }
    }
  });
});

describe('coverage: what no rule reviewed is named', () => {
  test('each rule set lists the types it inspects, and the rest of the plan is one info line', () => {
    const { inspectedByRuleSet, unreviewedTypes, findings } = reviewPlanCoverage(
      loadPlanFile(planPath('net-benign')),
      'net-benign',
    );
    expect(inspectedByRuleSet.get('reviewNetwork')).toEqual(
      expect.arrayContaining(['aws_security_group', 'aws_network_acl', 'aws_route', 'aws_flow_log']),
    );
    expect(inspectedByRuleSet.get('reviewAudit')).toEqual(
      expect.arrayContaining(['aws_cloudtrail', 'aws_guardduty_detector', 'aws_securityhub_account']),
    );
    expect(unreviewedTypes).toEqual(['aws_subnet', 'aws_vpc']);
    expect(findings.map(brief)).toEqual(['info review.unreviewed-types plan']);
    expect(findings[0]?.message).toContain('aws_vpc (aws_vpc.main)');
  });

  test('the JSON summary carries the unreviewed types per plan', () => {
    const report = reviewPlans([{ plan: loadPlanFile(planPath('kms-queue-key-unknown')), stack: 'k' }], {
      failOn: 'high',
    });
    expect(report.summary.plans[0]?.unreviewedTypes).toEqual(['terraform_data']);
  });
});
