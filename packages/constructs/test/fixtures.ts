import type { AwsService, IFunctionNetwork, IGrantee, PolicyStatement } from '../src';

export type RecordingGrantee = IGrantee & { statements: PolicyStatement[]; services: string[] };

/** A grantee that records what grants add (idempotent by sid, like SecureFunction). */
export function fakeGrantee(): RecordingGrantee {
  const statements: PolicyStatement[] = [];
  const services: string[] = [];
  return {
    grantPath: 'stack/fn',
    principalArn: 'arn:aws:iam::111111111111:role/fn-role',
    statements,
    services,
    addToRolePolicy(s) {
      const existing = statements.find((x) => x.sid === s.sid);
      if (existing) return existing;
      statements.push(s);
      return s;
    },
    useService(service) {
      if (!services.includes(service)) services.push(service);
    },
  };
}

/** A network double for SecureFunction: records the services and the security groups it is told about. */
export function fakeNetwork(): IFunctionNetwork & { used: AwsService[]; allowed: string[] } {
  const used: AwsService[] = [];
  const allowed: string[] = [];
  return {
    vpcId: 'vpc-123',
    privateSubnetIds: ['subnet-a', 'subnet-b'],
    endpointSecurityGroupId: 'sg-endpoints',
    s3PrefixListId: 'pl-s3',
    used,
    allowed,
    useService(service) {
      if (!used.includes(service)) used.push(service);
    },
    allowFrom(_sg, label) {
      allowed.push(label);
    },
  };
}
