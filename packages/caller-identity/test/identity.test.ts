/**
 * The STS identity verifier against a real STS API: moto on 127.0.0.1 with signature checking on, and
 * proofs signed by the real client (`@secure-lambda/crypto-api-client`, the AWS SDK's SigV4 signer).
 */
import { createHash } from 'node:crypto';
import {
  CryptoApiClient,
  ProofHeader,
  SignedProofHeader,
  StsRequest,
} from '@secure-lambda/crypto-api-client';
import {
  type Credentials,
  type Persona,
  SSO_ROLE_NAME,
  type StsPersonas,
  startStsWithPersonas,
} from '@secure-lambda/testkit/sts-personas';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { IdentityNotVerifiedError, IdentityServiceUnavailableError } from '../src/errors';
import {
  isolationUnitOf,
  parseGetCallerIdentityResponse,
  StsIdentityVerifier,
  type StsTransport,
  type VerifiedIdentity,
} from '../src/identity';

const AUDIENCE = 'arn:aws:lambda:us-east-1:123456789012:function:crypto-api';
const OTHER_AUDIENCE = 'arn:aws:lambda:us-east-1:999999999999:function:crypto-api';
const BODY = '{"plaintext":"aGVsbG8="}';

let sts: StsPersonas;
let verifier: StsIdentityVerifier;
/** Every request the verifier sent to "STS", as sent. */
const sent: Parameters<StsTransport>[0][] = [];

beforeAll(async () => {
  sts = await startStsWithPersonas();
  verifier = new StsIdentityVerifier({
    endpoint: sts.moto.endpoint,
    region: sts.moto.region,
    transport: async (request) => {
      sent.push(request);
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      return { status: response.status, body: await response.text() };
    },
  });
}, 120_000);

afterAll(() => sts?.moto.stop());

function client(persona: Persona, audience = AUDIENCE): CryptoApiClient {
  return new CryptoApiClient({
    url: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/',
    functionArn: audience,
    credentials: persona.credentials,
    stsEndpoint: sts.moto.endpoint,
  });
}

/** The proof headers the client puts on a Function URL request for `body`. */
async function proofOf(persona: Persona, body = BODY, audience = AUDIENCE): Promise<Record<string, string>> {
  const request = await client(persona, audience).signRequest('/encrypt', body);
  return Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => name.startsWith('x-secure-lambda-sts-')),
  );
}

/** A proof signed by hand, to build the malformed ones the real client never makes. */
async function handProof(
  credentials: Credentials,
  options: {
    readonly signingDate?: Date;
    readonly unsigned?: readonly string[];
    readonly host?: string;
    readonly stsBody?: string;
    readonly extraHeaders?: Record<string, string>;
  } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials,
    region: sts.moto.region,
    service: 'sts',
    sha256: Sha256,
    applyChecksum: false,
  });
  const host = options.host ?? new URL(sts.moto.endpoint).host;
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: host.split(':')[0]!,
      path: '/',
      query: {},
      headers: {
        host,
        'content-type': StsRequest.CONTENT_TYPE,
        [SignedProofHeader.AUDIENCE]: AUDIENCE,
        [SignedProofHeader.BODY_SHA256]: createHash('sha256').update(BODY).digest('hex'),
        ...options.extraHeaders,
      },
      body: options.stsBody ?? StsRequest.BODY,
    },
    {
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      ...(options.unsigned ? { unsignableHeaders: new Set(options.unsigned) } : {}),
    },
  );
  return {
    [ProofHeader.AUTHORIZATION]: String(signed.headers.authorization),
    [ProofHeader.DATE]: String(signed.headers['x-amz-date']),
    ...(credentials.sessionToken ? { [ProofHeader.SECURITY_TOKEN]: credentials.sessionToken } : {}),
  };
}

async function verify(
  headers: Record<string, string>,
  body = BODY,
  audience = AUDIENCE,
): Promise<VerifiedIdentity> {
  return verifier.verify({ headers, body: Buffer.from(body), audience });
}

async function refusal(promise: Promise<unknown>): Promise<IdentityNotVerifiedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityNotVerifiedError);
  const refused = error as IdentityNotVerifiedError;
  expect(refused).toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', status: 403 });
  // One fixed message, whatever failed: a prober learns nothing from it.
  expect(refused.message).toMatch(/^The caller identity could not be verified\./);
  return refused;
}

