/**
 * `@secure-lambda/caller-identity`: who is calling a Function URL handler, proven by STS and never read from
 * the event (see identity.ts for the design and what it takes from the client).
 *
 * @example
 * ```ts
 * const verifier = new StsIdentityVerifier({ endpoint: regionalStsEndpoint(region), region });
 * const identity = await verifier.verify({ headers: event.headers, body, audience: context.invokedFunctionArn });
 * const unit = isolationUnitOf(identity);
 * ```
 */
export {
  CallerIdentityError,
  CallerIdentityErrorCode,
  type CallerIdentityErrorCodeValue,
  IdentityNotVerifiedError,
  IdentityServiceUnavailableError,
  RETRY_AFTER_SECONDS,
  UnsupportedPrincipalError,
} from './errors';
export {
  DEFAULT_PER_USER_ROLE_PATTERNS,
  type IdentityVerifier,
  type IsolationUnit,
  isolationUnitOf,
  type ProofInput,
  parseGetCallerIdentityResponse,
  StsIdentityVerifier,
  type StsIdentityVerifierOptions,
  StsLimits,
  type StsTransport,
  type VerifiedIdentity,
} from './identity';
