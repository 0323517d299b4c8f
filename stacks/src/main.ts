import { RuntimeCurrency } from '@secure-lambda/constructs/runtime-currency';
import { App, Aspects } from 'cdktf';
import { bootstrapConfigs, bootstrapStackName } from './bootstrap-config';
import { BootstrapStack } from './bootstrap-stack';
import { environments } from './config';
import { PlatformStack } from './platform-stack';

/**
 * The cdktf app: one platform stack per environment, and per environment the bootstrap stack that makes its
 * account ready for CI (state bucket, GitHub OIDC, plan and deploy roles; docs/ci.md). `npm run synth` runs
 * it through `cdktf synth`.
 */
const app = new App();
for (const env of Object.values(environments)) {
  new PlatformStack(app, `secure-lambda-${env.name}`, env);
}
for (const config of Object.values(bootstrapConfigs)) {
  new BootstrapStack(app, bootstrapStackName(config.environment.name), config);
}
// Warns at synth about every function whose runtime is within 180 days of its deprecation. Added per stack:
// cdktf applies the aspects of a stack and its constructs, not those of the app.
for (const stack of app.node.children) Aspects.of(stack).add(new RuntimeCurrency());
app.synth();
