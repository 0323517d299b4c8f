/**
 * Who is calling: proven by STS, never read from the event.
 *
 * Why: a Function URL with AWS_IAM auth fills `requestContext.authorizer.iam` from a signature it checked,
 * but a direct `lambda:Invoke` delivers whatever JSON the invoker wrote, and every Function URL caller
 * also holds `lambda:InvokeFunction` (required since October 2025). An identity read from the event is
 * therefore only as trustworthy as every principal allowed to invoke the function. This module follows
 * HashiCorp Vault's AWS IAM auth and aws-iam-authenticator: the client signs an `sts:GetCallerIdentity`
 * request with its own credentials, the function sends it to STS, and STS says whose signature it is.
 *
 * What the function takes from the client, and what it does not (the lessons of Project Zero's "Enter the
 * Vault", CVE-2020-16250/16251, where Vault forwarded a client-chosen URL, host, body and header set):
 * - it takes only the signature parts: the `Authorization` value, `X-Amz-Date` and, for temporary
 *   credentials, `X-Amz-Security-Token` (see `ProofHeader`);
 * - it builds the STS request itself: its own endpoint (the regional STS endpoint, reached through the
 *   VPC's STS interface endpoint), `POST /`, the body `Action=GetCallerIdentity&Version=2011-06-15`, the
 *   content type, and the header values it computes: the audience (its own unqualified function ARN, from
 *   the Lambda context, which no invoker controls) and the SHA-256 of the HTTP body it actually received.
 *   A client-supplied URL, host, action or header value is never used: a proof signed over anything else
 *   simply fails STS's signature check;
 * - before calling STS it checks the proof's shape: `AWS4-HMAC-SHA256`, a credential scope of service
 *   `sts` in the function's region on the date of `X-Amz-Date`, `SignedHeaders` that include `host`,
 *   `x-amz-date` and both binding headers and nothing it would not send, and a date no older than 5
 *   minutes and no more than 1 minute ahead (STS alone would accept 15 minutes);
 * - it parses STS's answer strictly (exact element path, one `Arn`, `UserId` and `Account`, the ARN's
 *   account equal to `Account`), bounded in size and time, and follows no redirect;
 * - any failure is a typed 403 (`IDENTITY_NOT_VERIFIED`) whose message reveals nothing about which check
 *   failed; the reason goes to the log only. An STS outage is a 503.
 *
 * The endpoint can be overridden only with a loopback URL (the local emulator): inside Lambda nothing an
 * invoker controls listens on 127.0.0.1, and a configuration that names any other host fails at cold start.
 *
 * What a proof does not stop: replay of the same request (same body, same audience) within the 5-minute
 * window by someone who captured it in full; the proof travels only inside the TLS connection to the
 * Function URL and is never logged.
 *
 * The isolation unit (who shares data with whom) is decided in {@link isolationUnitOf}.
 */
import { createHash } from 'node:crypto';
import {
  ProofHeader,
  ProofWindow,
  SignedProofHeader,
  StsRequest,
} from '@secure-lambda/crypto-api-client/protocol';
import {
  IdentityNotVerifiedError,
  IdentityServiceUnavailableError,
  UnsupportedPrincipalError,
} from './errors';

/** What STS answered for a proof. */
export interface VerifiedIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

/** The proof's signature parts and what the function binds it to. */
export interface ProofInput {
  /** The Function URL request headers (lowercase names, as the event carries them). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The exact HTTP body bytes received. */
  readonly body: Uint8Array;
  /** This function's unqualified ARN. */
  readonly audience: string;
}

/** Verifies a proof; the API depends on this interface, unit tests on an in-memory double. */
export interface IdentityVerifier {
  verify(input: ProofInput): Promise<VerifiedIdentity>;
}

/** The HTTP exchange with STS, injectable for tests of the parsing and failure paths. */
export type StsTransport = (request: {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}) => Promise<{ readonly status: number; readonly body: string }>;

