/**
 * `@secure-lambda/terraform/config`: only the offline CLI config (provider mirror, config file, terraform's
 * environment) and its command, without the plan lane and the reviewer it loads. For deploy:local and
 * `npm run synth`, which need terraform configured and nothing else.
 *
 * @example
 * ```ts
 * import { prepareTerraform } from '@secure-lambda/terraform/config';
 * const { env } = prepareTerraform();
 * ```
 */
export { type CommandIo, processIo } from './cli/io';
export { runTerraformConfigCommand, TERRAFORM_CONFIG_COMMAND } from './cli/terraform-config';
export {
  defaultMirrorCandidates,
  findProviderMirror,
  type PreparedTerraform,
  type ProviderMirror,
  prepareTerraform,
  probeMirror,
  renderCliConfig,
  terraformEnv,
  terraformPlatform,
  writeCliConfig,
} from './cli-config';
export {
  AWS_PROVIDER,
  CLI_CONFIG_RELATIVE_PATH,
  KEPT_TF_VARIABLES,
  MIRROR_ENV_VAR,
  repoRoot,
  STUB_AWS_CREDENTIALS,
} from './constants';
export {
  TerraformConfigError,
  TerraformError,
  TerraformErrorCode,
  type TerraformErrorCodeValue,
} from './errors';
