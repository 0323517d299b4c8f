/**
 * Typed errors of the crypto API client. Each carries a stable `code`; messages say what to change.
 */

export const ClientErrorCode = {
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  REQUEST_FAILED: 'REQUEST_FAILED',
  API_ERROR: 'API_ERROR',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
} as const;

export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Base class of every error the client throws. */
export class CryptoApiClientError extends Error {
  readonly code: ClientErrorCodeValue;

  constructor(code: ClientErrorCodeValue, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The client options are unusable (URL, function ARN, region or STS endpoint). */
export class ClientOptionsError extends CryptoApiClientError {
  constructor(message: string, options?: ErrorOptions) {
    super(ClientErrorCode.INVALID_OPTIONS, message, options);
  }
}

/** The request could not be signed or sent (no credentials, network failure). */
export class RequestFailedError extends CryptoApiClientError {
  constructor(message: string, options?: ErrorOptions) {
    super(ClientErrorCode.REQUEST_FAILED, message, options);
  }
}

/** The API answered with an error: `status` and the API's own `apiCode` (e.g. `CONTEXT_MISMATCH`). */
export class CryptoApiResponseError extends CryptoApiClientError {
  readonly status: number;
  readonly apiCode: string;

  constructor(status: number, apiCode: string, apiMessage: string) {
    super(ClientErrorCode.API_ERROR, `The crypto API answered ${status} ${apiCode}: ${apiMessage}`);
    this.status = status;
    this.apiCode = apiCode;
  }
}

/** The answer is not the API's JSON (a proxy page, a truncated body). */
export class InvalidResponseError extends CryptoApiClientError {
  constructor(status: number, options?: ErrorOptions) {
    super(
      ClientErrorCode.INVALID_RESPONSE,
      `The crypto API answered ${status} with a body that is not its JSON. Check the Function URL.`,
      options,
    );
  }
}
