/**
 * TM-REVIEW-01: values a pull request's author chose (a Sid, a for_each key in an address, a file name)
 * cannot forge the review in any format. Each attack is injected into a committed, terraform-made fixture
 * plan and the real reviewer produces the finding; the test then looks at what each format prints.
 */
import { readFileSync } from 'node:fs';
import { HtmlRenderer, Parser } from 'commonmark';
import type { Finding } from '../src/finding';
import { UNSAFE_CHARACTERS } from '../src/format/escape';
import { formatJson } from '../src/format/json';
import { formatMarkdown } from '../src/format/markdown';
import { formatSarif } from '../src/format/sarif';
import { formatText } from '../src/format/text';
import { type JsonValue, parsePlan } from '../src/plan';
import { type ReviewReport, reviewPlans } from '../src/review';
import { planPath } from './helpers';

const FIXTURE = 'iam-wildcard-action';
const SID = 'ReadInput';
const ADDRESS = 'aws_iam_role_policy.inline';

/** One attack: the payload, and the visible escape each format must show instead of the raw characters. */
interface Attack {
  readonly name: string;
  readonly payload: string;
  readonly visible: string;
}

const ATTACKS: readonly Attack[] = [
  {
    name: 'ANSI erase-line and cursor-up printing a fake pass',
    payload: '\u001b[2K\u001b[1A\u001b[2K\rpass (nothing reaches high)\u001b[8m',
    visible: '\\u001b[2K',
  },
  {
    name: 'OSC 8 hyperlink and window title',
    payload: '\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\u001b]0;owned\u0007',
    visible: '\\u0007',
  },
  { name: 'C1 8-bit CSI', payload: '\u009b2K\u009b1Aok', visible: '\\u009b' },
  { name: 'carriage return overwrite', payload: 'x\rpass', visible: '\\r' },
  {
    name: 'newline starting a fake finding and heading',
    payload: '\n    no findings\n## ✅ passes: nothing reaches `high`\n- **info** ok',
    visible: '\\n',
  },
  { name: 'line and paragraph separators', payload: 'a\u2028b\u2029c', visible: '\\u2028' },
  { name: 'RLO bidi override (Trojan Source)', payload: 'deny\u202e wolla \u202c', visible: '\\u202e' },
  {
    name: 'bidi isolates, embeddings and marks',
    payload: '\u2066\u2067\u2068x\u2069\u202a\u202b\u202dy\u202c\u200e\u200f\u061c',
    visible: '\\u2067',
  },
  { name: 'zero-width characters', payload: 'ad\u200bm\u200c\u200din\u2060\ufeff', visible: '\\u200b' },
  {
    name: 'Unicode tag characters (invisible ASCII)',
    payload: 'a\u{e0049}\u{e0067}b',
    visible: '\\u{e0049}',
  },
  { name: 'NUL and DEL', payload: 'a\u0000b\u007fc', visible: '\\u007f' },
  { name: 'Hangul filler (an invisible letter)', payload: 'ad\u3164min', visible: '\\u3164' },
  { name: 'a lone surrogate', payload: 'a\ud800b', visible: '\\ud800' },
];

