/**
 * Security-group and network-ACL rules in one shape, whichever resource type declares them, and the
 * questions the network rules ask: does one rule cover another, which rule decides a packet in a NACL.
 */
import { asArray, type JsonValue } from './plan';
import {
  type AddressRange,
  type Family,
  isInternetWide,
  mergeRanges,
  parseCidr,
  rangesContain,
} from './ranges';
import type { PathSegment, Side } from './values';

export type Peer =
  | { readonly kind: 'cidr'; readonly value: string }
  | { readonly kind: 'security-group' | 'prefix-list' | 'self'; readonly value: string }
  /** A CIDR known only after apply. */
  | { readonly kind: 'unknown-cidr'; readonly value: string };

export interface TrafficRule {
  readonly direction: 'ingress' | 'egress';
  readonly action: 'allow' | 'deny';
  /** `all`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly peer: Peer;
  /** NACL rule number (evaluation order); undefined for security groups. */
  readonly ruleNumber: number | undefined;
  /** ICMP type and code for `icmp`/`icmpv6` rules; -1 (or undefined) is every type or code. */
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** Part of the rule is sensitive: reports print "(sensitive)" instead of its peer and ports. */
  readonly sensitive: boolean;
}

const PROTOCOLS: Record<string, string> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

function protocolOf(value: JsonValue | undefined): string {
  const text = String(value ?? 'all').toLowerCase();
  return PROTOCOLS[text] ?? text;
}

function portsOf(protocol: string, from: JsonValue | undefined, to: JsonValue | undefined): [number, number] {
  if (protocol === 'all' || typeof from !== 'number' || typeof to !== 'number' || from < 0) return [0, 65535];
  if (protocol === 'icmp' || protocol === 'icmpv6') return [0, 65535];
  // An SG rule written as 0-0 for tcp means port 0 only; keep what was written.
  return [from, to];
}

/** ICMP type and code: security groups write them in from_port/to_port, NACLs in icmp_type/icmp_code. */
function icmpOf(
  protocol: string,
  type: JsonValue | undefined,
  code: JsonValue | undefined,
): { icmpType?: number; icmpCode?: number } {
  if (protocol !== 'icmp' && protocol !== 'icmpv6') return {};
  const number = (value: JsonValue | undefined) =>
    typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : -1;
  return { icmpType: number(type), icmpCode: number(code) };
}

/**
 * The rules of an `aws_security_group` / `aws_default_security_group` side (inline ingress and egress).
 *
 * @example
 * securityGroupRules(ctx.after(rc)).filter((r) => isWorld(r.peer));
 */
export function securityGroupRules(side: Side): TrafficRule[] {
  const out: TrafficRule[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    asArray(side.get([direction])).forEach((_, index) => {
      const at = (name: string, ...rest: PathSegment[]): PathSegment[] => [direction, index, name, ...rest];
      const protocol = protocolOf(side.get(at('protocol')));
      const [fromPort, toPort] = portsOf(protocol, side.get(at('from_port')), side.get(at('to_port')));
      const peers: Peer[] = [];
      for (const [name, kind] of [
        ['cidr_blocks', 'cidr'],
        ['ipv6_cidr_blocks', 'cidr'],
        ['prefix_list_ids', 'prefix-list'],
        ['security_groups', 'security-group'],
      ] as const) {
        if (side.isUnknown(at(name))) {
          if (kind === 'cidr') peers.push({ kind: 'unknown-cidr', value: `${direction}[${index}].${name}` });
          continue;
        }
        asArray(side.get(at(name))).forEach((value, j) => {
          if (side.isUnknown(at(name, j)) || typeof value !== 'string') {
            if (kind === 'cidr')
              peers.push({ kind: 'unknown-cidr', value: `${direction}[${index}].${name}[${j}]` });
            return;
          }
          peers.push({ kind, value });
        });
      }
      if (side.get(at('self')) === true) peers.push({ kind: 'self', value: 'self' });
      const sensitive = side.hasSensitive([direction, index]);
      const icmp = icmpOf(protocol, side.get(at('from_port')), side.get(at('to_port')));
      for (const peer of peers) {
        out.push({
          direction,
          action: 'allow',
          protocol,
          fromPort,
          toPort,
          peer,
          ruleNumber: undefined,
          sensitive,
          ...icmp,
        });
      }
    });
  }
  return out;
}

