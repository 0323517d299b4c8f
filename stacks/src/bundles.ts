import { existsSync } from 'node:fs';
import path from 'node:path';

/** Repository root (this file runs as stacks/dist/bundles.js or stacks/src/bundles.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The placeholder the stacks' own build step writes (scripts/placeholder-bundle.mjs). */
export const PLACEHOLDER_BUNDLE = path.join(REPO_ROOT, 'stacks', 'dist', 'placeholders', 'placeholder.zip');

export interface ResolvedBundle {
  readonly path: string;
  readonly placeholder: boolean;
}

/**
 * The built zip of a handler app (`apps/<app>/dist/<app>.zip`) when it exists, else the placeholder.
 * The stacks never zip anything; they only point at what the build produced.
 */
export function resolveBundle(app: string): ResolvedBundle {
  const built = path.join(REPO_ROOT, 'apps', app, 'dist', `${app}.zip`);
  if (existsSync(built)) return { path: built, placeholder: false };
  return { path: PLACEHOLDER_BUNDLE, placeholder: true };
}
