import { type EnvironmentConfig, environments } from './config';

/**
 * GitHub Actions' OIDC issuer as AWS sees it: the provider URL, the host that prefixes its claims in IAM
 * condition keys (`token.actions.githubusercontent.com:sub`), and the audience
 * `aws-actions/configure-aws-credentials` asks for.
 */
export const GITHUB_OIDC = {
  URL: 'https://token.actions.githubusercontent.com',
  HOST: 'token.actions.githubusercontent.com',
  AUDIENCE: 'sts.amazonaws.com',
} as const;

/**
 * Tags the platform stacks put on every resource (`default_tags` in platform-stack.ts; a test holds the two
 * together). The deploy role's writes on resources whose ARNs hold a random id (EC2, KMS keys) are scoped by
 * them. The bootstrap stack tags its own resources with `BOOTSTRAP_PROJECT_TAG` instead, so no tag condition
 * of the deploy role ever matches the state key.
 */
export const PLATFORM_TAGS = { Project: 'secure-lambda', ManagedBy: 'cdktf' } as const;
export const BOOTSTRAP_PROJECT_TAG = 'secure-lambda-bootstrap';

/** The name of the bootstrap stack of an environment, and of the stacks' prefix. */
export const BOOTSTRAP_STACK_PREFIX = 'secure-lambda-bootstrap-';
export const bootstrapStackName = (env: string): string => `${BOOTSTRAP_STACK_PREFIX}${env}`;

/** The repository whose workflows may assume the roles. */
export interface GitHubRepository {
  /** The user or organisation, as in `github.com/<owner>/<repo>`. */
  readonly owner: string;
  readonly repo: string;
}

/** Everything the bootstrap stack of one environment needs. */
export interface BootstrapConfig {
  /** The platform environment the roles deploy (account, region, name). */
  readonly environment: EnvironmentConfig;
  readonly github: GitHubRepository;
  /** The branch whose pushes deploy. `sub` = `repo:<owner>/<repo>:ref:refs/heads/<branch>`. */
  readonly deployBranch: string;
  /** The GitHub environment of the deploy job. `sub` = `repo:<owner>/<repo>:environment:<name>`. */
  readonly githubEnvironment: string;
  /**
   * Whether a job on `deployBranch` that names no GitHub environment may assume the deploy role. Off where
   * the environment carries a manual approval: GitHub puts `environment:<name>` into `sub` only for jobs that
   * name it, so a branch claim would let any job on the branch skip the approval.
   */
  readonly deployFromBranch: boolean;
  /**
   * Whether this stack creates the account's GitHub OIDC provider. An account holds one provider per URL:
   * set false when another stack (or another environment in the same account) already made it; the roles
   * then trust the provider by its ARN.
   * @default true
   */
  readonly createOidcProvider?: boolean;
  /** The state bucket: outside the platform's name prefix, so the deploy role cannot reach it as a platform bucket. */
  readonly stateBucketName: string;
  /** Where the platform stack's state lives in the bucket; its lock object is `<key>.tflock`. */
  readonly platformStateKey: string;
  /** Where this stack's own state lives after `migrate-state`. Neither CI role can read it. */
  readonly bootstrapStateKey: string;
  /** Longest CI session, in seconds. @default 3600 */
  readonly maxSessionSeconds?: number;
}

/**
 * PLACEHOLDER: the GitHub repository the workflows run in. Replace with yours before bootstrapping; the
 * trust policies accept tokens of this repository only.
 */
export const GITHUB_REPOSITORY: GitHubRepository = { owner: 'example-org', repo: 'secure-lambda' };

/** Names derived from an environment; kept here so the stacks, workflows and docs agree. */
export function bootstrapNames(env: Pick<EnvironmentConfig, 'name' | 'accountId'>) {
  return {
    stack: bootstrapStackName(env.name),
    /** `secure-lambda-<env>`: every platform resource name starts with `<prefix>-`. */
    platformPrefix: `secure-lambda-${env.name}`,
    /** The CI roles live outside the platform prefix: the deploy role can never edit itself. */
    planRole: `secure-lambda-ci-${env.name}-plan`,
    deployRole: `secure-lambda-ci-${env.name}-deploy`,
    stateBucket: `secure-lambda-tfstate-${env.name}-${env.accountId}`,
    stateKeyAlias: `secure-lambda-tfstate-${env.name}`,
    platformStateKey: `platform/secure-lambda-${env.name}.tfstate`,
    bootstrapStateKey: `bootstrap/${bootstrapStackName(env.name)}.tfstate`,
  } as const;
}

function configFor(environment: EnvironmentConfig, approval: boolean): BootstrapConfig {
  const names = bootstrapNames(environment);
  return {
    environment,
    github: GITHUB_REPOSITORY,
    deployBranch: 'main',
    githubEnvironment: environment.name,
    deployFromBranch: !approval,
    stateBucketName: names.stateBucket,
    platformStateKey: names.platformStateKey,
    bootstrapStateKey: names.bootstrapStateKey,
  };
}

/**
 * One bootstrap per platform environment and account. dev deploys from `main` (with or without its GitHub
 * environment); prod only from jobs in the `prod` GitHub environment, which carries the manual approval.
 * Accounts and region come from `environments` (config.ts), whose account ids are placeholders too.
 */
export const bootstrapConfigs: Readonly<Record<'dev' | 'prod', BootstrapConfig>> = {
  dev: configFor(environments.dev, false),
  prod: configFor(environments.prod, true),
};
