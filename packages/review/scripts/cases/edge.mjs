/**
 * The edge fixture group: how a VPC reaches the outside — internet and NAT gateways, route tables and their
 * associations, peering, and a managed prefix list that a security-group rule trusts. Also a world-open
 * HTTPS rule of a web security group, for moves.
 */
import { REGION } from './shared.mjs';

const sg = (name) => ({ name: `review-edge-${name}`, description: name, vpc_id: '${aws_vpc.main.id}' });
const route = (table, overrides) => ({ route_table_id: `\${aws_route_table.${table}.id}`, ...overrides });

const edgeBaseline = () => ({
  resource: {
    aws_vpc: { main: { cidr_block: '10.2.0.0/16' }, peer: { cidr_block: '10.3.0.0/16' } },
    aws_subnet: {
      private: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.2.1.0/24', availability_zone: `${REGION}a` },
      public: { vpc_id: '${aws_vpc.main.id}', cidr_block: '10.2.2.0/24', availability_zone: `${REGION}a` },
    },
    aws_internet_gateway: { main: { vpc_id: '${aws_vpc.main.id}' } },
    aws_route_table: { public: { vpc_id: '${aws_vpc.main.id}' }, private: { vpc_id: '${aws_vpc.main.id}' } },
    aws_route: {
      public_default: route('public', {
        destination_cidr_block: '0.0.0.0/0',
        gateway_id: '${aws_internet_gateway.main.id}',
      }),
    },
    aws_route_table_association: {
      private: { subnet_id: '${aws_subnet.private.id}', route_table_id: '${aws_route_table.private.id}' },
      public: { subnet_id: '${aws_subnet.public.id}', route_table_id: '${aws_route_table.public.id}' },
    },
    aws_ec2_managed_prefix_list: {
      partners: {
        name: 'review-partners',
        address_family: 'IPv4',
        max_entries: 5,
        entry: [{ cidr: '10.50.0.0/16', description: 'partner network' }],
      },
    },
    aws_security_group: { app: sg('app'), web: sg('web'), db: sg('db') },
    aws_vpc_security_group_ingress_rule: {
      app_from_partners: {
        security_group_id: '${aws_security_group.app.id}',
        prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
      web_https: {
        security_group_id: '${aws_security_group.web.id}',
        cidr_ipv4: '0.0.0.0/0',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      },
    },
  },
});

const partners = (c) => c.resource.aws_ec2_managed_prefix_list.partners;
const PREFIX_LIST_WORLD = [
  'high network.prefix-list-widened aws_ec2_managed_prefix_list.partners',
  'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.app_from_partners',
];

const edgeCases = [
  {
    name: 'edge-route-igw',
    class: 'coverage',
    expect: ['high network.route-to-internet aws_route.private_default'],
    description: 'the private route table gets a default route to the internet gateway',
    mutate: (c) =>
      (c.resource.aws_route.private_default = route('private', {
        destination_cidr_block: '0.0.0.0/0',
        gateway_id: '${aws_internet_gateway.main.id}',
      })),
    changes: ['aws_route.private_default'],
  },
  {
    name: 'edge-route-igw-ipv6',
    class: 'ranges',
    expect: ['high network.route-to-internet aws_route.private_default6'],
    description: 'the private route table gets a ::/0 route (written 0::/0) to the internet gateway',
    mutate: (c) =>
      (c.resource.aws_route.private_default6 = route('private', {
        destination_ipv6_cidr_block: '0::/0',
        gateway_id: '${aws_internet_gateway.main.id}',
      })),
    changes: ['aws_route.private_default6'],
  },
  {
    name: 'edge-route-nat',
    class: 'coverage',
    expect: [
      'medium network.gateway-added aws_nat_gateway.nat',
      'medium network.route-to-internet aws_route.private_default',
      'info review.unreviewed-types plan',
    ],
    description: 'a NAT gateway (with its Elastic IP) and a default route to it from the private route table',
    mutate: (c) => {
      c.resource.aws_eip = { nat: { domain: 'vpc' } };
      c.resource.aws_nat_gateway = {
        nat: { allocation_id: '${aws_eip.nat.id}', subnet_id: '${aws_subnet.public.id}' },
      };
      c.resource.aws_route.private_default = route('private', {
        destination_cidr_block: '0.0.0.0/0',
        nat_gateway_id: '${aws_nat_gateway.nat.id}',
      });
    },
    changes: ['aws_eip.nat', 'aws_nat_gateway.nat', 'aws_route.private_default'],
  },
  {
    name: 'edge-association-moved',
    class: 'moves',
    expect: ['high network.route-to-internet aws_route_table_association.private'],
    description:
      'the private subnet is associated with the public route table instead (which routes to the internet gateway)',
    mutate: (c) =>
      (c.resource.aws_route_table_association.private.route_table_id = '${aws_route_table.public.id}'),
    changes: ['aws_route_table_association.private'],
  },
  {
    name: 'edge-peering-added',
    class: 'coverage',
    expect: ['medium network.peering-added aws_vpc_peering_connection.peer'],
    description: 'the VPC is peered with another VPC of the account',
    mutate: (c) =>
      (c.resource.aws_vpc_peering_connection = {
        peer: { vpc_id: '${aws_vpc.main.id}', peer_vpc_id: '${aws_vpc.peer.id}', auto_accept: true },
      }),
    changes: ['aws_vpc_peering_connection.peer'],
  },
  {
    name: 'edge-peering-foreign',
    class: 'coverage',
    expect: ['high network.peering-added aws_vpc_peering_connection.partner'],
    description: 'the VPC requests peering with a VPC of another account',
    mutate: (c) =>
      (c.resource.aws_vpc_peering_connection = {
        partner: {
          vpc_id: '${aws_vpc.main.id}',
          peer_vpc_id: 'vpc-0a1b2c3d4e5f67890',
          peer_owner_id: '999999999999',
        },
      }),
    changes: ['aws_vpc_peering_connection.partner'],
  },
  {
    name: 'edge-prefix-list-world',
    class: 'ranges',
    expect: PREFIX_LIST_WORLD,
    description:
      'the partners prefix list gains 0.0.0.0/0: the ingress rule that trusts it now admits the internet',
    mutate: (c) => partners(c).entry.push({ cidr: '0.0.0.0/0', description: 'temporary' }),
    changes: ['aws_ec2_managed_prefix_list.partners'],
  },
  {
    name: 'edge-prefix-list-split',
    class: 'ranges',
    expect: PREFIX_LIST_WORLD,
    description:
      'the partners prefix list gains 0.0.0.0/1 and 128.0.0.0/1 (together the whole IPv4 internet)',
    mutate: (c) =>
      partners(c).entry.push(
        { cidr: '0.0.0.0/1', description: 'lower half' },
        { cidr: '128.0.0.0/1', description: 'upper half' },
      ),
    changes: ['aws_ec2_managed_prefix_list.partners'],
  },
  {
    name: 'edge-prefix-list-entry-world',
    class: 'ranges',
    expect: [
      'high network.prefix-list-widened aws_ec2_managed_prefix_list_entry.everyone',
      'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.app_from_partners',
    ],
    description: 'an aws_ec2_managed_prefix_list_entry adds 0.0.0.0/0 to the partners list',
    mutate: (c) =>
      (c.resource.aws_ec2_managed_prefix_list_entry = {
        everyone: { prefix_list_id: '${aws_ec2_managed_prefix_list.partners.id}', cidr: '0.0.0.0/0' },
      }),
    changes: ['aws_ec2_managed_prefix_list_entry.everyone'],
  },
  {
    name: 'edge-prefix-list-private',
    class: 'ranges',
    expect: ['low network.prefix-list-widened aws_ec2_managed_prefix_list.partners'],
    description: 'the partners prefix list gains another private range (shown, not failing)',
    mutate: (c) => partners(c).entry.push({ cidr: '10.60.0.0/16', description: 'second partner' }),
    changes: ['aws_ec2_managed_prefix_list.partners'],
  },
  {
    name: 'edge-sg-world-moved',
    class: 'moves',
    expect: [
      'high network.sg-open-to-world aws_vpc_security_group_ingress_rule.web_https',
      'medium network.rule-moved aws_vpc_security_group_ingress_rule.web_https',
    ],
    description:
      'the world-open HTTPS rule of the web security group is moved to the database security group',
    mutate: (c) =>
      (c.resource.aws_vpc_security_group_ingress_rule.web_https.security_group_id =
        '${aws_security_group.db.id}'),
    changes: ['aws_vpc_security_group_ingress_rule.web_https'],
  },
  {
    name: 'edge-benign-route-table-tags',
    class: 'coverage',
    expect: [],
    benign: true,
    description: 'benign: tags on the private route table',
    mutate: (c) => (c.resource.aws_route_table.private.tags = { Name: 'review-private' }),
    changes: ['aws_route_table.private'],
  },
  {
    name: 'edge-benign-prefix-list-size',
    class: 'ranges',
    expect: [],
    benign: true,
    description: 'benign: the partners prefix list may hold more entries (max_entries 5 -> 8)',
    mutate: (c) => (partners(c).max_entries = 8),
    changes: ['aws_ec2_managed_prefix_list.partners'],
  },
];

export const group = { name: 'edge', baseline: edgeBaseline, cases: edgeCases };
