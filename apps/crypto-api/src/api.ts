/**
 * The crypto API's request handling, with its dependencies injected: the envelope encryptor (a real
 * KMS client in production, an in-memory double in unit tests), the logger and the metrics.
 */

import {
  CallerIdentityError,
  DEFAULT_PER_USER_ROLE_PATTERNS,
  IdentityNotVerifiedError,
  type IdentityVerifier,
  type IsolationUnit,
  isolationUnitOf,
} from '@secure-lambda/caller-identity';
import {
  CryptoError,
  EncryptionContextMismatchError,
  type EnvelopeEncryptor,
  InvalidMessageError,
  KeyNotAllowedError,
  KmsError,
  KmsInvalidCiphertextError,
  KmsThrottledError,
  UnsupportedFormatError,
} from '@secure-lambda/crypto';
import { audienceFor } from '@secure-lambda/crypto-api-client/protocol';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ALLOWED_METHOD,
  APP_NAME,
  CALLER_LOG_KEY,
  ContextKey,
  ERROR_CODE_DIMENSION,
  Limits,
  MetricName,
  RESPONSE_HEADERS,
  Route,
  type RouteValue,
} from './constants';
import {
  ContextMismatchError,
  InternalError,
  InvalidCiphertextError,
  KmsRequestFailedError,
  KmsRequestThrottledError,
  MethodNotAllowedError,
  RequestError,
  RouteNotFoundError,
} from './errors';
import {
  bodyBytes,
  DecryptRequestSchema,
  decodeBase64Field,
  EncryptRequestSchema,
  type FunctionUrlEvent,
  parseFunctionUrlEvent,
  parseRequestBody,
  readJsonBody,
} from './request';

/** The part of a structured logger the API uses (Powertools `Logger` has this shape). */
export interface ApiLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
  /** Adds keys to every following line of this invocation. */
  appendKeys(attributes: Record<string, unknown>): void;
  removeKeys(keys: string[]): void;
}

/** One metric emitted on its own, with its own dimensions (Powertools `Metrics.singleMetric()`). */
export interface ApiSingleMetric {
  addDimension(name: string, value: string): void;
  addMetric(name: string, unit: 'Count', value: number): void;
}

/** The part of a metrics client the API uses (Powertools `Metrics` has this shape). */
export interface ApiMetrics {
  addMetric(name: string, unit: 'Count', value: number): void;
  singleMetric(): ApiSingleMetric;
}

export interface CryptoApiProps {
  /** Encrypts and decrypts; built once per execution environment so its data-key cache is reused. */
  readonly encryptor: Pick<EnvelopeEncryptor, 'encrypt' | 'decrypt'>;
  readonly logger: ApiLogger;
  readonly metrics: ApiMetrics;
  /** Proves who the caller is (STS in production). The event's `requestContext` is never trusted for it. */
  readonly verifier: IdentityVerifier;
  /**
   * Role names whose sessions are isolated per session name, because AWS (not the assumer) sets it to
   * the signed-in user. Part of the code, not the environment: whoever can change the function's
   * configuration must not be able to split or merge isolation units.
   * @default DEFAULT_PER_USER_ROLE_PATTERNS (IAM Identity Center roles, `AWSReservedSSO_*`)
   */
  readonly perUserRolePatterns?: readonly RegExp[];
  /**
   * The audience proofs must name. Tests set it; in Lambda it is the unqualified ARN of the invoked
   * function, from the Lambda context.
   * @default audienceFor(context.invokedFunctionArn)
   */
  readonly audience?: string;
}

/** The part of the Lambda context the API reads. */
export interface ApiContext {
  readonly invokedFunctionArn?: string;
}

export type FunctionUrlResult = APIGatewayProxyStructuredResultV2 & {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
};

export type CryptoApiHandler = (event: unknown, context?: ApiContext) => Promise<FunctionUrlResult>;

const EXPECTED_ENCRYPT_BODY = '{"plaintext":"<base64>"}';
const EXPECTED_DECRYPT_BODY = '{"ciphertext":"<base64>"}';

