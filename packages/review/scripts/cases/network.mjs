/** The network fixture group: its baseline and its cases, each with the findings a careful reviewer expects. */
import { ACCOUNT, aclRule, policy, REGION, sgRule } from './shared.mjs';

const endpointPolicy = (condition = { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }) =>
  policy({
    Sid: 'ThisAccountOnly',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: 'arn:aws:s3:::review-*/*',
    ...(condition ? { Condition: condition } : {}),
  });

const networkBaseline = () => ({
  resource: {
    aws_vpc: { main: { cidr_block: '10.0.0.0/16', tags: { Name: 'review' } } },
    aws_subnet: {
      a: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.0.1.0/24', availability_zone: `${REGION}a` },
    },
    aws_route_table: { private: { vpc_id: '${aws_vpc.main.id}' } },
    aws_route_table_association: {
      a: { subnet_id: '${aws_subnet.a.id}', route_table_id: '${aws_route_table.private.id}' },
    },
    aws_security_group: {
      legacy: {
        name: 'review-legacy',
        description: 'inline rules',
        vpc_id: '${aws_vpc.main.id}',
        ingress: [sgRule({ cidr_blocks: ['10.0.0.0/16'] })],
        egress: [sgRule({ cidr_blocks: ['10.0.0.0/16'] })],
      },
      fn: { name: 'review-fn', description: 'function', vpc_id: '${aws_vpc.main.id}' },
      endpoints: {
        name: 'review-endpoints',
        description: 'interface endpoints',
        vpc_id: '${aws_vpc.main.id}',
      },
      batch: { name: 'review-batch', description: 'rules as resources', vpc_id: '${aws_vpc.main.id}' },
    },
    aws_vpc_security_group_egress_rule: {
      fn_to_endpoints: {
        security_group_id: '${aws_security_group.fn.id}',
        referenced_security_group_id: '${aws_security_group.endpoints.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_vpc_security_group_ingress_rule: {
      endpoints_from_fn: {
        security_group_id: '${aws_security_group.endpoints.id}',
        referenced_security_group_id: '${aws_security_group.fn.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_security_group_rule: {
      batch_egress: {
        type: 'egress',
        security_group_id: '${aws_security_group.batch.id}',
        protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_blocks: ['10.0.0.0/16'],
      },
    },
    aws_network_acl: {
      private: {
        vpc_id: '${aws_vpc.main.id}',
        subnet_ids: ['${aws_subnet.a.id}'],
        egress: [
          aclRule({ rule_no: 100, cidr_block: '0.0.0.0/0' }),
          aclRule({ rule_no: 110, cidr_block: '10.0.0.0/16', from_port: 1024, to_port: 65535 }),
        ],
        ingress: [
          aclRule({ rule_no: 90, action: 'deny', cidr_block: '0.0.0.0/0', from_port: 3389, to_port: 3389 }),
          aclRule({ rule_no: 100, cidr_block: '10.0.0.0/16' }),
          aclRule({ rule_no: 110, cidr_block: '0.0.0.0/0', from_port: 1024, to_port: 65535 }),
        ],
      },
      isolated: { vpc_id: '${aws_vpc.main.id}' },
    },
    aws_network_acl_rule: {
      isolated_in: {
        network_acl_id: '${aws_network_acl.isolated.id}',
        rule_number: 100,
        egress: false,
        protocol: 'tcp',
        rule_action: 'allow',
        cidr_block: '10.0.0.0/16',
        from_port: 443,
        to_port: 443,
      },
    },
    aws_vpc_endpoint: {
      s3: {
        vpc_id: '${aws_vpc.main.id}',
        service_name: `com.amazonaws.${REGION}.s3`,
        vpc_endpoint_type: 'Gateway',
        route_table_ids: ['${aws_route_table.private.id}'],
        policy: endpointPolicy(),
      },
      kms: {
        vpc_id: '${aws_vpc.main.id}',
        service_name: `com.amazonaws.${REGION}.kms`,
        vpc_endpoint_type: 'Interface',
        subnet_ids: ['${aws_subnet.a.id}'],
        security_group_ids: ['${aws_security_group.endpoints.id}'],
      },
    },
    aws_cloudwatch_log_group: { flow: { name: '/review/flow-logs', retention_in_days: 30 } },
    aws_iam_role: {
      flow: {
        name: 'review-flow-logs',
        assume_role_policy: policy({
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        }),
      },
    },
    aws_flow_log: {
      vpc: {
        vpc_id: '${aws_vpc.main.id}',
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: '${aws_cloudwatch_log_group.flow.arn}',
        iam_role_arn: '${aws_iam_role.flow.arn}',
      },
    },
    aws_default_security_group: { default: { vpc_id: '${aws_vpc.main.id}' } },
  },
});

const networkCases = [
  {
    name: 'net-sg-ingress-world',
    expect: ['high network.sg-open-to-world aws_security_group.legacy'],
    description: 'an inline security-group ingress rule opens 443 to 0.0.0.0/0',
    mutate: (c) => (c.resource.aws_security_group.legacy.ingress = [sgRule({ cidr_blocks: ['0.0.0.0/0'] })]),
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-sg-rule-ingress-world',
    expect: ['high network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_from_world'],
    description: 'a new aws_vpc_security_group_ingress_rule lets 0.0.0.0/0 reach the endpoints on 443',
    mutate: (c) => {
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_world = {
        security_group_id: '${aws_security_group.endpoints.id}',
        cidr_ipv4: '0.0.0.0/0',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      };
    },
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_from_world'],
  },
  {
    name: 'net-sg-egress-world-ipv6',
    expect: ['medium network.sg-open-to-world aws_security_group_rule.batch_egress'],
    description: 'an aws_security_group_rule egress moves from the VPC CIDR to ::/0',
    mutate: (c) => {
      const rule = c.resource.aws_security_group_rule.batch_egress;
      delete rule.cidr_blocks;
      rule.ipv6_cidr_blocks = ['::/0'];
    },
    changes: ['aws_security_group_rule.batch_egress'],
  },
  {
    name: 'net-sg-port-widened',
    expect: ['medium network.port-range-widened aws_security_group.legacy'],
    description: 'an inline ingress rule from the VPC widens from 443 to every TCP port',
    mutate: (c) => {
      c.resource.aws_security_group.legacy.ingress = [
        sgRule({ cidr_blocks: ['10.0.0.0/16'], from_port: 0, to_port: 65535 }),
      ];
    },
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-nacl-ingress-ssh',
    expect: ['high network.nacl-open-to-world aws_network_acl.private'],
    description: 'the NACL allows SSH from 0.0.0.0/0',
    mutate: (c) =>
      c.resource.aws_network_acl.private.ingress.push(
        aclRule({ rule_no: 120, cidr_block: '0.0.0.0/0', from_port: 22, to_port: 22 }),
      ),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-nacl-deny-removed',
    expect: ['high network.nacl-open-to-world aws_network_acl.private'],
    description: 'the NACL deny for 3389 in front of the ephemeral-port allow is removed',
    mutate: (c) => c.resource.aws_network_acl.private.ingress.splice(0, 1),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-nacl-rule-world',
    expect: ['medium network.nacl-open-to-world aws_network_acl_rule.isolated_in'],
    description: 'an aws_network_acl_rule ingress moves from the VPC CIDR to 0.0.0.0/0 (port 443)',
    mutate: (c) => (c.resource.aws_network_acl_rule.isolated_in.cidr_block = '0.0.0.0/0'),
    changes: ['aws_network_acl_rule.isolated_in'],
  },
  {
    name: 'net-nacl-port-widened',
    expect: ['medium network.port-range-widened aws_network_acl_rule.isolated_in'],
    description: 'an aws_network_acl_rule from the VPC widens from 443 to every port',
    mutate: (c) => {
      c.resource.aws_network_acl_rule.isolated_in.from_port = 0;
      c.resource.aws_network_acl_rule.isolated_in.to_port = 65535;
    },
    changes: ['aws_network_acl_rule.isolated_in'],
  },
  {
    name: 'net-igw-added',
    expect: ['medium network.gateway-added aws_internet_gateway.main'],
    description: 'an internet gateway is attached to the VPC',
    mutate: (c) => (c.resource.aws_internet_gateway = { main: { vpc_id: '${aws_vpc.main.id}' } }),
    changes: ['aws_internet_gateway.main'],
  },
  {
    name: 'net-endpoint-removed',
    expect: ['medium network.endpoint-removed aws_vpc_endpoint.kms'],
    description: 'the KMS interface endpoint is removed',
    mutate: (c) => delete c.resource.aws_vpc_endpoint.kms,
    changes: ['aws_vpc_endpoint.kms'],
  },
  {
    name: 'net-endpoint-policy-public',
    expect: ['high network.endpoint-policy-widened aws_vpc_endpoint.s3'],
    description: 'the S3 endpoint policy loses its aws:PrincipalAccount condition',
    mutate: (c) => (c.resource.aws_vpc_endpoint.s3.policy = endpointPolicy(null)),
    changes: ['aws_vpc_endpoint.s3'],
  },
  {
    name: 'net-flow-log-removed',
    expect: ['medium network.flow-log-removed aws_flow_log.vpc'],
    description: 'the VPC flow log is removed',
    mutate: (c) => delete c.resource.aws_flow_log,
    changes: ['aws_flow_log.vpc'],
  },
  {
    name: 'net-default-sg-rules',
    expect: ['high network.default-sg-rules aws_default_security_group.default'],
    description: 'the default security group gains an ingress rule',
    mutate: (c) => {
      c.resource.aws_default_security_group.default.ingress = [
        sgRule({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['10.0.0.0/16'] }),
      ];
    },
    changes: ['aws_default_security_group.default'],
  },
  {
    name: 'net-unknown-cidr',
    class: 'unknown',
    // Was `low`: the rule is new, but it attaches to the existing endpoints group, and the worst range it
    // can take after apply is ::/0 (ingress from the world, high).
    expect: [
      'high review.unknown-until-apply aws_vpc_security_group_ingress_rule.endpoints_from_peer',
      'info review.unreviewed-types plan',
    ],
    description:
      'a new ingress rule from the IPv6 range of a VPC created in the same plan (known only after apply)',
    mutate: (c) => {
      c.resource.aws_vpc.peer = { cidr_block: '10.9.0.0/16', assign_generated_ipv6_cidr_block: true };
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_peer = {
        security_group_id: '${aws_security_group.endpoints.id}',
        cidr_ipv6: '${aws_vpc.peer.ipv6_cidr_block}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      };
    },
    changes: ['aws_vpc.peer', 'aws_vpc_security_group_ingress_rule.endpoints_from_peer'],
  },
  {
    name: 'net-benign',
    expect: ['info review.unreviewed-types plan'],
    benign: true,
    description: 'benign: tags on the VPC and the subnet',
    mutate: (c) => {
      c.resource.aws_vpc.main.tags = { Name: 'review', Owner: 'platform' };
      c.resource.aws_subnet.a.tags = { Name: 'review-a' };
    },
    changes: ['aws_vpc.main', 'aws_subnet.a'],
  },
];

const legacy = (c) => c.resource.aws_security_group.legacy;
const endpointsRule = (overrides) => ({
  security_group_id: '${aws_security_group.endpoints.id}',
  ip_protocol: 'tcp',
  from_port: 443,
  to_port: 443,
  ...overrides,
});

const rangeCases = [
  {
    name: 'net-sg-ipv6-long-zero',
    class: 'ranges',
    expect: ['high network.sg-open-to-world aws_security_group.legacy'],
    description: 'an inline ingress rule allows SSH from 0::/0 (::/0 written another way)',
    mutate: (c) =>
      legacy(c).ingress.push(sgRule({ from_port: 22, to_port: 22, ipv6_cidr_blocks: ['0::/0'] })),
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-sg-split-world',
    class: 'ranges',
    expect: [
      'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_lower',
      'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_upper',
    ],
    description: 'two new ingress rules, 0.0.0.0/1 and 128.0.0.0/1 on 443: together the whole IPv4 internet',
    mutate: (c) => {
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_lower = endpointsRule({
        cidr_ipv4: '0.0.0.0/1',
      });
      c.resource.aws_vpc_security_group_ingress_rule.endpoints_upper = endpointsRule({
        cidr_ipv4: '128.0.0.0/1',
      });
    },
    changes: [
      'aws_vpc_security_group_ingress_rule.endpoints_lower',
      'aws_vpc_security_group_ingress_rule.endpoints_upper',
    ],
  },
  {
    name: 'net-sg-half-world',
    class: 'ranges',
    expect: ['high network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_lower'],
    description: 'a new ingress rule from 0.0.0.0/1 (half the IPv4 internet) on 443',
    mutate: (c) =>
      (c.resource.aws_vpc_security_group_ingress_rule.endpoints_lower = endpointsRule({
        cidr_ipv4: '0.0.0.0/1',
      })),
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_lower'],
  },
  {
    name: 'net-sg-postgres-ipv6',
    class: 'ranges',
    expect: ['high network.sg-open-to-world aws_security_group_rule.batch_postgres'],
    description: 'an aws_security_group_rule opens PostgreSQL (5432) to ::/0',
    mutate: (c) =>
      (c.resource.aws_security_group_rule.batch_postgres = {
        type: 'ingress',
        security_group_id: '${aws_security_group.batch.id}',
        protocol: 'tcp',
        from_port: 5432,
        to_port: 5432,
        ipv6_cidr_blocks: ['::/0'],
      }),
    changes: ['aws_security_group_rule.batch_postgres'],
  },
  {
    name: 'net-sg-egress-split',
    class: 'ranges',
    expect: ['medium network.sg-open-to-world aws_security_group.legacy'],
    description: 'inline egress to 0.0.0.0/1 and 128.0.0.0/1 on every protocol: egress to the whole internet',
    mutate: (c) =>
      (legacy(c).egress = [
        sgRule({ cidr_blocks: ['10.0.0.0/16'] }),
        sgRule({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/1', '128.0.0.0/1'] }),
      ]),
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-sg-icmp-echo',
    class: 'ranges',
    expect: ['low network.sg-open-to-world aws_vpc_security_group_ingress_rule.endpoints_ping'],
    description: 'ICMP echo (ping) from 0.0.0.0/0: reconnaissance, not a service (low)',
    mutate: (c) =>
      (c.resource.aws_vpc_security_group_ingress_rule.endpoints_ping = endpointsRule({
        ip_protocol: 'icmp',
        from_port: 8,
        to_port: -1,
        cidr_ipv4: '0.0.0.0/0',
      })),
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_ping'],
  },
  {
    name: 'net-sg-icmp-pmtu',
    class: 'ranges',
    expect: ['info network.sg-open-to-world aws_security_group.legacy'],
    benign: true,
    description:
      'benign: ICMP type 3 code 4 (fragmentation needed, path-MTU discovery) from 0.0.0.0/0 is info, not like SSH',
    mutate: (c) =>
      legacy(c).ingress.push(
        sgRule({ protocol: 'icmp', from_port: 3, to_port: 4, cidr_blocks: ['0.0.0.0/0'] }),
      ),
    changes: ['aws_security_group.legacy'],
  },
  {
    name: 'net-nacl-split-ssh',
    class: 'ranges',
    expect: [
      'high network.nacl-open-to-world aws_network_acl.private',
      'high network.nacl-open-to-world aws_network_acl.private',
    ],
    description: 'NACL allows SSH from 0.0.0.0/1 and from 128.0.0.0/1 (the whole IPv4 internet in two rules)',
    mutate: (c) =>
      c.resource.aws_network_acl.private.ingress.push(
        aclRule({ rule_no: 120, cidr_block: '0.0.0.0/1', from_port: 22, to_port: 22 }),
        aclRule({ rule_no: 130, cidr_block: '128.0.0.0/1', from_port: 22, to_port: 22 }),
      ),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-nacl-icmp-pmtu',
    class: 'ranges',
    expect: ['info network.nacl-open-to-world aws_network_acl.private'],
    benign: true,
    description: 'benign: the NACL lets in ICMP type 3 code 4 (path-MTU discovery) from 0.0.0.0/0',
    mutate: (c) =>
      c.resource.aws_network_acl.private.ingress.push(
        aclRule({
          rule_no: 80,
          protocol: 'icmp',
          from_port: 0,
          to_port: 0,
          icmp_type: 3,
          icmp_code: 4,
          cidr_block: '0.0.0.0/0',
        }),
      ),
    changes: ['aws_network_acl.private'],
  },
  {
    name: 'net-sg-private-peer',
    class: 'ranges',
    expect: [],
    benign: true,
    description: 'benign: a new ingress rule from another private range (10.20.0.0/16) on 443',
    mutate: (c) =>
      (c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_office = endpointsRule({
        cidr_ipv4: '10.20.0.0/16',
      })),
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_from_office'],
  },
  {
    name: 'net-sg-inline-cidr-unknown',
    class: 'unknown',
    expect: [
      'high review.unknown-until-apply aws_security_group.legacy',
      'info review.unreviewed-types plan',
    ],
    description:
      'the existing legacy group gains an ingress rule from the IPv6 range of a VPC created in the same plan',
    mutate: (c) => {
      c.resource.aws_vpc.peer = { cidr_block: '10.9.0.0/16', assign_generated_ipv6_cidr_block: true };
      legacy(c).ingress.push(sgRule({ ipv6_cidr_blocks: ['${aws_vpc.peer.ipv6_cidr_block}'] }));
    },
    changes: ['aws_vpc.peer', 'aws_security_group.legacy'],
  },
  {
    name: 'net-sg-rule-moved',
    class: 'moves',
    expect: ['medium network.rule-moved aws_vpc_security_group_ingress_rule.endpoints_from_fn'],
    description:
      'the rule letting the function group reach the endpoints on 443 now points at the batch group instead',
    mutate: (c) =>
      (c.resource.aws_vpc_security_group_ingress_rule.endpoints_from_fn.security_group_id =
        '${aws_security_group.batch.id}'),
    changes: ['aws_vpc_security_group_ingress_rule.endpoints_from_fn'],
  },
  {
    name: 'net-flow-log-narrowed',
    class: 'coverage',
    expect: ['medium network.flow-log-narrowed aws_flow_log.vpc'],
    description:
      'the flow log is replaced to record only REJECT traffic (accepted connections go unrecorded)',
    mutate: (c) => (c.resource.aws_flow_log.vpc.traffic_type = 'REJECT'),
    changes: ['aws_flow_log.vpc'],
  },
  {
    name: 'net-flow-log-moved',
    class: 'moves',
    expect: ['medium network.flow-log-removed aws_flow_log.vpc', 'info review.unreviewed-types plan'],
    description: 'the flow log now points at a new VPC: the main VPC is no longer logged',
    mutate: (c) => {
      c.resource.aws_vpc.other = { cidr_block: '10.8.0.0/16' };
      c.resource.aws_flow_log.vpc.vpc_id = '${aws_vpc.other.id}';
    },
    changes: ['aws_vpc.other', 'aws_flow_log.vpc'],
  },
  {
    name: 'net-benign-sg-tags',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: tags on the function security group',
    mutate: (c) => (c.resource.aws_security_group.fn.tags = { Owner: 'platform' }),
    changes: ['aws_security_group.fn'],
  },
];

export const group = {
  name: 'network',
  baseline: networkBaseline,
  cases: [...networkCases, ...rangeCases],
};
