import { types } from 'node:util';
import { REDACTED, RedactionLimits, RedactionMarker } from './constants';
import { isDiagnosticFieldName, isSecretKeyName } from './private/secret-keys';
import { redactString } from './private/secret-patterns';

/** Per-call bookkeeping: the objects on the current path (cycle check) and the visit budget. */
export interface RedactionState {
  readonly ancestors: object[];
  visited: number;
}

/** A fresh state; share one across the attributes of a single log line so the budget bounds the whole line. */
export function createRedactionState(): RedactionState {
  return { ancestors: [], visited: 0 };
}

const ERROR_FIELDS: ReadonlySet<string> = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/** Same parse as Powertools' `getCodeLocation`, so redacted errors keep the `location` field it prints. */
function codeLocation(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  for (const line of stack.split('\n')) {
    const match = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(line);
    if (match) return `${match[1]}:${Number(match[2])}`;
  }
  return '';
}

function binaryByteLength(value: object): number | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  // `instanceof` fails across realms (jest, vm); the tag does not.
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return (value as ArrayBufferLike).byteLength;
  }
  return undefined;
}

function isErrorLike(value: object): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** Assigns without letting a `__proto__` key from the input change the output's prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The value logged under a secret name. `null`, `undefined` and booleans carry no secret and say whether one
 * was set; everything else, objects included, is replaced whole.
 */
function redactSecretValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  return REDACTED;
}

function parseEmbeddedJson(text: string): unknown {
  if (text.length < 2 || text.length > RedactionLimits.MAX_JSON_PARSE_LENGTH) return undefined;
  const trimmed = text.trim();
  const first = trimmed[0];
  const last = trimmed[trimmed.length - 1];
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

function redactStringValue(text: string, depth: number, state: RedactionState): string {
  // Request bodies and serialized payloads arrive as JSON strings: redact by field name inside them too.
  if (depth < RedactionLimits.MAX_DEPTH) {
    const parsed = parseEmbeddedJson(text);
    if (parsed !== undefined) return JSON.stringify(redactValue(parsed, depth + 1, state));
  }
  return redactString(text, { heuristics: true });
}

/**
 * Redacts one property: by name first, then by content. Digest and request-id fields (`etag`, `codeSha256`,
 * `extendedRequestId`) skip the key-shape rules, which would otherwise take a SHA-256 for a key.
 */
export function redactProperty(key: string, value: unknown, depth: number, state: RedactionState): unknown {
  if (isSecretKeyName(key)) return redactSecretValue(value);
  if (typeof value === 'string' && isDiagnosticFieldName(key)) {
    state.visited += 1;
    return redactString(value, { heuristics: false });
  }
  return redactValue(value, depth, state);
}

/** Property names that label a header (or parameter) in `{ name: 'Authorization', value: '…' }` lists (HAR, SDKs). */
const LABEL_NAME_KEYS: ReadonlySet<string> = new Set(['name', 'Name', 'key', 'Key', 'header', 'headerName']);
/** The properties that then hold its value. */
const LABEL_VALUE_KEYS: ReadonlySet<string> = new Set(['value', 'Value', 'values', 'Values', 'headerValue']);

/** Whether `entries` is a `{ name: <secret name>, value: … }` object, whose value must then be redacted. */
function labelsASecret(entries: readonly (readonly [string, unknown])[]): boolean {
  return entries.some(
    ([key, value]) => LABEL_NAME_KEYS.has(key) && typeof value === 'string' && isSecretKeyName(value),
  );
}

function redactEntries(
  entries: Iterable<readonly [string, unknown]>,
  depth: number,
  state: RedactionState,
): Record<string, unknown> {
  const list = [...entries];
  const labelled = labelsASecret(list);
  const output: Record<string, unknown> = {};
  for (const [key, value] of list) {
    if (state.visited >= RedactionLimits.MAX_NODES) {
      setOwn(output, RedactionMarker.TRUNCATED, RedactionMarker.TRUNCATED);
      break;
    }
    const redacted =
      labelled && LABEL_VALUE_KEYS.has(key)
        ? redactSecretValue(value)
        : redactProperty(key, value, depth + 1, state);
    setOwn(output, redactString(key, { heuristics: true }), redacted);
  }
  return output;
}

/** An HTTP header name (RFC 9110 token), the shape of every even item of a header list. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/**
 * Whether an array is a flat list of header names and values: `[name, value]` pairs (`Object.entries`,
 * `Headers` entries, `[['Authorization', '…']]`) or Node's `rawHeaders` (`['Host', 'x', 'Authorization', '…']`).
 * Then a value after a secret name is redacted like a secret-named property. The cost: a two-item list of
 * plain words whose first is a secret name (`['password', 'username']`) loses its second item.
 */
function isHeaderList(items: readonly unknown[]): boolean {
  if (items.length < 2 || items.length % 2 !== 0) return false;
  for (let index = 0; index < items.length; index += 2) {
    const name = items[index];
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) return false;
  }
  return true;
}

function redactItems(items: Iterable<unknown>, depth: number, state: RedactionState): unknown[] {
  const list = [...items];
  const headers = isHeaderList(list);
  const output: unknown[] = [];
  for (const [index, item] of list.entries()) {
    if (state.visited >= RedactionLimits.MAX_NODES) {
      output.push(RedactionMarker.TRUNCATED);
      break;
    }
    const name = headers && index % 2 === 1 ? list[index - 1] : undefined;
    output.push(
      typeof name === 'string'
        ? redactProperty(name, item, depth + 1, state)
        : redactValue(item, depth + 1, state),
    );
  }
  return output;
}

