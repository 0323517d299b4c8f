import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultNetworkAcl } from '@cdktf/provider-aws/lib/default-network-acl';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { NetworkAcl } from '@cdktf/provider-aws/lib/network-acl';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { Defaults, LOG_RETENTION_VALUES } from './constants';
import type { EncryptionKey } from './encryption-key';
import { InvalidPropError } from './errors';
import { type AwsService, sid } from './grants';
import { type NaclRuleSpec, privateSubnetNaclRules } from './private/network-acl';
import { carveSubnets, formatIpv4Cidr, networkAddress, parseIpv4Cidr } from './private/network-cidr';
import { NetworkDnsFirewall } from './private/network-dns-firewall';
import { ENDPOINT_SERVICES, endpointServiceName } from './private/network-services';
import { PolicyDocument } from './private/policy-document';

export interface PrivateNetworkProps {
  /**
   * Prefix of the Name tags, the flow-log group (`/vpc/<namePrefix>/flow-logs`) and the flow-log role
   * (`<namePrefix>-vpc-flow-logs`). Letters, digits, `.`, `_` and `-`, at most 40 characters.
   */
  readonly namePrefix: string;
  /**
   * The VPC's IPv4 range, a network address from /16 to /24 (e.g. `10.20.0.0/16`). Each AZ gets a subnet
   * 4 bits longer (a /20 of a /16), carved from the start of the range.
   */
  readonly cidrBlock: string;
  /** Two or more distinct AZ names of `region`, literal (e.g. `['eu-west-1a', 'eu-west-1b']`). */
  readonly availabilityZones: readonly string[];
  /** The account that owns the network: endpoint policies only let this account through. 12 digits. */
  readonly accountId: string;
  /** The provider's region: endpoint service names (`com.amazonaws.<region>.<service>`) and ARNs use it. */
  readonly region: string;
  /**
   * Partition of the ARNs built from configuration (the flow-log role's `aws:SourceArn` condition).
   * @default 'aws'
   */
  readonly partition?: string;
  /** Encrypts the flow-log group; the group is registered in the key policy with `allowLogGroup`. */
  readonly key: EncryptionKey;
  /**
   * Days the flow logs are kept; one of `LOG_RETENTION_VALUES` (finite: never-expire is not offered).
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /** Permissions boundary for the flow-log delivery role. @default undefined */
  readonly permissionsBoundaryArn?: string;
  /**
   * Whether the VPC gets its Route 53 Resolver DNS Firewall (only AWS service names resolve, fail closed).
   *
   * Exists only for emulators that lack the DNS Firewall API (moto answers HTTP 500): `false` leaves the
   * VPC resolver unfiltered. Never set it for a deployment to AWS.
   * @default true
   */
  readonly dnsFirewall?: boolean;
}

/** Extra prefix bits per subnet: a /16 gives /20s (4,091 usable addresses for Lambda ENIs), up to 16 AZs. */
const SUBNET_NEW_BITS = 4;
const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 24;
const MIN_AZS = 2;
const MAX_NAME_PREFIX_LENGTH = 40;
/** Seconds per flow-log record: the shortest interval, so an investigation sees flows within a minute. */
const FLOW_LOG_AGGREGATION_SECONDS = 60;
const FLOW_LOGS_PRINCIPAL = 'vpc-flow-logs.amazonaws.com';

/**
 * A private VPC for Lambda functions: one subnet per AZ with no route to the internet (no internet
 * gateway, no NAT), a network ACL on every subnet, the default security group and default network ACL
 * emptied, VPC flow logs to a KMS-encrypted log group, and VPC endpoints — each with an endpoint policy
 * that admits only this account — created for exactly the services the functions use.
 *
 * @example
 * ```ts
 * const key = new EncryptionKey(this, 'key', { alias: 'app-dev', accountId, region });
 * const network = new PrivateNetwork(this, 'network', {
 *   namePrefix: 'app-dev',
 *   cidrBlock: '10.20.0.0/16',
 *   availabilityZones: ['eu-west-1a', 'eu-west-1b'],
 *   accountId,
 *   region,
 *   key,
 * });
 * network.useService('kms');
 * network.allowFrom(functionSecurityGroup.id, 'billing');
 * ```
 */