/** The rule of an `aws_security_group_rule` side. */
export function legacySecurityGroupRule(side: Side): TrafficRule[] {
  if (side.value === null) return [];
  const direction = side.get(['type']) === 'egress' ? 'egress' : 'ingress';
  const protocol = protocolOf(side.get(['protocol']));
  const [fromPort, toPort] = portsOf(protocol, side.get(['from_port']), side.get(['to_port']));
  const peers: Peer[] = [];
  for (const name of ['cidr_blocks', 'ipv6_cidr_blocks']) {
    if (side.isUnknown([name])) {
      peers.push({ kind: 'unknown-cidr', value: name });
      continue;
    }
    asArray(side.get([name])).forEach((value, j) => {
      if (side.isUnknown([name, j]) || typeof value !== 'string')
        peers.push({ kind: 'unknown-cidr', value: `${name}[${j}]` });
      else peers.push({ kind: 'cidr', value });
    });
  }
  for (const value of asArray(side.get(['prefix_list_ids']))) {
    if (typeof value === 'string') peers.push({ kind: 'prefix-list', value });
  }
  const source = side.get(['source_security_group_id']);
  if (side.isUnknown(['source_security_group_id']) || typeof source === 'string') {
    peers.push({
      kind: 'security-group',
      value: typeof source === 'string' ? source : 'a security group created in this plan',
    });
  }
  if (side.get(['self']) === true) peers.push({ kind: 'self', value: 'self' });
  const sensitive = anySensitive(side, [
    [],
    ['cidr_blocks'],
    ['ipv6_cidr_blocks'],
    ['from_port'],
    ['to_port'],
    ['protocol'],
  ]);
  return allowRules(direction, protocol, fromPort, toPort, peers, sensitive).map((rule) => ({
    ...rule,
    ...icmpOf(protocol, side.get(['from_port']), side.get(['to_port'])),
  }));
}

/** The rule of an `aws_vpc_security_group_ingress_rule` / `..._egress_rule` side. */
export function vpcSecurityGroupRule(side: Side, direction: 'ingress' | 'egress'): TrafficRule[] {
  if (side.value === null) return [];
  const protocol = protocolOf(side.get(['ip_protocol']));
  const [fromPort, toPort] = portsOf(protocol, side.get(['from_port']), side.get(['to_port']));
  const peers: Peer[] = [];
  for (const name of ['cidr_ipv4', 'cidr_ipv6']) {
    const value = side.get([name]);
    if (side.isUnknown([name])) peers.push({ kind: 'unknown-cidr', value: name });
    else if (typeof value === 'string' && value !== '') peers.push({ kind: 'cidr', value });
  }
  for (const [name, kind] of [
    ['prefix_list_id', 'prefix-list'],
    ['referenced_security_group_id', 'security-group'],
  ] as const) {
    const value = side.get([name]);
    if (side.isUnknown([name])) peers.push({ kind, value: `a ${kind} known after apply` });
    else if (typeof value === 'string' && value !== '') peers.push({ kind, value });
  }
  const sensitive = anySensitive(side, [
    [],
    ['cidr_ipv4'],
    ['cidr_ipv6'],
    ['from_port'],
    ['to_port'],
    ['ip_protocol'],
  ]);
  return allowRules(direction, protocol, fromPort, toPort, peers, sensitive).map((rule) => ({
    ...rule,
    ...icmpOf(protocol, side.get(['from_port']), side.get(['to_port'])),
  }));
}

