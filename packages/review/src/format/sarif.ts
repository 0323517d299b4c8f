/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`) and other
 * SARIF viewers. One run; one rule per rule id of the catalog with GitHub's `security-severity`; one result
 * per finding, located at the plan file (relative to the repository root, `%SRCROOT%`) and at the resource
 * address (a logical location); a fingerprint that stays the same across runs; accepted findings carry an
 * external suppression with the reason.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AcceptedRiskEntry, ReviewOutput } from '../accepted-risks';
import type { Severity } from '../constants';
import type { Finding } from '../finding';
import { RULE_IDS, RULES, type RuleId } from '../rules/catalog';
import { escapeUnsafe, safeJson } from './escape';
import { entryText } from './shared';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
export const TOOL_NAME = 'secure-lambda-review';
/** The uriBaseId of plan files: the repository root (the working directory of the review). */
export const SRCROOT = '%SRCROOT%';
/** The key of our fingerprint in `partialFingerprints`; bump the version if its input ever changes. */
export const FINGERPRINT_KEY = 'secureLambdaReview/v1';

/** SARIF `level` per severity. */
export const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub's `security-severity` (a CVSS-like score: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9
 * low; 0.0 shows no security severity). GitHub reads it per rule, so a rule that reports several
 * severities shows its worst; each result's `level` still carries its own.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  high: '8.0',
  medium: '5.0',
  low: '3.0',
  info: '0.0',
};

/** Where a finding's resource sits in its plan file (1-based), when the caller can tell. */
export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn: number;
}

export interface SarifOptions {
  /** The reviewer's version (`tool.driver.version`). */
  readonly version: string;
  /** Folder that `%SRCROOT%` stands for, to make plan paths relative. @default process.cwd() */
  readonly srcRoot?: string;
  /**
   * An absolute URL of the reviewer's documentation (`informationUri`, rules' `helpUri` + `#rules`), e.g.
   * the README on the repository host. The CLI builds it from GITHUB_SERVER_URL and GITHUB_REPOSITORY in
   * GitHub Actions. @default omitted
   */
  readonly informationUri?: string;
  /**
   * The commit reviewed (`versionControlProvenance`, mapped to `%SRCROOT%`). The CLI fills it in GitHub
   * Actions from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA. @default omitted
   */
  readonly versionControl?: { readonly repositoryUri: string; readonly revisionId: string };
  /** Finds a resource in a plan file, for the result's region. @default no region (GitHub then uses line 1) */
  readonly locate?: (planFile: string, address: string) => SarifRegion | undefined;
}

/**
 * Escapes plan text for a SARIF plain-text message: backslashes and square brackets (SARIF reads
 * `[text](target)` in messages as an embedded link, so a value could otherwise link anywhere), then every
 * control, bidirectional and invisible character as a visible escape (TM-REVIEW-01).
 *
 * @example
 * sarifText('see [here](https://evil.example)'); // 'see \\[here\\](https://evil.example)'
 */
