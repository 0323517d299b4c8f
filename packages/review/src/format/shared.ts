/** Helpers the three formats share. */
import type { JsonValue } from '../plan';
import type { ChangeCounts } from '../review';

/**
 * A value as one line of text: strings as they are, everything else as compact JSON, cut at `max`.
 *
 * @example
 * valueText({ mode: 'Active' }, 80); // '{"mode":"Active"}'
 */
export function valueText(value: JsonValue, max: number): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `+62 ~1 -0 ±2` for create, update, delete, replace.
 *
 * @example
 * changesText({ create: 2, update: 1, delete: 0, replace: 0 }); // '2 to create, 1 to update, 0 to destroy, 0 to replace'
 */
export function changesText(changes: ChangeCounts): string {
  return `${changes.create} to create, ${changes.update} to update, ${changes.delete} to destroy, ${changes.replace} to replace`;
}
