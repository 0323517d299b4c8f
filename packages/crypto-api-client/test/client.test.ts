import { createHash } from 'node:crypto';
import {
  audienceFor,
  ClientOptionsError,
  CryptoApiClient,
  CryptoApiResponseError,
  InvalidResponseError,
  isLoopbackEndpoint,
  ProofHeader,
  type SignedRequest,
} from '../src';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:secure-lambda-prod-crypto-api:live';
const URL = 'https://abc123.lambda-url.eu-west-1.on.aws/';
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

function clientWith(answer: (request: SignedRequest) => { status: number; body: string }) {
  const sent: SignedRequest[] = [];
  const client = new CryptoApiClient({
    url: URL,
    functionArn: FUNCTION_ARN,
    credentials,
    transport: async (request) => {
      sent.push(request);
      return answer(request);
    },
  });
  return { client, sent };
}

describe('CryptoApiClient', () => {
  test('signs the Function URL request for lambda and carries an STS proof bound to the audience and body', async () => {
    const { client, sent } = clientWith(() => ({ status: 200, body: '{"ciphertext":"AAEC"}' }));
    expect(await client.encrypt(Buffer.from('hi'))).toEqual(Buffer.from([0, 1, 2]));
    const [request] = sent;
    expect(request!.url).toBe(`${URL}encrypt`);
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[^,]*x-secure-lambda-sts-authorization/,
    );
    const proof = request!.headers[ProofHeader.AUTHORIZATION]!;
    expect(proof).toMatch(
      /\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-secure-lambda-audience;x-secure-lambda-body-sha256, /,
    );
    expect(request!.headers[ProofHeader.DATE]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request!.headers[ProofHeader.SECURITY_TOKEN]).toBeUndefined();
    expect(request!.body).toBe(JSON.stringify({ plaintext: Buffer.from('hi').toString('base64') }));
    expect(request!.headers['x-amz-content-sha256']).toBe(
      createHash('sha256').update(request!.body).digest('hex'),
    );
  });

  test('a session token travels as the proof token', async () => {
    const client = new CryptoApiClient({
      url: URL,
      functionArn: FUNCTION_ARN,
      credentials: { ...credentials, sessionToken: 'TOKEN' },
    });
    const request = await client.signRequest('/decrypt', '{"ciphertext":"AA=="}');
    expect(request.headers[ProofHeader.SECURITY_TOKEN]).toBe('TOKEN');
    expect(request.headers[ProofHeader.AUTHORIZATION]).toContain('x-amz-security-token');
  });

  test('an API error becomes CryptoApiResponseError with the API code; a foreign answer InvalidResponseError', async () => {
    const refused = clientWith(() => ({
      status: 403,
      body: '{"error":{"code":"CONTEXT_MISMATCH","message":"no"}}',
    }));
    await expect(refused.client.decrypt(Buffer.from('x'))).rejects.toMatchObject({
      constructor: CryptoApiResponseError,
      status: 403,
      apiCode: 'CONTEXT_MISMATCH',
    });
    const html = clientWith(() => ({ status: 502, body: '<html>' }));
    await expect(html.client.decrypt(Buffer.from('x'))).rejects.toBeInstanceOf(InvalidResponseError);
  });

  test.each([
    [{ url: 'http://abc.example/', functionArn: FUNCTION_ARN }, /https/],
    [{ url: URL, functionArn: 'secure-lambda-prod-crypto-api' }, /not a Lambda function ARN/],
  ])('refuses unusable options %#', (options, message) => {
    expect(() => new CryptoApiClient({ ...options, credentials })).toThrow(ClientOptionsError);
    expect(() => new CryptoApiClient({ ...options, credentials })).toThrow(message);
  });
});

describe('protocol', () => {
  test('the audience is the unqualified function ARN', () => {
    expect(audienceFor(FUNCTION_ARN)).toBe(
      'arn:aws:lambda:eu-west-1:111122223333:function:secure-lambda-prod-crypto-api',
    );
    expect(audienceFor('arn:aws:s3:::bucket')).toBeUndefined();
  });

  test.each([
    ['https://127.0.0.1:4566', true],
    ['http://localhost:5000/', true],
    ['https://127.0.0.1.attacker.example:443', false],
    ['https://sts.eu-west-1.amazonaws.com', false],
    ['https://127.0.0.1:4566/path', false],
  ])('isLoopbackEndpoint(%s) is %s', (endpoint, expected) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(expected);
  });
});
