import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Testing } from 'cdktf';
import { environments } from '../src/config';
import { discoverFunctions } from '../src/declarations';
import {
  EMULATED_SERVICES,
  EMULATOR_ENDPOINT_VARIABLE,
  EMULATOR_GAPS,
  localEnvironment,
  localFunctions,
} from '../src/emulator';
import { localStack } from '../src/local-stack';
import { PlatformStack } from '../src/platform-stack';

type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

/** The local stack as deploy:local synthesizes it (local-main.ts), or dev/prod as main.ts does. */
function synth(local: boolean, env = local ? localEnvironment : environments.dev, appsDir?: string): Json {
  const app = Testing.app();
  const stack = local
    ? localStack(app, appsDir ? { appsDir } : {})
    : new PlatformStack(app, `secure-lambda-${env.name}`, env, undefined, discoverFunctions(appsDir));
  return JSON.parse(Testing.synth(stack)) as Json;
}

/**
 * A folder of declared apps with one function per trigger and a secret in each store: what generated
 * functions add to a stack (queues, mappings, schedules, secrets), beside the samples' types.
 */
function triggerApps(): string {
  const appsDir = path.join(mkdtempSync(path.join(tmpdir(), 'Secure-Lambda-Local-Apps-')), 'apps');
  const declare = (name: string, declaration: Record<string, unknown>) => {
    mkdirSync(path.join(appsDir, name), { recursive: true });
    writeFileSync(
      path.join(appsDir, name, 'package.json'),
      JSON.stringify({ name: `@secure-lambda/${name}` }),
    );
    writeFileSync(
      path.join(appsDir, name, 'function.ts'),
      `export default ${JSON.stringify({ name, ...declaration })};\n`,
    );
  };
  const output = (name: string) => ({
    type: 'bucket',
    bucket: 'output',
    access: 'write',
    prefix: `${name}/`,
  });
  const key = (name: string) => ({ type: 'data-key', use: 'encrypt', encryptionContext: { app: name } });
  declare('t-s3', {
    trigger: { type: 's3', bucket: 'input', prefix: 't-s3/' },
    grants: [
      { type: 'bucket', bucket: 'input', access: 'read', prefix: 't-s3/' },
      output('t-s3'),
      key('t-s3'),
    ],
  });
  declare('t-url', { trigger: { type: 'url' } });
  declare('t-sqs', { trigger: { type: 'sqs' }, grants: [output('t-sqs'), key('t-sqs')] });
  declare('t-schedule', {
    trigger: { type: 'schedule', expression: 'rate(1 hour)' },
    grants: [
      output('t-schedule'),
      { type: 'secret', name: 't-schedule-token', store: 'secretsmanager' },
      { type: 'secret', name: 't-schedule-param', store: 'ssm' },
    ],
  });
  return appsDir;
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
  [/^aws_scheduler_/, 'scheduler'],
  [/^aws_secretsmanager_/, 'secretsmanager'],
  [/^aws_sns_/, 'sns'],
  [/^aws_sqs_/, 'sqs'],
  [/^aws_ssm_/, 'ssm'],
  [/^aws_route53_resolver_/, 'route53Resolver'],
  [/^aws_signer_/, 'signer'],
];

