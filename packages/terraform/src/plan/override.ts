/**
 * The plan lane's override file, `zz_plan_override.tf.json`. For this lane only it
 * - sets `skip_credentials_validation`, `skip_requesting_account_id`, `skip_metadata_api_check` and
 *   `skip_region_validation` on every `aws` provider configuration (matched by alias),
 * - sets `allowed_account_ids` to null (the account id is unknown offline, so the guard would reject it),
 *   and nulls `profile`/shared-file settings and any `assume_role` when the stack has them,
 * - replaces the backend with `local` (an S3 backend cannot initialise without AWS; `init -backend=false`
 *   leaves plan refusing to run).
 * Terraform merges override files attribute by attribute into the provider block with the same name and
 * alias; an attribute set to null there counts as unset.
 */
import { PlanLane } from '../constants';
import type { ProviderBlock, StackConfig } from './stacks';

/** Provider settings that the plan lane sets for every aws provider configuration. */
export const OFFLINE_PROVIDER_SETTINGS = Object.freeze({
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
});

/** Provider arguments unset for the plan lane when the stack sets them: each needs AWS or a local profile. */
export const PROVIDER_ARGUMENTS_TO_UNSET = Object.freeze([
  'allowed_account_ids',
  'profile',
  'shared_config_files',
  'shared_credentials_files',
]);

/** The override document. */
export interface PlanOverride {
  readonly '//': string;
  readonly provider: { readonly aws: readonly Record<string, unknown>[] };
  readonly terraform: { readonly backend: { readonly local: { readonly path: string } } };
}

/**
 * The override for one stack's configuration (the parsed cdk.tf.json).
 *
 * @example
 * planOverride({ provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }] } });
 * // { provider: { aws: [{ allowed_account_ids: null, skip_credentials_validation: true, ... }] },
 * //   terraform: { backend: { local: { path: 'plan-lane.tfstate' } } } }
 */
export function planOverride(config: StackConfig): PlanOverride {
  const declared = config.provider?.aws;
  const awsProviders: readonly ProviderBlock[] =
    declared === undefined ? [{}] : Array.isArray(declared) ? declared : [declared as ProviderBlock];
  return {
    '//': 'Written by @secure-lambda/terraform for the offline plan lane only; never used to deploy.',
    provider: {
      aws: awsProviders.map((provider) => {
        const override: Record<string, unknown> = {};
        if (provider.alias !== undefined) override.alias = provider.alias;
        for (const name of PROVIDER_ARGUMENTS_TO_UNSET) {
          if (name in provider) override[name] = null;
        }
        // A nested block in an override replaces the original's blocks; one without role_arn assumes nothing.
        if ('assume_role' in provider) override.assume_role = [{ role_arn: null }];
        return { ...override, ...OFFLINE_PROVIDER_SETTINGS };
      }),
    },
    terraform: { backend: { local: { path: PlanLane.STATE_FILE } } },
  };
}
