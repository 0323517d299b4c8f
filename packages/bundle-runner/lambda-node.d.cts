/** Thrown when the pinned Node binary cannot be had; the message says what to do. */
export declare class LambdaNodeError extends Error {
  readonly code: 'LAMBDA_NODE_UNAVAILABLE';
}
/** The Lambda runtime's Node binary. */
export interface LambdaNode {
  /** Absolute path of the `node` executable. */
  readonly path: string;
  /** Its `process.version`, e.g. `v22.23.5`. */
  readonly version: string;
  /** The major of `version`, e.g. 22. */
  readonly major: number;
}
/** The Lambda runtime's Node binary, installed first (npm ci from lambda-node/'s lockfile) if needed. */
export declare function lambdaNode(): LambdaNode;
/** Installs the pinned binary unless it is there; returns its path. */
export declare function installLambdaNode(): string;
/** The version lambda-node/package.json pins for `pkg` (default: this machine's package). */
export declare function pinnedVersion(pkg?: string): string;
/** The npm package that ships Node for a platform and architecture (default: this machine's). */
export declare function platformPackage(platform?: string, arch?: string): string;
