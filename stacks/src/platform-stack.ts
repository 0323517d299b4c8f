import { createHash } from 'node:crypto';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  CodeSigning,
  EncryptionKey,
  PrivateNetwork,
  SecureBucket,
  type SecureFunction,
} from '@secure-lambda/constructs';
import { RELEASE_MANIFEST_FORMAT } from '@secure-lambda/contracts';
import type { FunctionDeclaration } from '@secure-lambda/contracts/functions';
import type { ReleaseOutput } from '@secure-lambda/contracts/release-manifest';
import type { SmokeTest } from '@secure-lambda/contracts/smoke-events';
import { StackOutput } from '@secure-lambda/contracts/stack-outputs';
import {
  Annotations,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Token,
} from 'cdktf';
import type { Construct } from 'constructs';
import { resolveBundle } from './bundles';
import { checkAlarmDelivery, type EnvironmentConfig } from './config';
import { type DeclaredFunction, discoverFunctions } from './declarations';
import {
  EMULATED_SERVICES,
  EMULATOR_ENDPOINT_VARIABLE,
  type EmulatorGap,
  type EmulatorGapId,
  type EmulatorTarget,
} from './emulator';
import { DIRECT_INVOKE_GUARDRAIL_OUTPUT, directInvokeGuardrailFor } from './guardrails';
import { buildPlatformFunctions, smokeTests as declaredSmokeTests } from './platform-functions';

/** Hex SHA-256 of an environment value, as `secure-lambda` hashes what Lambda reports. */
function valueHash(value: string): string {
  // A literal is hashed here; a value with a token (an ARN, a name) is hashed by Terraform once known.
  return Token.isUnresolved(value)
    ? Fn.sha256(value)
    : createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * What a version of `fn` must be for `secure-lambda release` to promote it: the code hash and the
 * configuration Terraform applied. Code signing covers the zip only; everything here decides what code
 * runs (handler, runtime, environment such as NODE_OPTIONS, layers, file systems, image) or with what
 * privilege and reach (role, key, network). Read from the function's attributes after apply, so the code
 * hash is the one Lambda computed for the deployed object: with signing, the signed zip's hash, which
 * nothing before apply knows. Environment values are published as hashes only: `terraform apply` prints
 * outputs, and a value may be a secret.
 */
export function expectedVersion(fn: SecureFunction) {
  const lambda = fn.function;
  const variables = lambda.environmentInput?.variables ?? {};
  const files = lambda.fileSystemConfigInput;
  const image = lambda.imageConfigInput;
  // The CLI's canonical form: the API's field names, sorted, unset fields left out.
  const imageConfig = image
    ? JSON.stringify(
        Object.fromEntries(
          (
            [
              ['Command', image.command],
              ['EntryPoint', image.entryPoint],
              ['WorkingDirectory', image.workingDirectory],
            ] as const
          ).filter(([, v]) => v !== undefined),
        ),
      )
    : '';
  return {
    version: lambda.version,
    codeSha256: lambda.codeSha256,
    configuration: {
      packageType: lambda.packageType,
      runtime: lambda.runtime,
      handler: lambda.handler,
      role: lambda.role,
      memorySize: lambda.memorySize,
      timeout: lambda.timeout,
      architectures: lambda.architectures,
      environment: Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, valueHash(value)]),
      ),
      kmsKeyArn: lambda.kmsKeyArn,
      // From the configuration: the attribute reads back as [] after apply where the plan had null, which
      // would show as an output change on every plan. The synth invariants forbid layers anyway.
      layers: lambda.layersInput ?? [],
      tracingMode: lambda.tracingConfig.mode,
      subnetIds: lambda.vpcConfig.subnetIds,
      securityGroupIds: lambda.vpcConfig.securityGroupIds,
      ephemeralStorageMb: lambda.ephemeralStorage.size,
      fileSystems: files ? [`${files.arn} at ${files.localMountPath}`] : [],
      imageConfig: imageConfig === '{}' ? '' : imageConfig,
      signingProfileVersionArn: lambda.signingProfileVersionArn,
      signingJobArn: lambda.signingJobArn,
    },
  };
}

