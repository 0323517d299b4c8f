import { LAMBDA_RUNTIME } from '@secure-lambda/contracts/runtime';

/** Secure defaults shared by the constructs. Each construct documents them with `@default`. */
export const Defaults = {
  /** KMS keys wait the longest window before deletion, so a mistaken destroy can be cancelled. */
  KEY_DELETION_WINDOW_DAYS: 30,
  /** Finite retention (CDK and terraform-aws-lambda default to forever). */
  LOG_RETENTION_DAYS: 365,
  /** The platform's one runtime setting, with its deprecation dates beside it (`@secure-lambda/contracts/runtime`). */
  LAMBDA_RUNTIME,
  LAMBDA_ARCHITECTURE: 'arm64',
  LAMBDA_MEMORY_MB: 256,
  LAMBDA_TIMEOUT_SECONDS: 30,
  DLQ_RETENTION_SECONDS: 14 * 24 * 60 * 60,
  HTTPS_PORT: 443,
  PARTITION: 'aws',
  ALIAS_NAME: 'live',
} as const;

/** CloudWatch Logs retention values the API accepts. */
export const LOG_RETENTION_VALUES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
