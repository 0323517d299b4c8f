/**
 * The CI roles of a synthesized bootstrap stack (stacks/src/bootstrap-stack.ts) in AWS JSON form, and the IAM
 * simulator (@cloud-copilot/iam-simulate) set up to judge their requests: identity policies, the resource's own
 * policy (the state key's key policy, the state bucket's policy, a role's trust policy) and context keys.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import {
  type IamStatement,
  type ResourcePolicy,
  resourcePolicies,
  simulable,
  simulableStatements,
  tokenResolver,
} from './iam-policies';
import { resourcesOf, type SynthesizedStack } from './terraform-json';

/** One CI role: its trust policy and the statements of every managed policy attached to it. */
export interface CiRole {
  readonly name: string;
  readonly arn: string;
  readonly trust: ResourcePolicy;
  readonly statements: IamStatement[];
  /** The attached policies' names (`secure-lambda-ci-dev-deploy-iam`, ...). */
  readonly policyNames: string[];
}

/** Account and region of a stack, from its provider block. */
export function stackAccount(stack: SynthesizedStack): { account: string; region: string } {
  const provider = stack.json.provider?.aws?.[0] ?? {};
  return { account: (provider.allowed_account_ids as string[])[0]!, region: provider.region as string };
}

/** The roles of a bootstrap stack by name, with their attached managed policies (tokens resolved). */
export function ciRoles(stack: SynthesizedStack): Map<string, CiRole> {
  const resolve = tokenResolver(stack);
  const { account } = stackAccount(stack);
  const policies = Object.fromEntries(resourcesOf(stack, 'aws_iam_policy'));
  const attachments = resourcesOf(stack, 'aws_iam_role_policy_attachment').map(([, a]) => a);
  const roles = new Map<string, CiRole>();
  for (const [address, role] of resourcesOf(stack, 'aws_iam_role')) {
    const name = role.name as string;
    const mine = attachments.filter((a) => String(a.role) === `\${${address}.name}`);
    const attached = mine.map((a) => {
      const ref = /^\$\{(aws_iam_policy\.[^.]+)\.arn\}$/.exec(String(a.policy_arn));
      const policy = ref ? policies[ref[1]!] : undefined;
      if (!policy) throw new Error(`${address}: attachment of an unknown policy ${String(a.policy_arn)}`);
      return policy;
    });
    roles.set(name, {
      name,
      arn: `arn:aws:iam::${account}:role/${name}`,
      trust: JSON.parse(String(role.assume_role_policy)) as ResourcePolicy,
      statements: attached.flatMap(
        (p) => (JSON.parse(resolve(String(p.policy))) as { Statement: IamStatement[] }).Statement,
      ),
      policyNames: attached.map((p) => String(p.name)),
    });
  }
  return roles;
}

/** The key policy and bucket policy of the stack, by the ARN they protect. */
export const bootstrapResourcePolicies = (stack: SynthesizedStack): Map<string, ResourcePolicy> =>
  resourcePolicies(stack);

/** A request: who (principal ARN and identity statements), what, on which resource, with which context. */
export interface SimRequest {
  readonly principal: string;
  readonly statements: readonly IamStatement[];
  readonly action: string;
  readonly resource: string;
  readonly account: string;
  readonly context?: Readonly<Record<string, string>>;
  /** The resource's own policy (key policy, bucket policy, trust policy). @default none */
  readonly resourcePolicy?: ResourcePolicy;
}

/**
 * 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied', or 'NotApplicable' when the action cannot apply to that
 * resource type (a statement listing ARNs of several types). Throws when the simulator would ignore a context
 * key: a condition on a key AWS never sends with that action would never match in AWS either.
 */
export async function decide(request: SimRequest): Promise<string> {
  const context = { 'aws:SecureTransport': 'true', ...request.context };
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: Object.fromEntries(Object.entries(context).map(([k, v]) => [simulable(k), v])),
    },
    identityPolicies:
      request.statements.length > 0
        ? [
            {
              name: 'attached',
              policy: { Version: '2012-10-17', Statement: simulableStatements(request.statements) },
            },
          ]
        : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy
      ? {
          resourcePolicy: {
            ...request.resourcePolicy,
            Statement: simulableStatements(request.resourcePolicy.Statement),
          },
        }
      : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error' && JSON.stringify(result.errors).includes('no.resource.types')) {
    return 'NotApplicable';
  }
  if (result.resultType === 'error') {
    throw new Error(
      `simulation of ${request.action} on ${request.resource} is invalid: ${JSON.stringify(result.errors)}`,
    );
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  if (ignored.length > 0) {
    throw new Error(
      `context keys ${ignored.join(', ')} do not apply to ${request.action} on ${request.resource}`,
    );
  }
  return result.overallResult;
}

/** A concrete resource for an ARN pattern: `*` in a name becomes `probe`, a trailing `/*` an object. */
export function concrete(resource: string): string {
  if (resource === '*') return '*';
  return resource.replace(/\*/g, 'probe');
}

/** Context values that satisfy a statement's conditions (first value; `*` in patterns becomes `probe`). */
export function satisfying(statement: IamStatement): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [test, pairs] of Object.entries(statement.Condition ?? {})) {
    if (test.endsWith('IfExists')) continue; // absent keys pass these
    for (const [variable, values] of Object.entries(pairs)) {
      context[variable] = String(values[0]).replace(/\*/g, 'probe');
    }
  }
  return context;
}

/**
 * The key policy assumed for platform keys, which live in the platform stacks: AWS's default, delegating the
 * key to the account's IAM policies. The bootstrap tests judge the identity half (what the CI roles' policies
 * allow); the platform keys' own policies are held by iam-simulation.test.ts (TM-KMS-01).
 */
export function accountDelegationKeyPolicy(account: string): ResourcePolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIamPolicies',
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${account}:root`] },
        Action: ['kms:*'],
        Resource: ['*'],
      },
    ],
  };
}

/** The policy of the resource a request names: its own (state key, state bucket), else for a key the default. */
export function policyOfResource(
  resources: ReadonlyMap<string, ResourcePolicy>,
  resource: string,
  account: string,
): ResourcePolicy | undefined {
  const own = resources.get(resource) ?? resources.get(resource.split('/')[0]!);
  if (own) return own;
  return /^arn:aws:kms:[^:]+:\d{12}:key\//.test(resource) ? accountDelegationKeyPolicy(account) : undefined;
}
