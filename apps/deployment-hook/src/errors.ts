/** Errors of the deployment hook, each with a stable code and a message that says what to fix. */
export class DeploymentHookError extends Error {
  readonly code: 'HOOK_CONFIGURATION' | 'HOOK_EVENT';
  constructor(code: DeploymentHookError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The hook's environment is wrong: fix the function's configuration. */
export class HookConfigurationError extends DeploymentHookError {
  constructor(message: string, options?: ErrorOptions) {
    super('HOOK_CONFIGURATION', message, options);
  }
}

/** The event is not a CodeDeploy lifecycle hook event (no deployment id or execution id to report to). */
export class HookEventError extends DeploymentHookError {
  constructor(message: string) {
    super('HOOK_EVENT', message);
  }
}
