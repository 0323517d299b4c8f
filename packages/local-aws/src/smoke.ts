/**
 * The smoke test of a local deployment: each declared function through its trigger (smoke-triggers.ts),
 * then the platform's settings as the emulator reports them, for every function.
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { GetAliasCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { StackOutput } from '@secure-lambda/contracts/stack-outputs';
import { errorMessage, SmokeCheckError } from './errors';
import {
  functionConfig,
  outputOf,
  type SmokeCheck,
  type SmokeContext,
  type SmokeFunction,
  stateOf,
} from './smoke-context';
import {
  cryptoApiRoundTrip,
  s3TriggerCheck,
  scheduleTriggerCheck,
  sqsTriggerCheck,
  urlTriggerCheck,
} from './smoke-triggers';

export type {
  LocalOutputs,
  SmokeCheck,
  SmokeContext,
  SmokeFunction,
  StateResource,
} from './smoke-context';

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const left = [...new Set(a.map(String))].sort();
  const right = [...new Set(b.map(String))].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/** Canonical JSON (sorted keys), to compare policy documents as data. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function liveAliases(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const seen: string[] = [];
  for (const name of names) {
    const alias = await context.clients.lambda.send(
      new GetAliasCommand({ FunctionName: name, Name: 'live' }),
    );
    const { Versions: versions = [] } = await context.clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: name }),
    );
    const published = versions.map((v) => v.Version).filter((v): v is string => !!v && /^\d+$/.test(v));
    const newest = String(Math.max(...published.map(Number)));
    if (published.length === 0 || alias.FunctionVersion !== newest) {
      throw new SmokeCheckError(
        'live alias',
        `${name}:live points at ${alias.FunctionVersion}; the newest published version is ${newest || 'none'}`,
        { resources: [`${name}:live`] },
      );
    }
    seen.push(`${name}:live -> ${newest}`);
  }
  return { name: 'live alias', detail: seen.join('; ') };
}

async function vpcConfigs(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const subnets = stateOf(context.state, 'aws_subnet', () => true).map((r) => r.values.id);
  const seen: string[] = [];
  for (const name of names) {
    const config = await functionConfig(context, name);
    const [declared] = stateOf(context.state, 'aws_lambda_function', (v) => v.function_name === name);
    const vpc = (declared?.values.vpc_config as { security_group_ids?: string[] }[] | undefined)?.[0];
    const groups = config.VpcConfig?.SecurityGroupIds ?? [];
    if (
      !sameSet(config.VpcConfig?.SubnetIds ?? [], subnets) ||
      !sameSet(groups, vpc?.security_group_ids ?? [])
    ) {
      throw new SmokeCheckError(
        'vpc_config',
        `${name} has subnets ${JSON.stringify(config.VpcConfig?.SubnetIds)} and groups ${JSON.stringify(groups)}; ` +
          `declared: subnets ${JSON.stringify(subnets)}, groups ${JSON.stringify(vpc?.security_group_ids)}`,
        { resources: [name] },
      );
    }
    seen.push(`${name}: ${subnets.length} private subnets, group ${groups.join(',')}`);
  }
  return { name: 'vpc_config', detail: seen.join('; ') };
}

async function logGroups(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const keyArn = outputOf(context, 'key', StackOutput.KEY_ARN);
  const seen: string[] = [];
  for (const name of names) {
    const groupName = `/aws/lambda/${name}`;
    const [declared] = stateOf(context.state, 'aws_cloudwatch_log_group', (v) => v.name === groupName);
    const { logGroups: found = [] } = await context.clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: groupName }),
    );
    const group = found.find((g) => g.logGroupName === groupName);
    const retention = declared?.values.retention_in_days;
    if (!group || !retention || group.retentionInDays !== retention || group.kmsKeyId !== keyArn) {
      throw new SmokeCheckError(
        'log group',
        `${groupName}: ${group ? `retention ${group.retentionInDays}, key ${group.kmsKeyId}` : 'missing'}; ` +
          `declared retention ${retention}, key ${keyArn}`,
        { resources: [groupName] },
      );
    }
    seen.push(`${groupName}: ${group.retentionInDays} days, KMS ${keyArn.split('/').pop()}`);
  }
  return { name: 'log group', detail: seen.join('; ') };
}

async function rolePolicies(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const seen: string[] = [];
  for (const name of names) {
    const config = await functionConfig(context, name);
    const roleName = (config.Role ?? '').split('/').pop() as string;
    const declared = stateOf(context.state, 'aws_iam_role_policy', (v) => v.role === roleName);
    const { PolicyNames: inline = [] } = await context.clients.iam.send(
      new ListRolePoliciesCommand({ RoleName: roleName }),
    );
    const { AttachedPolicies: attached = [] } = await context.clients.iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
    );
    const declaredNames = declared.map((r) => r.values.name);
    if (attached.length > 0 || !sameSet(inline, declaredNames)) {
      throw new SmokeCheckError(
        'role policies',
        `${roleName} has inline ${JSON.stringify(inline)} and managed ${JSON.stringify(attached.map((p) => p.PolicyArn))}; ` +
          `declared: inline ${JSON.stringify(declaredNames)}, no managed policies`,
        { resources: [roleName] },
      );
    }
    for (const policy of declared) {
      const live = await context.clients.iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policy.values.name as string }),
      );
      const document = JSON.parse(decodeURIComponent(live.PolicyDocument ?? '{}'));
      if (canonical(document) !== canonical(JSON.parse(policy.values.policy as string))) {
        throw new SmokeCheckError(
          'role policies',
          `${roleName}/${policy.values.name} differs from the declared document`,
          {
            resources: [policy.address],
          },
        );
      }
    }
    seen.push(`${roleName}: inline ${inline.join(', ')} as declared, no managed policies`);
  }
  return { name: 'role policies', detail: seen.join('; ') };
}

async function keyRotation(context: SmokeContext): Promise<SmokeCheck> {
  const keyArn = outputOf(context, 'key', StackOutput.KEY_ARN);
  const status = await context.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
  if (!status.KeyRotationEnabled) {
    throw new SmokeCheckError('key rotation', `${keyArn} has rotation off`, { resources: [keyArn] });
  }
  return { name: 'key rotation', detail: `${keyArn.split('/').pop()}: rotation enabled` };
}

/** The trigger check of a function, by its declared trigger (the deployment hook has none to exercise). */
const TRIGGER_CHECKS: Readonly<
  Record<string, ((context: SmokeContext, fn: SmokeFunction) => Promise<SmokeCheck>) | undefined>
