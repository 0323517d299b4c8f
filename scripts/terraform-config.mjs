#!/usr/bin/env node
/**
 * Points Terraform at the AWS provider on local disk, so `terraform init/validate/plan` run without network
 * and without an AWS account.
 *
 *   node scripts/terraform-config.mjs          # find the mirror, write the CLI config, print both
 *   node scripts/terraform-config.mjs --env    # also print `export` lines for a shell:
 *                                              #   eval "$(node scripts/terraform-config.mjs --env)"
 *
 * As a module (scripts/plan.mjs and the system tests use it):
 *
 *   import { prepareTerraform } from './terraform-config.mjs';
 *   const { env } = prepareTerraform();
 *   spawnSync('terraform', ['init', '-input=false'], { cwd: stackDir, env });
 *
 * Environment:
 *   SECURE_LAMBDA_TF_MIRROR  the filesystem mirror root, i.e. the directory that holds
 *                            `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/` (unpacked layout) or
 *                            `registry.terraform.io/hashicorp/aws/terraform-provider-aws_<version>_<os>_<arch>.zip`
 *                            (packed layout). Without it a short list of usual places is searched.
 *
 * The CLI config goes to `<repo>/.terraform-cli/config.tfrc` (gitignored). It installs only
 * hashicorp/aws from the mirror and lets every other provider go to its registry as usual. No
 * `plugin_cache_dir`: from an unpacked mirror `terraform init` symlinks the provider directory into
 * `.terraform/providers/` (measured: 0.7 s, 32 KB per stack), so a cache would save nothing.
 *
 * The preset `TF_CLI_CONFIG_FILE` on these machines names a file that does not exist, and a developer's
 * shell may carry AWS profiles or `TF_CLI_ARGS`: `terraformEnv()` therefore drops every inherited
 * `AWS_*` and `TF_*` variable (except `TF_LOG*`) and sets its own, with credentials that are plainly fake.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The provider the stacks are generated against: `@cdktf/provider-aws` 20.1.0 wraps AWS provider 5.100.0. */
export const AWS_PROVIDER = Object.freeze({
  hostname: 'registry.terraform.io',
  namespace: 'hashicorp',
  type: 'aws',
  version: '5.100.0',
});

export const MIRROR_ENV_VAR = 'SECURE_LAMBDA_TF_MIRROR';

/** Where the CLI config is written, relative to the repository root. */
export const CLI_CONFIG_RELATIVE_PATH = path.join('.terraform-cli', 'config.tfrc');

/**
 * Values handed to Terraform in place of real credentials. They are not secrets and must never look like
 * they could be: no `AKIA` prefix, so no scanner and no reader mistakes them for a leaked key.
 */
export const STUB_AWS_CREDENTIALS = Object.freeze({
  AWS_ACCESS_KEY_ID: 'secure-lambda-offline-stub-not-a-real-key',
  AWS_SECRET_ACCESS_KEY: 'secure-lambda-offline-stub-not-a-real-secret',
});

/** Inherited variables kept for debugging; every other `TF_*` could change what Terraform does. */
const KEPT_TF_VARIABLES = new Set(['TF_LOG', 'TF_LOG_CORE', 'TF_LOG_PROVIDER', 'TF_LOG_PATH']);

export class TerraformConfigError extends Error {
  /**
   * @param {string} code stable identifier: MIRROR_NOT_FOUND, MIRROR_INVALID, UNSUPPORTED_PLATFORM
   * @param {string} message what is wrong and what to do next
   */
  constructor(code, message) {
    super(message);
    this.name = 'TerraformConfigError';
    this.code = code;
  }
}

/**
 * Terraform's name for this machine's platform, e.g. `linux_amd64`.
 * @returns {string}
 */
export function terraformPlatform() {
  const osName = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' }[process.platform];
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch];
  if (!osName || !arch) {
    throw new TerraformConfigError(
      'UNSUPPORTED_PLATFORM',
      `Terraform has no provider builds for ${process.platform}/${process.arch}.`,
    );
  }
  return `${osName}_${arch}`;
}

/**
 * The usual mirror roots, in the order they are tried when SECURE_LAMBDA_TF_MIRROR is not set: the machine
 * image's mirror first, then Terraform's own implied local mirror directories.
 * @returns {string[]}
 */
