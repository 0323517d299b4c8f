/**
 * Address ranges as ranges, not strings: `0::/0`, `::/0` and `0:0:0:0:0:0:0:0/0` are the same range,
 * and `0.0.0.0/1` plus `128.0.0.0/1` together are the whole IPv4 internet. Parsing is ipaddr.js's; the
 * arithmetic is on bigint intervals [start, end] per address family.
 */
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

/** An inclusive interval of addresses of one family. */
export interface AddressRange {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** The last address of a family: 2^32-1 or 2^128-1. */
export function familyEnd(family: Family): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

/** The whole address space of a family: what `0.0.0.0/0` or `::/0` allow. */
export function wholeFamily(family: Family): AddressRange {
  return { family, start: 0n, end: familyEnd(family) };
}

/**
 * Smallest prefix whose public part counts as "the internet" for a reviewer: a /8 of IPv4 is 16 million
 * addresses (a whole RIR allocation), a /32 of IPv6 a whole provider's allocation. A range at least this
 * large that holds public addresses is internet-wide even when it is not everything.
 */
export const INTERNET_WIDE_PREFIX: Record<Family, number> = { ipv4: 8, ipv6: 32 };

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * A CIDR as a range, or undefined when it is not a CIDR. Host bits are masked the way AWS masks them
 * (`10.0.0.7/0` is the whole IPv4 space); IPv4-mapped IPv6 stays IPv6 (a security group matches the packet's family).
 *
 * @example
 * parseCidr('0::/0'); // { family: 'ipv6', start: 0n, end: 2n ** 128n - 1n }
 * parseCidr('10.0.0.0/16')?.end; // 167837695n
 */
export function parseCidr(text: string): (AddressRange & { readonly prefix: number }) | undefined {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text.trim());
  } catch {
    return undefined;
  }
  const [address, prefix] = parsed;
  const family: Family = address.kind();
  const bits = BITS[family];
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const start = (toBigInt(address.toByteArray()) >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n, prefix };
}

/**
 * Sorted, non-overlapping, non-adjacent ranges covering exactly what the inputs cover (per family).
 *
 * @example
 * mergeRanges([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!]); // [{ family: 'ipv4', start: 0n, end: 4294967295n }]
 */
export function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const out: AddressRange[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const sorted = ranges
      .filter((range) => range.family === family)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let current: { start: bigint; end: bigint } | undefined;
    for (const range of sorted) {
      if (current !== undefined && range.start <= current.end + 1n) {
        if (range.end > current.end) current.end = range.end;
        continue;
      }
      if (current !== undefined) out.push({ family, ...current });
      current = { start: range.start, end: range.end };
    }
    if (current !== undefined) out.push({ family, ...current });
  }
  return out;
}

/**
 * Whether the union of the ranges is a whole address family (the world), per family.
 *
 * @example
 * coversFamily([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!], 'ipv4'); // true
 */
export function coversFamily(ranges: readonly AddressRange[], family: Family): boolean {
  const merged = mergeRanges(ranges).filter((range) => range.family === family);
  return merged.length === 1 && merged[0]?.start === 0n && merged[0]?.end === familyEnd(family);
}

/**
 * Whether the union of `outer` contains every address of `inner`.
 *
 * @example
 * rangesContain([parseCidr('10.0.0.0/8')!], parseCidr('10.1.0.0/16')!); // true
 */
export function rangesContain(outer: readonly AddressRange[], inner: AddressRange): boolean {
  return mergeRanges(outer).some(
    (range) => range.family === inner.family && range.start <= inner.start && range.end >= inner.end,
  );
}

/** The parts of `from` not in `remove` (both may be unions). */
export function subtractRanges(
  from: readonly AddressRange[],
  remove: readonly AddressRange[],
): AddressRange[] {
  const cuts = mergeRanges(remove);
  const out: AddressRange[] = [];
  for (const range of mergeRanges(from)) {
    let pieces: AddressRange[] = [range];
    for (const cut of cuts) {
      if (cut.family !== range.family) continue;
      pieces = pieces.flatMap((piece) => {
        if (cut.end < piece.start || cut.start > piece.end) return [piece];
        const left: AddressRange[] =
          cut.start > piece.start ? [{ family: piece.family, start: piece.start, end: cut.start - 1n }] : [];
        const right: AddressRange[] =
          cut.end < piece.end ? [{ family: piece.family, start: cut.end + 1n, end: piece.end }] : [];
        return [...left, ...right];
      });
    }
    out.push(...pieces);
  }
  return out;
}

/** The parts of `a` that are also in `b`. */
export function intersectRanges(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  return subtractRanges(a, subtractRanges(a, b));
}

/** Address blocks that are not the public internet (RFC 1918, loopback, link-local, CGNAT, ULA, ...). */
const NON_PUBLIC_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
] as const;

const NON_PUBLIC = NON_PUBLIC_CIDRS.map((cidr) => parseCidr(cidr)).filter(
  (range): range is NonNullable<typeof range> => range !== undefined,
);

/** The public (internet-routable) part of the ranges. */
export function publicPart(ranges: readonly AddressRange[]): AddressRange[] {
  return subtractRanges(ranges, NON_PUBLIC);
}

/** Number of addresses in the ranges (after merging). */
export function rangeSize(ranges: readonly AddressRange[]): bigint {
  return mergeRanges(ranges).reduce((sum, range) => sum + (range.end - range.start + 1n), 0n);
}

/**
 * Whether a union of ranges reaches "the internet": the whole family, or public addresses spanning at
 * least an {@link INTERNET_WIDE_PREFIX} block (so `0.0.0.0/1` alone counts, `203.0.113.0/24` does not).
 *
 * @example
 * isInternetWide([parseCidr('0.0.0.0/1')!], 'ipv4'); // true
 * isInternetWide([parseCidr('10.0.0.0/8')!], 'ipv4'); // false (private)
 */
export function isInternetWide(ranges: readonly AddressRange[], family: Family): boolean {
  const own = ranges.filter((range) => range.family === family);
  if (own.length === 0) return false;
  if (coversFamily(own, family)) return true;
  const threshold = 1n << BigInt(BITS[family] - INTERNET_WIDE_PREFIX[family]);
  return rangeSize(publicPart(own)) >= threshold;
}

/** Whether the ranges hold any public address. */
export function hasPublic(ranges: readonly AddressRange[]): boolean {
  return publicPart(ranges).length > 0;
}
