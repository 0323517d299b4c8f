/**
 * The command line of secure-lambda-local: one table of commands and options, parsed with node:util
 * parseArgs, and the usage text generated from the same table.
 */
import path from 'node:path';
import { parseArgs as parseArgv } from 'node:util';
import { LocalUsageError } from './errors';

export const BIN = 'secure-lambda-local';

const COMMANDS = {
  deploy: 'start (or reuse) the emulator, apply the local stack with terraform, smoke-test it',
  destroy: 'destroy the local stack and stop the emulator',
  plan: 'terraform plan against the running emulator (exit 2 = drift)',
  bootstrap:
    'CI bootstrap step 1: apply secure-lambda-bootstrap-ENV with local state (--env, your AWS credentials), ' +
    'or both steps on the emulator (--emulator)',
  'migrate-state': 'CI bootstrap step 2: terraform init -migrate-state into the bucket step 1 made (--env)',
} as const;

/** The environments a CI bootstrap is for (stacks/src/bootstrap-config.ts). */
export const BOOTSTRAP_ENVIRONMENTS = ['dev', 'prod'] as const;
export type BootstrapEnvironment = (typeof BOOTSTRAP_ENVIRONMENTS)[number];

type Command = keyof typeof COMMANDS;

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  /** The value's placeholder in the usage text. */
  readonly value?: string;
  readonly commands: readonly Command[];
  readonly description: string;
}

const ALL: readonly Command[] = ['deploy', 'destroy', 'plan', 'bootstrap', 'migrate-state'];

const OPTIONS = {
  'local-dir': {
    type: 'string',
    value: 'DIR',
    commands: ALL,
    description: 'the local deployment folder (state, emulator record, certificate); default .local',
  },
  bundle: {
    type: 'string',
    multiple: true,
    value: 'APP=ZIP',
    commands: ['deploy'],
    description: "deploy ZIP as APP's code instead of apps/APP/dist/APP.zip (repeatable)",
  },
  backend: {
    type: 'string',
    value: 'local|s3',
    commands: ['deploy'],
    description:
      "where the stack's state lives: local (a file, the default) or s3 (the emulated CI state bucket, bootstrapped first, with its lock file)",
  },
  report: {
    type: 'string',
    value: 'FILE',
    commands: ['deploy', 'destroy', 'bootstrap'],
    description: 'also write the report as JSON to FILE',
  },
  'owner-pid': {
    type: 'string',
    value: 'PID',
    commands: ['deploy', 'bootstrap'],
    description: 'a new emulator stops by itself once process PID exits (for tests)',
  },
  env: {
    type: 'string',
    value: 'ENV',
    commands: ['bootstrap', 'migrate-state'],
    description: `the environment whose account to bootstrap: ${BOOTSTRAP_ENVIRONMENTS.join(' or ')}`,
  },
  emulator: {
    type: 'boolean',
    commands: ['bootstrap'],
    description: 'bootstrap the local emulator instead: both steps, the state bucket in moto',
  },
  'auto-approve': {
    type: 'boolean',
    commands: ['bootstrap'],
    description: 'apply without asking (the plan is still printed)',
  },
  help: { type: 'boolean', commands: ALL, description: 'print this text and exit' },
} as const satisfies Readonly<Record<string, OptionSpec>>;

type OptionName = keyof typeof OPTIONS;

