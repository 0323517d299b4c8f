import { type App, TerraformResource } from 'cdktf';
import {
  EMULATOR_GAPS,
  type EmulatorGap,
  LOCAL_STACK_NAME,
  localEnvironment,
  localFunctions,
} from './emulator';
import { PlatformStack } from './platform-stack';

export interface LocalStackOptions {
  /**
   * The folder of the declared apps.
   * @default `<repo>/apps`
   */
  readonly appsDir?: string;
  /**
   * Zip per app instead of its built bundle.
   * @default each app's `dist/<app>.zip`
   */
  readonly bundles?: Readonly<Record<string, string>>;
  /** @default EMULATOR_GAPS */
  readonly gaps?: readonly EmulatorGap[];
}

/**
 * The local stack (`npm run deploy:local`): the dev configuration with every function declared under
 * `appsDir`, minus what the emulator gaps leave out: PlatformStack drops the unsupported features and
 * ignores what is not read back; here, the unsupported settings of resources the local stack keeps
 * (`omitAttributes`) are removed from every resource of their type.
 *
 * @example
 * ```ts
 * const app = new App({ outdir });
 * localStack(app, { bundles: { 'crypto-api': 'build/crypto-api.zip' } });
 * app.synth();
 * ```
 */
export function localStack(app: App, options: LocalStackOptions = {}): PlatformStack {
  const gaps = options.gaps ?? EMULATOR_GAPS;
  const stack = new PlatformStack(
    app,
    LOCAL_STACK_NAME,
    localEnvironment,
    { gaps, bundles: options.bundles ?? {} },
    localFunctions(options.appsDir),
  );
  for (const { resourceType, attributes } of gaps.flatMap((gap) => gap.omitAttributes ?? [])) {
    for (const node of stack.node.findAll()) {
      if (node instanceof TerraformResource && node.terraformResourceType === resourceType) {
        // An override of undefined deletes the attribute from the synthesized resource.
        for (const attribute of attributes) node.addOverride(attribute, undefined);
      }
    }
  }
  return stack;
}
