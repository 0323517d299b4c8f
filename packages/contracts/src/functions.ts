/**
 * A function on the platform, declared once next to its code (`apps/<name>/function.ts`):
 *
 * ```ts
 * import { defineFunction } from '@secure-lambda/contracts/functions';
 *
 * export default defineFunction({
 *   name: 'thumbnailer',
 *   description: 'Makes thumbnails of new uploads.',
 *   trigger: { type: 's3', bucket: 'input', prefix: 'uploads/' },
 *   grants: [
 *     { type: 'bucket', bucket: 'input', access: 'read', prefix: 'uploads/' },
 *     { type: 'bucket', bucket: 'output', access: 'write' },
 *     { type: 'secret', name: 'resizer-token', store: 'secretsmanager' },
 *   ],
 * });
 * ```
 *
 * The stacks read every declaration and build the whole secure set-up from it (role from the grants,
 * encrypted logs, private network, endpoints, dead-letter queue, alarms, code signing, `live` alias,
 * progressive delivery); no stack code changes to add a function. Grants are declared, never written as
 * policy JSON. {@link parseFunctionDeclaration} checks a declaration strictly: an unknown field is a typo,
 * and a typo in a security declaration must fail loudly, so the check is hand-written here (this package
 * has no dependencies, and every field's error says what to write instead).
 */
import { ContractsError, ContractsErrorCode } from './errors';
import type { SmokeTest } from './smoke-events';

/** The platform's buckets a function may be triggered by or granted: input (uploads) and output (results). */
export const PLATFORM_BUCKETS = ['input', 'output'] as const;
export type PlatformBucket = (typeof PLATFORM_BUCKETS)[number];

/** What starts a function. `deployment-hook` is the platform's own pre-traffic hook (one at most). */
export const TRIGGER_TYPES = ['s3', 'url', 'sqs', 'schedule', 'deployment-hook'] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** The triggers `npm run new:function` generates. */
export const GENERATED_TRIGGER_TYPES = ['s3', 'url', 'sqs', 'schedule'] as const;
export type GeneratedTriggerType = (typeof GENERATED_TRIGGER_TYPES)[number];

/** An object created in a platform bucket (under `prefix` when given) invokes the `live` alias. */
export interface S3Trigger {
  readonly type: 's3';
  readonly bucket: PlatformBucket;
  /** @default every key */
  readonly prefix?: string;
}

/**
 * A Function URL with `AWS_IAM`. Callers prove who they are with an STS-verified identity proof
 * (`@secure-lambda/caller-identity`); the stack creates `<stack>-<name>-callers`, the policy callers attach.
 */
export interface UrlTrigger {
  readonly type: 'url';
}

/**
 * The function's own queue (CMK-encrypted, TLS-only, with its own dead-letter queue), polled by an event
 * source mapping with partial batch responses.
 */
export interface SqsTrigger {
  readonly type: 'sqs';
  /** Concurrent invocations the mapping may use, 2..1000. @default 2 */
  readonly maxConcurrency?: number;
  /** Messages per invocation, 1..10. @default 10 */
  readonly batchSize?: number;
  /** Receives before a message moves to the dead-letter queue, 1..1000. @default 5 */
  readonly maxReceiveCount?: number;
}

/** An EventBridge Scheduler schedule with its own role, retry policy and dead-letter queue. */
export interface ScheduleTrigger {
  readonly type: 'schedule';
  /** `rate(5 minutes)`, `cron(0 6 * * ? *)` or `at(2027-01-01T00:00:00)`. */
  readonly expression: string;
  /** IANA time zone of a cron or at expression. @default 'UTC' */
  readonly timezone?: string;
  /** Attempts after the first, 0..185. @default 3 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an event may wait for a retry, 60..86400. @default 3600 */
  readonly maximumEventAgeSeconds?: number;
}

/** The platform's CodeDeploy pre-traffic hook: it receives every other function's smoke test. */
export interface DeploymentHookTrigger {
  readonly type: 'deployment-hook';
}

export type FunctionTrigger = S3Trigger | UrlTrigger | SqsTrigger | ScheduleTrigger | DeploymentHookTrigger;

