/**
 * Network rules: security groups and network ACLs opened to the internet or widened, judged on the union
 * of address ranges each group or ACL admits (so `0.0.0.0/1` + `128.0.0.0/1`, `0::/0` and a prefix list
 * that gains `0.0.0.0/0` open the world like `0.0.0.0/0` does); rules moved to another group; the default
 * security group; functions leaving their VPC; gateways, routes, peering and prefix lists; VPC endpoints
 * and flow logs. Endpoint policies are in policies.ts.
 */

import type { Severity } from '../constants';
import { ADMIN_PORTS } from '../constants';
import type { ReviewContext } from '../context';
import { asArray, type JsonValue, type ResourceChange } from '../plan';
import {
  type AddressRange,
  type Family,
  hasPublic,
  isInternetWide,
  mergeRanges,
  parseCidr,
  rangesContain,
} from '../ranges';
import {
  aclReach,
  decidingRule,
  isInternetWidePeer,
  isPathMtuIcmp,
  legacySecurityGroupRule,
  matchesTcpPort,
  networkAclRule,
  networkAclRules,
  peerRange,
  ruleCovers,
  ruleJson,
  ruleText,
  samePeer,
  securityGroupRules,
  type TrafficRule,
  vpcSecurityGroupRule,
} from '../traffic';
import type { Side } from '../values';

/**
 * Reviews the network of the plan.
 *
 * @example
 * reviewNetwork(new ReviewContext(plan, 'dev'));
 */
export function reviewNetwork(ctx: ReviewContext): void {
  const prefixLists = readPrefixLists(ctx);
  reviewPrefixLists(ctx, prefixLists);
  reviewSecurityGroups(ctx, prefixLists);
  reviewDefaultSecurityGroups(ctx);
  reviewNetworkAcls(ctx);
  reviewFunctionVpc(ctx);
  reviewGateways(ctx);
  reviewRoutes(ctx);
  reviewPeering(ctx);
  reviewEndpointsAndFlowLogs(ctx);
}

/** Services whose exposure to the internet is a classic break-in path, named in messages. */
const EXPOSED_SERVICES: Readonly<Record<number, string>> = {
  22: 'SSH',
  23: 'Telnet',
  445: 'SMB',
  1433: 'SQL Server',
  1521: 'Oracle',
  2375: 'Docker API',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5984: 'CouchDB',
  6379: 'Redis',
  9200: 'Elasticsearch',
  11211: 'Memcached',
  27017: 'MongoDB',
};

const SECURITY_GROUP_SOURCES: readonly { type: string; rules: (side: Side) => TrafficRule[] }[] = [
  { type: 'aws_security_group', rules: securityGroupRules },
  { type: 'aws_security_group_rule', rules: legacySecurityGroupRule },
  { type: 'aws_vpc_security_group_ingress_rule', rules: (side) => vpcSecurityGroupRule(side, 'ingress') },
  { type: 'aws_vpc_security_group_egress_rule', rules: (side) => vpcSecurityGroupRule(side, 'egress') },
];

