/**
 * Versions of the documents one package writes and another reads. A reader refuses any other version
 * rather than half-understanding it (the model: AWS CDK's cloud-assembly-schema).
 */
export const ContractVersions = {
  /**
   * The `release` output of a platform stack (stacks writes it, `secure-lambda` reads it). 2 added
   * `expected`: what a version must be to be promoted; format 1 could not be verified.
   */
  RELEASE_MANIFEST: 2,
} as const;

/** The format of the `release` output this version writes and reads. */
export const RELEASE_MANIFEST_FORMAT = ContractVersions.RELEASE_MANIFEST;

/**
 * The local stack: the dev configuration deployed to a moto server on this machine (`npm run
 * deploy:local`). Its name decides its folder under `.local/` and its state file.
 */
export const LOCAL_STACK_NAME = 'secure-lambda-local';

/** The only address the emulator listens on: a local deployment never leaves this machine. */
export const EMULATOR_HOST = '127.0.0.1';

/**
 * The fake credentials every client of the local emulator signs with. moto accepts any; the account it
 * serves comes from MOTO_ACCOUNT_ID. Never real ones: a client holding these talks only to 127.0.0.1, so
 * no real credential is ever sent to the emulator (or anywhere else by mistake).
 */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
