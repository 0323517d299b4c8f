/**
 * The Lambda Function URL event (payload format 2.0) as a valibot schema: the same fields and rules as
 * Powertools Parser's `LambdaFunctionUrlSchema` (which is written in zod, about 200 KiB of the bundle), read by
 * Parser's `parse` through the Standard Schema interface. Unknown keys are dropped, as Parser's schema does.
 */
import * as v from 'valibot';

/*
 * Valibot's default messages quote the value received (`Expected string but received "..."`), and an event may
 * carry data: every message of this bundle names only what was expected, never what was sent.
 */
v.setGlobalMessage((issue) => `Invalid ${issue.kind}: expected ${issue.expected ?? issue.type}`);

const StringRecord = v.record(v.string(), v.string());
const StringArray = v.array(v.string());
const HttpMethod = v.picklist(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

const ClientCert = v.object({
  clientCertPem: v.string(),
  subjectDN: v.string(),
  issuerDN: v.string(),
  serialNumber: v.string(),
  validity: v.object({ notBefore: v.string(), notAfter: v.string() }),
});

const Authorizer = v.object({
  jwt: v.optional(v.object({ claims: v.record(v.string(), v.unknown()), scopes: v.nullable(StringArray) })),
  iam: v.optional(
    v.object({
      accessKey: v.optional(v.string()),
      accountId: v.optional(v.string()),
      callerId: v.optional(v.string()),
      principalOrgId: v.nullish(v.string()),
      userArn: v.optional(v.string()),
      userId: v.optional(v.string()),
      cognitoIdentity: v.nullish(
        v.object({ amr: StringArray, identityId: v.string(), identityPoolId: v.string() }),
      ),
    }),
  ),
  lambda: v.nullish(v.record(v.string(), v.unknown())),
});

const RequestContext = v.object({
  accountId: v.string(),
  apiId: v.string(),
  authorizer: v.optional(Authorizer),
  authentication: v.nullish(v.object({ clientCert: v.optional(ClientCert) })),
  domainName: v.string(),
  domainPrefix: v.string(),
  http: v.object({
    method: HttpMethod,
    path: v.string(),
    protocol: v.string(),
    sourceIp: v.pipe(v.string(), v.ip()),
    userAgent: v.string(),
  }),
  requestId: v.string(),
  routeKey: v.string(),
  stage: v.string(),
  time: v.string(),
  timeEpoch: v.number(),
});

/** A Function URL event, payload format 2.0. */
export const FunctionUrlEventSchema = v.object({
  version: v.string(),
  routeKey: v.string(),
  rawPath: v.string(),
  rawQueryString: v.string(),
  cookies: v.optional(StringArray),
  headers: StringRecord,
  queryStringParameters: v.optional(StringRecord),
  requestContext: RequestContext,
  body: v.optional(v.string()),
  pathParameters: v.nullish(StringRecord),
  isBase64Encoded: v.boolean(),
  stageVariables: v.nullish(StringRecord),
});
