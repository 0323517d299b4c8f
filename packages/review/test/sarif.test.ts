/**
 * `--format sarif`: one combined log (findings of every severity, an accepted finding, an expired and a
 * stale accepted-risk entry, a hostile Sid) is checked by the official validator
 * (@microsoft/sarif-multitool 5.7.0, SARIF and GitHub-ingestion rules, every level) and by the SARIF 2.1.0
 * JSON schema the multitool ships, then its content is checked against what GitHub code scanning needs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { applyAcceptedRisks, parseAcceptedRisks, type ReviewOutput } from '../src/accepted-risks';
import { findingFingerprint, findResourceRegion, formatSarif, type SarifOptions } from '../src/format/sarif';
import { loadPlanFile, parsePlan } from '../src/plan';
import { reviewPlans } from '../src/review';
import { RULE_IDS, RULES } from '../src/rules/catalog';
import { PACKAGE_DIR, planPath } from './helpers';

const NOW = new Date('2026-12-07T12:00:00Z');
const REASON = 'Public webhook; the handler verifies an HMAC signature on every request';
const HOSTILE_SID = 'ReadInput\u001b[2K\u202e[click](https://evil.example)';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn: number };
    };
    logicalLocations: { fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string }[];
  properties: { severity: string; stack: string };
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: {
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
          helpUri: string;
          defaultConfiguration: { level: string };
          properties: { 'security-severity': string; tags: string[] };
        }[];
      };
    };
    versionControlProvenance: unknown[];
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: string; message: { text: string }; descriptor: { id: string } }[];
    }[];
    results: SarifResult[];
  }[];
}

/** The plans reviewed, as the CLI would find them from the package folder. */
const FIXTURES = ['lambda-mixed', 'logging-retention-infinite', 'kms-key-deleted'];

function hostilePlanText(): string {
  // The Sid sits inside the policy JSON string: replace it JSON-escaped twice.
  const text = readFileSync(planPath('iam-wildcard-action'), 'utf8');
  const twice = JSON.stringify(JSON.stringify(HOSTILE_SID).slice(1, -1)).slice(1, -1);
  return text.split('ReadInput').join(twice);
}

function combinedReport(): ReviewOutput {
  const plans = FIXTURES.map((name) => ({
    plan: loadPlanFile(path.relative(PACKAGE_DIR, planPath(name))),
    stack: name,
  }));
  plans.push({
    plan: parsePlan(hostilePlanText(), path.relative(PACKAGE_DIR, planPath('iam-wildcard-action'))),
    stack: 'hostile',
  });
  const report = reviewPlans(plans, { failOn: 'high' });
  const risks = parseAcceptedRisks(
    JSON.stringify({
      version: 1,
      accepted: [
        {
          rule: 'lambda.url-public',
          address: 'aws_lambda_function_url.api',
          reason: REASON,
          owner: '@org/payments',
          expires: '2027-03-31',
        },
        {
          rule: 'kms.key-deleted',
          address: 'aws_kms_key.*',
          reason: 'The key is replaced by the new one in the same change',
          owner: '@org/platform',
          expires: '2026-12-01',
        },
        {
          rule: 'network.sg-open-to-world',
          address: 'aws_security_group.gone',
          reason: 'An ALB that was removed last quarter',
          owner: '@org/platform',
          expires: '2027-01-31',
        },
      ],
    }),
    '.secure-lambda-review.json',
    { now: NOW },
  );
  return applyAcceptedRisks(report, risks, { now: NOW });
}

const OPTIONS: SarifOptions = {
  version: '0.1.0',
  srcRoot: PACKAGE_DIR,
  informationUri: 'https://github.com/example/secure-lambda/blob/HEAD/packages/review/README.md',
  versionControl: {
    repositoryUri: 'https://github.com/example/secure-lambda',
    revisionId: '0123456789abcdef0123456789abcdef01234567',
  },
  locate: (file, address) =>
    findResourceRegion(
      file.endsWith('iam-wildcard-action.json')
        ? hostilePlanText()
        : readFileSync(path.resolve(PACKAGE_DIR, file), 'utf8'),
      address,
    ),
};

