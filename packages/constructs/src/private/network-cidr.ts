/**
 * IPv4 CIDR arithmetic for `PrivateNetwork`, done in TypeScript so the synthesized plan shows literal
 * subnet ranges instead of `cidrsubnet(...)` expressions a reviewer has to evaluate by hand.
 */

/** A parsed IPv4 CIDR block. `network` is the address as an unsigned 32-bit integer. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses `a.b.c.d/p`; `undefined` when the text is not an IPv4 CIDR. Host bits are kept as written. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5);
  if (!octets.every((o) => OCTET.test(o))) return undefined;
  const prefix = Number(match[5]);
  if (prefix > 32) return undefined;
  const network = octets.reduce((acc, o) => acc * 256 + Number(o), 0);
  return { network, prefix };
}

/** The block with its host bits cleared: what AWS (and the provider's validation) accepts. */
export function networkAddress(cidr: Ipv4Cidr): Ipv4Cidr {
  const size = 2 ** (32 - cidr.prefix);
  return { network: cidr.network - (cidr.network % size), prefix: cidr.prefix };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.network / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

/**
 * The first `count` subnets of `newBits` extra prefix bits, like Terraform's
 * `cidrsubnet(cidr, newBits, i)` for i in 0..count-1. The caller checks that they fit.
 */
export function carveSubnets(cidr: Ipv4Cidr, newBits: number, count: number): string[] {
  const prefix = cidr.prefix + newBits;
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) =>
    formatIpv4Cidr({ network: cidr.network + i * size, prefix }),
  );
}
