/**
 * One builder of Lambda Function URL events (payload format 2.0), for everything that has to stand in for
 * a Function URL: the deployment hook's smoke event, deploy:local's crypto API round trip (URLs cannot be
 * called on the emulator) and the crypto API's unit tests. The region, account and host come from the
 * caller, never from a constant here.
 */
import { FunctionUrlEventError } from './errors';

/** The signed caller, as a Function URL with AWS_IAM auth reports it in `requestContext.authorizer.iam`. */
export interface IamCaller {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly userArn: string;
  readonly userId: string;
}

export interface FunctionUrlEventOptions {
  /**
   * The URL the request went to, e.g. `https://<url-id>.lambda-url.<region>.on.aws/encrypt?x=1`: its host
   * gives `domainName`, `domainPrefix`, `apiId` and the `host` header; its path and query give `rawPath`
   * and `rawQueryString`.
   */
  readonly url: string;
  /** The account that owns the function (`requestContext.accountId`; the caller's is in `caller`). */
  readonly accountId: string;
  /** Identifies this request; a real URL sets a UUID. */
  readonly requestId: string;
  /** When the request arrived: `time` and `timeEpoch`. */
  readonly time: Date;
  /** @default 'POST' */
  readonly method?: string;
  /** Request headers, lower-case names; `host` is always set from `url`. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default no body */
  readonly body?: string;
  /** @default false */
  readonly isBase64Encoded?: boolean;
  /** The verified caller; left out, the event has no authorizer (AuthType NONE, or a direct invoke). @default none */
  readonly caller?: IamCaller;
  /** @default '127.0.0.1' */
  readonly sourceIp?: string;
  /** @default the user-agent header, else 'secure-lambda' */
  readonly userAgent?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `29/Nov/2025:12:00:00 +0000`: the form Function URLs write `requestContext.time` in. */
export function functionUrlTime(time: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:` +
    `${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())} +0000`
  );
}

/**
 * A Function URL event for one request, shaped as Lambda delivers it.
 *
 * @throws {FunctionUrlEventError} when `url` is not an https URL.
 * @example
 * ```ts
 * functionUrlEvent({
 *   url: `https://${urlId}.lambda-url.${region}.on.aws/encrypt`,
 *   accountId: '444455556666',
 *   requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
 *   time: new Date(),
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ plaintext: 'aGk=' }),
 * });
 * ```
 */
export function functionUrlEvent(options: FunctionUrlEventOptions) {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (error) {
    throw new FunctionUrlEventError(`${JSON.stringify(options.url)} is not a URL; pass the Function URL.`, {
      cause: error,
    });
  }
  if (url.protocol !== 'https:') {
    throw new FunctionUrlEventError(`${options.url} is not https; Function URLs are https only.`);
  }
  const urlId = url.hostname.split('.')[0] as string;
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = { ...options.headers, host: url.host };
  return {
    version: '2.0' as const,
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: options.accountId,
      apiId: urlId,
      ...(options.caller
        ? {
            authorizer: {
              iam: { ...pickCaller(options.caller), cognitoIdentity: null, principalOrgId: null },
            },
          }
        : {}),
      domainName: url.host,
      domainPrefix: urlId,
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: options.userAgent ?? headers['user-agent'] ?? 'secure-lambda',
      },
      requestId: options.requestId,
      routeKey: '$default',
      stage: '$default',
      time: functionUrlTime(options.time),
      timeEpoch: options.time.getTime(),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

export type FunctionUrlEvent = ReturnType<typeof functionUrlEvent>;

/** Only the fields AWS reports, in its order, whatever else the caller object carries. */
function pickCaller(caller: IamCaller): IamCaller {
  const { accessKey, accountId, callerId, userArn, userId } = caller;
  return { accessKey, accountId, callerId, userArn, userId };
}