/**
 * Guidance the validator gives that this output does not follow, each for a reason:
 * SARIF2002 message ids and arguments: the rules write whole sentences with the plan's values in them;
 * SARIF2006 URIs reachable: the test runs offline;
 * SARIF2009 rule ids like `CS2001`: the ids are stable names that suppressions and accepted risks use;
 * SARIF2010/SARIF2011 snippets and context regions: `terraform show -json` is one line of tens of kilobytes.
 */
const ACCEPTED_GUIDANCE = ['SARIF2002', 'SARIF2006', 'SARIF2009', 'SARIF2010', 'SARIF2011'];

let tmp: string;
let sarifText: string;
let log: SarifLog;
let validation: {
  ruleId: string;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
}[];
let validatorOutput: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'review-sarif-'));
  sarifText = formatSarif(combinedReport(), OPTIONS);
  log = JSON.parse(sarifText) as SarifLog;
  const file = path.join(tmp, 'review.sarif');
  const out = path.join(tmp, 'validation.sarif');
  writeFileSync(file, sarifText);
  // The platform package's binary, called without a shell (the npm wrapper passes arguments through one).
  const multitool = require(`@microsoft/sarif-multitool-${process.platform}`) as string;
  const result = spawnSync(
    multitool,
    [
      'validate',
      file,
      '--output',
      out,
      '--log',
      'ForceOverwrite',
      '--rule-kind',
      'Sarif;Gh',
      '--level',
      'Error;Warning;Note',
    ],
    { encoding: 'utf8' },
  );
  validatorOutput = `${result.stdout}${result.stderr}`;
  expect(result.status).toBe(0);
  validation = (JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: typeof validation }[] }).runs[0]!
    .results;
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('validation', () => {
  test('the SARIF multitool reports no error (SARIF1xxx) and no GitHub ingestion problem (GHxxxx)', () => {
    const ids = validation.map((r) => r.ruleId);
    expect(ids.filter((id) => /^(SARIF1|GH)/.test(id))).toEqual([]);
    // The guidance left is only the kinds listed (with reasons) above.
    expect([...new Set(ids)].filter((id) => !ACCEPTED_GUIDANCE.includes(id))).toEqual([]);
    expect(validatorOutput).toContain('Analysis completed successfully');
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    console.log(
      `sarif-multitool validate (Sarif;Gh rules, Error;Warning;Note): ${ids.length} result(s): ${
        [...counts].map(([id, n]) => `${id} x${n}`).join(', ') || 'none'
      }`,
    );
  });

  test('the log is valid against the SARIF 2.1.0 JSON schema the multitool ships', () => {
    const schemaPath = require.resolve(`@microsoft/sarif-multitool-${process.platform}/sarif-2.1.0.json`);
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
  });
});