/** The context every message is bound to: the caller's isolation unit as STS proved it, never the event. */
function encryptionContextFor(unit: IsolationUnit): Record<string, string> {
  return { [ContextKey.APP]: APP_NAME, [ContextKey.PRINCIPAL]: unit.id };
}

function matchRoute(event: FunctionUrlEvent): RouteValue {
  const path = event.rawPath;
  const route = Object.values(Route).find((candidate) => candidate === path);
  if (route === undefined) throw new RouteNotFoundError();
  if (event.requestContext.http.method !== ALLOWED_METHOD) throw new MethodNotAllowedError();
  return route;
}

/**
 * Turns whatever a request failed with into the error it is answered with. Crypto errors are mapped by
 * what the caller can do: a context mismatch is a refusal (403); a message that cannot be read is the
 * caller's input (400); throttling is transient (503, retry later); any other KMS failure is an upstream
 * failure (502). 503 rather than 502 for throttling lets clients and their SDKs retry with backoff.
 */
function toRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  // 403 or 503 with the check's own fixed message; the reason stays on the cause, for the log only.
  if (error instanceof CallerIdentityError) {
    return new RequestError(error.code, error.status, error.message, {
      cause: error,
      headers: error.headers,
    });
  }
  if (error instanceof EncryptionContextMismatchError) return new ContextMismatchError({ cause: error });
  if (
    error instanceof InvalidMessageError ||
    error instanceof UnsupportedFormatError ||
    error instanceof KeyNotAllowedError ||
    error instanceof KmsInvalidCiphertextError
  ) {
    return new InvalidCiphertextError({ cause: error });
  }
  if (error instanceof KmsThrottledError) return new KmsRequestThrottledError({ cause: error });
  if (error instanceof KmsError) return new KmsRequestFailedError({ cause: error });
  return new InternalError({ cause: error });
}

/**
 * What a server-side failure is logged with. Only crypto errors' messages are logged: the crypto package
 * promises they hold no plaintext, data keys or ciphertext, which no other error can promise. Crypto
 * errors are named by `code`, not `name`: the minified bundle renames their classes.
 */
function failureDetails(error: RequestError): Record<string, unknown> {
  const cause = error.cause;
  if (cause instanceof KmsError) {
    const sdkError = cause.cause;
    return {
      errorCode: cause.code,
      errorMessage: cause.message,
      kmsOperation: cause.operation,
      kmsKeyId: cause.keyId,
      kmsException: sdkError instanceof Error ? sdkError.name : undefined,
    };
  }
  if (cause instanceof CryptoError) {
    return { errorCode: cause.code, errorMessage: cause.message };
  }
  return { errorName: cause instanceof Error ? cause.name : typeof cause };
}

