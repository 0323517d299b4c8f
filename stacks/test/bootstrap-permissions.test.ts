import { Testing } from 'cdktf';
import { PLATFORM_TAGS } from '../src/bootstrap-config';
import {
  DATA_SOURCE_PERMISSIONS,
  PASS_ROLE_TARGETS,
  type PermissionRule,
  RELEASE_PERMISSIONS,
  RESOURCE_PERMISSIONS,
  resolveScope,
  tableStatements,
} from '../src/bootstrap-permissions';
import { environments } from '../src/config';
import { PlatformStack } from '../src/platform-stack';

type Block = Record<string, unknown>;
interface Synthesized {
  readonly provider: { readonly aws: readonly Block[] };
  readonly resource: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

/** The platform stacks as the cdktf app builds them (main.ts): every environment of config.ts. */
const platforms = Object.values(environments).map((env) => {
  const app = Testing.app();
  const stack = new PlatformStack(app, `secure-lambda-${env.name}`, env);
  return { env, json: JSON.parse(Testing.synth(stack)) as Synthesized };
});

/** An IAM ARN pattern as a regular expression (`*` any run of characters, `?` one). */
function globRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const allRules = (): PermissionRule[] => [
  ...Object.values(RESOURCE_PERMISSIONS).flat(),
  ...RELEASE_PERMISSIONS,
];

describe('the permission table covers what the platform stacks manage', () => {
  test.each(platforms.map((p) => [p.env.name, p] as const))(
    '%s: every resource type and data source has an entry',
    (_name, { json }) => {
      const missing = Object.keys(json.resource).filter((type) => !Object.hasOwn(RESOURCE_PERMISSIONS, type));
      const missingData = Object.keys(json.data ?? {}).filter(
        (type) => !Object.hasOwn(DATA_SOURCE_PERMISSIONS, type),
      );
      // A new type in platform-stack.ts (or a construct) needs its calls in stacks/src/bootstrap-permissions.ts,
      // or the deploy role cannot create it and the plan role cannot refresh it.
      expect({ missing, missingData }).toEqual({ missing: [], missingData: [] });
    },
  );

  test('a type the platform does not contain is reported (the check can fail)', () => {
    const json: Synthesized = { provider: { aws: [] }, resource: { aws_dynamodb_table: {} } };
    expect(Object.keys(json.resource).filter((type) => !Object.hasOwn(RESOURCE_PERMISSIONS, type))).toEqual([
      'aws_dynamodb_table',
    ]);
  });

  test.each(platforms.map((p) => [p.env.name, p] as const))(
    '%s: every name the platform gives a resource is inside the scope the roles get',
    (_name, { env, json }) => {
      const scope = resolveScope({ accountId: env.accountId, region: env.region, environment: env.name });
      const statements = tableStatements(scope, 'write').flatMap((g) => g.statements);
      const allowed = (action: string, arn: string) =>
        statements.some((s) => s.Action.includes(action) && s.Resource.some((r) => globRegExp(r).test(arn)));
      const arnOf: Record<string, [string, (b: Block) => string | undefined]> = {
        aws_iam_role: ['iam:CreateRole', (b) => `arn:aws:iam::${env.accountId}:role/${b.name}`],
        aws_iam_policy: ['iam:CreatePolicy', (b) => `arn:aws:iam::${env.accountId}:policy/${b.name}`],
        aws_lambda_function: [
          'lambda:CreateFunction',
          (b) => `arn:aws:lambda:${env.region}:${env.accountId}:function:${b.function_name}`,
        ],
        aws_s3_bucket: ['s3:CreateBucket', (b) => `arn:aws:s3:::${b.bucket}`],
        aws_cloudwatch_log_group: [
          'logs:CreateLogGroup',
          (b) => `arn:aws:logs:${env.region}:${env.accountId}:log-group:${b.name}`,
        ],
        aws_cloudwatch_metric_alarm: [
          'cloudwatch:PutMetricAlarm',
          (b) => `arn:aws:cloudwatch:${env.region}:${env.accountId}:alarm:${b.alarm_name}`,
        ],
        aws_sns_topic: ['sns:CreateTopic', (b) => `arn:aws:sns:${env.region}:${env.accountId}:${b.name}`],
        aws_sqs_queue: ['sqs:CreateQueue', (b) => `arn:aws:sqs:${env.region}:${env.accountId}:${b.name}`],
        aws_codedeploy_app: [
          'codedeploy:CreateApplication',
          (b) => `arn:aws:codedeploy:${env.region}:${env.accountId}:application:${b.name}`,
        ],
        aws_kms_alias: ['kms:CreateAlias', (b) => `arn:aws:kms:${env.region}:${env.accountId}:${b.name}`],
        aws_signer_signing_profile: [
          'signer:StartSigningJob',
          (b) => `arn:aws:signer:${env.region}:${env.accountId}:/signing-profiles/${b.name_prefix}PROFILE`,
        ],
        aws_secretsmanager_secret: [
          'secretsmanager:CreateSecret',
          (b) => `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${b.name}-AbCdEf`,
        ],
        aws_ssm_parameter: [
          'ssm:PutParameter',
          (b) => `arn:aws:ssm:${env.region}:${env.accountId}:parameter/${String(b.name).replace(/^\//, '')}`,
        ],
        aws_scheduler_schedule_group: [
          'scheduler:CreateScheduleGroup',
          (b) => `arn:aws:scheduler:${env.region}:${env.accountId}:schedule-group/${b.name}`,
        ],
      };
      const outside: string[] = [];
      let checked = 0;
      for (const [type, [action, toArn]] of Object.entries(arnOf)) {
        for (const [name, block] of Object.entries(json.resource[type] ?? {})) {
          const arn = toArn(block);
          checked += 1;
          if (!arn || !allowed(action, arn)) outside.push(`${type}.${name}: ${action} on ${arn}`);
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(outside).toEqual([]);
    },
  );

  test.each(platforms.map((p) => [p.env.name, p] as const))(
    '%s: every platform role can be passed to its service, and only to it',
    (_name, { env, json }) => {
      const scope = resolveScope({ accountId: env.accountId, region: env.region, environment: env.name });
      const docs = json.data?.aws_iam_policy_document ?? {};
      const problems: string[] = [];
      for (const role of Object.values(json.resource.aws_iam_role ?? {})) {
        const doc = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(
          String(role.assume_role_policy),
        );
        const statements = (docs[doc?.[1] ?? '']?.statement ?? []) as {
          principals?: { type: string; identifiers: string[] }[];
        }[];
        const services = statements.flatMap((s) =>
          (s.principals ?? []).filter((p) => p.type === 'Service').flatMap((p) => p.identifiers),
        );
        const arn = `arn:aws:iam::${env.accountId}:role/${role.name}`;
        const targets = PASS_ROLE_TARGETS.filter((t) => t.roles(scope).some((r) => globRegExp(r).test(arn)));
        if (targets.length !== 1 || !services.includes(targets[0]!.service)) {
          problems.push(
            `${role.name} (trusts ${services.join(', ')}): PassRole targets ${targets.map((t) => t.service)}`,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  test.each(platforms.map((p) => [p.env.name, p] as const))(
    '%s: the tags the deploy role is scoped by are the tags the platform puts on every resource',
    (_name, { env, json }) => {
      expect(json.provider.aws[0]?.default_tags).toEqual([
        { tags: { ...PLATFORM_TAGS, Environment: env.name } },
      ]);
    },
  );
});

describe('the permission table', () => {
  test('every rule whose resource is "*" or a whole resource type says why', () => {
    const scope = resolveScope({ accountId: '111111111111', region: 'eu-west-1', environment: 'dev' });
    const unexplained = allRules().filter(
      (r) =>
        r.resources(scope).some((arn) => arn.endsWith('*') && !/secure[-_]lambda[-_]dev/.test(arn)) && !r.why,
    );
    expect(unexplained.map((r) => r.actions.join(','))).toEqual([]);
  });

  test('no rule grants a service-wide or "*" action', () => {
    const wild = allRules().flatMap((r) => r.actions.filter((a) => a.includes('*')));
    expect(wild).toEqual([]);
  });

  test('read rules hold no create, update, delete, put or tag call', () => {
    const writes = allRules()
      .filter((r) => r.access === 'read')
      .flatMap((r) => r.actions)
      .filter((a) =>
        /:(Create|Delete|Update|Put|Tag|Untag|Set|Add|Remove|Modify|Authorize|Revoke|Start)/.test(a),
      );
    expect(writes).toEqual([]);
  });

  test('the deploy set includes the read set; the plan set has none of the writes', () => {
    const scope = resolveScope({ accountId: '111111111111', region: 'eu-west-1', environment: 'dev' });
    const plan = new Set(
      tableStatements(scope, 'read').flatMap((g) => g.statements.flatMap((s) => s.Action)),
    );
    const deploy = new Set(
      tableStatements(scope, 'write').flatMap((g) => g.statements.flatMap((s) => s.Action)),
    );
    expect([...plan].filter((a) => !deploy.has(a))).toEqual([]);
    const writes = allRules()
      .filter((r) => r.access === 'write')
      .flatMap((r) => r.actions)
      .filter((a) => !allRules().some((r) => r.access === 'read' && r.actions.includes(a)));
    expect(writes.length).toBeGreaterThan(100);
    expect(writes.filter((a) => plan.has(a))).toEqual([]);
  });

  test('with a permissions boundary configured, role writes require exactly that boundary', () => {
    const boundary = 'arn:aws:iam::111111111111:policy/org-boundary';
    const scope = resolveScope({
      accountId: '111111111111',
      region: 'eu-west-1',
      environment: 'dev',
      permissionsBoundaryArn: boundary,
    });
    const roleWrites = tableStatements(scope, 'write')
      .flatMap((g) => g.statements)
      .filter((s) => s.Action.some((a) => ['iam:CreateRole', 'iam:PutRolePolicy'].includes(a)));
    expect(roleWrites.length).toBeGreaterThan(0);
    for (const s of roleWrites) {
      expect(s.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': [boundary] } });
    }
    expect(
      tableStatements(scope, 'write')
        .flatMap((g) => g.statements)
        .flatMap((s) => s.Action),
    ).not.toContain('iam:DeleteRolePermissionsBoundary');
  });
});