/** Reads own enumerable properties one by one so a throwing getter costs one field, not the log line. */
function* ownEntries(value: object): Generator<readonly [string, unknown]> {
  for (const key of Object.keys(value)) {
    let property: unknown;
    try {
      property = (value as Record<string, unknown>)[key];
    } catch {
      property = RedactionMarker.UNSERIALIZABLE;
    }
    yield [key, property];
  }
}

function redactError(error: Error, depth: number, state: RedactionState): Record<string, unknown> {
  const output: Record<string, unknown> = {
    name: redactValue(error.name, depth + 1, state),
    location: redactString(codeLocation(error.stack), { heuristics: true }),
    message: redactValue(error.message, depth + 1, state),
    stack: redactValue(error.stack, depth + 1, state),
  };
  if ('cause' in error) output.cause = redactValue(error.cause, depth + 1, state);
  const errors: unknown = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) output.errors = redactValue(errors, depth + 1, state);
  const extra = [...ownEntries(error)].filter(([key]) => !ERROR_FIELDS.has(key));
  Object.assign(output, redactEntries(extra, depth, state));
  return output;
}

function redactMap(map: Map<unknown, unknown>, depth: number, state: RedactionState): unknown {
  const entries = [...map.entries()];
  if (entries.every(([key]) => typeof key === 'string')) {
    return redactEntries(entries as [string, unknown][], depth, state);
  }
  // Mixed keys stay [key, value] pairs, but each value is still judged by its key's name, so a
  // secret-named entry is redacted whatever the other keys are.
  return entries.map(([key, value]) => [
    redactValue(key, depth + 1, state),
    redactProperty(String(key), value, depth + 1, state),
  ]);
}

/**
 * A Buffer that went through JSON.stringify (`{ type: 'Buffer', data: [...] }`) is binary data all the
 * same; so is a plain array of bytes long enough to be a key.
 */
function serializedBinaryLength(value: object): number | undefined {
  const candidate = value as { type?: unknown; data?: unknown };
  if (candidate.type === 'Buffer' && Array.isArray(candidate.data)) return candidate.data.length;
  if (
    Array.isArray(value) &&
    value.length >= 16 &&
    value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
  ) {
    return value.length;
  }
  return undefined;
}

function redactObject(value: object, depth: number, state: RedactionState): unknown {
  if (isErrorLike(value)) return redactError(value, depth, state);
  const serialized = serializedBinaryLength(value);
  if (serialized !== undefined) return `[REDACTED: ${serialized} bytes]`;
  if (Array.isArray(value)) return redactItems(value, depth, state);
  if (types.isDate(value)) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (types.isRegExp(value)) return redactString(String(value), { heuristics: true });
  if (types.isBoxedPrimitive(value)) return redactValue(value.valueOf(), depth, state);
  if (types.isMap(value)) return redactMap(value, depth, state);
  if (types.isSet(value)) return redactItems(value, depth, state);
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return redactValue(toJSON.call(value), depth + 1, state);
  return redactEntries(ownEntries(value), depth, state);
}

/** The walk behind {@link redact}; `depth` and `state` let the log formatter share one budget per line. */
export function redactValue(value: unknown, depth: number, state: RedactionState): unknown {
  state.visited += 1;
  if (state.visited > RedactionLimits.MAX_NODES) return RedactionMarker.TRUNCATED;
  switch (typeof value) {
    case 'string':
      return redactStringValue(value, depth, state);
    case 'bigint':
      return value.toString();
    case 'symbol':
    case 'function':
      // JSON.stringify drops these too; their text is code, not data.
      return undefined;
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return null;
  const byteLength = binaryByteLength(value);
  // Bytes are never printed, in any encoding: a data key or plaintext is exactly what ends up in a Buffer.
  if (byteLength !== undefined) return `[REDACTED: ${byteLength} bytes]`;
  if (depth >= RedactionLimits.MAX_DEPTH) return RedactionMarker.TRUNCATED;
  if (state.ancestors.includes(value)) return RedactionMarker.CIRCULAR;
  state.ancestors.push(value);
  try {
    return redactObject(value, depth, state);
  } catch {
    // Proxies and exotic objects can throw from any trap; the line is still logged, without this value.
    return RedactionMarker.UNSERIALIZABLE;
  } finally {
    state.ancestors.pop();
  }
}

/**
 * Returns a JSON-safe copy of `value` with secrets replaced by `[REDACTED]`:
 * - values of secret-named keys (`password`, `token`, `authorization`, `apiKey`, `secretAccessKey`,
 *   `sessionToken`, `credentials`, `privateKey`, `plaintext`, `dataKey`, `cookie`, … compared
 *   case-insensitively with separators ignored), at any depth;
 * - secret-shaped substrings of every string: AWS access key ids, 40-character AWS secret keys and other long
 *   random tokens, JWTs, `Bearer`/`Basic` credentials, URL passwords, PEM private keys, `password=…` pairs,
 *   and fields inside JSON strings;
 * - every `Buffer`, typed array, `DataView` and `ArrayBuffer`, as `[REDACTED: N bytes]`.
 *
 * Errors become `{ name, location, message, stack, cause, …own fields }` with the cause chain walked.
 * Cycles become `[Circular]`; values past the depth or size limits become `[Truncated]`. Never throws and
 * never mutates its input. The logger from `createObservability` applies this to every log line.
 *
 * @example
 * redact({ user: 'ana', password: 'hunter2', note: 'key AKIAIOSFODNN7EXAMPLE' });
 * // { user: 'ana', password: '[REDACTED]', note: 'key [REDACTED]' }
 */
export function redact(value: unknown): unknown {
  return redactValue(value, 0, createRedactionState());
}
