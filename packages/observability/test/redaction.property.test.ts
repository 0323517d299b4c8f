/**
 * Property tests of the redactor through the package's own logger, both directions:
 * - TM-LOG-01: random secrets of each class, embedded in random structures and encodings, never reach the output;
 * - TM-LOG-02: diagnostics (file paths under random mixed-case folders, ARNs, request ids, UUIDs, ISO dates,
 *   ordinary sentences) reach it unchanged.
 * Every run logs through `createObservability().logger` and checks what was written to stdout, so a path around
 * the formatter would fail here too. Nothing depends on where the repository is checked out: the folder names
 * are generated.
 */
import fc from 'fast-check';
import { createObservability } from '../src';
import { captureOutputPerTest } from './support';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE62 = UPPER + LOWER + DIGITS;
const BASE64 = `${BASE62}+/`;
const HEX = '0123456789abcdef';

/** Runs per secret class (TM-LOG-01) and per diagnostic kind (TM-LOG-02). */
const RUNS_PER_CLASS = 300;

function chars(alphabet: string, minLength: number, maxLength = minLength): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...alphabet), { minLength, maxLength })
    .map((characters) => characters.join(''));
}

/** A string of `alphabet` that contains at least one character of each of `required` (in random places). */
function mixed(alphabet: string, required: readonly string[], length: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      chars(alphabet, length - required.length),
      fc.tuple(...required.map((set) => fc.constantFrom(...set))),
      fc.array(fc.nat(), { minLength: required.length, maxLength: required.length }),
    )
    .map(([body, forced, positions]) => {
      let text = body;
      forced.forEach((character, index) => {
        const at = (positions[index] ?? 0) % (text.length + 1);
        text = text.slice(0, at) + character + text.slice(at);
      });
      return text;
    });
}

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

interface SecretClass {
  readonly name: string;
  readonly secret: fc.Arbitrary<string>;
  /** The value is recognisable on its own (no secret name next to it is needed). */
  readonly selfIdentifying: boolean;
}

/**
 * The secret classes the README promises to catch. Passwords and opaque bearer tokens carry no shape of their
 * own, so they are only embedded next to a secret name (field, `name=value`, header); the others also appear
 * bare in free text and under neutral names.
 */
const SECRET_CLASSES: readonly SecretClass[] = [
  {
    name: 'AWS access key id',
    secret: fc
      .tuple(fc.constantFrom('AKIA', 'ASIA'), chars(UPPER + DIGITS, 16))
      .map(([prefix, body]) => prefix + body),
    selfIdentifying: true,
  },
  {
    name: 'AWS secret access key (40 base64 characters)',
    secret: mixed(BASE64, [UPPER, LOWER], 40),
    selfIdentifying: true,
  },
  {
    name: 'hex key (32 or 64 hex digits)',
    secret: fc
      .tuple(fc.constantFrom(16, 32), fc.boolean())
      .chain(([bytes, upper]) =>
        mixed(HEX, [DIGITS, 'abcdef'], bytes * 2).map((key) => (upper ? key.toUpperCase() : key)),
      ),
    selfIdentifying: true,
  },
  {
    name: 'base64 key (16 or 32 bytes: 24 or 44 characters)',
    secret: fc
      .constantFrom(16, 32)
      .chain((length) => fc.uint8Array({ minLength: length, maxLength: length }))
      .map((bytes) => Buffer.from(bytes).toString('base64')),
    selfIdentifying: true,
  },
  {
    name: 'random token (32-64 base62 characters, mixed case)',
    secret: fc.integer({ min: 32, max: 64 }).chain((length) => mixed(BASE62, [UPPER, LOWER], length)),
    selfIdentifying: true,
  },
  {
    name: 'JWT',
    secret: fc
      .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 16, maxLength: 64 }))
      .map(
        ([subject, signature]) =>
          `${base64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))}.${base64url(
            Buffer.from(JSON.stringify({ sub: subject })),
          )}.${base64url(signature)}`,
      ),
    selfIdentifying: true,
  },
  {
    name: 'password (10-30 characters, letters, digits and punctuation)',
    secret: mixed(`${BASE62}!#$%*+-./:=?@^_~`, [LOWER, UPPER, DIGITS], 10).chain((start) =>
      chars(`${BASE62}!#$%*+-./:=?@^_~`, 0, 20).map((rest) => start + rest),
    ),
    selfIdentifying: false,
  },
  {
    name: 'opaque bearer token (RFC 6750 characters, 16-48)',
    secret: fc
      .integer({ min: 16, max: 48 })
      .chain((length) => mixed(`${BASE62}-._~+/`, [UPPER, LOWER], length)),
    selfIdentifying: false,
  },
];