export interface StsIdentityVerifierOptions {
  /** The STS endpoint, e.g. `https://sts.eu-west-1.amazonaws.com` (see `readConfig`). */
  readonly endpoint: string;
  /** The function's region: the proof's credential scope must name it. */
  readonly region: string;
  /** @default `fetch`, no redirects, bounded body and time */
  readonly transport?: StsTransport;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Limits of the STS exchange. */
export const StsLimits = {
  TIMEOUT_MS: 3_000,
  MAX_RESPONSE_BYTES: 16 * 1024,
  /** A session token of a chained role session is about 1-2 KiB; 8 KiB leaves room without being unbounded. */
  MAX_PROOF_HEADER_CHARS: 8 * 1024,
} as const;

// The access key id is left to STS to judge (the emulator's is `local`); the pattern only keeps the
// header's structure unambiguous.
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]{1,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,512}), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const REQUIRED_SIGNED = ['host', 'x-amz-date', SignedProofHeader.AUDIENCE, SignedProofHeader.BODY_SHA256];
const OPTIONAL_SIGNED = ['content-type', 'x-amz-security-token', 'x-amz-content-sha256'];

function refuse(reason: string): never {
  throw new IdentityNotVerifiedError(reason);
}

function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(time) ? undefined : time;
}

const defaultTransport: StsTransport = async ({ url, headers, body, timeoutMs, maxResponseBytes }) => {
  const response = await fetch(url, {
    method: StsRequest.METHOD,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxResponseBytes) throw new RangeError('STS answer larger than the bound');
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > maxResponseBytes) throw new RangeError('STS answer larger than the bound');
  return { status: response.status, body: Buffer.from(bytes).toString('utf8') };
};

const ELEMENT = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z:]+="[^"<>&]*")*)\s*(\/?)>/y;
const XML_DECLARATION = /^\s*<\?xml[^?<>]*\?>/;
const RESULT_PATH = 'GetCallerIdentityResponse/GetCallerIdentityResult';
const ALLOWED_PATHS = new Set([
  'GetCallerIdentityResponse',
  RESULT_PATH,
  `${RESULT_PATH}/Arn`,
  `${RESULT_PATH}/UserId`,
  `${RESULT_PATH}/Account`,
  'GetCallerIdentityResponse/ResponseMetadata',
  'GetCallerIdentityResponse/ResponseMetadata/RequestId',
]);

/**
 * Parses STS's GetCallerIdentity XML strictly: only the documented elements at their documented paths,
 * attributes only on the root, no entities, one `GetCallerIdentityResult` with exactly one `Arn`, `UserId`
 * and `Account`, and the ARN's account equal to `Account`. Anything else is refused.
 *
 * @throws IdentityNotVerifiedError (`IDENTITY_NOT_VERIFIED`) for any other document
 *
 * @example
 * ```ts
 * parseGetCallerIdentityResponse(xml).arn; // 'arn:aws:iam::111122223333:user/alice'
 * ```
 */
