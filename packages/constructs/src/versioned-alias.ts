import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { Construct } from 'constructs';
import { Defaults } from './constants';

export interface VersionedAliasProps {
  readonly functionName: string;
  /** The published version the alias points at (the function's `version` attribute). */
  readonly functionVersion: string;
  /** @default 'live' */
  readonly name?: string;
  /**
   * Set when a deployment service (CodeDeploy) moves the alias: Terraform then ignores the alias's
   * version and routing, so the two never fight.
   * @default false (Terraform moves the alias to each newly published version)
   */
  readonly managedByDeployments?: boolean;
}

/**
 * The alias callers invoke (`live`), pointing at a published, immutable version rather than
 * `$LATEST`, so a rollback is one alias update.
 *
 * @example
 * ```ts
 * const alias = new VersionedAlias(this, 'live', { functionName: fn.functionName, functionVersion: fn.version });
 * ```
 */
export class VersionedAlias extends Construct {
  readonly alias: LambdaAlias;
  readonly aliasArn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: VersionedAliasProps) {
    super(scope, id);
    this.name = props.name ?? Defaults.ALIAS_NAME;
    this.alias = new LambdaAlias(this, 'alias', {
      name: this.name,
      description: 'Callers invoke this alias; it points at a published version.',
      functionName: props.functionName,
      functionVersion: props.functionVersion,
      // cdktf copies ignore_changes verbatim, so these are Terraform's snake_case names. The description
      // holds the release record `secure-lambda release` writes (the version it replaced), kept in AWS so
      // anyone can roll back; Terraform must not wipe it.
      lifecycle: {
        ignoreChanges: props.managedByDeployments
          ? ['description', 'function_version', 'routing_config']
          : ['description'],
      },
    });
    this.aliasArn = this.alias.arn;
  }
}
