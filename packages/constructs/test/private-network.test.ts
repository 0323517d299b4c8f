import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Route53ResolverFirewallConfig } from '@cdktf/provider-aws/lib/route53-resolver-firewall-config';
import { Route53ResolverFirewallDomainList } from '@cdktf/provider-aws/lib/route53-resolver-firewall-domain-list';
import { Route53ResolverFirewallRule } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule';
import { Route53ResolverFirewallRuleGroupAssociation } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import { EncryptionKey, InvalidPropError } from '../src';
import { PrivateNetwork, type PrivateNetworkProps } from '../src/private-network';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

type Block = Record<string, unknown>;
interface Synthesized {
  resource: Record<string, Record<string, Block>>;
  data: { aws_iam_policy_document: Record<string, { statement: Block[] }> };
}

function synth(
  build: (stack: TerraformStack, network: PrivateNetwork) => void = () => {},
  props: Partial<PrivateNetworkProps> = {},
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const key = new EncryptionKey(stack, 'key', { alias: 'net-test', accountId: ACCOUNT, region: REGION });
  const network = new PrivateNetwork(stack, 'network', {
    namePrefix: 'net-test',
    cidrBlock: '10.20.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    accountId: ACCOUNT,
    region: REGION,
    key,
    ...props,
  });
  build(stack, network);
  const out = Testing.synth(stack);
  return { out, json: JSON.parse(out) as Synthesized };
}

/** All resources of one type, keyed by their synthesized logical id. */
function resources(json: Synthesized, type: string): Record<string, Block> {
  return json.resource[type] ?? {};
}

function list(json: Synthesized, type: string): Block[] {
  return Object.values(resources(json, type));
}

/** `${aws_subnet.<id>.id}` for every resource of a type: what references to them look like. */
function refs(json: Synthesized, type: string, attribute = 'id'): string[] {
  return Object.keys(resources(json, type)).map((id) => `\${${type}.${id}.${attribute}}`);
}

/** The statements of the policy document a resource attribute points at (`${data...json}`). */
function policyOf(json: Synthesized, reference: unknown): Block[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference));
  expect(match).not.toBeNull();
  return json.data.aws_iam_policy_document[match![1]!]!.statement;
}

function buildError(props: Partial<PrivateNetworkProps>): unknown {
  try {
    synth(() => {}, props);
  } catch (error) {
    return error;
  }
  throw new Error('expected the construct to reject the props');
}

