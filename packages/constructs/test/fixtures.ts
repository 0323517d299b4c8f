import type { IGrantee, PolicyStatement } from '../src';

export type RecordingGrantee = IGrantee & { statements: PolicyStatement[]; services: string[] };

/** A grantee that records what grants add (idempotent by sid, like SecureFunction). */
export function fakeGrantee(): RecordingGrantee {
  const statements: PolicyStatement[] = [];
  const services: string[] = [];
  return {
    grantPath: 'stack/fn',
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
