/**
 * Reading a Function URL request: the event shape (Powertools Parser schema), the caller's IAM
 * principal, the body (size-bounded before anything parses it), and strict base64 fields.
 */
import { LambdaFunctionUrlSchema } from '@aws-lambda-powertools/parser/schemas/lambda';
import { z } from 'zod';
import { Limits } from './constants';
import {
  InvalidEventError,
  InvalidRequestError,
  MalformedBase64Error,
  MalformedJsonError,
  MissingPrincipalError,
  PayloadTooLargeError,
} from './errors';
import { base64Length, decodeCanonicalBase64 } from './private/base64';

export type FunctionUrlEvent = z.infer<typeof LambdaFunctionUrlSchema>;

/** The signed caller, as the Function URL's AWS_IAM auth reports it. */
export interface CallerPrincipal {
  /** IAM user, role session (`arn:aws:sts::…:assumed-role/…`) or root ARN (for logs). */
  readonly userArn: string;
  readonly accountId: string;
  /**
   * What data is bound to: `<account>:<unique id>` of the IAM user (`AIDA…`) or role (`AROA…`), without
   * the session name. A session name is the caller's choice (anyone who may assume the role could pick
   * another caller's) and changes between sessions; the unique id changes when the user or role is
   * deleted and recreated, so a recreated namesake cannot read the old one's data.
   */
  readonly id: string;
}

/**
 * Checks that `event` is a Lambda Function URL event (payload format 2.0).
 *
 * @throws InvalidEventError (`INVALID_EVENT`) when it is not; the zod issues are kept as `cause`
 *
 * @example
 * ```ts
 * const request = parseFunctionUrlEvent(event);
 * request.requestContext.http.method; // 'POST'
 * ```
 */
export function parseFunctionUrlEvent(event: unknown): FunctionUrlEvent {
  const result = LambdaFunctionUrlSchema.safeParse(event);
  if (!result.success) throw new InvalidEventError({ cause: result.error });
  return result.data;
}

/** Account segment of an IAM or STS ARN (`arn:partition:service:region:account:resource`). */
function arnAccount(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' ? parts[4] : undefined;
}

/**
 * The caller's principal from the request context. Only the context is trusted: the Function URL fills
 * it from the verified SigV4 signature, while the body is whatever the caller chose to send.
 *
 * @throws MissingPrincipalError (`MISSING_PRINCIPAL`) when there is no IAM principal, or its ARN and
 * account disagree
 *
 * @example
 * ```ts
 * const { userArn } = callerPrincipal(request); // 'arn:aws:iam::123456789012:user/alice'
 * ```
 */
export function callerPrincipal(event: FunctionUrlEvent): CallerPrincipal {
  const iam = event.requestContext.authorizer?.iam;
  const userArn = iam?.userArn;
  const accountId = iam?.accountId;
  const uniqueId = iam?.userId?.split(':')[0];
  // A principal whose ARN names another account than the context is not one the platform produced.
  if (!userArn || !accountId || !uniqueId || arnAccount(userArn) !== accountId)
    throw new MissingPrincipalError();
  if (!/^[A-Z0-9]{16,128}$/.test(uniqueId)) throw new MissingPrincipalError();
  return { userArn, accountId, id: `${accountId}:${uniqueId}` };
}

/**
 * Decodes a base64 field strictly and bounds its decoded size.
 *
 * @throws PayloadTooLargeError (`PAYLOAD_TOO_LARGE`) over `maxBytes`
 * @throws MalformedBase64Error (`MALFORMED_BASE64`) unless canonical standard base64
 *
 * @example
 * ```ts
 * const plaintext = decodeBase64Field(body.plaintext, 'plaintext', Limits.MAX_PLAINTEXT_BYTES);
 * ```
 */
export function decodeBase64Field(value: string, field: string, maxBytes: number): Buffer {
  // Too long to decode to at most maxBytes: refused without decoding.
  if (value.length > base64Length(maxBytes)) throw new PayloadTooLargeError(`The decoded ${field}`, maxBytes);
  const bytes = decodeCanonicalBase64(value);
  if (bytes === undefined) throw new MalformedBase64Error(`The "${field}" value`);
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(`The decoded ${field}`, maxBytes);
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body as parsed JSON, bounded before it is decoded or parsed.
 *
 * @throws InvalidRequestError (`INVALID_REQUEST`) with no body
 * @throws PayloadTooLargeError (`PAYLOAD_TOO_LARGE`) over `Limits.MAX_BODY_BYTES`
 * @throws MalformedBase64Error (`MALFORMED_BASE64`) when a base64-encoded body is not base64
 * @throws MalformedJsonError (`MALFORMED_JSON`) when it is not UTF-8 JSON
 *
 * @example
 * ```ts
 * const json = readJsonBody(request, '{"plaintext":"<base64>"}');
 * ```
 */
export function readJsonBody(event: FunctionUrlEvent, expected: string): unknown {
  const { body, isBase64Encoded } = event;
  if (body === undefined || body === '') throw new InvalidRequestError(expected);
  let text: string;
  if (isBase64Encoded) {
    if (body.length > Limits.MAX_ENCODED_BODY_CHARS) {
      throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
    }
    const bytes = decodeCanonicalBase64(body);
    if (bytes === undefined) throw new MalformedBase64Error('The request body (sent base64-encoded)');
    if (bytes.length > Limits.MAX_BODY_BYTES) {
      throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
    }
    try {
      text = utf8.decode(bytes);
    } catch (cause) {
      throw new MalformedJsonError({ cause });
    }
  } else {
    // A string's length (UTF-16 units) never exceeds its UTF-8 size: the first test refuses a huge body
    // before its size is counted.
    if (body.length > Limits.MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') > Limits.MAX_BODY_BYTES) {
      throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
    }
    text = body;
  }
  try {
    return JSON.parse(text);
  } catch {
    // Not kept as `cause`: V8's SyntaxError message quotes the start of the body.
    throw new MalformedJsonError();
  }
}

export const EncryptRequestSchema = z.strictObject({ plaintext: z.string() });
export const DecryptRequestSchema = z.strictObject({ ciphertext: z.string() });

/**
 * Validates a parsed body against a route's schema.
 *
 * @throws InvalidRequestError (`INVALID_REQUEST`) on missing, extra or non-string fields
 *
 * @example
 * ```ts
 * const { plaintext } = parseRequestBody(json, EncryptRequestSchema, '{"plaintext":"<base64>"}');
 * ```
 */
export function parseRequestBody<T>(json: unknown, schema: z.ZodType<T>, expected: string): T {
  const result = schema.safeParse(json);
  // The zod issues are dropped, not kept as `cause`: they name the unexpected keys the caller sent.
  if (!result.success) throw new InvalidRequestError(expected);
  return result.data;
}
