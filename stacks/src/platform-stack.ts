import { createHash } from 'node:crypto';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  CodeSigning,
  EncryptionKey,
  PrivateNetwork,
  SecureBucket,
  SecureFunction,
  type SecureFunctionProps,
} from '@secure-lambda/constructs';
import { RELEASE_MANIFEST_FORMAT } from '@secure-lambda/contracts';
import type { ReleaseOutput } from '@secure-lambda/contracts/release-manifest';
import { SMOKE_TESTS, type SmokeTest } from '@secure-lambda/contracts/smoke-events';
import {
  aliasArnOutput,
  functionNameOutput,
  STACK_APPS,
  type StackApp,
  StackOutput,
} from '@secure-lambda/contracts/stack-outputs';
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
import {
  EMULATED_SERVICES,
  EMULATOR_ENDPOINT_VARIABLE,
  type EmulatorGap,
  type EmulatorGapId,
  type EmulatorTarget,
} from './emulator';
import { DIRECT_INVOKE_GUARDRAIL_OUTPUT, directInvokeGuardrailFor } from './guardrails';

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
 * What the deployment hook sends each function's new version, keyed by function name: each app's smoke
 * test from the contracts (an S3 event with no records for the object processor; for the crypto API a
 * Function URL request with no identity proof, which it must refuse with 403).
 */
export function smokeTests(prefix: string): Record<string, SmokeTest> {
  return Object.fromEntries(STACK_APPS.map((app) => [`${prefix}-${app}`, SMOKE_TESTS[app]]));
}

/** Bundles ship their source maps; this makes stack traces point at the TypeScript sources. */
const SOURCE_MAPS = '--enable-source-maps';

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

  constructor(scope: Construct, id: string, env: EnvironmentConfig, emulator?: EmulatorTarget) {
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
    const common = (app: string): SecureFunctionProps => ({
      functionName: `${prefix}-${app}`,
      bundlePath: bundleFor(app),
      key,
      network,
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
      ...(codeSigning ? { codeSigning } : {}),
      ...(env.reservedConcurrency === undefined ? {} : { reservedConcurrency: env.reservedConcurrency }),
      ...where,
    });

    // With canary or linear releases, one hook checks each new version before any traffic reaches it.
    const hook =
      env.deployment.type === 'all-at-once'
        ? undefined
        : new SecureFunction(this, 'deployment-hook', {
            ...common('deployment-hook'),
            // The hook itself cannot be released through a deployment it would have to approve.
            deployment: { type: 'all-at-once' },
            description: 'CodeDeploy BeforeAllowTraffic hook: smoke-tests the version being released.',
            environment: { SMOKE_TESTS: JSON.stringify(smokeTests(prefix)), NODE_OPTIONS: SOURCE_MAPS },
            timeout: 60,
          });
    const hooks = hook ? { deploymentHooks: { preTraffic: hook } } : {};

    const processor = new SecureFunction(this, 'object-processor', {
      ...common('object-processor'),
      ...hooks,
      description: 'Envelope-encrypts new objects of the input bucket into the output bucket.',
      environment: {
        INPUT_BUCKET: input.bucketName,
        OUTPUT_BUCKET: output.bucketName,
        KEY_ARN: key.keyArn,
        NODE_OPTIONS: SOURCE_MAPS,
      },
      timeout: 300,
      memorySize: 512,
    });
    input.grantRead(processor);
    output.grantWrite(processor);
    // HeadObject on the output (idempotency: skip a source version already written) needs read, and
    // ListBucket so that a missing object is a 404 rather than a 403.
    output.grantRead(processor);
    input.notifyOnObjectCreated(processor);
    key.grantEncrypt(processor, { encryptionContext: { app: 'object-processor' } });
    for (const reader of env.dataAccess?.outputReaders ?? []) {
      key.grantToPrincipal(reader, 'decrypt', { encryptionContext: { app: 'object-processor' } });
      key.grantToPrincipal(reader, 'decrypt', {
        viaService: 's3',
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${output.bucketName}` },
      });
    }

    const cryptoApi = new SecureFunction(this, 'crypto-api', {
      ...common('crypto-api'),
      ...hooks,
      description: 'Encrypts and decrypts payloads for the caller, as STS identifies it.',
      environment: { KEY_ARN: key.keyArn, NODE_OPTIONS: SOURCE_MAPS },
    });
    const url = cryptoApi.addFunctionUrl();
    // Callers prove who they are with a GetCallerIdentity request the function sends to STS itself,
    // through the VPC's STS interface endpoint (private DNS for sts.<region>.amazonaws.com).
    cryptoApi.useService('sts');
    // Attach to the roles, users or Identity Center permission sets that may call the API: the URL, and
    // lambda:InvokeFunction only via the URL (never a direct invoke with an event of the caller's making).
    const callers = cryptoApi.invokeUrlPolicy(`${prefix}-crypto-api-callers`);
    key.grantEncryptDecrypt(cryptoApi, { encryptionContext: { app: 'crypto-api' } });

    this.functions = [processor, cryptoApi];
    this.deploymentHook = hook;
    const byApp: Readonly<Record<StackApp, SecureFunction>> = {
      'object-processor': processor,
      'crypto-api': cryptoApi,
    };
    for (const app of STACK_APPS) {
      new TerraformOutput(this, functionNameOutput(app), { value: byApp[app].function.functionName });
      new TerraformOutput(this, aliasArnOutput(app), { value: byApp[app].alias.aliasArn });
    }
    new TerraformOutput(this, StackOutput.RELEASE, {
      description: 'What `secure-lambda release|rollback|status|prune` needs to know about each function.',
      value: releaseManifest(env, this.functions),
    });
    new TerraformOutput(this, StackOutput.CRYPTO_API_URL, { value: url.functionUrl });
    // The client's `functionArn`: the audience every identity proof must name.
    new TerraformOutput(this, StackOutput.CRYPTO_API_FUNCTION_ARN, { value: cryptoApi.function.arn });
    new TerraformOutput(this, StackOutput.CRYPTO_API_CALLERS_POLICY_ARN, { value: callers.arn });
    new TerraformOutput(this, StackOutput.KEY_ARN, { value: key.keyArn });
    new TerraformOutput(this, DIRECT_INVOKE_GUARDRAIL_OUTPUT, {
      description:
        'SCP and permissions boundary that deny direct invokes of URL-fronted functions (docs/guardrails/<stack>.json).',
      value: JSON.stringify(
        directInvokeGuardrailFor(env, prefix, { urlFronted: [cryptoApi], others: [processor], exempt: hook }),
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