/**
 * The `release` output: per function (keyed by app), its name, alias, strategy, with CodeDeploy the
 * application, deployment group and rollback alarms, and what a version must be to be released
 * (`expected`). The format is the contract's (`RELEASE_MANIFEST_FORMAT`, 2: 1 had no `expected`);
 * `secure-lambda` reads it with the contract's parser and refuses any other.
 */
export function releaseManifest(env: EnvironmentConfig, functions: readonly SecureFunction[]): ReleaseOutput {
  return {
    format: RELEASE_MANIFEST_FORMAT,
    region: env.region,
    accountId: env.accountId,
    functions: Object.fromEntries(
      functions.map((fn) => [
        fn.node.id,
        {
          functionName: fn.function.functionName,
          alias: fn.alias.name,
          strategy: fn.deploymentStrategy,
          ...(fn.deployment
            ? {
                codedeploy: {
                  application: fn.deployment.application.name,
                  deploymentGroup: fn.deployment.deploymentGroup.deploymentGroupName,
                  alarms: fn.deployment.alarms.map((alarm) => alarm.alarmName),
                  hooks: {
                    ...(fn.deployment.hooks.preTraffic
                      ? { preTraffic: fn.deployment.hooks.preTraffic.functionName }
                      : {}),
                    ...(fn.deployment.hooks.postTraffic
                      ? { postTraffic: fn.deployment.hooks.postTraffic.functionName }
                      : {}),
                  },
                },
              }
            : {}),
          expected: expectedVersion(fn),
        },
      ]),
    ),
  };
}

/**
 * What the deployment hook sends each function's new version, keyed by function name: each declared
 * function's smoke test (an S3 event with no records for the object processor; for the crypto API a
 * Function URL request with no identity proof, which it must refuse with 403).
 */
export function smokeTests(
  prefix: string,
  declarations: readonly FunctionDeclaration[] = discoverFunctions().map((f) => f.declaration),
): Record<string, SmokeTest> {
  return declaredSmokeTests(
    prefix,
    declarations.filter((d) => d.trigger.type !== 'deployment-hook'),
  );
}

/**
 * One environment of the platform: a key, a private network, the input/output buckets and the
 * functions with their declared grants.
 *
 * @example
 * ```ts
 * new PlatformStack(app, 'secure-lambda-dev', environments.dev);
 * // The emulator deployment (npm run deploy:local): dev, minus the listed gaps, calling 127.0.0.1.
 * new PlatformStack(app, LOCAL_STACK_NAME, localEnvironment, { gaps: EMULATOR_GAPS });
 * ```
 */
export class PlatformStack extends TerraformStack {
  readonly functions: readonly SecureFunction[];
  /** The pre-traffic hook of canary and linear releases; undefined with all-at-once. */
  readonly deploymentHook: SecureFunction | undefined;

