/**
 * Code that runs without being in the signed zip. Code signing covers the deployment package only; a
 * function's configuration can still load other code: `NODE_OPTIONS=--import=data:text/javascript,...`
 * runs a module before the handler, `AWS_LAMBDA_EXEC_WRAPPER` runs a script before the runtime,
 * `LD_PRELOAD` a shared library into it, and a layer adds files to /opt that the runtime loads. Other
 * variables change what the code trusts or where its calls go (`NODE_EXTRA_CA_CERTS`, `AWS_CA_BUNDLE`,
 * `AWS_ENDPOINT_URL_*`, proxies, credential sources): the same code with other privileges.
 *
 * The list is shared: the plan reviewer judges changes with it, the workspace's synth invariants hold
 * every synthesized function to it.
 */
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';

/**
 * Environment variables that load code or change what the code trusts, by exact name (compared in
 * upper case: Lambda keys are case-sensitive, but a lower-case `http_proxy` is read too).
 */
export const CODE_LOADING_VARIABLES = [
  // Node.js: options and preloads (--require, --import, --loader), module search path, trust store,
  // TLS verification, ICU data and compile cache files, proxy use, the REPL module.
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_REPL_EXTERNAL_MODULE',
  'NODE_ICU_DATA',
  'NODE_COMPILE_CACHE',
  'NODE_USE_ENV_PROXY',
  // The Lambda runtime: a wrapper script around the runtime, the handler and code locations, the
  // runtime API endpoint, and the search path of executables.
  'AWS_LAMBDA_EXEC_WRAPPER',
  '_HANDLER',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'AWS_LAMBDA_RUNTIME_API',
  'PATH',
  // The dynamic linker and glibc (LD_* by prefix below): preloads, library paths, audit modules, iconv.
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'GCONV_PATH',
  // OpenSSL: a configuration file can load engines and providers (shared libraries); trust stores.
  'OPENSSL_CONF',
  'OPENSSL_MODULES',
  'OPENSSL_ENGINES',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  // The AWS SDK: trust store, endpoints, and credential sources (another identity, other privileges).
  'AWS_CA_BUNDLE',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  // Proxies: every outgoing call through a host of the attacker's choosing.
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  // Shells (an exec wrapper is a shell script): startup files and options that run commands.
  'BASH_ENV',
  'ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  // Other runtimes' equivalents, for functions of other languages (PYTHON*, RUBY*, ... by prefix too).
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONWARNINGS',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'RUBYOPT',
  'RUBYLIB',
  'PERL5OPT',
  'PERL5LIB',
  'DOTNET_STARTUP_HOOKS',
  'CORECLR_ENABLE_PROFILING',
  'CORECLR_PROFILER_PATH',
] as const;

/** Families of variables whose members load code (new ones appear with each release of Node, glibc, ...). */
export const CODE_LOADING_PREFIXES = [
  'NODE_',
  'LD_',
  'DYLD_',
  'OPENSSL_',
  'AWS_ENDPOINT_URL_',
  'PYTHON',
  'RUBY',
  'PERL5',
  'DOTNET_',
  'CORECLR_',
  'COMPLUS_',
  'BASH_FUNC_',
] as const;

/** Members of those families that load nothing. */
const NOT_CODE_LOADING: ReadonlySet<string> = new Set(['NODE_ENV']);

/**
 * The only values a code-loading variable may have, by exact string. `--enable-source-maps` makes stack
 * traces point at the TypeScript sources of the bundle; it loads nothing.
 */
export const ALLOWED_CODE_LOADING_VALUES: Readonly<Record<string, readonly string[]>> = {
  NODE_OPTIONS: ['--enable-source-maps'],
};

/**
 * Whether an environment variable can load code or change what the code trusts.
 *
 * @example
 * isCodeLoadingVariable('NODE_OPTIONS'); // true
 * isCodeLoadingVariable('LD_BIND_NOW'); // true (LD_ family)
 * isCodeLoadingVariable('KEY_ARN'); // false
 */
export function isCodeLoadingVariable(name: string): boolean {
  const upper = name.toUpperCase();
  if (NOT_CODE_LOADING.has(upper)) return false;
  return (
    (CODE_LOADING_VARIABLES as readonly string[]).includes(upper) ||
    CODE_LOADING_PREFIXES.some((prefix) => upper.startsWith(prefix))
  );
}

/**
 * Whether `name=value` is acceptable: not a code-loading variable, or one with an allow-listed value.
 *
 * @example
 * isAllowedEnvironmentVariable('NODE_OPTIONS', '--enable-source-maps'); // true
 * isAllowedEnvironmentVariable('NODE_OPTIONS', '--import=data:text/javascript,...'); // false
 */
