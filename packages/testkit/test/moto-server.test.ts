import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  MOTO_ACCOUNT_ID,
  type MotoServer,
  MotoStartFailedError,
  startMotoServer,
  TestkitErrorCode,
  withMotoServer,
} from '../src/index';

/** Resolves true when something accepts TCP connections on host:port. */
function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function kmsClient(moto: MotoServer): KMSClient {
  // maxAttempts 1: an error should surface as moto sent it, not after SDK retries.
  return new KMSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    maxAttempts: 1,
  });
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('startMotoServer against a real moto server', () => {
  let moto: MotoServer;
  let kms: KMSClient;

  beforeAll(async () => {
    moto = await startMotoServer();
    kms = kmsClient(moto);
  });

  afterAll(async () => {
    kms?.destroy();
    await moto?.stop();
  });

  it('listens on 127.0.0.1 only, on the port it reports', async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect(moto.region).toBe('us-east-1');
    expect(await accepts(moto.port)).toBe(true);
    // 127.0.0.2 is loopback too: a server bound to 0.0.0.0 would accept there.
    expect(await accepts(moto.port, '127.0.0.2')).toBe(false);
  });

  it('hands out fixed fake credentials as a fresh object each time (the SDK mutates what it gets)', () => {
    expect(moto.credentials).toEqual({ accessKeyId: 'testing', secretAccessKey: 'testing' });
    expect(moto.credentials).not.toBe(moto.credentials);
  });

  it('creates a key, generates a data key and round-trips Encrypt/Decrypt', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'testkit' }));
    const keyArn = KeyMetadata?.Arn;
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${MOTO_ACCOUNT_ID}:key/`));

    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, NumberOfBytes: 32 }));
    expect(dataKey.Plaintext).toHaveLength(32);
    expect(dataKey.KeyId).toBe(keyArn);

    const context = { tenant: 'a' };
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('hello'), EncryptionContext: context }),
    );
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));
    expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('hello');
    expect(decrypted.KeyId).toBe(keyArn);
  });

  it('answers Decrypt with a wrong encryption context with InvalidCiphertextException', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: KeyMetadata?.KeyId, Plaintext: bytes('x'), EncryptionContext: { t: 'a' } }),
    );
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { t: 'b' } })),
    ).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers Decrypt with another key’s KeyId with AccessDeniedException (real KMS: IncorrectKeyException)', async () => {
    const owner = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    const other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: owner, Plaintext: bytes('x') }));
    await expect(kms.send(new DecryptCommand({ CiphertextBlob, KeyId: other }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('does not enforce DisableKey: Encrypt, GenerateDataKey and Decrypt still succeed (moto 5.2.5 gap)', async () => {
    // Real KMS answers all three with DisabledException; InMemoryKms does. Pinned so that a moto upgrade
    // that starts enforcing it shows up here.
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyArn = KeyMetadata?.Arn;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') }));
    await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata?.KeyId }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(described.KeyMetadata?.KeyState).toBe('Disabled');

    await expect(
      kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: bytes('x') })),
    ).resolves.toMatchObject({
      KeyId: keyArn,
    });
    await expect(
      kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, NumberOfBytes: 32 })),
    ).resolves.toMatchObject({ KeyId: keyArn });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).resolves.toMatchObject({ KeyId: keyArn });
  });

  it('fails DisableKey given a key ARN with HTTP 500 (moto 5.2.5 gap: it only accepts the bare key id)', async () => {
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    // moto answers with an HTML error page, so the SDK fails to parse it rather than naming an exception.
    await expect(kms.send(new DisableKeyCommand({ KeyId: keyArn }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
  });

  it('answers a retried write (same amz-sdk-invocation-id) with its first answer; a new call runs (serve.py)', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    // CreateAlias is one call a lost response made the terraform provider send twice under load.
    const kmsCall = (operation: string, invocation: string, attempt: number, input: object) =>
      fetch(moto.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `TrentService.${operation}`,
          authorization: `AWS4-HMAC-SHA256 Credential=${moto.credentials.accessKeyId}/20260101/${moto.region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
          'amz-sdk-invocation-id': invocation,
          'amz-sdk-request': `attempt=${attempt}; max=3`,
        },
        body: JSON.stringify(input),
      }).then(async (r) => ({
        status: r.status,
        requestId: r.headers.get('x-amzn-requestid'),
        body: await r.text(),
      }));

    const alias = { AliasName: 'alias/replayed', TargetKeyId: keyId };
    const first = await kmsCall('CreateAlias', 'invocation-1', 1, alias);
    const retried = await kmsCall('CreateAlias', 'invocation-1', 2, alias);
    const another = await kmsCall('CreateAlias', 'invocation-2', 1, alias);
    // The same id on another operation is another call: it runs (a real listing, not the empty replay).
    const listed = await kmsCall('ListAliases', 'invocation-1', 1, { KeyId: keyId });

    expect(first.status).toBe(200);
    expect(retried).toEqual(first);
    expect(another.status).toBe(400);
    expect(another.body).toContain('AlreadyExistsException');
    expect(another.requestId).not.toBe(first.requestId);
    expect(listed.status).toBe(200);
    expect(listed.body).toContain('alias/replayed');
  });

  it('forgets every resource on reset()', async () => {
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    await moto.reset();
    await expect(kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});

describe('MotoServer.stop', () => {
  it('stops the server so that its port no longer accepts connections, and is idempotent', async () => {
    const moto = await startMotoServer();
    expect(await accepts(moto.port)).toBe(true);
    await moto.stop();
    expect(await accepts(moto.port)).toBe(false);
    await expect(moto.stop()).resolves.toBeUndefined();
    await expect(moto.reset()).rejects.toMatchObject({
      code: TestkitErrorCode.MOTO_REQUEST_FAILED,
      message: expect.stringContaining('it has stopped'),
    });
  });
});

describe('withMotoServer', () => {
  it('returns what the callback returns and stops the server', async () => {
    let port = 0;
    const result = await withMotoServer(async (moto) => {
      port = moto.port;
      return (await fetch(`${moto.endpoint}/moto-api/config`)).status;
    });
    expect(result).toBeGreaterThanOrEqual(200);
    expect(await accepts(port)).toBe(false);
  });

  it('stops the server when the callback throws', async () => {
    let port = 0;
    await expect(
      withMotoServer((moto) => {
        port = moto.port;
        throw new Error('callback failed');
      }),
    ).rejects.toThrow('callback failed');
    expect(port).toBeGreaterThan(0);
    expect(await accepts(port)).toBe(false);
  });
});

describe('startMotoServer failures', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'testkit-moto-'));
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /**
   * A virtualenv whose python is the real one but whose moto_server is `script`: the harness runs
   * moto_server's file with the venv's python, so any Python stands in for it.
   */
  async function fakeVenv(script: string): Promise<string> {
    const repoRoot = path.resolve(__dirname, '../../..');
    const realPython = path.resolve(repoRoot, process.env.SECURE_LAMBDA_VENV ?? '.venv', 'bin', 'python');
    await mkdir(path.join(scratch, 'bin'));
    await symlink(realPython, path.join(scratch, 'bin', 'python'));
    await writeFile(path.join(scratch, 'bin', 'moto_server'), script);
    await chmod(path.join(scratch, 'bin', 'moto_server'), 0o755);
    return scratch;
  }

  it('fails with MOTO_NOT_INSTALLED and says how to install when the virtualenv is empty', async () => {
    const attempt = startMotoServer({ venvDir: scratch });
    await expect(attempt).rejects.toMatchObject({
      code: TestkitErrorCode.MOTO_NOT_INSTALLED,
      venvDir: scratch,
    });
    await expect(attempt).rejects.toThrow(/Run `npm run setup:python`.*\(or `npm test`/s);
  });

  it('takes the virtualenv from SECURE_LAMBDA_VENV when no option is given', async () => {
    const saved = process.env.SECURE_LAMBDA_VENV;
    process.env.SECURE_LAMBDA_VENV = scratch;
    try {
      await expect(startMotoServer()).rejects.toMatchObject({
        code: TestkitErrorCode.MOTO_NOT_INSTALLED,
        message: expect.stringContaining('SECURE_LAMBDA_VENV'),
        venvDir: scratch,
      });
    } finally {
      if (saved === undefined) delete process.env.SECURE_LAMBDA_VENV;
      else process.env.SECURE_LAMBDA_VENV = saved;
    }
  });

  it('fails with MOTO_START_FAILED and the server’s output when it exits early', async () => {
    const venvDir = await fakeVenv(
      'import sys\nsys.stderr.write("boom: cannot import moto\\n")\nsys.exit(3)\n',
    );
    const error: unknown = await startMotoServer({ venvDir }).catch((e) => e);
    expect(error).toBeInstanceOf(MotoStartFailedError);
    expect(error).toMatchObject({
      code: TestkitErrorCode.MOTO_START_FAILED,
      message: expect.stringContaining('exited with code 3 before it was ready'),
      outputTail: 'boom: cannot import moto',
    });
  });

  it('retries on a port conflict, then gives up with MOTO_START_FAILED', async () => {
    const venvDir = await fakeVenv(
      'import sys\nsys.stderr.write("Address already in use\\n")\nsys.exit(1)\n',
    );
    await expect(startMotoServer({ venvDir })).rejects.toMatchObject({
      code: TestkitErrorCode.MOTO_START_FAILED,
      message: expect.stringContaining('Every port the OS offered was taken'),
    });
  });

  it('fails with MOTO_START_FAILED when the server never answers within startTimeoutMs', async () => {
    const venvDir = await fakeVenv('import time\nprint("starting", flush=True)\ntime.sleep(60)\n');
    const started = Date.now();
    // 3 s, not less: on the busy 2-core CI machine a bare Python start has taken over 500 ms,
    // and the message must carry what the server printed before the deadline.
    await expect(startMotoServer({ venvDir, startTimeoutMs: 3_000 })).rejects.toMatchObject({
      code: TestkitErrorCode.MOTO_START_FAILED,
      message: expect.stringMatching(
        /did not answer on http:\/\/127\.0\.0\.1:\d+ within 3000 ms[\s\S]*starting/,
      ),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('rejects a non-positive startTimeoutMs with INVALID_OPTIONS', async () => {
    await expect(startMotoServer({ startTimeoutMs: 0 })).rejects.toMatchObject({
      code: TestkitErrorCode.INVALID_OPTIONS,
    });
  });
});
