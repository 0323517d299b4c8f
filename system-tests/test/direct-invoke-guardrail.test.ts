import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { loadStacks, REPO_ROOT, type SynthesizedStack } from '../src/terraform-json';

/**
 * The organisation guardrail each stack emits (output `direct-invoke-guardrail`, checked in under
 * `docs/guardrails/`): a service control policy and a permissions boundary that deny
 * `lambda:InvokeFunction` on URL-fronted functions unless the request came through the Function URL.
 * Proven with the IAM simulator for a principal whose own policy allows invoking everything, the
 * common broad grant a legitimate URL caller is often given.
 */
interface GuardrailOutput {
  readonly functionArns: readonly string[];
  readonly exemptPrincipalArns: readonly string[];
  readonly otherFunctionArns: readonly string[];
  readonly serviceControlPolicy: unknown;
  readonly permissionsBoundary: unknown;
}

const OUTPUT = 'direct-invoke-guardrail';
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const INVOKE_ANYTHING = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
};

function guardrailOf(stack: SynthesizedStack): GuardrailOutput {
  const value = stack.json.output?.[OUTPUT]?.value;
  if (typeof value !== 'string') throw new Error(`${stack.name} has no ${OUTPUT} output`);
  return JSON.parse(value) as GuardrailOutput;
}

type Guard = 'none' | 'scp' | 'boundary';

async function invoke(
  principal: string,
  functionArn: string,
  guardrail: GuardrailOutput,
  guard: Guard,
  viaUrl: boolean,
): Promise<string> {
  const account = functionArn.split(':')[4]!;
  const simulation: Simulation = {
    request: {
      principal,
      action: 'lambda:InvokeFunction',
      resource: { resource: `${functionArn}:live`, accountId: account },
      // AWS sets aws:PrincipalArn to the role's ARN for its sessions; iam-simulate 0.1.173 does not derive it.
      contextVariables: {
        'aws:PrincipalArn': principal,
        ...(viaUrl ? { 'lambda:InvokedViaFunctionUrl': 'true' } : {}),
      },
    },
    identityPolicies: [{ name: 'invoke-anything', policy: INVOKE_ANYTHING }],
    serviceControlPolicies:
      guard === 'scp'
        ? [
            {
              orgIdentifier: 'r-root',
              policies: [
                { name: 'FullAWSAccess', policy: ALLOW_ALL },
                { name: 'deny-direct-invoke', policy: guardrail.serviceControlPolicy },
              ],
            },
          ]
        : [],
    resourceControlPolicies: [],
    ...(guard === 'boundary'
      ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: guardrail.permissionsBoundary }] }
      : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe.each(loadStacks().map((stack) => [stack.name, stack] as const))(
  '%s direct-invoke guardrail',
  (name, stack) => {
    const guardrail = guardrailOf(stack);
    const account = guardrail.functionArns[0]?.split(':')[4] ?? '';
    const insider = `arn:aws:iam::${account}:role/insider-with-invoke-anything`;

    it('names the URL-fronted functions and is checked in as emitted', () => {
      expect(guardrail.functionArns).toEqual([
        expect.stringMatching(/:function:secure-lambda-\w+-crypto-api$/),
      ]);
      const file = path.join(REPO_ROOT, 'docs', 'guardrails', `${name}.json`);
      const checkedIn = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      // Regenerate with `npm run guardrails -w @secure-lambda/stacks` after a synth.
      expect(checkedIn).toEqual(guardrail);
    });

    it.each(['scp', 'boundary'] as const)(
      '[TM-ID-05] %s: a broad invoker is allowed a direct invoke without it and denied with it',
      async (guard) => {
        for (const fn of guardrail.functionArns) {
          expect(await invoke(insider, fn, guardrail, 'none', false)).toBe('Allowed');
          expect(await invoke(insider, fn, guardrail, guard, false)).toBe('ExplicitlyDenied');
        }
      },
    );

    it.each(['scp', 'boundary'] as const)(
      '[TM-ID-05] %s: the same principal still invokes through the Function URL',
      async (guard) => {
        for (const fn of guardrail.functionArns) {
          expect(await invoke(insider, fn, guardrail, guard, true)).toBe('Allowed');
        }
      },
    );

    it('[TM-ID-05] scp: only the exempt roles keep the direct path, and other functions are untouched', async () => {
      for (const fn of guardrail.functionArns) {
        for (const exempt of guardrail.exemptPrincipalArns) {
          expect(await invoke(exempt, fn, guardrail, 'scp', false)).toBe('Allowed');
        }
      }
      expect(guardrail.otherFunctionArns.length).toBeGreaterThan(0);
      for (const fn of guardrail.otherFunctionArns) {
        expect(await invoke(insider, fn, guardrail, 'scp', false)).toBe('Allowed');
        expect(await invoke(insider, fn, guardrail, 'boundary', false)).toBe('Allowed');
      }
    });
  },
);
