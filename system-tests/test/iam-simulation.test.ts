import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import {
  functionRolePolicies,
  type IamStatement,
  type ResourcePolicy,
  type RolePolicy,
  resourcePolicies,
  serviceRolePolicies,
  simulable,
  simulableStatements,
} from '../src/iam-policies';
import { loadStacks, resourcesOf, type SynthesizedStack } from '../src/terraform-json';

/**
 * Each function role allows exactly its declared grants: every declared action on every declared
 * resource (with the declared conditions) is allowed, and a set of probes outside them is denied.
 * Policies come from the synthesized stacks, references resolved to the ARNs AWS would assign.
 */
interface Probe {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/** Encryption-context condition keys (the simulator sees them renamed: simulable in iam-policies.ts). */
const EC_PREFIX = 'kms:EncryptionContext:';

async function decide(
  role: Pick<RolePolicy, 'roleArn' | 'statements'>,
  account: string,
  probe: Probe,
  resources: Map<string, ResourcePolicy>,
): Promise<string> {
  // The resource's own policy takes part, as in AWS: a key policy, a bucket policy (by bucket ARN).
  const resourcePolicy = resources.get(probe.resource) ?? resources.get(probe.resource.split('/')[0]!);
  // aws:PrincipalArn is what AWS sets for any role session: key policies name roles through it.
  const context = { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': role.roleArn, ...probe.context };
  const simulation: Simulation = {
    request: {
      principal: role.roleArn,
      action: probe.action,
      resource: { resource: probe.resource, accountId: account },
      // Requests come over TLS (the bucket policies deny anything else).
      contextVariables: Object.fromEntries(Object.entries(context).map(([k, v]) => [simulable(k), v])),
    },
    identityPolicies: [
      { name: 'grants', policy: { Version: '2012-10-17', Statement: simulableStatements(role.statements) } },
    ],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // Key policies condition on encryption-context keys too: renamed the same way.
    ...(resourcePolicy
      ? { resourcePolicy: { ...resourcePolicy, Statement: simulableStatements(resourcePolicy.Statement) } }
      : {}),
  };
  const result = await runSimulation(simulation, {});
  // A statement may list resources of several types (CreateNetworkInterface needs the subnet and the
  // security group, DeleteNetworkInterface only the ENI): pairs IAM does not apply are not grants.
  if (result.resultType === 'error' && JSON.stringify(result.errors).includes('no.resource.types')) {
    return 'NotApplicable';
  }
  if (result.resultType === 'error') {
    throw new Error(
      `simulation of ${probe.action} on ${probe.resource} is invalid: ${JSON.stringify(result.errors)}`,
    );
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  if (ignored.length > 0)
    throw new Error(`context keys ${ignored.join(', ')} were ignored for ${probe.action}`);
  return result.overallResult;
}

/** A concrete resource matching a statement resource (object keys and log streams get a name). */
function concrete(resource: string): string {
  if (resource === '*') return '*';
  if (resource.endsWith(':*')) return `${resource.slice(0, -2)}:log-stream:probe`;
  if (resource.endsWith('/*')) return `${resource.slice(0, -1)}probe/object.bin`;
  return resource;
}

/** Context values that satisfy the statement's conditions. */
function satisfying(statement: IamStatement): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [test, pairs] of Object.entries(statement.Condition ?? {})) {
    for (const [variable, values] of Object.entries(pairs)) {
      context[variable] = test.startsWith('StringLike') ? values[0]!.replace(/\*$/, 'probe') : values[0]!;
    }
  }
  return context;
}

/** Declared grants, one probe per action and resource. Wildcard-only actions are probed on "*". */
function allowedProbes(role: RolePolicy): Probe[] {
  return role.statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      s.Action.flatMap((action) =>
        s.Resource.map((r) => ({ action, resource: concrete(r), context: satisfying(s) })),
      ),
    );
}