export function defaultMirrorCandidates() {
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
 * @param {string} root
 * @param {{ version?: string, platform?: string }} [options]
 * @returns {{ root: string, layout: 'unpacked' | 'packed', location: string } | undefined}
 */
export function probeMirror(root, { version = AWS_PROVIDER.version, platform = terraformPlatform() } = {}) {
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
 * there), otherwise the first of `defaultMirrorCandidates()` that has it.
 *
 * @example
 * const mirror = findProviderMirror();
 * // { root: '/opt/tf-plugins', layout: 'unpacked', location: '/opt/tf-plugins/registry.terraform.io/...', fromEnv: false }
 * @param {{ env?: NodeJS.ProcessEnv, version?: string, candidates?: string[] }} [options]
 */
export function findProviderMirror({
  env = process.env,
  version = AWS_PROVIDER.version,
  candidates = defaultMirrorCandidates(),
} = {}) {
  const platform = terraformPlatform();
  const wanted = `${AWS_PROVIDER.hostname}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}/${version}/${platform}`;
  const fromEnv = env[MIRROR_ENV_VAR];
  if (fromEnv) {
    const root = path.resolve(repoRoot, fromEnv);
    const found = probeMirror(root, { version, platform });
    if (!found) {
      throw new TerraformConfigError(
        'MIRROR_INVALID',
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
    'MIRROR_NOT_FOUND',
    `the AWS provider ${version} for ${platform} is not in any filesystem mirror searched ` +
      `(${candidates.join(', ')}). Set ${MIRROR_ENV_VAR} to the mirror root, the directory that holds ` +
      `${wanted}/. Find the binary with: find / -name 'terraform-provider-aws_*' 2>/dev/null`,
  );
}

/**
 * The text of the Terraform CLI config: hashicorp/aws only from the mirror, everything else direct.
 * @param {string} mirrorRoot
 * @returns {string}
 */
export function renderCliConfig(mirrorRoot) {
  const source = `${AWS_PROVIDER.hostname}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}`;
  return [
    '# Written by scripts/terraform-config.mjs; do not edit (it is rewritten on every run).',
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
 * Writes the CLI config for `mirrorRoot` (only when its content changes, and via rename, so parallel test
 * workers never read half a file).
 * @param {{ mirrorRoot: string, root?: string }} options
 * @returns {string} the config file's absolute path
 */
export function writeCliConfig({ mirrorRoot, root = repoRoot }) {
  const configPath = path.join(root, CLI_CONFIG_RELATIVE_PATH);
  const text = renderCliConfig(mirrorRoot);
  if (existsSync(configPath) && readFileSync(configPath, 'utf8') === text) return configPath;
  mkdirSync(path.dirname(configPath), { recursive: true });
  const tmp = `${configPath}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, configPath);
  return configPath;
}

/**
 * The environment for every terraform process of the offline lanes: the inherited environment without
 * `AWS_*` and `TF_*` (except `TF_LOG*`), plus the CLI config, no checkpoint calls, no prompts, fake
 * credentials and no instance-metadata lookups.
 *
 * @example
 * const env = terraformEnv({ configPath: '/repo/.terraform-cli/config.tfrc' });
 * @param {{ configPath: string, baseEnv?: NodeJS.ProcessEnv }} options
 * @returns {NodeJS.ProcessEnv}
 */
export function terraformEnv({ configPath, baseEnv = process.env }) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
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
 * lane and the tests need.
 *
 * @example
 * const { env, mirror } = prepareTerraform();
 * @param {{ baseEnv?: NodeJS.ProcessEnv, version?: string, root?: string }} [options]
 */
export function prepareTerraform({
  baseEnv = process.env,
  version = AWS_PROVIDER.version,
  root = repoRoot,
} = {}) {
  const mirror = findProviderMirror({ env: baseEnv, version });
  const configPath = writeCliConfig({ mirrorRoot: mirror.root, root });
  return { mirror, configPath, env: terraformEnv({ configPath, baseEnv }) };
}

/** @param {string} p */
function isDirectory(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** @param {string} value */
function shellQuote(value) {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function main() {
  const printEnv = process.argv.includes('--env');
  try {
    const { mirror, configPath, env } = prepareTerraform();
    if (printEnv) {
      const keys = [
        'TF_CLI_CONFIG_FILE',
        'CHECKPOINT_DISABLE',
        'TF_IN_AUTOMATION',
        'TF_INPUT',
        ...Object.keys(STUB_AWS_CREDENTIALS),
        'AWS_EC2_METADATA_DISABLED',
        'AWS_CONFIG_FILE',
        'AWS_SHARED_CREDENTIALS_FILE',
      ];
      for (const key of keys) console.log(`export ${key}=${shellQuote(env[key] ?? '')}`);
      console.log('unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN TF_CLI_ARGS');
      return;
    }
    console.log(
      `terraform-config: AWS provider ${AWS_PROVIDER.version} from ${mirror.location} (${mirror.layout})`,
    );
    console.log(`terraform-config: wrote ${path.relative(process.cwd(), configPath) || configPath}`);
  } catch (error) {
    if (error instanceof TerraformConfigError) {
      console.error(`terraform-config: ${error.message}`);
    } else {
      console.error('terraform-config: unexpected failure:', error);
    }
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
