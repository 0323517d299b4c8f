/**
 * [TM-REVIEW-02] Policies are judged by what they allow, not by how they read: wildcards by their
 * expansion, conditions by their semantics (simulated), the account root covering its roles, and new
 * roles judged by who can assume them.
 */
import { diffPolicies } from '../src/policy/diff';
import { EMPTY_POLICY } from '../src/policy/model';
import { parsePolicyJson } from '../src/policy/parse';
import { isAdminLike } from '../src/rules/iam';
import { brief, planPath, readManifest, reviewFixture } from './helpers';

const doc = (...statements: object[]) =>
  parsePolicyJson(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const allow = (action: string | string[], resource: string | string[], extra: object = {}) => ({
  Effect: 'Allow',
  Action: action,
  Resource: resource,
  ...extra,
});
type Kind = 'identity' | 'bucket' | 'trust';
const created = (after: ReturnType<typeof doc>, kind: Kind = 'identity') =>
  diffPolicies(EMPTY_POLICY, after, { kind, holderIsNew: true }).map((d) => d.kind);
const changed = (before: ReturnType<typeof doc>, after: ReturnType<typeof doc>, kind: Kind = 'identity') =>
  diffPolicies(before, after, { kind, holderIsNew: false }).map((d) => d.kind);

describe('[TM-REVIEW-02] wildcards by meaning', () => {
  test.each([
    ['iam:?*', 'arn:aws:iam::123456789012:role/app'],
    ['s3:*Object*', 'arn:aws:s3:::b/*'],
  ])('%s is recognised by its expansion', (action, resource) => {
    expect(created(doc(allow(action, resource)))).toContain('wildcard-action');
  });

  test.each([
    ['s3:GetObject', 'arn:aws:s3:::*'],
    ['s3:GetObject', 'arn:aws:s3:::*/*'],
    ['secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:*'],
    ['dynamodb:Scan', 'arn:aws:dynamodb:us-east-1:123456789012:table/*'],
  ])('%s on %s covers a whole resource type', (action, resource) => {
    expect(created(doc(allow(action, resource)))).toEqual(['wildcard-resource']);
  });

  test.each([
    ['iam:PassRole', 'arn:aws:iam::123456789012:role/*'],
    ['iam:CreatePolicyVersion', 'arn:aws:iam::123456789012:policy/app'],
    ['iam:PutRolePolicy', 'arn:aws:iam::123456789012:role/app'],
    ['iam:CreateAccessKey', 'arn:aws:iam::123456789012:user/*'],
    ['lambda:UpdateFunctionCode', 'arn:aws:lambda:us-east-1:123456789012:function:*'],
  ])('%s on %s is privilege escalation', (action, resource) => {
    expect(created(doc(allow(action, resource)))).toEqual(['privilege-escalation']);
  });

  test('ecr:GetAuthorizationToken on "*" is fine: the action has no resource-level permission', () => {
    expect(created(doc(allow('ecr:GetAuthorizationToken', '*')))).toEqual([]);
  });

  test('a narrow read is not escalation', () => {
    expect(created(doc(allow('s3:GetObject', 'arn:aws:s3:::b/in/*')))).toEqual([]);
  });
});

describe('[TM-REVIEW-02] conditions by semantics', () => {
  const publicRead = (condition: object) =>
    doc({ ...allow('s3:GetObject', 'arn:aws:s3:::b/*'), Principal: '*', Condition: condition });
  test.each([
    [{ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }],
    [{ Null: { 'aws:SourceVpce': 'true' } }],
    [{ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }],
    [{ StringLike: { 'aws:PrincipalOrgID': '*' } }],
  ])('%j does not narrow Principal "*"', (condition) => {
    expect(created(publicRead(condition), 'bucket')).toEqual(['public-principal']);
  });

  test.each([
    [{ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }],
    [{ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }],
    [{ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
  ])('%j narrows Principal "*"', (condition) => {
    expect(created(publicRead(condition), 'bucket')).toEqual([]);
  });

  test('a TLS deny rewritten from Bool to BoolIfExists is not a removal', () => {
    const tls = (operator: string) => ({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { [operator]: { 'aws:SecureTransport': 'false' } },
    });
    expect(changed(doc(tls('Bool')), doc(tls('BoolIfExists')), 'bucket')).toEqual([]);
  });

  test('StringEquals rewritten as StringLike with the same literal values is not a loosened condition', () => {
    const cond = (operator: string) => ({
      Condition: { [operator]: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    const key = 'arn:aws:kms:us-east-1:123456789012:key/k';
    expect(
      changed(
        doc(allow('kms:Decrypt', key, cond('StringEquals'))),
        doc(allow('kms:Decrypt', key, cond('StringLike'))),
      ),
    ).toEqual([]);
  });
});

describe('[TM-REVIEW-02] trust policies', () => {
  const trust = (principal: object, condition?: object) =>
    doc({
      Effect: 'Allow',
      Principal: principal,
      Action: principal && 'Federated' in principal ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    });
  const oidc = { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' };

  test('narrowing the account root to one role of the account widens nothing', () => {
    expect(
      changed(
        trust({ AWS: 'arn:aws:iam::123456789012:root' }),
        trust({ AWS: 'arn:aws:iam::123456789012:role/deployer' }),
        'trust',
      ),
    ).toEqual([]);
  });

  test('a new role assumable from GitHub OIDC with only an aud condition is flagged', () => {
    const audOnly = trust(oidc, {
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    });
    expect(created(audOnly, 'trust')).toEqual(['unscoped-federation']);
    const pinned = trust(oidc, {
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:org/app:ref:refs/heads/main',
      },
    });
    expect(created(pinned, 'trust')).toEqual([]);
  });

  test('a new role assumable from a foreign account without an external id is flagged', () => {
    expect(created(trust({ AWS: 'arn:aws:iam::999999999999:root' }), 'trust')).toEqual(['foreign-principal']);
    expect(
      created(
        trust({ AWS: 'arn:aws:iam::999999999999:root' }, { StringEquals: { 'sts:ExternalId': 'x-1' } }),
        'trust',
      ),
    ).toEqual([]);
  });
});

describe('[TM-REVIEW-02] tables', () => {
  test.each([
    'arn:aws:iam::aws:policy/AWSLambda_FullAccess',
    'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    'arn:aws:iam::aws:policy/AdministratorAccess',
  ])('%s is administrator-like', (arn) => {
    expect(isAdminLike(arn)).toBe(true);
  });
});

describe('[TM-REVIEW-02] on real plans of IAM changes (the iam and iam-semantics fixture groups)', () => {
  const manifest = readManifest();
  const iamCases = manifest.cases.filter((c) => c.group === 'iam' || c.group === 'iam-semantics');

  test('[TM-REVIEW-02] an IAM change a careful reviewer rates high is never rated lower', () => {
    const expectedHigh = iamCases.flatMap((c) =>
      c.expect.filter((line) => line.startsWith('high ')).map((line) => ({ name: c.name, line })),
    );
    expect(expectedHigh.length).toBeGreaterThanOrEqual(40);
    const missed = expectedHigh.filter(
      ({ name, line }) => !reviewFixture(planPath(name)).map(brief).includes(line),
    );
    expect(missed).toEqual([]);
  });

  test('[TM-REVIEW-02] benign IAM rewrites (reordered, renamed, equivalent operators, narrowed trust) stay at info or below', () => {
    const benign = iamCases.filter((c) => c.benign);
    expect(benign.length).toBeGreaterThanOrEqual(10);
    for (const { name } of benign) {
      const above = reviewFixture(planPath(name)).filter((f) => f.severity !== 'info');
      expect({ name, above }).toEqual({ name, above: [] });
    }
  });

  test('a new policy on an existing role whose whole document is unknown is high, not low', () => {
    const [finding] = reviewFixture(planPath('iamx-new-policy-unknown-document'));
    expect(finding).toMatchObject({ severity: 'high', rule: 'review.unknown-until-apply' });
  });

  test('a moved policy names the old and the new holder', () => {
    const messages = reviewFixture(planPath('iamx-move-role-policy')).map((f) => f.message);
    expect(messages.join('\n')).toMatch(/moves from role review-app to role review-other/);
    expect(messages.join('\n')).toMatch(/role review-app loses: policy statement "NeverDelete"/);
  });
});