const SECRET_NAMES = [
  'password',
  'db_password',
  'clientSecret',
  'apiKey',
  'x-api-key',
  'token',
  'access_token',
  'authorization',
  'sessionToken',
  'secretAccessKey',
  'dataKey',
  'signature',
] as const;
/** Names that mean a secret in a query string only: elsewhere `code` is an error code. */
const QUERY_SECRET_NAMES = [
  'password',
  'access_token',
  'code',
  'sig',
  'X-Amz-Signature',
  'client_secret',
] as const;
const NEUTRAL_NAMES = ['note', 'value', 'detail', 'material', 'k', 'item', 'result'] as const;
const HEADER_NAMES = [
  'Authorization',
  'X-Api-Key',
  'Cookie',
  'Proxy-Authorization',
  'X-Amz-Security-Token',
] as const;

interface Embedded {
  /** How it is logged: a message string, attributes, or an error. */
  readonly message: string;
  readonly attributes?: Record<string, unknown>;
  readonly error?: Error;
  /** Strings that must not appear anywhere in the output: the secret and the encodings this embedding made. */
  readonly forbidden: readonly string[];
}

type Embedding = (secret: string) => fc.Arbitrary<Embedded>;

const word = fc.constantFrom('request', 'failed', 'loaded', 'upstream', 'retry', 'order', 'note', 'sent');

/** Wraps a value in 0-4 levels of objects and arrays with neutral keys and harmless neighbours. */
function nested(value: unknown): fc.Arbitrary<unknown> {
  return fc
    .array(fc.tuple(fc.boolean(), fc.constantFrom(...NEUTRAL_NAMES), fc.nat({ max: 3 })), { maxLength: 4 })
    .map((levels) =>
      levels.reduce<unknown>((inner, [asArray, key, position]) => {
        if (!asArray) return { [key]: inner, region: 'eu-west-1' };
        const list: unknown[] = ['a', 1, null];
        list.splice(position, 0, inner);
        return list;
      }, value),
    );
}

function attributes(value: unknown, forbidden: readonly string[]): fc.Arbitrary<Embedded> {
  return nested(value).map((payload) => ({ message: 'property', attributes: { payload }, forbidden }));
}

const secretName = fc.constantFrom(...SECRET_NAMES);