function respond(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): FunctionUrlResult {
  return {
    statusCode,
    headers: { ...RESPONSE_HEADERS, ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/**
 * Creates the Function URL handler of the crypto API:
 * `POST /encrypt {"plaintext":"<base64>"}` → `{"ciphertext":"<base64 Encryption SDK message>"}` and
 * `POST /decrypt {"ciphertext":"<base64>"}` → `{"plaintext":"<base64>"}`. The caller is whoever STS says
 * signed the request's identity proof (see @secure-lambda/caller-identity); every message is bound to that caller's isolation
 * unit (`isolationUnitOf`) through its encryption context, so only the same unit can decrypt it. Errors
 * are answered as `{"error":{"code","message"}}`; no response or log line contains the payload.
 *
 * @example
 * ```ts
 * const api = createCryptoApi({
 *   encryptor: new EnvelopeEncryptor({ keyring: new KmsKeyring({ client, generatorKeyId: keyArn }) }),
 *   verifier: new StsIdentityVerifier({ endpoint: 'https://sts.eu-west-1.amazonaws.com', region: 'eu-west-1' }),
 *   logger: observability.logger,
 *   metrics: observability.metrics,
 * });
 * const response = await api(functionUrlEvent, context); // { statusCode: 200, body: '{"ciphertext":"…"}', … }
 * ```
 */
export function createCryptoApi(props: CryptoApiProps): CryptoApiHandler {
  const { encryptor, logger, metrics, verifier } = props;
  const patterns = props.perUserRolePatterns ?? DEFAULT_PER_USER_ROLE_PATTERNS;

  async function encrypt(body: Buffer, caller: IsolationUnit): Promise<unknown> {
    const json = readJsonBody(body, EXPECTED_ENCRYPT_BODY);
    const { plaintext } = parseRequestBody(json, EncryptRequestSchema, EXPECTED_ENCRYPT_BODY);
    const bytes = decodeBase64Field(plaintext, 'plaintext', Limits.MAX_PLAINTEXT_BYTES);
    try {
      const message = await encryptor.encrypt(bytes, { encryptionContext: encryptionContextFor(caller) });
      return { ciphertext: message.toString('base64') };
    } finally {
      // Leaves one copy fewer of the plaintext in memory until the buffer is collected.
      bytes.fill(0);
    }
  }

  async function decrypt(body: Buffer, caller: IsolationUnit): Promise<unknown> {
    const json = readJsonBody(body, EXPECTED_DECRYPT_BODY);
    const { ciphertext } = parseRequestBody(json, DecryptRequestSchema, EXPECTED_DECRYPT_BODY);
    const message = decodeBase64Field(ciphertext, 'ciphertext', Limits.MAX_CIPHERTEXT_BYTES);
    // Checked against the message header before any KMS call: another principal's message is refused
    // without KMS ever unwrapping its data key.
    const { plaintext } = await encryptor.decrypt(message, {
      requiredEncryptionContext: encryptionContextFor(caller),
    });
    try {
      return { plaintext: plaintext.toString('base64') };
    } finally {
      plaintext.fill(0);
    }
  }

  return async function handle(event: unknown, context?: ApiContext): Promise<FunctionUrlResult> {
    // The observability wrapper labels lines with the caller the event claims; a direct invoker writes
    // that claim. Only the caller STS proves is ever logged as the caller.
    logger.removeKeys([CALLER_LOG_KEY]);
    const outcome: Record<string, unknown> = { route: 'unmatched' };
    let response: FunctionUrlResult;
    let failure: RequestError | undefined;
    try {
      const request = parseFunctionUrlEvent(event);
      outcome.method = request.requestContext.http.method;
      const body = bodyBytes(request);
      const audience = props.audience ?? audienceFor(context?.invokedFunctionArn ?? '');
      // Without its own ARN the function cannot check a proof's audience: an operator error, not the caller's.
      if (audience === undefined)
        throw new Error('no audience: the Lambda context has no invokedFunctionArn');
      const identity = await verifier.verify({ headers: request.headers ?? {}, body, audience });
      const unit = isolationUnitOf(identity, patterns);
      outcome.principal = identity.arn;
      outcome.accountId = identity.account;
      outcome.isolation = unit.kind;
      logger.appendKeys({ [CALLER_LOG_KEY]: identity.arn });
      const claimed = request.requestContext.authorizer?.iam?.userArn;
      // Logged as a fact only: the claimed ARN is attacker-chosen text and is not written anywhere.
      if (claimed !== undefined && claimed !== identity.arn) outcome.requestContextMismatch = true;
      const route = matchRoute(request);
      outcome.route = `${ALLOWED_METHOD} ${route}`;
      const result = route === Route.ENCRYPT ? await encrypt(body, unit) : await decrypt(body, unit);
      response = respond(200, result);
    } catch (error) {
      failure = toRequestError(error);
      response = respond(
        failure.status,
        { error: { code: failure.code, message: failure.message } },
        failure.headers,
      );
    }

    metrics.addMetric(MetricName.REQUESTS, 'Count', 1);
    outcome.status = response.statusCode;
    if (failure === undefined) {
      logger.info('request completed', outcome);
      return response;
    }
    outcome.code = failure.code;
    if (failure.cause instanceof IdentityNotVerifiedError) outcome.reason = failure.cause.reason;
    const errorMetric = metrics.singleMetric();
    errorMetric.addDimension(ERROR_CODE_DIMENSION, failure.code);
    errorMetric.addMetric(MetricName.ERRORS, 'Count', 1);
    if (failure.status >= 500) logger.error('request failed', { ...outcome, ...failureDetails(failure) });
    else logger.info('request refused', outcome);
    return response;
  };
}
