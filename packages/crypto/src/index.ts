export { AlgorithmSuiteId, type AlgorithmSuiteIdValue, Defaults, PUBLIC_KEY_CONTEXT_KEY } from './constants';
export {
  type CachedEncryptionKey,
  DataKeyCache,
  type DataKeyCacheProps,
  type DataKeyLease,
  type EncryptionKeyLease,
} from './data-key-cache';
export {
  type DecryptOptions,
  type DecryptResult,
  type EncryptOptions,
  type EncryptStreamOptions,
  EnvelopeEncryptor,
  type EnvelopeEncryptorProps,
} from './envelope-encryptor';
export {
  CryptoConfigurationError,
  CryptoError,
  CryptoErrorCode,
  type CryptoErrorCodeValue,
  EncryptionContextMismatchError,
  InvalidEncryptionContextError,
  InvalidMessageError,
  KeyNotAllowedError,
  KmsAccessDeniedError,
  KmsError,
  KmsFailureError,
  KmsInvalidCiphertextError,
  KmsKeyUnavailableError,
  KmsThrottledError,
  PayloadTooLargeError,
  UnsupportedFormatError,
} from './errors';
export {
  type EncryptedDataKey,
  type GeneratedDataKey,
  type KmsDiscoveryFilter,
  KmsKeyring,
  type KmsKeyringProps,
} from './keyring';
export type {
  EncryptionContext,
  KmsClientLike,
  KmsDecryptInput,
  KmsDecryptOutput,
  KmsEncryptInput,
  KmsEncryptOutput,
  KmsGenerateDataKeyInput,
  KmsGenerateDataKeyOutput,
} from './kms-client';
export { type KmsDecryptParams, type KmsEncryptParams, kmsDecrypt, kmsEncrypt } from './kms-direct';
