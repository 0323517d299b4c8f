import { Testing } from 'cdktf';
import { environments } from '../src/config';
import {
  EMULATED_SERVICES,
  EMULATOR_ENDPOINT_VARIABLE,
  EMULATOR_GAPS,
  LOCAL_STACK_NAME,
  localEnvironment,
} from '../src/emulator';
import { PlatformStack } from '../src/platform-stack';

type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

function synth(local: boolean, env = local ? localEnvironment : environments.dev): Json {
  const app = Testing.app();
  const stack = local
    ? new PlatformStack(app, LOCAL_STACK_NAME, env, { gaps: EMULATOR_GAPS })
    : new PlatformStack(app, `secure-lambda-${env.name}`, env);
  return JSON.parse(Testing.synth(stack)) as Json;
}

/** The stack's one aws provider block. */
function providerOf(json: Json): Record<string, unknown> {
  const providers = (json.provider?.aws ?? []) as unknown as Record<string, unknown>[];
  const [provider] = providers;
  if (!provider) throw new Error('the stack has no aws provider block');
  return provider;
}

const types = (json: Json) => Object.keys(json.resource ?? {}).sort();
const count = (json: Json, type: string) => Object.keys(json.resource?.[type] ?? {}).length;

/**
 * The service of each resource type the platform stack emits, named as the provider's `endpoints` keys.
 * A type missing here fails the coverage test below: add it, and add its service to EMULATED_SERVICES
 * if it is new, so that no call of a local deployment can leave the machine.
 */
const SERVICE_OF_PREFIX: readonly [RegExp, string][] = [
  [/^aws_cloudwatch_log_/, 'logs'],
  [/^aws_cloudwatch_metric_alarm$/, 'cloudwatch'],
  [
    /^aws_(vpc|subnet|route_table|network_acl|default_network_acl|default_security_group|security_group|flow_log)/,
    'ec2',
  ],
  [/^aws_iam_/, 'iam'],
  [/^aws_kms_/, 'kms'],
  [/^aws_lambda_/, 'lambda'],
  [/^aws_s3_/, 's3'],
  [/^aws_sns_/, 'sns'],
  [/^aws_sqs_/, 'sqs'],
  [/^aws_route53_resolver_/, 'route53Resolver'],
  [/^aws_signer_/, 'signer'],
];

describe('the local stack (dev on the emulator)', () => {
  const dev = synth(false);
  const local = synth(true);

  test('keeps the dev configuration: same account guard, region, retention and concurrency', () => {
    const provider = providerOf(local);
    expect(provider.allowed_account_ids).toEqual([environments.dev.accountId]);
    expect(provider.region).toBe(environments.dev.region);
    expect(localEnvironment).toEqual({ ...environments.dev, name: 'local' });
  });

  test('points every emulated service at the endpoint variable, which only accepts https://127.0.0.1', () => {
    const provider = providerOf(local);
    const endpoints = (provider.endpoints as Record<string, string>[])[0] as Record<string, string>;
    expect(Object.keys(endpoints).sort()).toEqual(EMULATED_SERVICES.map((s) => s.toLowerCase()).sort());
    for (const value of Object.values(endpoints)) expect(value).toBe(`\${var.${EMULATOR_ENDPOINT_VARIABLE}}`);
    const variable = local.variable?.[EMULATOR_ENDPOINT_VARIABLE] as unknown as {
      validation: { condition: string }[];
    };
    expect(variable.validation[0]?.condition).toContain('^https://127[.]0[.]0[.]1:[0-9]+$');
  });

  test('every resource type of dev maps to an emulated service', () => {
    const unmapped = types(dev).filter((type) => !SERVICE_OF_PREFIX.some(([pattern]) => pattern.test(type)));
    expect(unmapped).toEqual([]);
    const services = new Set(
      types(dev).map((type) => SERVICE_OF_PREFIX.find(([pattern]) => pattern.test(type))?.[1] as string),
    );
    for (const service of services) expect(EMULATED_SERVICES).toContain(service);
  });

  test('differs from dev only by the listed gaps', () => {
    const removed = types(dev).filter((type) => count(local, type) < count(dev, type));
    const added = types(local).filter((type) => count(local, type) > count(dev, type));
    expect(added).toEqual([]);
    expect(removed).toEqual(
      [
        // dns-firewall
        'aws_route53_resolver_firewall_config',
        'aws_route53_resolver_firewall_domain_list',
        'aws_route53_resolver_firewall_rule',
        'aws_route53_resolver_firewall_rule_group',
        'aws_route53_resolver_firewall_rule_group_association',
        // code-signing
        'aws_lambda_code_signing_config',
        'aws_s3_object',
        'aws_signer_signing_job',
        'aws_signer_signing_profile',
        // bucket-policy-conditions
        'aws_s3_bucket_policy',
      ].sort(),
    );
    for (const type of removed) expect(count(local, type)).toBe(0);
  });

  test('the not-read-back gaps only ignore later changes of the attributes they name', () => {
    const ignoreChanges = (json: Json, type: string, name: string) =>
      ((json.resource?.[type]?.[name]?.lifecycle as { ignore_changes?: string[] } | undefined)
        ?.ignore_changes ?? []) as string[];
    const added: Record<string, string[]> = {};
    for (const [type, resources] of Object.entries(local.resource ?? {})) {
      for (const name of Object.keys(resources)) {
        const extra = ignoreChanges(local, type, name).filter(
          (a) => !ignoreChanges(dev, type, name).includes(a),
        );
        if (extra.length > 0) added[type] = [...new Set([...(added[type] ?? []), ...extra])];
      }
    }
    expect(added).toEqual({
      aws_lambda_function: ['dead_letter_config', 'logging_config'],
      aws_vpc_security_group_egress_rule: ['description'],
      aws_vpc_security_group_ingress_rule: ['description'],
    });
    const fn = Object.values(local.resource?.aws_lambda_function ?? {})[0] as Record<string, unknown>;
    // Still sent on create.
    expect(fn.dead_letter_config).toBeDefined();
    expect(fn.logging_config).toBeDefined();
  });

  test('every gap has a reason and a local behaviour, and ids are unique', () => {
    expect(new Set(EMULATOR_GAPS.map((g) => g.id)).size).toBe(EMULATOR_GAPS.length);
    for (const gap of EMULATOR_GAPS) {
      expect(gap.reason.length).toBeGreaterThan(40);
      expect(gap.localBehaviour.length).toBeGreaterThan(10);
      expect(gap.kind === 'not-read-back').toBe((gap.ignoreChanges?.length ?? 0) > 0);
    }
  });

  test.each(Object.values(environments))('$name keeps every feature the local stack leaves out', (env) => {
    const json = synth(false, env);
    for (const type of [
      'aws_route53_resolver_firewall_config',
      'aws_lambda_code_signing_config',
      'aws_signer_signing_job',
      'aws_s3_bucket_policy',
    ]) {
      expect({ type, present: count(json, type) > 0 }).toEqual({ type, present: true });
    }
    expect(json.variable).toBeUndefined();
    const provider = providerOf(json);
    expect(provider.endpoints).toBeUndefined();
    for (const gap of EMULATOR_GAPS) {
      for (const { resourceType, attributes } of gap.ignoreChanges ?? []) {
        for (const resource of Object.values(json.resource?.[resourceType] ?? {})) {
          const ignored =
            (resource.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? [];
          for (const attribute of attributes) expect(ignored).not.toContain(attribute);
        }
      }
    }
  });
});