/** Objects of a platform bucket; the function gets `<BUCKET>_BUCKET` (e.g. `INPUT_BUCKET`) in its environment. */
export interface BucketGrant {
  readonly type: 'bucket';
  readonly bucket: PlatformBucket;
  readonly access: 'read' | 'write' | 'read-write';
  /** @default the whole bucket */
  readonly prefix?: string;
}

/**
 * The stack's key for envelope encryption, only under this encryption context (KMS refuses any other);
 * the function gets `KEY_ARN`.
 */
export interface DataKeyGrant {
  readonly type: 'data-key';
  readonly use: 'encrypt' | 'decrypt' | 'encrypt-decrypt';
  /** At least one pair; `{ app: '<name>' }` is the usual one. */
  readonly encryptionContext: Readonly<Record<string, string>>;
}

/** Send to the queue of an `sqs`-triggered function; the function gets `<NAME>_QUEUE_URL`. */
export interface QueueGrant {
  readonly type: 'queue';
  readonly access: 'send';
  /** The function whose queue this is. @default this function (it must have an `sqs` trigger) */
  readonly function?: string;
}

/**
 * A secret the stack creates, encrypted with the stack's key; its value is set out of band and never enters
 * Terraform state. Read it with Powertools Parameters (`getSecret` / `getParameter` with `decrypt: true`);
 * the function gets `SECRET_<NAME>` holding the secret's name, never its value.
 */
export interface SecretGrant {
  readonly type: 'secret';
  /** 1-64 of lowercase letters, digits and `-`, starting with a letter. */
  readonly name: string;
  readonly store: 'secretsmanager' | 'ssm';
}

export type FunctionGrant = BucketGrant | DataKeyGrant | QueueGrant | SecretGrant;

/** How new versions reach `live`, overriding the environment's strategy for this function. */
export type FunctionDeploymentOverride =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary'; readonly percent: number; readonly minutes: number }
  | { readonly type: 'linear'; readonly percent: number; readonly minutes: number };

/** Alarm thresholds overriding the environment's. */
export interface FunctionAlarmsOverride {
  readonly errors?: number;
  readonly throttles?: number;
  readonly p99DurationOfTimeout?: number;
  readonly deadLetterMessages?: number;
}

export interface FunctionDeclaration {
  /** The app's folder name: 1-40 of lowercase letters, digits and `-`, starting with a letter. */
  readonly name: string;
  /** @default '' */
  readonly description?: string;
  /** @default 'index.handler' */
  readonly handler?: string;
  /** MB, 128..10240. @default 256 */
  readonly memorySize?: number;
  /** Seconds, 1..900. @default 30 */
  readonly timeout?: number;
  /**
   * Plain, non-secret settings (encrypted at rest with the stack's key all the same). Names the platform
   * sets (`KEY_ARN`, `*_BUCKET`, `*_QUEUE_URL`, `SECRET_*`, `NODE_OPTIONS`, `AWS_*`) and names that look like
   * secrets are refused: declare a `secret` grant instead.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  readonly trigger: FunctionTrigger;
  /** @default [] (logs, network and traces only) */
  readonly grants?: readonly FunctionGrant[];
  /** @default the environment's strategy */
  readonly deployment?: FunctionDeploymentOverride;
  /** @default the environment's thresholds */
  readonly alarms?: FunctionAlarmsOverride;
  /**
   * What the deployment hook sends a new version before any traffic reaches it, and what the answer must
   * contain. @default none (canary and linear releases then shift traffic without a smoke test)
   */
  readonly smokeTest?: SmokeTest;
}

/**
 * Types a declaration; returns it unchanged. The stacks check it again with {@link parseFunctionDeclaration}.
 *
 * @example
 * ```ts
 * export default defineFunction({ name: 'nightly-report', trigger: { type: 'schedule', expression: 'cron(0 2 * * ? *)' } });
 * ```
 */
export function defineFunction<const D extends FunctionDeclaration>(declaration: D): D {
  return declaration;
}

