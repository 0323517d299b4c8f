/**
 * "Who can do this?" answered by `@cloud-copilot/iam-simulate` (pinned): a statement's conditions are
 * judged by evaluating it, as a resource policy, for representative callers — anonymous, a role of another
 * account outside the organization, a member account of the organization, another role of this account —
 * rather than by the names of its condition keys. `...IfExists` on a key the caller does not send,
 * `Null = true`, `IpAddress 0.0.0.0/0` or `StringLike "*"` then narrow nothing, as in AWS.
 *
 * The simulator's public `runSimulation` is asynchronous only because it reads iam-data's files to
 * validate the request; the review is synchronous, so this calls the simulator's own (synchronous) core
 * engine with a complete request, as `runSimulation` does after validation. The entry points are resolved
 * from the installed, pinned package; `test/iam-simulate.test.ts` checks they still agree with
 * `runSimulation`.
 */
import path from 'node:path';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import { anonymousPrincipal } from '@cloud-copilot/iam-simulate';
import type { Condition } from './model';

/** A caller the review imagines, and what its requests carry. */
export interface RepresentativeCaller {
  readonly name: 'anonymous' | 'other-account' | 'organization-member' | 'same-account-role';
  readonly describe: string;
}

export const OUTSIDE_ACCOUNT = '999999999999';
const ORG_MEMBER_ACCOUNT = '222222222222';
/** An organization id no policy names: the org of "someone else". */
const OUTSIDE_ORG = 'o-outsider000';
/** An address on the internet that no narrowing condition allows (TEST-NET-2). */
const OUTSIDE_IP = '198.51.100.7';

interface Engine {
  authorize(request: unknown): { result: string };
  AwsRequestImpl: new (
    principal: unknown,
    resource: { resource: string; accountId: string },
    action: string,
    context: unknown,
    wildcardOnly: boolean,
  ) => unknown;
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
  DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown;
}

let engine: Engine | undefined;
function loadEngine(): Engine {
  if (engine !== undefined) return engine;
  const root = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const core = require(path.join(root, 'core_engine', 'CoreSimulatorEngine.js'));
  const request = require(path.join(root, 'request', 'request.js'));
  const context = require(path.join(root, 'requestContext.js'));
  const discovery = require(path.join(root, 'context_keys', 'discoveryContextKeyConstraints.js'));
  engine = {
    authorize: core.authorize,
    AwsRequestImpl: request.AwsRequestImpl,
    RequestContextImpl: context.RequestContextImpl,
    DiscoveryContextKeyConstraints: discovery.DiscoveryContextKeyConstraints,
  };
  return engine;
}

const COMMON_CONTEXT = {
  'aws:SecureTransport': 'true',
  'aws:SourceIp': OUTSIDE_IP,
  'aws:RequestedRegion': 'us-east-1',
  'aws:CurrentTime': '2026-01-01T00:00:00Z',
  'aws:EpochTime': '1767225600',
  'aws:UserAgent': 'aws-cli/2',
};

/** The principal and request context of a representative caller (exported for the agreement test). */
export function callerContext(
  caller: RepresentativeCaller['name'],
  account: string,
): {
  principal: unknown;
  context: Record<string, string | string[]>;
} {
  if (caller === 'anonymous') return { principal: anonymousPrincipal, context: { ...COMMON_CONTEXT } };
  const [principalAccount, org] =
    caller === 'other-account'
      ? [OUTSIDE_ACCOUNT, OUTSIDE_ORG]
      : caller === 'organization-member'
        ? [ORG_MEMBER_ACCOUNT, 'o-ownorg0000']
        : [account, 'o-ownorg0000'];
  const arn = `arn:aws:iam::${principalAccount}:role/probe`;
  return {
    principal: arn,
    context: {
      ...COMMON_CONTEXT,
      'aws:PrincipalArn': arn,
      'aws:PrincipalAccount': principalAccount,
      'aws:PrincipalOrgID': org,
      'aws:PrincipalOrgPaths': [`${org}/r-root/`],
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': 'false',
      'aws:userid': 'AROAPROBE:session',
      'aws:username': 'probe',
    },
  };
}

