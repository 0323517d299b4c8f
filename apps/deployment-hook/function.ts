import { defineFunction } from '@secure-lambda/contracts/functions';

/**
 * The CodeDeploy BeforeAllowTraffic hook of canary and linear releases: the stacks give it every other
 * function's smoke test (SMOKE_TESTS). With all-at-once releases it is not deployed at all.
 */
export default defineFunction({
  name: 'deployment-hook',
  description: 'CodeDeploy BeforeAllowTraffic hook: smoke-tests the version being released.',
  timeout: 60,
  trigger: { type: 'deployment-hook' },
  // The hook itself cannot be released through a deployment it would have to approve.
  deployment: { type: 'all-at-once' },
});
