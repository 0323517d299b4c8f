import { defineFunction } from '@secure-lambda/contracts/functions';
import { CRYPTO_API_SMOKE_TEST } from '@secure-lambda/contracts/smoke-events';

/** Encrypts and decrypts payloads for the caller, as STS identifies it (a Function URL with AWS_IAM). */
export default defineFunction({
  name: 'crypto-api',
  description: 'Encrypts and decrypts payloads for the caller, as STS identifies it.',
  trigger: { type: 'url' },
  grants: [{ type: 'data-key', use: 'encrypt-decrypt', encryptionContext: { app: 'crypto-api' } }],
  smokeTest: CRYPTO_API_SMOKE_TEST,
});
