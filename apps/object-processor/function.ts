import { defineFunction } from '@secure-lambda/contracts/functions';
import { OBJECT_PROCESSOR_SMOKE_TEST } from '@secure-lambda/contracts/smoke-events';

/** Envelope-encrypts each new object under incoming/ of the input bucket into the output bucket. */
export default defineFunction({
  name: 'object-processor',
  description: 'Envelope-encrypts new objects of the input bucket into the output bucket.',
  memorySize: 512,
  timeout: 300,
  // Its own prefix of the shared input bucket: other functions take other prefixes (S3 allows no overlap).
  trigger: { type: 's3', bucket: 'input', prefix: 'incoming/' },
  grants: [
    { type: 'bucket', bucket: 'input', access: 'read', prefix: 'incoming/' },
    // Read as well as write: HeadObject on the output skips a source version already written (idempotency),
    // and ListBucket makes a missing object a 404 rather than a 403.
    { type: 'bucket', bucket: 'output', access: 'read-write' },
    { type: 'data-key', use: 'encrypt', encryptionContext: { app: 'object-processor' } },
  ],
  smokeTest: OBJECT_PROCESSOR_SMOKE_TEST,
});
