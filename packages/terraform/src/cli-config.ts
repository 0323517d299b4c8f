/**
 * Points Terraform at the AWS provider on local disk, so `terraform init/validate/plan` run without network
 * and without an AWS account.
 *
 * The CLI config goes to `<repo>/.terraform-cli/config.tfrc` (git-ignored). It installs only hashicorp/aws
 * from the mirror and lets every other provider go to its registry as usual. No `plugin_cache_dir`: from an
 * unpacked mirror `terraform init` symlinks the provider directory into `.terraform/providers/` (measured:
 * 0.7 s, 32 KB per stack), so a cache would save nothing.
 *
 * A preset `TF_CLI_CONFIG_FILE` may name a file that does not exist, and a developer's shell may carry AWS
 * profiles or `TF_CLI_ARGS`: `terraformEnv()` therefore drops every inherited `AWS_*` and `TF_*` variable
 * (except `TF_LOG*`) and sets its own, with credentials that are plainly fake.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AWS_PROVIDER,
  CLI_CONFIG_RELATIVE_PATH,
  KEPT_TF_VARIABLES,
  MIRROR_ENV_VAR,
  repoRoot,
  STUB_AWS_CREDENTIALS,
} from './constants';
import { TerraformConfigError, TerraformErrorCode } from './errors';
import { writeFileAtomic } from './files';

/** Where the provider was found. */
export interface ProviderMirror {
  /** The mirror root: the directory that holds `registry.terraform.io/`. */
  readonly root: string;
  readonly layout: 'unpacked' | 'packed';
  /** The provider's folder (unpacked) or zip (packed). */
  readonly location: string;
  /** Whether SECURE_LAMBDA_TF_MIRROR named it. */
  readonly fromEnv: boolean;
}