export class PrivateNetwork extends Construct {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly privateSubnetIds: string[];
  /** The private route tables, one per subnet; the S3 gateway endpoint adds its route to them. */
  readonly routeTableIds: readonly string[];
  /** Name of the flow-log group (`/vpc/<namePrefix>/flow-logs`). */
  readonly flowLogGroupName: string;

  readonly #namePrefix: string;
  readonly #accountId: string;
  readonly #region: string;
  readonly #endpoints = new Map<AwsService, VpcEndpoint>();
  #endpointSecurityGroup: SecurityGroup | undefined;
  /** Function security group id → label, and label → id: one ingress rule per group, labels unique. */
  readonly #ingressBySecurityGroup = new Map<string, string>();
  readonly #ingressByLabel = new Map<string, string>();

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const valid = this.#validate(props);
    this.#namePrefix = props.namePrefix;
    this.#accountId = props.accountId;
    this.#region = props.region;
    this.cidrBlock = props.cidrBlock;

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      // Both are needed for interface endpoints' private DNS names to resolve to their ENIs.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: this.#name('vpc'),
    });
    this.vpcId = vpc.id;
    if (props.dnsFirewall ?? true) {
      new NetworkDnsFirewall(this, 'dns-firewall', { namePrefix: props.namePrefix, vpcId: vpc.id });
    }

    // Adopting the default security group removes all its rules; `[]` keeps them removed on every apply
    // (omitted, the attributes would be computed and a rule added out of band would go unnoticed).
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: this.#name('default-unused'),
    });
    // No rules: deny everything. No subnet uses it (each has the NACL below). subnet_ids is ignored
    // because subnets sit on the default NACL briefly between their creation and their association,
    // and the provider cannot "remove" a subnet from the default NACL.
    new DefaultNetworkAcl(this, 'default-network-acl', {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      tags: this.#name('default-unused'),
      lifecycle: { ignoreChanges: ['subnet_ids'] },
    });

    const subnetIds: string[] = [];
    const routeTableIds: string[] = [];
    valid.availabilityZones.forEach((az, index) => {
      const subnet = new Subnet(this, `private-subnet-${index}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: valid.subnetCidrs[index]!,
        mapPublicIpOnLaunch: false,
        tags: this.#name(`private-${az}`),
      });
      // Explicit `[]` (not omitted): Terraform then removes any route added outside this stack, such as
      // a default route to an internet or NAT gateway. Gateway-endpoint routes are managed by the endpoint.
      const routeTable = new RouteTable(this, `private-route-table-${index}`, {
        vpcId: vpc.id,
        route: [],
        tags: this.#name(`private-${az}`),
      });
      new RouteTableAssociation(this, `private-route-table-association-${index}`, {
        subnetId: subnet.id,
        routeTableId: routeTable.id,
      });
      subnetIds.push(subnet.id);
      routeTableIds.push(routeTable.id);
    });
    this.privateSubnetIds = subnetIds;
    this.routeTableIds = routeTableIds;

    // Inline rules and subnet_ids rather than aws_network_acl_rule / aws_network_acl_association: the
    // NACL is then the single owner of its table (out-of-band rules are removed on apply) and scanners
    // can see that the RDP deny precedes the ephemeral allow.
    const rules = privateSubnetNaclRules(props.cidrBlock, Defaults.HTTPS_PORT);
    const toEntry = (rule: NaclRuleSpec) => ({
      ruleNo: rule.ruleNumber,
      action: rule.action,
      protocol: 'tcp',
      cidrBlock: rule.cidrBlock,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
    });
    new NetworkAcl(this, 'network-acl', {
      vpcId: vpc.id,
      subnetIds: [...subnetIds],
      ingress: rules.filter((r) => !r.egress).map(toEntry),
      egress: rules.filter((r) => r.egress).map(toEntry),
      tags: this.#name('private'),
    });

    this.flowLogGroupName = this.#flowLogs(props, vpc, valid.retentionDays, valid.partition);
  }

  /**
   * The S3 gateway endpoint's prefix list id, for a function security group's egress rule. A resource
   * attribute, not a data source, so plan stays offline. Reading it creates the S3 endpoint (idempotent):
   * a rule towards S3 is useless without it.
   */
  get s3PrefixListId(): string {
    this.useService('s3');
    return this.#endpoints.get('s3')!.prefixListId;
  }

  /**
   * The interface endpoints' security group, for function security groups' egress rules. Created on
   * first use (an interface endpoint, `allowFrom`, or reading this), so a network with only the S3
   * gateway endpoint has no unattached security group.
   */
  get endpointSecurityGroupId(): string {
    if (!this.#endpointSecurityGroup) {
      // No egress rules: interface endpoints only answer, and security groups are stateful. The
      // provider revokes AWS's default allow-all egress rule when it creates the group. Ingress comes
      // only from allowFrom, by security group reference.
      this.#endpointSecurityGroup = new SecurityGroup(this, 'endpoint-security-group', {
        name: `${this.#namePrefix}-vpc-endpoints`,
        description: `VPC interface endpoints of ${this.#namePrefix}: HTTPS in from function security groups only`,
        vpcId: this.vpcId,
        tags: this.#name('vpc-endpoints'),
      });
    }
    return this.#endpointSecurityGroup.id;
  }

  /** Services with endpoints so far, in the order they were first used. */
  get services(): readonly AwsService[] {
    return [...this.#endpoints.keys()];
  }

  /**
   * Creates the VPC endpoint for a service the first time a function uses it; later calls do nothing.
   * `s3` gets a gateway endpoint on the private route tables; the others an interface endpoint with
   * private DNS in every private subnet, behind the endpoint security group. Each endpoint policy lets
   * only principals of this account reach resources of this account.
   */
  useService(service: AwsService): void {
    if (this.#endpoints.has(service)) return;
    const spec = ENDPOINT_SERVICES[service];
    if (!spec) {
      throw new InvalidPropError(
        this.node.path,
        'service',
        `${JSON.stringify(service)} has no VPC endpoint here. Use one of: ${Object.keys(ENDPOINT_SERVICES).join(', ')}.`,
      );
    }
    const policy = new PolicyDocument(this, `endpoint-${service}-policy`);
    policy.add({
      sid: sid('ThisAccountOnly', service),
      // Principal "*" and Resource "*" are narrowed by the two account conditions; the callers' own
      // IAM policies still decide what they may do. This only stops data leaving to, or coming from,
      // other accounts through the endpoint.
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: [`${spec.iamPrefix}:*`],
      resources: ['*'],
      conditions: [
        { test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [this.#accountId] },
        { test: 'StringEquals', variable: 'aws:ResourceAccount', values: [this.#accountId] },
      ],
    });
    if (spec.resourcelessActions?.length) {
      policy.add({
        sid: sid('ThisAccountsPrincipals', service),
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: [...spec.resourcelessActions],
        resources: ['*'],
        conditions: [{ test: 'StringEquals', variable: 'aws:PrincipalAccount', values: [this.#accountId] }],
      });
    }
    const common = {
      vpcId: this.vpcId,
      serviceName: endpointServiceName(this.#region, service),
      vpcEndpointType: spec.type,
      policy: policy.json,
      tags: this.#name(`endpoint-${service}`),
    };
    const endpoint =
      spec.type === 'Gateway'
        ? new VpcEndpoint(this, `endpoint-${service}`, { ...common, routeTableIds: [...this.routeTableIds] })
        : new VpcEndpoint(this, `endpoint-${service}`, {
            ...common,
            privateDnsEnabled: true,
            subnetIds: [...this.privateSubnetIds],
            securityGroupIds: [this.endpointSecurityGroupId],
          });
    this.#endpoints.set(service, endpoint);
  }

  /**
   * Lets one function security group reach the interface endpoints: ingress on 443 to the endpoint
   * security group, referencing that group (not a CIDR). Idempotent per security group; `label` names
   * the rule (letters, digits, `_`, `-`) and must be unique per security group.
   */
  allowFrom(functionSecurityGroupId: string, label: string): void {
    // Each read of a resource attribute is a new token string: key by what it resolves to
    // (`${aws_security_group.x.id}`), which is the same for every read of the same attribute.
    const key = String(
      Tokenization.resolve(functionSecurityGroupId, {
        scope: this,
        resolver: new DefaultTokenResolver(new StringConcat()),
      }),
    );
    if (this.#ingressBySecurityGroup.has(key)) return;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(label)) {
      throw new InvalidPropError(
        this.node.path,
        'label',
        `${JSON.stringify(label)}: use 1 to 64 letters, digits, "_" or "-" (it names the ingress rule).`,
      );
    }
    if (this.#ingressByLabel.has(label)) {
      throw new InvalidPropError(
        this.node.path,
        'label',
        `"${label}" already names the rule of another security group. Give each function its own label.`,
      );
    }
    new VpcSecurityGroupIngressRule(this, `endpoint-ingress-${label}`, {
      securityGroupId: this.endpointSecurityGroupId,
      referencedSecurityGroupId: functionSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: Defaults.HTTPS_PORT,
      toPort: Defaults.HTTPS_PORT,
      description: `HTTPS from the ${label} function security group to the VPC endpoints`,
      tags: this.#name(`endpoints-from-${label}`),
    });
    this.#ingressBySecurityGroup.set(key, label);
    this.#ingressByLabel.set(label, key);
  }

  #flowLogs(props: PrivateNetworkProps, vpc: Vpc, retentionDays: number, partition: string): string {
    const logGroupName = `/vpc/${props.namePrefix}/flow-logs`;
    // From configuration, not `logGroup.arn`: the key policy must not depend on a resource that
    // depends on the key, and the role policy then does not wait for the log group either.
    const logGroupArn = props.key.allowLogGroup(logGroupName);
    const logGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: logGroupName,
      retentionInDays: retentionDays,
      kmsKeyId: props.key.keyArn,
      tags: this.#name('flow-logs'),
    });

    const trust = new PolicyDocument(this, 'flow-log-trust');
    trust.add({
      sid: 'VpcFlowLogsForThisAccount',
      principals: [{ type: 'Service', identifiers: [FLOW_LOGS_PRINCIPAL] }],
      actions: ['sts:AssumeRole'],
      // A trust policy has no Resource element.
      resources: [],
      // Confused-deputy guard: only flow logs of this account may assume the role.
      conditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
        {
          test: 'ArnLike',
          variable: 'aws:SourceArn',
          values: [`arn:${partition}:ec2:${props.region}:${props.accountId}:vpc-flow-log/*`],
        },
      ],
    });
    const role = new IamRole(this, 'flow-log-role', {
      name: `${props.namePrefix}-vpc-flow-logs`,
      description: `Delivers the VPC flow logs of ${props.namePrefix} to ${logGroupName}`,
      assumeRolePolicy: trust.json,
      tags: this.#name('vpc-flow-logs'),
      ...(props.permissionsBoundaryArn ? { permissionsBoundary: props.permissionsBoundaryArn } : {}),
    });
    const permissions = new PolicyDocument(this, 'flow-log-permissions');
    permissions.add({
      sid: 'DeliverToTheFlowLogGroupOnly',
      // The log group exists (created above), so no logs:CreateLogGroup / DescribeLogGroups.
      actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
      resources: [`${logGroupArn}:*`, `${logGroupArn}:log-stream:*`],
    });
    const rolePolicy = new IamRolePolicy(this, 'flow-log-role-policy', {
      name: 'deliver-vpc-flow-logs',
      role: role.name,
      policy: permissions.json,
    });

    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
      tags: this.#name('vpc'),
      // The first deliveries fail (and are dropped) if the role has no permissions yet.
      dependsOn: [rolePolicy],
    });
    return logGroupName;
  }

  #name(suffix: string): Record<string, string> {
    return { Name: `${this.#namePrefix}-${suffix}` };
  }

  #validate(props: PrivateNetworkProps): {
    availabilityZones: readonly string[];
    subnetCidrs: readonly string[];
    retentionDays: number;
    partition: string;
  } {
    const path = this.node.path;
    if (
      props.namePrefix.length > MAX_NAME_PREFIX_LENGTH ||
      !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(props.namePrefix) ||
      props.namePrefix.startsWith('sg-')
    ) {
      throw new InvalidPropError(
        path,
        'namePrefix',
        `${JSON.stringify(props.namePrefix)}: use 1 to ${MAX_NAME_PREFIX_LENGTH} letters, digits, ".", "_" or "-", starting with a letter or digit and not with "sg-" (it names the log group, IAM role and security group).`,
      );
    }

    const cidr = parseIpv4Cidr(props.cidrBlock);
    if (!cidr || cidr.prefix < MIN_VPC_PREFIX || cidr.prefix > MAX_VPC_PREFIX) {
      throw new InvalidPropError(
        path,
        'cidrBlock',
        `${JSON.stringify(props.cidrBlock)} is not an IPv4 CIDR from /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}. Use a private range such as "10.20.0.0/16".`,
      );
    }
    const network = networkAddress(cidr);
    if (network.network !== cidr.network) {
      throw new InvalidPropError(
        path,
        'cidrBlock',
        `${props.cidrBlock} has host bits set. Use the network address "${formatIpv4Cidr(network)}".`,
      );
    }

    if (!/^\d{12}$/.test(props.accountId)) {
      throw new InvalidPropError(
        path,
        'accountId',
        `${JSON.stringify(props.accountId)} is not a 12-digit account id. Pass the account id as a string of 12 digits.`,
      );
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      throw new InvalidPropError(
        path,
        'region',
        `${JSON.stringify(props.region)} is not a region name. Use a name like "eu-west-1".`,
      );
    }
    const azs = props.availabilityZones;
    if (azs.length < MIN_AZS) {
      throw new InvalidPropError(
        path,
        'availabilityZones',
        `${azs.length} given. List at least ${MIN_AZS} availability zones of ${props.region}, so functions survive an AZ outage.`,
      );
    }
    const duplicates = azs.filter((az, i) => azs.indexOf(az) !== i);
    if (duplicates.length > 0) {
      throw new InvalidPropError(
        path,
        'availabilityZones',
        `${[...new Set(duplicates)].join(', ')} listed more than once. List each availability zone once.`,
      );
    }
    const maxSubnets = 2 ** SUBNET_NEW_BITS;
    if (azs.length > maxSubnets) {
      throw new InvalidPropError(
        path,
        'availabilityZones',
        `${azs.length} given, but the CIDR is split into at most ${maxSubnets} subnets. List ${maxSubnets} or fewer.`,
      );
    }
    const foreign = azs.filter((az) => !az.startsWith(props.region));
    if (foreign.length > 0) {
      throw new InvalidPropError(
        path,
        'availabilityZones',
        `${foreign.join(', ')} not in region ${props.region}. Use zone names of that region, like "${props.region}a".`,
      );
    }

    const partition = props.partition ?? Defaults.PARTITION;
    if (!/^aws(-[a-z]+)*$/.test(partition)) {
      throw new InvalidPropError(
        path,
        'partition',
        `${JSON.stringify(partition)} is not a partition. Use "aws", "aws-us-gov" or "aws-cn".`,
      );
    }

    const retentionDays = props.flowLogRetentionDays ?? Defaults.LOG_RETENTION_DAYS;
    if (!(LOG_RETENTION_VALUES as readonly number[]).includes(retentionDays)) {
      throw new InvalidPropError(
        path,
        'flowLogRetentionDays',
        `${retentionDays} is not a CloudWatch Logs retention. Use one of ${LOG_RETENTION_VALUES.join(', ')} (e.g. 365).`,
      );
    }

    return {
      availabilityZones: azs,
      subnetCidrs: carveSubnets(cidr, SUBNET_NEW_BITS, azs.length),
      retentionDays,
      partition,
    };
  }
}