describe('what GitHub code scanning needs', () => {
  test('tool.driver: name, version, informationUri, one rule per catalog id with security severity and tags', () => {
    const { driver } = log.runs[0]!.tool;
    expect(driver).toMatchObject({
      name: 'secure-lambda-review',
      version: '0.1.0',
      informationUri: OPTIONS.informationUri,
    });
    expect(driver.rules.map((r) => r.id)).toEqual(RULE_IDS);
    for (const rule of driver.rules) {
      const worst = RULES[rule.id as keyof typeof RULES].severities[0];
      expect(rule.properties.tags).toContain('security');
      expect(rule.properties['security-severity']).toBe(
        { high: '8.0', medium: '5.0', low: '3.0', info: '0.0' }[worst],
      );
      expect(rule.defaultConfiguration.level).toBe(
        { high: 'error', medium: 'warning', low: 'note', info: 'note' }[worst],
      );
      expect(rule.shortDescription.text).not.toContain('`');
      expect(rule.helpUri).toBe(`${OPTIONS.informationUri}#rules`);
    }
    expect(driver.rules.find((r) => r.id === 'lambda.url-public')).toMatchObject({
      name: 'LambdaUrlPublic',
      shortDescription: { text: 'A function URL with authorization_type = "NONE".' },
    });
  });

  test('every finding is a result with its level, the plan file (relative) and the address as locations', () => {
    const results = log.runs[0]!.results;
    const report = combinedReport();
    expect(results).toHaveLength(report.findings.length);
    expect(new Set(results.map((r) => r.level))).toEqual(new Set(['error', 'warning', 'note']));
    results.forEach((result, i) => {
      const finding = report.findings[i]!;
      expect(result.ruleId).toBe(finding.rule);
      expect(log.runs[0]!.tool.driver.rules[result.ruleIndex]!.id).toBe(finding.rule);
      const [location] = result.locations;
      expect(location!.physicalLocation!.artifactLocation).toEqual({
        uri: `test/fixtures/plans/${finding.stack === 'hostile' ? 'iam-wildcard-action' : finding.stack}.json`,
        uriBaseId: '%SRCROOT%',
      });
      expect(location!.physicalLocation!.region!.startLine).toBe(1);
      expect(location!.logicalLocations).toEqual([{ fullyQualifiedName: finding.address, kind: 'resource' }]);
      expect(result.message.text).toContain(finding.address);
    });
  });

  test('the region points at the resource change in the plan file', () => {
    const result = log.runs[0]!.results.find((r) => r.ruleId === 'lambda.url-public')!;
    const text = readFileSync(planPath('lambda-mixed'), 'utf8');
    const { startLine, startColumn } = result.locations[0]!.physicalLocation!.region!;
    const line = text.split('\n')[startLine - 1]!;
    expect(line.slice(startColumn - 1)).toMatch(/^"address":\s*"aws_lambda_function_url\.api"/);
    expect(text.indexOf('"resource_changes"')).toBeLessThan(startColumn);
  });

  test('fingerprints are stable across runs, differ between findings, and hash rule, stack and address', () => {
    const again = JSON.parse(formatSarif(combinedReport(), OPTIONS)) as SarifLog;
    const prints = log.runs[0]!.results.map((r) => r.partialFingerprints['secureLambdaReview/v1']);
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints['secureLambdaReview/v1'])).toEqual(prints);
    expect(new Set(prints).size).toBe(prints.length);
    const url = combinedReport().findings.findIndex((f) => f.rule === 'lambda.url-public');
    expect(prints[url]).toBe(
      findingFingerprint(
        { rule: 'lambda.url-public', stack: 'lambda-mixed', address: 'aws_lambda_function_url.api' },
        0,
      ),
    );
  });

  test('an accepted finding carries an external suppression with its reason; others none', () => {
    const results = log.runs[0]!.results;
    const suppressed = results.filter((r) => r.suppressions !== undefined);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['lambda.url-public']);
    expect(suppressed[0]!.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: `${REASON} (owner @org/payments, until 2027-03-31)`,
      },
    ]);
    // The expired entry accepts nothing: the key deletion is an ordinary result.
    expect(results.find((r) => r.ruleId === 'kms.key-deleted')?.suppressions).toBeUndefined();
  });

  test('expired and stale entries are tool notifications naming the entry', () => {
    const notes = log.runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notes).toEqual([
      expect.objectContaining({ level: 'error', descriptor: { id: 'accepted-risk-expired' } }),
      expect.objectContaining({ level: 'warning', descriptor: { id: 'accepted-risk-stale' } }),
    ]);
    expect(notes[0]!.message.text).toContain('accepted\\[1\\] kms.key-deleted on aws_kms_key.*');
    expect(notes[1]!.message.text).toContain('aws_security_group.gone');
  });

  test('[TM-REVIEW-01] a hostile Sid reaches the message escaped: no raw ESC or bidi, no embedded link', () => {
    const result = log.runs[0]!.results.find((r) => r.properties.stack === 'hostile')!;
    expect(result.message.text).toContain('ReadInput\\u001b\\[2K\\u202e\\[click\\](https://evil.example)');
    expect(sarifText).not.toContain(String.fromCharCode(0x1b));
    expect(sarifText).not.toContain(String.fromCharCode(0x202e));
  });
});
