/**
 * Reading `terraform show -json <planfile>` output: the types the reviewer relies on, validation with
 * messages that say what to do, and finding the plan files of a folder.
 *
 * Only the fields the rules use are typed; everything else is kept as JSON. The format is documented at
 * https://developer.hashicorp.com/terraform/internals/json-format.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Defaults, REPORT_FILE_PREFIX, SUPPORTED_FORMAT_MAJOR } from './constants';
import {
  errorMessage,
  NoPlansFoundError,
  NotAPlanError,
  NotJsonError,
  UnreadableFileError,
  UnsupportedFormatVersionError,
} from './errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

/** One resource's planned change. `before`/`after` are null for a create/delete. */
export interface Change {
  readonly actions: readonly ChangeAction[];
  readonly before: JsonValue;
  readonly after: JsonValue;
  /** Mirrors `after`; `true` where the value is known only after apply. */
  readonly afterUnknown: JsonValue;
  /** Mirror `before`/`after`; `true` where the value is sensitive and must never be printed. */
  readonly beforeSensitive: JsonValue;
  readonly afterSensitive: JsonValue;
}

export interface ResourceChange {
  /** Full address, e.g. `module.net.aws_security_group.fn[0]`. */
  readonly address: string;
  readonly moduleAddress: string | undefined;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: Change;
  readonly actionReason: string | undefined;
}

/** A data source instance read while planning (it sits in `prior_state`, fully known). */
export interface StateResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly values: JsonValue;
  readonly sensitiveValues: JsonValue;
}

/** One resource block of the configuration, with the expressions of its arguments. */
export interface ConfigResource {
  /** Address in the configuration, without instance keys, with the module path, e.g. `module.net.aws_vpc.main`. */
  readonly address: string;
  /** `module.net` for a resource in that module, '' in the root module. */
  readonly modulePath: string;
  readonly expressions: JsonObject;
}

/** A parsed plan, ready for the rules. */
export interface Plan {
  /** Where it came from, for messages. */
  readonly source: string;
  readonly formatVersion: string;
  readonly terraformVersion: string | undefined;
  readonly resourceChanges: readonly ResourceChange[];
  readonly priorState: readonly StateResource[];
  readonly configResources: readonly ConfigResource[];
  /** Resource types present in the planned end state (for context such as "no internet gateway here"). */
  readonly plannedTypes: ReadonlySet<string>;
}

/**
 * Parses and validates the text of `terraform show -json <planfile>`.
 *
 * @throws NotJsonError, NotAPlanError, UnsupportedFormatVersionError (each says what to do)
 * @example
 * const plan = parsePlan(readFileSync('cdktf.out/plans/secure-lambda-dev.json', 'utf8'), 'secure-lambda-dev.json');
 * plan.resourceChanges.filter((rc) => rc.change.actions.includes('delete'));
 */
export function parsePlan(text: string, source: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const hint = text.startsWith('PK')
      ? ' It looks like a binary plan file: convert it with `terraform show -json <planfile> > plan.json`.'
      : ' Give the output of `terraform show -json <planfile>`.';
    throw new NotJsonError(source, `${source} is not JSON (${errorMessage(error)}).${hint}`, {
      cause: error,
    });
  }
  if (!isObject(raw)) {
    throw new NotAPlanError(source, `${source} is JSON but not a plan (not an object). ${PLAN_HINT}`);
  }
  const formatVersion = raw.format_version;
  if (typeof formatVersion !== 'string') {
    throw new NotAPlanError(
      source,
      `${source} is JSON but not a plan: it has no "format_version". ${PLAN_HINT}`,
    );
  }
  const major = Number(formatVersion.split('.')[0]);
  if (major !== SUPPORTED_FORMAT_MAJOR) {
    throw new UnsupportedFormatVersionError(
      source,
      formatVersion,
      `${source} uses plan JSON format_version ${formatVersion}; this reviewer reads ${SUPPORTED_FORMAT_MAJOR}.x ` +
        `(terraform 1.x). Produce the plan with terraform 1.x, or update @secure-lambda/review for the new format.`,
    );
  }
  // A state file (`terraform show -json` without a plan) has "values" and no planned_values.
  if (!('planned_values' in raw) && !('resource_changes' in raw)) {
    const what = 'values' in raw ? 'a state (no "planned_values")' : 'not a plan (no "planned_values")';
    throw new NotAPlanError(
      source,
      `${source} is ${what}. ${PLAN_HINT} Save the plan with \`terraform plan -out=tfplan\` first.`,
    );
  }
  const rawChanges = raw.resource_changes ?? [];
  if (!Array.isArray(rawChanges)) {
    throw new NotAPlanError(source, `${source}: "resource_changes" is not a list. ${PLAN_HINT}`);
  }
  const resourceChanges = rawChanges.map((entry, index) => readResourceChange(entry, index, source));
  return {
    source,
    formatVersion,
    terraformVersion: typeof raw.terraform_version === 'string' ? raw.terraform_version : undefined,
    resourceChanges,
    priorState: readStateResources(isObject(raw.prior_state) ? raw.prior_state.values : undefined),
    configResources: readConfiguration(raw.configuration),
    plannedTypes: new Set(readStateResources(raw.planned_values).map((resource) => resource.type)),
  };
}

