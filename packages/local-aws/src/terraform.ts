import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { errorMessage, LocalDeployError, type LocalStep } from './errors';

/** One line of terraform's machine-readable UI (`-json`), the fields this tool reads. */
interface UiMessage {
  readonly type: string;
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly hook?: {
    readonly resource?: { readonly addr?: string };
    readonly action?: string;
    readonly elapsed_seconds?: number;
    readonly id_key?: string;
    readonly id_value?: string;
    readonly error?: string;
  };
  readonly changes?: ChangeCounts & { readonly operation?: string };
  readonly diagnostic?: {
    readonly severity: string;
    readonly summary: string;
    readonly detail?: string;
    readonly address?: string;
  };
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

/** A resource event of an apply or destroy, for the progress display. */
export interface ResourceEvent {
  readonly kind: 'start' | 'done' | 'failed';
  readonly address: string;
  /** create, update, delete, ... */
  readonly action: string;
  readonly elapsedSeconds?: number;
}

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
}

export interface TerraformRun {
  readonly code: number | null;
  /** The plan's counts (change_summary with operation "plan"), when terraform printed one. */
  readonly planned?: ChangeCounts;
  /** The apply's or destroy's counts, when it got that far. */
  readonly applied?: ChangeCounts;
  readonly diagnostics: readonly Diagnostic[];
  /** Addresses whose apply failed (apply_errored). */
  readonly failed: readonly string[];
  readonly seconds: number;
  /** Non-JSON output (stderr and anything else), kept for error messages. */
  readonly rawOutput: string;
}

/**
 * Reads one UI line into the run so far; returns the resource event it describes, if any. Exported for
 * the unit tests, which feed it lines recorded from terraform 1.11.
 */
export function readUiLine(
  line: string,
  into: { planned?: ChangeCounts; applied?: ChangeCounts; diagnostics: Diagnostic[]; failed: string[] },
): ResourceEvent | undefined {
  let message: UiMessage;
  try {
    message = JSON.parse(line) as UiMessage;
  } catch {
    return undefined;
  }
  const address = message.hook?.resource?.addr;
  const action = message.hook?.action ?? '';
  switch (message.type) {
    case 'apply_start':
      return address ? { kind: 'start', address, action } : undefined;
    case 'apply_complete':
      return address
        ? { kind: 'done', address, action, elapsedSeconds: message.hook?.elapsed_seconds ?? 0 }
        : undefined;
    case 'apply_errored':
      if (!address) return undefined;
      into.failed.push(address);
      return { kind: 'failed', address, action, elapsedSeconds: message.hook?.elapsed_seconds ?? 0 };
    case 'change_summary': {
      const changes = message.changes;
      if (!changes) return undefined;
      const counts = { add: changes.add, change: changes.change, remove: changes.remove };
      if (changes.operation === 'plan') into.planned = counts;
      else into.applied = counts;
      return undefined;
    }
    case 'diagnostic':
      if (message.diagnostic) {
        const { severity, summary, detail, address: at } = message.diagnostic;
        into.diagnostics.push({
          severity,
          summary,
          ...(detail ? { detail } : {}),
          ...(at ? { address: at } : {}),
        });
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Runs terraform with `-json` UI output, reporting each resource event as it happens.
 * Resolves with what the run did; never rejects for a non-zero exit (the caller decides).
 */
export function runTerraformJson(
  step: LocalStep,
  args: readonly string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    onEvent?: (event: ResourceEvent) => void;
    /** Called once terraform has planned, before it changes anything. */
    onPlanned?: (counts: ChangeCounts) => void;
  },
): Promise<TerraformRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args, '-json', '-no-color'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const into: {
      planned?: ChangeCounts;
      applied?: ChangeCounts;
      diagnostics: Diagnostic[];
      failed: string[];
    } = { diagnostics: [], failed: [] };
    const raw: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) {
        raw.push(line);
        return;
      }
      const plannedBefore = into.planned;
      const event = readUiLine(line, into);
      if (event && event.action !== 'read') options.onEvent?.(event);
      if (into.planned && !plannedBefore) options.onPlanned?.(into.planned);
    });
    child.stderr.on('data', (chunk: Buffer) => raw.push(chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(
        new LocalDeployError(step, `could not start terraform (${errorMessage(error)}). Is it on PATH?`, {
          cause: error,
        }),
      ),
    );
    child.on('close', (code) =>
      resolve({
        code,
        ...into,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        rawOutput: raw.join('\n').trim(),
      }),
    );
  });
}

/** Runs terraform and collects its output (for init, output -json, plan -detailed-exitcode). */
export function runTerraform(
  step: LocalStep,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) =>
      reject(
        new LocalDeployError(step, `could not start terraform (${errorMessage(error)}). Is it on PATH?`, {
          cause: error,
        }),
      ),
    );
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Error diagnostics as indented lines, each with its resource address when terraform gave one. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const detail = d.detail ? `: ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
      return `    - ${d.address ? `${d.address}: ` : ''}${d.summary}${detail}`;
    })
    .join('\n');
}

/** The resources a failed run names: failed applies first, then addresses from error diagnostics. */
export function failedResources(run: TerraformRun): string[] {
  const fromDiagnostics = run.diagnostics
    .filter((d) => d.severity === 'error' && d.address)
    .map((d) => d.address as string);
  return [...new Set([...run.failed, ...fromDiagnostics])];
}