/** One security-group allow rule per peer: security groups have no deny rules and no rule numbers. */
function allowRules(
  direction: TrafficRule['direction'],
  protocol: TrafficRule['protocol'],
  fromPort: TrafficRule['fromPort'],
  toPort: TrafficRule['toPort'],
  peers: readonly Peer[],
  sensitive: boolean,
): TrafficRule[] {
  return peers.map((peer) => ({
    direction,
    action: 'allow',
    protocol,
    fromPort,
    toPort,
    peer,
    ruleNumber: undefined,
    sensitive,
  }));
}

function anySensitive(side: Side, paths: readonly (readonly PathSegment[])[]): boolean {
  return paths.some((path) => (path.length === 0 ? side.isSensitive(path) : side.hasSensitive(path)));
}

/** The rules of an `aws_network_acl` / `aws_default_network_acl` side. */
export function networkAclRules(side: Side): TrafficRule[] {
  const out: TrafficRule[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    asArray(side.get([direction])).forEach((_, index) => {
      out.push(
        ...aclEntry(side, [direction, index], direction, 'action', 'rule_no', `${direction}[${index}]`),
      );
    });
  }
  return out;
}

/** The rule of an `aws_network_acl_rule` side. */
export function networkAclRule(side: Side): TrafficRule[] {
  if (side.value === null) return [];
  const direction = side.get(['egress']) === true ? 'egress' : 'ingress';
  return aclEntry(side, [], direction, 'rule_action', 'rule_number', 'cidr_block');
}

function aclEntry(
  side: Side,
  base: readonly PathSegment[],
  direction: 'ingress' | 'egress',
  actionName: string,
  numberName: string,
  label: string,
): TrafficRule[] {
  const protocol = protocolOf(side.get([...base, 'protocol']));
  const [fromPort, toPort] = portsOf(
    protocol,
    side.get([...base, 'from_port']),
    side.get([...base, 'to_port']),
  );
  const action = side.get([...base, actionName]) === 'deny' ? 'deny' : 'allow';
  const number = side.get([...base, numberName]);
  const peers: Peer[] = [];
  for (const name of ['cidr_block', 'ipv6_cidr_block']) {
    const value = side.get([...base, name]);
    if (side.isUnknown([...base, name])) peers.push({ kind: 'unknown-cidr', value: `${label}.${name}` });
    else if (typeof value === 'string' && value !== '') peers.push({ kind: 'cidr', value });
  }
  const sensitive =
    base.length > 0
      ? side.hasSensitive(base)
      : anySensitive(side, [
          [],
          ['cidr_block'],
          ['ipv6_cidr_block'],
          ['from_port'],
          ['to_port'],
          ['protocol'],
        ]);
  const icmp = icmpOf(protocol, side.get([...base, 'icmp_type']), side.get([...base, 'icmp_code']));
  return peers.map((peer) => ({
    direction,
    action,
    protocol,
    fromPort,
    toPort,
    peer,
    ruleNumber: typeof number === 'number' ? number : undefined,
    sensitive,
    ...icmp,
  }));
}

/**
 * The peer is a whole address family (`0.0.0.0/0`, `::/0`, `0::/0`, `10.1.2.3/0`, ...), read as a range.
 *
 * @example
 * isWorld({ kind: 'cidr', value: '0::/0' }); // true
 */
export function isWorld(peer: Peer): boolean {
  if (peer.kind !== 'cidr') return false;
  return parseCidr(peer.value)?.prefix === 0;
}

/** The address range of a CIDR peer (undefined for security groups, prefix lists, unknowns, bad text). */
export function peerRange(peer: Peer): AddressRange | undefined {
  return peer.kind === 'cidr' ? parseCidr(peer.value) : undefined;
}

/**
 * The peer alone reaches the internet: the whole family, or a public range at least a /8 (IPv4) or /32
 * (IPv6) wide, such as `0.0.0.0/1`.
 */
export function isInternetWidePeer(peer: Peer): boolean {
  const range = peerRange(peer);
  return range !== undefined && isInternetWide([range], range.family);
}

/**
 * Whether CIDR `outer` contains CIDR `inner`, for IPv4 and IPv6 alike.
 *
 * @example
 * cidrContains('10.0.0.0/16', '10.0.1.0/24'); // true
 * cidrContains('2001:db8::/32', '2001:db8:1::/48'); // true
 */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (o === undefined || i === undefined) return outer === inner;
  return rangesContain([o], i);
}

