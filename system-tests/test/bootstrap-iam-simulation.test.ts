/**
 * The CI roles of every bootstrap stack, judged by the IAM simulator (@cloud-copilot/iam-simulate) on the
 * synthesized policies: who may assume them (the trust policies against GitHub's OIDC claims), that the plan role
 * holds none of the deploy role's writes, that neither reaches IAM outside the platform's prefix, that
 * iam:PassRole goes only to the platform's roles and their services, and that the state's key and bucket are out
 * of the deploy role's reach. Each describe prints its figures.
 */
import {
  type CiRole,
  ciRoles,
  concrete,
  decide,
  policyOfResource,
  bootstrapResourcePolicies as resourcePoliciesOf,
  satisfying,
  stackAccount,
} from '../src/bootstrap-policies';
import type { IamStatement, ResourcePolicy } from '../src/iam-policies';
import { synthesizedOutDir } from '../src/synth';
import { loadBootstrapStacks, resourcesOf, type SynthesizedStack } from '../src/terraform-json';

const REPO = 'example-org/secure-lambda';
const stacks = loadBootstrapStacks(synthesizedOutDir());

test('the app synthesizes a bootstrap stack per environment', () => {
  expect(stacks.map((s) => s.name)).toEqual(['secure-lambda-bootstrap-dev', 'secure-lambda-bootstrap-prod']);
});

function rolesOf(stack: SynthesizedStack) {
  const env = stack.name.replace('secure-lambda-bootstrap-', '');
  const roles = ciRoles(stack);
  const plan = roles.get(`secure-lambda-ci-${env}-plan`);
  const deploy = roles.get(`secure-lambda-ci-${env}-deploy`);
  if (!plan || !deploy) throw new Error(`${stack.name}: the plan or deploy role is missing`);
  return { env, plan, deploy, ...stackAccount(stack) };
}

/** A read is Get/Describe/List/Head; everything else (kms:Decrypt included) counts as a write here. */
const isRead = (action: string) => /^[a-z0-9-]+:(Get|Describe|List|Head)/.test(action);

describe.each(stacks.map((s) => [s.name, s] as const))('%s trust policies', (_name, stack) => {
  const { env, plan, deploy, account } = rolesOf(stack);
  const provider = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  const claims = {
    'pull request': `repo:${REPO}:pull_request`,
    'push to main': `repo:${REPO}:ref:refs/heads/main`,
    'push to another branch': `repo:${REPO}:ref:refs/heads/feature-x`,
    'tag v1.0.0': `repo:${REPO}:ref:refs/tags/v1.0.0`,
    'job in the dev environment': `repo:${REPO}:environment:dev`,
    'job in the prod environment': `repo:${REPO}:environment:prod`,
    'pull request of a fork': 'repo:someone-else/secure-lambda:pull_request',
    'push to main of another repository': 'repo:example-org/secure-lambda-fork:ref:refs/heads/main',
    'repository name as a prefix': `repo:${REPO}-evil:pull_request`,
  } as const;
  const assume = (role: CiRole, sub: string, options: { aud?: string; principal?: string } = {}) =>
    decide({
      principal: options.principal ?? provider,
      statements: [],
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: role.arn,
      account,
      resourcePolicy: role.trust,
      context: {
        'token.actions.githubusercontent.com:sub': sub,
        'token.actions.githubusercontent.com:aud': options.aud ?? 'sts.amazonaws.com',
      },
    });

  test('only the intended subjects may assume each role', async () => {
    const expected = (role: 'plan' | 'deploy', what: keyof typeof claims): boolean =>
      role === 'plan'
        ? what === 'pull request'
        : env === 'prod'
          ? what === 'job in the prod environment'
          : what === 'push to main' || what === 'job in the dev environment';
    const table: string[] = [];
    const wrong: string[] = [];
    for (const [what, sub] of Object.entries(claims) as [keyof typeof claims, string][]) {
      const row: string[] = [];
      for (const [kind, role] of [
        ['plan', plan],
        ['deploy', deploy],
      ] as const) {
        const decision = await assume(role, sub);
        row.push(`${kind} ${decision === 'Allowed' ? 'ALLOWED' : 'denied'}`);
        if ((decision === 'Allowed') !== expected(kind, what)) wrong.push(`${kind} <- ${what}: ${decision}`);
      }
      table.push(`  ${what.padEnd(36)} ${sub.padEnd(58)} ${row.join('  ')}`);
    }
    console.log(`${stack.name}: sts:AssumeRoleWithWebIdentity\n${table.join('\n')}`);
    expect(wrong).toEqual([]);
  });

  test('a token for another audience, or from another identity provider, is refused', async () => {
    const results = [
      await assume(plan, claims['pull request'], { aud: 'https://github.com/example-org' }),
      await assume(deploy, `repo:${REPO}:environment:${env}`, { aud: 'https://github.com/example-org' }),
      await assume(plan, claims['pull request'], {
        principal: `arn:aws:iam::${account}:oidc-provider/token.example.com`,
      }),
    ];
    expect(results).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });
});

