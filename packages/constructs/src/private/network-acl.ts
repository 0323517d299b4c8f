/**
 * The rule table of the private subnets' network ACL, as data: the construct renders it inline on the
 * `aws_network_acl` (so Terraform owns the whole table and removes rules added out of band, and scanners
 * such as checkov see the deny before the allow) and the tests read the synthesized rules back.
 *
 * NACLs are stateless, so every flow needs a rule each way, and they cannot reference prefix lists.
 * Traffic through the S3 gateway endpoint goes to S3's public addresses, which is why 443 out and the
 * ephemeral return ports in are open to 0.0.0.0/0. That is safe only because the subnets have no
 * internet route (no IGW, no NAT): 0.0.0.0/0 here can only mean "S3 via the gateway endpoint" or
 * "inside the VPC". DNS (Route 53 Resolver) and the VPC router are not filtered by NACLs at all.
 */

/** Lowest port of the ephemeral range clients may use (AWS's NACL guidance: 1024-65535). */
export const EPHEMERAL_PORT_FROM = 1024;
export const EPHEMERAL_PORT_TO = 65535;
/** RDP: inside the ephemeral range, so it gets an explicit deny numbered before the range's allow. */
export const RDP_PORT = 3389;
export const ANYWHERE_IPV4 = '0.0.0.0/0';

export interface NaclRuleSpec {
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly action: 'allow' | 'deny';
  readonly cidrBlock: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** Why the rule exists, kept beside it for reviewers. */
  readonly reason: string;
}

export function privateSubnetNaclRules(vpcCidr: string, httpsPort: number): readonly NaclRuleSpec[] {
  return [
    {
      egress: false,
      ruleNumber: 90,
      action: 'deny',
      cidrBlock: ANYWHERE_IPV4,
      fromPort: RDP_PORT,
      toPort: RDP_PORT,
      reason:
        'RDP is inside the ephemeral range allowed below; denied first (rules match lowest number first).',
    },
    {
      egress: false,
      ruleNumber: 100,
      action: 'allow',
      cidrBlock: vpcCidr,
      fromPort: httpsPort,
      toPort: httpsPort,
      reason: 'Functions calling the interface endpoints, whose ENIs sit in these subnets.',
    },
    {
      egress: false,
      ruleNumber: 110,
      action: 'allow',
      cidrBlock: ANYWHERE_IPV4,
      fromPort: EPHEMERAL_PORT_FROM,
      toPort: EPHEMERAL_PORT_TO,
      reason:
        'Responses from S3 (public addresses via the gateway endpoint) and from the interface endpoints.',
    },
    {
      egress: true,
      ruleNumber: 100,
      action: 'allow',
      cidrBlock: ANYWHERE_IPV4,
      fromPort: httpsPort,
      toPort: httpsPort,
      reason: 'Functions calling S3 (public addresses via the gateway endpoint) and the interface endpoints.',
    },
    {
      egress: true,
      ruleNumber: 110,
      action: 'allow',
      cidrBlock: vpcCidr,
      fromPort: EPHEMERAL_PORT_FROM,
      toPort: EPHEMERAL_PORT_TO,
      reason: 'Interface endpoints answering functions inside the VPC.',
    },
  ];
}