function peerCovers(outer: Peer, inner: Peer): boolean {
  if (outer.kind === 'cidr' && inner.kind === 'cidr') return cidrContains(outer.value, inner.value);
  return outer.kind === inner.kind && outer.value === inner.value && outer.kind !== 'unknown-cidr';
}

/** Same peer, same direction and action: the rules differ only in protocol or ports. */
export function samePeer(a: TrafficRule, b: TrafficRule): boolean {
  return (
    a.direction === b.direction &&
    a.action === b.action &&
    a.peer.kind === b.peer.kind &&
    a.peer.value === b.peer.value
  );
}

function icmpCovers(outer: TrafficRule, inner: TrafficRule): boolean {
  if (outer.protocol !== inner.protocol || (outer.protocol !== 'icmp' && outer.protocol !== 'icmpv6'))
    return true;
  const any = (value: number | undefined) => value === undefined || value < 0;
  return (
    (any(outer.icmpType) || outer.icmpType === inner.icmpType) &&
    (any(outer.icmpCode) || outer.icmpCode === inner.icmpCode)
  );
}

/** Whether `outer` lets through everything `inner` lets through. */
export function ruleCovers(outer: TrafficRule, inner: TrafficRule): boolean {
  return (
    outer.direction === inner.direction &&
    outer.action === inner.action &&
    (outer.protocol === 'all' || outer.protocol === inner.protocol) &&
    outer.fromPort <= inner.fromPort &&
    outer.toPort >= inner.toPort &&
    icmpCovers(outer, inner) &&
    peerCovers(outer.peer, inner.peer)
  );
}

/** Whether a rule matches a TCP packet to `port` (NACL evaluation). */
export function matchesTcpPort(rule: TrafficRule, port: number): boolean {
  return (rule.protocol === 'all' || rule.protocol === 'tcp') && rule.fromPort <= port && rule.toPort >= port;
}

/**
 * The NACL rule that decides a TCP packet from/to any internet address on `port`: the lowest-numbered
 * rule for the direction whose CIDR is the whole address family and whose protocol and ports match.
 *
 * @example
 * decidingRule(rules, 'ingress', 3389, '0.0.0.0/0')?.action; // 'deny'
 */
export function decidingRule(
  rules: readonly TrafficRule[],
  direction: 'ingress' | 'egress',
  port: number,
  world: string,
): TrafficRule | undefined {
  const family = parseCidr(world)?.family;
  return rules
    .filter(
      (r) =>
        r.direction === direction &&
        isWorld(r.peer) &&
        peerRange(r.peer)?.family === family &&
        matchesTcpPort(r, port),
    )
    .sort((a, b) => (a.ruleNumber ?? 0) - (b.ruleNumber ?? 0))[0];
}

/** Who may reach a TCP port through a NACL: the allowed address ranges and the allow rules that decide them. */
export interface AclReach {
  readonly allowed: readonly AddressRange[];
  readonly by: readonly TrafficRule[];
}

/**
 * Evaluates NACL rules in rule-number order for TCP packets to `port` from every address of `family`: each
 * rule decides the addresses no lower-numbered rule decided. Returns what ends up allowed, and by which
 * rules; a reviewer compares it with {@link isInternetWide}.
 *
 * @example
 * aclReach(rules, 'ingress', 22, 'ipv4').by.map((r) => r.ruleNumber); // [120, 130] for 0.0.0.0/1 + 128.0.0.0/1
 */
