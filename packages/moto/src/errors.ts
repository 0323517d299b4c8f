/**
 * Typed errors of `@secure-lambda/moto`: each has a stable `code` and a message that says what to do next.
 */

export const MotoErrorCode = {
  MOTO_NOT_INSTALLED: 'MOTO_NOT_INSTALLED',
  CERTIFICATE_FAILED: 'MOTO_CERTIFICATE_FAILED',
  MOTO_START_FAILED: 'MOTO_START_FAILED',
  MOTO_REQUEST_FAILED: 'MOTO_REQUEST_FAILED',
  INVALID_OPTIONS: 'INVALID_OPTIONS',
} as const;

export type MotoErrorCodeValue = (typeof MotoErrorCode)[keyof typeof MotoErrorCode];

/** Base class: catch this to handle every error the package throws. */
export class MotoError extends Error {
  readonly code: MotoErrorCodeValue;

  constructor(code: MotoErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The virtualenv holding moto does not exist or lacks `moto_server`. */
export class MotoNotInstalledError extends MotoError {
  /** Where the virtualenv was looked for; undefined when not even the repository was found. */
  readonly venvDir: string | undefined;

  constructor(message: string, venvDir: string | undefined, options?: ErrorOptions) {
    super(MotoErrorCode.MOTO_NOT_INSTALLED, message, options);
    this.venvDir = venvDir;
  }
}

/** python/make-cert.py could not write the emulator's TLS certificate and key. */
export class MotoCertificateError extends MotoError {
  /** What the script printed (stderr, then stdout); never key material, which goes to a file only. */
  readonly output: string;

  constructor(message: string, output: string, options?: ErrorOptions) {
    super(MotoErrorCode.CERTIFICATE_FAILED, message, options);
    this.output = output;
  }
}

/** moto_server was found but did not come up: it exited, never answered, or could not be spawned. */
export class MotoStartFailedError extends MotoError {
  /** The last lines the server printed (stderr and stdout), for diagnosis. */
  readonly outputTail: string;

  constructor(message: string, outputTail: string, options?: ErrorOptions) {
    super(
      MotoErrorCode.MOTO_START_FAILED,
      outputTail ? `${message}\n--- moto_server output (tail) ---\n${outputTail}` : message,
      options,
    );
    this.outputTail = outputTail;
  }
}

/** A control request to a running server (reset) failed, or the server was already stopped. */
export class MotoRequestFailedError extends MotoError {
  constructor(message: string, options?: ErrorOptions) {
    super(MotoErrorCode.MOTO_REQUEST_FAILED, message, options);
  }
}

/** An option passed to `startMotoServer` is invalid; the message names it. */
export class MotoOptionsError extends MotoError {
  constructor(message: string, options?: ErrorOptions) {
    super(MotoErrorCode.INVALID_OPTIONS, message, options);
  }
}
