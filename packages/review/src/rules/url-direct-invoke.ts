/**
 * Direct invocation of functions behind a Function URL. Since October 2025 a Function URL caller needs
 * `lambda:InvokeFunction` as well as `lambda:InvokeFunctionUrl`. A grant of the former without the
 * condition `lambda:InvokedViaFunctionUrl = true` also lets its holder call `Invoke` with any event it
 * writes, request context included: whatever the function reads from that context (the caller's identity)
 * is then the holder's choice. A new such path to a URL-fronted function is high.
 */
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';
import { patternCovers } from '../policy/match';
import type { PolicyDocument, Statement } from '../policy/model';
import { afterDocument, documentOf, POLICY_SOURCES, type PolicySource } from './policies';

const INVOKE = 'lambda:InvokeFunction';
const VIA_URL_KEY = 'lambda:invokedviafunctionurl';
/** Operators under which `lambda:InvokedViaFunctionUrl = true` holds only for URL requests (no IfExists). */
const EXACT_OPERATORS = new Set(['bool', 'stringequals', 'stringequalsignorecase']);

/** The name in `my-fn`, `arn:aws:lambda:eu-west-1:123456789012:function:my-fn` or `...:function:my-fn:live`. */
function functionNameOf(value: string): string {
  const match = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(value);
  return match ? (match[1] as string) : value;
}

/** Names of the functions that have a Function URL after this plan. */
function urlFrontedFunctions(ctx: ReviewContext): { names: Set<string>; created: Set<string> } {
  const names = new Set<string>();
  const created = new Set<string>();
  for (const rc of ctx.allOfType('aws_lambda_function_url')) {
    if (ctx.isDeleted(rc)) continue;
    const name = resolvedFunctionName(ctx, rc);
    if (name === undefined) continue;
    names.add(name);
    if (ctx.isCreated(rc) || (ctx.isReplaced(rc) && ctx.before(rc).get(['function_name']) !== name)) {
      created.add(name);
    }
  }
  return { names, created };
}

/** `function_name` as planned, or the name of the function it refers to when it is known only after apply. */
function resolvedFunctionName(ctx: ReviewContext, rc: ResourceChange): string | undefined {
  const after = ctx.after(rc);
  const value = after.get(['function_name']);
  if (typeof value === 'string' && !after.isUnknown(['function_name'])) return functionNameOf(value);
  for (const fn of ctx.referencedChanges(rc, ['function_name'], 'aws_lambda_function')) {
    const name = ctx.after(fn).get(['function_name']);
    if (typeof name === 'string') return name;
  }
  return undefined;
}

function allowsInvoke(statement: Statement): boolean {
  if (statement.effect !== 'Allow') return false;
  const covered = statement.actions.some((a) => patternCovers(a, INVOKE, true));
  return statement.notAction ? !covered : covered;
}

/** A resource pattern that covers the function (any region and account: the same name elsewhere is no comfort). */
function coversFunction(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split(':');
  if (parts.length < 7) return false;
  return (
    patternCovers(parts[0] as string, 'arn', true) &&
    patternCovers(parts[2] as string, 'lambda', true) &&
    patternCovers(parts[5] as string, 'function', true) &&
    // `function:name`, `function:name:*` and `function:*` all cover an invoke of the function or an alias.
    patternCovers(parts[6] as string, name, false)
  );
}

function onlyViaUrl(statement: Statement): boolean {
  return statement.conditions.some(
    (c) =>
      c.key === VIA_URL_KEY &&
      EXACT_OPERATORS.has(c.operator.toLowerCase()) &&
      c.values.length > 0 &&
      c.values.every((v) => v.toLowerCase() === 'true'),
  );
}

/** URL-fronted functions a document lets its holder invoke directly. */
function directlyInvokable(doc: PolicyDocument, functions: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const statement of doc.statements) {
    if (!allowsInvoke(statement) || onlyViaUrl(statement) || statement.resources === undefined) continue;
    for (const name of functions) {
      const covered = statement.resources.some((r) => coversFunction(r, name));
      if (statement.notResource ? !covered : covered) out.add(name);
    }
  }
  return out;
}

