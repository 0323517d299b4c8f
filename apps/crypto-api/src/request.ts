/**
 * Reading a Function URL request: the event shape (Powertools Parser with a valibot schema), the body (size-bounded
 * before anything parses it), and strict base64 fields. Nothing here says who the caller is: that comes
 * from STS (@secure-lambda/caller-identity), never from the event.
 */
import { parse } from '@aws-lambda-powertools/parser';
import * as v from 'valibot';
import { Limits } from './constants';
import {
  InvalidEventError,
  InvalidRequestError,
  MalformedBase64Error,
  MalformedJsonError,
  PayloadTooLargeError,
} from './errors';
import { base64Length, decodeCanonicalBase64 } from './private/base64';
import { FunctionUrlEventSchema } from './private/function-url-schema';

export type FunctionUrlEvent = v.InferOutput<typeof FunctionUrlEventSchema>;

/** Standard Schema issues as `requestContext.http.method: Invalid value: expected ...`, without their values. */
function issueList(issues: unknown): string[] {
  if (!Array.isArray(issues)) return ['(event): invalid'];
  return issues.map(
    (issue: { message?: unknown; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }) => {
      const where = (issue.path ?? []).map((s) => String(typeof s === 'object' ? s.key : s)).join('.');
      return `${where || '(event)'}: ${String(issue.message ?? 'invalid')}`;
    },
  );
}

/**
 * Checks that `event` is a Lambda Function URL event (payload format 2.0), with Powertools Parser and the
 * schema's Standard Schema interface.
 *
 * @throws InvalidEventError (`INVALID_EVENT`) when it is not; `cause` lists where (`path: what was expected`),
 *   never the values: Parser's own error carries them (`input`), and an event may carry data
 *
 * @example
 * ```ts
 * const request = parseFunctionUrlEvent(event);
 * request.requestContext.http.method; // 'POST'
 * ```
 */
export function parseFunctionUrlEvent(event: unknown): FunctionUrlEvent {
  const result = parse(event, undefined, FunctionUrlEventSchema, true);
  if (!result.success) throw new InvalidEventError({ cause: issueList(result.error.cause) });
  return result.data;
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
 * The exact bytes of the request body (empty when there is none), bounded before anything decodes them.
 * The identity proof hashes these bytes, and the JSON parser reads them.
 *
 * @throws PayloadTooLargeError (`PAYLOAD_TOO_LARGE`) over `Limits.MAX_BODY_BYTES`
 * @throws MalformedBase64Error (`MALFORMED_BASE64`) when a base64-encoded body is not base64
 *
 * @example
 * ```ts
 * const bytes = bodyBytes(request); // Buffer of the HTTP body
 * ```
 */
export function bodyBytes(event: FunctionUrlEvent): Buffer {
  const { body, isBase64Encoded } = event;
  if (body === undefined || body === '') return Buffer.alloc(0);
  if (isBase64Encoded) {
    if (body.length > Limits.MAX_ENCODED_BODY_CHARS) {
      throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
    }
    const bytes = decodeCanonicalBase64(body);
    if (bytes === undefined) throw new MalformedBase64Error('The request body (sent base64-encoded)');
    if (bytes.length > Limits.MAX_BODY_BYTES)
      throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
    return bytes;
  }
  // A string's length (UTF-16 units) never exceeds its UTF-8 size: the first test refuses a huge body
  // before its size is counted.
  if (body.length > Limits.MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') > Limits.MAX_BODY_BYTES) {
    throw new PayloadTooLargeError('The request body', Limits.MAX_BODY_BYTES);
  }
  return Buffer.from(body, 'utf8');
}

/**
 * The request body (from {@link bodyBytes}) as parsed JSON.
 *
 * @throws InvalidRequestError (`INVALID_REQUEST`) with no body
 * @throws MalformedJsonError (`MALFORMED_JSON`) when it is not UTF-8 JSON
 *
 * @example
 * ```ts
 * const json = readJsonBody(bodyBytes(request), '{"plaintext":"<base64>"}');
 * ```
 */
export function readJsonBody(bytes: Uint8Array, expected: string): unknown {
  if (bytes.length === 0) throw new InvalidRequestError(expected);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new MalformedJsonError({ cause });
  }
  try {
    return JSON.parse(text);
  } catch {
    // Not kept as `cause`: V8's SyntaxError message quotes the start of the body.
    throw new MalformedJsonError();
  }
}

export const EncryptRequestSchema = v.strictObject({ plaintext: v.string() });
export const DecryptRequestSchema = v.strictObject({ ciphertext: v.string() });

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
export function parseRequestBody<T>(json: unknown, schema: v.GenericSchema<unknown, T>, expected: string): T {
  const result = v.safeParse(schema, json);
  // The issues are dropped, not kept as `cause`: they name the unexpected keys the caller sent.
  if (!result.success) throw new InvalidRequestError(expected);
  return result.output;
}