  constructor(
    scope: Construct,
    id: string,
    env: EnvironmentConfig,
    emulator?: EmulatorTarget,
    /** @default every declaration under apps/ (discoverFunctions) */
    declared?: readonly DeclaredFunction[],
  ) {
    super(scope, id);
    const prefix = `secure-lambda-${env.name}`;
    const omitted = new Set<EmulatorGapId>(
      emulator?.gaps.filter((gap) => gap.kind === 'unsupported').map((gap) => gap.id),
    );
    new AwsProvider(this, 'aws', {
      region: env.region,
      // Kept for the emulator too: deploy:local runs moto with MOTO_ACCOUNT_ID set to this account.
      allowedAccountIds: [env.accountId],
      defaultTags: [{ tags: { Project: 'secure-lambda', Environment: env.name, ManagedBy: 'cdktf' } }],
      ...(emulator ? this.#emulatorProviderSettings() : {}),
    });
    if (env.backend.type === 's3') {
      new S3Backend(this, {
        bucket: env.backend.bucket,
        key: env.backend.key,
        region: env.backend.region,
        encrypt: true,
        kmsKeyId: env.backend.kmsKeyId,
      });
      // Terraform >= 1.10 locks with a lock object in the bucket (no DynamoDB table); cdktf 0.21's
      // S3BackendConfig predates the option, hence the override.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative paths resolve from cdktf.out/stacks/<stack>/, which is git-ignored.
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    const where = { accountId: env.accountId, region: env.region };
    // Before any resource: prod without an alarm delivery must not synthesize at all.
    if (checkAlarmDelivery(env) === 0) {
      Annotations.of(this).addWarning(
        `${env.name}: no alarmDelivery configured; the alarms of this environment notify nobody.`,
      );
    }
    const key = new EncryptionKey(this, 'key', { alias: prefix, ...where });
    const network = new PrivateNetwork(this, 'network', {
      namePrefix: prefix,
      cidrBlock: env.vpcCidr,
      availabilityZones: env.availabilityZones,
      key,
      flowLogRetentionDays: env.logRetentionDays,
      ...(env.permissionsBoundaryArn ? { permissionsBoundaryArn: env.permissionsBoundaryArn } : {}),
      // Only the emulator target turns these off (EMULATOR_GAPS says why); dev and prod keep the defaults.
      dnsFirewall: !omitted.has('dns-firewall'),
      ...where,
    });
    const bucket = (name: string) =>
      new SecureBucket(this, `${name}-bucket`, {
        bucketName: `${prefix}-${env.accountId}-${name}`,
        key,
        bucketPolicy: !omitted.has('bucket-policy-conditions'),
        ...where,
      });
    const input = bucket('input');
    const output = bucket('output');
    const artifacts = bucket('artifacts');
    // Code bundles, not data: whoever deploys writes them and Signer and Lambda read them with the
    // deployer's credentials, all through S3 and for this bucket only.
    key.allowAccountUseVia('s3', { 'aws:s3:arn': `arn:aws:s3:::${artifacts.bucketName}` });
    for (const writer of env.dataAccess?.inputWriters ?? []) {
      // Multipart uploads need Decrypt too; a writer can therefore read the input bucket, which holds what it wrote.
      key.grantToPrincipal(writer, 'encrypt-decrypt', {
        viaService: 's3',
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${input.bucketName}` },
      });
    }
    // Every function deploys signed code; bundles go through this bucket to the signing jobs.
    const codeSigning = omitted.has('code-signing')
      ? undefined
      : new CodeSigning(this, 'code-signing', {
          profileName: prefix.replace(/-/g, '_'),
          artifactBucket: artifacts,
        });

    const bundleFor = (app: string): string => {
      const override = emulator?.bundles?.[app];
      if (override !== undefined) return override;
      const bundle = resolveBundle(app);
      if (bundle.placeholder) {
        // Shown by cdktf synth: deploying this stack now would publish code that refuses every event.
        Annotations.of(this).addWarning(
          `${app}: apps/${app}/dist/${app}.zip is not built; the function gets the placeholder bundle. ` +
            'Build the app (npm run build) before deploying.',
        );
      }
      return bundle.path;
    };

    // Every function declared in apps/<name>/function.ts, built the same way: nothing here names one.
    const { functions, hook } = buildPlatformFunctions(
      this,
      {
        prefix,
        env,
        key,
        network,
        buckets: { input, output },
        ...(codeSigning ? { codeSigning } : {}),
        bundleFor,
      },
      declared ?? discoverFunctions(),
    );
    for (const reader of env.dataAccess?.outputReaders ?? []) {
      // Readers decrypt what the functions that write the output bucket encrypted, under their contexts.
      for (const { declaration } of functions) {
        const writesOutput = declaration.grants?.some(
          (g) => g.type === 'bucket' && g.bucket === 'output' && g.access !== 'read',
        );
        if (!writesOutput) continue;
        for (const grant of declaration.grants ?? []) {
          if (grant.type === 'data-key' && grant.use !== 'decrypt') {
            key.grantToPrincipal(reader, 'decrypt', { encryptionContext: grant.encryptionContext });
          }
        }
      }
      key.grantToPrincipal(reader, 'decrypt', {
        viaService: 's3',
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${output.bucketName}` },
      });
    }

    this.functions = functions.map((f) => f.fn);
    this.deploymentHook = hook;
    for (const { declaration, fn, url, callersPolicy, queue } of functions) {
      const name = declaration.name;
      new TerraformOutput(this, `${name}-function-name`, { value: fn.function.functionName });
      new TerraformOutput(this, `${name}-alias-arn`, { value: fn.alias.aliasArn });
      if (url) new TerraformOutput(this, `${name}-url`, { value: url.functionUrl });
      // The client's `functionArn`: the audience every identity proof must name.
      if (url) new TerraformOutput(this, `${name}-function-arn`, { value: fn.function.arn });
      if (callersPolicy)
        new TerraformOutput(this, `${name}-callers-policy-arn`, { value: callersPolicy.arn });
      // Where producers (and the local smoke test) send the function's messages.
      if (queue) new TerraformOutput(this, `${name}-queue-url`, { value: queue.queueUrl });
    }
    new TerraformOutput(this, StackOutput.RELEASE, {
      description: 'What `secure-lambda release|rollback|status|prune` needs to know about each function.',
      value: releaseManifest(env, this.functions),
    });
    new TerraformOutput(this, StackOutput.KEY_ARN, { value: key.keyArn });
    new TerraformOutput(this, DIRECT_INVOKE_GUARDRAIL_OUTPUT, {
      description:
        'SCP and permissions boundary that deny direct invokes of URL-fronted functions (docs/guardrails/<stack>.json).',
      value: JSON.stringify(
        directInvokeGuardrailFor(env, prefix, {
          urlFronted: functions.filter((f) => f.url).map((f) => f.fn),
          others: functions.filter((f) => !f.url).map((f) => f.fn),
          exempt: hook,
        }),
      ),
    });
    new TerraformOutput(this, StackOutput.ALARM_DELIVERY, {
      description:
        'Where alarms go: subscriptions of each function topic, or the existing topic they publish to.',
      value: {
        emails: env.alarmDelivery?.emails?.length ?? 0,
        httpsEndpoints: env.alarmDelivery?.httpsEndpoints?.length ?? 0,
        ...(env.alarmDelivery?.topicArn ? { topicArn: env.alarmDelivery.topicArn } : {}),
      },
    });
    new TerraformOutput(this, StackOutput.INPUT_BUCKET_NAME, { value: input.bucketName });
    new TerraformOutput(this, StackOutput.OUTPUT_BUCKET_NAME, { value: output.bucketName });
    for (const gap of emulator?.gaps ?? []) this.#ignoreNotReadBack(gap);
  }

  /** `lifecycle.ignore_changes` for the attributes a `not-read-back` gap names, on every such resource. */
  #ignoreNotReadBack(gap: EmulatorGap): void {
    for (const { resourceType, attributes } of gap.ignoreChanges ?? []) {
      for (const node of this.node.findAll()) {
        if (node instanceof TerraformResource && node.terraformResourceType === resourceType) {
          const existing = node.lifecycle?.ignoreChanges;
          const kept = Array.isArray(existing) ? existing : [];
          node.lifecycle = { ...node.lifecycle, ignoreChanges: [...new Set([...kept, ...attributes])] };
        }
      }
    }
  }

  /**
   * Every service endpoint set to the emulator's URL, taken from a variable so that the synthesized stack
   * does not depend on the port the emulator got. Path-style S3: bucket host names do not resolve locally.
   */
  #emulatorProviderSettings() {
    const endpoint = new TerraformVariable(this, EMULATOR_ENDPOINT_VARIABLE, {
      type: 'string',
      description: 'URL of the local AWS emulator, https://127.0.0.1:<port>; set by npm run deploy:local.',
      validation: [
        {
          condition: `\${can(regex("^https://127[.]0[.]0[.]1:[0-9]+$", var.${EMULATOR_ENDPOINT_VARIABLE}))}`,
          errorMessage:
            'The emulator endpoint must be https://127.0.0.1:<port>: local deployments never leave this machine.',
        },
      ],
    });
    return {
      endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint.stringValue]))],
      s3UsePathStyle: true,
      skipMetadataApiCheck: 'true',
    };
  }
}
