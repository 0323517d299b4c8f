/**
 * Lambda rules: public function URLs (also moved to another function), permissions moved to another
 * function, runtimes, reserved concurrency, dead-letter targets, code signing, alias moves, layers and
 * event sources of other accounts, and environment values that look like secrets. The function's VPC,
 * tracing and environment key are judged by the network, logging and KMS rules.
 */
import { LAMBDA_RUNTIME_DEPRECATIONS } from '../constants';
import type { ReviewContext } from '../context';
import { asArray, isObject, type ResourceChange } from '../plan';

/**
 * Reviews functions, URLs, code-signing configs and aliases.
 *
 * @example
 * reviewLambda(new ReviewContext(plan, 'dev'));
 */
export function reviewLambda(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function_url')) reviewUrl(ctx, rc);
  for (const rc of ctx.ofType('aws_lambda_permission')) reviewPermissionMove(ctx, rc);
  for (const rc of ctx.ofType('aws_lambda_event_source_mapping')) reviewEventSource(ctx, rc);
  for (const rc of ctx.ofType('aws_lambda_function')) {
    reviewRuntime(ctx, rc);
    reviewLayers(ctx, rc);
    reviewEnvironmentSecrets(ctx, rc);
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
    // The worst value is NONE: a public URL on a function that exists.
    ctx.unknown(
      rc,
      'authorization_type',
      'whether the URL requires IAM authentication (NONE makes it public)',
      undefined,
      ctx.isCreated(rc) ? undefined : 'high',
    );
    return;
  }
  const moved = functionMoved(ctx, rc);
  if (after.get(path) !== 'NONE' || (before.get(path) === 'NONE' && moved === undefined)) return;
  ctx.report(
    rc,
    'lambda.url-public',
    'high',
    `the function URL of ${after.text(['function_name'])}${after.get(['qualifier']) ? `:${after.text(['qualifier'])}` : ''} ` +
      'takes unauthenticated requests from the internet (authorization_type NONE); use AWS_IAM' +
      (moved === undefined
        ? ''
        : `. It moves here from ${moved}: a function that was not public becomes public`),
    { before: rc.change.before === null ? null : before.show(path), after: after.show(path) },
  );
}

/**
 * The day AWS deprecates `runtime` (`YYYY-MM-DD`), if it has announced one (the table in constants.ts).
 *
 * @example
 * runtimeDeprecation('nodejs20.x'); // '2026-04-30'
 */
export function runtimeDeprecation(runtime: string): string | undefined {
  return Object.hasOwn(LAMBDA_RUNTIME_DEPRECATIONS, runtime)
    ? LAMBDA_RUNTIME_DEPRECATIONS[runtime]
    : undefined;
}

/**
 * Whether AWS has deprecated a runtime on the UTC day of `now` (the table in constants.ts): from its
 * deprecation day on. Runtimes without a date count as supported.
 *
 * @example
 * isDeprecatedRuntime('nodejs20.x', new Date('2026-12-07')); // true
 * isDeprecatedRuntime('nodejs22.x', new Date('2026-12-07')); // false
 * isDeprecatedRuntime('nodejs22.x', new Date('2027-04-30')); // true
 */
