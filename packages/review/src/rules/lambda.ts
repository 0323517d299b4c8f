/**
 * Lambda rules: public function URLs, runtimes, reserved concurrency, dead-letter targets, code signing
 * and alias moves. The function's VPC, tracing and environment key are judged by the network, logging
 * and KMS rules.
 */
import { DEPRECATED_LAMBDA_RUNTIMES } from '../constants';
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';

/**
 * Reviews functions, URLs, code-signing configs and aliases.
 *
 * @example
 * reviewLambda(new ReviewContext(plan, 'dev'));
 */
export function reviewLambda(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function_url')) reviewUrl(ctx, rc);
  for (const rc of ctx.ofType('aws_lambda_function')) {
    reviewRuntime(ctx, rc);
    if (!ctx.isChanged(rc)) continue;
    reviewConcurrency(ctx, rc);
    reviewDeadLetter(ctx, rc);
    reviewCodeSigning(ctx, rc);
  }
  for (const rc of ctx.ofType('aws_lambda_code_signing_config')) reviewSigningPolicy(ctx, rc);
  for (const rc of ctx.ofType('aws_lambda_alias')) reviewAlias(ctx, rc);
}

function reviewUrl(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const path = ['authorization_type'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  if (after.isUnknown(path)) {
    ctx.unknown(rc, 'authorization_type', 'whether the URL requires IAM authentication');
    return;
  }
  if (after.get(path) !== 'NONE' || before.get(path) === 'NONE') return;
  ctx.report(
    rc,
    'lambda.url-public',
    'high',
    `the function URL of ${after.text(['function_name'])}${after.get(['qualifier']) ? `:${after.text(['qualifier'])}` : ''} ` +
      'takes unauthenticated requests from the internet (authorization_type NONE); use AWS_IAM',
    { before: rc.change.before === null ? null : before.show(path), after: after.show(path) },
  );
}

/**
 * Whether AWS has deprecated a runtime (the table in constants.ts); unknown runtimes count as supported.
 *
 * @example
 * isDeprecatedRuntime('nodejs20.x'); // true
 * isDeprecatedRuntime('nodejs22.x'); // false
 */
export function isDeprecatedRuntime(runtime: string): boolean {
  return (DEPRECATED_LAMBDA_RUNTIMES as readonly string[]).includes(runtime);
}

/**
 * `nodejs22.x` → ['nodejs', 22]; `python3.12` → ['python3', 12]; `java21` → ['java', 21].
 *
 * @example
 * runtimeVersion('nodejs22.x'); // ['nodejs', 22]
 */
export function runtimeVersion(runtime: string): [string, number] | undefined {
  const match = /^(nodejs|python3\.|java|ruby3\.|dotnet|dotnetcore)(\d+)/.exec(runtime);
  if (match === null) return undefined;
  return [match[1] as string, Number(match[2])];
}

function reviewRuntime(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const path = ['runtime'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  if (after.isUnknown(path)) {
    if (ctx.isConfigured(rc, path)) ctx.unknown(rc, 'runtime', 'which runtime the function uses');
    return;
  }
  const next = after.get(path);
  const old = before.get(path);
  if (typeof next !== 'string' || next === old) return;
  const values = { before: rc.change.before === null ? null : before.show(path), after: after.show(path) };
  if (isDeprecatedRuntime(next)) {
    ctx.report(
      rc,
      'lambda.runtime-deprecated',
      'medium',
      `${typeof old === 'string' ? `the runtime moves from ${before.text(path)} to` : 'the function uses'} ${after.text(path)}, ` +
        'which AWS has deprecated: it gets no security patches',
      values,
    );
    return;
  }
  const oldVersion = typeof old === 'string' ? runtimeVersion(old) : undefined;
  const newVersion = runtimeVersion(next);
  if (oldVersion && newVersion && oldVersion[0] === newVersion[0] && newVersion[1] < oldVersion[1]) {
    ctx.report(
      rc,
      'lambda.runtime-downgraded',
      'low',
      `the runtime moves back from ${before.text(path)} to ${after.text(path)}: it leaves support sooner`,
      values,
    );
  }
}

function reviewConcurrency(ctx: ReviewContext, rc: ResourceChange): void {
  const path = ['reserved_concurrent_executions'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const old = before.get(path);
  if (typeof old !== 'number' || old < 0 || after.isUnknown(path)) return;
  const next = after.get(path);
  if (typeof next === 'number' && next >= 0) return;
  ctx.report(
    rc,
    'lambda.concurrency-removed',
    'medium',
    `reserved concurrency (${before.text(path)}) is removed: the function can take the account's whole concurrency, ` +
      'and a flood of events costs without a ceiling',
    { before: before.show(path), after: after.show(path) },
  );
}

function reviewDeadLetter(ctx: ReviewContext, rc: ResourceChange): void {
  const path = ['dead_letter_config', 0, 'target_arn'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const old = before.get(path);
  if (
    typeof old !== 'string' ||
    old === '' ||
    after.isUnknown(path) ||
    after.isUnknown(['dead_letter_config'])
  )
    return;
  const next = after.get(path);
  if (typeof next === 'string' && next !== '') return;
  ctx.report(
    rc,
    'lambda.dlq-removed',
    'medium',
    `the dead-letter target ${before.text(path)} is removed: asynchronous events that keep failing are dropped silently`,
    { before: before.show(['dead_letter_config']), after: after.show(['dead_letter_config']) },
  );
}

function reviewCodeSigning(ctx: ReviewContext, rc: ResourceChange): void {
  const path = ['code_signing_config_arn'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const old = before.get(path);
  if (typeof old !== 'string' || old === '' || after.isUnknown(path)) return;
  const next = after.get(path);
  if (typeof next === 'string' && next !== '') return;
  ctx.report(
    rc,
    'lambda.code-signing-removed',
    'high',
    `code signing (${before.text(path)}) is removed: unsigned or tampered code can be deployed to the function`,
    { before: before.show(path), after: after.show(path) },
  );
}

function reviewSigningPolicy(ctx: ReviewContext, rc: ResourceChange): void {
  if (!ctx.isChanged(rc)) return;
  const path = ['policies', 0, 'untrusted_artifact_on_deployment'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  if (before.get(path) !== 'Enforce' || after.isUnknown(path) || after.get(path) === 'Enforce') return;
  ctx.report(
    rc,
    'lambda.code-signing-removed',
    'high',
    `the code-signing config stops enforcing (untrusted_artifact_on_deployment ${after.text(path)}): unsigned code deploys with a warning only`,
    { before: before.show(path), after: after.show(path) },
  );
}

function reviewAlias(ctx: ReviewContext, rc: ResourceChange): void {
  if (!ctx.isChanged(rc)) return;
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const version = ['function_version'];
  const routing = ['routing_config'];
  const versionChanged = after.isUnknown(version) || before.get(version) !== after.get(version);
  const routingChanged =
    after.hasUnknown(routing) ||
    JSON.stringify(before.get(routing) ?? null) !== JSON.stringify(after.get(routing) ?? null);
  if (!versionChanged && !routingChanged) return;
  const parts: string[] = [];
  if (versionChanged) parts.push(`moves from version ${before.text(version)} to ${after.text(version)}`);
  if (routingChanged) parts.push('changes its traffic routing');
  ctx.report(
    rc,
    'lambda.alias-changed',
    'info',
    `the alias ${before.text(['name'])} ${parts.join(' and ')}; roll back by pointing it at the previous version`,
    {
      before: { function_version: before.show(version), routing_config: before.show(routing) },
      after: { function_version: after.show(version), routing_config: after.show(routing) },
    },
  );
}
