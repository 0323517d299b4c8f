/**
 * Parsing policy documents: policy JSON text, or the statement blocks of an `aws_iam_policy_document`
 * data source as planned (where parts can be known only after apply).
 */
import { asArray, isObject, type JsonObject, type JsonValue } from '../plan';
import { getPath, maskedAt } from '../values';
import {
  type Condition,
  type PolicyDocument,
  type Principal,
  type Statement,
  UNKNOWN_VALUE,
  unknownPolicy,
} from './model';

/**
 * Parses policy JSON text.
 *
 * @example
 * const doc = parsePolicyJson('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}');
 * doc.statements[0]?.actions; // ['s3:GetObject']
 */
export function parsePolicyJson(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { statements: [], unknownParts: [], invalid: 'not JSON' };
  }
  if (!isObject(raw)) return { statements: [], unknownParts: [], invalid: 'not a JSON object' };
  const list = Array.isArray(raw.Statement) ? raw.Statement : isObject(raw.Statement) ? [raw.Statement] : [];
  const statements = list.filter(isObject).map((statement, index) => statementFromJson(statement, index));
  return { statements, unknownParts: [] };
}

function statementFromJson(raw: JsonObject, index: number): Statement {
  const notAction = raw.NotAction !== undefined;
  const notResource = raw.NotResource !== undefined;
  const notPrincipal = raw.NotPrincipal !== undefined;
  const principalValue = notPrincipal ? raw.NotPrincipal : raw.Principal;
  return {
    index,
    sid: typeof raw.Sid === 'string' && raw.Sid !== '' ? raw.Sid : undefined,
    effect: raw.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(notAction ? raw.NotAction : raw.Action),
    notAction,
    resources:
      raw.Resource === undefined && raw.NotResource === undefined
        ? undefined
        : strings(notResource ? raw.NotResource : raw.Resource),
    notResource,
    principals: principalValue === undefined ? undefined : principalsFromJson(principalValue),
    notPrincipal,
    conditions: conditionsFromJson(raw.Condition),
    display: raw,
  };
}

function principalsFromJson(value: JsonValue): Principal[] {
  if (value === '*') return [{ type: '*', id: '*' }];
  if (!isObject(value)) return [];
  const out: Principal[] = [];
  for (const [type, ids] of Object.entries(value)) {
    for (const id of strings(ids)) out.push(normalizePrincipal(type, id));
  }
  return out;
}

function conditionsFromJson(value: JsonValue | undefined): Condition[] {
  if (!isObject(value)) return [];
  const out: Condition[] = [];
  for (const [operator, entries] of Object.entries(value)) {
    if (!isObject(entries)) continue;
    for (const [key, values] of Object.entries(entries)) {
      out.push({ operator, key: key.toLowerCase(), name: key, values: strings(values) });
    }
  }
  return out;
}

/**
 * Builds a document from an `aws_iam_policy_document` data source's arguments as planned, where parts can
 * be unknown (`after_unknown`). Used when the policy attribute that refers to it is unknown.
 *
 * @example
 * const doc = policyFromDocumentData(rc.change.after, rc.change.afterUnknown);
 * doc.unknownParts; // ['statement "SendToDlq": Resource']
 */
export function policyFromDocumentData(values: JsonValue, unknownMask: JsonValue): PolicyDocument {
  if (maskedAt(unknownMask, ['statement'])) return unknownPolicy('the whole document (its statements)');
  const unknownParts: string[] = [];
  const bySid = new Map<string, Statement>();
  const ordered: Statement[] = [];
  const add = (statement: Statement) => {
    if (statement.sid !== undefined && bySid.has(statement.sid)) {
      const at = ordered.indexOf(bySid.get(statement.sid) as Statement);
      ordered[at] = statement;
    } else {
      ordered.push(statement);
    }
    if (statement.sid !== undefined) bySid.set(statement.sid, statement);
  };
  // The provider merges source documents first, then the own statements, then overrides, by Sid.
  for (const attribute of ['source_policy_documents', 'source_json']) {
    for (const doc of nestedDocuments(values, unknownMask, attribute, unknownParts))
      doc.statements.forEach(add);
  }
  asArray(getPath(values, ['statement'])).forEach((block, index) => {
    add(statementFromBlock(block, getPath(unknownMask, ['statement', index]), index, unknownParts));
  });
  for (const attribute of ['override_policy_documents', 'override_json']) {
    for (const doc of nestedDocuments(values, unknownMask, attribute, unknownParts))
      doc.statements.forEach(add);
  }
  return { statements: ordered.map((s, index) => ({ ...s, index })), unknownParts };
}

function nestedDocuments(
  values: JsonValue,
  mask: JsonValue,
  attribute: string,
  unknownParts: string[],
): PolicyDocument[] {
  if (maskedAt(mask, [attribute])) {
    unknownParts.push(attribute);
    return [];
  }
  const value = getPath(values, [attribute]);
  const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const out: PolicyDocument[] = [];
  texts.forEach((text, index) => {
    if (maskedAt(mask, [attribute, index]) || typeof text !== 'string')
      unknownParts.push(`${attribute}[${index}]`);
    else out.push(parsePolicyJson(text));
  });
  return out;
}