export function sarifText(text: string): string {
  return escapeUnsafe(text.replace(/[\\[\]]/g, '\\$&'));
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** `iam.wildcard-action` → `IamWildcardAction` (SARIF's rule `name` is an identifier). */
function ruleName(id: string): string {
  return id
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Catalog titles use Markdown code spans; the plain-text descriptions drop the backticks. */
function plain(title: string): string {
  return title.replace(/`/g, '');
}

/**
 * The fingerprint of a finding: SHA-256 of rule, stack and address (the raw values), so an alert stays the
 * same alert across runs and re-plans; `:N` tells apart the Nth finding with the same three.
 *
 * @example
 * findingFingerprint({ rule: 'lambda.url-public', stack: 'secure-lambda-dev', address: 'aws_lambda_function_url.api' }, 0);
 */
export function findingFingerprint(
  finding: Pick<Finding, 'rule' | 'stack' | 'address'>,
  ordinal: number,
): string {
  const hash = createHash('sha256')
    .update(`${finding.rule}\u0000${finding.stack}\u0000${finding.address}`)
    .digest('hex');
  return ordinal === 0 ? hash : `${hash}:${ordinal}`;
}

/** A file path as a URI reference: relative to `srcRoot` when inside it, else an absolute `file:` URI. */
function artifactLocation(file: string, srcRoot: string): { uri: string; uriBaseId?: string } {
  const absolute = path.resolve(srcRoot, file);
  const relative = path.relative(srcRoot, absolute);
  const encode = (parts: string[]) => parts.map((part) => encodeURIComponent(part)).join('/');
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: encode(relative.split(path.sep)), uriBaseId: SRCROOT };
  }
  return { uri: `file://${encode(absolute.split(path.sep))}` };
}

function ruleDescriptor(id: RuleId, informationUri: string | undefined) {
  const rule = RULES[id];
  const worst = rule.severities[0] as Severity;
  const title = sentence(plain(rule.title));
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: title },
    fullDescription: { text: title },
    help: {
      text: `${title} Severities this rule reports: ${rule.severities.join(', ')}. The README of @secure-lambda/review (section Rules) says which situation gets which.`,
      markdown: `${sentence(rule.title)}\n\nSeverities this rule reports: ${rule.severities.join(', ')}. The README of \`@secure-lambda/review\` (section *Rules*) says which situation gets which.`,
    },
    ...(informationUri === undefined ? {} : { helpUri: `${informationUri}#rules` }),
    defaultConfiguration: { level: SARIF_LEVEL[worst] },
    properties: {
      'security-severity': SECURITY_SEVERITY[worst],
      tags: ['security', `area:${rule.area}`],
      precision: 'high',
      'problem.severity': worst === 'high' ? 'error' : worst === 'medium' ? 'warning' : 'recommendation',
    },
  };
}

function notification(entry: AcceptedRiskEntry, kind: 'expired' | 'stale') {
  const text =
    kind === 'expired'
      ? `Accepted risk ${entryText(entry)} has expired: renew it with a new date or remove it.`
      : `Accepted risk ${entryText(entry)} matches no finding: remove it.`;
  return {
    level: kind === 'expired' ? 'error' : 'warning',
    message: { text: sarifText(text) },
    descriptor: { id: `accepted-risk-${kind}` },
  };
}

/**
 * Renders the report as a SARIF 2.1.0 log (two-space indented JSON, newline-terminated).
 *
 * @example
 * writeAtomic('cdktf.out/plans/review.sarif', formatSarif(report, { version: '0.1.0' }));
 */
export function formatSarif(report: ReviewOutput, options: SarifOptions): string {
  const srcRoot = options.srcRoot ?? process.cwd();
  const fileOf = new Map(report.summary.plans.map((plan) => [plan.stack, plan.file]));
  const ruleIndex = new Map(RULE_IDS.map((id, index) => [id, index]));
  const seen = new Map<string, number>();
  const results = report.findings.map((finding) => {
    const key = JSON.stringify([finding.rule, finding.stack, finding.address]);
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    const file = fileOf.get(finding.stack);
    const region = file === undefined ? undefined : options.locate?.(file, finding.address);
    const shownAddress = escapeUnsafe(finding.address);
    return {
      ruleId: finding.rule,
      ruleIndex: ruleIndex.get(finding.rule) as number,
      level: SARIF_LEVEL[finding.severity],
      message: {
        text: sarifText(sentence(`${finding.address} (stack ${finding.stack}): ${finding.message}`)),
      },
      locations: [
        {
          ...(file === undefined
            ? {}
            : {
                physicalLocation: {
                  artifactLocation: artifactLocation(file, srcRoot),
                  ...(region === undefined ? {} : { region }),
                },
              }),
          logicalLocations: [{ fullyQualifiedName: shownAddress, kind: 'resource' }],
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(finding, ordinal) },
      ...(finding.accepted === undefined
        ? {}
        : {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: sarifText(
                  `${finding.accepted.reason} (owner ${finding.accepted.owner}, until ${finding.accepted.expires})`,
                ),
              },
            ],
          }),
      properties: { severity: finding.severity, stack: escapeUnsafe(finding.stack) },
    };
  });
  const risks = report.acceptedRisks;
  const notifications =
    risks === undefined
      ? []
      : [
          ...risks.expired.map((entry) => notification(entry, 'expired')),
          ...risks.stale.map((entry) => notification(entry, 'stale')),
        ];
  const log = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.version,
            semanticVersion: options.version,
            ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
            rules: RULE_IDS.map((id) => ruleDescriptor(id, options.informationUri)),
          },
        },
        ...(options.versionControl === undefined
          ? {}
          : {
              versionControlProvenance: [{ ...options.versionControl, mappedTo: { uriBaseId: SRCROOT } }],
            }),
        invocations: [
          {
            executionSuccessful: true,
            ...(notifications.length === 0 ? {} : { toolExecutionNotifications: notifications }),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          failOn: report.summary.failOn,
          failed: report.summary.failed,
          ...(risks === undefined ? {} : { acceptedRisksFile: escapeUnsafe(risks.file) }),
        },
      },
    ],
  };
  return `${safeJson(JSON.stringify(log, null, 2))}\n`;
}

/**
 * Where a resource's change starts in `terraform show -json` text: the first `"address":"<address>"` after
 * `"resource_changes"` (terraform writes compact JSON, so usually line 1 and a column). Undefined when not
 * found.
 *
 * @example
 * findResourceRegion(readFileSync(planFile, 'utf8'), 'aws_lambda_function_url.api'); // { startLine: 1, startColumn: 48213 }
 */
export function findResourceRegion(planText: string, address: string): SarifRegion | undefined {
  const from = Math.max(0, planText.indexOf('"resource_changes"'));
  const needle = new RegExp(
    `"address"\\s*:\\s*${JSON.stringify(address).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );
  const match = needle.exec(planText.slice(from));
  if (!match) return undefined;
  const offset = from + match.index;
  const before = planText.slice(0, offset);
  const startLine = before.split('\n').length;
  const startColumn = offset - before.lastIndexOf('\n');
  return { startLine, startColumn };
}
