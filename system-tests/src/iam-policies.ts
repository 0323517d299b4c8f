import { createHash } from 'node:crypto';
import { type Block, resourcesOf, type SynthesizedStack } from './terraform-json';

/** An IAM policy statement in AWS JSON form. */
export interface IamStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface RolePolicy {
  /** The function's name. */
  readonly functionName: string;
  readonly roleArn: string;
  readonly statements: IamStatement[];
}

interface StatementBlock {
  sid: string;
  effect?: string;
  actions: string[];
  resources?: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
  principals?: Array<{ type: string; identifiers: string[] }>;
}

/** A resource policy (key policy, bucket policy) in AWS JSON form. */
export interface ResourcePolicy {
  Version: '2012-10-17';
  Statement: Array<IamStatement & { Principal?: Record<string, string[]> | '*' }>;
}

function fakeUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Resolves `${aws_x.y.attr}` references to the values AWS would give them, built from the resources'
 * own configuration (bucket and queue names are literals; key ids are stable fakes). The synthesized
 * policies can then be simulated before anything exists.
 */
export function tokenResolver(stack: SynthesizedStack): (value: string) => string {
  const provider = stack.json.provider?.aws?.[0] ?? {};
  const region = provider.region as string;
  const account = (provider.allowed_account_ids as string[])[0]!;
  const lookup = (type: string, name: string): Block => {
    const block = stack.json.resource?.[type]?.[name];
    if (!block) throw new Error(`unresolvable reference ${type}.${name}`);
    return block;
  };
  const resolve = (type: string, name: string, attr: string): string => {
    const block = lookup(type, name);
    switch (`${type}.${attr}`) {
      case 'aws_kms_key.arn':
        return `arn:aws:kms:${region}:${account}:key/${fakeUuid(name)}`;
      case 'aws_s3_bucket.arn':
        return `arn:aws:s3:::${block.bucket as string}`;
      case 'aws_s3_bucket.bucket':
      case 'aws_s3_bucket.id':
        return block.bucket as string;
      case 'aws_sqs_queue.arn':
        return `arn:aws:sqs:${region}:${account}:${block.name as string}`;
      case 'aws_sns_topic.arn':
        return `arn:aws:sns:${region}:${account}:${block.name as string}`;
      case 'aws_iam_role.arn':
        return `arn:aws:iam::${account}:role/${block.name as string}`;
      case 'aws_cloudwatch_log_group.name':
        return block.name as string;
      case 'aws_vpc.id':
        return `vpc-${fakeUuid(name).replace(/-/g, '').slice(0, 17)}`;
      case 'aws_subnet.id':
        return `subnet-${fakeUuid(name).replace(/-/g, '').slice(0, 17)}`;
      case 'aws_security_group.id':
        return `sg-${fakeUuid(name).replace(/-/g, '').slice(0, 17)}`;
      default:
        throw new Error(`no fake value for ${type}.${name}.${attr}`);
    }
  };
  return (value) =>
    value.replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g, (_m, t, n, a) => resolve(t, n, a));
}

function toIam(
  block: StatementBlock,
  resolve: (v: string) => string,
): IamStatement & { Principal?: Record<string, string[]> | '*' } {
  const statement: IamStatement & { Principal?: Record<string, string[]> | '*' } = {
    Sid: block.sid,
    Effect: (block.effect ?? 'Allow') as 'Allow' | 'Deny',
    Action: block.actions,
    Resource: (block.resources ?? []).map(resolve),
  };
  for (const p of block.principals ?? []) {
    if (p.type === '*') {
      statement.Principal = '*';
      continue;
    }
    const principal: Record<string, string[]> =
      statement.Principal && statement.Principal !== '*' ? statement.Principal : {};
    principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers.map(resolve)];
    statement.Principal = principal;
  }
  for (const c of block.condition ?? []) {
    statement.Condition ??= {};
    statement.Condition[c.test] ??= {};
    statement.Condition[c.test]![c.variable] = c.values.map(resolve);
  }
  return statement;
}