/** The usage text, from the tables above. */
export function usage(): string {
  const width = (rows: readonly string[]) => Math.max(...rows.map((r) => r.length)) + 2;
  const commandWidth = width(Object.keys(COMMANDS));
  const flags = Object.entries(OPTIONS).map(([name, spec]: [string, OptionSpec]) => ({
    flag: `--${name}${spec.value ? ` ${spec.value}` : ''}`,
    spec,
  }));
  const flagWidth = width(flags.map((f) => f.flag));
  return [
    `usage: ${BIN} <${Object.keys(COMMANDS).join('|')}> [options]`,
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(commandWidth)}${text}`),
    '',
    'options:',
    ...flags.map(
      ({ flag, spec }) =>
        `  ${flag.padEnd(flagWidth)}${spec.description}` +
        (spec.commands.length < ALL.length ? ` (${spec.commands.join(', ')})` : ''),
    ),
  ].join('\n');
}

export interface Args {
  command: Command;
  help: boolean;
  localDir?: string;
  bundles: Record<string, string>;
  report?: string;
  ownerPid?: number;
  /** bootstrap, migrate-state: the environment (real account). */
  env?: BootstrapEnvironment;
  /** deploy: where the state lives. Set only when given. */
  backend?: 'local' | 's3';
  /** bootstrap: on the emulator. Set only when given. */
  emulator?: true;
  /** bootstrap: apply without asking. Set only when given. */
  autoApprove?: true;
}

function isCommand(word: string | undefined): word is Command {
  return word !== undefined && Object.hasOwn(COMMANDS, word);
}

/**
 * Parses argv (without node and the script). Every mistake is a LocalUsageError naming the argument.
 *
 * @example
 * parseArgs(['deploy', '--bundle', 'crypto-api=build/crypto-api.zip'])
 * // { command: 'deploy', help: false, bundles: { 'crypto-api': '/abs/build/crypto-api.zip' } }
 */
export function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return { command: 'deploy', help: true, bundles: {} };
  if (!isCommand(command)) {
    throw new LocalUsageError(command ? `unknown command ${command}` : 'a command is required');
  }
  // strict: false, so that every mistake gets this CLI's own words; tokens are checked one by one below.
  const { tokens } = parseArgv({
    args: [...rest],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const args: Args = { command, help: false, bundles: {} };
  for (const token of tokens) {
    if (token.kind === 'positional') throw new LocalUsageError(`unexpected argument ${token.value}`);
    if (token.kind !== 'option') continue;
    const spec: OptionSpec | undefined = Object.hasOwn(OPTIONS, token.name)
      ? OPTIONS[token.name as OptionName]
      : undefined;
    if (spec === undefined || !spec.commands.includes(command)) {
      throw new LocalUsageError(`unknown option ${token.rawName}`);
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new LocalUsageError(`${token.rawName} takes no value`);
      if (token.name === 'emulator') args.emulator = true;
      else if (token.name === 'auto-approve') args.autoApprove = true;
      else args.help = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith('--'))) {
      throw new LocalUsageError(`${token.rawName} needs a value`);
    }
    switch (token.name as Exclude<OptionName, 'help' | 'emulator' | 'auto-approve'>) {
      case 'local-dir':
        args.localDir = path.resolve(value);
        break;
      case 'backend':
        if (value !== 'local' && value !== 's3')
          throw new LocalUsageError(`--backend takes local or s3, got ${value}`);
        args.backend = value;
        break;
      case 'report':
        args.report = path.resolve(value);
        break;
      case 'owner-pid': {
        const pid = Number(value);
        if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(pid) || pid < 1) {
          throw new LocalUsageError('--owner-pid takes a process id');
        }
        args.ownerPid = pid;
        break;
      }
      case 'env': {
        if (!(BOOTSTRAP_ENVIRONMENTS as readonly string[]).includes(value)) {
          throw new LocalUsageError(`--env takes ${BOOTSTRAP_ENVIRONMENTS.join(' or ')}, got ${value}`);
        }
        args.env = value as BootstrapEnvironment;
        break;
      }
      case 'bundle': {
        const match = /^([a-z0-9-]+)=(.+)$/.exec(value);
        if (!match) {
          throw new LocalUsageError('--bundle takes APP=ZIP, e.g. --bundle crypto-api=build/crypto-api.zip');
        }
        args.bundles[match[1] as string] = path.resolve(match[2] as string);
        break;
      }
    }
  }
  if (
    !args.help &&
    args.command === 'bootstrap' &&
    (args.env === undefined) === (args.emulator === undefined)
  ) {
    throw new LocalUsageError('bootstrap takes either --env ENV (an AWS account) or --emulator');
  }
  if (!args.help && args.command === 'bootstrap' && args.emulator && args.autoApprove) {
    throw new LocalUsageError('--auto-approve is for --env; the emulator is always applied without asking');
  }
  if (!args.help && args.command === 'migrate-state' && args.env === undefined) {
    throw new LocalUsageError('migrate-state needs --env ENV');
  }
  return args;
}
