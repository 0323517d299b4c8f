/**
 * Network rules: security groups and network ACLs opened to the internet or widened, the default
 * security group, functions leaving their VPC, gateways, VPC endpoints and flow logs. Endpoint policies
 * are in policies.ts.
 */
import { ADMIN_PORTS, WORLD_CIDRS } from '../constants';
import type { ReviewContext } from '../context';
import { asArray, type ResourceChange } from '../plan';
import {
  decidingRule,
  isWorld,
  legacySecurityGroupRule,
  matchesTcpPort,
  networkAclRule,
  networkAclRules,
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
  reviewSecurityGroups(ctx);
  reviewDefaultSecurityGroups(ctx);
  reviewNetworkAcls(ctx);
  reviewFunctionVpc(ctx);
  reviewGateways(ctx);
  reviewEndpointsAndFlowLogs(ctx);
}

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

function newRules(before: readonly TrafficRule[], after: readonly TrafficRule[]): TrafficRule[] {
  return after.filter((rule) => !before.some((old) => ruleCovers(old, rule)));
}

function reviewSecurityGroups(ctx: ReviewContext): void {
  for (const source of SECURITY_GROUP_SOURCES) {
    for (const rc of ctx.ofType(source.type)) {
      if (ctx.isDeleted(rc)) continue;
      const before = source.rules(ctx.before(rc));
      const added = newRules(before, source.rules(ctx.after(rc)));
      for (const direction of ['ingress', 'egress'] as const) {
        const world = added.filter((rule) => rule.direction === direction && isWorld(rule.peer));
        if (world.length > 0) {
          ctx.report(
            rc,
            'network.sg-open-to-world',
            direction === 'ingress' ? 'high' : 'medium',
            `${world.map(ruleText).join('; ')}: ${
              direction === 'ingress'
                ? 'anyone on the internet can open connections to what uses this security group'
                : 'what uses this security group can send to any address'
            }`,
            { before: widenedFrom(before, world), after: world.map(ruleJson) },
          );
        }
      }
      for (const rule of added) {
        if (rule.peer.kind === 'unknown-cidr') {
          ctx.unknown(rc, attributeOf(rule.peer.value), `the address range of ${ruleText(rule)}`);
        } else if (!isWorld(rule.peer)) {
          reportWidened(ctx, rc, before, rule);
        }
      }
    }
  }
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
    for (const rule of added.filter((r) => r.peer.kind === 'unknown-cidr')) {
      ctx.unknown(rc, attributeOf(rule.peer.value), `the address range of ${ruleText(rule)}`);
    }
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

interface OwnedRule {
  readonly rule: TrafficRule;
  readonly rc: ResourceChange;
}

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
      ctx.unknown(rc, attributeOf(rule.peer.value), `the address range of ${ruleText(rule)}`);
      continue;
    }
    if (!isWorld(rule.peer)) {
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
  for (const world of WORLD_CIDRS) {
    for (const port of ADMIN_PORTS) {
      const now = decidingRule(afterRules, 'ingress', port, world);
      const was = decidingRule(beforeRules, 'ingress', port, world);
      if (now?.action !== 'allow' || was?.action === 'allow' || reported.has(now)) continue;
      ctx.report(
        owner,
        'network.nacl-open-to-world',
        'high',
        `port ${port} from ${world} is now allowed by ${ruleText(now)}: ${
          was === undefined ? 'no rule decided it before' : `${ruleText(was)} no longer decides it first`
        }`,
        { before: was === undefined ? null : ruleJson(was), after: ruleJson(now) },
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
  const world = rule.peer.value;
  if (rule.direction === 'ingress') {
    const inRange = ADMIN_PORTS.filter((port) => matchesTcpPort(rule, port));
    const exposed = inRange.filter((port) => decidingRule(afterRules, 'ingress', port, world) === rule);
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

function reviewFunctionVpc(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function')) {
    if (!ctx.isChanged(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const subnets = ['vpc_config', 0, 'subnet_ids'];
    if (asArray(before.get(subnets)).length === 0) continue;
    if (after.isUnknown(['vpc_config']) || after.isUnknown(subnets)) continue; // set, values known after apply
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
    if (!ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    ctx.report(
      rc,
      'network.flow-log-removed',
      'medium',
      `the flow log (${before.text(['traffic_type'])} traffic to ${before.text(['log_destination_type'])}) is destroyed: ` +
        'network traffic is no longer recorded',
      {
        before: {
          traffic_type: before.show(['traffic_type']),
          log_destination: before.show(['log_destination']),
        },
        after: null,
      },
    );
  }
}