describe('the local stack (dev on the emulator)', () => {
  const dev = synth(false);
  const local = synth(true);
  const appsDir = triggerApps();
  const devWithTriggers = synth(false, environments.dev, appsDir);
  const localWithTriggers = synth(true, localEnvironment, appsDir);
  afterAll(() => rmSync(path.dirname(appsDir), { recursive: true, force: true }));

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

  test('builds every declared function: those of apps/ by default, of any apps folder on request', () => {
    expect(localFunctions().map((f) => f.declaration.name)).toEqual(
      discoverFunctions().map((f) => f.declaration.name),
    );
    expect(Object.keys(localWithTriggers.resource?.aws_lambda_function ?? {}).sort()).toEqual(
      ['t-s3', 't-schedule', 't-sqs', 't-url'].map((name) => expect.stringMatching(`^${name}_function_`)),
    );
  });

  test('every resource type of dev, with a function of each trigger, maps to an emulated service', () => {
    const all = [...new Set([...types(dev), ...types(devWithTriggers)])];
    for (const type of [
      'aws_scheduler_schedule',
      'aws_secretsmanager_secret',
      'aws_ssm_parameter',
      'aws_lambda_event_source_mapping',
      'aws_lambda_function_url',
    ]) {
      expect(all).toContain(type);
    }
    const unmapped = all.filter((type) => !SERVICE_OF_PREFIX.some(([pattern]) => pattern.test(type)));
    expect(unmapped).toEqual([]);
    const services = new Set(
      all.map((type) => SERVICE_OF_PREFIX.find(([pattern]) => pattern.test(type))?.[1] as string),
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
    // Functions of every trigger lose nothing else (their settings left out are attributes, tested below).
    const removedWithTriggers = types(devWithTriggers).filter(
      (type) => count(localWithTriggers, type) < count(devWithTriggers, type),
    );
    expect(removedWithTriggers).toEqual(removed);
    expect(
      types(localWithTriggers).filter((t) => count(localWithTriggers, t) > count(devWithTriggers, t)),
    ).toEqual([]);
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
      // Every queue (the functions' dead-letter queues here) ignores a redrive policy it may not have.
      aws_sqs_queue: ['redrive_policy'],
      aws_vpc_security_group_egress_rule: ['description'],
      aws_vpc_security_group_ingress_rule: ['description'],
    });
    const addedWithTriggers: Record<string, string[]> = {};
    for (const [type, resources] of Object.entries(localWithTriggers.resource ?? {})) {
      for (const name of Object.keys(resources)) {
        const extra = ignoreChanges(localWithTriggers, type, name).filter(
          (a) => !ignoreChanges(devWithTriggers, type, name).includes(a),
        );
        if (extra.length > 0)
          addedWithTriggers[type] = [...new Set([...(addedWithTriggers[type] ?? []), ...extra])];
      }
    }
    expect(addedWithTriggers).toEqual({
      ...added,
      aws_lambda_event_source_mapping: ['function_name'],
    });
    const queue = Object.values(localWithTriggers.resource?.aws_sqs_queue ?? {}).find(
      (q) => q.name === 'secure-lambda-local-t-sqs-queue',
    );
    expect(queue?.redrive_policy).toBeDefined();
    const fn = Object.values(local.resource?.aws_lambda_function ?? {})[0] as Record<string, unknown>;
    // Still sent on create.
    expect(fn.dead_letter_config).toBeDefined();
    expect(fn.logging_config).toBeDefined();
  });

  test('an unsupported setting is left out of the local stack only: the redrive allow policy of a dead-letter queue', () => {
    const allowPolicies = (json: Json) =>
      Object.values(json.resource?.aws_sqs_queue ?? {}).filter((q) => q.redrive_allow_policy !== undefined);
    expect(allowPolicies(devWithTriggers)).toHaveLength(1);
    expect(allowPolicies(localWithTriggers)).toEqual([]);
    // Everything else of the queues is kept: the same queues, encrypted with the stack key.
    const queues = (json: Json) => Object.keys(json.resource?.aws_sqs_queue ?? {}).sort();
    expect(queues(localWithTriggers)).toEqual(queues(devWithTriggers));
    for (const q of Object.values(localWithTriggers.resource?.aws_sqs_queue ?? {})) {
      expect(String(q.kms_master_key_id)).toContain('aws_kms_key.key_');
    }
    const omitted = EMULATOR_GAPS.flatMap((g) => g.omitAttributes ?? []);
    expect(omitted).toEqual([{ resourceType: 'aws_sqs_queue', attributes: ['redrive_allow_policy'] }]);
  });

  test('every gap has a reason and a local behaviour, and ids are unique', () => {
    expect(new Set(EMULATOR_GAPS.map((g) => g.id)).size).toBe(EMULATOR_GAPS.length);
    for (const gap of EMULATOR_GAPS) {
      expect(gap.reason.length).toBeGreaterThan(40);
      expect(gap.localBehaviour.length).toBeGreaterThan(10);
      expect(gap.kind === 'not-read-back').toBe((gap.ignoreChanges?.length ?? 0) > 0);
      if (gap.omitAttributes) expect(gap.kind).toBe('unsupported');
    }
  });

  test.each(Object.values(environments))('$name keeps every feature the local stack leaves out', (env) => {
    const json = synth(false, env, appsDir);
    for (const type of [
      'aws_route53_resolver_firewall_config',
      'aws_lambda_code_signing_config',
      'aws_signer_signing_job',
      'aws_s3_bucket_policy',
    ]) {
      expect({ type, present: count(json, type) > 0 }).toEqual({ type, present: true });
    }
    for (const gap of EMULATOR_GAPS) {
      for (const { resourceType, attributes } of gap.omitAttributes ?? []) {
        for (const attribute of attributes) {
          const kept = Object.values(json.resource?.[resourceType] ?? {}).some(
            (r) => r[attribute] !== undefined,
          );
          expect({ resourceType, attribute, kept }).toEqual({ resourceType, attribute, kept: true });
        }
      }
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