/**
 * iam-simulate 0.1.173 computes a /0 mask as `-1 << 32`, which is -1 in JavaScript: 0.0.0.0/0 would
 * match only 0.0.0.0. Two /1 halves are the same set of addresses. */
export function simulatorSafeValues(condition: Condition): string[] {
  if (!/IpAddress/i.test(condition.operator)) return [...condition.values];
  return condition.values.flatMap((value) =>
    value === '0.0.0.0/0' ? ['0.0.0.0/1', '128.0.0.0/1'] : value === '::/0' ? ['::/1', '8000::/1'] : [value],
  );
}

function conditionBlock(conditions: readonly Condition[]): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const condition of conditions) {
    const operator = out[condition.operator] ?? {};
    operator[condition.name] = [...(operator[condition.name] ?? []), ...simulatorSafeValues(condition)];
    out[condition.operator] = operator;
  }
  return out;
}

const cache = new Map<string, boolean>();

/**
 * Whether a statement `Allow Principal "*"` with these conditions lets the caller in, per the simulator.
 * `extraContext` adds what the request carries besides the caller (for example no `aws:SourceArn`).
 *
 * @example
 * allowsCaller([{ operator: 'Null', key: 'aws:sourcevpce', name: 'aws:SourceVpce', values: ['true'] }], 'anonymous'); // true
 */
export function allowsCaller(
  conditions: readonly Condition[],
  caller: RepresentativeCaller['name'],
  account = '123456789012',
): boolean {
  const key = JSON.stringify([conditions.map((c) => [c.operator, c.name, c.values]), caller, account]);
  const known = cache.get(key);
  if (known !== undefined) return known;
  const { authorize, AwsRequestImpl, RequestContextImpl, DiscoveryContextKeyConstraints } = loadEngine();
  const { principal, context } = callerContext(caller, account);
  const statement: Record<string, unknown> = { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
  if (conditions.length > 0) statement.Condition = conditionBlock(conditions);
  const resourcePolicy = loadPolicy({ Version: '2012-10-17', Statement: [statement] }, { name: 'probe' });
  // A caller of another account also needs its own identity policy to allow the call: give it everything.
  const identityPolicies =
    caller === 'anonymous'
      ? []
      : [
          loadPolicy(
            { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
            { name: 'caller' },
          ),
        ];
  let allowed: boolean;
  try {
    const result = authorize({
      request: new AwsRequestImpl(
        principal,
        { resource: `arn:aws:sqs:us-east-1:${account}:probe`, accountId: account },
        'sqs:SendMessage',
        new RequestContextImpl(context),
        false,
      ),
      sessionPolicy: undefined,
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
      permissionBoundaries: undefined,
      vpcEndpointPolicies: undefined,
      simulationParameters: {
        simulationMode: 'Strict',
        discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]),
      },
    });
    allowed = result.result === 'Allowed';
  } catch {
    // A condition the simulator cannot evaluate (an unknown operator): it narrows nothing we can prove.
    allowed = true;
  }
  cache.set(key, allowed);
  return allowed;
}

/**
 * Whether conditions keep a statement with `Principal: "*"` (or a whole foreign account) to callers that
 * are not strangers: the simulated anonymous caller and a role of an unrelated account are both refused.
 *
 * @example
 * isNarrowedBySimulation([{ operator: 'StringEquals', key: 'aws:principalorgid', name: 'aws:PrincipalOrgID', values: ['o-abc'] }]); // true
 */
export function isNarrowedBySimulation(conditions: readonly Condition[], account?: string): boolean {
  if (conditions.length === 0) return false;
  return (
    !allowsCaller(conditions, 'anonymous', account) && !allowsCaller(conditions, 'other-account', account)
  );
}