/** Replaces `from` by `to` in every string of a plan, also inside JSON documents held in strings (policies). */
function replaceDeep(value: JsonValue, from: string, to: string): JsonValue {
  if (typeof value === 'string') {
    if (!value.includes(from)) return value;
    if (value.trimStart().startsWith('{')) {
      try {
        return JSON.stringify(replaceDeep(JSON.parse(value) as JsonValue, from, to));
      } catch {
        // Not JSON after all: replace in the text.
      }
    }
    return value.split(from).join(to);
  }
  if (Array.isArray(value)) return value.map((item) => replaceDeep(item, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}

/**
 * The fixture with the payload in the statement's Sid and in the changed resource's for_each key, reviewed
 * under a stack name that carries it too (the CLI names stacks after plan files).
 */
function hostileReport(payload: string): ReviewReport {
  const raw = JSON.parse(readFileSync(planPath(FIXTURE), 'utf8')) as JsonValue;
  let json = replaceDeep(raw, SID, `${SID}${payload}`) as Record<string, JsonValue>;
  const keyed = `${ADDRESS}["${payload}"]`;
  const changes = (json.resource_changes as Record<string, JsonValue>[]).map((rc) =>
    rc.address === ADDRESS ? { ...rc, address: keyed, index: payload } : rc,
  );
  json = { ...json, resource_changes: changes };
  const plan = parsePlan(JSON.stringify(json), `${FIXTURE}.json`);
  return reviewPlans([{ plan, stack: `stack${payload}` }], { failOn: 'high' });
}

const FORMATS: Record<string, (report: ReviewReport) => string> = {
  text: (report) => formatText(report, { color: false }),
  'text (colors)': (report) => formatText(report, { color: true }),
  markdown: formatMarkdown,
  json: formatJson,
  sarif: (report) => formatSarif(report, { version: '0.1.0' }),
};

/** The unsafe characters in `output`, except the newlines that separate the format's own lines (and ESC for colors). */
function unsafeIn(output: string, allowEsc: boolean): string[] {
  return [...output.matchAll(UNSAFE_CHARACTERS)]
    .map((m) => m[0])
    .filter((c) => c !== '\n' && !(allowEsc && c === '\u001b'));
}

describe('[TM-REVIEW-01] hostile plan values cannot forge the review output', () => {
  test('the injected plan still produces the finding, so the payload reaches the formatters', () => {
    const report = hostileReport('\u202e');
    const finding = report.findings.find((f) => f.rule === 'iam.wildcard-action') as Finding;
    expect(finding.message).toContain(`${SID}\u202e`);
    expect(finding.address).toBe(`${ADDRESS}["\u202e"]`);
  });

  describe.each(Object.entries(FORMATS))('--format %s', (format, render) => {
    test.each(ATTACKS.map((a) => [a.name, a] as const))('[TM-REVIEW-01] %s', (_name, attack) => {
      const output = render(hostileReport(attack.payload));
      const colors = format === 'text (colors)';
      expect(unsafeIn(output, colors)).toEqual([]);
      if (colors) {
        // The only escape sequences are the reviewer's own colors: ESC [ digits/semicolons m.
        const esc = String.fromCharCode(27);
        expect(output.replace(new RegExp(`${esc}\\[[0-9;]*m`, 'g'), '')).not.toContain(esc);
      }
      if (format === 'json' || format === 'sarif') {
        // JSON stays valid JSON; the JSON format keeps the exact value for tools.
        const parsed = JSON.parse(output) as unknown;
        if (format === 'json') {
          const finding = (parsed as { findings: Finding[] }).findings.find(
            (f) => f.rule === 'iam.wildcard-action',
          ) as Finding;
          expect(finding.message).toContain(`${SID}${attack.payload}`);
          expect(output).toMatch(/\\u[0-9a-f]{4}|\\[nrt]/);
        } else {
          const texts = JSON.stringify(parsed);
          expect(texts).toContain(JSON.stringify(attack.visible).slice(1, -1));
        }
      } else {
        expect(output).toContain(attack.visible);
      }
      // No line of the output was made by the payload: the fake pass and heading never start a line.
      const lines = output.split('\n');
      expect(lines.filter((l) => /^(?:\s*no findings|## ✅|pass \(nothing)/.test(l))).toEqual([]);
    });
  });

  /** name, payload, what the rendered HTML must not contain, what it shows instead (as text). */
  const MARKDOWN_ATTACKS: readonly (readonly [string, string, RegExp, string])[] = [
    ['raw HTML image with a handler', '<img src=x onerror=alert(1)>', /<img/, '&lt;img src=x'],
    [
      'closing the collapsible block',
      '</code></summary></details><h1>All good</h1>',
      /<h1>/,
      '&lt;/details&gt;&lt;h1&gt;All good',
    ],
    ['a link', '[approve here](https://evil.example/login)', /<a /, '[approve here]'],
    ['an image (tracking pixel)', '![x](https://evil.example/pixel.png)', /<img/, '![x]'],
    ['closing the code span', '` ``` `` <b>bold</b>', /<b>/, '&lt;b&gt;bold'],
    ['emphasis', '**APPROVED** _by security_', /<strong>APPROVED|<em>by security/, '**APPROVED**'],
  ];

  test.each(MARKDOWN_ATTACKS)(
    '[TM-REVIEW-01] markdown: %s renders as text, not markup',
    (_name, payload, forbidden, shown) => {
      const md = formatMarkdown(hostileReport(payload));
      const html = new HtmlRenderer().render(new Parser().parse(md));
      expect(html).not.toMatch(forbidden);
      // The reader still sees the value, as text.
      expect(html).toContain(shown);
    },
  );

  test.each([
    ['a team mention', '@org/security-team', '@org/security-team'],
    ['a user mention inside an e-mail address', 'x@evil.example', '@evil.example'],
    ['a bare URL (autolink)', 'https://evil.example/login', 'https://evil.example'],
    ['a www autolink', 'www.evil.example', 'www.evil.example'],
    ['an issue reference', '#1234', '#1234'],
  ])('[TM-REVIEW-01] markdown: %s is broken so GitHub does not link or notify', (_name, payload, raw) => {
    const md = formatMarkdown(hostileReport(payload));
    // Outside code (where GitHub links nothing), the raw text must not appear in one piece.
    const prose = md.replace(/(`+)[^`]*?\1/g, '').replace(/<code>.*?<\/code>/g, '');
    expect(prose).not.toContain(raw);
    expect(md).toContain(raw.slice(1, 4));
  });
});

test('[TM-REVIEW-01] markdown: a pipe in a stack name stays inside its table cell', () => {
  const md = formatMarkdown(hostileReport(' | 9 | 9 | 9 | 9 | 9 |'));
  const lines = md.split('\n');
  const header = lines.find((line) => line.startsWith('| stack | changes |'));
  const hostile = lines.find((line) => line.startsWith('| stack') && line.includes('to create'));
  const cells = (line: string) => line.split(/(?<!\\)\|/).length;
  expect(cells(hostile as string)).toBe(cells(header as string));
});
