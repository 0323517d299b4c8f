import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LAMBDA_RUNTIME, runtimeStatus } from '@secure-lambda/contracts/runtime';

/**
 * The app `cdktf synth` runs (dist/main.js): every function of every stack carries the runtime-currency
 * warning exactly when LAMBDA_RUNTIME is within 180 days of its deprecation (or past it), as cdktf prints it.
 */
test('synth warns on every function when the platform runtime nears its deprecation', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'Main-Synth-'));
  try {
    const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'dist', 'main.js')], {
      env: { ...process.env, CDKTF_OUTDIR: out },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      stacks: Record<
        string,
        { annotations: Array<{ constructPath: string; level: string; message: string }> }
      >;
    };
    const functions = Object.keys(manifest.stacks)
      .filter((name) => !name.includes('bootstrap'))
      .flatMap((name) => {
        const json = JSON.parse(readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
        return Object.values(
          json.resource.aws_lambda_function as Record<string, { '//': { metadata: { path: string } } }>,
        ).map((f) => f['//'].metadata.path);
      });
    expect(functions.length).toBeGreaterThanOrEqual(5);
    const warned = Object.values(manifest.stacks)
      .flatMap((s) => s.annotations)
      .filter((a) => a.message.startsWith(`runtime ${LAMBDA_RUNTIME} is deprecated by AWS`))
      .map((a) => a.constructPath);
    const state = runtimeStatus(LAMBDA_RUNTIME, new Date()).state;
    expect(warned.sort()).toEqual(
      state === 'deprecating' || state === 'deprecated' ? [...functions].sort() : [],
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