/** A declaration that is not what {@link FunctionDeclaration} allows. `field` is its path (`grants[1].access`). */
export class FunctionDeclarationError extends ContractsError {
  readonly source: string;
  readonly field: string;

  constructor(source: string, field: string, message: string, options?: ErrorOptions) {
    super(ContractsErrorCode.FUNCTION_DECLARATION_INVALID, `${source}: ${field}: ${message}`, options);
    this.source = source;
    this.field = field;
  }
}

/** Function names: they become `<stack>-<name>`, `<stack>-<name>-queue-dlq` and IAM role names within 64. */
export const FUNCTION_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const SECRET_NAME_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Set by the platform from the grants; a declaration cannot set or shadow them. */
const RESERVED_ENV =
  /^(KEY_ARN|NODE_OPTIONS|SMOKE_TESTS|[A-Z0-9_]+_BUCKET|[A-Z0-9_]+_QUEUE_URL|SECRET_.*|AWS_.*|LAMBDA_.*|_.*)$/;
/** Names that say "a secret lives here": secrets go through a `secret` grant, never the environment. */
const SECRET_LIKE_ENV = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY|APIKEY)/i;
const PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()/-]{1,256}$/;

/** The environment variable a `secret` grant sets: `SECRET_<NAME>` with `-` as `_`. */
export function secretEnvName(secret: string): string {
  return `SECRET_${secret.toUpperCase().replace(/-/g, '_')}`;
}

/** The environment variable a `queue` grant sets: `<FUNCTION>_QUEUE_URL` with `-` as `_`. */
export function queueEnvName(fn: string): string {
  return `${fn.toUpperCase().replace(/-/g, '_')}_QUEUE_URL`;
}

/** The environment variable a `bucket` grant sets: `INPUT_BUCKET` or `OUTPUT_BUCKET`. */
export function bucketEnvName(bucket: PlatformBucket): string {
  return `${bucket.toUpperCase()}_BUCKET`;
}

type Json = Record<string, unknown>;

class Checker {
  constructor(readonly source: string) {}

  fail(field: string, message: string): never {
    throw new FunctionDeclarationError(this.source, field, message);
  }

  object(field: string, value: unknown, allowed: readonly string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(field, 'must be an object.');
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.fail(
          `${field ? `${field}.` : ''}${key}`,
          `is not a field here; use one of ${allowed.join(', ')}.`,
        );
      }
    }
    return value as Json;
  }

  string(field: string, value: unknown, pattern: RegExp, hint: string): string {
    if (typeof value !== 'string' || !pattern.test(value))
      this.fail(field, `${JSON.stringify(value)}: ${hint}`);
    return value;
  }

  oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T {
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      this.fail(field, `${JSON.stringify(value)} is not one of ${options.join(', ')}.`);
    }
    return value as T;
  }

  integer(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `${JSON.stringify(value)} must be a whole number in ${min}..${max}.`);
    }
    return value;
  }

  number(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(field, `${JSON.stringify(value)} must be a number in ${min}..${max}.`);
    }
    return value;
  }

  stringMap(field: string, value: unknown): Record<string, string> {
    const map = this.object(field, value, Object.keys((value as Json) ?? {}));
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') this.fail(`${field}.${k}`, 'must be a string.');
    }
    return map as Record<string, string>;
  }
}