/** The attribute a peer label such as `ingress[0].cidr_blocks[1]` or `cidr_ipv4` belongs to. */
function attributeOf(label: string): string {
  return label.split(/[.[]/)[0] ?? label;
}

/** A rule whose address range is known only after apply, judged at the severity of the worst range it could be. */
function unknownRange(ctx: ReviewContext, rc: ResourceChange, rule: TrafficRule, worst?: Severity): void {
  ctx.unknown(rc, attributeOf(rule.peer.value), `the address range of ${ruleText(rule)}`, undefined, worst);
}

function newRules(before: readonly TrafficRule[], after: readonly TrafficRule[]): TrafficRule[] {
  return after.filter((rule) => !before.some((old) => ruleCovers(old, rule)));
}

// ---------------------------------------------------------------------------------------------------------
// Managed prefix lists

interface PrefixList {
  /** The list's id, or `new:<address>` while it is created. */
  readonly key: string;
  readonly name: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** Entries known only after apply. */
  readonly unknown: boolean;
  /** Resources whose change adds entries: the list itself or `aws_ec2_managed_prefix_list_entry`s. */
  readonly changes: ResourceChange[];
}

/**
 * The id a resource is known by, or `new:<address>` for one created in this plan. A replaced resource keeps
 * its old id as its key: what referred to it follows it to the replacement (not a move).
 */
function idKey(ctx: ReviewContext, rc: ResourceChange): string {
  const id = ctx.before(rc).get(['id']);
  return typeof id === 'string' && id !== '' ? id : `new:${rc.address}`;
}

/** Which resource of `type` an argument names: its id when known, else the referenced change's key. */
function targetKey(
  ctx: ReviewContext,
  rc: ResourceChange,
  side: Side,
  argument: string,
  type: string,
  which: 'before' | 'after',
): string | undefined {
  const value = side.get([argument]);
  if (typeof value === 'string' && value !== '' && !side.isUnknown([argument])) return value;
  if (which === 'before') return undefined;
  const ref = ctx.referencedChanges(rc, [argument], type)[0];
  return ref === undefined ? undefined : idKey(ctx, ref);
}

function readPrefixLists(ctx: ReviewContext): Map<string, PrefixList> {
  const lists = new Map<string, PrefixList>();
  const cidrs = (side: Side) =>
    asArray(side.get(['entry']))
      .map((entry) =>
        entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? entry.cidr : undefined,
      )
      .filter((cidr): cidr is string => typeof cidr === 'string');
  for (const rc of ctx.allOfType('aws_ec2_managed_prefix_list')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const key = idKey(ctx, rc);
    const changed = ctx.changes.includes(rc) && !ctx.isDeleted(rc);
    lists.set(key, {
      key,
      name: after.text(['name']) === 'unset' ? before.text(['name']) : after.text(['name']),
      before: cidrs(before),
      after: ctx.isDeleted(rc) ? [] : cidrs(after),
      unknown: after.hasUnknown(['entry']),
      changes: changed ? [rc] : [],
    });
  }
  for (const rc of ctx.allOfType('aws_ec2_managed_prefix_list_entry')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const key =
      targetKey(ctx, rc, after, 'prefix_list_id', 'aws_ec2_managed_prefix_list', 'after') ??
      targetKey(ctx, rc, before, 'prefix_list_id', 'aws_ec2_managed_prefix_list', 'before');
    if (key === undefined) continue;
    const list = lists.get(key) ?? {
      key,
      name: key,
      before: [],
      after: [],
      unknown: false,
      changes: [],
    };
    const beforeCidr = before.get(['cidr']);
    const afterCidr = after.get(['cidr']);
    lists.set(key, {
      ...list,
      before: typeof beforeCidr === 'string' ? [...list.before, beforeCidr] : list.before,
      after: typeof afterCidr === 'string' && !ctx.isDeleted(rc) ? [...list.after, afterCidr] : list.after,
      unknown: list.unknown || after.isUnknown(['cidr']),
      changes: ctx.changes.includes(rc) && !ctx.isDeleted(rc) ? [...list.changes, rc] : list.changes,
    });
  }
  return lists;
}

function ranges(cidrs: readonly string[]): AddressRange[] {
  return cidrs.map((cidr) => parseCidr(cidr)).filter((r): r is NonNullable<typeof r> => r !== undefined);
}

function reviewPrefixLists(ctx: ReviewContext, lists: ReadonlyMap<string, PrefixList>): void {
  for (const list of lists.values()) {
    if (list.changes.length === 0 || list.key.startsWith('new:')) continue;
    const owner = list.changes[0] as ResourceChange;
    if (list.unknown) {
      ctx.unknown(owner, 'entry', 'the address ranges the prefix list holds', undefined, 'high');
    }
    const before = ranges(list.before);
    const added = list.after.filter((cidr) => {
      const range = parseCidr(cidr);
      return range !== undefined && !rangesContain(before, range);
    });
    if (added.length === 0) continue;
    const after = ranges(list.after);
    const users = ruleUsers(ctx, list.key);
    const usedBy =
      users.length > 0
        ? `; it is used by ${users.join(', ')}`
        : '; no rule in this plan uses it, but rules of other stacks may';
    for (const family of ['ipv4', 'ipv6'] as const) {
      if (isInternetWide(after, family) && !isInternetWide(before, family)) {
        ctx.report(
          owner,
          'network.prefix-list-widened',
          'high',
          `the prefix list ${list.name} gains ${added.join(', ')}: it now holds the whole ${family === 'ipv4' ? 'IPv4' : 'IPv6'} ` +
            `internet, and every security-group rule that trusts the list admits it${usedBy}`,
          { before: list.before as JsonValue, after: list.after as JsonValue },
        );
        return;
      }
    }
    const isPublic = hasPublic(ranges(added));
    ctx.report(
      owner,
      'network.prefix-list-widened',
      isPublic ? 'medium' : 'low',
      `the prefix list ${list.name} gains ${added.join(', ')} (${isPublic ? 'public addresses' : 'private addresses'}): ` +
        `every rule that trusts the list admits them${usedBy}`,
      { before: list.before as JsonValue, after: list.after as JsonValue },
    );
  }
}

/** Addresses of security-group rules (in this plan) that name the prefix list. */
function ruleUsers(ctx: ReviewContext, key: string): string[] {
  const out: string[] = [];
  for (const rc of ctx.allOfType(
    'aws_vpc_security_group_ingress_rule',
    'aws_vpc_security_group_egress_rule',
    'aws_security_group_rule',
    'aws_security_group',
  )) {
    if (ctx.isDeleted(rc)) continue;
    const text = JSON.stringify(rc.change.after ?? null);
    const byRef = ctx
      .referencedChanges(rc, ['prefix_list_id'], 'aws_ec2_managed_prefix_list')
      .some((list) => idKey(ctx, list) === key);
    if (text.includes(`"${key}"`) || byRef) out.push(rc.address);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Security groups

interface OwnedRule {
  readonly rule: TrafficRule;
  readonly rc: ResourceChange;
  /** The prefix list a CIDR came from. */
  readonly via?: string;
}

/** The security group a side of a rule resource belongs to. */
function securityGroupOf(
  ctx: ReviewContext,
  rc: ResourceChange,
  which: 'before' | 'after',
): string | undefined {
  if (rc.type === 'aws_security_group') return idKey(ctx, rc);
  const side = which === 'before' ? ctx.before(rc) : ctx.after(rc);
  return targetKey(ctx, rc, side, 'security_group_id', 'aws_security_group', which);
}

/** Prefix-list peers become the CIDRs the list holds on that side (unknown lists stay prefix-list peers). */
function expand(
  ctx: ReviewContext,
  rc: ResourceChange,
  rules: readonly TrafficRule[],
  lists: ReadonlyMap<string, PrefixList>,
  which: 'before' | 'after',
): OwnedRule[] {
  return rules.flatMap((rule) => {
    if (rule.peer.kind !== 'prefix-list') return [{ rule, rc }];
    let key: string | undefined = rule.peer.value;
    if (!lists.has(key) && which === 'after') {
      const ref = ctx.referencedChanges(rc, ['prefix_list_id'], 'aws_ec2_managed_prefix_list')[0];
      key = ref === undefined ? undefined : idKey(ctx, ref);
    }
    const list = key === undefined ? undefined : lists.get(key);
    if (list === undefined) return [{ rule, rc }];
    const cidrs = which === 'before' ? list.before : list.after;
    return [
      { rule, rc },
      ...cidrs.map((value) => ({
        rule: { ...rule, peer: { kind: 'cidr', value } as const },
        rc,
        via: list.name,
      })),
    ];
  });
}

/** Whether `outer`'s protocol, ports and ICMP type cover `inner`'s, whoever the peers are. */
function serviceCovers(outer: TrafficRule, inner: TrafficRule): boolean {
  return ruleCovers({ ...outer, peer: inner.peer }, inner);
}

/** Whether the rules of one group (the rule's own included) together admit the internet for what `rule` allows. */
function opensInternet(rule: TrafficRule, rules: readonly OwnedRule[], family: Family): boolean {
  const covering = rules
    .filter((o) => o.rule.direction === rule.direction && serviceCovers(o.rule, rule))
    .map((o) => peerRange(o.rule.peer))
    .filter((r): r is AddressRange => r !== undefined && r.family === family);
  return isInternetWide(mergeRanges(covering), family);
}

/** Severity of a rule that opens the internet: ICMP path-MTU is needed (info), other ICMP is reconnaissance (low). */
function worldSeverity(rule: TrafficRule): Severity {
  if (isPathMtuIcmp(rule)) return 'info';
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') return 'low';
  return rule.direction === 'ingress' ? 'high' : 'medium';
}

function servicesNamed(rule: TrafficRule): string {
  if (rule.protocol !== 'all' && rule.protocol !== 'tcp') return '';
  const named = Object.entries(EXPOSED_SERVICES)
    .filter(([port]) => Number(port) >= rule.fromPort && Number(port) <= rule.toPort)
    .map(([port, name]) => `${name} (${port})`);
  if (named.length === 0) return '';
  return ` — including ${named.length > 4 ? `${named.slice(0, 4).join(', ')} and ${named.length - 4} more` : named.join(', ')}`;
}

function reviewSecurityGroups(ctx: ReviewContext, lists: ReadonlyMap<string, PrefixList>): void {
  // Every rule of every group, before and after, keyed by the group it belongs to on that side.
  const before = new Map<string, OwnedRule[]>();
  const after = new Map<string, OwnedRule[]>();
  const add = (map: Map<string, OwnedRule[]>, key: string | undefined, rules: OwnedRule[]) => {
    if (key === undefined || rules.length === 0) return;
    map.set(key, [...(map.get(key) ?? []), ...rules]);
  };
  const resources: { rc: ResourceChange; source: (typeof SECURITY_GROUP_SOURCES)[number] }[] = [];
  for (const source of SECURITY_GROUP_SOURCES) {
    for (const rc of ctx.allOfType(source.type)) {
      resources.push({ rc, source });
      add(
        before,
        securityGroupOf(ctx, rc, 'before'),
        expand(ctx, rc, source.rules(ctx.before(rc)), lists, 'before'),
      );
      if (!ctx.isDeleted(rc))
        add(
          after,
          securityGroupOf(ctx, rc, 'after'),
          expand(ctx, rc, source.rules(ctx.after(rc)), lists, 'after'),
        );
    }
  }

  for (const { rc, source } of resources) {
    if (ctx.isDeleted(rc)) continue;
    const group = securityGroupOf(ctx, rc, 'after');
    const previousGroup = rc.change.before === null ? undefined : securityGroupOf(ctx, rc, 'before');
    const moved = previousGroup !== undefined && group !== undefined && previousGroup !== group;
    const groupExists = group !== undefined && !group.startsWith('new:');
    // The rule's own previous version counts only when it stays in the same group.
    const ownBefore = moved
      ? []
      : expand(ctx, rc, source.rules(ctx.before(rc)), lists, 'before').map((o) => o.rule);
    const ownAfter = expand(ctx, rc, source.rules(ctx.after(rc)), lists, 'after');
    // What the (new) group admitted before; a moved rule's own old version belongs to its old group.
    const groupBefore = before.get(group ?? '') ?? [];
    const groupAfter = after.get(group ?? '') ?? [];
    const added = ownAfter.filter((o) => !ownBefore.some((old) => ruleCovers(old, o.rule)));

    if (moved) {
      ctx.report(
        rc,
        'network.rule-moved',
        'medium',
        `the rule now belongs to security group ${group} instead of ${previousGroup}: ${previousGroup} loses ` +
          `${ownBeforeText(ctx, rc, source)}, and ${group} gains ${ownAfter.map((o) => ruleText(o.rule)).join('; ')}`,
        { before: { security_group_id: previousGroup }, after: { security_group_id: group } },
      );
    }

    for (const direction of ['ingress', 'egress'] as const) {
      const world = added.filter(
        (o) =>
          o.rule.direction === direction &&
          o.rule.peer.kind === 'cidr' &&
          (['ipv4', 'ipv6'] as const).some(
            (family) =>
              peerRange(o.rule.peer)?.family === family &&
              opensInternet(o.rule, groupAfter, family) &&
              !opensInternet(o.rule, groupBefore, family),
          ),
      );
      if (world.length === 0) continue;
      const severities = world.map((o) => worldSeverity(o.rule));
      const severity =
        (['high', 'medium', 'low', 'info'] as const).find((s) => severities.includes(s)) ?? 'info';
      const via = [...new Set(world.map((o) => o.via).filter((v) => v !== undefined))];
      const parts = world.map((o) => `${ruleText(o.rule)}${servicesNamed(o.rule)}`);
      const what =
        severity === 'info'
          ? 'ICMP "fragmentation needed"/"packet too big" from anywhere, which path-MTU discovery needs'
          : severity === 'low'
            ? 'ICMP from anywhere: the hosts answer probes (reconnaissance), no service is exposed'
            : direction === 'ingress'
              ? 'anyone on the internet can open connections to what uses this security group'
              : 'what uses this security group can send to any address';
      ctx.report(
        rc,
        'network.sg-open-to-world',
        severity,
        `${[...new Set(parts)].join('; ')}${via.length > 0 ? ` (through prefix list ${via.join(', ')})` : ''}: ${what}` +
          (world.some((o) => !isWorldAlone(o.rule)) && severity !== 'info'
            ? '; together with the group’s other rules the ranges cover the internet'
            : ''),
        {
          before: widenedFrom(
            ownBefore,
            world.map((o) => o.rule),
          ),
          after: world.map((o) => ruleJson(o.rule)),
        },
      );
    }
    for (const { rule } of added) {
      if (rule.peer.kind === 'unknown-cidr') {
        // The worst range it can take is the whole internet: judge it as that when the group exists.
        const worst: Severity = groupExists ? (rule.direction === 'ingress' ? 'high' : 'medium') : 'low';
        unknownRange(ctx, rc, rule, worst);
      } else if (!isInternetWidePeer(rule.peer) && rule.peer.kind !== 'prefix-list') {
        reportWidened(ctx, rc, ownBefore, rule);
      }
    }
  }
}

function isWorldAlone(rule: TrafficRule): boolean {
  return isInternetWidePeer(rule.peer);
}

function ownBeforeText(
  ctx: ReviewContext,
  rc: ResourceChange,
  source: (typeof SECURITY_GROUP_SOURCES)[number],
): string {
  const rules = source.rules(ctx.before(rc));
  return rules.length === 0 ? 'nothing' : rules.map(ruleText).join('; ');
}

/** The old rules with the same peer, to show what a widened rule was. */
function widenedFrom(before: readonly TrafficRule[], rules: readonly TrafficRule[]) {
  const old = before.filter((b) => rules.some((r) => samePeer(b, r)));
  return old.length === 0 ? null : old.map(ruleJson);
}

function reportWidened(
  ctx: ReviewContext,
  rc: ResourceChange,
  before: readonly TrafficRule[],
  rule: TrafficRule,
): void {
  const old = before.filter((b) => samePeer(b, rule));
  if (old.length === 0) return; // a rule for a new peer inside the network: not a widening
  ctx.report(
    rc,
    'network.port-range-widened',
    'medium',
    `${ruleText(rule)} now covers more than before (${old.map(ruleText).join('; ')})`,
    { before: old.map(ruleJson), after: [ruleJson(rule)] },
  );
}

function reviewDefaultSecurityGroups(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_default_security_group')) {
    if (ctx.isDeleted(rc)) continue;
    const added = newRules(securityGroupRules(ctx.before(rc)), securityGroupRules(ctx.after(rc)));
    for (const rule of added.filter((r) => r.peer.kind === 'unknown-cidr'))
      unknownRange(ctx, rc, rule, 'high');
    const known = added.filter((r) => r.peer.kind !== 'unknown-cidr');
    if (known.length === 0) continue;
    ctx.report(
      rc,
      'network.default-sg-rules',
      'high',
      `the default security group gains ${known.map(ruleText).join('; ')}: every ENI created without a security group ` +
        'gets these rules; keep the default group empty and use named groups',
      {
        before: ctx.before(rc).show(['ingress']) === null ? null : rulesShown(ctx.before(rc)),
        after: known.map(ruleJson),
      },
    );
  }
}

function rulesShown(side: Side) {
  return { ingress: side.show(['ingress']), egress: side.show(['egress']) };
}

// ---------------------------------------------------------------------------------------------------------
// Network ACLs

function reviewNetworkAcls(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_network_acl', 'aws_default_network_acl')) {
    if (ctx.isDeleted(rc)) continue;
    const before = networkAclRules(ctx.before(rc)).map((rule) => ({ rule, rc }));
    const after = networkAclRules(ctx.after(rc)).map((rule) => ({ rule, rc }));
    reviewAcl(ctx, before, after, rc);
  }
  // Standalone rules: group by the NACL they belong to (its id, or the reference while it is unknown).
  const groups = new Map<string, ResourceChange[]>();
  for (const rc of ctx.allOfType('aws_network_acl_rule')) {
    const key = aclKey(ctx, rc);
    groups.set(key, [...(groups.get(key) ?? []), rc]);
  }
  for (const members of groups.values()) {
    const changed = members.filter((rc) => ctx.changes.includes(rc));
    const first = changed[0];
    if (first === undefined) continue;
    const before = members.flatMap((rc) => networkAclRule(ctx.before(rc)).map((rule) => ({ rule, rc })));
    const after = members
      .filter((rc) => !ctx.isDeleted(rc))
      .flatMap((rc) => networkAclRule(ctx.after(rc)).map((rule) => ({ rule, rc })));
    reviewAcl(ctx, before, after, changed.find((rc) => ctx.isDestroyed(rc)) ?? first);
  }
}

function aclKey(ctx: ReviewContext, rc: ResourceChange): string {
  for (const side of [ctx.after(rc), ctx.before(rc)]) {
    const id = side.get(['network_acl_id']);
    if (typeof id === 'string' && !side.isUnknown(['network_acl_id'])) return id;
  }
  return `ref:${ctx.references(rc, ['network_acl_id']).join(',') || rc.address}`;
}

const WORLD_LABEL: Record<Family, string> = { ipv4: '0.0.0.0/0', ipv6: '::/0' };

function reviewAcl(
  ctx: ReviewContext,
  before: readonly OwnedRule[],
  after: readonly OwnedRule[],
  owner: ResourceChange,
): void {
  const beforeRules = before.map((o) => o.rule);
  const afterRules = after.map((o) => o.rule);
  const reported = new Set<TrafficRule>();
  for (const { rule, rc } of after) {
    if (rule.action !== 'allow' || beforeRules.some((old) => ruleCovers(old, rule))) continue;
    if (rule.peer.kind === 'unknown-cidr') {
      const worst: Severity = ctx.isCreated(rc) && ctx.isCreated(owner) ? 'low' : 'high';
      unknownRange(ctx, rc, rule, worst);
      continue;
    }
    if (!isInternetWidePeer(rule.peer)) {
      reportWidened(
        ctx,
        rc,
        beforeRules.filter((r) => r.action === 'allow'),
        rule,
      );
      continue;
    }
    reported.add(rule);
    reportWorldAcl(ctx, rc, rule, afterRules, beforeRules);
  }
  // An admin port can also open because the deny in front of an existing allow went away.
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const port of ADMIN_PORTS) {
      const now = aclReach(afterRules, 'ingress', port, family);
      const was = aclReach(beforeRules, 'ingress', port, family);
      if (!isInternetWide(now.allowed, family) || isInternetWide(was.allowed, family)) continue;
      if (now.by.some((rule) => reported.has(rule))) continue;
      const world = WORLD_LABEL[family];
      const previous = decidingRule(beforeRules, 'ingress', port, world);
      ctx.report(
        owner,
        'network.nacl-open-to-world',
        'high',
        `port ${port} from ${world} is now allowed by ${now.by.map(ruleText).join('; ')}: ${
          previous === undefined
            ? 'no rule decided it before'
            : `${ruleText(previous)} no longer decides it first`
        }`,
        {
          before: previous === undefined ? null : ruleJson(previous),
          after: now.by.length === 1 ? ruleJson(now.by[0] as TrafficRule) : now.by.map(ruleJson),
        },
      );
    }
  }
}

