import type { VersionView } from './verify';

/**
 * What the commands need from AWS, as one narrow interface. `aws-port.ts` implements it with the SDK v3
 * clients; tests of the wait and rollback logic implement it with a double (the emulator does not shift
 * traffic or evaluate alarms).
 */
export interface AliasView {
  readonly name: string;
  readonly version: string;
  /** Additional version → weight (0..1) while traffic is shifting. */
  readonly weights: Readonly<Record<string, number>>;
  readonly description: string;
}

export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Ready'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped';

export interface DeploymentView {
  readonly id: string;
  readonly status: DeploymentStatus;
  readonly createdAt?: Date;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Set when the deployment was rolled back (by CodeDeploy or by a stop with rollback). */
  readonly rolledBack?: boolean;
  readonly appSpec?: string;
}

export interface LifecycleEventView {
  /** BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic. */
  readonly name: string;
  /** Pending, InProgress, Succeeded, Failed, Skipped, Unknown. */
  readonly status: string;
  /** The hook function, when the AppSpec names one for this event. */
  readonly hook?: string;
}

export interface ReleasePort {
  getAlias(functionName: string, alias: string): Promise<AliasView>;
  listAliases(functionName: string): Promise<readonly AliasView[]>;
  /** Published version numbers, ascending (no $LATEST). */
  listVersions(functionName: string): Promise<readonly string[]>;
  updateAlias(
    functionName: string,
    alias: string,
    change: {
      readonly version?: string;
      readonly weights?: Readonly<Record<string, number>>;
      readonly description?: string;
    },
  ): Promise<void>;
  deleteVersion(functionName: string, version: string): Promise<void>;
  /**
   * One published version's code hash and configuration. Environment values are hashed as they are read
   * (see `environmentValueHash`): implementations never return them.
   */
  getVersion(functionName: string, version: string): Promise<VersionView>;
  /** ARN of the caller, for the release record. */
  callerArn(): Promise<string>;
  createDeployment(input: {
    readonly application: string;
    readonly deploymentGroup: string;
    readonly appSpec: string;
    readonly description: string;
  }): Promise<string>;
  getDeployment(id: string): Promise<DeploymentView>;
  /** Ids of deployments of the group that have not ended. */
  activeDeployments(application: string, deploymentGroup: string): Promise<readonly string[]>;
  /** The newest deployment of the group, ended or not. */
  latestDeployment(application: string, deploymentGroup: string): Promise<string | undefined>;
  stopDeployment(id: string, rollback: boolean): Promise<void>;
  /** Alarm name → OK | ALARM | INSUFFICIENT_DATA. */
  alarmStates(names: readonly string[]): Promise<Readonly<Record<string, string>>>;
  lifecycleEvents(deploymentId: string): Promise<readonly LifecycleEventView[]>;
}