export function aclReach(
  rules: readonly TrafficRule[],
  direction: 'ingress' | 'egress',
  port: number,
  family: Family,
): AclReach {
  let undecided: AddressRange[] = [
    { family, start: 0n, end: (1n << BigInt(family === 'ipv4' ? 32 : 128)) - 1n },
  ];
  const allowed: AddressRange[] = [];
  const by: TrafficRule[] = [];
  const ordered = rules
    .filter((r) => r.direction === direction && matchesTcpPort(r, port))
    .sort((a, b) => (a.ruleNumber ?? 0) - (b.ruleNumber ?? 0));
  for (const rule of ordered) {
    const range = peerRange(rule.peer);
    if (range === undefined || range.family !== family) continue;
    const decided = mergeRanges(
      undecided.flatMap((piece) =>
        piece.end < range.start || piece.start > range.end
          ? []
          : [
              {
                family,
                start: piece.start > range.start ? piece.start : range.start,
                end: piece.end < range.end ? piece.end : range.end,
              },
            ],
      ),
    );
    if (decided.length === 0) continue;
    undecided = mergeRanges(
      undecided.flatMap((piece) => {
        if (piece.end < range.start || piece.start > range.end) return [piece];
        const out: AddressRange[] = [];
        if (piece.start < range.start) out.push({ family, start: piece.start, end: range.start - 1n });
        if (piece.end > range.end) out.push({ family, start: range.end + 1n, end: piece.end });
        return out;
      }),
    );
    if (rule.action === 'allow') {
      allowed.push(...decided);
      by.push(rule);
    }
  }
  return { allowed: mergeRanges(allowed), by };
}

/** ICMP messages a network needs from anywhere: "fragmentation needed" (IPv4) and "packet too big" (IPv6), path-MTU discovery. */
export function isPathMtuIcmp(rule: TrafficRule): boolean {
  return (
    (rule.protocol === 'icmp' && rule.icmpType === 3 && rule.icmpCode === 4) ||
    (rule.protocol === 'icmpv6' && rule.icmpType === 2)
  );
}

/**
 * A rule as printable JSON for a finding's before/after.
 *
 * @example
 * ruleJson(rule); // { rule_no: 100, action: 'allow', protocol: 'tcp', ports: '443', cidr: '0.0.0.0/0' }
 */
export function ruleJson(rule: TrafficRule): JsonValue {
  if (rule.sensitive) return '(sensitive)';
  const out: { [key: string]: JsonValue } = {};
  if (rule.ruleNumber !== undefined) out.rule_no = rule.ruleNumber;
  out.direction = rule.direction;
  out.action = rule.action;
  out.protocol = rule.protocol;
  if (rule.icmpType !== undefined) {
    out.icmp_type = rule.icmpType;
    out.icmp_code = rule.icmpCode ?? -1;
  }
  out.ports =
    rule.protocol === 'all'
      ? 'all'
      : rule.fromPort === rule.toPort
        ? String(rule.fromPort)
        : `${rule.fromPort}-${rule.toPort}`;
  out[rule.peer.kind === 'unknown-cidr' ? 'cidr' : rule.peer.kind] =
    rule.peer.kind === 'unknown-cidr' ? '(known after apply)' : rule.peer.value;
  return out;
}

/** `tcp 443`, `tcp 1024-65535`, `all traffic`, with the peer: `from 0.0.0.0/0`. */
export function ruleText(rule: TrafficRule): string {
  if (rule.sensitive) return `${rule.direction} rule (sensitive)`;
  const ports =
    rule.icmpType !== undefined
      ? `${rule.protocol} ${rule.icmpType < 0 ? 'all types' : `type ${rule.icmpType}`}${rule.icmpCode !== undefined && rule.icmpCode >= 0 ? ` code ${rule.icmpCode}` : ''}`
      : rule.protocol === 'all'
        ? 'all traffic'
        : rule.fromPort === 0 && rule.toPort === 65535
          ? `${rule.protocol} all ports`
          : rule.fromPort === rule.toPort
            ? `${rule.protocol} ${rule.fromPort}`
            : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
  const peer = rule.peer.kind === 'unknown-cidr' ? 'an address known after apply' : rule.peer.value;
  const number = rule.ruleNumber === undefined ? '' : ` (rule ${rule.ruleNumber})`;
  return `${rule.direction} ${rule.action === 'deny' ? 'deny ' : ''}${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}${number}`;
}
