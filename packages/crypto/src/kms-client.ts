/**
 * The minimal KMS surface the crypto core needs. It has the shape of the aggregated AWS SDK v3 `KMS`
 * client's methods, so the core never imports the SDK: production code passes the adapter from
 * `@secure-lambda/crypto/kms-sdk`, unit tests an in-memory double.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface KmsGenerateDataKeyInput {
  readonly KeyId: string;
  readonly NumberOfBytes: number;
  readonly EncryptionContext?: EncryptionContext;
  readonly GrantTokens?: readonly string[];
}

export interface KmsEncryptInput {
  readonly KeyId: string;
  readonly Plaintext: Uint8Array;
  readonly EncryptionContext?: EncryptionContext;
  readonly GrantTokens?: readonly string[];
}

export interface KmsDecryptInput {
  readonly KeyId: string;
  readonly CiphertextBlob: Uint8Array;
  readonly EncryptionContext?: EncryptionContext;
  readonly GrantTokens?: readonly string[];
}

export interface KmsGenerateDataKeyOutput {
  readonly KeyId?: string | undefined;
  readonly Plaintext?: Uint8Array | undefined;
  readonly CiphertextBlob?: Uint8Array | undefined;
}

export interface KmsEncryptOutput {
  readonly KeyId?: string | undefined;
  readonly CiphertextBlob?: Uint8Array | undefined;
}

export interface KmsDecryptOutput {
  readonly KeyId?: string | undefined;
  readonly Plaintext?: Uint8Array | undefined;
}

/**
 * What the crypto core calls. Errors are expected to carry the SDK exception `name`
 * (`AccessDeniedException`, `ThrottlingException`, …); the core maps them to typed errors.
 */
export interface KmsClientLike {
  generateDataKey(input: KmsGenerateDataKeyInput): Promise<KmsGenerateDataKeyOutput>;
  encrypt(input: KmsEncryptInput): Promise<KmsEncryptOutput>;
  decrypt(input: KmsDecryptInput): Promise<KmsDecryptOutput>;
}
