/** Helpers shared by the fixture case files: the account and region, policy JSON, rule builders. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const json = (value) => JSON.stringify(value);
export const policy = (...statements) => json({ Version: '2012-10-17', Statement: statements });

/** Deep copy for mutation. */
export const clone = (value) => JSON.parse(JSON.stringify(value));

export const lambdaTrust = policy({
  Sid: 'LambdaInThisAccount',
  Effect: 'Allow',
  Principal: { Service: 'lambda.amazonaws.com' },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
});

/** An inline `ingress`/`egress` entry of aws_security_group: JSON syntax needs every attribute. */
export const sgRule = (overrides) => ({
  description: null,
  from_port: 443,
  to_port: 443,
  protocol: 'tcp',
  cidr_blocks: [],
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
  ...overrides,
});

/** An inline entry of aws_network_acl. */
export const aclRule = (overrides) => ({
  action: 'allow',
  cidr_block: null,
  ipv6_cidr_block: null,
  from_port: 443,
  to_port: 443,
  icmp_code: null,
  icmp_type: null,
  protocol: 'tcp',
  rule_no: 100,
  ...overrides,
});

/** Reads an attribute of a resource from a state file's JSON, for patches that refer to other resources. */
export function attribute(state, address, name) {
  const [type, resourceName] = address.split('.');
  const resource = state.resources.find(
    (r) => r.mode === 'managed' && r.type === type && r.name === resourceName,
  );
  const value = resource?.instances?.[0]?.attributes?.[name];
  if (value === undefined) throw new Error(`state has no ${address}.${name}`);
  return value;
}
