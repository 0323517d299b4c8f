import { createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import { CreateRoleCommand, IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import type { ExpectedVersion, FunctionConfiguration } from '../src/manifest';

/**
 * A one-file zip (`index.js` with the given source), built by hand so the tests need no zip library:
 * local header, data, central directory, end record (PKWARE APPNOTE 4.3), deflated.
 */
export function tinyZip(source: string): Buffer {
  const name = Buffer.from('index.js');
  const data = Buffer.from(source);
  const body = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + body.length, 16);
  return Buffer.concat([local, name, body, central, name, end]);
}

/**
 * What a stack's `release` output would say about a function created with `zip` and `configuration` and
 * otherwise Lambda's defaults (128 MB, 3 s, x86_64, PassThrough tracing, 512 MB /tmp, no environment).
 * Computed from the inputs, the way Terraform knows them, never read back from the emulator.
 */
export function expectedFor(
  version: string,
  zip: Buffer,
  configuration: Partial<FunctionConfiguration> & Pick<FunctionConfiguration, 'role'>,
): ExpectedVersion {
  return {
    version,
    codeSha256: createHash('sha256').update(zip).digest('base64'),
    configuration: {
      packageType: 'Zip',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      memorySize: 128,
      timeout: 3,
      architectures: ['x86_64'],
      environment: {},
      kmsKeyArn: '',
      layers: [],
      tracingMode: 'PassThrough',
      subnetIds: [],
      securityGroupIds: [],
      ephemeralStorageMb: 512,
      fileSystems: [],
      imageConfig: '',
      signingProfileVersionArn: '',
      signingJobArn: '',
      ...configuration,
    },
  };
}

/** Creates an execution role Lambda may assume (moto checks that a function's role exists); its ARN. */
export async function createLambdaRole(config: IAMClientConfig, name: string): Promise<string> {
  const iam = new IAMClient(config);
  try {
    const { Role } = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    return Role?.Arn ?? '';
  } finally {
    iam.destroy();
  }
}
