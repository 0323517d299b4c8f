import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import {
  type CodeSigning,
  type EncryptionKey,
  type FunctionQueue,
  type FunctionSchedule,
  type PrivateNetwork,
  type SecureBucket,
  SecureFunction,
  type SecureFunctionProps,
  SecureSecret,
} from '@secure-lambda/constructs';
import {
  bucketEnvName,
  type FunctionDeclaration,
  FunctionDeclarationError,
  type FunctionGrant,
  type PlatformBucket,
  queueEnvName,
  secretEnvName,
} from '@secure-lambda/contracts/functions';
import type { SmokeTest } from '@secure-lambda/contracts/smoke-events';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config';
import type { DeclaredFunction } from './declarations';

/** Bundles ship their source maps; this makes stack traces point at the TypeScript sources. */
export const SOURCE_MAPS = '--enable-source-maps';

/** What every function of one stack shares. */
export interface PlatformContext {
  readonly prefix: string;
  readonly env: EnvironmentConfig;
  readonly key: EncryptionKey;
  readonly network: PrivateNetwork;
  readonly buckets: Readonly<Record<PlatformBucket, SecureBucket>>;
  readonly codeSigning?: CodeSigning;
  /** The zip of an app (the built bundle, an emulator override, or the placeholder). */
  readonly bundleFor: (app: string) => string;
}

/** A declared function as built: the function, its declaration and what its trigger created. */
export interface BuiltFunction {
  readonly declaration: FunctionDeclaration;
  readonly fn: SecureFunction;
  /** With a `url` trigger. */
  readonly url?: LambdaFunctionUrl;
  /** With a `url` trigger: the policy callers attach. */
  readonly callersPolicy?: IamPolicy;
  /** With an `sqs` trigger. */
  readonly queue?: FunctionQueue;
  /** With a `schedule` trigger. */
  readonly schedule?: FunctionSchedule;
}

export interface PlatformFunctions {
  /** Every declared function but the hook, sorted by name. */
  readonly functions: readonly BuiltFunction[];
  /** Every secret a grant names, once each, by `<store>:<name>`. */
  readonly secrets: ReadonlyMap<string, SecureSecret>;
  /** The pre-traffic hook, when some function is released progressively and a hook is declared. */
  readonly hook?: SecureFunction;
}

