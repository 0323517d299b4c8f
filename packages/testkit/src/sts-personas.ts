/**
 * A moto server playing STS (and IAM) with signature checking on, and the personas the identity tests
 * use: two IAM users, two sessions of one ordinary role, and two users of an IAM Identity Center-style
 * role (`AWSReservedSSO_*`, session name = the user). Each persona gets real credentials issued by moto.
 *
 * moto checks SigV4 only in its "auth" mode: once `POST /moto-api/reset-auth` sets the count of
 * unauthenticated requests to 0, every request must carry a signature moto recomputes with the secret
 * of a known access key (an IAM user's key, or an assumed-role session whose X-Amz-Security-Token must
 * match). It does not check X-Amz-Date against the clock, nor the region of the credential scope.
 */
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type MotoServer, startMotoServer } from '@secure-lambda/moto';

/** Static AWS credentials, as the client accepts them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface Persona {
  readonly label: string;
  readonly credentials: Credentials;
  /** What STS answers for these credentials. */
  readonly arn: string;
}

export interface StsPersonas {
  readonly moto: MotoServer;
  readonly alice: Persona;
  readonly mallory: Persona;
  readonly analyst1: Persona;
  readonly analyst2: Persona;
  readonly ssoJane: Persona;
  readonly ssoJohn: Persona;
}

export const SSO_ROLE_NAME = 'AWSReservedSSO_DataAnalyst_0123456789abcdef';

const TRUST_ANY_IN_ACCOUNT = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
    ],
  });

/**
 * Starts moto, creates the personas, then turns signature checking on.
 *
 * @example
 * ```ts
 * const sts = await startStsWithPersonas();
 * // … sign proofs with sts.alice.credentials against sts.moto.endpoint …
 * await sts.moto.stop();
 * ```
 */
export async function startStsWithPersonas(): Promise<StsPersonas> {
  const moto = await startMotoServer();
  const common = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
  const iam = new IAMClient(common);
  const sts = new STSClient(common);
  try {
    const user = async (name: string): Promise<Persona> => {
      const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return {
        label: `IAM user ${name}`,
        credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
        arn: User!.Arn!,
      };
    };
    const role = async (name: string, path = '/') =>
      (
        await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            Path: path,
            AssumeRolePolicyDocument: TRUST_ANY_IN_ACCOUNT(moto.accountId),
          }),
        )
      ).Role!.Arn!;
    const session = async (roleArn: string, name: string, label: string): Promise<Persona> => {
      const { Credentials, AssumedRoleUser } = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: name }),
      );
      return {
        label,
        credentials: {
          accessKeyId: Credentials!.AccessKeyId!,
          secretAccessKey: Credentials!.SecretAccessKey!,
          sessionToken: Credentials!.SessionToken!,
        },
        arn: AssumedRoleUser!.Arn!,
      };
    };
    const alice = await user('alice');
    const mallory = await user('mallory');
    const analyst = await role('analyst');
    const analyst1 = await session(analyst, 'session-one', 'analyst role, session one');
    const analyst2 = await session(analyst, 'session-two', 'analyst role, session two');
    const sso = await role(SSO_ROLE_NAME, '/aws-reserved/sso.amazonaws.com/');
    const ssoJane = await session(sso, 'jane@example.com', 'Identity Center user jane');
    const ssoJohn = await session(sso, 'john@example.com', 'Identity Center user john');
    // From here on, every request to this server must be signed with one of the keys above.
    const response = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}`);
    return { moto, alice, mallory, analyst1, analyst2, ssoJane, ssoJohn };
  } catch (error) {
    await moto.stop();
    throw error;
  } finally {
    iam.destroy();
    sts.destroy();
  }
}