describe.each(stacks.map((s) => [s.name, s] as const))(
  '%s: the plan role against the deploy role',
  (_name, stack) => {
    const { plan, deploy, account } = rolesOf(stack);
    const resources = resourcePoliciesOf(stack);
    const policyFor = (resource: string): ResourcePolicy | undefined =>
      policyOfResource(resources, resource, account);
    const ask = (role: CiRole, action: string, resource: string, context: Record<string, string>) =>
      decide({
        principal: role.arn,
        statements: role.statements,
        action,
        resource,
        account,
        context: { 'aws:PrincipalArn': role.arn, ...context },
        ...(policyFor(resource) ? { resourcePolicy: policyFor(resource)! } : {}),
      });
    /** What the plan role writes on purpose: the lock object beside the state, and the key to encrypt it. */
    const lockObject = (r: string) => r.endsWith('.tfstate.tflock');
    const stateKeyUse = (s: IamStatement) =>
      s.Sid === 'StateKeyReadWrite' ||
      s.Sid === 'StateKeyRead' ||
      Boolean(s.Condition?.StringEquals?.['kms:ViaService']);

    test('the deploy role may make each of its writes, and the plan role none of them', async () => {
      const writes = deploy.statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) =>
          s.Action.filter((a) => !isRead(a)).flatMap((action) =>
            s.Resource.map((r) => ({ action, resource: concrete(r), context: satisfying(s), statement: s })),
          ),
        );
      const deployRefused: string[] = [];
      const planAllowed: string[] = [];
      const allowedActions = new Set<string>();
      let planChecked = 0;
      for (const w of writes) {
        const forDeploy = await ask(deploy, w.action, w.resource, w.context);
        if (forDeploy === 'NotApplicable') continue;
        if (forDeploy === 'Allowed') allowedActions.add(w.action);
        else deployRefused.push(`${w.action} ${w.resource} -> ${forDeploy}`);
        // Deliberate: the lock object, and kms:Decrypt/GenerateDataKey through a service for the state and
        // for reading configuration back (Lambda environment, Scheduler payloads). Everything else is refused.
        const deliberate =
          lockObject(w.resource) ||
          (['kms:Decrypt', 'kms:GenerateDataKey'].includes(w.action) && stateKeyUse(w.statement));
        if (deliberate) continue;
        planChecked += 1;
        if ((await ask(plan, w.action, w.resource, w.context)) === 'Allowed') {
          planAllowed.push(`${w.action} ${w.resource}`);
        }
      }
      const actions = new Set(writes.map((w) => w.action));
      console.log(
        `${stack.name}: deploy role: ${allowedActions.size} write actions allowed on their resources ` +
          `(${deployRefused.length} refused); plan role: ${planChecked} of those requests checked, ` +
          `${planAllowed.length} allowed`,
      );
      expect(deployRefused).toEqual([]);
      expect([...actions].filter((a) => !allowedActions.has(a))).toEqual([]);
      expect(planChecked).toBeGreaterThan(150);
      expect(planAllowed).toEqual([]);
    });

    test('the plan role reads the state and writes only its lock object', async () => {
      const bucket = resourcesOf(stack, 'aws_s3_bucket')[0]![1].bucket as string;
      const stateKey =
        (stack.json.output?.['platform-backend']?.value as { key?: string } | undefined)?.key ?? '';
      const state = `arn:aws:s3:::${bucket}/${stateKey}`;
      const results = {
        readState: await ask(plan, 's3:GetObject', state, {}),
        writeState: await ask(plan, 's3:PutObject', state, {}),
        deleteState: await ask(plan, 's3:DeleteObject', state, {}),
        writeLock: await ask(plan, 's3:PutObject', `${state}.tflock`, {}),
        deleteLock: await ask(plan, 's3:DeleteObject', `${state}.tflock`, {}),
        writeOtherKey: await ask(plan, 's3:PutObject', `arn:aws:s3:::${bucket}/platform/other.tfstate`, {}),
        readBootstrapState: await ask(
          plan,
          's3:GetObject',
          `arn:aws:s3:::${bucket}/bootstrap/${stack.name}.tfstate`,
          {},
        ),
        deployWritesState: await ask(deploy, 's3:PutObject', state, {}),
        deployReadsBootstrapState: await ask(
          deploy,
          's3:GetObject',
          `arn:aws:s3:::${bucket}/bootstrap/${stack.name}.tfstate`,
          {},
        ),
      };
      expect(results).toEqual({
        readState: 'Allowed',
        writeState: 'ImplicitlyDenied',
        deleteState: 'ImplicitlyDenied',
        writeLock: 'Allowed',
        deleteLock: 'Allowed',
        writeOtherKey: 'ImplicitlyDenied',
        readBootstrapState: 'ImplicitlyDenied',
        deployWritesState: 'Allowed',
        deployReadsBootstrapState: 'ImplicitlyDenied',
      });
    });
  },
);