/** What `prepareTerraform` set up. */
export interface PreparedTerraform {
  readonly mirror: ProviderMirror;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Terraform's name for this machine's platform.
 *
 * @throws TerraformConfigError (`UNSUPPORTED_PLATFORM`) for an OS or CPU terraform has no build for
 * @example
 * terraformPlatform(); // 'linux_amd64'
 */
export function terraformPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const osName = ({ linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' } as const)[
    platform as 'linux'
  ];
  const cpu = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' } as const)[arch as 'x64'];
  if (!osName || !cpu) {
    throw new TerraformConfigError(
      TerraformErrorCode.UNSUPPORTED_PLATFORM,
      `Terraform has no provider builds for ${platform}/${arch}.`,
    );
  }
  return `${osName}_${cpu}`;
}

/**
 * The usual mirror roots, in the order they are tried when SECURE_LAMBDA_TF_MIRROR is not set: the machine
 * image's mirror first, then Terraform's own implied local mirror directories.
 *
 * @example
 * defaultMirrorCandidates()[0]; // '/opt/tf-plugins'
 */
export function defaultMirrorCandidates(): string[] {
  const home = os.homedir();
  return [
    '/opt/tf-plugins',
    path.join(home, '.terraform.d', 'plugins'),
    path.join(home, '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

/**
 * Looks for the provider in one mirror root, in either layout Terraform reads.
 *
 * @example
 * probeMirror('/opt/tf-plugins'); // { root: '/opt/tf-plugins', layout: 'unpacked', location: '...' }
 */
export function probeMirror(
  root: string,
  {
    version = AWS_PROVIDER.version,
    platform = terraformPlatform(),
  }: { version?: string; platform?: string } = {},
): Omit<ProviderMirror, 'fromEnv'> | undefined {
  const providerDir = path.join(root, AWS_PROVIDER.hostname, AWS_PROVIDER.namespace, AWS_PROVIDER.type);
  const unpacked = path.join(providerDir, version, platform);
  if (
    isDirectory(unpacked) &&
    readdirSync(unpacked).some((name) => name.startsWith('terraform-provider-aws'))
  ) {
    return { root, layout: 'unpacked', location: unpacked };
  }
  const packed = path.join(providerDir, `terraform-provider-aws_${version}_${platform}.zip`);
  if (existsSync(packed)) return { root, layout: 'packed', location: packed };
  return undefined;
}

/**
 * Finds the filesystem mirror that holds the AWS provider: SECURE_LAMBDA_TF_MIRROR when set (and then only
 * there; a relative path is taken from the repository root), otherwise the first of the candidates.
 *
 * @throws TerraformConfigError `MIRROR_INVALID` (the variable names a folder without it), `MIRROR_NOT_FOUND`
 * @example
 * ```ts
 * const mirror = findProviderMirror();
 * // { root: '/opt/tf-plugins', layout: 'unpacked', location: '/opt/tf-plugins/registry.terraform.io/...', fromEnv: false }
 * ```
 */
export function findProviderMirror({
  env = process.env,
  version = AWS_PROVIDER.version,
  candidates = defaultMirrorCandidates(),
}: {
  env?: NodeJS.ProcessEnv;
  version?: string;
  candidates?: readonly string[];
} = {}): ProviderMirror {
  const platform = terraformPlatform();
  const wanted = `${AWS_PROVIDER.hostname}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}/${version}/${platform}`;
  const fromEnv = env[MIRROR_ENV_VAR];
  if (fromEnv) {
    const found = probeMirror(path.resolve(repoRoot, fromEnv), { version, platform });
    if (!found) {
      throw new TerraformConfigError(
        TerraformErrorCode.MIRROR_INVALID,
        `${MIRROR_ENV_VAR}=${fromEnv} does not contain ${wanted}/ (nor the packed .zip). Point ${MIRROR_ENV_VAR} ` +
          'at the directory above `registry.terraform.io`, for example /opt/tf-plugins, or unset it to search ' +
          `the usual places. Find the binary with: find / -name 'terraform-provider-aws_*' 2>/dev/null`,
      );
    }
    return { ...found, fromEnv: true };
  }
  for (const root of candidates) {
    const found = probeMirror(root, { version, platform });
    if (found) return { ...found, fromEnv: false };
  }
  throw new TerraformConfigError(
    TerraformErrorCode.MIRROR_NOT_FOUND,
    `the AWS provider ${version} for ${platform} is not in any filesystem mirror searched ` +
      `(${candidates.join(', ')}). Set ${MIRROR_ENV_VAR} to the mirror root, the directory that holds ` +
      `${wanted}/. Find the binary with: find / -name 'terraform-provider-aws_*' 2>/dev/null`,
  );
}

/**
 * The text of the Terraform CLI config: hashicorp/aws only from the mirror, everything else direct.
 *
 * @example
 * renderCliConfig('/opt/tf-plugins'); // 'provider_installation {\n  filesystem_mirror { ...'
 */
export function renderCliConfig(mirrorRoot: string): string {
  const source = `${AWS_PROVIDER.hostname}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}`;
  return [
    '# Written by @secure-lambda/terraform (packages/terraform); do not edit (it is rewritten on every run).',
    `# The AWS provider comes from the filesystem mirror at ${mirrorRoot}, so init needs no network.`,
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirrorRoot)}`,
    `    include = [${JSON.stringify(source)}]`,
    '  }',
    '  direct {',
    `    exclude = [${JSON.stringify(source)}]`,
    '  }',
    '}',
    'disable_checkpoint = true',
    '',
  ].join('\n');
}

/**
 * Writes the CLI config for `mirrorRoot` under `root` (only when its content changes, and via rename, so
 * parallel test workers never read half a file).
 *
 * @example
 * writeCliConfig({ mirrorRoot: '/opt/tf-plugins' }); // '/repo/.terraform-cli/config.tfrc'
 */
export function writeCliConfig({
  mirrorRoot,
  root = repoRoot,
}: {
  mirrorRoot: string;
  root?: string;
}): string {
  const configPath = path.join(root, CLI_CONFIG_RELATIVE_PATH);
  const text = renderCliConfig(mirrorRoot);
  if (existsSync(configPath) && readFileSync(configPath, 'utf8') === text) return configPath;
  writeFileAtomic(configPath, text);
  return configPath;
}

/**
 * The environment for every terraform process of the offline lanes: the inherited environment without
 * `AWS_*` and `TF_*` (except `TF_LOG*`), plus the CLI config, no checkpoint calls, no prompts, fake
 * credentials and no instance-metadata lookups.
 *
 * @example
 * terraformEnv({ configPath: '/repo/.terraform-cli/config.tfrc' }).TF_CLI_CONFIG_FILE; // that path
 */
export function terraformEnv({
  configPath,
  baseEnv = process.env,
}: {
  configPath: string;
  baseEnv?: NodeJS.ProcessEnv;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (key.startsWith('AWS_')) continue;
    if (key.startsWith('TF_') && !KEPT_TF_VARIABLES.has(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: configPath,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...STUB_AWS_CREDENTIALS,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Empty files instead of ~/.aws/config and ~/.aws/credentials: no profile, SSO session or endpoint
    // override of the developer's can reach the offline lane.
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
  };
}

/**
 * Finds the mirror, writes the CLI config and returns the environment for terraform: the one call the plan
 * lane, deploy:local and the tests need.
 *
 * @example
 * ```ts
 * const { env } = prepareTerraform();
 * await spawnCollect('terraform', ['init', '-input=false'], { cwd: stackDir, env, timeoutMs: 600_000 });
 * ```
 */
export function prepareTerraform({
  baseEnv = process.env,
  version = AWS_PROVIDER.version,
  root = repoRoot,
  candidates = defaultMirrorCandidates(),
}: {
  baseEnv?: NodeJS.ProcessEnv;
  version?: string;
  root?: string;
  candidates?: readonly string[];
} = {}): PreparedTerraform {
  const mirror = findProviderMirror({ env: baseEnv, version, candidates });
  const configPath = writeCliConfig({ mirrorRoot: mirror.root, root });
  return { mirror, configPath, env: terraformEnv({ configPath, baseEnv }) };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