describe('verified identities', () => {
  test.each(['alice', 'analyst1', 'ssoJane'] as const)('%s: STS answers with the signer', async (name) => {
    const persona = sts[name];
    const identity = await verify(await proofOf(persona));
    expect(identity.arn).toBe(persona.arn);
    expect(identity.account).toBe(sts.moto.accountId);
  });

  test('[TM-ID-03] isolation units: IAM user alone; two sessions of an ordinary role share; Identity Center users are apart', async () => {
    const unit = async (p: Persona) => isolationUnitOf(await verify(await proofOf(p)));
    const [alice, mallory, a1, a2, jane, john] = await Promise.all(
      [sts.alice, sts.mallory, sts.analyst1, sts.analyst2, sts.ssoJane, sts.ssoJohn].map(unit),
    );
    expect(alice!.kind).toBe('iam-user');
    expect(alice!.id).not.toBe(mallory!.id);
    // The session name of an ordinary role is the assumer's choice: both sessions are one unit.
    expect(a1).toEqual(a2);
    expect(a1!.kind).toBe('role');
    expect(jane!.kind).toBe('per-user-role-session');
    expect(jane!.id).not.toBe(john!.id);
    expect(jane!.id).toMatch(/:jane@example\.com$/);
    expect(sts.ssoJane.arn).toContain(`assumed-role/${SSO_ROLE_NAME}/`);
  });

  test('the request to STS is built by the function: its endpoint, POST /, GetCallerIdentity, its header set', async () => {
    sent.length = 0;
    const proof = await proofOf(sts.analyst1);
    // Headers a client might add to steer the request are not proof headers and are never read.
    await verify({ ...proof, host: 'evil.example', 'x-secure-lambda-sts-url': 'https://evil.example/' });
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request!.url).toBe(`${sts.moto.endpoint}/`);
    expect(request!.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    expect(Object.keys(request!.headers).sort()).toEqual(
      [
        'authorization',
        'content-type',
        'host',
        'x-amz-date',
        'x-amz-security-token',
        'x-secure-lambda-audience',
        'x-secure-lambda-body-sha256',
      ].sort(),
    );
    expect(request!.headers.host).toBe(new URL(sts.moto.endpoint).host);
    expect(request!.headers['x-secure-lambda-audience']).toBe(AUDIENCE);
  });
});

describe('[TM-ID-02] proofs that must be refused', () => {
  test('[TM-ID-02] a tampered signature is refused by STS (moto checks SigV4)', async () => {
    const proof = await proofOf(sts.alice);
    const authorization = proof[ProofHeader.AUTHORIZATION]!;
    const last = authorization.at(-1) === '0' ? '1' : '0';
    const refused = await refusal(
      verify({ ...proof, [ProofHeader.AUTHORIZATION]: authorization.slice(0, -1) + last }),
    );
    expect(refused.reason).toBe('sts-refused-403');
  });

  test('[TM-ID-02] a proof replayed with another body is refused', async () => {
    const proof = await proofOf(sts.alice, BODY);
    const refused = await refusal(verify(proof, '{"plaintext":"b3RoZXI="}'));
    expect(refused.reason).toBe('sts-refused-403');
  });

  test('[TM-ID-02] a proof made for another audience is refused', async () => {
    const proof = await proofOf(sts.alice, BODY, OTHER_AUDIENCE);
    const refused = await refusal(verify(proof));
    expect(refused.reason).toBe('sts-refused-403');
  });

  test('[TM-ID-02] an expired proof, and one from the future, are refused before STS is asked', async () => {
    sent.length = 0;
    const old = await handProof(sts.alice.credentials, { signingDate: new Date(Date.now() - 6 * 60_000) });
    expect((await refusal(verify(old))).reason).toBe('proof-expired');
    const future = await handProof(sts.alice.credentials, { signingDate: new Date(Date.now() + 3 * 60_000) });
    expect((await refusal(verify(future))).reason).toBe('proof-from-future');
    expect(sent).toHaveLength(0);
  });

  test.each([SignedProofHeader.AUDIENCE, SignedProofHeader.BODY_SHA256])(
    '[TM-ID-02] a proof whose SignedHeaders omit %s is refused',
    async (header) => {
      const proof = await handProof(sts.alice.credentials, { unsigned: [header] });
      expect(proof[ProofHeader.AUTHORIZATION]).not.toContain(header);
      expect((await refusal(verify(proof))).reason).toBe(`unsigned-${header}`);
    },
  );

  test('[TM-ID-02] a client-chosen host or action is never used: such a proof fails at STS', async () => {
    sent.length = 0;
    const otherHost = await handProof(sts.alice.credentials, { host: 'sts.attacker.example' });
    expect((await refusal(verify(otherHost))).reason).toBe('sts-refused-403');
    const otherAction = await handProof(sts.alice.credentials, {
      stsBody: 'Action=AssumeRole&Version=2011-06-15',
    });
    expect((await refusal(verify(otherAction))).reason).toBe('sts-refused-403');
    for (const request of sent) {
      expect(request.url).toBe(`${sts.moto.endpoint}/`);
      expect(request.body).toBe(StsRequest.BODY);
    }
  });

  test('[TM-ID-02] a proof signing headers the function does not send is refused before STS', async () => {
    const proof = await handProof(sts.alice.credentials, {
      extraHeaders: { 'x-forwarded-host': 'evil.example' },
    });
    expect((await refusal(verify(proof))).reason).toBe('signed-header-not-allowed');
  });

  test('[TM-ID-02] a proof scoped to another service or region is refused', async () => {
    const proof = await proofOf(sts.alice);
    const auth = proof[ProofHeader.AUTHORIZATION]!;
    const lambda = {
      ...proof,
      [ProofHeader.AUTHORIZATION]: auth.replace('/sts/aws4_request', '/lambda/aws4_request'),
    };
    expect((await refusal(verify(lambda))).reason).toBe('scope-not-sts');
    const region = {
      ...proof,
      [ProofHeader.AUTHORIZATION]: auth.replace(`/${sts.moto.region}/`, '/eu-west-3/'),
    };
    expect((await refusal(verify(region))).reason).toBe('scope-other-region');
  });

  test('no proof at all is refused', async () => {
    expect((await refusal(verify({}))).reason).toBe('proof-missing');
  });

  test('a session token that was not signed, or is missing, is refused', async () => {
    const proof = await proofOf(sts.analyst1);
    const { [ProofHeader.SECURITY_TOKEN]: _token, ...withoutToken } = proof;
    expect((await refusal(verify(withoutToken))).reason).toBe('security-token-mismatch');
  });
});

