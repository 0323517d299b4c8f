/**
 * Builders of realistic Lambda Function URL events (payload format 2.0) as AWS_IAM auth delivers them:
 * the SigV4-verified caller in `requestContext.authorizer.iam`, plus the identity-proof headers. For unit
 * tests the proof is a stand-in (`test-proof <user id>`) that {@link PersonaVerifier} resolves; the bundle
 * tests use real proofs signed by the client and checked by (moto's) STS.
 */

import type { IdentityVerifier, ProofInput, VerifiedIdentity } from '@secure-lambda/caller-identity';
import { type IamCaller, functionUrlEvent as urlEvent } from '@secure-lambda/contracts/function-url-event';
import { ProofHeader } from '@secure-lambda/crypto-api-client/protocol';
import { IdentityNotVerifiedError } from '../src/errors';

/** The signed caller, as the Function URL reports it (the contracts' shape). */
export type { IamCaller };

export const ALICE: IamCaller = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  accountId: '111122223333',
  callerId: 'AIDAJQABLZS4A3QDU576Q',
  userArn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAJQABLZS4A3QDU576Q',
};

export const BOB: IamCaller = {
  accessKey: 'ASIAIOSFODNN7EXAMPLE',
  accountId: '111122223333',
  callerId: 'AROAJQABLZS4A3QDU576Q:bob-session',
  userArn: 'arn:aws:sts::111122223333:assumed-role/analyst/bob-session',
  userId: 'AROAJQABLZS4A3QDU576Q:bob-session',
};

/** Another session of BOB's role, named by whoever assumed it. */
export const BOB_LATER: IamCaller = {
  ...BOB,
  callerId: 'AROAJQABLZS4A3QDU576Q:other-session',
  userArn: 'arn:aws:sts::111122223333:assumed-role/analyst/other-session',
  userId: 'AROAJQABLZS4A3QDU576Q:other-session',
};

/** A role deleted and recreated with BOB's role name: a new unique id. */
export const BOB_RECREATED: IamCaller = {
  ...BOB,
  callerId: 'AROAZZZZZZZZZZZZZZZZZ:bob-session',
  userId: 'AROAZZZZZZZZZZZZZZZZZ:bob-session',
};

const SSO_ROLE = 'AWSReservedSSO_DataAnalyst_0123456789abcdef';
const SSO_ROLE_ID = 'AROAQQQQQQQQQQQQQQQQQ';

/** Two users of one IAM Identity Center permission set: one role, session names set by Identity Center. */
export const SSO_JANE: IamCaller = {
  accessKey: 'ASIAJANEEXAMPLE00001',
  accountId: '111122223333',
  callerId: `${SSO_ROLE_ID}:jane@example.com`,
  userArn: `arn:aws:sts::111122223333:assumed-role/${SSO_ROLE}/jane@example.com`,
  userId: `${SSO_ROLE_ID}:jane@example.com`,
};
export const SSO_JOHN: IamCaller = {
  accessKey: 'ASIAJOHNEXAMPLE00001',
  accountId: '111122223333',
  callerId: `${SSO_ROLE_ID}:john@example.com`,
  userArn: `arn:aws:sts::111122223333:assumed-role/${SSO_ROLE}/john@example.com`,
  userId: `${SSO_ROLE_ID}:john@example.com`,
};

/** The root user: STS answers for it, the API refuses it. */
export const ROOT: IamCaller = {
  accessKey: 'AKIAROOTEXAMPLE00001',
  accountId: '111122223333',
  callerId: '111122223333',
  userArn: 'arn:aws:iam::111122223333:root',
  userId: '111122223333',
};

export const PERSONAS: readonly IamCaller[] = [
  ALICE,
  BOB,
  BOB_LATER,
  BOB_RECREATED,
  SSO_JANE,
  SSO_JOHN,
  ROOT,
];

const URL_ID = 'abcdefghijklmnopqrstuvwxyz012345';
/** The account that owns the function: `requestContext.accountId` (the caller's is in `iam`). */
const FUNCTION_ACCOUNT = '444455556666';
/** The region of the function the unit tests stand for: its URL and its ARN (the audience) name it. */
const FUNCTION_REGION = 'us-east-1';

/** The audience the unit tests' API instances check (the bundle tests get theirs from the Lambda context). */
export const TEST_AUDIENCE = `arn:aws:lambda:${FUNCTION_REGION}:${FUNCTION_ACCOUNT}:function:crypto-api`;