/** `<stack>-<name>`: every resource of a function is named after it. */
export function platformFunctionName(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

/** The queue URL an `sqs` trigger's queue gets, from configuration (the queue itself is created later). */
function queueUrl(ctx: PlatformContext, name: string): string {
  return `https://sqs.${ctx.env.region}.amazonaws.com/${ctx.env.accountId}/${platformFunctionName(ctx.prefix, name)}-queue`;
}

/** What the declaration's grants put into its environment: names and ARNs, never a secret's value. */
function grantEnvironment(ctx: PlatformContext, declaration: FunctionDeclaration): Record<string, string> {
  const env: Record<string, string> = {};
  for (const grant of declaration.grants ?? []) {
    switch (grant.type) {
      case 'bucket':
        env[bucketEnvName(grant.bucket)] = ctx.buckets[grant.bucket].bucketName;
        break;
      case 'data-key':
        env.KEY_ARN = ctx.key.keyArn;
        break;
      case 'queue': {
        const target = grant.function ?? declaration.name;
        env[queueEnvName(target)] = queueUrl(ctx, target);
        break;
      }
      case 'secret':
        env[secretEnvName(grant.name)] = secretName(ctx, grant);
        break;
    }
  }
  return env;
}

/** Secrets Manager names allow `/`; SSM parameter names are paths. Both sit under the stack's prefix. */
export function secretName(
  ctx: Pick<PlatformContext, 'prefix'>,
  grant: { name: string; store: string },
): string {
  return grant.store === 'ssm' ? `/${ctx.prefix}/${grant.name}` : `${ctx.prefix}/${grant.name}`;
}

function commonProps(ctx: PlatformContext, name: string): SecureFunctionProps {
  const { env } = ctx;
  return {
    functionName: platformFunctionName(ctx.prefix, name),
    bundlePath: ctx.bundleFor(name),
    key: ctx.key,
    network: ctx.network,
    logRetentionDays: env.logRetentionDays,
    alarms: env.alarms,
    ...(env.permissionsBoundaryArn ? { permissionsBoundaryArn: env.permissionsBoundaryArn } : {}),
    ...(env.alarmDelivery?.topicArn
      ? { alarmTopicArn: env.alarmDelivery.topicArn }
      : {
          alarmDelivery: {
            emails: env.alarmDelivery?.emails ?? [],
            httpsEndpoints: env.alarmDelivery?.httpsEndpoints ?? [],
          },
        }),
    deployment: env.deployment,
    ...(ctx.codeSigning ? { codeSigning: ctx.codeSigning } : {}),
    ...(env.reservedConcurrency === undefined ? {} : { reservedConcurrency: env.reservedConcurrency }),
    accountId: env.accountId,
    region: env.region,
  };
}

function declaredProps(ctx: PlatformContext, declaration: FunctionDeclaration): SecureFunctionProps {
  const common = commonProps(ctx, declaration.name);
  return {
    ...common,
    ...(declaration.description === undefined ? {} : { description: declaration.description }),
    ...(declaration.handler === undefined ? {} : { handler: declaration.handler }),
    ...(declaration.memorySize === undefined ? {} : { memorySize: declaration.memorySize }),
    ...(declaration.timeout === undefined ? {} : { timeout: declaration.timeout }),
    deployment: declaration.deployment ?? ctx.env.deployment,
    alarms: { ...ctx.env.alarms, ...declaration.alarms },
  };
}

/**
 * Builds every declared function with the platform's whole set-up: `SecureFunction` gives each its role,
 * encrypted log group, private network placement, dead-letter queue, alarms, code signing and `live` alias;
 * here its declared grants become the role's statements (and its VPC endpoints), and its trigger the
 * resources that invoke it.
 *
 * @example
 * ```ts
 * const { functions, hook } = buildPlatformFunctions(this, ctx, discoverFunctions());
 * ```
 */
export function buildPlatformFunctions(
  scope: Construct,
  ctx: PlatformContext,
  declared: readonly DeclaredFunction[],
): PlatformFunctions {
  const declarations = declared.map((d) => d.declaration);
  const hookDeclaration = declarations.find((d) => d.trigger.type === 'deployment-hook');
  const others = declarations.filter((d) => d !== hookDeclaration);
  const progressive = others.some((d) => (d.deployment ?? ctx.env.deployment).type !== 'all-at-once');
  if (hookDeclaration && (hookDeclaration.deployment ?? { type: 'all-at-once' }).type !== 'all-at-once') {
    throw new FunctionDeclarationError(
      `apps/${hookDeclaration.name}/function.ts`,
      'deployment',
      'the deployment hook cannot be released through a deployment it would have to approve: use { type: "all-at-once" }.',
    );
  }

  // With canary or linear releases, one hook checks each new version before any traffic reaches it.
  const hook =
    hookDeclaration && progressive
      ? new SecureFunction(scope, hookDeclaration.name, {
          ...declaredProps(ctx, hookDeclaration),
          deployment: { type: 'all-at-once' },
          environment: {
            ...hookDeclaration.environment,
            SMOKE_TESTS: JSON.stringify(smokeTests(ctx.prefix, others)),
            NODE_OPTIONS: SOURCE_MAPS,
          },
        })
      : undefined;

  const functions = others.map((declaration): BuiltFunction => {
    const strategy = declaration.deployment ?? ctx.env.deployment;
    const fn = new SecureFunction(scope, declaration.name, {
      ...declaredProps(ctx, declaration),
      ...(hook && strategy.type !== 'all-at-once' && declaration.smokeTest
        ? { deploymentHooks: { preTraffic: hook } }
        : {}),
      environment: {
        ...grantEnvironment(ctx, declaration),
        ...declaration.environment,
        NODE_OPTIONS: SOURCE_MAPS,
      },
    });
    return { declaration, fn, ...addTrigger(ctx, declaration, fn) };
  });

  const queues = new Map(functions.flatMap((f) => (f.queue ? [[f.declaration.name, f.queue] as const] : [])));
  const secrets = new Map<string, SecureSecret>();
  const secretFor = (grant: { name: string; store: 'secretsmanager' | 'ssm' }): SecureSecret => {
    const id = `${grant.store}:${grant.name}`;
    let secret = secrets.get(id);
    if (!secret) {
      secret = new SecureSecret(scope, `secret-${grant.store}-${grant.name}`, {
        name: secretName(ctx, grant),
        store: grant.store,
        key: ctx.key,
        accountId: ctx.env.accountId,
        region: ctx.env.region,
        description: `${grant.name}: set its value out of band (it never enters Terraform state).`,
      });
      secrets.set(id, secret);
    }
    return secret;
  };
  for (const { declaration, fn } of functions) {
    for (const grant of declaration.grants ?? []) {
      if (grant.type === 'queue') {
        // checkFunctionSet made sure the queue's function is declared with an sqs trigger.
        queues.get(grant.function ?? declaration.name)?.grantSend(fn);
      } else if (grant.type === 'secret') {
        secretFor(grant).grantRead(fn);
      } else {
        applyDeclaredGrant(ctx, fn, grant);
      }
    }
  }
  return { functions, secrets, ...(hook ? { hook } : {}) };
}

function addTrigger(
  ctx: PlatformContext,
  declaration: FunctionDeclaration,
  fn: SecureFunction,
): Pick<BuiltFunction, 'url' | 'callersPolicy' | 'queue' | 'schedule'> {
  const trigger = declaration.trigger;
  switch (trigger.type) {
    case 's3':
      ctx.buckets[trigger.bucket].notifyOnObjectCreated(
        fn,
        trigger.prefix === undefined ? {} : { prefix: trigger.prefix },
      );
      return {};
    case 'sqs':
      return {
        queue: fn.addQueueTrigger({
          ...(trigger.batchSize === undefined ? {} : { batchSize: trigger.batchSize }),
          ...(trigger.maxConcurrency === undefined ? {} : { maximumConcurrency: trigger.maxConcurrency }),
          ...(trigger.maxReceiveCount === undefined ? {} : { maxReceiveCount: trigger.maxReceiveCount }),
        }),
      };
    case 'schedule':
      return {
        schedule: fn.addSchedule({
          expression: trigger.expression,
          ...(trigger.timezone === undefined ? {} : { timezone: trigger.timezone }),
          retry: {
            ...(trigger.maximumRetryAttempts === undefined
              ? {}
              : { maximumRetryAttempts: trigger.maximumRetryAttempts }),
            ...(trigger.maximumEventAgeSeconds === undefined
              ? {}
              : { maximumEventAgeSeconds: trigger.maximumEventAgeSeconds }),
          },
        }),
      };
    case 'url': {
      const url = fn.addFunctionUrl();
      // Callers prove who they are with a GetCallerIdentity request the function sends to STS itself,
      // through the VPC's STS interface endpoint (private DNS for sts.<region>.amazonaws.com).
      fn.useService('sts');
      // Attach to the roles, users or Identity Center permission sets that may call the URL; it allows
      // lambda:InvokeFunction only via the URL (never a direct invoke with an event of the caller's making).
      const callersPolicy = fn.invokeUrlPolicy(`${fn.functionName}-callers`);
      return { url, callersPolicy };
    }
    case 'deployment-hook':
      // Built before the others (it receives their smoke tests); never reaches here.
      return {};
  }
}

function applyDeclaredGrant(
  ctx: PlatformContext,
  fn: SecureFunction,
  grant: Extract<FunctionGrant, { type: 'bucket' | 'data-key' }>,
): void {
  switch (grant.type) {
    case 'bucket': {
      const bucket = ctx.buckets[grant.bucket];
      const options = grant.prefix === undefined ? {} : { prefix: grant.prefix };
      if (grant.access !== 'read') bucket.grantWrite(fn, options);
      if (grant.access !== 'write') bucket.grantRead(fn, options);
      return;
    }
    case 'data-key': {
      const options = { encryptionContext: grant.encryptionContext };
      if (grant.use === 'encrypt') ctx.key.grantEncrypt(fn, options);
      else if (grant.use === 'decrypt') ctx.key.grantDecrypt(fn, options);
      else ctx.key.grantEncryptDecrypt(fn, options);
      return;
    }
  }
}

/**
 * What the deployment hook sends each function's new version, keyed by function name: the smoke test each
 * declaration names (for the crypto API a Function URL request with no identity proof, which it must refuse).
 */
export function smokeTests(
  prefix: string,
  declarations: readonly FunctionDeclaration[],
): Record<string, SmokeTest> {
  return Object.fromEntries(
    declarations
      .filter((d) => d.smokeTest !== undefined)
      .map((d) => [platformFunctionName(prefix, d.name), d.smokeTest as SmokeTest]),
  );
}