const SCHEDULE_EXPRESSION =
  /^(rate\(\d{1,5} (minute|minutes|hour|hours|day|days)\)|cron\([^()]{9,100}\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;

function parseTrigger(c: Checker, value: unknown): FunctionTrigger {
  const type = c.oneOf('trigger.type', (value as Json | undefined)?.type, TRIGGER_TYPES);
  switch (type) {
    case 's3': {
      const t = c.object('trigger', value, ['type', 'bucket', 'prefix']);
      return {
        type,
        bucket: c.oneOf('trigger.bucket', t.bucket, PLATFORM_BUCKETS),
        ...(t.prefix === undefined
          ? {}
          : {
              prefix: c.string(
                'trigger.prefix',
                t.prefix,
                PREFIX_PATTERN,
                'use a key prefix such as "uploads/".',
              ),
            }),
      };
    }
    case 'url':
    case 'deployment-hook':
      c.object('trigger', value, ['type']);
      return { type };
    case 'sqs': {
      const t = c.object('trigger', value, ['type', 'maxConcurrency', 'batchSize', 'maxReceiveCount']);
      return {
        type,
        ...(t.maxConcurrency === undefined
          ? {}
          : { maxConcurrency: c.integer('trigger.maxConcurrency', t.maxConcurrency, 2, 1000) }),
        ...(t.batchSize === undefined
          ? {}
          : { batchSize: c.integer('trigger.batchSize', t.batchSize, 1, 10) }),
        ...(t.maxReceiveCount === undefined
          ? {}
          : { maxReceiveCount: c.integer('trigger.maxReceiveCount', t.maxReceiveCount, 1, 1000) }),
      };
    }
    case 'schedule': {
      const t = c.object('trigger', value, [
        'type',
        'expression',
        'timezone',
        'maximumRetryAttempts',
        'maximumEventAgeSeconds',
      ]);
      return {
        type,
        expression: c.string(
          'trigger.expression',
          t.expression,
          SCHEDULE_EXPRESSION,
          'use rate(<n> minutes|hours|days), cron(<6 fields>) or at(yyyy-mm-ddThh:mm:ss).',
        ),
        ...(t.timezone === undefined
          ? {}
          : {
              timezone: c.string(
                'trigger.timezone',
                t.timezone,
                /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/,
                'use an IANA zone such as Europe/Paris.',
              ),
            }),
        ...(t.maximumRetryAttempts === undefined
          ? {}
          : {
              maximumRetryAttempts: c.integer('trigger.maximumRetryAttempts', t.maximumRetryAttempts, 0, 185),
            }),
        ...(t.maximumEventAgeSeconds === undefined
          ? {}
          : {
              maximumEventAgeSeconds: c.integer(
                'trigger.maximumEventAgeSeconds',
                t.maximumEventAgeSeconds,
                60,
                86400,
              ),
            }),
      };
    }
  }
}

const GRANT_TYPES = ['bucket', 'data-key', 'queue', 'secret'] as const;

function parseGrant(c: Checker, field: string, value: unknown): FunctionGrant {
  const type = (value as Json | undefined)?.type;
  if (!(GRANT_TYPES as readonly unknown[]).includes(type)) {
    c.fail(
      `${field}.type`,
      `${JSON.stringify(type)} is not a grant the platform declares (${GRANT_TYPES.join(', ')}). ` +
        'Policy JSON is never accepted: if a function needs another AWS resource, add a grant type to ' +
        'packages/contracts/src/functions.ts and its construct, with tests.',
    );
  }
  switch (type as FunctionGrant['type']) {
    case 'bucket': {
      const g = c.object(field, value, ['type', 'bucket', 'access', 'prefix']);
      return {
        type: 'bucket',
        bucket: c.oneOf(`${field}.bucket`, g.bucket, PLATFORM_BUCKETS),
        access: c.oneOf(`${field}.access`, g.access, ['read', 'write', 'read-write'] as const),
        ...(g.prefix === undefined
          ? {}
          : {
              prefix: c.string(
                `${field}.prefix`,
                g.prefix,
                PREFIX_PATTERN,
                'use a key prefix such as "reports/".',
              ),
            }),
      };
    }
    case 'data-key': {
      const g = c.object(field, value, ['type', 'use', 'encryptionContext']);
      const context = c.stringMap(`${field}.encryptionContext`, g.encryptionContext);
      if (Object.keys(context).length === 0) {
        c.fail(
          `${field}.encryptionContext`,
          'name at least one pair (e.g. { app: "<name>" }): KMS then refuses any other context.',
        );
      }
      for (const k of Object.keys(context)) {
        if (k.startsWith('aws'))
          c.fail(`${field}.encryptionContext.${k}`, 'keys starting with "aws" are reserved by AWS.');
      }
      return {
        type: 'data-key',
        use: c.oneOf(`${field}.use`, g.use, ['encrypt', 'decrypt', 'encrypt-decrypt'] as const),
        encryptionContext: context,
      };
    }
    case 'queue': {
      const g = c.object(field, value, ['type', 'access', 'function']);
      return {
        type: 'queue',
        access: c.oneOf(`${field}.access`, g.access, ['send'] as const),
        ...(g.function === undefined
          ? {}
          : {
              function: c.string(
                `${field}.function`,
                g.function,
                FUNCTION_NAME_PATTERN,
                'name a declared function with an sqs trigger.',
              ),
            }),
      };
    }
    case 'secret': {
      const g = c.object(field, value, ['type', 'name', 'store']);
      return {
        type: 'secret',
        name: c.string(
          `${field}.name`,
          g.name,
          SECRET_NAME_PATTERN,
          'use 1-64 of a-z, 0-9 and "-", starting with a letter.',
        ),
        store: c.oneOf(`${field}.store`, g.store, ['secretsmanager', 'ssm'] as const),
      };
    }
  }
}

function parseDeployment(c: Checker, value: unknown): FunctionDeploymentOverride {
  const type = c.oneOf('deployment.type', (value as Json | undefined)?.type, [
    'all-at-once',
    'canary',
    'linear',
  ] as const);
  if (type === 'all-at-once') {
    c.object('deployment', value, ['type']);
    return { type };
  }
  if (type === 'canary') {
    const d = c.object('deployment', value, ['type', 'percent', 'minutes']);
    return {
      type,
      percent: c.integer('deployment.percent', d.percent, 1, 99),
      minutes: c.integer('deployment.minutes', d.minutes, 1, 2880),
    };
  }
  const d = c.object('deployment', value, ['type', 'percent', 'minutes']);
  return {
    type,
    percent: c.integer('deployment.percent', d.percent, 1, 99),
    minutes: c.integer('deployment.minutes', d.minutes, 1, 2880),
  };
}

const DECLARATION_FIELDS = [
  'name',
  'description',
  'handler',
  'memorySize',
  'timeout',
  'environment',
  'trigger',
  'grants',
  'deployment',
  'alarms',
  'smokeTest',
] as const;

/**
 * Checks a declaration strictly and returns it typed. `source` names where it came from, for the message.
 *
 * @throws {FunctionDeclarationError} naming the field and what to write instead.
 * @example
 * ```ts
 * parseFunctionDeclaration('apps/report/function.ts', { name: 'report', trigger: { type: 'url' } });
 * ```
 */
export function parseFunctionDeclaration(source: string, value: unknown): FunctionDeclaration {
  const c = new Checker(source);
  const d = c.object('', value, DECLARATION_FIELDS);
  const name = c.string(
    'name',
    d.name,
    FUNCTION_NAME_PATTERN,
    'use 1-40 of a-z, 0-9 and "-", starting with a letter (it becomes <stack>-<name>).',
  );
  const grants: unknown = d.grants ?? [];
  if (!Array.isArray(grants)) c.fail('grants', 'must be a list of grants.');
  const parsedGrants = (grants as readonly unknown[]).map((g, i) => parseGrant(c, `grants[${i}]`, g));
  const trigger = parseTrigger(c, d.trigger);
  const environment = d.environment === undefined ? {} : c.stringMap('environment', d.environment);
  for (const key of Object.keys(environment)) {
    c.string(`environment.${key}`, key, ENV_NAME_PATTERN, 'environment names are letters, digits and "_".');
    if (RESERVED_ENV.test(key)) {
      c.fail(
        `environment.${key}`,
        'the platform sets this name (from grants, or for the runtime); remove it.',
      );
    }
    if (SECRET_LIKE_ENV.test(key)) {
      c.fail(
        `environment.${key}`,
        'looks like a secret: environment variables are visible to anyone who can read the function configuration. ' +
          "Declare { type: 'secret', name, store } in grants and read it with Powertools Parameters.",
      );
    }
  }
  const secretNames = parsedGrants.filter((g) => g.type === 'secret').map((g) => g.name);
  const dup = secretNames.find((n, i) => secretNames.indexOf(n) !== i);
  if (dup) c.fail('grants', `secret ${JSON.stringify(dup)} is granted twice; grant it once.`);
  for (const [i, g] of parsedGrants.entries()) {
    if (g.type === 'queue' && (g.function ?? name) === name && trigger.type !== 'sqs') {
      c.fail(
        `grants[${i}].function`,
        `${name} has no sqs trigger, so it has no queue: name the function whose queue it sends to.`,
      );
    }
  }
  let smokeTest: SmokeTest | undefined;
  if (d.smokeTest !== undefined) {
    const s = c.object('smokeTest', d.smokeTest, ['event', 'expect']);
    c.object('smokeTest.expect', s.expect, Object.keys((s.expect as Json) ?? {}));
    smokeTest = { event: s.event, expect: s.expect as Record<string, unknown> };
  }
  let alarms: FunctionAlarmsOverride | undefined;
  if (d.alarms !== undefined) {
    const a = c.object('alarms', d.alarms, [
      'errors',
      'throttles',
      'p99DurationOfTimeout',
      'deadLetterMessages',
    ]);
    alarms = {
      ...(a.errors === undefined ? {} : { errors: c.integer('alarms.errors', a.errors, 1, 100_000) }),
      ...(a.throttles === undefined
        ? {}
        : { throttles: c.integer('alarms.throttles', a.throttles, 1, 100_000) }),
      ...(a.p99DurationOfTimeout === undefined
        ? {}
        : { p99DurationOfTimeout: c.number('alarms.p99DurationOfTimeout', a.p99DurationOfTimeout, 0.1, 1) }),
      ...(a.deadLetterMessages === undefined
        ? {}
        : { deadLetterMessages: c.integer('alarms.deadLetterMessages', a.deadLetterMessages, 1, 100_000) }),
    };
  }
  return {
    name,
    ...(d.description === undefined
      ? {}
      : {
          description: c.string(
            'description',
            d.description,
            /^[^\p{Cc}]{0,256}$/u,
            'use up to 256 characters on one line.',
          ),
        }),
    ...(d.handler === undefined
      ? {}
      : {
          handler: c.string(
            'handler',
            d.handler,
            /^[A-Za-z0-9_/.-]{1,128}\.[A-Za-z_$][A-Za-z0-9_$]*$/,
            'use <file>.<export>, e.g. index.handler.',
          ),
        }),
    ...(d.memorySize === undefined ? {} : { memorySize: c.integer('memorySize', d.memorySize, 128, 10240) }),
    ...(d.timeout === undefined ? {} : { timeout: c.integer('timeout', d.timeout, 1, 900) }),
    environment,
    trigger,
    grants: parsedGrants,
    ...(d.deployment === undefined ? {} : { deployment: parseDeployment(c, d.deployment) }),
    ...(alarms ? { alarms } : {}),
    ...(smokeTest ? { smokeTest } : {}),
  };
}

/**
 * Checks what only the whole set can show: at most one deployment hook, and every queue grant names a
 * declared function with an sqs trigger.
 *
 * @throws {FunctionDeclarationError}
 */
export function checkFunctionSet(declarations: readonly FunctionDeclaration[]): void {
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const hooks = declarations.filter((d) => d.trigger.type === 'deployment-hook');
  if (hooks.length > 1) {
    throw new FunctionDeclarationError(
      `apps/${hooks[1]?.name}/function.ts`,
      'trigger',
      `only one function can be the deployment hook; ${hooks.map((h) => h.name).join(' and ')} both are.`,
    );
  }
  for (const d of declarations) {
    for (const [i, g] of (d.grants ?? []).entries()) {
      if (g.type !== 'queue') continue;
      const target = byName.get(g.function ?? d.name);
      if (target?.trigger.type !== 'sqs') {
        throw new FunctionDeclarationError(
          `apps/${d.name}/function.ts`,
          `grants[${i}].function`,
          `${JSON.stringify(g.function)} is not a declared function with an sqs trigger; declare it first or fix the name.`,
        );
      }
    }
  }
}
