import { Route53ResolverFirewallConfig } from '@cdktf/provider-aws/lib/route53-resolver-firewall-config';
import { Route53ResolverFirewallDomainList } from '@cdktf/provider-aws/lib/route53-resolver-firewall-domain-list';
import { Route53ResolverFirewallRule } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule';
import { Route53ResolverFirewallRuleGroup } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group';
import { Route53ResolverFirewallRuleGroupAssociation } from '@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group-association';
import { Construct } from 'constructs';

/**
 * Names the functions may resolve: AWS service endpoints (the interface endpoints' private names and S3's
 * names through the gateway endpoint all sit under amazonaws.com).
 */
export const DNS_ALLOWED_DOMAINS = ['amazonaws.com.', '*.amazonaws.com.'] as const;

/**
 * Route 53 Resolver DNS Firewall for the VPC: only AWS service names resolve, everything else gets
 * NXDOMAIN. NACLs and security groups do not filter the VPC resolver, so without this a function could
 * still send data out in DNS queries for names an attacker controls. Fails closed if the firewall is
 * unavailable.
 */
export class NetworkDnsFirewall extends Construct {
  constructor(scope: Construct, id: string, props: { readonly namePrefix: string; readonly vpcId: string }) {
    super(scope, id);
    const allowed = new Route53ResolverFirewallDomainList(this, 'allowed', {
      name: `${props.namePrefix}-allowed`,
      domains: [...DNS_ALLOWED_DOMAINS],
    });
    const everything = new Route53ResolverFirewallDomainList(this, 'everything', {
      name: `${props.namePrefix}-everything`,
      domains: ['*.'],
    });
    const group = new Route53ResolverFirewallRuleGroup(this, 'rules', { name: `${props.namePrefix}-dns` });
    new Route53ResolverFirewallRule(this, 'allow-aws', {
      name: 'allow-aws-service-names',
      action: 'ALLOW',
      firewallDomainListId: allowed.id,
      firewallRuleGroupId: group.id,
      priority: 100,
    });
    new Route53ResolverFirewallRule(this, 'block-rest', {
      name: 'block-everything-else',
      action: 'BLOCK',
      blockResponse: 'NXDOMAIN',
      firewallDomainListId: everything.id,
      firewallRuleGroupId: group.id,
      priority: 200,
    });
    new Route53ResolverFirewallRuleGroupAssociation(this, 'association', {
      name: `${props.namePrefix}-dns`,
      firewallRuleGroupId: group.id,
      vpcId: props.vpcId,
      priority: 101,
      mutationProtection: 'ENABLED',
    });
    new Route53ResolverFirewallConfig(this, 'config', {
      resourceId: props.vpcId,
      firewallFailOpen: 'DISABLED',
    });
  }
}
