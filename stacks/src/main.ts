import { App } from 'cdktf';
import { environments } from './config';
import { PlatformStack } from './platform-stack';

/** The cdktf app: one stack per environment. `npm run synth` runs it through `cdktf synth`. */
const app = new App();
for (const env of Object.values(environments)) {
  new PlatformStack(app, `secure-lambda-${env.name}`, env);
}
app.synth();