> = {
  s3: s3TriggerCheck,
  sqs: sqsTriggerCheck,
  url: urlTriggerCheck,
  schedule: scheduleTriggerCheck,
};

/**
 * Exercises the deployed platform through the AWS APIs, as a user would: every declared function through
 * its trigger (the crypto API also through its client's encrypt/decrypt round trip), then the security
 * settings the emulator reports for every function. Throws a SmokeCheckError naming the check and the
 * resource at the first failure; returns what each check saw otherwise.
 */
export async function smokeTest(context: SmokeContext): Promise<SmokeCheck[]> {
  const names = context.functions.map((fn) => fn.functionName);
  const steps: [string, () => Promise<SmokeCheck>][] = [];
  for (const fn of context.functions) {
    const trigger = TRIGGER_CHECKS[fn.declaration.trigger.type];
    if (trigger) steps.push([`${fn.declaration.trigger.type} trigger ${fn.app}`, () => trigger(context, fn)]);
    if (fn.app === 'crypto-api' && fn.declaration.trigger.type === 'url') {
      steps.push(['crypto-api round trip', () => cryptoApiRoundTrip(context, fn)]);
    }
  }
  steps.push(
    ['live alias', () => liveAliases(context, names)],
    ['vpc_config', () => vpcConfigs(context, names)],
    ['log group', () => logGroups(context, names)],
    ['role policies', () => rolePolicies(context, names)],
    ['key rotation', () => keyRotation(context)],
  );
  const checks: SmokeCheck[] = [];
  for (const [label, step] of steps) {
    try {
      checks.push(await step());
    } catch (error) {
      if (error instanceof SmokeCheckError) throw error;
      throw new SmokeCheckError(label, `an AWS call failed: ${errorMessage(error)}`, { cause: error });
    }
  }
  return checks;
}
