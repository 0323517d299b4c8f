/**
 * Review time of the shipped plans (dev and prod, `test/fixtures/shipped`) and of a synthetic plan of at
 * least 1,000 resource changes built from the prod plan: its resources replicated under new names, with
 * every reference between them renamed alike, so each copy is reviewed as the original is.
 *
 *   npm run bench -w @secure-lambda/review
 *
 * Each plan is parsed, reviewed and rendered in every format in each round; rounds alternate between the
 * plans, so a busy neighbour slows them alike; medians are printed side by side. Nothing is asserted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatJson } from '../src/format/json';
import { formatMarkdown } from '../src/format/markdown';
import { formatSarif } from '../src/format/sarif';
import { formatText } from '../src/format/text';
import { type JsonValue, parsePlan } from '../src/plan';
import { reviewPlans } from '../src/review';

const SHIPPED = path.join(__dirname, '..', 'test', 'fixtures', 'shipped');
const TARGET_RESOURCES = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

type Json = Record<string, JsonValue>;

/** `type.name` or `data.type.name` of every resource change (module-less plans, as ours are). */
function addressesOf(plan: Json): string[] {
  return (plan.resource_changes as Json[]).map((rc) => String(rc.address).replace(/\[.*$/, ''));
}

/** Renames whole addresses (and `type.name` references) in every string of a value. */
function renamer(addresses: readonly string[], suffix: string): (value: JsonValue) => JsonValue {
  const escaped = [...new Set(addresses)]
    .sort((a, b) => b.length - a.length)
    .map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w.-])(${escaped.join('|')})(?![\\w-])`, 'g');
  const rename = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') return value.replace(pattern, `$1${suffix}`);
    if (Array.isArray(value)) return value.map(rename);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
    }
    return value;
  };
  return rename;
}

/** The prod plan with its resources replicated until there are at least `target` resource changes. */
function syntheticPlan(base: Json, target: number): Json {
  const changes = base.resource_changes as Json[];
  const copies = Math.ceil(target / changes.length);
  const addresses = addressesOf(base);
  const config = (base.configuration as Json).root_module as Json;
  const planned = (base.planned_values as Json).root_module as Json;
  const prior = ((base.prior_state as Json).values as Json).root_module as Json;
  const out = {
    changes: [...changes],
    config: [...(config.resources as Json[])],
    planned: [...(planned.resources as Json[])],
    prior: [...(prior.resources as Json[])],
  };
  for (let copy = 1; copy < copies; copy += 1) {
    const rename = renamer(addresses, `_c${copy}`);
    // Rename the `name` field with the address, so address == mode.type.name still holds.
    const renamed = (items: Json[]) =>
      items.map((item) => {
        const next = rename(item) as Json;
        return typeof item.name === 'string' ? { ...next, name: `${item.name}_c${copy}` } : next;
      });
    out.changes.push(...renamed(changes));
    out.config.push(...renamed(config.resources as Json[]));
    out.planned.push(...renamed(planned.resources as Json[]));
    out.prior.push(...renamed(prior.resources as Json[]));
  }
  return {
    ...base,
    resource_changes: out.changes,
    configuration: { ...(base.configuration as Json), root_module: { ...config, resources: out.config } },
    planned_values: { ...(base.planned_values as Json), root_module: { ...planned, resources: out.planned } },
    prior_state: {
      ...(base.prior_state as Json),
      values: {
        ...((base.prior_state as Json).values as Json),
        root_module: { ...prior, resources: out.prior },
      },
    },
  };
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly resources: number;
}

interface Timing {
  parse: number[];
  review: number[];
  formats: number[];
  findings: number;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function runOnce(plan: Case, timing: Timing): void {
  let start = process.hrtime.bigint();
  const parsed = parsePlan(plan.text, `${plan.name}.json`);
  timing.parse.push(ms(start));
  start = process.hrtime.bigint();
  const report = reviewPlans([{ plan: parsed, stack: plan.name }], { failOn: 'high' });
  timing.review.push(ms(start));
  start = process.hrtime.bigint();
  formatText(report, { color: false });
  formatMarkdown(report);
  formatJson(report);
  formatSarif(report, { version: 'bench' });
  timing.formats.push(ms(start));
  timing.findings = report.findings.length;
}

function main(): void {
  const cases: Case[] = ['secure-lambda-dev', 'secure-lambda-prod'].map((name) => {
    const text = readFileSync(path.join(SHIPPED, `${name}.json`), 'utf8');
    return { name, text, resources: (JSON.parse(text).resource_changes as unknown[]).length };
  });
  const prod = JSON.parse(cases[1]?.text as string) as Json;
  const synthetic = syntheticPlan(prod, TARGET_RESOURCES);
  cases.push({
    name: 'synthetic (prod x N)',
    text: JSON.stringify(synthetic),
    resources: (synthetic.resource_changes as unknown[]).length,
  });
  const timings = new Map<Case, Timing>(
    cases.map((c) => [c, { parse: [], review: [], formats: [], findings: 0 }]),
  );
  // One warm-up round (JIT, caches), then alternating measured rounds.
  for (const plan of cases) runOnce(plan, { parse: [], review: [], formats: [], findings: 0 });
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const plan of cases) runOnce(plan, timings.get(plan) as Timing);
  }
  console.log(`review benchmark: median of ${ROUNDS} rounds (after one warm-up), node ${process.version}`);
  const header = [
    'plan',
    'resources',
    'size',
    'findings',
    'parse ms',
    'review ms',
    'ms/resource',
    'formats ms',
  ];
  const rows = cases.map((plan) => {
    const t = timings.get(plan) as Timing;
    const review = median(t.review);
    return [
      plan.name,
      String(plan.resources),
      `${(plan.text.length / 1024).toFixed(0)} KiB`,
      String(t.findings),
      median(t.parse).toFixed(1),
      review.toFixed(1),
      (review / plan.resources).toFixed(3),
      median(t.formats).toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
        .join('  '),
    );
  }
}

main();
