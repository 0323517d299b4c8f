/**
 * Typed errors of `@secure-lambda/stacks`: configuration that would synthesize a stack that does not meet
 * the platform's bar. Each names the environment and the configuration field to fix.
 */
export const StackErrorCode = {
  ALARM_DELIVERY_MISSING: 'ALARM_DELIVERY_MISSING',
  INVALID_CONFIG: 'INVALID_CONFIG',
} as const;

export type StackErrorCodeValue = (typeof StackErrorCode)[keyof typeof StackErrorCode];

/** A field of an `EnvironmentConfig` is missing or wrong. */
export class ConfigError extends Error {
  readonly code: StackErrorCodeValue;
  /** The environment (`dev`, `prod`, `local`). */
  readonly environment: string;
  /** The field of `EnvironmentConfig`, as a path (`alarmDelivery.emails`). */
  readonly field: string;

  constructor(
    code: StackErrorCodeValue,
    environment: string,
    field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`environment ${environment}: ${field}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.environment = environment;
    this.field = field;
  }
}
