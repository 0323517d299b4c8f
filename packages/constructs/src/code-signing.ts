import { LambdaCodeSigningConfig } from '@cdktf/provider-aws/lib/lambda-code-signing-config';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SignerSigningJob } from '@cdktf/provider-aws/lib/signer-signing-job';
import { SignerSigningProfile } from '@cdktf/provider-aws/lib/signer-signing-profile';
import { Construct } from 'constructs';
import { InvalidPropError } from './errors';
import type { SecureBucket } from './secure-bucket';

export interface CodeSigningProps {
  /** Signer profile name prefix: letters, digits and underscores only (Signer's rule); a suffix is added. */
  readonly profileName: string;
  /** Versioned bucket the unsigned and signed bundles go through (Signer reads object versions). */
  readonly artifactBucket: SecureBucket;
  /**
   * How long signatures stay valid, in months.
   * @default 60
   */
  readonly signatureValidityMonths?: number;
}

/** Where a signed bundle is: what a function deploys from instead of a local file. */
export interface SignedBundle {
  readonly s3Bucket: string;
  readonly s3Key: string;
}

/**
 * Code signing for functions: a Signer profile, a code-signing config that enforces it (unsigned or
 * foreign-signed code is rejected at deploy), and the signing of each bundle. Signing goes through S3
 * because Lambda verifies the signature on the deployed object: upload the zip, run a signing job, and
 * deploy from the signed copy. `terraform plan` cannot see signatures; apply fails closed.
 *
 * @example
 * ```ts
 * const signing = new CodeSigning(this, 'signing', { profileName: 'app_dev', artifactBucket });
 * new SecureFunction(this, 'fn', { ...props, codeSigning: signing });
 * ```
 */
export class CodeSigning extends Construct {
  readonly profile: SignerSigningProfile;
  readonly config: LambdaCodeSigningConfig;
  readonly configArn: string;
  readonly #bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: CodeSigningProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_]{2,38}$/.test(props.profileName)) {
      throw new InvalidPropError(
        this.node.path,
        'profileName',
        `${JSON.stringify(props.profileName)}: Signer profile name prefixes take 2-38 letters, digits and underscores.`,
      );
    }
    const months = props.signatureValidityMonths ?? 60;
    if (!Number.isInteger(months) || months < 1 || months > 135) {
      throw new InvalidPropError(
        this.node.path,
        'signatureValidityMonths',
        `${months} is outside 1..135 months.`,
      );
    }
    this.#bucket = props.artifactBucket;
    this.profile = new SignerSigningProfile(this, 'profile', {
      // A prefix, not a name: a destroyed profile is only cancelled and keeps its name for good, so a
      // fixed name could never be created again.
      namePrefix: `${props.profileName}_`,
      platformId: 'AWSLambda-SHA384-ECDSA',
      signatureValidityPeriod: { type: 'MONTHS', value: months },
    });
    this.config = new LambdaCodeSigningConfig(this, 'config', {
      description: `Only code signed by the ${props.profileName} profile may deploy.`,
      allowedPublishers: { signingProfileVersionArns: [this.profile.versionArn] },
      policies: { untrustedArtifactOnDeployment: 'Enforce' },
    });
    this.configArn = this.config.arn;
  }

  /**
   * Uploads one bundle and signs it; returns the signed object to deploy. The key carries the bundle's
   * hash, so a new bundle is a new object (and a new signing job) and an unchanged one is neither.
   */
  sign(scope: Construct, name: string, bundlePath: string, bundleHashHex: string): SignedBundle {
    const unsigned = new S3Object(scope, 'unsigned-bundle', {
      bucket: this.#bucket.bucketName,
      key: `unsigned/${name}/${bundleHashHex}.zip`,
      source: bundlePath,
      // The bucket's default encryption (SSE-KMS) applies; no per-object override. Upload only once the
      // bucket is versioned and encrypted: Signer needs the object's version, and the key must apply.
      dependsOn: this.#bucket.readyFor,
    });
    const job = new SignerSigningJob(scope, 'signing-job', {
      profileName: this.profile.name,
      source: { s3: { bucket: this.#bucket.bucketName, key: unsigned.key, version: unsigned.versionId } },
      destination: { s3: { bucket: this.#bucket.bucketName, prefix: `signed/${name}/` } },
      ignoreSigningJobFailure: false,
    });
    const signed = job.signedObject.get(0).s3.get(0);
    return { s3Bucket: signed.bucket, s3Key: signed.key };
  }
}
