/**
 * Command lines read with `node:util` `parseArgs`, and the usage text generated from the same option
 * table, so the two cannot disagree.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { errorMessage } from '../process';

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One-letter alias, e.g. `j` for `-j`. */
  readonly short?: string;
  /** Placeholder of the value in the usage, e.g. `N` or `DIR`. */
  readonly value?: string;
  readonly description: string;
}

/** A command: how it is run, what it does, its positionals and options (`--help` is added). */
export interface CommandSpec {
  /** How the user runs it, e.g. `node scripts/plan.mjs`. */
  readonly usage: string;
  readonly summary: string;
  readonly positionals?: { readonly name: string; readonly description: string };
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Lines after the options: exit codes, environment. */
  readonly epilogue?: readonly string[];
}

/** What a command line said. */
export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this text' };

/**
 * The usage text of a command, from its option table.
 *
 * @example
 * usage(PLAN_COMMAND);
 * // 'usage: node scripts/plan.mjs [options] [stack...]\n\n...\n  -j, --concurrency N  stacks planned at once (default 2)\n...'
 */
export function usage(spec: CommandSpec): string {
  const options = { ...spec.options, help: HELP };
  const label = (name: string, option: OptionSpec) =>
    `${option.short ? `-${option.short}, ` : '    '}--${name}${option.value ? ` ${option.value}` : ''}`;
  const rows: [string, string][] = [
    ...(spec.positionals ? [[spec.positionals.name, spec.positionals.description] as [string, string]] : []),
    ...Object.entries(options).map(
      ([name, option]) => [label(name, option), option.description] as [string, string],
    ),
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${spec.usage} [options]${spec.positionals ? ` [${spec.positionals.name}]` : ''}`,
    '',
    spec.summary,
    '',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    ...(spec.epilogue ? ['', ...spec.epilogue] : []),
  ].join('\n');
}

/**
 * Reads a command line strictly: an unknown option, a missing value or an unexpected positional is a
 * `UsageError` whose message ends with the usage.
 *
 * @throws UsageError (`USAGE`)
 * @example
 * parseCommandLine(PLAN_COMMAND, ['--fail-on', 'medium', 'secure-lambda-dev']);
 * // { values: { 'fail-on': 'medium' }, positionals: ['secure-lambda-dev'], help: false }
 */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): CommandLine {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => [
      name,
      option.short ? { type: option.type, short: option.short } : { type: option.type },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
    });
  } catch (error) {
    throw new UsageError(`${errorMessage(error)}\n\n${usage(spec)}`, { cause: error });
  }
  const { help, ...values } = parsed.values;
  return { values, positionals: parsed.positionals, help: help === true };
}

/**
 * A `UsageError` for a value the option table cannot check (a number, one of a list).
 *
 * @example
 * throw badValue(PLAN_COMMAND, 'concurrency', 'a whole number >= 1');
 */
export function badValue(spec: CommandSpec, name: string, wanted: string): UsageError {
  return new UsageError(`--${name} takes ${wanted}\n\n${usage(spec)}`);
}
