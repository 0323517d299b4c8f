/**
 * Reading one side (before or after) of a planned change together with its masks: `after_unknown` says
 * which values Terraform will only know after apply, `before_sensitive`/`after_sensitive` which must never
 * be printed. A mask is a JSON value shaped like the data with `true` at marked nodes; `true` on a
 * container marks everything inside it.
 */
import { Placeholder } from './constants';
import { isObject, type JsonValue } from './plan';

export type PathSegment = string | number;

/**
 * The value at `path`, or undefined when a step is missing.
 *
 * @example
 * getPath({ rule: [{ mode: 'Active' }] }, ['rule', 0, 'mode']); // 'Active'
 */
export function getPath(value: JsonValue | undefined, path: readonly PathSegment[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const segment of path) {
    if (current === undefined || current === null) return undefined;
    if (typeof segment === 'number') {
      current = Array.isArray(current) ? current[segment] : undefined;
    } else {
      current = isObject(current) ? current[segment] : undefined;
    }
  }
  return current;
}

/**
 * True when the mask is `true` at `path` or at one of its ancestors.
 *
 * @example
 * maskedAt({ environment: true }, ['environment', 0, 'variables']); // true
 */
export function maskedAt(mask: JsonValue | undefined, path: readonly PathSegment[]): boolean {
  let current: JsonValue | undefined = mask;
  for (const segment of path) {
    if (current === true) return true;
    if (current === undefined || current === null || typeof current !== 'object') return false;
    current = Array.isArray(current)
      ? typeof segment === 'number'
        ? current[segment]
        : undefined
      : typeof segment === 'string'
        ? current[segment]
        : undefined;
  }
  return current === true;
}

/** True when anything at or below `path` is marked. */
export function maskedWithin(mask: JsonValue | undefined, path: readonly PathSegment[]): boolean {
  if (maskedAt(mask, path)) return true;
  return containsTrue(getPath(mask, path));
}

function containsTrue(mask: JsonValue | undefined): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(containsTrue);
  if (isObject(mask)) return Object.values(mask).some(containsTrue);
  return false;
}

/**
 * The value with every sensitive node replaced by "(sensitive)" and every unknown node by
 * "(known after apply)". This is the only way values reach a report.
 *
 * @example
 * redact({ a: 1, b: null }, { b: true }, false); // { a: 1, b: '(known after apply)' }
 */
export function redact(
  value: JsonValue | undefined,
  unknown: JsonValue | undefined,
  sensitive: JsonValue | undefined,
): JsonValue {
  if (sensitive === true) return Placeholder.SENSITIVE;
  if (unknown === true) return Placeholder.UNKNOWN;
  if (Array.isArray(value)) {
    const length = Math.max(value.length, Array.isArray(unknown) ? unknown.length : 0);
    return Array.from({ length }, (_, i) =>
      redact(
        value[i],
        Array.isArray(unknown) ? unknown[i] : undefined,
        Array.isArray(sensitive) ? sensitive[i] : undefined,
      ),
    );
  }
  if (isObject(value)) {
    const out: Record<string, JsonValue> = {};
    const keys = new Set([...Object.keys(value), ...(isObject(unknown) ? Object.keys(unknown) : [])]);
    for (const key of keys) {
      const u = isObject(unknown) ? unknown[key] : undefined;
      const s = isObject(sensitive) ? sensitive[key] : undefined;
      // Unknown attributes are absent from `after`; show them only when the mask names them as unknown.
      if (!(key in value) && !containsTrue(u)) continue;
      out[key] = redact(value[key], u, s);
    }
    return out;
  }
  if (value === undefined) return null;
  return value;
}

/**
 * One side of a change with its masks.
 *
 * @example
 * const after = new Side(rc.change.after, rc.change.afterUnknown, rc.change.afterSensitive);
 * if (!after.isUnknown(['retention_in_days'])) console.log(after.show(['retention_in_days']));
 */
export class Side {
  constructor(
    readonly value: JsonValue,
    readonly unknown: JsonValue,
    readonly sensitive: JsonValue,
  ) {}

  get(path: readonly PathSegment[]): JsonValue | undefined {
    return getPath(this.value, path);
  }

  /** The whole value at `path` is known only after apply. */
  isUnknown(path: readonly PathSegment[]): boolean {
    return maskedAt(this.unknown, path);
  }

  /** Some part of the value at `path` is known only after apply. */
  hasUnknown(path: readonly PathSegment[]): boolean {
    return maskedWithin(this.unknown, path);
  }

  isSensitive(path: readonly PathSegment[]): boolean {
    return maskedAt(this.sensitive, path);
  }

  /** Some part of the value at `path` is sensitive. */
  hasSensitive(path: readonly PathSegment[]): boolean {
    return maskedWithin(this.sensitive, path);
  }

  /** The value at `path`, safe to print. */
  show(path: readonly PathSegment[]): JsonValue {
    if (this.isSensitive(path)) return Placeholder.SENSITIVE;
    if (this.isUnknown(path)) return Placeholder.UNKNOWN;
    return redact(this.get(path), getPath(this.unknown, path), getPath(this.sensitive, path));
  }

  /** A short printable form of a scalar at `path` for messages: `30`, `"Active"`, (sensitive), ... */
  text(path: readonly PathSegment[]): string {
    const shown = this.show(path);
    if (shown === Placeholder.SENSITIVE || shown === Placeholder.UNKNOWN) return shown;
    if (shown === null) return 'unset';
    return typeof shown === 'string' ? shown : JSON.stringify(shown);
  }
}

/** A side with nothing in it (the before of a create, the after of a delete). */
export const EMPTY_SIDE = new Side(null, false, false);
