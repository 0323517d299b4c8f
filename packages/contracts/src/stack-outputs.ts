/**
 * The names of a platform stack's outputs (`terraform output -json`) and a strict reader for the ones
 * that are plain strings. stacks writes them with `new TerraformOutput(this, <name>, ...)`; deploy:local,
 * the CLI and the system tests read them by the same names.
 */
import { StackOutputsError } from './errors';

/** The apps whose functions a platform stack publishes a name and an alias ARN for. */
export const STACK_APPS = ['object-processor', 'crypto-api'] as const;
export type StackApp = (typeof STACK_APPS)[number];

/** The name of the output that carries `app`'s function name. */
export function functionNameOutput<A extends StackApp>(app: A): `${A}-function-name` {
  return `${app}-function-name`;
}

/** The name of the output that carries `app`'s `live` alias ARN. */
export function aliasArnOutput<A extends StackApp>(app: A): `${A}-alias-arn` {
  return `${app}-alias-arn`;
}

/**
 * Every output of a platform stack, by name. The per-app outputs are spelled out too so that a reader
 * can use the constant; {@link functionNameOutput} and {@link aliasArnOutput} build the same names.
 *
 * @example
 * ```ts
 * new TerraformOutput(this, StackOutput.KEY_ARN, { value: key.keyArn });
 * outputs[StackOutput.KEY_ARN];
 * ```
 */
export const StackOutput = {
  /** The release manifest (an object; see `parseReleaseManifest`). */
  RELEASE: 'release',
  OBJECT_PROCESSOR_FUNCTION_NAME: 'object-processor-function-name',
  OBJECT_PROCESSOR_ALIAS_ARN: 'object-processor-alias-arn',
  CRYPTO_API_FUNCTION_NAME: 'crypto-api-function-name',
  CRYPTO_API_ALIAS_ARN: 'crypto-api-alias-arn',
  CRYPTO_API_URL: 'crypto-api-url',
  /** The client's `functionArn`: the audience every identity proof must name. */
  CRYPTO_API_FUNCTION_ARN: 'crypto-api-function-arn',
  CRYPTO_API_CALLERS_POLICY_ARN: 'crypto-api-callers-policy-arn',
  KEY_ARN: 'key-arn',
  /** JSON of the SCP and permissions boundary that deny direct invokes (`docs/guardrails/<stack>.json`). */
  DIRECT_INVOKE_GUARDRAIL: 'direct-invoke-guardrail',
  /** Where alarms go (an object: counts of subscriptions, or the topic). */
  ALARM_DELIVERY: 'alarm-delivery',
  INPUT_BUCKET_NAME: 'input-bucket-name',
  OUTPUT_BUCKET_NAME: 'output-bucket-name',
} as const;

export type StackOutputName = (typeof StackOutput)[keyof typeof StackOutput];

/** The outputs whose value is a plain string. */
export const STRING_OUTPUTS = [
  StackOutput.OBJECT_PROCESSOR_FUNCTION_NAME,
  StackOutput.OBJECT_PROCESSOR_ALIAS_ARN,
  StackOutput.CRYPTO_API_FUNCTION_NAME,
  StackOutput.CRYPTO_API_ALIAS_ARN,
  StackOutput.CRYPTO_API_URL,
  StackOutput.CRYPTO_API_FUNCTION_ARN,
  StackOutput.CRYPTO_API_CALLERS_POLICY_ARN,
  StackOutput.KEY_ARN,
  StackOutput.DIRECT_INVOKE_GUARDRAIL,
  StackOutput.INPUT_BUCKET_NAME,
  StackOutput.OUTPUT_BUCKET_NAME,
] as const satisfies readonly StackOutputName[];

export type StringOutputName = (typeof STRING_OUTPUTS)[number];

/** A deployed platform stack's string outputs, by name. */
export type StackOutputs = { readonly [K in StringOutputName]: string };

/**
 * Reads the string outputs of `terraform output -json` for a platform stack. Every one must be there and
 * be a non-empty string: a reader that got `undefined` or `"[object Object]"` instead would act on the
 * wrong resource, or on none, without saying so.
 *
 * @throws {StackOutputsError} naming each output that is missing or not a string.
 * @example
 * ```ts
 * const outputs = parseStackOutputs('secure-lambda-local', JSON.parse(stdout));
 * outputs[StackOutput.INPUT_BUCKET_NAME];
 * ```
 */
export function parseStackOutputs(stack: string, outputs: unknown): StackOutputs {
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
    throw new StackOutputsError(
      `the outputs of ${stack} are not a JSON object; pass the output of \`terraform output -json\`.`,
    );
  }
  const found: Partial<Record<StringOutputName, string>> = {};
  const problems: string[] = [];
  for (const name of STRING_OUTPUTS) {
    const entry = (outputs as Record<string, unknown>)[name];
    const value =
      typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined;
    if (value === undefined) problems.push(`${name} is missing`);
    else if (typeof value !== 'string' || value === '') problems.push(`${name} is not a non-empty string`);
    else found[name] = value;
  }
  if (problems.length > 0) {
    throw new StackOutputsError(
      `the outputs of ${stack}: ${problems.join('; ')}. Apply the stack from this commit again ` +
        '(its outputs are written by stacks/src/platform-stack.ts).',
    );
  }
  return found as StackOutputs;
}
