import { OFFLINE_PROVIDER_SETTINGS, planOverride } from '../src';

describe('planOverride', () => {
  test('unsets the account guard and the profile settings the stack has, and adds the offline switches', () => {
    const override = planOverride({
      provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'], profile: 'dev' }] },
    });
    expect(override.provider.aws).toEqual([
      { allowed_account_ids: null, profile: null, ...OFFLINE_PROVIDER_SETTINGS },
    ]);
    expect(override.terraform).toEqual({ backend: { local: { path: 'plan-lane.tfstate' } } });
  });

  test('matches aliased providers by alias and assumes no role', () => {
    const override = planOverride({
      provider: { aws: [{ region: 'eu-west-1' }, { alias: 'us', assume_role: [{ role_arn: 'arn:x' }] }] },
    });
    expect(override.provider.aws).toEqual([
      { ...OFFLINE_PROVIDER_SETTINGS },
      { alias: 'us', assume_role: [{ role_arn: null }], ...OFFLINE_PROVIDER_SETTINGS },
    ]);
  });

  test('a stack with no provider block still gets the offline switches on the default provider', () => {
    expect(planOverride({}).provider.aws).toEqual([{ ...OFFLINE_PROVIDER_SETTINGS }]);
  });
});