export function isDeprecatedRuntime(runtime: string, now: Date): boolean {
  const day = runtimeDeprecation(runtime);
  return day !== undefined && now.toISOString().slice(0, 10) >= day;
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
  if (isDeprecatedRuntime(next, ctx.now)) {
    ctx.report(
      rc,
      'lambda.runtime-deprecated',
      'medium',
      `${typeof old === 'string' ? `the runtime moves from ${before.text(path)} to` : 'the function uses'} ${after.text(path)}, ` +
        `which AWS deprecated on ${runtimeDeprecation(next)}: it gets no security patches`,
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
  if (typeof old !== 'number' || old < 0) return;
  if (after.isUnknown(path)) {
    ctx.unknown(
      rc,
      'reserved_concurrent_executions',
      'the reserved concurrency (-1 removes the limit)',
      undefined,
      'medium',
    );
    return;
  }
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
  if (typeof old !== 'string' || old === '') return;
  if (after.isUnknown(path) || after.isUnknown(['dead_letter_config'])) {
    ctx.unknown(
      rc,
      'dead_letter_config',
      'the dead-letter target (an empty one drops failed events)',
      undefined,
      'medium',
    );
    return;
  }
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
  if (typeof old !== 'string' || old === '') return;
  if (after.isUnknown(path)) {
    ctx.unknown(
      rc,
      'code_signing_config_arn',
      'the code-signing config (an empty one removes code signing)',
      undefined,
      'high',
    );
    return;
  }
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

/** The previous function when a URL or permission now names another one (a move), else undefined. */
function functionMoved(ctx: ReviewContext, rc: ResourceChange): string | undefined {
  if (rc.change.before === null) return undefined;
  const path = ['function_name'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const old = before.get(path);
  if (typeof old !== 'string' || old === '') return undefined;
  const next = after.get(path);
  if (after.isUnknown(path)) {
    // A reference to a function created or replaced in this plan is another function than `old`.
    const refs = ctx.referencedChanges(rc, path, 'aws_lambda_function');
    return refs.some(
      (fn) => ctx.before(fn).get(['function_name']) === old || ctx.before(fn).get(['arn']) === old,
    )
      ? undefined
      : before.text(path);
  }
  const name = (value: unknown) =>
    typeof value === 'string'
      ? value.replace(/^arn:[^:]+:lambda:[^:]*:\d*:function:/, '').split(':')[0]
      : value;
  return name(next) === name(old) ? undefined : before.text(path);
}

/** A principal outside the plan's account: `*`, another account id, or an ARN of another account. */
function isForeignPrincipal(principal: unknown, account: string | undefined): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'string') return false;
  const id = /^\d{12}$/.test(principal) ? principal : /^arn:[^:]+:iam::(\d{12}):/.exec(principal)?.[1];
  return id !== undefined && id !== account;
}

/**
 * A permission that now names another function: the old function loses the invokers, the new one gains
 * them. High when the invokers are everyone or another account, medium otherwise (a service, a role here).
 */
function reviewPermissionMove(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const moved = functionMoved(ctx, rc);
  if (moved === undefined) return;
  const after = ctx.after(rc);
  const principal = after.get(['principal']);
  const foreign = after.isUnknown(['principal']) || isForeignPrincipal(principal, ctx.accountId());
  ctx.report(
    rc,
    'lambda.permission-moved',
    foreign ? 'high' : 'medium',
    `the permission ${after.text(['statement_id'])} (${after.text(['action'])} for ${after.text(['principal'])}) moves from ` +
      `${moved} to ${after.text(['function_name'])}: ${after.text(['function_name'])} can now be called by ` +
      `${principal === '*' ? 'anyone' : after.text(['principal'])}${foreign && principal !== '*' ? ' (another account)' : ''}`,
    {
      before: { function_name: ctx.before(rc).show(['function_name']) },
      after: { function_name: after.show(['function_name']), principal: after.show(['principal']) },
    },
  );
}

/** The account in an ARN (`arn:aws:lambda:us-east-1:123456789012:layer:x:1` → `123456789012`). */
function arnAccount(arn: unknown): string | undefined {
  return typeof arn === 'string' ? /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1] : undefined;
}

function reviewLayers(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const after = ctx.after(rc);
  if (after.hasUnknown(['layers'])) return; // code-loading.ts reports unknown layers
  const account = arnAccount(ctx.before(rc).get(['arn'])) ?? ctx.accountId();
  const old = asArray(ctx.before(rc).get(['layers']));
  const foreign = asArray(after.get(['layers'])).filter(
    (layer): layer is string =>
      typeof layer === 'string' &&
      !old.includes(layer) &&
      arnAccount(layer) !== undefined &&
      arnAccount(layer) !== account,
  );
  if (foreign.length === 0) return;
  ctx.report(
    rc,
    'lambda.layer-foreign-account',
    'high',
    `${after.text(['function_name'])} loads ${foreign.join(', ')} from another account${account ? ` than ${account}` : ''}: ` +
      'code that account publishes runs inside the function with its role, outside code signing and this repository’s review',
    { before: ctx.before(rc).show(['layers']), after: after.show(['layers']) },
  );
}

function reviewEventSource(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const path = ['event_source_arn'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  if (after.isUnknown(path)) return; // a source created in this plan: in this account
  const arn = after.get(path);
  if (arn === before.get(path)) return;
  const source = arnAccount(arn);
  const account = ctx.accountId();
  if (source === undefined || source === account) return;
  ctx.report(
    rc,
    'lambda.event-source-foreign',
    'medium',
    `${after.text(['function_name'])} consumes ${after.text(path)} of account ${source}: that account decides which events ` +
      'the function processes (and sees what it leaves in the source)',
    { before: rc.change.before === null ? null : before.show(path), after: after.show(path) },
  );
}

/** Values shaped like credentials: key ids, private keys, provider tokens, passwords in URLs. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bxox[abprs]-[0-9A-Za-z-]{10,}/,
  /\b(ghp|gho|ghs|ghu|ghr)_[0-9A-Za-z]{30,}/,
  /\bgithub_pat_[0-9A-Za-z_]{40,}/,
  /\bglpat-[0-9A-Za-z_-]{20,}/,
  /\b(sk|rk)_live_[0-9A-Za-z]{16,}/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /\beyJ[0-9A-Za-z_-]{8,}\.eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]{8,}/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

/** Names that say "this is a secret"; names that say "this names a secret" (an ARN, a path) are not. */
const SECRET_NAME = /(PASSW(OR)?D|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY|AUTH_?KEY)/i;
const REFERENCE_NAME = /(_ARN|_NAME|_ID|_PATH|_PARAM(ETER)?|_REF|_FILE|_URL|_TTL|_HEADER)$/i;
/** Values that refer to where a secret lives rather than holding it. */
const REFERENCE_VALUE = /^(arn:|\/|ssm:|secretsmanager:|\{\{resolve:)/;

/**
 * Environment variables whose values look like credentials (high) or that carry a literal under a
 * secret-like name (medium). Values are never printed: anyone who can read the function's configuration,
 * the plan or the state reads them, so they belong in Secrets Manager or SSM.
 */
function reviewEnvironmentSecrets(ctx: ReviewContext, rc: ResourceChange): void {
  if (ctx.isDeleted(rc)) return;
  const path = ['environment', 0, 'variables'];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const vars = after.get(path);
  if (!isObject(vars)) return;
  const old = before.get(path);
  const credential: string[] = [];
  const named: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (after.isUnknown([...path, name]) || after.isSensitive([...path, name]) || typeof value !== 'string')
      continue;
    if (isObject(old) && old[name] === value) continue; // unchanged
    if (CREDENTIAL_PATTERNS.some((pattern) => pattern.test(value))) credential.push(name);
    else if (
      SECRET_NAME.test(name) &&
      !REFERENCE_NAME.test(name) &&
      value.length >= 8 &&
      !REFERENCE_VALUE.test(value)
    )
      named.push(name);
  }
  if (credential.length === 0 && named.length === 0) return;
  const names = [...credential, ...named];
  ctx.report(
    rc,
    'lambda.secret-in-environment',
    credential.length > 0 ? 'high' : 'medium',
    `${after.text(['function_name'])}: ${names.join(', ')} ${names.length === 1 ? 'holds' : 'hold'} ` +
      `${credential.length > 0 ? 'what looks like a credential' : 'a literal value under a secret-like name'} (value not shown): ` +
      'environment variables are readable by anyone with lambda:GetFunctionConfiguration and are stored in the plan and state; ' +
      'keep the secret in Secrets Manager or SSM and put its ARN here',
    { before: null, after: names.map((name) => `${name} (value not shown)`) },
  );
}
