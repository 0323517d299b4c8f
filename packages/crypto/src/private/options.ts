import { CryptoConfigurationError } from '../errors';

/**
 * A positive whole-number option (or its default). NaN, fractions and negatives are refused: every
 * comparison with NaN is false, so a NaN limit would silently disable it.
 */
export function positiveInteger(
  owner: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new CryptoConfigurationError(`${owner}: ${name} must be a positive integer, got ${String(value)}.`);
  }
  return v;
}