const PLAN_HINT = 'The reviewer reads `terraform show -json <planfile>` output.';

/**
 * Reads and parses one plan file.
 *
 * @throws UnreadableFileError when the file cannot be read, and whatever {@link parsePlan} throws
 * @example
 * const plan = loadPlanFile('cdktf.out/plans/secure-lambda-prod.json');
 */
export function loadPlanFile(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : errorMessage(error);
    throw new UnreadableFileError(
      file,
      `cannot read ${file}: ${reason}. Pass plan JSON files or a folder of them (default ${Defaults.PLAN_DIR}; ` +
        '`npm run plan` writes them).',
      { cause: error },
    );
  }
  return parsePlan(text, file);
}

/** A plan file found for review, with its stack name (the file name without `.json`). */
export interface PlanInput {
  readonly file: string;
  readonly stack: string;
}

/**
 * Expands the CLI's arguments into plan files: a file is taken as is, a folder contributes its `*.json`
 * files except the reviewer's own `review.*` reports. Files found in a folder that turn out not to be
 * plans are skipped later (see {@link readPlans}); files named explicitly must be plans.
 *
 * @throws NoPlansFoundError when a folder holds no candidate, UnreadableFileError when a path is missing
 * @example
 * collectPlanFiles(['cdktf.out/plans']);
 * // [{ file: 'cdktf.out/plans/secure-lambda-dev.json', stack: 'secure-lambda-dev', fromFolder: true }, ...]
 */
export function collectPlanFiles(paths: readonly string[]): (PlanInput & { readonly fromFolder: boolean })[] {
  const found: (PlanInput & { fromFolder: boolean })[] = [];
  for (const given of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(given).isDirectory();
    } catch (error) {
      throw new UnreadableFileError(
        given,
        `cannot read ${given}: it does not exist. Run \`npm run plan\` to write cdktf.out/plans/<stack>.json, ` +
          'or pass the path of a `terraform show -json` file.',
        { cause: error },
      );
    }
    if (!isDirectory) {
      found.push({ file: given, stack: stackName(given), fromFolder: false });
      continue;
    }
    const entries = readdirSync(given)
      .filter((name) => name.endsWith('.json') && !name.startsWith(REPORT_FILE_PREFIX))
      .sort();
    if (entries.length === 0) {
      throw new NoPlansFoundError(
        `no plan files (*.json) in ${given}. Run \`npm run plan\` first, or pass plan files explicitly.`,
      );
    }
    for (const name of entries) {
      found.push({ file: path.join(given, name), stack: stackName(name), fromFolder: true });
    }
  }
  return found;
}

/**
 * `cdktf.out/plans/secure-lambda-dev.json` → `secure-lambda-dev`.
 *
 * @example
 * stackName('cdktf.out/plans/secure-lambda-dev.json'); // 'secure-lambda-dev'
 */
export function stackName(file: string): string {
  return path.basename(file).replace(/\.json$/i, '');
}

/**
 * Loads the collected files. A file from a folder that is not a plan is skipped with a note (the folder
 * may hold other JSON); an explicitly named file that is not a plan is an error.
 *
 * @example
 * const { plans, skipped } = readPlans(collectPlanFiles(['cdktf.out/plans']));
 */
