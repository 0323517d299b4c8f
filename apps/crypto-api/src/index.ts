/**
 * Lambda entry point of the crypto API (Function URL, AWS_IAM auth). Clients are created once per
 * execution environment, at module scope, so warm invocations reuse the KMS connection and the data-key
 * cache. Environment: KEY_ARN (required), AWS_REGION (set by Lambda), plus the Powertools variables the
 * observability setup reads. Callers are identified by STS (@secure-lambda/caller-identity), not by the event.
 */

import { StsIdentityVerifier } from '@secure-lambda/caller-identity';
import { DataKeyCache } from '@secure-lambda/crypto';
import { createKmsClient } from '@secure-lambda/crypto/kms-sdk';
import { createObservability, withObservability } from '@secure-lambda/observability';
import { createCryptoApi } from './api';
import { createEncryptor, readConfig } from './config';
import { CacheSettings, SERVICE_NAME } from './constants';

const config = readConfig(process.env);
const observability = createObservability({ serviceName: SERVICE_NAME });

const cache = new DataKeyCache({
  capacity: CacheSettings.CAPACITY,
  maxAgeMs: CacheSettings.MAX_AGE_MS,
  maxMessagesPerKey: CacheSettings.MAX_MESSAGES_PER_KEY,
});

const api = createCryptoApi({
  encryptor: createEncryptor({ client: createKmsClient(), keyArn: config.keyArn, cache }),
  verifier: new StsIdentityVerifier({ endpoint: config.stsEndpoint, region: config.region }),
  logger: observability.logger,
  metrics: observability.metrics,
});

/**
 * The Lambda handler: `POST /encrypt` and `POST /decrypt` behind a Function URL with AWS_IAM auth.
 *
 * @example
 * ```ts
 * // Lambda configuration: handler "index.handler", runtime nodejs22.x, env KEY_ARN=arn:aws:kms:…
 * const response = await handler(functionUrlEvent, context);
 * ```
 */
export const handler = withObservability(api, observability);
