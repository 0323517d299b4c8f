/**
 * The terraform-config command (`node scripts/terraform-config.mjs`, run by `npm run synth`): finds the
 * provider mirror and writes the CLI config; with `--env`, prints `export` lines for a shell.
 */
import path from 'node:path';
import { prepareTerraform } from '../cli-config';
import { AWS_PROVIDER, ExitCode, MIRROR_ENV_VAR, STUB_AWS_CREDENTIALS } from '../constants';
import { TerraformError } from '../errors';
import type { CommandIo } from './io';
import { type CommandSpec, parseCommandLine, usage } from './options';

export const TERRAFORM_CONFIG_COMMAND: CommandSpec = {
  usage: 'node scripts/terraform-config.mjs',
  summary:
    'Finds the AWS provider in a filesystem mirror and writes the terraform CLI config\n' +
    '(.terraform-cli/config.tfrc) that installs it from there, so init needs no network.',
  options: {
    env: {
      type: 'boolean',
      description: 'also print export lines for a shell: eval "$(node scripts/terraform-config.mjs --env)"',
    },
  },
  epilogue: [
    'exit codes: 0 written; 2 bad option, or no mirror holds the provider.',
    `environment: ${MIRROR_ENV_VAR}, the mirror root (the directory holding registry.terraform.io/).`,
  ],
};

/** The variables the `--env` lines set; every other AWS_* and TF_* the lane unsets. */
const EXPORTED = [
  'TF_CLI_CONFIG_FILE',
  'CHECKPOINT_DISABLE',
  'TF_IN_AUTOMATION',
  'TF_INPUT',
  ...Object.keys(STUB_AWS_CREDENTIALS),
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
] as const;

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs the terraform-config command and returns its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = runTerraformConfigCommand(process.argv.slice(2), processIo());
 * ```
 */
export function runTerraformConfigCommand(argv: readonly string[], io: CommandIo): number {
  try {
    const { values, help } = parseCommandLine(TERRAFORM_CONFIG_COMMAND, argv);
    if (help) {
      io.stdout(`${usage(TERRAFORM_CONFIG_COMMAND)}\n`);
      return ExitCode.OK;
    }
    const { mirror, configPath, env } = prepareTerraform({ baseEnv: io.env });
    if (values.env === true) {
      for (const key of EXPORTED) io.stdout(`export ${key}=${shellQuote(env[key] ?? '')}\n`);
      io.stdout('unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN TF_CLI_ARGS\n');
      return ExitCode.OK;
    }
    io.stdout(
      `terraform-config: AWS provider ${AWS_PROVIDER.version} from ${mirror.location} (${mirror.layout})\n`,
    );
    io.stdout(`terraform-config: wrote ${path.relative(process.cwd(), configPath) || configPath}\n`);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof TerraformError) {
      io.stderr(`terraform-config: ${error.message}\n`);
      return ExitCode.CANNOT_RUN;
    }
    throw error;
  }
}