function reportWorldAcl(
  ctx: ReviewContext,
  rc: ResourceChange,
  rule: TrafficRule,
  afterRules: readonly TrafficRule[],
  beforeRules: readonly TrafficRule[],
): void {
  const values = { before: widenedFrom(beforeRules, [rule]), after: ruleJson(rule) };
  const gateways = ['aws_internet_gateway', 'aws_nat_gateway', 'aws_egress_only_internet_gateway'].some(
    (type) => ctx.plan.plannedTypes.has(type),
  );
  const routeNote = gateways
    ? 'this stack has an internet or NAT gateway, so these subnets may have a route to the internet'
    : 'this stack has no internet or NAT gateway, so the subnets have no route to the internet';
  const family = peerRange(rule.peer)?.family ?? 'ipv4';
  const world = WORLD_LABEL[family];
  if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') {
    const pmtu = isPathMtuIcmp(rule);
    ctx.report(
      rc,
      'network.nacl-open-to-world',
      pmtu ? 'info' : 'low',
      pmtu
        ? `${ruleText(rule)}: path-MTU discovery needs these ICMP messages from anywhere; no service is exposed`
        : `${ruleText(rule)}: hosts in these subnets answer ICMP probes from anywhere (reconnaissance); no service is exposed`,
      values,
    );
    return;
  }
  if (rule.direction === 'ingress') {
    const inRange = ADMIN_PORTS.filter((port) => matchesTcpPort(rule, port));
    const exposed = inRange.filter((port) => aclReach(afterRules, 'ingress', port, family).by.includes(rule));
    if (exposed.length > 0) {
      ctx.report(
        rc,
        'network.nacl-open-to-world',
        'high',
        `${ruleText(rule)} lets anyone on the internet reach port(s) ${exposed.join(', ')} (no lower-numbered deny for them)`,
        values,
      );
      return;
    }
    const deniedBy = inRange
      .map((port) => ({ port, by: decidingRule(afterRules, 'ingress', port, world) }))
      .map(({ port, by }) => `${port} by rule ${by?.ruleNumber ?? '?'}`);
    ctx.report(
      rc,
      'network.nacl-open-to-world',
      'medium',
      `${ruleText(rule)}: NACLs are stateless, so this is the return path of outbound connections (HTTPS to the S3 ` +
        "gateway endpoint goes to S3's public addresses, and NACLs cannot name prefix lists). " +
        `${deniedBy.length > 0 ? `Admin ports are denied first (${deniedBy.join(', ')}); ` : 'It does not include ports 22 or 3389; '}` +
        `security groups still refuse unsolicited connections; ${routeNote}`,
      values,
    );
    return;
  }
  const httpsOnly = rule.protocol === 'tcp' && rule.fromPort === 443 && rule.toPort === 443;
  ctx.report(
    rc,
    'network.nacl-open-to-world',
    httpsOnly ? 'low' : 'medium',
    httpsOnly
      ? `${ruleText(rule)}: HTTPS to any address, needed because the S3 gateway endpoint uses S3's public addresses ` +
          `and NACLs cannot name the S3 prefix list; security groups narrow it to the endpoints; ${routeNote}`
      : `${ruleText(rule)}: traffic to any address on the internet; ${routeNote}`,
    values,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Functions, gateways, routes, peering

function reviewFunctionVpc(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function')) {
    if (!ctx.isChanged(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const subnets = ['vpc_config', 0, 'subnet_ids'];
    if (asArray(before.get(subnets)).length === 0) continue;
    if (after.isUnknown(['vpc_config']) || after.isUnknown(subnets)) {
      // A list whose length is unknown may be empty after apply: the function would leave its VPC.
      if (ctx.isConfigured(rc, ['vpc_config']))
        ctx.unknown(
          rc,
          'vpc_config',
          'the subnets the function runs in (an empty list takes it out of its VPC)',
          undefined,
          'high',
        );
      continue;
    }
    if (asArray(after.get(subnets)).length > 0) continue;
    ctx.report(
      rc,
      'network.vpc-detached',
      'high',
      `the function leaves its VPC (vpc_config ${asArray(after.get(['vpc_config'])).length === 0 ? 'removed' : 'emptied'}): ` +
        'it runs with internet access, outside the security groups, NACLs, endpoint policies and flow logs',
      { before: before.show(['vpc_config']), after: after.show(['vpc_config']) },
    );
  }
}

function reviewGateways(ctx: ReviewContext): void {
  const gateways: Record<string, string> = {
    aws_internet_gateway: 'an internet gateway',
    aws_internet_gateway_attachment: 'an internet gateway attachment',
    aws_egress_only_internet_gateway: 'an egress-only internet gateway',
    aws_nat_gateway: 'a NAT gateway',
  };
  for (const rc of ctx.ofType(...Object.keys(gateways))) {
    if (!ctx.isCreated(rc)) continue;
    ctx.report(
      rc,
      'network.gateway-added',
      'medium',
      `adds ${gateways[rc.type] ?? rc.type}: subnets routed to it can reach the internet, bypassing the VPC endpoints and their policies`,
      { before: null, after: ctx.after(rc).show(['vpc_id']) },
    );
  }
}

type Exit = 'internet gateway' | 'NAT gateway' | 'egress-only internet gateway';

/** Route targets that lead out of the network: by id prefix, or by the type a reference names. */
const EXIT_TARGETS: readonly { argument: string; prefix: string; type: string; exit: Exit }[] = [
  { argument: 'gateway_id', prefix: 'igw-', type: 'aws_internet_gateway', exit: 'internet gateway' },
  { argument: 'nat_gateway_id', prefix: 'nat-', type: 'aws_nat_gateway', exit: 'NAT gateway' },
  {
    argument: 'egress_only_gateway_id',
    prefix: 'eigw-',
    type: 'aws_egress_only_internet_gateway',
    exit: 'egress-only internet gateway',
  },
];

interface InternetRoute {
  readonly destination: string;
  readonly exit: Exit;
}

/** Whether a route (an `aws_route` side or an inline `route` entry) sends internet-wide traffic to a gateway. */
function internetRoute(
  ctx: ReviewContext,
  rc: ResourceChange,
  side: Side,
  base: readonly (string | number)[],
): InternetRoute | undefined {
  const destination = [
    'destination_cidr_block',
    'destination_ipv6_cidr_block',
    'cidr_block',
    'ipv6_cidr_block',
  ]
    .map((name) => side.get([...base, name]))
    .find((value): value is string => typeof value === 'string' && value !== '');
  const range = destination === undefined ? undefined : parseCidr(destination);
  if (destination === undefined || range === undefined || !isInternetWide([range], range.family))
    return undefined;
  for (const target of EXIT_TARGETS) {
    const path = [...base, target.argument];
    const value = side.get(path);
    if (typeof value === 'string' && value.startsWith(target.prefix))
      return { destination, exit: target.exit };
    if (
      base.length === 0 &&
      side.isUnknown(path) &&
      ctx.referencedChanges(rc, [target.argument], target.type).length > 0
    )
      return { destination, exit: target.exit };
  }
  return undefined;
}

function exitSeverity(exit: Exit): Severity {
  return exit === 'internet gateway' ? 'high' : 'medium';
}

function exitMeaning(exit: Exit): string {
  return exit === 'internet gateway'
    ? 'resources with a public address in these subnets are reachable from the internet, and everything in them can reach it'
    : 'everything in these subnets can reach the internet, bypassing the VPC endpoints and their policies';
}

/** Internet routes of a route table on the after side: its inline routes and `aws_route`s naming it. */
function tableRoutes(ctx: ReviewContext, tableKey: string): InternetRoute[] {
  const out: InternetRoute[] = [];
  for (const rc of ctx.allOfType('aws_route_table')) {
    if (idKey(ctx, rc) !== tableKey || ctx.isDeleted(rc)) continue;
    const after = ctx.after(rc);
    asArray(after.get(['route'])).forEach((_, index) => {
      const route = internetRoute(ctx, rc, after, ['route', index]);
      if (route !== undefined) out.push(route);
    });
  }
  for (const rc of ctx.allOfType('aws_route')) {
    if (ctx.isDeleted(rc)) continue;
    if (targetKey(ctx, rc, ctx.after(rc), 'route_table_id', 'aws_route_table', 'after') !== tableKey)
      continue;
    const route = internetRoute(ctx, rc, ctx.after(rc), []);
    if (route !== undefined) out.push(route);
  }
  return out;
}

function reviewRoutes(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_route')) {
    if (ctx.isDeleted(rc)) continue;
    const now = internetRoute(ctx, rc, ctx.after(rc), []);
    if (now === undefined) continue;
    const was = internetRoute(ctx, rc, ctx.before(rc), []);
    if (was !== undefined && exitSeverity(was.exit) === exitSeverity(now.exit)) continue;
    ctx.report(
      rc,
      'network.route-to-internet',
      exitSeverity(now.exit),
      `route table ${ctx.after(rc).text(['route_table_id'])} sends ${now.destination} to the ${now.exit}: ${exitMeaning(now.exit)}`,
      { before: was === undefined ? null : { ...was }, after: { ...now } },
    );
  }
  for (const rc of ctx.ofType('aws_route_table')) {
    if (ctx.isDeleted(rc)) continue;
    const list = (side: Side) =>
      asArray(side.get(['route']))
        .map((_, index) => internetRoute(ctx, rc, side, ['route', index]))
        .filter((r): r is InternetRoute => r !== undefined);
    const was = list(ctx.before(rc));
    const added = list(ctx.after(rc)).filter(
      (route) => !was.some((old) => old.exit === route.exit && old.destination === route.destination),
    );
    for (const route of added) {
      ctx.report(
        rc,
        'network.route-to-internet',
        exitSeverity(route.exit),
        `the route table gains a route for ${route.destination} to the ${route.exit}: ${exitMeaning(route.exit)}`,
        { before: was.map((r) => ({ ...r })), after: { ...route } },
      );
    }
  }
  // A subnet moved to another route table gets that table's routes.
  for (const rc of ctx.ofType('aws_route_table_association')) {
    if (ctx.isDeleted(rc)) continue;
    const table = targetKey(ctx, rc, ctx.after(rc), 'route_table_id', 'aws_route_table', 'after');
    const previous = targetKey(ctx, rc, ctx.before(rc), 'route_table_id', 'aws_route_table', 'before');
    if (table === undefined || table === previous) continue;
    const routes = tableRoutes(ctx, table);
    const old = previous === undefined ? [] : tableRoutes(ctx, previous);
    const gained = routes.filter((route) => !old.some((o) => o.exit === route.exit));
    if (gained.length === 0) continue;
    const worst = gained.some((r) => r.exit === 'internet gateway')
      ? 'internet gateway'
      : (gained[0] as InternetRoute).exit;
    const what =
      ctx.after(rc).text(['subnet_id']) === 'unset'
        ? ctx.after(rc).text(['gateway_id'])
        : ctx.after(rc).text(['subnet_id']);
    ctx.report(
      rc,
      'network.route-to-internet',
      exitSeverity(worst),
      `${what} moves ${previous === undefined ? 'to' : `from route table ${previous} to`} ${table}, which routes ` +
        `${gained.map((r) => `${r.destination} to the ${r.exit}`).join(' and ')}: ${exitMeaning(worst)}`,
      { before: { route_table_id: previous ?? null }, after: { route_table_id: table } },
    );
  }
}

function reviewPeering(ctx: ReviewContext): void {
  const account = ctx.accountId();
  for (const rc of ctx.ofType('aws_vpc_peering_connection', 'aws_vpc_peering_connection_accepter')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const peer = ['peer_vpc_id'];
    if (ctx.isChanged(rc) && !after.isUnknown(peer) && before.get(peer) === after.get(peer)) continue;
    const owner = after.get(['peer_owner_id']);
    const foreign =
      typeof owner === 'string' && owner !== '' && !after.isUnknown(['peer_owner_id']) && owner !== account;
    const accepter = rc.type === 'aws_vpc_peering_connection_accepter';
    ctx.report(
      rc,
      'network.peering-added',
      foreign || accepter ? 'high' : 'medium',
      accepter
        ? `accepts the peering connection ${after.text(['vpc_peering_connection_id'])} requested by another VPC (possibly of another account): its network can reach this VPC wherever routes and security groups allow`
        : `peers VPC ${after.text(['vpc_id'])} with ${after.text(peer)}${foreign ? ` of account ${owner}` : ''}: ` +
            `${foreign ? 'a network another account controls' : 'the other network'} can reach this VPC wherever routes and security groups allow`,
      {
        before: rc.change.before === null ? null : { peer_vpc_id: before.show(peer) },
        after: { peer_vpc_id: after.show(peer), peer_owner_id: after.show(['peer_owner_id']) },
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints and flow logs

/** What a flow log records: the attributes that, changed, make it log something else. */
const FLOW_LOG_TARGETS = [
  'vpc_id',
  'subnet_id',
  'eni_id',
  'transit_gateway_id',
  'transit_gateway_attachment_id',
];

function reviewEndpointsAndFlowLogs(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_vpc_endpoint')) {
    if (!ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    ctx.report(
      rc,
      'network.endpoint-removed',
      'medium',
      `the ${before.text(['vpc_endpoint_type'])} endpoint for ${before.text(['service_name'])} is destroyed: calls to the service ` +
        'fail, or leave through a NAT or internet gateway without the endpoint policy',
      { before: before.show(['service_name']), after: null },
    );
  }
  for (const rc of ctx.ofType('aws_flow_log')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const shownSide = (side: Side) => ({
      traffic_type: side.show(['traffic_type']),
      log_destination: side.show(['log_destination']),
      ...Object.fromEntries(
        FLOW_LOG_TARGETS.filter((name) => side.get([name]) !== null && side.get([name]) !== undefined).map(
          (name) => [name, side.show([name])],
        ),
      ),
    });
    if (ctx.isDeleted(rc)) {
      ctx.report(
        rc,
        'network.flow-log-removed',
        'medium',
        `the flow log (${before.text(['traffic_type'])} traffic to ${before.text(['log_destination_type'])}) is destroyed: ` +
          'network traffic is no longer recorded',
        { before: shownSide(before), after: null },
      );
      continue;
    }
    if (!ctx.isChanged(rc)) continue;
    const moved = FLOW_LOG_TARGETS.filter((name) => {
      const old = before.get([name]);
      if (typeof old !== 'string' || old === '') return false;
      return after.isUnknown([name]) || after.get([name]) !== old;
    });
    if (moved.length > 0) {
      ctx.report(
        rc,
        'network.flow-log-removed',
        'medium',
        `the flow log moves away from ${moved.map((name) => `${name} ${before.text([name])}`).join(', ')} ` +
          `(now ${moved.map((name) => after.text([name])).join(', ')}): traffic there is no longer recorded`,
        { before: shownSide(before), after: shownSide(after) },
      );
      continue;
    }
    const traffic = ['traffic_type'];
    if (after.isUnknown(traffic)) {
      ctx.unknown(rc, 'traffic_type', 'which traffic the flow log records', undefined, 'medium');
      continue;
    }
    if (before.get(traffic) === 'ALL' && after.get(traffic) !== 'ALL') {
      ctx.report(
        rc,
        'network.flow-log-narrowed',
        'medium',
        `the flow log ${ctx.isReplaced(rc) ? 'is replaced and ' : ''}records only ${after.text(traffic)} traffic instead of ALL: ` +
          `${after.get(traffic) === 'REJECT' ? 'accepted connections (what an intruder uses) are' : 'rejected attempts (probes, scans) are'} no longer recorded`,
        { before: shownSide(before), after: shownSide(after) },
      );
    }
  }
}