describe('STS answers', () => {
  const xml = (result: string, root = 'GetCallerIdentityResponse') =>
    `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>${result}</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${root}>`;
  const good =
    '<Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAJQABLZS4A3QDU576Q</UserId><Account>111122223333</Account>';

  test('the documented document is read', () => {
    expect(parseGetCallerIdentityResponse(xml(good))).toEqual({
      arn: 'arn:aws:iam::111122223333:user/alice',
      userId: 'AIDAJQABLZS4A3QDU576Q',
      account: '111122223333',
    });
  });

  test.each([
    ['two Arn elements', xml(`${good}<Arn>arn:aws:iam::111122223333:user/bob</Arn>`)],
    ['a second result', xml(`${good}</GetCallerIdentityResult><GetCallerIdentityResult>${good}`)],
    [
      'a missing Account',
      xml('<Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAJQABLZS4A3QDU576Q</UserId>'),
    ],
    ['an ARN of another account', xml(good.replace('iam::111122223333', 'iam::999988887777'))],
    ['an unknown element', xml(`${good}<Injected>x</Injected>`)],
    ['an entity', xml(good.replace('alice', 'al&amp;ice'))],
    ['another root element', xml(good, 'AssumeRoleResponse')],
    ['an error document', '<ErrorResponse><Error><Code>x</Code></Error></ErrorResponse>'],
    ['trailing content', `${xml(good)}<GetCallerIdentityResponse/>`],
    ['text outside the leaves', xml(`evil${good}`)],
  ])('%s is refused', (_label, document) => {
    expect(() => parseGetCallerIdentityResponse(document)).toThrow(IdentityNotVerifiedError);
  });

  test('an STS outage is a 503, a timeout too; an STS refusal is a 403', async () => {
    const proof = await proofOf(sts.alice);
    const answering = (status: number) =>
      new StsIdentityVerifier({
        endpoint: sts.moto.endpoint,
        region: sts.moto.region,
        transport: async () => ({ status, body: '<ErrorResponse/>' }),
      });
    await expect(
      answering(500).verify({ headers: proof, body: Buffer.from(BODY), audience: AUDIENCE }),
    ).rejects.toBeInstanceOf(IdentityServiceUnavailableError);
    await refusal(answering(403).verify({ headers: proof, body: Buffer.from(BODY), audience: AUDIENCE }));
    const hanging = new StsIdentityVerifier({
      endpoint: sts.moto.endpoint,
      region: sts.moto.region,
      transport: () => Promise.reject(new DOMException('timed out', 'TimeoutError')),
    });
    await expect(
      hanging.verify({ headers: proof, body: Buffer.from(BODY), audience: AUDIENCE }),
    ).rejects.toMatchObject({
      code: 'IDENTITY_SERVICE_UNAVAILABLE',
      status: 503,
    });
  });
});