describe.each(stacks.map((s) => [s.name, s] as const))(
  '%s: IAM and the state are out of reach',
  (_name, stack) => {
    const { env, plan, deploy, account, region } = rolesOf(stack);
    const resources = resourcePoliciesOf(stack);
    const prefix = `secure-lambda-${env}`;
    const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
    const ask = (r: CiRole, action: string, resource: string, context: Record<string, string> = {}) =>
      decide({
        principal: r.arn,
        statements: r.statements,
        action,
        resource,
        account,
        context: { 'aws:PrincipalArn': r.arn, ...context },
        ...(policyOfResource(resources, resource, account)
          ? { resourcePolicy: policyOfResource(resources, resource, account)! }
          : {}),
      });

    test('neither role can create or change IAM roles or policies outside the platform prefix', async () => {
      const outside = [
        role(`secure-lambda-ci-${env}-deploy`), // its own role
        role(`secure-lambda-ci-${env}-plan`),
        role('OrganizationAccountAccessRole'),
        role(`${prefix}x-role`), // shares the prefix's letters but not its dash
        role(`secure-lambda-${env === 'dev' ? 'prod' : 'dev'}-crypto-api-role`), // the other environment's
      ];
      const requests: [string, string][] = [];
      for (const target of outside) {
        for (const action of [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:PutRolePolicy',
          'iam:AttachRolePolicy',
          'iam:UpdateAssumeRolePolicy',
          'iam:PutRolePermissionsBoundary',
          'iam:DeleteRolePermissionsBoundary',
          'iam:TagRole',
        ]) {
          requests.push([action, target]);
        }
      }
      for (const action of [
        'iam:CreatePolicy',
        'iam:CreatePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:DeletePolicy',
      ]) {
        requests.push([action, `arn:aws:iam::${account}:policy/secure-lambda-ci-${env}-deploy-iam`]);
        requests.push([action, `arn:aws:iam::${account}:policy/AdminPolicy`]);
      }
      requests.push(
        ['iam:CreateUser', `arn:aws:iam::${account}:user/intruder`],
        ['iam:CreateAccessKey', `arn:aws:iam::${account}:user/intruder`],
        [
          'iam:CreateOpenIDConnectProvider',
          `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
        ],
        [
          'iam:UpdateOpenIDConnectProviderThumbprint',
          `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
        ],
        ['iam:AttachRolePolicy', role(`${prefix}-crypto-api-role`)], // no managed-policy attachment at all
        ['iam:DeleteRolePermissionsBoundary', role(`${prefix}-crypto-api-role`)],
      );
      const allowed: string[] = [];
      for (const r of [plan, deploy]) {
        for (const [action, resource] of requests) {
          if ((await ask(r, action, resource)) === 'Allowed')
            allowed.push(`${r.name}: ${action} ${resource}`);
        }
      }
      console.log(
        `${stack.name}: ${requests.length * 2} IAM requests outside the platform prefix, ${allowed.length} allowed`,
      );
      expect(allowed).toEqual([]);
      // Inside the prefix the deploy role manages the platform's roles (it deploys them).
      expect(await ask(deploy, 'iam:PutRolePolicy', role(`${prefix}-crypto-api-role`))).toBe('Allowed');
      expect(await ask(plan, 'iam:PutRolePolicy', role(`${prefix}-crypto-api-role`))).toBe(
        'ImplicitlyDenied',
      );
    });

    test('iam:PassRole only to the platform roles of each kind, and only to their service', async () => {
      const cases: [string, string, boolean][] = [
        [role(`${prefix}-crypto-api-role`), 'lambda.amazonaws.com', true],
        [role(`${prefix}-crypto-api-codedeploy`), 'codedeploy.amazonaws.com', true],
        [role(`${prefix}-vpc-flow-logs`), 'vpc-flow-logs.amazonaws.com', true],
        [role(`${prefix}-tick-scheduler`), 'scheduler.amazonaws.com', true],
        [role(`${prefix}-crypto-api-role`), 'ec2.amazonaws.com', false],
        [role(`${prefix}-crypto-api-role`), 'codebuild.amazonaws.com', false],
        [role(`${prefix}-crypto-api-role`), 'scheduler.amazonaws.com', false],
        [role(`${prefix}-crypto-api-codedeploy`), 'lambda.amazonaws.com', false],
        [role(`${prefix}-vpc-flow-logs`), 'lambda.amazonaws.com', false],
        [role(`secure-lambda-ci-${env}-deploy`), 'lambda.amazonaws.com', false],
        [role('OrganizationAccountAccessRole'), 'lambda.amazonaws.com', false],
        [role(`${prefix}x-role`), 'lambda.amazonaws.com', false],
      ];
      const wrong: string[] = [];
      let allowedForDeploy = 0;
      for (const [target, service, expected] of cases) {
        const d = await ask(deploy, 'iam:PassRole', target, { 'iam:PassedToService': service });
        const p = await ask(plan, 'iam:PassRole', target, { 'iam:PassedToService': service });
        if (d === 'Allowed') allowedForDeploy += 1;
        if ((d === 'Allowed') !== expected) wrong.push(`deploy: ${target} -> ${service}: ${d}`);
        if (p === 'Allowed') wrong.push(`plan: ${target} -> ${service}: ${p}`);
      }
      console.log(
        `${stack.name}: iam:PassRole: ${cases.length} cases, deploy allowed ${allowedForDeploy}, plan allowed 0`,
      );
      expect(wrong).toEqual([]);
    });

    test("the state's key and bucket: the deploy role can neither administer nor retag them", async () => {
      const keyArn = [...resources.keys()].find((arn) => arn.includes(':kms:'))!;
      const bucketArn = [...resources.keys()].find((arn) => arn.startsWith('arn:aws:s3:::'))!;
      const stateTags = {
        'aws:ResourceTag/Project': 'secure-lambda-bootstrap',
        'aws:ResourceTag/Environment': env,
      };
      const platformKey = `arn:aws:kms:${region}:${account}:key/11111111-2222-4333-8444-555555555555`;
      const platformTags = { 'aws:ResourceTag/Project': 'secure-lambda', 'aws:ResourceTag/Environment': env };
      const results = {
        scheduleDeletion: await ask(deploy, 'kms:ScheduleKeyDeletion', keyArn, stateTags),
        putKeyPolicy: await ask(deploy, 'kms:PutKeyPolicy', keyArn, stateTags),
        retagIntoScope: await ask(deploy, 'kms:TagResource', keyArn, {
          ...stateTags,
          'aws:RequestTag/Project': 'secure-lambda',
          'aws:RequestTag/Environment': env,
        }),
        deleteBucket: await ask(deploy, 's3:DeleteBucket', bucketArn),
        putBucketPolicy: await ask(deploy, 's3:PutBucketPolicy', bucketArn),
        otherEnvironmentKeyPolicy: await ask(deploy, 'kms:PutKeyPolicy', platformKey, {
          ...platformTags,
          'aws:ResourceTag/Environment': env === 'dev' ? 'prod' : 'dev',
        }),
        platformKeyPolicy: await ask(deploy, 'kms:PutKeyPolicy', platformKey, platformTags),
      };
      expect(results).toEqual({
        scheduleDeletion: 'ImplicitlyDenied',
        putKeyPolicy: 'ImplicitlyDenied',
        retagIntoScope: 'ImplicitlyDenied',
        deleteBucket: 'ImplicitlyDenied',
        putBucketPolicy: 'ImplicitlyDenied',
        otherEnvironmentKeyPolicy: 'ImplicitlyDenied',
        platformKeyPolicy: 'Allowed',
      });
    });

    test('the deploy role cannot make a function public', async () => {
      const fn = `arn:aws:lambda:${region}:${account}:function:${prefix}-crypto-api`;
      const results = {
        publicPermission: await ask(deploy, 'lambda:AddPermission', fn, { 'lambda:Principal': '*' }),
        urlWithoutAuth: await ask(deploy, 'lambda:CreateFunctionUrlConfig', fn, {
          'lambda:FunctionUrlAuthType': 'NONE',
        }),
        urlWithIam: await ask(deploy, 'lambda:CreateFunctionUrlConfig', fn, {
          'lambda:FunctionUrlAuthType': 'AWS_IAM',
        }),
        s3Permission: await ask(deploy, 'lambda:AddPermission', fn, {
          'lambda:Principal': 's3.amazonaws.com',
        }),
      };
      expect(results).toEqual({
        publicPermission: 'ExplicitlyDenied',
        urlWithoutAuth: 'ExplicitlyDenied',
        urlWithIam: 'Allowed',
        s3Permission: 'Allowed',
      });
    });
  },
);
