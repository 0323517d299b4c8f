/**
 * Typed errors of the system-test helpers. Each has a stable `code` and a message that says what to do next.
 */
export const SystemTestErrorCode = {
  SYNTH_FAILED: 'SYNTH_FAILED',
  SYNTH_OUTPUT_STALE: 'SYNTH_OUTPUT_STALE',
  SCRIPT_FAILED: 'SCRIPT_FAILED',
} as const;

export type SystemTestErrorCodeValue = (typeof SystemTestErrorCode)[keyof typeof SystemTestErrorCode];

export class SystemTestError extends Error {
  readonly code: SystemTestErrorCodeValue;

  constructor(code: SystemTestErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
