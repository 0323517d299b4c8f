/** The steps of a local deployment, in order; every error names the one that failed. */
export type LocalStep =
  | 'check prerequisites'
  | 'start emulator'
  | 'probe emulator gaps'
  | 'synthesize'
  | 'terraform init'
  | 'terraform apply'
  | 'terraform output'
  | 'terraform plan'
  | 'terraform destroy'
  | 'check emulator gaps'
  | 'smoke test'
  | 'stop emulator';

/**
 * A failed step of `deploy:local` or `destroy:local`. The message names the step, the resource when one
 * is known, what went wrong and what to do next; `output` keeps the tail of the tool's own output.
 */
export class LocalDeployError extends Error {
  readonly code = 'LOCAL_DEPLOY_FAILED';
  readonly step: LocalStep;
  /** Terraform addresses (or AWS names) of the resources involved, when known. */
  readonly resources: readonly string[];
  readonly output: string | undefined;

  constructor(
    step: LocalStep,
    message: string,
    options: { resources?: readonly string[]; output?: string; cause?: unknown } = {},
  ) {
    const resources = options.resources ?? [];
    const where = resources.length > 0 ? ` (${resources.join(', ')})` : '';
    super(`step "${step}" failed${where}: ${message}`, { cause: options.cause });
    this.name = 'LocalDeployError';
    this.step = step;
    this.resources = resources;
    this.output = options.output;
  }
}

/** A smoke check that found the deployment not as declared. */
export class SmokeCheckError extends LocalDeployError {
  constructor(
    check: string,
    message: string,
    options: { resources?: readonly string[]; cause?: unknown } = {},
  ) {
    super('smoke test', `${check}: ${message}`, options);
    this.name = 'SmokeCheckError';
  }
}

/** Bad command-line usage of `secure-lambda-local`; the CLI prints it with the usage text and exits 2. */
export class LocalUsageError extends Error {
  readonly code = 'LOCAL_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'LocalUsageError';
  }
}

/** @internal */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