describe('PrivateNetwork', () => {
  test('a VPC with DNS support and hostnames, and one private subnet per AZ', () => {
    const { out, json } = synth();
    expect(out).toHaveResourceWithProperties(Vpc, {
      cidr_block: '10.20.0.0/16',
      enable_dns_support: true,
      enable_dns_hostnames: true,
    });
    const subnets = list(json, 'aws_subnet');
    expect(subnets.map((s) => [s.availability_zone, s.cidr_block])).toEqual([
      ['eu-west-1a', '10.20.0.0/20'],
      ['eu-west-1b', '10.20.16.0/20'],
    ]);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  test('no internet path at all: no gateways, no routes, one empty route table per subnet', () => {
    const { json } = synth((_, network) => {
      for (const service of ['s3', 'kms', 'logs'] as const) network.useService(service);
    });
    for (const type of [
      'aws_internet_gateway',
      'aws_egress_only_internet_gateway',
      'aws_nat_gateway',
      'aws_eip',
      'aws_route',
      'aws_default_route_table',
    ]) {
      expect(resources(json, type)).toEqual({});
    }
    const routeTables = list(json, 'aws_route_table');
    expect(routeTables).toHaveLength(2);
    for (const table of routeTables) expect(table.route).toEqual([]);
    const associations = list(json, 'aws_route_table_association');
    expect(associations.map((a) => a.subnet_id).sort()).toEqual(refs(json, 'aws_subnet').sort());
    expect(associations.map((a) => a.route_table_id).sort()).toEqual(refs(json, 'aws_route_table').sort());
  });

  test('the default security group and the default network ACL are emptied', () => {
    const { out, json } = synth();
    expect(out).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
    const [defaultAcl] = list(json, 'aws_default_network_acl');
    expect(defaultAcl).toBeDefined();
    expect(defaultAcl!.ingress).toBeUndefined();
    expect(defaultAcl!.egress).toBeUndefined();
    expect(defaultAcl!.subnet_ids).toBeUndefined();
  });

  test('every subnet has the NACL; RDP is denied before the ephemeral allow; no rule starts at port 0', () => {
    const { json } = synth((_, network) => network.useService('s3'), {
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    const acls = list(json, 'aws_network_acl');
    expect(acls).toHaveLength(1);
    const acl = acls[0]!;
    expect((acl.subnet_ids as string[]).sort()).toEqual(refs(json, 'aws_subnet').sort());
    // Inline rules only: separate rule/association resources would fight the inline table.
    expect(resources(json, 'aws_network_acl_rule')).toEqual({});
    expect(resources(json, 'aws_network_acl_association')).toEqual({});

    const rules: Block[] = [
      ...(acl.ingress as Block[]).map((r) => ({ ...r, egress: false })),
      ...(acl.egress as Block[]).map((r) => ({ ...r, egress: true })),
    ];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.protocol).toBe('tcp');
      expect(rule.from_port).not.toBe(0);
      expect(Number(rule.from_port)).toBeGreaterThanOrEqual(443);
    }
    // Every allow from anywhere whose range holds 3389 comes after a deny of 3389 in the same direction.
    const rdpAllows = rules.filter(
      (r) =>
        r.action === 'allow' &&
        r.cidr_block === '0.0.0.0/0' &&
        Number(r.from_port) <= 3389 &&
        Number(r.to_port) >= 3389 &&
        r.egress === false,
    );
    expect(rdpAllows).toHaveLength(1);
    for (const allow of rdpAllows) {
      const deny = rules.find(
        (r) =>
          r.action === 'deny' &&
          r.egress === allow.egress &&
          r.cidr_block === '0.0.0.0/0' &&
          r.from_port === 3389 &&
          r.to_port === 3389,
      );
      expect(deny).toBeDefined();
      expect(Number(deny!.rule_no)).toBeLessThan(Number(allow.rule_no));
    }
    expect(rules.map((r) => [r.egress, r.action, r.cidr_block, r.from_port, r.to_port])).toEqual(
      expect.arrayContaining([
        [false, 'allow', '10.20.0.0/16', 443, 443],
        [true, 'allow', '0.0.0.0/0', 443, 443],
        [true, 'allow', '10.20.0.0/16', 1024, 65535],
      ]),
    );
  });

  test('useService is idempotent: two calls make one endpoint', () => {
    let services: readonly string[] = [];
    const { json } = synth((_, network) => {
      network.useService('kms');
      network.useService('kms');
      services = network.services;
    });
    expect(list(json, 'aws_vpc_endpoint')).toHaveLength(1);
    expect(services).toEqual(['kms']);
  });

  test('no endpoint, and no endpoint security group, until a service needs one', () => {
    const { json } = synth();
    expect(resources(json, 'aws_vpc_endpoint')).toEqual({});
    expect(resources(json, 'aws_security_group')).toEqual({});
    const s3Only = synth((_, network) => network.useService('s3')).json;
    expect(resources(s3Only, 'aws_security_group')).toEqual({});
  });

  test('s3 is a gateway endpoint on the private route tables; reading the prefix list creates it', () => {
    let prefixListId = '';
    const { out, json } = synth((stack, network) => {
      prefixListId = String(
        Tokenization.resolve(network.s3PrefixListId, {
          scope: stack,
          resolver: new DefaultTokenResolver(new StringConcat()),
        }),
      );
      network.useService('s3');
    });
    const endpoints = resources(json, 'aws_vpc_endpoint');
    const [id, s3] = Object.entries(endpoints)[0]!;
    expect(Object.keys(endpoints)).toHaveLength(1);
    expect(out).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: 'com.amazonaws.eu-west-1.s3',
      vpc_endpoint_type: 'Gateway',
    });
    expect((s3.route_table_ids as string[]).sort()).toEqual(refs(json, 'aws_route_table').sort());
    expect(s3.subnet_ids).toBeUndefined();
    expect(prefixListId).toBe(`\${aws_vpc_endpoint.${id}.prefix_list_id}`);
  });

  test('interface endpoints: private DNS, every subnet, the endpoint SG, a policy for this account only', () => {
    const { json } = synth((_, network) => {
      for (const service of ['kms', 'logs', 'monitoring', 's3'] as const) network.useService(service);
    });
    const [sgId] = Object.keys(resources(json, 'aws_security_group'));
    const interfaces = list(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name)).toEqual([
      'com.amazonaws.eu-west-1.kms',
      'com.amazonaws.eu-west-1.logs',
      'com.amazonaws.eu-west-1.monitoring',
    ]);
    const prefixes = ['kms', 'logs', 'cloudwatch'];
    interfaces.forEach((endpoint, i) => {
      expect(endpoint.private_dns_enabled).toBe(true);
      expect((endpoint.subnet_ids as string[]).sort()).toEqual(refs(json, 'aws_subnet').sort());
      expect(endpoint.security_group_ids).toEqual([`\${aws_security_group.${sgId}.id}`]);
      expect(policyOf(json, endpoint.policy)).toEqual([
        expect.objectContaining({
          effect: 'Allow',
          actions: [`${prefixes[i]}:*`],
          resources: ['*'],
          principals: [{ type: '*', identifiers: ['*'] }],
          condition: [
            { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [ACCOUNT] },
            { test: 'StringEquals', variable: 'aws:ResourceAccount', values: [ACCOUNT] },
          ],
        }),
      ]);
    });
    const s3 = list(json, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Gateway')!;
    expect(policyOf(json, s3.policy)[0]).toMatchObject({
      actions: ['s3:*'],
      condition: [
        { variable: 'aws:PrincipalAccount', values: [ACCOUNT] },
        { variable: 'aws:ResourceAccount', values: [ACCOUNT] },
      ],
    });
  });

  test('secrets: Secrets Manager and SSM get interface endpoints whose policies keep to this account', () => {
    const { json } = synth((_, network) => {
      network.useService('secretsmanager');
      network.useService('ssm');
    });
    const endpoints = list(json, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => [e.service_name, e.vpc_endpoint_type, e.private_dns_enabled])).toEqual([
      ['com.amazonaws.eu-west-1.secretsmanager', 'Interface', true],
      ['com.amazonaws.eu-west-1.ssm', 'Interface', true],
    ]);
    expect(endpoints.map((e) => policyOf(json, e.policy).map((s) => [s.actions, s.condition]))).toEqual(
      ['secretsmanager', 'ssm'].map((prefix) => [
        [
          [`${prefix}:*`],
          [
            { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [ACCOUNT] },
            { test: 'StringEquals', variable: 'aws:ResourceAccount', values: [ACCOUNT] },
          ],
        ],
      ]),
    );
  });

  test('the endpoint security group has no inline rules and no egress rule', () => {
    const { out, json } = synth((_, network) => network.useService('kms'));
    expect(out).toHaveResourceWithProperties(SecurityGroup, { name: 'net-test-vpc-endpoints' });
    const [sg] = list(json, 'aws_security_group');
    expect(sg!.description).toEqual(expect.any(String));
    expect(sg!.ingress).toBeUndefined();
    expect(sg!.egress).toBeUndefined();
    expect(resources(json, 'aws_vpc_security_group_egress_rule')).toEqual({});
    expect(resources(json, 'aws_security_group_rule')).toEqual({});
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual({});
  });

  test('allowFrom adds one 443 ingress rule per function security group', () => {
    const { out, json } = synth((stack, network) => {
      const a = new SecurityGroup(stack, 'fn-a', { description: 'fn a', vpcId: network.vpcId });
      const b = new SecurityGroup(stack, 'fn-b', { description: 'fn b', vpcId: network.vpcId });
      network.allowFrom(a.id, 'fn-a');
      network.allowFrom(a.id, 'fn-a-again');
      network.allowFrom(b.id, 'fn-b');
    });
    const rules = list(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.referenced_security_group_id)).toEqual([
      `\${aws_security_group.fn-a.id}`,
      `\${aws_security_group.fn-b.id}`,
    ]);
    const endpointSg = Object.keys(resources(json, 'aws_security_group')).find((id) =>
      id.startsWith('network'),
    );
    for (const rule of rules) {
      expect(rule).toMatchObject({
        security_group_id: `\${aws_security_group.${endpointSg}.id}`,
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      });
      expect(rule.description).toEqual(expect.stringContaining('HTTPS'));
      for (const other of ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id']) expect(rule[other]).toBeUndefined();
    }
    expect(out).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      description: 'HTTPS from the fn-b function security group to the VPC endpoints',
    });
  });

  test('allowFrom refuses a label already used for another security group', () => {
    expect(() =>
      synth((_, network) => {
        network.allowFrom('sg-0123456789abcdef0', 'fn');
        network.allowFrom('sg-0fedcba9876543210', 'fn');
      }),
    ).toThrow(/stack\/network: invalid label: "fn" already names the rule of another security group/);
  });

  test('flow logs go to a KMS-encrypted log group with finite retention, through a least-privilege role', () => {
    const { out, json } = synth(() => {}, { flowLogRetentionDays: 90 });
    const [keyId] = Object.keys(resources(json, 'aws_kms_key'));
    const [groupId] = Object.keys(resources(json, 'aws_cloudwatch_log_group'));
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/vpc/net-test/flow-logs',
      retention_in_days: 90,
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
    });
    expect(out).toHaveResourceWithProperties(FlowLog, {
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
      log_destination: `\${aws_cloudwatch_log_group.${groupId}.arn}`,
    });
    const [flowLog] = list(json, 'aws_flow_log');
    expect(flowLog!.log_group_name).toBeUndefined();
    expect(flowLog!.depends_on).toEqual(refs(json, 'aws_iam_role_policy').map((r) => r.slice(2, -4)));

    const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/vpc/net-test/flow-logs`;
    const keyPolicy = policyOf(json, resources(json, 'aws_kms_key')[keyId!]!.policy);
    expect(keyPolicy.find((s) => s.sid === 'CloudWatchLogsForRegisteredLogGroups')!.condition).toEqual([
      { test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [arn] },
    ]);

    const [role] = list(json, 'aws_iam_role');
    expect(role!.inline_policy).toBeUndefined();
    expect(role!.managed_policy_arns).toBeUndefined();
    expect(policyOf(json, role!.assume_role_policy)).toEqual([
      expect.objectContaining({
        actions: ['sts:AssumeRole'],
        resources: [],
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: expect.arrayContaining([
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [ACCOUNT] },
        ]),
      }),
    ]);
    const [rolePolicy] = list(json, 'aws_iam_role_policy');
    expect(policyOf(json, rolePolicy!.policy)).toEqual([
      expect.objectContaining({
        effect: 'Allow',
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [`${arn}:*`, `${arn}:log-stream:*`],
      }),
    ]);
  });

  test('flow-log retention defaults to 365 days', () => {
    const { out } = synth();
    expect(out).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 365 });
  });

  test.each([
    [{ availabilityZones: ['eu-west-1a'] }, 'availabilityZones', /List at least 2 availability zones/],
    [
      { availabilityZones: ['eu-west-1a', 'eu-west-1a'] },
      'availabilityZones',
      /List each availability zone once/,
    ],
    [
      { availabilityZones: ['eu-west-1a', 'us-east-1b'] },
      'availabilityZones',
      /Use zone names of that region/,
    ],
    [{ cidrBlock: '10.0.0.0/8' }, 'cidrBlock', /not an IPv4 CIDR from \/16 to \/24\. Use a private range/],
    [{ cidrBlock: '10.0.0.0/25' }, 'cidrBlock', /not an IPv4 CIDR from \/16 to \/24/],
    [{ cidrBlock: '10.300.0.0/16' }, 'cidrBlock', /not an IPv4 CIDR/],
    [{ cidrBlock: 'fd00::/64' }, 'cidrBlock', /not an IPv4 CIDR/],
    [
      { cidrBlock: '10.20.1.0/16' },
      'cidrBlock',
      /host bits set\. Use the network address "10\.20\.0\.0\/16"/,
    ],
    [
      { flowLogRetentionDays: 0 },
      'flowLogRetentionDays',
      /not a CloudWatch Logs retention\. Use one of 1, 3/,
    ],
    [{ flowLogRetentionDays: 100 }, 'flowLogRetentionDays', /not a CloudWatch Logs retention/],
    [{ accountId: '1234' }, 'accountId', /not a 12-digit account id/],
    [{ namePrefix: 'has space' }, 'namePrefix', /use 1 to 40 letters/],
  ])(
    '%j is refused with an InvalidPropError on %s naming stack/network and the fix',
    (props, prop, message) => {
      const error = buildError(props);
      expect(error).toBeInstanceOf(InvalidPropError);
      expect((error as InvalidPropError).constructPath).toBe('stack/network');
      expect((error as InvalidPropError).prop).toBe(prop);
      expect((error as InvalidPropError).message).toMatch(new RegExp(`^stack/network: invalid ${prop}: `));
      expect((error as InvalidPropError).message).toMatch(message);
    },
  );

  test('a /24 still fits one subnet per AZ', () => {
    const { json } = synth(() => {}, { cidrBlock: '192.168.10.0/24' });
    expect(list(json, 'aws_subnet').map((s) => s.cidr_block)).toEqual([
      '192.168.10.0/28',
      '192.168.10.16/28',
    ]);
  });
});

describe('PrivateNetwork DNS firewall', () => {
  test('only AWS service names resolve; everything else is NXDOMAIN; the firewall fails closed', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const key = new EncryptionKey(stack, 'key', {
      alias: 'k',
      accountId: '111111111111',
      region: 'eu-west-1',
    });
    new PrivateNetwork(stack, 'network', {
      namePrefix: 'app-dev',
      cidrBlock: '10.20.0.0/16',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      accountId: '111111111111',
      region: 'eu-west-1',
      key,
    });
    const out = Testing.synth(stack);
    expect(out).toHaveResourceWithProperties(Route53ResolverFirewallDomainList, {
      domains: ['amazonaws.com.', '*.amazonaws.com.'],
    });
    expect(out).toHaveResourceWithProperties(Route53ResolverFirewallRule, { action: 'ALLOW', priority: 100 });
    expect(out).toHaveResourceWithProperties(Route53ResolverFirewallRule, {
      action: 'BLOCK',
      block_response: 'NXDOMAIN',
      priority: 200,
    });
    expect(out).toHaveResourceWithProperties(Route53ResolverFirewallRuleGroupAssociation, {
      mutation_protection: 'ENABLED',
      vpc_id: expect.stringContaining('aws_vpc.'),
    });
    expect(out).toHaveResourceWithProperties(Route53ResolverFirewallConfig, {
      firewall_fail_open: 'DISABLED',
    });
  });
});

describe('PrivateNetwork dnsFirewall (an emulator-only switch)', () => {
  /** Every resource as `type.logicalId`, sorted: what a switch may add or take away. */
  const addresses = (json: Synthesized) =>
    Object.entries(json.resource)
      .flatMap(([type, blocks]) => Object.keys(blocks).map((id) => `${type}.${id}`))
      .sort();
  const FIREWALL_TYPES = [
    'aws_route53_resolver_firewall_config',
    'aws_route53_resolver_firewall_domain_list',
    'aws_route53_resolver_firewall_rule',
    'aws_route53_resolver_firewall_rule_group',
    'aws_route53_resolver_firewall_rule_group_association',
  ];

  test('the default keeps the DNS firewall, exactly as dnsFirewall: true', () => {
    const byDefault = synth().json;
    expect(synth(() => {}, { dnsFirewall: true }).out).toBe(synth().out);
    for (const type of FIREWALL_TYPES) expect(list(byDefault, type).length).toBeGreaterThan(0);
  });

  test('dnsFirewall: false drops the DNS firewall resources and nothing else', () => {
    const withFirewall = addresses(synth().json);
    const without = addresses(synth(() => {}, { dnsFirewall: false }).json);
    const dropped = withFirewall.filter((a) => !without.includes(a));
    expect(without.filter((a) => !withFirewall.includes(a))).toEqual([]);
    expect([...new Set(dropped.map((a) => a.split('.')[0]))].sort()).toEqual(FIREWALL_TYPES);
    expect(dropped.length).toBeGreaterThan(FIREWALL_TYPES.length - 1);
  });
});