function reviewDocument(
  ctx: ReviewContext,
  rc: ResourceChange,
  source: PolicySource,
  functions: { names: Set<string>; created: Set<string> },
): void {
  if (ctx.isDeleted(rc)) return;
  const afterSide = ctx.after(rc);
  const after = afterDocument(ctx, rc, source, afterSide);
  if (after === undefined) return;
  const before = directlyInvokable(documentOf(ctx.before(rc).get([source.attribute])), functions.names);
  const opened = [...directlyInvokable(after, functions.names)].filter(
    (name) => !before.has(name) || functions.created.has(name),
  );
  if (opened.length === 0) return;
  const what =
    `allows ${INVOKE} on ${opened.sort().join(', ')} (behind a Function URL) without ` +
    'lambda:InvokedViaFunctionUrl = true: its holder can invoke the function directly with any event, ' +
    'request context included';
  if (isLifecycleHook(after)) {
    // A CodeDeploy pre-traffic hook must invoke the new version before any alias (and so the URL) points at
    // it. Still shown: adding the hook action to a policy must not make a direct path disappear.
    ctx.report(
      rc,
      'lambda.url-direct-invoke',
      'medium',
      `${what}. The same policy reports CodeDeploy lifecycle hook status, so this is a deployment hook's smoke ` +
        'test: acceptable only if the function takes no identity from the event (the crypto API verifies an STS proof)',
      { after: opened },
    );
    return;
  }
  ctx.report(
    rc,
    'lambda.url-direct-invoke',
    'high',
    `${what}; add the condition (Bool lambda:InvokedViaFunctionUrl "true")`,
    { after: opened },
  );
}

/** The document lets its holder report CodeDeploy lifecycle hook results: the holder is a deployment hook. */
function isLifecycleHook(doc: PolicyDocument): boolean {
  return doc.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      !s.notAction &&
      s.actions.some((a) => a.toLowerCase() === 'codedeploy:putlifecycleeventhookexecutionstatus'),
  );
}

function reviewPermission(ctx: ReviewContext, rc: ResourceChange, functions: { names: Set<string> }): void {
  if (ctx.isDeleted(rc)) return;
  const after = ctx.after(rc);
  const action = after.get(['action']);
  if (typeof action !== 'string' || !patternCovers(action, INVOKE, true)) return;
  const name = resolvedFunctionName(ctx, rc);
  if (name === undefined || !functions.names.has(name)) return;
  const before = ctx.before(rc);
  // The provider reads unset strings back as "" and plans them as null: both mean unset.
  const value = (side: typeof after, key: string) => {
    const v = side.get([key]);
    return v === '' || v === undefined ? null : v;
  };
  const same = ['action', 'function_name', 'principal', 'qualifier'].every(
    (key) => JSON.stringify(value(before, key)) === JSON.stringify(value(after, key)),
  );
  if (same && !ctx.isCreated(rc)) return;
  // aws_lambda_permission (provider 5.x) cannot carry lambda:InvokedViaFunctionUrl: every such grant is direct.
  ctx.report(
    rc,
    'lambda.url-direct-invoke',
    'high',
    `grants ${INVOKE} on ${name} (behind a Function URL) to ${after.text(['principal'])} as a resource-based ` +
      'permission, which cannot require lambda:InvokedViaFunctionUrl: the principal can invoke the function ' +
      'directly with any event, request context included; grant callers an identity policy with the condition',
    {
      before: rc.change.before === null ? null : before.show(['principal']),
      after: after.show(['principal']),
    },
  );
}

/**
 * Reports new direct-invoke paths to URL-fronted functions: identity policies and resource-based
 * permissions that allow `lambda:InvokeFunction` without `lambda:InvokedViaFunctionUrl = true`.
 *
 * @example
 * reviewUrlDirectInvoke(new ReviewContext(plan, 'dev'));
 */
export function reviewUrlDirectInvoke(ctx: ReviewContext): void {
  const functions = urlFrontedFunctions(ctx);
  if (functions.names.size === 0) return;
  for (const source of POLICY_SOURCES.filter((s) => s.kind === 'identity')) {
    for (const rc of ctx.ofType(source.type)) reviewDocument(ctx, rc, source, functions);
  }
  for (const rc of ctx.ofType('aws_lambda_permission')) reviewPermission(ctx, rc, functions);
}
