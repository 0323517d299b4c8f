/**
 * What the deployment hook sends each app's new version before any traffic reaches it, and what the
 * answer must contain: calls that need no data or credentials, yet go through the handler's parsing and
 * checks. stacks puts them into the hook's SMOKE_TESTS (keyed by function name); the system tests run each
 * against the built bundle.
 */
import { functionUrlEvent } from './function-url-event';
import type { StackApp } from './stack-outputs';

/** One smoke test: the event, and fields the answer must contain (compared recursively). */
export interface SmokeTest {
  readonly event: unknown;
  readonly expect: Readonly<Record<string, unknown>>;
}

/** object-processor: an S3 notification with no records is read, and answers that it processed none. */
export const OBJECT_PROCESSOR_SMOKE_TEST: SmokeTest = {
  event: { Records: [] },
  expect: { records: 0 },
};

/**
 * crypto-api: a Function URL request with no identity proof, which the API must refuse with 403 (a version
 * that accepted it would be broken in the worst way). The hook holds no caller's credentials and can sign
 * no proof, so it can never act as a caller of the crypto API. The host is `.invalid`: this event never
 * came through a real URL, and says so.
 */
export const CRYPTO_API_SMOKE_TEST: SmokeTest = {
  event: functionUrlEvent({
    url: 'https://deployment-hook.invalid/encrypt',
    accountId: 'anonymous',
    requestId: 'deployment-hook-smoke',
    time: new Date(0),
    headers: { 'content-type': 'application/json' },
    userAgent: 'deployment-hook',
    body: '{}',
  }),
  expect: { statusCode: 403 },
};

/** Each app's smoke test, by app id. */
export const SMOKE_TESTS: Readonly<Record<StackApp, SmokeTest>> = {
  'object-processor': OBJECT_PROCESSOR_SMOKE_TEST,
  'crypto-api': CRYPTO_API_SMOKE_TEST,
};
