import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EncryptionKey, SecureBucket } from '@secure-lambda/constructs';
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import {
  BOOTSTRAP_PROJECT_TAG,
  type BootstrapConfig,
  bootstrapNames,
  GITHUB_OIDC,
  PLATFORM_TAGS,
} from './bootstrap-config';
import {
  type IamConditions,
  type IamPolicyStatement,
  PASS_ROLE_TARGETS,
  type ResolvedScope,
  resolveScope,
  tableStatements,
} from './bootstrap-permissions';
import { EMULATOR_ENDPOINT_VARIABLE } from './emulator';
import { ConfigError, StackErrorCode } from './errors';

/**
 * IAM's limit for a managed policy is 6,144 characters without whitespace. Only the state policies hold a
 * token (the state key's ARN, some 30 characters longer once resolved); the margin covers it.
 */
export const MANAGED_POLICY_BUDGET = 6_000;

/** The outputs the workflows and the platform's backend configuration read. */
export const BootstrapOutput = {
  STATE_BUCKET: 'state-bucket',
  STATE_KEY_ARN: 'state-key-arn',
  REGION: 'region',
  PLAN_ROLE_ARN: 'plan-role-arn',
  DEPLOY_ROLE_ARN: 'deploy-role-arn',
  OIDC_PROVIDER_ARN: 'oidc-provider-arn',
  PLATFORM_BACKEND: 'platform-backend',
  GITHUB_VARIABLES: 'github-variables',
} as const;

/** Options for a deployment to the local emulator (packages/local-aws bootstrap); dev and prod pass none. */
export interface BootstrapEmulatorTarget {
  /**
   * Leave out the state bucket's policy: moto evaluates a TLS-only Deny ignoring its condition and would
   * deny every object call (stacks/src/emulator.ts, gap `bucket-policy-conditions`).
   */
  readonly omitBucketPolicy: boolean;
  /** The stack's backend: local state (the first bootstrap step) while the emulator plays AWS. */
  readonly localBackendPath: string;
}

/** A statement of a trust or key policy, in IAM's JSON. */
interface TrustStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly Federated: string };
  readonly Action: 'sts:AssumeRoleWithWebIdentity';
  readonly Condition: IamConditions;
}

/**
 * The subjects (`sub` claims) a role accepts: GitHub writes `repo:<owner>/<repo>:pull_request` for pull
 * request workflows, `...:ref:refs/heads/<branch>` for a push without an environment and
 * `...:environment:<name>` for a job in a GitHub environment.
 */
export function trustedSubjects(config: BootstrapConfig): { plan: string[]; deploy: string[] } {
  const repo = `repo:${config.github.owner}/${config.github.repo}`;
  return {
    plan: [`${repo}:pull_request`],
    deploy: [
      ...(config.deployFromBranch ? [`${repo}:ref:refs/heads/${config.deployBranch}`] : []),
      `${repo}:environment:${config.githubEnvironment}`,
    ],
  };
}

/**
 * The audience must be STS (what configure-aws-credentials asks for) and the subject one of `subjects`. Both
 * operators may be `StringEquals`, so they are merged into one block, never overwritten.
 */
export function trustConditions(
  operator: 'StringLike' | 'StringEquals',
  subjects: readonly string[],
): IamConditions {
  const aud = { [`${GITHUB_OIDC.HOST}:aud`]: [GITHUB_OIDC.AUDIENCE] };
  const sub = { [`${GITHUB_OIDC.HOST}:sub`]: [...subjects] };
  return operator === 'StringEquals'
    ? { StringEquals: { ...aud, ...sub } }
    : { StringEquals: aud, StringLike: sub };
}

/** Splits statements into documents under the managed-policy budget (compact JSON). */
export function chunkStatements(
  statements: readonly IamPolicyStatement[],
  budget = MANAGED_POLICY_BUDGET,
  environment = 'bootstrap',
) {
  const docs: IamPolicyStatement[][] = [];
  let current: IamPolicyStatement[] = [];
  const size = (s: IamPolicyStatement[]) => JSON.stringify({ Version: '2012-10-17', Statement: s }).length;
  for (const statement of statements) {
    if (size([statement]) > budget) {
      throw new ConfigError(
        StackErrorCode.INVALID_CONFIG,
        environment,
        'bootstrap-permissions',
        `statement ${statement.Sid} alone exceeds the managed policy budget of ${budget} characters: ` +
          'split its rule in stacks/src/bootstrap-permissions.ts (fewer resources or actions per rule).',
      );
    }
    if (current.length > 0 && size([...current, statement]) > budget) {
      docs.push(current);
      current = [];
    }
    current.push(statement);
  }
  if (current.length > 0) docs.push(current);
  return docs;
}

