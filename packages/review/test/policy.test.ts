/**
 * Unit tests of the policy diff and the traffic-rule helpers on small documents. The plan-level
 * behaviour is tested on real plans in fixtures.test.ts; these pin the matching semantics.
 */
import { diffPolicies } from '../src/policy/diff';
import { isNarrowed, patternCovers } from '../src/policy/match';
import { EMPTY_POLICY } from '../src/policy/model';
import { parsePolicyJson } from '../src/policy/parse';
import { cidrContains, decidingRule, type TrafficRule } from '../src/traffic';

const doc = (...statements: object[]) =>
  parsePolicyJson(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const allow = (
  action: string | string[],
  resource: string | string[] = 'arn:aws:s3:::b/*',
  extra: object = {},
) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
const kinds = (
  before: ReturnType<typeof doc>,
  after: ReturnType<typeof doc>,
  kind: 'identity' | 'bucket' = 'identity',
) => diffPolicies(before, after, { kind, holderIsNew: false }).map((d) => d.kind);

describe('patternCovers', () => {
  test.each([
    ['s3:*', 's3:GetObject', true, true],
    ['s3:*', 's3:Get*', true, true],
    ['s3:Get*', 's3:*', true, false],
    ['S3:GETOBJECT', 's3:GetObject', true, true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/in/x', false, true],
    ['arn:aws:s3:::b/in/*', 'arn:aws:s3:::b/*', false, false],
    ['arn:aws:s3:::B/*', 'arn:aws:s3:::b/x', false, false],
  ])('%s covers %s (ci %s): %s', (general, specific, ci, expected) => {
    expect(patternCovers(general, specific, ci)).toBe(expected);
  });
});

describe('diffPolicies', () => {
  test('an identical document grants nothing new', () => {
    expect(kinds(doc(allow('s3:GetObject')), doc(allow('s3:GetObject')))).toEqual([]);
  });

  test('a narrower document grants nothing new', () => {
    expect(kinds(doc(allow('s3:*')), doc(allow('s3:GetObject')))).toEqual([]);
  });

  test('actions moved between statements are still covered', () => {
    const before = doc(allow(['s3:GetObject', 's3:PutObject']));
    const after = doc(allow('s3:GetObject'), allow('s3:PutObject'));
    expect(kinds(before, after)).toEqual([]);
  });

  test('NotAction in an Allow is a wildcard action', () => {
    expect(kinds(EMPTY_POLICY, doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }))).toEqual([
      'wildcard-action',
    ]);
  });

  test('"*" on actions that support nothing narrower is not a wildcard-resource finding', () => {
    const after = doc(allow(['xray:PutTraceSegments', 'ec2:DescribeNetworkInterfaces'], '*'));
    expect(diffPolicies(EMPTY_POLICY, after, { kind: 'identity', holderIsNew: true })).toEqual([]);
    expect(kinds(EMPTY_POLICY, doc(allow('s3:GetObject', '*')))).toEqual(['wildcard-resource']);
  });

  test('a looser condition value set is a removed condition; a stricter one is not', () => {
    const cond = (values: string[]) => ({ Condition: { StringEquals: { 'aws:SourceVpce': values } } });
    const one = doc(allow('s3:GetObject', 'arn:aws:s3:::b/*', cond(['vpce-1'])));
    const two = doc(allow('s3:GetObject', 'arn:aws:s3:::b/*', cond(['vpce-1', 'vpce-2'])));
    expect(kinds(one, two)).toEqual(['condition-removed']);
    expect(kinds(two, one)).toEqual([]);
  });

  test('Principal "*" is public unless a condition ties it to an account, org or endpoint', () => {
    const statement = (condition?: object) => ({
      ...allow('s3:GetObject'),
      Principal: '*',
      ...(condition ? { Condition: condition } : {}),
    });
    expect(kinds(EMPTY_POLICY, doc(statement()), 'bucket')).toEqual(['public-principal']);
    const narrowed = doc(statement({ StringEquals: { 'aws:PrincipalOrgID': 'o-123' } }));
    expect(diffPolicies(EMPTY_POLICY, narrowed, { kind: 'bucket', holderIsNew: true })).toEqual([]);
    expect(
      isNarrowed([
        { operator: 'StringNotEquals', key: 'aws:sourceaccount', name: 'aws:SourceAccount', values: ['1'] },
      ]),
    ).toBe(false);
  });

  test('a Deny that disappears, or gains a condition, is reported', () => {
    const deny = { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' };
    expect(kinds(doc(deny), EMPTY_POLICY)).toEqual(['deny-removed']);
    const narrowed = { ...deny, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } };
    expect(kinds(doc(deny), doc(narrowed))).toEqual(['deny-removed']);
    expect(kinds(doc(narrowed), doc(deny))).toEqual([]);
  });
});

describe('traffic rules', () => {
  test.each([
    ['0.0.0.0/0', '10.0.0.0/16', true],
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.1.0/24', '10.0.0.0/16', false],
    ['10.1.0.0/16', '10.0.1.0/24', false],
    ['::/0', '2001:db8::/32', true],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });

  test('the lowest-numbered matching NACL rule decides', () => {
    const rule = (
      ruleNumber: number,
      action: 'allow' | 'deny',
      fromPort: number,
      toPort: number,
    ): TrafficRule => ({
      direction: 'ingress',
      action,
      protocol: 'tcp',
      fromPort,
      toPort,
      peer: { kind: 'cidr', value: '0.0.0.0/0' },
      ruleNumber,
      sensitive: false,
    });
    const rules = [rule(110, 'allow', 1024, 65535), rule(90, 'deny', 3389, 3389)];
    expect(decidingRule(rules, 'ingress', 3389, '0.0.0.0/0')?.action).toBe('deny');
    expect(decidingRule(rules, 'ingress', 8080, '0.0.0.0/0')?.action).toBe('allow');
    expect(decidingRule(rules, 'ingress', 22, '0.0.0.0/0')).toBeUndefined();
  });
});
