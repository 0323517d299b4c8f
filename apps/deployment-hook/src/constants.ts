/** Names and defaults of the deployment hook. */
export const SERVICE_NAME = 'deployment-hook' as const;

export const EnvVars = {
  /**
   * The functions this hook may test and how, as JSON: `{ "<function name>": { "event": {...},
   * "expect": {...} } }`. `event` is sent to the new version (default `{}`); the response must contain
   * `expect` (a subset match, e.g. `{"statusCode":403}` for an unsigned call to an AWS_IAM-protected
   * API; default: any response without a function error passes). A deployment of any other function fails.
   */
  SMOKE_TESTS: 'SMOKE_TESTS',
} as const;

/** CodeDeploy's lifecycle hook results. */
export const HookStatus = { SUCCEEDED: 'Succeeded', FAILED: 'Failed' } as const;
export type HookStatusValue = (typeof HookStatus)[keyof typeof HookStatus];