/** The principal the API binds data to: account and unique id, without the session name. */
export function principalId(caller: IamCaller): string {
  return `${caller.accountId}:${caller.userId.split(':')[0]}`;
}

export interface EventOptions {
  /** @default 'POST' */
  readonly method?: string;
  /** @default '/encrypt' */
  readonly path?: string;
  /** @default no body */
  readonly body?: string;
  /** @default false */
  readonly isBase64Encoded?: boolean;
  /**
   * The signed caller; null gives a request context without an authorizer (AuthType NONE).
   * @default ALICE
   */
  readonly caller?: IamCaller | null;
  /**
   * Who the identity proof is for; null sends no proof.
   * @default the caller
   */
  readonly proofFor?: IamCaller | null;
}

const PROOF_PREFIX = 'test-proof ';

/** Stand-in proof headers naming `caller`, for the {@link PersonaVerifier}. */
export function proofHeaders(caller: IamCaller): Record<string, string> {
  return {
    [ProofHeader.AUTHORIZATION]: `${PROOF_PREFIX}${caller.userId}`,
    [ProofHeader.DATE]: '20251129T120000Z',
  };
}

/**
 * The identity verifier double: resolves a stand-in proof to one of the known personas, as STS resolves a
 * real one to the signer. Records what it was asked, so tests can see the body and audience it was given.
 */
export class PersonaVerifier implements IdentityVerifier {
  readonly seen: ProofInput[] = [];
  readonly #personas: Map<string, IamCaller>;

  constructor(personas: readonly IamCaller[]) {
    this.#personas = new Map(personas.map((p) => [p.userId, p]));
  }

  async verify(input: ProofInput): Promise<VerifiedIdentity> {
    this.seen.push(input);
    const proof = input.headers[ProofHeader.AUTHORIZATION];
    const persona = proof?.startsWith(PROOF_PREFIX)
      ? this.#personas.get(proof.slice(PROOF_PREFIX.length))
      : undefined;
    if (!persona) throw new IdentityNotVerifiedError('proof-missing');
    return { arn: persona.userArn, userId: persona.userId, account: persona.accountId };
  }
}

/**
 * A Function URL event for one signed request (the contracts' builder, with realistic AWS headers).
 *
 * @example
 * ```ts
 * const event = functionUrlEvent({ path: '/encrypt', body: JSON.stringify({ plaintext: 'aGk=' }) });
 * ```
 */
export function functionUrlEvent(options: EventOptions = {}): Record<string, unknown> {
  const caller = options.caller === undefined ? ALICE : options.caller;
  const proofFor = options.proofFor === undefined ? caller : options.proofFor;
  return urlEvent({
    url: `https://${URL_ID}.lambda-url.${FUNCTION_REGION}.on.aws${options.path ?? '/encrypt'}`,
    method: options.method ?? 'POST',
    accountId: FUNCTION_ACCOUNT,
    requestId: '5f1c7a9e-7e0b-4a55-9d54-2f0e1c3b4a5d',
    time: new Date('2025-11-29T12:00:00Z'),
    sourceIp: '203.0.113.10',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'aws-sdk-js/3.1164.0',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20251129T120000Z',
      'x-amzn-tls-cipher-suite': 'TLS_AES_128_GCM_SHA256',
      'x-amzn-tls-version': 'TLSv1.3',
      'x-amzn-trace-id': 'Root=1-692ae070-0123456789abcdef01234567',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(proofFor ? proofHeaders(proofFor) : {}),
    },
    ...(caller === null ? {} : { caller }),
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.isBase64Encoded === undefined ? {} : { isBase64Encoded: options.isBase64Encoded }),
  });
}

/** A `POST /encrypt` event for `plaintext`. */
export function encryptEvent(plaintext: Buffer, caller: IamCaller = ALICE): Record<string, unknown> {
  return functionUrlEvent({
    path: '/encrypt',
    body: JSON.stringify({ plaintext: plaintext.toString('base64') }),
    caller,
  });
}

/** A `POST /decrypt` event for a base64 ciphertext. */
export function decryptEvent(ciphertext: string, caller: IamCaller = ALICE): Record<string, unknown> {
  return functionUrlEvent({ path: '/decrypt', body: JSON.stringify({ ciphertext }), caller });
}

/** A marker put into bad input: a test asserts it never comes back in a response or a log line. */
export const CANARY = 'CANARY7f3e1d';
