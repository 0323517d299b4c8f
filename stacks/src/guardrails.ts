import { directInvokeGuardrail, type SecureFunction } from '@secure-lambda/constructs';
import { StackOutput } from '@secure-lambda/contracts/stack-outputs';
import type { EnvironmentConfig } from './config';

/** Name of the stack output that carries the guardrail; `docs/guardrails/<stack>.json` is a copy of it. */
export const DIRECT_INVOKE_GUARDRAIL_OUTPUT = StackOutput.DIRECT_INVOKE_GUARDRAIL;

export interface GuardrailFunctions {
  /** Functions behind a Function URL: only the URL path may invoke them. */
  readonly urlFronted: readonly SecureFunction[];
  /** The stack's other functions, listed so reviewers see the guardrail leaves them alone. */
  readonly others: readonly SecureFunction[];
  /** A deployment hook that invokes new versions directly to smoke-test them (prod only). */
  readonly exempt?: SecureFunction | undefined;
}

/**
 * The guardrail an organisation applies for this stack, with the ARNs built from configuration (names
 * are fixed by the stack, so the output is a literal that can be checked in and reviewed).
 *
 * The deployment hook is the one exemption: it invokes the version being released directly, before the
 * alias (and so the URL) points at it. It holds no identity proof, so the crypto API answers it 403 as
 * it answers any direct invoke without one; the exemption gives it no way to act as a caller.
 *
 * @example
 * ```ts
 * JSON.stringify(directInvokeGuardrailFor(environments.prod, 'secure-lambda-prod', { urlFronted: [api], others: [], exempt: hook }));
 * ```
 */
export function directInvokeGuardrailFor(
  env: EnvironmentConfig,
  prefix: string,
  functions: GuardrailFunctions,
) {
  const functionArn = (fn: SecureFunction) =>
    `arn:aws:lambda:${env.region}:${env.accountId}:function:${prefix}-${fn.node.id}`;
  const functionArns = functions.urlFronted.map(functionArn);
  const exemptPrincipalArns = functions.exempt
    ? [`arn:aws:iam::${env.accountId}:role/${prefix}-${functions.exempt.node.id}-role`]
    : [];
  return {
    functionArns,
    exemptPrincipalArns,
    otherFunctionArns: functions.others.map(functionArn),
    ...directInvokeGuardrail({ functionArns, exemptPrincipalArns }),
  };
}
