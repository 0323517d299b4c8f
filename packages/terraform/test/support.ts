import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandIo } from '../src';

/** A fresh temporary folder with a mixed-case name (the lane must not depend on where it runs). */
export function tempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `Secure-Lambda-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `text` at `dir/relative`, making the folders. */
export function put(dir: string, relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A CommandIo that records what a command wrote. */
export function recordingIo(env: NodeJS.ProcessEnv = {}): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTty: false,
    env,
  };
}

/**
 * A plan (`terraform show -json`) with one resource change per entry.
 *
 * @example
 * planJson([['aws_s3_bucket.a', ['create']]]);
 */
export function planJson(changes: readonly [address: string, actions: readonly string[], after?: unknown][]) {
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_changes: changes.map(([address, actions, after]) => {
      const [type, name] = address.split('.') as [string, string];
      return {
        address,
        mode: 'managed',
        type,
        name,
        provider_name: 'registry.terraform.io/hashicorp/aws',
        change: { actions, before: null, after: after ?? {}, after_unknown: {} },
      };
    }),
  };
}