const EMBEDDINGS: Record<string, { readonly embed: Embedding; readonly anySecret: boolean }> = {
  'bare in the message': {
    anySecret: false,
    embed: (secret) =>
      fc
        .tuple(word, word)
        .map(([before, after]) => ({ message: `${before} ${secret} ${after}`, forbidden: [secret] })),
  },
  'under a neutral field name': {
    anySecret: false,
    embed: (secret) =>
      fc.constantFrom(...NEUTRAL_NAMES).chain((name) => attributes({ [name]: secret }, [secret])),
  },
  'in a neutral name=value pair': {
    anySecret: false,
    embed: (secret) =>
      fc
        .constantFrom(...NEUTRAL_NAMES)
        .map((name) => ({ message: `got ${name}=${secret};`, forbidden: [secret] })),
  },
  'under a secret field name': {
    anySecret: true,
    embed: (secret) => secretName.chain((name) => attributes({ user: 'ana', [name]: secret }, [secret])),
  },
  'in a secret name=value pair in text': {
    anySecret: true,
    embed: (secret) =>
      fc.tuple(secretName, fc.constantFrom('=', ': ', '="', ' = ')).map(([name, separator]) => ({
        message: `login ${name}${separator}${secret}${separator.endsWith('"') ? '"' : ''} user=ana`,
        forbidden: [secret],
      })),
  },
  'in a JSON string (compact, pretty, or a newline after the colon and cut short)': {
    anySecret: true,
    embed: (secret) =>
      fc.tuple(secretName, fc.constantFrom('compact', 'pretty', 'newline')).chain(([name, style]) => {
        const object = { user: 'ana', [name]: secret };
        const json =
          style === 'compact'
            ? JSON.stringify(object)
            : style === 'pretty'
              ? JSON.stringify(object, null, 2)
              : `{"user": "ana", "${name}":\n  ${JSON.stringify(secret)}`;
        return fc
          .boolean()
          .chain((inMessage) =>
            inMessage
              ? fc.constant({ message: `body ${json}`, forbidden: [secret] })
              : attributes({ body: json }, [secret]),
          );
      }),
  },
  'in a query string': {
    anySecret: true,
    embed: (secret) =>
      fc.constantFrom(...QUERY_SECRET_NAMES).chain((name) => {
        const url = `https://api.example.com/cb?state=xyz&${name}=${encodeURIComponent(secret)}&lang=en`;
        return attributes({ url }, [secret, encodeURIComponent(secret)]);
      }),
  },
  'in a URL-encoded redirect, once or twice': {
    anySecret: true,
    embed: (secret) =>
      fc.tuple(fc.constantFrom(...QUERY_SECRET_NAMES), fc.boolean()).map(([name, twice]) => {
        const inner = `/cb?${name}=${encodeURIComponent(secret)}`;
        const once = encodeURIComponent(inner);
        const next = twice ? encodeURIComponent(once) : once;
        return {
          message: `redirect https://app.example.com/login?next=${next}`,
          forbidden: [
            secret,
            encodeURIComponent(secret),
            encodeURIComponent(encodeURIComponent(secret)),
            next,
          ],
        };
      }),
  },
  'as base64 of name=value (or of JSON)': {
    anySecret: true,
    embed: (secret) =>
      fc.tuple(secretName, fc.boolean(), fc.boolean(), fc.boolean()).chain(([name, json, url, inMessage]) => {
        const text = json ? JSON.stringify({ [name]: secret }) : `${name}=${secret}`;
        const blob = Buffer.from(text).toString(url ? 'base64url' : 'base64');
        return inMessage
          ? fc.constant({ message: `opaque ${blob} end`, forbidden: [secret, blob] })
          : attributes({ blob }, [secret, blob]);
      }),
  },
  'in header arrays (pairs, rawHeaders, name/value objects)': {
    anySecret: true,
    embed: (secret) =>
      fc
        .tuple(fc.constantFrom(...HEADER_NAMES), fc.constantFrom('pairs', 'raw', 'objects'))
        .chain(([header, shape]) => {
          const headers =
            shape === 'pairs'
              ? [
                  ['Accept', 'application/json'],
                  [header, secret],
                ]
              : shape === 'raw'
                ? { rawHeaders: ['Host', 'api.example.com', header, secret, 'Accept', '*/*'] }
                : [
                    { name: 'Accept', value: '*/*' },
                    { name: header, value: secret },
                  ];
          return attributes({ headers }, [secret]);
        }),
  },
  'in an error message, its stack and its cause': {
    anySecret: true,
    embed: (secret) =>
      fc.tuple(secretName, fc.boolean()).map(([name, withCause]) => {
        const inner = new Error(`upstream said ${name}=${secret}`);
        return {
          message: 'request failed',
          error: withCause ? new Error('request failed', { cause: inner }) : inner,
          forbidden: [secret],
        };
      }),
  },
  'as a URL user name or password': {
    anySecret: false,
    embed: (secret) =>
      fc.boolean().map((withPassword) => {
        const user = encodeURIComponent(secret);
        return {
          message: `clone https://${withPassword ? `${user}:x-oauth-basic` : user}@git.example.com/org/repo.git`,
          forbidden: [secret, user],
        };
      }),
  },
};

/** Every string in the parsed output, keys included, so JSON escaping cannot hide a leak from the check. */
function parsedStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) parsedStrings(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      parsedStrings(item, into);
    }
  }
  return into;
}

