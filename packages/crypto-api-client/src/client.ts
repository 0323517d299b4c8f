/**
 * The crypto API client: each call is one Function URL request, signed twice with the AWS SDK's signer
 * (`@smithy/signature-v4`): once for the Function URL (service `lambda`), and once as an identity proof,
 * an `sts:GetCallerIdentity` request (service `sts`) that names this API and hashes this request's body.
 * The function sends that STS request itself and binds data to the identity STS answers.
 */
import { createHash } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import {
  ClientOptionsError,
  CryptoApiResponseError,
  InvalidResponseError,
  RequestFailedError,
} from './errors';
import {
  audienceFor,
  ProofHeader,
  parseFunctionArn,
  regionalStsEndpoint,
  SignedProofHeader,
  StsRequest,
} from './protocol';

/** A signed HTTP request, ready to send. */
export interface SignedRequest {
  readonly url: string;
  readonly method: 'POST';
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a transport hands back. */
export interface TransportResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends a signed request. The default uses the global `fetch`; tests pass their own. */
export type Transport = (request: SignedRequest) => Promise<TransportResponse>;

export interface CryptoApiClientOptions {
  /** The Function URL, `https://<url-id>.lambda-url.<region>.on.aws/` (Terraform output `crypto-api-url`). */
  readonly url: string;
  /**
   * ARN of the crypto API function (qualified or not; the qualifier is dropped). The proof names it as
   * its audience, and its region is the region of both signatures.
   */
  readonly functionArn: string;
  /** @default the SDK's default credential chain (environment, SSO, profiles, container, instance) */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * The STS endpoint the proof is signed for. It must be the one the function calls: the regional
   * endpoint in AWS; the emulator's URL locally.
   * @default `https://sts.<region>.amazonaws.com`
   */
  readonly stsEndpoint?: string;
  /** @default `fetch` */
  readonly transport?: Transport;
}

const fetchTransport: Transport = async (request) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'error',
  });
  return { status: response.status, body: await response.text() };
};

function parseUrl(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new ClientOptionsError(`${what} ${JSON.stringify(value)} is not a URL.`, { cause });
  }
}

/**
 * A typed client of the crypto API (`POST /encrypt`, `POST /decrypt`).
 *
 * @example
 * ```ts
 * const client = new CryptoApiClient({
 *   url: 'https://abc123.lambda-url.eu-west-1.on.aws/',
 *   functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:secure-lambda-prod-crypto-api',
 * });
 * const ciphertext = await client.encrypt(Buffer.from('card 4111…'));
 * const plaintext = await client.decrypt(ciphertext); // only the same caller (isolation unit) can
 * ```
 */
export class CryptoApiClient {
  readonly #url: URL;
  readonly #audience: string;
  readonly #sts: URL;
  readonly #lambdaSigner: SignatureV4;
  readonly #stsSigner: SignatureV4;
  readonly #transport: Transport;

  constructor(options: CryptoApiClientOptions) {
    this.#url = parseUrl(options.url, 'url');
    if (this.#url.protocol !== 'https:' && !/^(127\.0\.0\.1|localhost)$/.test(this.#url.hostname)) {
      throw new ClientOptionsError('url must be an https:// Function URL.');
    }
    const arn = parseFunctionArn(options.functionArn);
    const audience = audienceFor(options.functionArn);
    if (!arn || !audience) {
      throw new ClientOptionsError(
        `functionArn ${JSON.stringify(options.functionArn)} is not a Lambda function ARN ` +
          '(arn:aws:lambda:<region>:<account>:function:<name>). Use the crypto API function ARN.',
      );
    }
    this.#audience = audience;
    this.#sts = parseUrl(options.stsEndpoint ?? regionalStsEndpoint(arn.region), 'stsEndpoint');
    const credentials = options.credentials ?? defaultProvider();
    const common = { credentials, region: arn.region, sha256: Sha256 };
    // Function URLs check x-amz-content-sha256 when present: the lambda signature covers the body hash.
    this.#lambdaSigner = new SignatureV4({ ...common, service: 'lambda', applyChecksum: true });
    // The function rebuilds the STS request from the headers it knows: no payload-hash header to add.
    this.#stsSigner = new SignatureV4({ ...common, service: StsRequest.SERVICE, applyChecksum: false });
    this.#transport = options.transport ?? fetchTransport;
  }

