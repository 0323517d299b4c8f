function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The IAM principal that signed the request, when the event carries one: Function URLs and HTTP APIs with
 * `AWS_IAM` auth put it in `requestContext.authorizer.iam.userArn`, REST APIs in
 * `requestContext.identity.userArn`. Read defensively because the handler's event type is not known here.
 */
export function iamCaller(event: unknown): string | undefined {
  const requestContext = property(event, 'requestContext');
  return (
    nonEmptyString(property(property(property(requestContext, 'authorizer'), 'iam'), 'userArn')) ??
    nonEmptyString(property(property(requestContext, 'identity'), 'userArn'))
  );
}