export function isAllowedEnvironmentVariable(name: string, value: string): boolean {
  if (!isCodeLoadingVariable(name)) return true;
  return (ALLOWED_CODE_LOADING_VALUES[name.toUpperCase()] ?? []).includes(value);
}

const ENV_PATH = ['environment', 0, 'variables'] as const;

/**
 * Reports a function that is created or changed with a layer it did not have, or with a code-loading
 * environment variable added or altered to a value outside the allow-list: high, because either runs
 * code that code signing never saw. Values are never printed (they may be secrets); names are.
 *
 * @example
 * reviewCodeLoading(new ReviewContext(plan, 'dev'));
 */
export function reviewCodeLoading(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function')) {
    if (ctx.isDeleted(rc)) continue;
    reviewEnvironment(ctx, rc);
    reviewLayers(ctx, rc);
  }
}

function variablesOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A Terraform template: its value is known only after apply. */
const TEMPLATE = /[$%]\{/;

/**
 * The planned variables. At create, one unknown value (an ARN) makes the whole map unknown in the plan;
 * the configuration then still holds the literal map (JSON configurations, as cdktf writes them, carry
 * it as `constant_value` with templates in place of references), which names every variable.
 */
function plannedVariables(
  ctx: ReviewContext,
  rc: ResourceChange,
): { values: Record<string, unknown>; unknown: (name: string) => boolean } | undefined {
  const after = ctx.after(rc);
  if (!after.isUnknown(ENV_PATH) && !after.isUnknown(['environment'])) {
    return {
      values: variablesOf(after.get(ENV_PATH)),
      unknown: (name) => after.isUnknown([...ENV_PATH, name]),
    };
  }
  const expression = ctx.expression(rc, ['environment', 0, 'variables']);
  const literal =
    expression !== null && typeof expression === 'object' && !Array.isArray(expression)
      ? expression.constant_value
      : undefined;
  if (literal === null || typeof literal !== 'object' || Array.isArray(literal)) return undefined;
  const values = literal as Record<string, unknown>;
  return { values, unknown: (name) => typeof values[name] === 'string' && TEMPLATE.test(values[name]) };
}

function reviewEnvironment(ctx: ReviewContext, rc: ResourceChange): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const planned = plannedVariables(ctx, rc);
  if (!planned) {
    ctx.unknown(rc, 'environment', 'whether the environment adds a code-loading variable');
    return;
  }
  const old = variablesOf(before.get(ENV_PATH));
  const offending: string[] = [];
  const names = Object.keys(planned.values).sort();
  for (const name of names) {
    const value = planned.values[name];
    if (!isCodeLoadingVariable(name)) continue;
    const path = [...ENV_PATH, name];
    if (planned.unknown(name)) {
      ctx.unknown(rc, `environment ${name}`, `whether the new value of ${name} is allowed`);
      continue;
    }
    const unchanged = Object.hasOwn(old, name) && old[name] === value && !before.isSensitive(path);
    if (unchanged) continue;
    // A sensitive value cannot be checked against the allow-list: it counts as not allowed.
    const allowed =
      !after.isSensitive(path) && typeof value === 'string' && isAllowedEnvironmentVariable(name, value);
    if (!allowed) offending.push(`${name} ${Object.hasOwn(old, name) ? 'changed' : 'added'}`);
  }
  if (offending.length === 0) return;
  ctx.report(
    rc,
    'lambda.code-loading-config',
    'high',
    `${after.text(['function_name'])}: ${offending.join(', ')} to a value outside the allow-list: a code-loading ` +
      'variable runs code that code signing never saw (NODE_OPTIONS=--import=data:... runs a module before the ' +
      'handler). Remove it, or add the exact value to the allow-list with a reason.',
    // Names only: environment values may be secrets.
    { before: Object.keys(old).filter(isCodeLoadingVariable), after: offending },
  );
}

function reviewLayers(ctx: ReviewContext, rc: ResourceChange): void {
  const after = ctx.after(rc);
  if (after.isUnknown(['layers'])) {
    ctx.unknown(rc, 'layers', 'whether the function gains a layer');
    return;
  }
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const old = list(ctx.before(rc).get(['layers']));
  const added = list(after.get(['layers'])).filter((arn) => !old.includes(arn));
  if (added.length === 0) return;
  ctx.report(
    rc,
    'lambda.code-loading-config',
    'high',
    `${after.text(['function_name'])} gains layer(s) ${added.join(', ')}: a layer's files are loaded from /opt ` +
      'and are not covered by the code signature of the function. Bundle the code into the function instead.',
    { before: old, after: list(after.get(['layers'])) },
  );
}
