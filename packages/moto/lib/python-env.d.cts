/** Types of python-env.cjs: the virtualenv location shared by scripts/python-env.mjs and this package. */
export declare const PythonEnv: {
  readonly VENV_ENV: 'SECURE_LAMBDA_VENV';
  readonly PYTHON_ENV: 'SECURE_LAMBDA_PYTHON';
  readonly VENV_DIR_NAME: '.venv';
  readonly REQUIREMENTS_FILE: 'requirements.txt';
  readonly SETUP_COMMAND: 'npm run setup:python';
};

/** Where the virtualenv location came from: SECURE_LAMBDA_VENV or the repository default. */
export type VenvSource = 'env' | 'repo';

export declare function findRepoRoot(start: string): string | undefined;

export declare function resolveVenvDir(
  repoRoot: string,
  env?: NodeJS.ProcessEnv,
): { readonly venvDir: string; readonly source: VenvSource };

export declare function venvExecutable(venvDir: string, name: string): string;
