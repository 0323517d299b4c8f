/**
 * The identity-proof protocol the crypto API and its client share. The values here are the contract:
 * changing one breaks every deployed client or function that uses the other side's old value.
 *
 * A request to the crypto API carries two signatures:
 * 1. the Function URL's own SigV4 signature (service `lambda`), which the Function URL checks before the
 *    function runs (AuthType AWS_IAM);
 * 2. an identity proof: the caller's SigV4 signature (service `sts`) over an `sts:GetCallerIdentity`
 *    request that the FUNCTION builds and sends to STS itself. Only the signature parts travel, in the
 *    {@link ProofHeader} headers. The signed request names this API ({@link SignedProofHeader.AUDIENCE})
 *    and the body of this very HTTP request ({@link SignedProofHeader.BODY_SHA256}), so a proof cannot be
 *    replayed against another deployment or with another body.
 */

/** Headers of the Function URL request that carry the proof's signature parts (nothing else is taken). */
export const ProofHeader = {
  /** The `Authorization` value of the signed STS request (`AWS4-HMAC-SHA256 Credential=…`). */
  AUTHORIZATION: 'x-secure-lambda-sts-authorization',
  /** Its `X-Amz-Date` (`yyyyMMddTHHmmssZ`). */
  DATE: 'x-secure-lambda-sts-date',
  /** Its `X-Amz-Security-Token`, for temporary credentials (roles, Identity Center). */
  SECURITY_TOKEN: 'x-secure-lambda-sts-security-token',
} as const;

/** Headers inside the signed STS request that bind the proof to one API and one request body. */
export const SignedProofHeader = {
  /** The audience: the unqualified ARN of the crypto API function ({@link audienceFor}). */
  AUDIENCE: 'x-secure-lambda-audience',
  /** Lowercase hex SHA-256 of the exact HTTP body sent to the Function URL. */
  BODY_SHA256: 'x-secure-lambda-body-sha256',
} as const;

/** The only STS request a proof may sign: `POST /` with this body and content type. */
export const StsRequest = {
  METHOD: 'POST',
  PATH: '/',
  BODY: 'Action=GetCallerIdentity&Version=2011-06-15',
  CONTENT_TYPE: 'application/x-www-form-urlencoded; charset=utf-8',
  SERVICE: 'sts',
} as const;

/**
 * How long a proof is accepted after its `X-Amz-Date`, and how far ahead of the function's clock it may
 * be. STS itself accepts a signature for 15 minutes; the API accepts it for 5, and 1 minute of skew ahead.
 */
export const ProofWindow = {
  MAX_AGE_MS: 5 * 60_000,
  MAX_FUTURE_SKEW_MS: 60_000,
} as const;

const FUNCTION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9_$-]+)?$/;

/** The parts of a Lambda function ARN the protocol uses. */
export interface FunctionArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
}

/**
 * Splits a function ARN (qualified or not); undefined when `arn` is not a Lambda function ARN.
 *
 * @example
 * ```ts
 * parseFunctionArn('arn:aws:lambda:eu-west-1:111122223333:function:api:live')?.functionName; // 'api'
 * ```
 */
export function parseFunctionArn(arn: string): FunctionArnParts | undefined {
  const match = FUNCTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, functionName] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, region, accountId, functionName };
}

/**
 * The audience a proof names: the unqualified function ARN. Account, region and name together, so a proof
 * made for one deployment is refused by a namesake function in another account or region.
 *
 * @example
 * ```ts
 * audienceFor('arn:aws:lambda:eu-west-1:111122223333:function:api:live');
 * // 'arn:aws:lambda:eu-west-1:111122223333:function:api'
 * ```
 */
export function audienceFor(functionArn: string): string | undefined {
  const parts = parseFunctionArn(functionArn);
  if (!parts) return undefined;
  return `arn:${parts.partition}:lambda:${parts.region}:${parts.accountId}:function:${parts.functionName}`;
}

/**
 * The regional STS endpoint of `region` (never the global `sts.amazonaws.com`): inside the platform's VPC
 * its name resolves to the STS interface endpoint.
 *
 * @example
 * ```ts
 * regionalStsEndpoint('eu-west-1'); // 'https://sts.eu-west-1.amazonaws.com'
 * ```
 */
export function regionalStsEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sts.${region}.${suffix}`;
}

/**
 * True for the only endpoint overrides the function accepts: `http(s)://127.0.0.1:<port>` or
 * `http(s)://localhost:<port>`, the local emulator. In Lambda nothing the caller controls listens there.
 *
 * @example
 * ```ts
 * isLoopbackEndpoint('https://127.0.0.1:4566'); // true
 * isLoopbackEndpoint('https://attacker.example'); // false
 * ```
 */
export function isLoopbackEndpoint(endpoint: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost):\d{1,5}\/?$/.test(endpoint);
}