describe('redaction properties through the logger', () => {
  const output = captureOutputPerTest();

  /** Logs one embedded value and returns what was written for it (text and parsed strings). */
  function logAndRead(
    logger: ReturnType<typeof createObservability>['logger'],
    embedded: Embedded,
  ): string[] {
    const before = output().mark();
    if (embedded.error !== undefined) logger.error(embedded.message, embedded.error);
    else logger.info(embedded.message, { ...embedded.attributes, marker: 'kept' });
    const written = output().textSince(before);
    const records = written
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    // The line was written and is not empty: a redactor that printed nothing would fail here.
    expect(records[0]?.service).toBe('property-service');
    return [written, ...parsedStrings(records)];
  }

  describe.each(SECRET_CLASSES)('[TM-LOG-01] $name', ({ secret, selfIdentifying }) => {
    const embeddings = Object.entries(EMBEDDINGS).filter(([, { anySecret }]) => anySecret || selfIdentifying);

    it(`never reaches the output, whatever the structure or encoding (${RUNS_PER_CLASS} runs)`, () => {
      const { logger } = createObservability({ serviceName: 'property-service' });
      const cases = fc
        .tuple(secret, fc.constantFrom(...embeddings))
        .chain(([value, [how, { embed }]]) => embed(value).map((embedded) => ({ how, embedded })));
      fc.assert(
        fc.property(cases, ({ embedded }) => {
          const written = logAndRead(logger, embedded);
          for (const text of written) {
            for (const piece of embedded.forbidden) expect(text).not.toContain(piece);
          }
        }),
        { numRuns: RUNS_PER_CLASS },
      );
    });
  });

  const folderName = mixed(BASE62, [UPPER, LOWER, DIGITS], 10);
  const pathWord = fc.oneof(
    fc.constantFrom(
      'packages',
      'observability',
      'test',
      'src',
      'lib',
      'dist',
      'node_modules',
      'Development',
      'Projects',
      'secureLambda2',
      'apps',
      'handler',
      'build',
      'runner',
      'work',
    ),
    chars(LOWER, 3, 12),
    fc
      .tuple(chars(UPPER, 1), chars(LOWER, 3, 8), chars(UPPER, 1), chars(LOWER, 2, 8))
      .map((parts) => parts.join('')),
  );
  /**
   * Where checkouts live, each with one random mixed-case folder: mktemp folders (Linux and macOS), and a
   * random folder under a home or CI work folder. (A stretch made mostly of several random mixed-case folder
   * names cannot be told from a base64 key; the README says so.)
   */
  const root = fc.oneof(
    folderName.map((name) => `/tmp/tmp.${name}`),
    folderName.map((name) => `/tmp/${name}`),
    fc
      .tuple(chars(LOWER + DIGITS, 2), chars(LOWER + DIGITS, 24), folderName)
      .map(([bucket, id, name]) => `/var/folders/${bucket}/${id}0000gn/T/tmp.${name}`),
    fc
      .tuple(chars(UPPER, 1), chars(LOWER, 2, 6), chars(UPPER, 1), chars(LOWER, 2, 6), folderName)
      .map(([a, b, c, d, name]) => `/Users/${a}${b}${c}${d}/Development/${name}`),
    fc.tuple(chars(LOWER, 3, 8), folderName).map(([user, name]) => `/home/${user}/work/${name}`),
  );
  const filePath = fc
    .tuple(
      root,
      fc.array(pathWord, { minLength: 1, maxLength: 5 }),
      pathWord,
      fc.constantFrom('.test.ts', '.ts', '.js', '.cjs'),
    )
    .map(([start, folders, file, extension]) => [start, ...folders, `${file}${extension}`].join('/'));
  const hex = (length: number): fc.Arbitrary<string> => chars(HEX, length);
  const arn = fc.oneof(
    fc
      .tuple(fc.constantFrom('Dev', 'Prod'), pathWord, hex(8), folderName)
      .map(
        ([stage, name, suffix, random]) =>
          `arn:aws:iam::123456789012:role/SecureLambda${stage}-${name}ServiceRole${suffix.toUpperCase()}-${random}`,
      ),
    fc
      .tuple(pathWord, hex(6), folderName)
      .map(
        ([name, suffix, random]) =>
          `arn:aws:sts::123456789012:assumed-role/SecureLambdaDevInvokerRole${suffix.toUpperCase()}${random}/ci-${name}`,
      ),
    fc
      .tuple(pathWord, fc.constantFrom('live', '$LATEST', '7'))
      .map(
        ([name, version]) =>
          `arn:aws:lambda:eu-west-1:123456789012:function:secure-lambda-${name}:${version}`,
      ),
    fc
      .tuple(pathWord, folderName)
      .map(
        ([name, random]) =>
          `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-${random.slice(0, 6)}`,
      ),
    fc.uuid().map((id) => `arn:aws:kms:eu-west-1:123456789012:key/${id}`),
  );
  const requestId = fc.oneof(
    fc.uuid(),
    hex(16).map((id) => id.toUpperCase()),
    fc.tuple(hex(8), hex(24)).map(([time, id]) => `1-${time}-${id}`),
  );
  const isoDate = fc
    .date({
      min: new Date('2000-01-01T00:00:00.000Z'),
      max: new Date('2100-01-01T00:00:00.000Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString());
  const sentenceWord = fc.oneof(
    fc.constantFrom(
      'Order',
      'shipped',
      'to',
      'Lisbon',
      'the',
      'queue',
      'is',
      'empty',
      'retrying',
      'in',
      'seconds',
    ),
    chars(LOWER, 1, 10).filter((text) => text !== 'bearer' && text !== 'basic'),
    fc.nat({ max: 100_000 }).map(String),
  );
  const sentence = fc
    .tuple(fc.array(sentenceWord, { minLength: 3, maxLength: 16 }), fc.constantFrom('.', '!', '', '?'))
    .map(([words, end]) => `${words.join(' ')}${end}`);

  const DIAGNOSTICS: readonly (readonly [string, fc.Arbitrary<string>])[] = [
    ['a file path under a random mixed-case folder', filePath],
    ['an ARN', arn],
    ['a request or trace id', requestId],
    ['a UUID', fc.uuid()],
    ['an ISO date', isoDate],
    ['an ordinary sentence', sentence],
  ];

  describe.each(DIAGNOSTICS)('[TM-LOG-02] %s', (_kind, diagnostic) => {
    it(`survives unredacted in the message, a field and an error (${RUNS_PER_CLASS} runs)`, () => {
      const { logger } = createObservability({ serviceName: 'property-service' });
      fc.assert(
        fc.property(diagnostic, fc.constantFrom(...NEUTRAL_NAMES), (value, name) => {
          const [, ...inMessage] = logAndRead(logger, { message: `saw ${value} here`, forbidden: [] });
          expect(inMessage).toContain(`saw ${value} here`);
          const [, ...inField] = logAndRead(logger, {
            message: 'field',
            attributes: { [name]: value },
            forbidden: [],
          });
          expect(inField).toContain(value);
          const error = new Error(`failed on ${value}`);
          const [, ...inError] = logAndRead(logger, { message: 'error', error, forbidden: [] });
          expect(inError).toContain(`failed on ${value}`);
        }),
        { numRuns: RUNS_PER_CLASS },
      );
    });
  });

  it(`[TM-LOG-02] keeps the code location of errors thrown from files under random mixed-case folders (${RUNS_PER_CLASS} runs)`, () => {
    const { logger } = createObservability({ serviceName: 'property-service' });
    fc.assert(
      fc.property(filePath, fc.integer({ min: 1, max: 99_999 }), (file, line) => {
        const error = new Error('boom');
        error.stack = `Error: boom\n    at Object.<anonymous> (${file}:${line}:7)\n    at run (${file}:3:1)`;
        const before = output().mark();
        logger.error('located', error);
        const record = JSON.parse(output().textSince(before)) as {
          error: { location: string; stack: string };
        };
        expect(record.error.location).toBe(`${file}:${line}`);
        expect(record.error.stack).toBe(error.stack);
      }),
      { numRuns: RUNS_PER_CLASS },
    );
  });
});
