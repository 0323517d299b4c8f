#!/usr/bin/env node
/**
 * Points Terraform at the AWS provider on local disk (`npm run synth` runs this): a thin bin over
 * @secure-lambda/terraform (packages/terraform; `node scripts/terraform-config.mjs --help`).
 *
 *   node scripts/terraform-config.mjs          # find the mirror, write .terraform-cli/config.tfrc
 *   eval "$(node scripts/terraform-config.mjs --env)"
 *
 * It also re-exports the names this file had as a module, for the scripts that still import it by path:
 *
 *   import { prepareTerraform } from '../../scripts/terraform-config.mjs';
 *   const { env } = prepareTerraform();
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo, runTerraformConfigCommand } from '@secure-lambda/terraform/config';

export {
  AWS_PROVIDER,
  CLI_CONFIG_RELATIVE_PATH,
  defaultMirrorCandidates,
  findProviderMirror,
  MIRROR_ENV_VAR,
  prepareTerraform,
  probeMirror,
  renderCliConfig,
  repoRoot,
  STUB_AWS_CREDENTIALS,
  TerraformConfigError,
  terraformEnv,
  terraformPlatform,
  writeCliConfig,
} from '@secure-lambda/terraform/config';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runTerraformConfigCommand(process.argv.slice(2), processIo());
}
