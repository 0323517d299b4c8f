import { Testing } from 'cdktf';
import { environments } from '../src/config';
import { PlatformStack } from '../src/platform-stack';

/** `permissionsBoundaryArn` in an environment reaches every role the stack creates, none left out. */
describe('permissions boundary', () => {
  const boundary = 'arn:aws:iam::222222222222:policy/secure-lambda-boundary';

  function roles(withBoundary: boolean) {
    const env = withBoundary ? { ...environments.prod, permissionsBoundaryArn: boundary } : environments.prod;
    const stack = new PlatformStack(Testing.app(), 'secure-lambda-prod', env);
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, Record<string, { name: string; permissions_boundary?: string }>>;
    };
    return Object.values(json.resource.aws_iam_role ?? {});
  }

  test('[TM-ID-05] is set on every role when the environment names one', () => {
    const all = roles(true);
    // Function roles (3 in prod), CodeDeploy service roles, the flow-log role: nothing may escape it.
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.filter((role) => role.permissions_boundary !== boundary).map((role) => role.name)).toEqual([]);
  });

  test('is absent when the environment names none', () => {
    expect(roles(false).filter((role) => role.permissions_boundary !== undefined)).toEqual([]);
  });
});
