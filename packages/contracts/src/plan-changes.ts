/**
 * What a terraform plan does, counted one way for every reader (the plan command, the plan review,
 * deploy:local): terraform's own summary line, "Plan: 53 to add, 0 to change, 0 to destroy", plus how
 * many of those are replacements, so no two tools print different numbers for one plan.
 */
import { PlanChangesError } from './errors';

/**
 * A plan's managed resource changes, counted as terraform's summary counts them: a replacement is one
 * `add` and one `destroy`, and also one `replace`. Data source reads and no-ops are not counted.
 */
export interface PlanChangeCounts {
  /** Resources created, replacements included: terraform's "N to add". */
  readonly add: number;
  /** Resources updated in place: "N to change". */
  readonly change: number;
  /** Resources destroyed, replacements included: "N to destroy". */
  readonly destroy: number;
  /** Of those, resources destroyed and created again (each also counted in `add` and `destroy`). */
  readonly replace: number;
}

/** No changes at all. */
export const NO_PLAN_CHANGES: PlanChangeCounts = { add: 0, change: 0, destroy: 0, replace: 0 };

const KNOWN_ACTIONS = new Set(['no-op', 'create', 'read', 'update', 'delete', 'forget']);

/**
 * Counts the resource changes of a plan (`terraform show -json <planfile>`). Only managed resources count,
 * as in terraform's summary line; a replacement (`["delete","create"]` or `["create","delete"]`) counts in
 * `add`, `destroy` and `replace`.
 *
 * @throws {PlanChangesError} when `resource_changes` or an entry's `change.actions` is not what terraform
 *   writes: counting what cannot be read would report fewer changes than the plan makes.
 * @example
 * ```ts
 * const counts = countPlanChanges(JSON.parse(readFileSync('cdktf.out/plans/secure-lambda-dev.json', 'utf8')));
 * planChangesText(counts); // '53 to add, 0 to change, 0 to destroy'
 * ```
 */
export function countPlanChanges(planJson: unknown): PlanChangeCounts {
  const bad = (what: string) =>
    new PlanChangesError(`${what}; pass the output of \`terraform show -json <planfile>\` (format 1.x).`);
  if (typeof planJson !== 'object' || planJson === null || Array.isArray(planJson)) {
    throw bad('the plan is not a JSON object');
  }
  const changes = (planJson as { resource_changes?: unknown }).resource_changes ?? [];
  if (!Array.isArray(changes)) throw bad('resource_changes is not a list');
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  changes.forEach((rc: unknown, index) => {
    const entry = (typeof rc === 'object' && rc !== null ? rc : {}) as {
      address?: unknown;
      mode?: unknown;
      change?: { actions?: unknown };
    };
    const where = typeof entry.address === 'string' ? entry.address : `resource_changes[${index}]`;
    const actions = entry.change?.actions;
    if (
      !Array.isArray(actions) ||
      actions.length === 0 ||
      !actions.every((a) => KNOWN_ACTIONS.has(a as string))
    ) {
      throw bad(`${where}: change.actions ${JSON.stringify(actions)} is not a list of terraform actions`);
    }
    if (entry.mode !== undefined && entry.mode !== 'managed') return;
    const key = actions.join(',');
    if (key === 'create') add += 1;
    else if (key === 'update') change += 1;
    else if (key === 'delete') destroy += 1;
    else if (key === 'delete,create' || key === 'create,delete') {
      add += 1;
      destroy += 1;
      replace += 1;
    } else if (key !== 'no-op' && key !== 'read' && key !== 'forget') {
      throw bad(`${where}: change.actions ${JSON.stringify(actions)} is not a combination terraform plans`);
    }
  });
  return { add, change, destroy, replace };
}

/**
 * The counts as terraform words them, with the replacements named when there are any.
 *
 * @example
 * ```ts
 * planChangesText({ add: 3, change: 1, destroy: 2, replace: 2 });
 * // '3 to add, 1 to change, 2 to destroy (2 replaced)'
 * ```
 */
export function planChangesText(counts: PlanChangeCounts): string {
  const base = `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
  if (counts.replace === 0) return base;
  return `${base} (${counts.replace} replaced)`;
}