export function parseGetCallerIdentityResponse(xml: string): VerifiedIdentity {
  if (xml.length > StsLimits.MAX_RESPONSE_BYTES) refuse('sts-answer-too-large');
  const text = xml.replace(XML_DECLARATION, '');
  const stack: string[] = [];
  const counts = new Map<string, number>();
  const values = new Map<string, string>();
  let position = 0;
  let closedRoot = false;
  while (position < text.length) {
    const next = text.indexOf('<', position);
    const chunk = text.slice(position, next === -1 ? text.length : next);
    if (chunk.trim() !== '') {
      const path = stack.join('/');
      if (
        chunk.includes('&') ||
        !/^(Arn|UserId|Account|RequestId)$/.test(stack.at(-1) ?? '') ||
        values.has(path)
      ) {
        refuse('sts-answer-malformed');
      }
      values.set(path, chunk.trim());
    }
    if (next === -1) break;
    ELEMENT.lastIndex = next;
    const tag = ELEMENT.exec(text);
    if (!tag) refuse('sts-answer-malformed');
    const [whole, closing, name, attributes, selfClosing] = tag as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (closing) {
      if (stack.pop() !== name) refuse('sts-answer-malformed');
      if (stack.length === 0) closedRoot = true;
    } else {
      if (closedRoot || selfClosing) refuse('sts-answer-malformed');
      if (attributes.trim() !== '' && stack.length > 0) refuse('sts-answer-malformed');
      stack.push(name);
      const path = stack.join('/');
      if (!ALLOWED_PATHS.has(path)) refuse('sts-answer-malformed');
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
    position = next + whole.length;
  }
  if (!closedRoot || stack.length > 0) refuse('sts-answer-malformed');
  for (const path of ALLOWED_PATHS) {
    if (path.includes('ResponseMetadata')) continue;
    if (counts.get(path) !== 1) refuse('sts-answer-malformed');
  }
  const arn = values.get(`${RESULT_PATH}/Arn`);
  const userId = values.get(`${RESULT_PATH}/UserId`);
  const account = values.get(`${RESULT_PATH}/Account`);
  if (!arn || !userId || !account || !/^\d{12}$/.test(account)) refuse('sts-answer-malformed');
  const arnParts = arn.split(':');
  if (arnParts.length !== 6 || arnParts[0] !== 'arn' || arnParts[4] !== account)
    refuse('sts-answer-inconsistent');
  return { arn, userId, account };
}

/**
 * The production verifier: sends the proof to STS as a request it builds itself (see the module comment).
 *
 * @example
 * ```ts
 * const verifier = new StsIdentityVerifier({ endpoint: 'https://sts.eu-west-1.amazonaws.com', region: 'eu-west-1' });
 * const { arn } = await verifier.verify({ headers: event.headers, body, audience });
 * ```
 */
export class StsIdentityVerifier implements IdentityVerifier {
  readonly #url: URL;
  readonly #region: string;
  readonly #transport: StsTransport;
  readonly #now: () => number;

  constructor(options: StsIdentityVerifierOptions) {
    this.#url = new URL(options.endpoint);
    this.#region = options.region;
    this.#transport = options.transport ?? defaultTransport;
    this.#now = options.now ?? Date.now;
  }

  async verify(input: ProofInput): Promise<VerifiedIdentity> {
    const authorization = input.headers[ProofHeader.AUTHORIZATION];
    const date = input.headers[ProofHeader.DATE];
    const token = input.headers[ProofHeader.SECURITY_TOKEN];
    if (authorization === undefined || date === undefined) refuse('proof-missing');
    for (const value of [authorization, date, token]) {
      if (value !== undefined && value.length > StsLimits.MAX_PROOF_HEADER_CHARS) refuse('proof-too-large');
    }
    const parts = AUTHORIZATION.exec(authorization);
    if (!parts) refuse('authorization-malformed');
    const [, , scopeDate, scopeRegion, scopeService, signedList] = parts as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (scopeService !== StsRequest.SERVICE) refuse('scope-not-sts');
    if (scopeRegion !== this.#region) refuse('scope-other-region');
    if (!date.startsWith(scopeDate)) refuse('scope-date-mismatch');
    const signed = signedList.split(';');
    if (new Set(signed).size !== signed.length) refuse('signed-headers-duplicate');
    for (const header of REQUIRED_SIGNED) if (!signed.includes(header)) refuse(`unsigned-${header}`);
    for (const header of signed) {
      if (!REQUIRED_SIGNED.includes(header) && !OPTIONAL_SIGNED.includes(header))
        refuse('signed-header-not-allowed');
    }
    if (signed.includes('x-amz-security-token') !== (token !== undefined)) refuse('security-token-mismatch');
    const signedAt = parseAmzDate(date);
    if (signedAt === undefined) refuse('date-malformed');
    const now = this.#now();
    if (now - signedAt > ProofWindow.MAX_AGE_MS) refuse('proof-expired');
    if (signedAt - now > ProofWindow.MAX_FUTURE_SKEW_MS) refuse('proof-from-future');

    // Every value below is the function's own: a proof signed over anything else fails at STS.
    const headers: Record<string, string> = {
      host: this.#url.host,
      'content-type': StsRequest.CONTENT_TYPE,
      'x-amz-date': date,
      [SignedProofHeader.AUDIENCE]: input.audience,
      [SignedProofHeader.BODY_SHA256]: createHash('sha256').update(input.body).digest('hex'),
      authorization,
    };
    if (token !== undefined) headers['x-amz-security-token'] = token;
    if (signed.includes('x-amz-content-sha256')) {
      headers['x-amz-content-sha256'] = createHash('sha256').update(StsRequest.BODY).digest('hex');
    }
    let answer: { status: number; body: string };
    try {
      answer = await this.#transport({
        url: new URL(StsRequest.PATH, this.#url).toString(),
        headers,
        body: StsRequest.BODY,
        timeoutMs: StsLimits.TIMEOUT_MS,
        maxResponseBytes: StsLimits.MAX_RESPONSE_BYTES,
      });
    } catch (cause) {
      throw new IdentityServiceUnavailableError({ cause });
    }
    if (answer.status >= 500 || answer.status === 429) throw new IdentityServiceUnavailableError();
    if (answer.status !== 200) refuse(`sts-refused-${answer.status}`);
    return parseGetCallerIdentityResponse(answer.body);
  }
}

/** What data is bound to, and what kind of principal it is. */
export interface IsolationUnit {
  /** The encryption-context value: `<account>:<unique id>` or `<account>:<role id>:<session name>`. */
  readonly id: string;
  readonly kind: 'iam-user' | 'role' | 'per-user-role-session';
}

/**
 * Role names whose session name is set by AWS to the signed-in user, not chosen by whoever assumes the
 * role: IAM Identity Center permission-set roles (`AWSReservedSSO_<PermissionSet>_<hash>`), whose trust
 * policy admits only the Identity Center SAML provider and which only Identity Center can change.
 */
export const DEFAULT_PER_USER_ROLE_PATTERNS: readonly RegExp[] = [/^AWSReservedSSO_[A-Za-z0-9+=,.@_-]+$/];

// AWS unique ids are uppercase (AIDA…, AROA…); the local emulator's IAM user ids are lowercase.
const UNIQUE_ID = /^[A-Za-z0-9]{16,128}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The isolation unit of a verified identity:
 * - an IAM user: the user (`<account>:<AIDA…>`);
 * - a session of a role whose name matches `perUserRolePatterns` (Identity Center): the role and the
 *   session name, i.e. the signed-in user (`<account>:<AROA…>:<user name>`);
 * - a session of any other role: the role (`<account>:<AROA…>`). Every session of that role shares the
 *   unit, because the session name is the assumer's free choice and cannot identify a person.
 * Unique ids, not names, so a deleted and recreated namesake never reads the old one's data. The root
 * user and federation-token users are refused.
 *
 * @throws UnsupportedPrincipalError (`UNSUPPORTED_PRINCIPAL`) for the root user or a federated user
 *
 * @example
 * ```ts
 * isolationUnitOf({ arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0a1b/jane', userId: 'AROAEXAMPLE1234567890:jane', account: '111122223333' });
 * // { id: '111122223333:AROAEXAMPLE1234567890:jane', kind: 'per-user-role-session' }
 * ```
 */
export function isolationUnitOf(
  identity: VerifiedIdentity,
  perUserRolePatterns: readonly RegExp[] = DEFAULT_PER_USER_ROLE_PATTERNS,
): IsolationUnit {
  const [uniqueId, session, ...rest] = identity.userId.split(':');
  if (uniqueId === undefined || !UNIQUE_ID.test(uniqueId) || rest.length > 0)
    throw new UnsupportedPrincipalError();
  const resource = identity.arn.split(':')[5] ?? '';
  if (session === undefined) {
    if (!resource.startsWith('user/')) throw new UnsupportedPrincipalError();
    return { id: `${identity.account}:${uniqueId}`, kind: 'iam-user' };
  }
  const [type, roleName, sessionName, ...more] = resource.split('/');
  if (type !== 'assumed-role' || !roleName || sessionName !== session || more.length > 0) {
    throw new UnsupportedPrincipalError();
  }
  if (perUserRolePatterns.some((pattern) => pattern.test(roleName))) {
    if (!SESSION_NAME.test(session)) throw new UnsupportedPrincipalError();
    return { id: `${identity.account}:${uniqueId}:${session}`, kind: 'per-user-role-session' };
  }
  return { id: `${identity.account}:${uniqueId}`, kind: 'role' };
}