function statementFromBlock(
  block: JsonValue,
  mask: JsonValue | undefined,
  index: number,
  unknownParts: string[],
): Statement {
  const sid =
    typeof getPath(block, ['sid']) === 'string' && getPath(block, ['sid']) !== ''
      ? (getPath(block, ['sid']) as string)
      : undefined;
  const label = sid !== undefined ? `statement "${sid}"` : `statement ${index + 1}`;
  const unknownIn: string[] = [];
  const list = (attribute: string, element: string): string[] | undefined => {
    const value = getPath(block, [attribute]);
    if (maskedAt(mask ?? false, [attribute])) {
      unknownIn.push(element);
      return [UNKNOWN_VALUE];
    }
    if (!Array.isArray(value)) return undefined;
    return value.map((item, i) => {
      if (maskedAt(mask ?? false, [attribute, i]) || typeof item !== 'string') {
        if (!unknownIn.includes(element)) unknownIn.push(element);
        return UNKNOWN_VALUE;
      }
      return item;
    });
  };
  const notActions = list('not_actions', 'NotAction');
  const actions = list('actions', 'Action');
  const notResources = list('not_resources', 'NotResource');
  const resources = list('resources', 'Resource');
  const notAction = (notActions?.length ?? 0) > 0;
  const notResource = (notResources?.length ?? 0) > 0;
  const principalBlocks = (attribute: string): Principal[] | undefined => {
    const blocks = asArray(getPath(block, [attribute]));
    if (blocks.length === 0) return undefined;
    const out: Principal[] = [];
    blocks.forEach((principal, i) => {
      const type = getPath(principal, ['type']);
      const ids = getPath(principal, ['identifiers']);
      if (maskedAt(mask ?? false, [attribute, i]) || typeof type !== 'string') {
        unknownIn.push('Principal');
        out.push({ type: 'AWS', id: UNKNOWN_VALUE });
        return;
      }
      asArray(ids).forEach((id, j) => {
        if (maskedAt(mask ?? false, [attribute, i, 'identifiers', j]) || typeof id !== 'string') {
          if (!unknownIn.includes('Principal')) unknownIn.push('Principal');
          out.push({ type, id: UNKNOWN_VALUE });
        } else if (type === '*' && id === '*') {
          out.push({ type: '*', id: '*' });
        } else {
          out.push(normalizePrincipal(type, id));
        }
      });
    });
    return out;
  };
  const notPrincipals = principalBlocks('not_principals');
  const principals = notPrincipals ?? principalBlocks('principals');
  const conditions: Condition[] = [];
  asArray(getPath(block, ['condition'])).forEach((condition, i) => {
    const operator = getPath(condition, ['test']);
    const key = getPath(condition, ['variable']);
    if (typeof operator !== 'string' || typeof key !== 'string') {
      unknownIn.push('Condition');
      conditions.push({
        operator: UNKNOWN_VALUE,
        key: UNKNOWN_VALUE,
        name: UNKNOWN_VALUE,
        values: [UNKNOWN_VALUE],
      });
      return;
    }
    const values = asArray(getPath(condition, ['values'])).map((value, j) => {
      if (
        maskedAt(mask ?? false, ['condition', i, 'values', j]) ||
        maskedAt(mask ?? false, ['condition', i, 'values']) ||
        typeof value !== 'string'
      ) {
        const part = `Condition ${key}`;
        if (!unknownIn.includes(part)) unknownIn.push(part);
        return UNKNOWN_VALUE;
      }
      return value;
    });
    conditions.push({ operator, key: key.toLowerCase(), name: key, values });
  });
  if (unknownIn.length > 0) unknownParts.push(`${label}: ${unknownIn.join(', ')}`);
  const effect = getPath(block, ['effect']) === 'Deny' ? 'Deny' : 'Allow';
  const statement = {
    index,
    sid,
    effect,
    actions: (notAction ? notActions : actions) ?? [],
    notAction,
    resources: notResource ? notResources : resources && resources.length > 0 ? resources : undefined,
    notResource,
    principals,
    notPrincipal: notPrincipals !== undefined,
    conditions,
  } as const;
  return { ...statement, display: displayStatement(statement) };
}

/** Policy JSON for a statement built from data-source blocks (what the provider would render). */
function displayStatement(s: Omit<Statement, 'display'>): JsonObject {
  const out: JsonObject = {};
  if (s.sid !== undefined) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.principals !== undefined) {
    const key = s.notPrincipal ? 'NotPrincipal' : 'Principal';
    if (s.principals.some((p) => p.type === '*')) out[key] = '*';
    else {
      const grouped: JsonObject = {};
      for (const p of s.principals) {
        const list = (grouped[p.type] as JsonValue[] | undefined) ?? [];
        list.push(p.id);
        grouped[p.type] = list;
      }
      out[key] = grouped;
    }
  }
  out[s.notAction ? 'NotAction' : 'Action'] = [...s.actions];
  if (s.resources !== undefined) out[s.notResource ? 'NotResource' : 'Resource'] = [...s.resources];
  if (s.conditions.length > 0) {
    const conditions: JsonObject = {};
    for (const c of s.conditions) {
      const op = (conditions[c.operator] as JsonObject | undefined) ?? {};
      op[c.name] = [...c.values];
      conditions[c.operator] = op;
    }
    out.Condition = conditions;
  }
  return out;
}

function strings(value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** A 12-digit account id and `arn:aws:iam::<id>:root` name the same principal. */
export function normalizePrincipal(type: string, id: string): Principal {
  if (type === '*' || (type === 'AWS' && id === '*')) return { type: 'AWS', id: '*' };
  if (type === 'AWS' && /^\d{12}$/.test(id)) return { type, id: `arn:aws:iam::${id}:root` };
  if (type === 'Service') return { type, id: id.toLowerCase() };
  return { type, id };
}
