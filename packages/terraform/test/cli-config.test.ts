import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AWS_PROVIDER,
  CLI_CONFIG_RELATIVE_PATH,
  findProviderMirror,
  prepareTerraform,
  probeMirror,
  STUB_AWS_CREDENTIALS,
  spawnCollect,
  TerraformConfigError,
  TerraformErrorCode,
  terraformPlatform,
} from '../src';
import { put, tempDir } from './support';

const PLATFORM = terraformPlatform();
const UNPACKED = path.join('registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER.version, PLATFORM);

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('cli-config');
});
afterEach(() => tmp.remove());

describe('the provider mirror', () => {
  test('is found in the unpacked layout and in the packed one', () => {
    const unpacked = path.join(tmp.dir, 'unpacked');
    put(unpacked, path.join(UNPACKED, `terraform-provider-aws_v${AWS_PROVIDER.version}_x5`), '');
    const packed = path.join(tmp.dir, 'packed');
    const zip = path.join(
      'registry.terraform.io',
      'hashicorp',
      'aws',
      `terraform-provider-aws_${AWS_PROVIDER.version}_${PLATFORM}.zip`,
    );
    put(packed, zip, '');
    expect(probeMirror(unpacked)).toEqual({
      root: unpacked,
      layout: 'unpacked',
      location: path.join(unpacked, UNPACKED),
    });
    expect(probeMirror(packed)).toEqual({ root: packed, layout: 'packed', location: path.join(packed, zip) });
    expect(probeMirror(tmp.dir)).toBeUndefined();
  });

  test('SECURE_LAMBDA_TF_MIRROR naming a folder without the provider is MIRROR_INVALID, not a silent fallback', () => {
    const error = (() => {
      try {
        return findProviderMirror({ env: { SECURE_LAMBDA_TF_MIRROR: tmp.dir } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TerraformConfigError);
    expect(error).toMatchObject({
      code: TerraformErrorCode.MIRROR_INVALID,
      message: expect.stringContaining(tmp.dir),
    });
  });

  test('no candidate holding it is MIRROR_NOT_FOUND, naming the variable to set', () => {
    expect(() => findProviderMirror({ env: {}, candidates: [tmp.dir] })).toThrow(
      expect.objectContaining({
        code: TerraformErrorCode.MIRROR_NOT_FOUND,
        message: expect.stringContaining('Set SECURE_LAMBDA_TF_MIRROR'),
      }),
    );
  });
});

describe('prepareTerraform', () => {
  test('writes its own CLI config over a preset TF_CLI_CONFIG_FILE that names a missing file', () => {
    const mirror = path.join(tmp.dir, 'mirror');
    put(mirror, path.join(UNPACKED, 'terraform-provider-aws_v5.100.0_x5'), '');
    const root = path.join(tmp.dir, 'Repo Root');
    const { env, configPath } = prepareTerraform({
      root,
      baseEnv: {
        PATH: '/usr/bin',
        SECURE_LAMBDA_TF_MIRROR: mirror,
        TF_CLI_CONFIG_FILE: path.join(tmp.dir, 'preset-but-missing.tfrc'),
        TF_CLI_ARGS: '-lock=false',
        TF_LOG: 'WARN',
        AWS_PROFILE: 'developer',
        AWS_SESSION_TOKEN: 'a-real-looking-token',
      },
    });
    expect(configPath).toBe(path.join(root, CLI_CONFIG_RELATIVE_PATH));
    expect(env.TF_CLI_CONFIG_FILE).toBe(configPath);
    expect(readFileSync(configPath, 'utf8')).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(env).toMatchObject({ PATH: '/usr/bin', TF_LOG: 'WARN', ...STUB_AWS_CREDENTIALS, TF_INPUT: '0' });
    for (const dropped of ['TF_CLI_ARGS', 'AWS_PROFILE', 'AWS_SESSION_TOKEN'])
      expect(env).not.toHaveProperty(dropped);
  });

  test('terraform init installs the AWS provider from the mirror with the written config and no network', async () => {
    const work = path.join(tmp.dir, 'Stack');
    put(
      work,
      'main.tf.json',
      JSON.stringify({
        terraform: {
          required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER.version } },
        },
      }),
    );
    const { env, configPath } = prepareTerraform({
      root: tmp.dir,
      baseEnv: { ...process.env, TF_CLI_CONFIG_FILE: path.join(tmp.dir, 'missing.tfrc') },
    });
    expect(existsSync(configPath)).toBe(true);
    const run = await spawnCollect('terraform', ['init', '-input=false', '-no-color'], {
      cwd: work,
      env,
      timeoutMs: 300_000,
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Installing hashicorp/aws v${AWS_PROVIDER.version}`);
  });
});
