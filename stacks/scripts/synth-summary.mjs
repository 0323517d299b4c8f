#!/usr/bin/env node
// Prints what `cdktf synth` produced, per stack: resources by type, and each function with the grants
// in its role policy. Reads cdktf.out only; it calls nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stacksDir = path.join(root, 'cdktf.out', 'stacks');
if (!existsSync(stacksDir)) {
  console.error(`synth summary: ${path.relative(root, stacksDir)} does not exist; run npm run synth first.`);
  process.exit(1);
}

const metaPath = (block) => block?.['//']?.metadata?.path ?? '';

for (const stack of readdirSync(stacksDir).sort()) {
  const file = path.join(stacksDir, stack, 'cdk.tf.json');
  if (!existsSync(file)) continue;
  const tf = JSON.parse(readFileSync(file, 'utf8'));
  const byType = Object.entries(tf.resource ?? {})
    .map(([type, blocks]) => [type, Object.keys(blocks).length])
    .sort(([a], [b]) => a.localeCompare(b));
  const total = byType.reduce((n, [, c]) => n + c, 0);
  console.log(
    `\n${stack}: ${total} resources, ${Object.values(tf.data ?? {}).reduce((n, b) => n + Object.keys(b).length, 0)} data sources`,
  );
  for (const [type, count] of byType) console.log(`  ${String(count).padStart(3)}  ${type}`);
  const docs = Object.values(tf.data?.aws_iam_policy_document ?? {});
  for (const fn of Object.values(tf.resource?.aws_lambda_function ?? {})) {
    const fnPath = metaPath(fn).replace(/\/function$/, '');
    const policy = docs.find((d) => metaPath(d) === `${fnPath}/policy/document`);
    console.log(
      `  function ${fn.function_name}  (${fn.runtime}, ${fn.architectures?.join(',')}, ${fn.memory_size} MB, ${fn.timeout} s)`,
    );
    for (const s of policy?.statement ?? []) {
      const conditions = (s.condition ?? []).map((c) => `${c.variable}=${c.values.join('|')}`).join(', ');
      console.log(`    ${s.sid}: ${s.actions.join(' ')}${conditions ? `  [${conditions}]` : ''}`);
    }
  }
}
