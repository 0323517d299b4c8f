/** Stable codes of the identity check's errors; a handler maps them to its responses. */
export const CallerIdentityErrorCode = {
  IDENTITY_NOT_VERIFIED: 'IDENTITY_NOT_VERIFIED',
  IDENTITY_SERVICE_UNAVAILABLE: 'IDENTITY_SERVICE_UNAVAILABLE',
  UNSUPPORTED_PRINCIPAL: 'UNSUPPORTED_PRINCIPAL',
} as const;

export type CallerIdentityErrorCodeValue =
  (typeof CallerIdentityErrorCode)[keyof typeof CallerIdentityErrorCode];

/** Seconds a caller waits before retrying when STS could not be reached. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Base class: the caller could not be identified. `status` and `headers` are the HTTP answer a Function URL
 * handler gives (403 or 503); the message is safe to send to the caller.
 */
export class CallerIdentityError extends Error {
  readonly code: CallerIdentityErrorCodeValue;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: CallerIdentityErrorCodeValue,
    status: number,
    message: string,
    options?: ErrorOptions & { readonly headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

/**
 * The request carries no identity proof STS accepts for this API, this body and this time. The message
 * is the same whatever failed, so a prober learns nothing; `reason` (a fixed token such as
 * `proof-expired` or `unsigned-x-secure-lambda-audience`) is for the function's log only.
 */
export class IdentityNotVerifiedError extends CallerIdentityError {
  readonly reason: string;

  constructor(reason: string, options?: ErrorOptions) {
    super(
      CallerIdentityErrorCode.IDENTITY_NOT_VERIFIED,
      403,
      'The caller identity could not be verified. Send the request with @secure-lambda/crypto-api-client ' +
        '(a fresh sts:GetCallerIdentity proof for this API and this body), with valid AWS credentials.',
      options,
    );
    this.reason = reason;
  }
}

/** STS did not answer (timeout, network, 5xx): nothing was decided about the caller. */
export class IdentityServiceUnavailableError extends CallerIdentityError {
  constructor(options?: ErrorOptions) {
    super(
      CallerIdentityErrorCode.IDENTITY_SERVICE_UNAVAILABLE,
      503,
      'The identity service could not be reached to verify the caller. Retry later with a fresh request.',
      { ...options, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
    );
  }
}

/** STS verified the caller, but it is a principal data cannot be bound to (root, federation-token user). */
export class UnsupportedPrincipalError extends CallerIdentityError {
  constructor() {
    super(
      CallerIdentityErrorCode.UNSUPPORTED_PRINCIPAL,
      403,
      'This kind of principal cannot be identified for this API. Call it as an IAM user or an IAM role ' +
        'session (including IAM Identity Center), never as the root user or a GetFederationToken user.',
    );
  }
}