export function readPlans(inputs: readonly (PlanInput & { readonly fromFolder: boolean })[]): {
  plans: { plan: Plan; stack: string }[];
  skipped: string[];
} {
  const plans: { plan: Plan; stack: string }[] = [];
  const skipped: string[] = [];
  for (const input of inputs) {
    try {
      plans.push({ plan: loadPlanFile(input.file), stack: input.stack });
    } catch (error) {
      if (input.fromFolder && (error instanceof NotAPlanError || error instanceof NotJsonError)) {
        skipped.push(`${input.file}: ${error.message}`);
        continue;
      }
      throw error;
    }
  }
  if (plans.length === 0) {
    throw new NoPlansFoundError(
      `none of the files given is a plan:\n${skipped.map((s) => `  - ${s}`).join('\n')}\n` +
        'Run `npm run plan` to write cdktf.out/plans/<stack>.json.',
    );
  }
  return { plans, skipped };
}

function readResourceChange(entry: unknown, index: number, source: string): ResourceChange {
  const where = `${source}: resource_changes[${index}]`;
  if (!isObject(entry)) throw new NotAPlanError(source, `${where} is not an object. ${PLAN_HINT}`);
  const { address, type, name, mode, change } = entry;
  if (typeof address !== 'string' || typeof type !== 'string' || typeof name !== 'string') {
    throw new NotAPlanError(source, `${where} lacks "address", "type" or "name". ${PLAN_HINT}`);
  }
  if (mode !== 'managed' && mode !== 'data') {
    throw new NotAPlanError(source, `${where} (${address}) has mode ${JSON.stringify(mode)}. ${PLAN_HINT}`);
  }
  if (
    !isObject(change) ||
    !Array.isArray(change.actions) ||
    !change.actions.every((a) => typeof a === 'string')
  ) {
    throw new NotAPlanError(source, `${where} (${address}) has no "change.actions" list. ${PLAN_HINT}`);
  }
  return {
    address,
    moduleAddress: typeof entry.module_address === 'string' ? entry.module_address : undefined,
    mode,
    type,
    name,
    actionReason: typeof entry.action_reason === 'string' ? entry.action_reason : undefined,
    change: {
      actions: change.actions as ChangeAction[],
      before: change.before ?? null,
      after: change.after ?? null,
      afterUnknown: change.after_unknown ?? false,
      beforeSensitive: change.before_sensitive ?? false,
      afterSensitive: change.after_sensitive ?? false,
    },
  };
}

/** Flattens `{ root_module: { resources, child_modules } }` of prior_state.values or planned_values. */
function readStateResources(values: JsonValue | undefined): StateResource[] {
  const out: StateResource[] = [];
  const walk = (module: JsonValue | undefined) => {
    if (!isObject(module)) return;
    for (const resource of asArray(module.resources)) {
      if (!isObject(resource)) continue;
      const { address, type, mode } = resource;
      if (typeof address !== 'string' || typeof type !== 'string') continue;
      out.push({
        address,
        type,
        mode: mode === 'data' ? 'data' : 'managed',
        values: resource.values ?? null,
        sensitiveValues: resource.sensitive_values ?? false,
      });
    }
    for (const child of asArray(module.child_modules)) walk(child);
  };
  if (isObject(values)) walk(values.root_module);
  return out;
}

/** Flattens the configuration's module tree; addresses get their module path (without instance keys). */
function readConfiguration(configuration: JsonValue | undefined): ConfigResource[] {
  const out: ConfigResource[] = [];
  const walk = (module: JsonValue | undefined, modulePath: string) => {
    if (!isObject(module)) return;
    for (const resource of asArray(module.resources)) {
      if (!isObject(resource) || typeof resource.address !== 'string') continue;
      out.push({
        address: modulePath ? `${modulePath}.${resource.address}` : resource.address,
        modulePath,
        expressions: isObject(resource.expressions) ? resource.expressions : {},
      });
    }
    if (isObject(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (!isObject(call)) continue;
        walk(call.module, modulePath ? `${modulePath}.module.${name}` : `module.${name}`);
      }
    }
  };
  if (isObject(configuration)) walk(configuration.root_module, '');
  return out;
}

/** @internal */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal */
export function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}