/**
 * The account set-up that CI needs before the platform stacks can run from a pipeline, per environment:
 *
 * - the Terraform state bucket (SSE-KMS under its own rotating key, versioned, TLS-only, public access
 *   blocked; `SecureBucket`/`EncryptionKey` from @secure-lambda/constructs) with Terraform's S3 lock file;
 * - GitHub's OIDC identity provider and two roles: **plan** (read-only, pull requests of one repository) and
 *   **deploy** (the deploy branch or the GitHub environment), with policies derived from
 *   `RESOURCE_PERMISSIONS` (bootstrap-permissions.ts) for exactly what the platform stacks manage.
 *
 * Neither role can change IAM outside the platform's prefix (`secure-lambda-<env>-*`): the CI roles
 * themselves are `secure-lambda-ci-<env>-*`, and the state bucket and key carry another name and
 * `Project` tag. The stack's own state lives in its bucket after `migrate-state` (docs/ci.md).
 *
 * @example
 * ```ts
 * new BootstrapStack(app, 'secure-lambda-bootstrap-dev', bootstrapConfigs.dev);
 * ```
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly stateKey: EncryptionKey;
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly scope: ResolvedScope;

  constructor(scope: Construct, id: string, config: BootstrapConfig, emulator?: BootstrapEmulatorTarget) {
    super(scope, id);
    const env = config.environment;
    const names = bootstrapNames(env);
    const partition = 'aws';
    new AwsProvider(this, 'aws', {
      region: env.region,
      allowedAccountIds: [env.accountId],
      // Not the platform's Project tag: no tag condition of the deploy role can ever match these resources.
      defaultTags: [
        {
          tags: { Project: BOOTSTRAP_PROJECT_TAG, Environment: env.name, ManagedBy: PLATFORM_TAGS.ManagedBy },
        },
      ],
      ...(emulator ? this.#emulatorProviderSettings() : {}),
    });
    if (emulator) {
      new LocalBackend(this, { path: emulator.localBackendPath });
    } else {
      // Its own bucket, after `migrate-state`. No SSE parameters: the bucket's default (SSE-KMS under the state
      // key, bucket key on) applies, and the bucket policy denies any other key. The key's ARN cannot be named
      // here: it exists only after the first apply.
      new S3Backend(this, {
        bucket: config.stateBucketName,
        key: config.bootstrapStateKey,
        region: env.region,
        encrypt: false,
      });
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }

    const where = { accountId: env.accountId, region: env.region };
    this.stateKey = new EncryptionKey(this, 'state-key', {
      alias: names.stateKeyAlias,
      description: `Terraform state of secure-lambda ${env.name}`,
      ...where,
    });
    this.stateBucket = new SecureBucket(this, 'state-bucket', {
      bucketName: config.stateBucketName,
      key: this.stateKey,
      bucketPolicy: !emulator?.omitBucketPolicy,
      // Old state versions are the way back from a bad apply; a year of them.
      noncurrentVersionExpirationDays: 365,
      ...where,
    });
    const bucketArn = `arn:${partition}:s3:::${config.stateBucketName}`;
    // Whoever the account lets read the state (the CI roles, the administrators who bootstrap) uses the key
    // through S3 and for this bucket only.
    this.stateKey.allowAccountUseVia('s3', { 'aws:s3:arn': bucketArn });

    const providerArn = `arn:${partition}:iam::${env.accountId}:oidc-provider/${GITHUB_OIDC.HOST}`;
    if (config.createOidcProvider ?? true) {
      new IamOpenidConnectProvider(this, 'github-oidc', {
        url: GITHUB_OIDC.URL,
        clientIdList: [GITHUB_OIDC.AUDIENCE],
        // No thumbprint: AWS trusts GitHub's OIDC endpoint through its own root CAs since 2023.
      });
    }

    this.scope = resolveScope({
      accountId: env.accountId,
      region: env.region,
      environment: env.name,
      ...(env.permissionsBoundaryArn ? { permissionsBoundaryArn: env.permissionsBoundaryArn } : {}),
    });
    const subjects = trustedSubjects(config);
    const trust = (sid: string, operator: 'StringLike' | 'StringEquals', subs: string[]) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: sid,
            Effect: 'Allow',
            Principal: { Federated: providerArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: trustConditions(operator, subs),
          } satisfies TrustStatement,
        ],
      });
    const sessionSeconds = config.maxSessionSeconds ?? 3600;

    this.planRole = new IamRole(this, 'plan-role', {
      name: names.planRole,
      description: `secure-lambda ${env.name}: terraform plan from pull requests of ${config.github.owner}/${config.github.repo}; read-only.`,
      assumeRolePolicy: trust('GitHubPullRequests', 'StringLike', subjects.plan),
      maxSessionDuration: sessionSeconds,
    });
    this.deployRole = new IamRole(this, 'deploy-role', {
      name: names.deployRole,
      description: `secure-lambda ${env.name}: terraform apply and release from ${subjects.deploy.join(' or ')}.`,
      assumeRolePolicy: trust('GitHubDeployments', 'StringEquals', subjects.deploy),
      maxSessionDuration: sessionSeconds,
    });

    const state = this.#stateStatements(config, bucketArn);
    this.#attach('plan', names.planRole, this.planRole, [
      { group: 'state', statements: state.plan },
      ...tableStatements(this.scope, 'read'),
    ]);
    const deploy = tableStatements(this.scope, 'write').map((g) =>
      g.group === 'iam'
        ? { ...g, statements: [...g.statements, ...passRoleStatements(this.scope)] }
        : g.group === 'functions'
          ? { ...g, statements: [...g.statements, ...guardStatements()] }
          : g,
    );
    this.#attach('deploy', names.deployRole, this.deployRole, [
      { group: 'state', statements: state.deploy },
      ...deploy,
    ]);

    const backend = {
      type: 's3',
      bucket: config.stateBucketName,
      key: config.platformStateKey,
      region: env.region,
      kmsKeyId: this.stateKey.keyArn,
    };
    const outputs: Record<string, { value: unknown; description: string }> = {
      [BootstrapOutput.STATE_BUCKET]: {
        value: this.stateBucket.bucketName,
        description: 'Terraform state bucket',
      },
      [BootstrapOutput.STATE_KEY_ARN]: {
        value: this.stateKey.keyArn,
        description: 'KMS key of the state bucket',
      },
      [BootstrapOutput.REGION]: { value: env.region, description: 'region of the state bucket' },
      [BootstrapOutput.PLAN_ROLE_ARN]: {
        value: this.planRole.arn,
        description: 'role of the pull request plan',
      },
      [BootstrapOutput.DEPLOY_ROLE_ARN]: {
        value: this.deployRole.arn,
        description: 'role of the deploy job',
      },
      [BootstrapOutput.OIDC_PROVIDER_ARN]: { value: providerArn, description: 'GitHub OIDC provider' },
      [BootstrapOutput.PLATFORM_BACKEND]: {
        value: backend,
        description: "`backend` of the platform environment in stacks/src/config.ts (type 's3')",
      },
      [BootstrapOutput.GITHUB_VARIABLES]: {
        value: {
          [`AWS_PLAN_ROLE_ARN_${env.name.toUpperCase()}`]: this.planRole.arn,
          [`AWS_DEPLOY_ROLE_ARN_${env.name.toUpperCase()}`]: this.deployRole.arn,
          [`AWS_REGION_${env.name.toUpperCase()}`]: env.region,
        },
        description: 'repository variables the workflows read (docs/ci.md)',
      },
    };
    for (const [name, output] of Object.entries(outputs)) {
      // Output names are the contract; the construct id only has to be unique beside the resources.
      new TerraformOutput(this, `output-${name}`, output).overrideLogicalId(name);
    }
  }

  /**
   * The state as each role may touch it. Terraform's S3 backend lists the bucket (workspaces), reads and
   * writes the state object, and with `use_lockfile` writes and deletes `<key>.tflock` beside it: even a
   * plan takes the lock, so the plan role writes that one object and nothing else.
   */
  #stateStatements(config: BootstrapConfig, bucketArn: string) {
    const stateObject = `${bucketArn}/${config.platformStateKey}`;
    const lockObject = `${stateObject}.tflock`;
    const list: IamPolicyStatement = {
      Sid: 'StateList',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn],
      Condition: {
        StringLike: { 's3:prefix': [config.platformStateKey, `${config.platformStateKey}.tflock`] },
      },
    };
    const key = (actions: string[]): IamPolicyStatement => ({
      Sid: actions.length > 1 ? 'StateKeyReadWrite' : 'StateKeyRead',
      Effect: 'Allow',
      Action: actions,
      Resource: [this.stateKey.keyArn],
      Condition: {
        StringEquals: {
          'kms:ViaService': [`s3.${config.environment.region}.amazonaws.com`],
          'kms:EncryptionContext:aws:s3:arn': [bucketArn],
        },
      },
    });
    const lock: IamPolicyStatement = {
      Sid: 'StateLock',
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      Resource: [lockObject],
    };
    return {
      plan: [
        list,
        { Sid: 'StateRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [stateObject] } as const,
        lock,
        // Decrypt reads the state; GenerateDataKey encrypts the lock object (the bucket's default SSE-KMS).
        key(['kms:Decrypt', 'kms:GenerateDataKey']),
      ],
      deploy: [
        list,
        {
          Sid: 'StateReadWrite',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: [stateObject],
        } as const,
        lock,
        key(['kms:Decrypt', 'kms:GenerateDataKey']),
      ],
    };
  }

  /**
   * One managed policy per group (`<role>-<group>`, construct id `<kind>-<group>`), split further only if a
   * group outgrows IAM's size limit (`-2`, ...).
   */
  #attach(
    kind: 'plan' | 'deploy',
    roleName: string,
    role: IamRole,
    groups: readonly { readonly group: string; readonly statements: readonly IamPolicyStatement[] }[],
  ): void {
    for (const { group, statements } of groups) {
      chunkStatements(statements, MANAGED_POLICY_BUDGET, this.scope.environment).forEach((doc, i) => {
        const suffix = i === 0 ? group : `${group}-${i + 1}`;
        const policy = new IamPolicy(this, `${kind}-${suffix}`, {
          name: `${roleName}-${suffix}`,
          description: `secure-lambda ${this.scope.environment} ${kind} role: ${group}`,
          policy: JSON.stringify({ Version: '2012-10-17', Statement: doc }),
        });
        new IamRolePolicyAttachment(this, `${kind}-${suffix}-attachment`, {
          role: role.name,
          policyArn: policy.arn,
        });
      });
    }
  }

  #emulatorProviderSettings() {
    const endpoint = new TerraformVariable(this, EMULATOR_ENDPOINT_VARIABLE, {
      type: 'string',
      description: 'URL of the local AWS emulator, https://127.0.0.1:<port>.',
      validation: [
        {
          condition: `\${can(regex("^https://127[.]0[.]0[.]1:[0-9]+$", var.${EMULATOR_ENDPOINT_VARIABLE}))}`,
          errorMessage: 'The emulator endpoint must be https://127.0.0.1:<port>.',
        },
      ],
    });
    return {
      endpoints: [Object.fromEntries(['iam', 'kms', 's3', 'sts'].map((s) => [s, endpoint.stringValue]))],
      s3UsePathStyle: true,
      skipMetadataApiCheck: 'true',
    };
  }
}

/** `iam:PassRole` only to the platform's roles of each kind, and only to the service that kind is for. */
export function passRoleStatements(scope: ResolvedScope): IamPolicyStatement[] {
  return PASS_ROLE_TARGETS.map((target, i) => ({
    Sid: `PassRole${String(i + 1).padStart(2, '0')}`,
    Effect: 'Allow' as const,
    Action: ['iam:PassRole'],
    Resource: target.roles(scope),
    Condition: { StringEquals: { 'iam:PassedToService': [target.service] } },
  }));
}

/**
 * Denies that hold whatever the allows say: a function's resource policy never names everyone, and no
 * Function URL goes without IAM auth (the allow already requires AWS_IAM for creating one).
 */
export function guardStatements(): IamPolicyStatement[] {
  return [
    {
      Sid: 'DenyPublicFunctionPolicies',
      Effect: 'Deny',
      Action: ['lambda:AddPermission'],
      Resource: ['*'],
      Condition: { StringEquals: { 'lambda:Principal': ['*'] } },
    },
    {
      Sid: 'DenyUnauthenticatedFunctionUrls',
      Effect: 'Deny',
      Action: ['lambda:AddPermission', 'lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
      Resource: ['*'],
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': ['NONE'] } },
    },
  ];
}
