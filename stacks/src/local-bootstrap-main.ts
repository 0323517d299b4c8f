import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { App } from 'cdktf';
import {
  type BootstrapConfig,
  bootstrapConfigs,
  bootstrapNames,
  bootstrapStackName,
} from './bootstrap-config';
import { BootstrapStack } from './bootstrap-stack';
import { localEnvironment } from './emulator';

/**
 * The cdktf app of the local bootstrap stack alone (`secure-lambda-bootstrap-local`): the dev bootstrap for the
 * emulator's account, its provider pointed at the emulator (`emulator_endpoint`), with local state until it is
 * migrated into its own bucket, and without the bucket policy moto cannot evaluate. Run by
 * packages/local-aws (bootstrap.ts); kept apart from main.ts like local-main.ts.
 *
 *   node stacks/dist/local-bootstrap-main.js <output directory>
 */
const [outdir, ...rest] = process.argv.slice(2);
if (outdir === undefined || outdir.startsWith('-') || rest.length > 0) {
  console.error('usage: node stacks/dist/local-bootstrap-main.js <output directory>');
  process.exit(2);
}

const LOCAL_BOOTSTRAP_STACK = bootstrapStackName(localEnvironment.name);
const names = bootstrapNames(localEnvironment);
const config: BootstrapConfig = {
  ...bootstrapConfigs.dev,
  environment: localEnvironment,
  githubEnvironment: localEnvironment.name,
  stateBucketName: names.stateBucket,
  platformStateKey: names.platformStateKey,
  bootstrapStateKey: names.bootstrapStateKey,
};
const dir = path.resolve(outdir);
mkdirSync(dir, { recursive: true });
const app = new App({ outdir: dir });
new BootstrapStack(app, LOCAL_BOOTSTRAP_STACK, config, {
  omitBucketPolicy: true,
  localBackendPath: `terraform.${LOCAL_BOOTSTRAP_STACK}.tfstate`,
});
app.synth();