function deniedProbes(stack: SynthesizedStack, role: RolePolicy, others: RolePolicy[]): Probe[] {
  const provider = stack.json.provider!.aws![0]!;
  const region = provider.region as string;
  const account = (provider.allowed_account_ids as string[])[0]!;
  const arns = role.statements.flatMap((s) => s.Resource).filter((r) => r !== '*');
  const ownKey = arns.find((r) => r.includes(':kms:'))!;
  const ownQueue = arns.find((r) => r.includes(':sqs:'))!;
  const ownLogGroup = arns.find((r) => r.includes(':log-group:'))!.replace(/:\*$/, '');
  const buckets = [
    ...new Set(
      role.statements
        .flatMap((s) => s.Resource)
        .filter((r) => r.startsWith('arn:aws:s3:::'))
        .map((r) => r.split('/')[0]!),
    ),
  ];
  const other = others[0]!;
  const probes: Probe[] = [
    { action: 's3:GetObject', resource: 'arn:aws:s3:::someone-elses-bucket/secret.txt' },
    { action: 's3:PutObject', resource: 'arn:aws:s3:::someone-elses-bucket/drop.txt' },
    { action: 's3:ListAllMyBuckets', resource: '*' },
    {
      action: 'kms:Decrypt',
      resource: `arn:aws:kms:${region}:${account}:key/00000000-0000-4000-8000-000000000000`,
    },
    {
      action: 'kms:Encrypt',
      resource: `arn:aws:kms:${region}:${account}:key/00000000-0000-4000-8000-000000000000`,
    },
    { action: 'kms:CreateGrant', resource: ownKey },
    { action: 'kms:ScheduleKeyDeletion', resource: ownKey },
    { action: 'kms:PutKeyPolicy', resource: ownKey },
    { action: 'kms:DisableKey', resource: ownKey },
    { action: 'kms:Decrypt', resource: ownKey, context: { 'kms:EncryptionContext:app': 'someone-else' } },
    {
      action: 'kms:GenerateDataKey',
      resource: ownKey,
      context: { 'kms:ViaService': `ec2.${region}.amazonaws.com` },
    },
    { action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/intruder` },
    { action: 'iam:PassRole', resource: role.roleArn },
    { action: 'iam:AttachRolePolicy', resource: role.roleArn },
    { action: 'iam:PutRolePolicy', resource: role.roleArn },
    { action: 'sts:AssumeRole', resource: other.roleArn },
    {
      action: 'lambda:UpdateFunctionCode',
      resource: `arn:aws:lambda:${region}:${account}:function:${role.functionName}`,
    },
    {
      action: 'lambda:InvokeFunction',
      resource: `arn:aws:lambda:${region}:${account}:function:${other.functionName}`,
    },
    {
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${other.functionName}:log-stream:x`,
    },
    { action: 'logs:DeleteLogGroup', resource: `${ownLogGroup}:*` },
    { action: 'sqs:ReceiveMessage', resource: ownQueue },
    { action: 'sqs:SendMessage', resource: `arn:aws:sqs:${region}:${account}:${other.functionName}-dlq` },
    { action: 'ec2:CreateVpc', resource: '*' },
    // Another workload's network interface, in another VPC.
    {
      action: 'ec2:DeleteNetworkInterface',
      resource: `arn:aws:ec2:${region}:${account}:network-interface/eni-0someoneelse`,
      context: { 'ec2:Vpc': `arn:aws:ec2:${region}:${account}:vpc/vpc-0someoneelse` },
    },
    // ENI calls made with the role's credentials from inside the function code.
    {
      action: 'ec2:DeleteNetworkInterface',
      resource: `arn:aws:ec2:${region}:${account}:network-interface/eni-0ours`,
      context: {
        'lambda:SourceFunctionArn': `arn:aws:lambda:${region}:${account}:function:${role.functionName}`,
      },
    },
    // The key through SQS for another queue, through S3 for another bucket.
    {
      action: 'kms:GenerateDataKey',
      resource: ownKey,
      context: {
        'kms:ViaService': `sqs.${region}.amazonaws.com`,
        'kms:EncryptionContext:aws:sqs:arn': `arn:aws:sqs:${region}:${account}:someone-elses-queue`,
      },
    },
    {
      action: 'kms:Decrypt',
      resource: ownKey,
      context: {
        'kms:ViaService': `s3.${region}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::someone-elses-bucket',
      },
    },
    {
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:db-AbCdEf`,
    },
    // The trigger and secret surfaces: another function's queue, another secret or parameter, the schedules.
    {
      action: 'sqs:ReceiveMessage',
      resource: `arn:aws:sqs:${region}:${account}:${other.functionName}-queue`,
    },
    { action: 'sqs:DeleteMessage', resource: `arn:aws:sqs:${region}:${account}:${other.functionName}-queue` },
    { action: 'sqs:PurgeQueue', resource: `arn:aws:sqs:${region}:${account}:${role.functionName}-queue` },
    {
      action: 'sqs:SetQueueAttributes',
      resource: `arn:aws:sqs:${region}:${account}:${role.functionName}-queue`,
    },
    {
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:${other.functionName}/someone-elses-token-AbCdEf`,
    },
    {
      action: 'secretsmanager:PutSecretValue',
      resource: `arn:aws:secretsmanager:${region}:${account}:secret:${role.functionName}/token-AbCdEf`,
    },
    {
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:${region}:${account}:parameter/${other.functionName}/token`,
    },
    { action: 'ssm:GetParametersByPath', resource: `arn:aws:ssm:${region}:${account}:parameter/` },
    {
      action: 'kms:Decrypt',
      resource: ownKey,
      context: {
        'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
        'kms:EncryptionContext:SecretARN': `arn:aws:secretsmanager:${region}:${account}:secret:someone-else-AbCdEf`,
      },
    },
    {
      action: 'scheduler:UpdateSchedule',
      resource: `arn:aws:scheduler:${region}:${account}:schedule/${role.functionName}/${role.functionName}`,
    },
    {
      action: 'scheduler:CreateSchedule',
      resource: `arn:aws:scheduler:${region}:${account}:schedule/default/x`,
    },
    { action: 'dynamodb:Scan', resource: `arn:aws:dynamodb:${region}:${account}:table/orders` },
    { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${region}:${account}:trail/org` },
  ];
  for (const bucket of buckets) {
    probes.push(
      { action: 's3:DeleteBucket', resource: bucket },
      { action: 's3:PutBucketPolicy', resource: bucket },
      { action: 's3:DeleteObject', resource: `${bucket}/probe/object.bin` },
      { action: 's3:PutObjectAcl', resource: `${bucket}/probe/object.bin` },
    );
  }
  return probes;
}

const stacks = loadStacks();

describe.each(stacks.map((s) => [s.name, s] as const))('%s function roles', (_name, stack) => {
  const roles = functionRolePolicies(stack);
  const resources = resourcePolicies(stack);
  const account = (stack.json.provider!.aws![0]!.allowed_account_ids as string[])[0]!;

  test('every function has a role policy built from its grants', () => {
    expect(roles.length).toBeGreaterThanOrEqual(2);
    for (const role of roles) expect(role.statements.length).toBeGreaterThan(0);
  });

  describe.each(roles.map((r) => [r.functionName, r] as const))('%s', (_fn, role) => {
    test('allows each declared action on each declared resource', async () => {
      const probes = allowedProbes(role);
      expect(probes.length).toBeGreaterThan(5);
      const refused: string[] = [];
      const allowedActions = new Set<string>();
      for (const probe of probes) {
        const decision = await decide(role, account, probe, resources);
        if (decision === 'Allowed') allowedActions.add(probe.action);
        else if (decision !== 'NotApplicable')
          refused.push(`${probe.action} ${probe.resource} -> ${decision}`);
      }
      expect(refused).toEqual([]);
      // Every declared action is allowed on at least one declared resource.
      expect([...new Set(probes.map((p) => p.action))].filter((a) => !allowedActions.has(a))).toEqual([]);
    });

    test('[TM-SECRET-01] denies at least 20 probes outside its grants (other secrets, queues, schedules, keys, buckets)', async () => {
      const probes = deniedProbes(
        stack,
        role,
        roles.filter((r) => r !== role),
      );
      expect(probes.length).toBeGreaterThanOrEqual(20);
      const allowed: string[] = [];
      for (const probe of probes) {
        if ((await decide(role, account, probe, resources)) === 'Allowed')
          allowed.push(`${probe.action} ${probe.resource}`);
      }
      expect(allowed).toEqual([]);
    });
  });
});

describe.each(stacks.map((s) => [s.name, s] as const))('%s schedule roles', (_name, stack) => {
  const resources = resourcePolicies(stack);
  const provider = stack.json.provider!.aws![0]!;
  const region = provider.region as string;
  const account = (provider.allowed_account_ids as string[])[0]!;
  const schedulerRoles = serviceRolePolicies(stack, 'scheduler.amazonaws.com');
  const functions = resourcesOf(stack, 'aws_lambda_function').map(([, f]) => f.function_name as string);

  test("one role per schedule; each invokes only its own function's live alias and sends only to its own DLQ", async () => {
    expect(schedulerRoles.length).toBe(resourcesOf(stack, 'aws_scheduler_schedule').length);
    const wrong: string[] = [];
    for (const role of schedulerRoles) {
      // <function>-scheduler: the role belongs to one function.
      const own = role.roleName.replace(/-scheduler$/, '');
      expect(functions).toContain(own);
      const fn = `arn:aws:lambda:${region}:${account}:function:${own}`;
      const expectations: Array<[Probe, string]> = [
        [{ action: 'lambda:InvokeFunction', resource: `${fn}:live` }, 'Allowed'],
        [{ action: 'lambda:InvokeFunction', resource: fn }, 'ImplicitlyDenied'],
        [{ action: 'lambda:InvokeFunction', resource: `${fn}:1` }, 'ImplicitlyDenied'],
        [
          { action: 'sqs:SendMessage', resource: `arn:aws:sqs:${region}:${account}:${own}-schedule-dlq` },
          'Allowed',
        ],
        [
          { action: 'sqs:SendMessage', resource: `arn:aws:sqs:${region}:${account}:${own}-dlq` },
          'ImplicitlyDenied',
        ],
        [{ action: 'lambda:UpdateFunctionCode', resource: fn }, 'ImplicitlyDenied'],
        [{ action: 'iam:PassRole', resource: role.roleArn }, 'ImplicitlyDenied'],
        [
          {
            action: 'scheduler:CreateSchedule',
            resource: `arn:aws:scheduler:${region}:${account}:schedule/default/x`,
          },
          'ImplicitlyDenied',
        ],
      ];
      for (const other of functions.filter((f) => f !== own)) {
        expectations.push([
          {
            action: 'lambda:InvokeFunction',
            resource: `arn:aws:lambda:${region}:${account}:function:${other}:live`,
          },
          'ImplicitlyDenied',
        ]);
      }
      for (const [probe, expected] of expectations) {
        const decision = await decide(
          { roleArn: role.roleArn, statements: role.statements },
          account,
          probe,
          resources,
        );
        if (decision !== expected)
          wrong.push(
            `${role.roleName}: ${probe.action} ${probe.resource} -> ${decision}, expected ${expected}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * Insiders of the same account with common broad identity policies. None of them is named by the stack, so
 * none may use a key on application data, whatever its identity policy allows.
 */
interface Persona {
  readonly name: string;
  readonly roleArn: string;
  readonly statements: IamStatement[];
}

function insiderPersonas(account: string): Persona[] {
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  return [
    {
      // AWS's PowerUserAccess: everything but IAM, Organizations and Account management.
      name: 'power-user',
      roleArn: role('PowerUser'),
      statements: [
        {
          Sid: 'PowerUser',
          Effect: 'Allow',
          NotAction: ['iam:*', 'organizations:*', 'account:*'],
          Resource: ['*'],
        } as unknown as IamStatement,
      ],
    },
    {
      name: 'data-team',
      roleArn: role('data-team'),
      statements: [{ Sid: 'DecryptAnything', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['*'] }],
    },
    {
      // A CI role that deploys the stack: it administers keys, so it holds kms:* among its rights.
      name: 'ci-deploy',
      roleArn: role('ci-deploy'),
      statements: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Action: ['kms:*', 'lambda:*', 's3:*', 'sqs:*', 'sns:*', 'logs:*', 'cloudwatch:*', 'ec2:*', 'iam:*'],
          Resource: ['*'],
        },
      ],
    },
  ];
}

/** Uses of a key that carry application data: role statements bound to an encryption context. */
function dataProbes(role: RolePolicy): Probe[] {
  return role.statements
    .filter(
      (s) =>
        s.Effect === 'Allow' &&
        s.Resource.some((r) => r.includes(':kms:')) &&
        Object.values(s.Condition ?? {}).some((pairs) =>
          Object.keys(pairs).some((k) => k.startsWith(EC_PREFIX)),
        ),
    )
    .flatMap((s) =>
      s.Action.flatMap((action) =>
        s.Resource.filter((r) => r.includes(':kms:')).map((resource) => ({
          action,
          resource,
          context: satisfying(s),
        })),
      ),
    );
}

/** The same uses by anyone: data keys of the crypto API and the processor, without and with contexts. */
function genericKeyProbes(keyArn: string, account: string): Probe[] {
  return [
    { action: 'kms:Decrypt', resource: keyArn },
    {
      action: 'kms:Decrypt',
      resource: keyArn,
      context: {
        'kms:EncryptionContext:app': 'crypto-api',
        'kms:EncryptionContext:principal': `arn:aws:iam::${account}:user/victim`,
      },
    },
    {
      action: 'kms:Decrypt',
      resource: keyArn,
      context: { 'kms:EncryptionContext:app': 'object-processor' },
    },
    {
      action: 'kms:GenerateDataKey',
      resource: keyArn,
      context: { 'kms:EncryptionContext:app': 'crypto-api' },
    },
    { action: 'kms:ReEncryptFrom', resource: keyArn, context: { 'kms:EncryptionContext:app': 'crypto-api' } },
  ];
}

function describeProbe(probe: Probe): string {
  const context = Object.entries(probe.context ?? {})
    .map(([k, v]) => `${k.replace(EC_PREFIX, 'ec:')}=${v.replace(/^arn:aws:[a-z0-9]+:[a-z0-9-]*:\d*:/, '')}`)
    .join(',');
  return `${probe.action}${context ? ` {${context}}` : ''}`;
}

describe.each(stacks.map((s) => [s.name, s] as const))('%s key policies against insiders', (_name, stack) => {
  const roles = functionRolePolicies(stack);
  const resources = resourcePolicies(stack);
  const account = (stack.json.provider!.aws![0]!.allowed_account_ids as string[])[0]!;
  const keys = [...resources.keys()].filter((arn) => arn.includes(':kms:'));

  test('[TM-KMS-01] PowerUser, kms:Decrypt on *, a CI deploy role and the other apps cannot use any key on application data', async () => {
    expect(keys.length).toBeGreaterThan(0);
    const personas = insiderPersonas(account);
    const allowed: string[] = [];
    let checked = 0;
    for (const keyArn of keys) {
      for (const persona of personas) {
        for (const probe of genericKeyProbes(keyArn, account)) {
          checked += 1;
          if ((await decide(persona, account, probe, resources)) === 'Allowed')
            allowed.push(`${persona.name}: ${describeProbe(probe)}`);
        }
      }
    }
    for (const owner of roles) {
      const probes = dataProbes(owner);
      for (const persona of [...personas, ...roles.filter((r) => r !== owner)]) {
        const name = 'name' in persona ? persona.name : persona.functionName;
        for (const probe of probes) {
          // Another app granted the very same use (same context) is not an insider for it.
          if ('functionName' in persona && dataProbes(persona).some((p) => same(p, probe))) continue;
          checked += 1;
          if ((await decide(persona, account, probe, resources)) === 'Allowed')
            allowed.push(`${name} -> ${owner.functionName} data: ${describeProbe(probe)}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(allowed).toEqual([]);
  });

  test('[TM-KMS-01] each app role may use its key on its own data, and the account can still administer every key', async () => {
    for (const role of roles) {
      const refused: string[] = [];
      for (const probe of dataProbes(role)) {
        const decision = await decide(role, account, probe, resources);
        if (decision !== 'Allowed') refused.push(`${describeProbe(probe)} -> ${decision}`);
      }
      expect({ role: role.functionName, refused }).toEqual({ role: role.functionName, refused: [] });
    }
    // No lockout: a principal the account lets administer keys can still change the policy, but not decrypt.
    const admin: Persona = {
      name: 'key-admin',
      roleArn: `arn:aws:iam::${account}:role/key-admin`,
      statements: [
        {
          Sid: 'Admin',
          Effect: 'Allow',
          Action: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:Decrypt'],
          Resource: ['*'],
        },
      ],
    };
    for (const keyArn of keys) {
      for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
        expect(await decide(admin, account, { action, resource: keyArn }, resources)).toBe('Allowed');
      }
      expect(await decide(admin, account, { action: 'kms:Decrypt', resource: keyArn }, resources)).not.toBe(
        'Allowed',
      );
    }
  });
});

function same(a: Probe, b: Probe): boolean {
  return (
    a.action === b.action &&
    a.resource === b.resource &&
    JSON.stringify(a.context) === JSON.stringify(b.context)
  );
}