/** The identity policy of every function role in the stack, with references resolved. */
export function functionRolePolicies(stack: SynthesizedStack): RolePolicy[] {
  const resolve = tokenResolver(stack);
  const docs = stack.json.data?.aws_iam_policy_document ?? {};
  const roles = Object.fromEntries(resourcesOf(stack, 'aws_iam_role'));
  return resourcesOf(stack, 'aws_lambda_function').map(([, fn]) => {
    const roleRef = /\$\{aws_iam_role\.([^.]+)\.arn\}/.exec(fn.role as string)![1]!;
    const rolePolicies = resourcesOf(stack, 'aws_iam_role_policy').filter(([, p]) =>
      (p.role as string).includes(`aws_iam_role.${roleRef}.`),
    );
    const statements = rolePolicies.flatMap(([, p]) => {
      const docName = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(p.policy as string)![1]!;
      return ((docs[docName]!.statement ?? []) as StatementBlock[]).map((s) => toIam(s, resolve));
    });
    const role = roles[`aws_iam_role.${roleRef}`]!;
    return {
      functionName: fn.function_name as string,
      roleArn: resolve(`\${aws_iam_role.${roleRef}.arn}`) || (role.name as string),
      statements,
    };
  });
}

function documentOf(stack: SynthesizedStack, reference: string): StatementBlock[] {
  const docName = /\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}/.exec(reference)![1]!;
  return (stack.json.data!.aws_iam_policy_document![docName]!.statement ?? []) as StatementBlock[];
}

/**
 * Resource policies by the ARN they protect: every key policy and bucket policy of the stack. KMS
 * allows nothing without its key policy, so simulations of KMS and S3 requests need them.
 */
export function resourcePolicies(stack: SynthesizedStack): Map<string, ResourcePolicy> {
  const resolve = tokenResolver(stack);
  const policies = new Map<string, ResourcePolicy>();
  for (const [address, key] of resourcesOf(stack, 'aws_kms_key')) {
    const arn = resolve(`\${${address}.arn}`);
    policies.set(arn, {
      Version: '2012-10-17',
      Statement: documentOf(stack, key.policy as string).map((b) => toIam(b, resolve)),
    });
  }
  for (const [, policy] of resourcesOf(stack, 'aws_s3_bucket_policy')) {
    const bucket = resolve(policy.bucket as string);
    policies.set(`arn:aws:s3:::${bucket}`, {
      Version: '2012-10-17',
      Statement: documentOf(stack, policy.policy as string).map((b) => toIam(b, resolve)),
    });
  }
  return policies;
}

/** A role a service assumes (not a function's), with the service and its identity policy resolved. */
export interface ServiceRolePolicy {
  readonly roleName: string;
  readonly roleArn: string;
  readonly service: string;
  readonly statements: IamStatement[];
}

/**
 * Every role of the stack whose trust policy names `service` (e.g. `scheduler.amazonaws.com`), with the
 * statements of its inline policies, references resolved as for function roles.
 */
export function serviceRolePolicies(stack: SynthesizedStack, service: string): ServiceRolePolicy[] {
  const resolve = tokenResolver(stack);
  return resourcesOf(stack, 'aws_iam_role').flatMap(([address, role]) => {
    const trust = documentOf(stack, role.assume_role_policy as string);
    if (
      !trust.some((s) =>
        (s.principals ?? []).some((p) => p.type === 'Service' && p.identifiers.includes(service)),
      )
    ) {
      return [];
    }
    const statements = resourcesOf(stack, 'aws_iam_role_policy')
      .filter(([, p]) => (p.role as string).includes(`${address}.`))
      .flatMap(([, p]) => documentOf(stack, p.policy as string).map((s) => toIam(s, resolve)));
    return [{ roleName: role.name as string, roleArn: resolve(`\${${address}.arn}`), service, statements }];
  });
}

/**
 * iam-simulate 0.1.173 evaluates variable context keys written with "/" (aws:RequestTag/x) but not
 * `kms:EncryptionContext:<key>`, and it drops the GitHub OIDC claims (`token.actions.githubusercontent.com:sub`)
 * for sts:AssumeRoleWithWebIdentity. For the simulation only, each such key is renamed, in the policy and in the
 * request alike, to an `aws:RequestTag/` key it does evaluate, with the same operator and values (for the function roles, the personas and the CI roles alike).
 */
const RENAMES: readonly [string, string][] = [
  ['kms:EncryptionContext:', 'aws:RequestTag/ec-'],
  ['token.actions.githubusercontent.com:', 'aws:RequestTag/gh-'],
];
export function simulable(key: string): string {
  for (const [from, to] of RENAMES) if (key.startsWith(from)) return `${to}${key.slice(from.length)}`;
  return key;
}
export function simulableStatements<T extends IamStatement>(statements: readonly T[]): T[] {
  return statements.map((s) =>
    s.Condition
      ? {
          ...s,
          Condition: Object.fromEntries(
            Object.entries(s.Condition).map(([test, pairs]) => [
              test,
              Object.fromEntries(Object.entries(pairs).map(([k, v]) => [simulable(k), v])),
            ]),
          ),
        }
      : s,
  );
}
