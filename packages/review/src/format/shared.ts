/** Helpers the formats share. */
import type { AcceptedRiskEntry } from '../accepted-risks';
import type { Acceptance } from '../finding';
import type { JsonValue } from '../plan';
import type { ChangeCounts } from '../review';
import { escapeUnsafe, truncate } from './escape';

/**
 * A value as one line of text: strings as they are, everything else as compact JSON, with every control,
 * bidirectional and invisible character escaped (TM-REVIEW-01), cut at `max`.
 *
 * @example
 * valueText({ mode: 'Active' }, 80); // '{"mode":"Active"}'
 * valueText('a\nb', 80); // 'a\\nb'
 */
export function valueText(value: JsonValue, max: number): string {
  return truncate(escapeUnsafe(typeof value === 'string' ? value : JSON.stringify(value)), max);
}

/**
 * `accepted by OWNER until DATE: REASON`, escaped for one line of text.
 *
 * @example
 * acceptanceText({ owner: '@org/payments', expires: '2027-03-31', reason: 'signed webhook' });
 */
export function acceptanceText(acceptance: Acceptance): string {
  return `accepted by ${escapeUnsafe(acceptance.owner)} until ${escapeUnsafe(acceptance.expires)}: ${escapeUnsafe(acceptance.reason)}`;
}

/**
 * How an accepted-risks entry is named in the reports: `accepted[2] lambda.url-public on ADDRESS (owner
 * OWNER, expires DATE)`, escaped.
 *
 * @example
 * entryText(entry); // 'accepted[0] lambda.url-public on aws_lambda_function_url.webhook (owner @org/payments, expires 2027-03-31)'
 */
export function entryText(entry: AcceptedRiskEntry): string {
  const stack = entry.stack === undefined ? '' : ` in ${entry.stack}`;
  return escapeUnsafe(
    `accepted[${entry.index}] ${entry.rule} on ${entry.address}${stack} (owner ${entry.owner}, expires ${entry.expires})`,
  );
}

/**
 * The plan's resource changes in words: created, updated, destroyed and replaced.
 *
 * @example
 * changesText({ create: 2, update: 1, delete: 0, replace: 0 }); // '2 to create, 1 to update, 0 to destroy, 0 to replace'
 */
export function changesText(changes: ChangeCounts): string {
  return `${changes.create} to create, ${changes.update} to update, ${changes.delete} to destroy, ${changes.replace} to replace`;
}