  /**
   * Encrypts `plaintext` (at most 256 KiB) for the caller; returns the Encryption SDK message.
   *
   * @throws CryptoApiResponseError with the API's code (e.g. `PAYLOAD_TOO_LARGE`, `IDENTITY_NOT_VERIFIED`)
   *
   * @example
   * ```ts
   * const message = await client.encrypt(Buffer.from('secret'));
   * ```
   */
  async encrypt(plaintext: Uint8Array): Promise<Buffer> {
    const body = JSON.stringify({ plaintext: Buffer.from(plaintext).toString('base64') });
    const { ciphertext } = await this.#call('/encrypt', body, 'ciphertext');
    return Buffer.from(ciphertext, 'base64');
  }

  /**
   * Decrypts a message this caller's isolation unit encrypted.
   *
   * @throws CryptoApiResponseError `CONTEXT_MISMATCH` (403) for another unit's message
   *
   * @example
   * ```ts
   * const plaintext = await client.decrypt(message);
   * ```
   */
  async decrypt(ciphertext: Uint8Array): Promise<Buffer> {
    const body = JSON.stringify({ ciphertext: Buffer.from(ciphertext).toString('base64') });
    const { plaintext } = await this.#call('/decrypt', body, 'plaintext');
    return Buffer.from(plaintext, 'base64');
  }

  /**
   * The signed Function URL request for `route` and `body`, with its identity proof. Exposed so callers
   * with their own HTTP stack (or tests) can send it.
   *
   * @example
   * ```ts
   * const request = await client.signRequest('/encrypt', '{"plaintext":"aGk="}');
   * await fetch(request.url, request);
   * ```
   */
  async signRequest(route: '/encrypt' | '/decrypt', body: string): Promise<SignedRequest> {
    try {
      const proof = await this.#stsSigner.sign(this.#stsRequest(body));
      const headers: Record<string, string> = {
        host: this.#url.host,
        'content-type': 'application/json',
        [ProofHeader.AUTHORIZATION]: String(proof.headers.authorization),
        [ProofHeader.DATE]: String(proof.headers['x-amz-date']),
      };
      const token = proof.headers['x-amz-security-token'];
      if (token !== undefined) headers[ProofHeader.SECURITY_TOKEN] = String(token);
      const path = `${this.#url.pathname.replace(/\/$/, '')}${route}`;
      const signed = await this.#lambdaSigner.sign(this.#httpRequest(this.#url, path, headers, body));
      return {
        url: new URL(path, this.#url).toString(),
        method: 'POST',
        headers: Object.fromEntries(
          Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
        ),
        body,
      };
    } catch (cause) {
      throw new RequestFailedError(
        'Could not sign the request: no usable AWS credentials. Configure credentials (environment, ' +
          'SSO profile, role) or pass `credentials`.',
        { cause },
      );
    }
  }

  #stsRequest(body: string): HttpRequest {
    return this.#httpRequest(
      this.#sts,
      StsRequest.PATH,
      {
        host: this.#sts.host,
        'content-type': StsRequest.CONTENT_TYPE,
        [SignedProofHeader.AUDIENCE]: this.#audience,
        [SignedProofHeader.BODY_SHA256]: createHash('sha256').update(body, 'utf8').digest('hex'),
      },
      StsRequest.BODY,
    );
  }

  #httpRequest(url: URL, path: string, headers: Record<string, string>, body: string): HttpRequest {
    return {
      method: StsRequest.METHOD,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path,
      query: {},
      headers,
      body,
    };
  }

  async #call<K extends string>(
    route: '/encrypt' | '/decrypt',
    body: string,
    field: K,
  ): Promise<Record<K, string>> {
    const request = await this.signRequest(route, body);
    let response: TransportResponse;
    try {
      response = await this.#transport(request);
    } catch (cause) {
      throw new RequestFailedError(`The request to ${request.url} failed before an answer. Retry later.`, {
        cause,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch (cause) {
      throw new InvalidResponseError(response.status, { cause });
    }
    if (response.status !== 200) {
      const error = (json as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code !== 'string') throw new InvalidResponseError(response.status);
      throw new CryptoApiResponseError(response.status, error.code, String(error.message ?? ''));
    }
    const value = (json as Record<string, unknown>)[field];
    if (typeof value !== 'string') throw new InvalidResponseError(response.status);
    return { [field]: value } as Record<K, string>;
  }
}
