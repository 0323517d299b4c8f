/** Stable codes of the generator's errors. */
export const GeneratorErrorCode = {
  USAGE: 'USAGE',
  INVALID_NAME: 'INVALID_NAME',
  NAME_TAKEN: 'NAME_TAKEN',
  INVALID_TRIGGER: 'INVALID_TRIGGER',
  WRITE_FAILED: 'WRITE_FAILED',
  INSTALL_FAILED: 'INSTALL_FAILED',
} as const;

export type GeneratorErrorCodeValue = (typeof GeneratorErrorCode)[keyof typeof GeneratorErrorCode];

/** `new:function` could not create the app; the message says what to do. Nothing is left half-written. */
export class GeneratorError extends Error {
  readonly code: GeneratorErrorCodeValue;

  constructor(code: GeneratorErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
