import { App } from 'cdktf';
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
app.synth();
