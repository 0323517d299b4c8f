import { REDACTED, redact } from '../src';

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redact: secret-named keys', () => {
  it.each([
    'password',
    'PASSWORD',
    'db_password',
    'passwd',
    'secret',
    'clientSecret',
    'token',
    'idToken',
    'x-amz-security-token',
    'authorization',
    'Authorization',
    'auth',
    'cookie',
    'set-cookie',
    'apiKey',
    'api_key',
    'x-api-key',
    'accessKeyId',
    'secretAccessKey',
    'sessionToken',
    'credentials',
    'privateKey',
    'plaintext',
    'dataKey',
    'data_key',
    'keyMaterial',
  ])('redacts the value of %s', (key) => {
    expect(redact({ [key]: 'value-1' })).toEqual({ [key]: REDACTED });
  });

  it.each(['ciphertext', 'keyId', 'author', 'authorizer', 'user', 'userArn', 'bucketKey'])(
    'keeps %s',
    (key) => {
      expect(redact({ [key]: 'value-1' })).toEqual({ [key]: 'value-1' });
    },
  );

  it('replaces a whole object or array under a secret name', () => {
    expect(redact({ credentials: { accessKeyId: 'id', region: 'eu-west-1' }, tokens: ['a', 'b'] })).toEqual({
      credentials: REDACTED,
      tokens: REDACTED,
    });
  });

  it('keeps null, undefined and booleans under a secret name (they say whether one is set, nothing more)', () => {
    expect(redact({ password: null, token: undefined, auth: true, secret: 0 })).toEqual({
      password: null,
      token: undefined,
      auth: true,
      secret: REDACTED,
    });
  });

  it('finds secret names at any depth and inside arrays', () => {
    expect(redact({ a: [{ b: { c: [{ password: 'x', keep: 1 }] } }] })).toEqual({
      a: [{ b: { c: [{ password: REDACTED, keep: 1 }] } }],
    });
  });
});

describe('redact: secret-shaped strings', () => {
  it.each([
    ['an access key id', 'key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['a temporary access key id', 'ASIAY34FZKBOKMUTVV7A', REDACTED],
    ['a 40-character secret key', `secret ${AWS_SECRET}.`, `secret ${REDACTED}.`],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln here', `jwt ${REDACTED} here`],
    ['a Bearer token', 'Authorization: Bearer opaque-token-1', `Authorization: ${REDACTED}`],
    ['a bare Bearer token', 'sent Bearer opaque-token-1 upstream', `sent Bearer ${REDACTED} upstream`],
    ['a Basic credential', 'Basic dXNlcjpwYXNz', `Basic ${REDACTED}`],
    ['a URL password', 'postgres://app:pa55word@db:5432/x', `postgres://app:${REDACTED}@db:5432/x`],
    ['password=value', 'user=ana&password=hunter2&x=1', `user=ana&password=${REDACTED}&x=1`],
    ['a quoted value', 'secret: "two words"', `secret: ${REDACTED}`],
    ['a pair nested in a value', 'note=password=hunter2', `note=password=${REDACTED}`],
    ['escaped JSON', '{\\"token\\":\\"abc def\\"}', `{\\"token\\":${REDACTED}}`],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', REDACTED],
    ['a long random token', 'k=Zr7Qh2Lx9Vb4Nc8Mp1Ws6Te3Yu5Io0Pa7Sd', `k=${REDACTED}`],
    [
      'a PEM private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      REDACTED,
    ],
  ])('redacts %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ['a sentence', 'Order 42 shipped to Lisbon'],
    ['a UUID', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
    ['an X-Ray trace id', '1-5759e988-bd862e3fe1be46a994272793'],
    ['an ARN', 'arn:aws:sts::123456789012:assumed-role/SecureLambdaDevInvokerRoleABCDEF123456/ci'],
    ['a timestamp', '2025-01-01T00:00:00.000Z'],
    ['a SHA-1 in hex', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['a hyphenated function name', 'SecureLambdaDev-OrdersHandler9F8E7D6C-AbCdEfGhIjKl'],
    ['the word Basic', 'Basic Authentication is disabled'],
    ['a ciphertext field name', 'ciphertext=abc'],
  ])('keeps %s', (_name, input) => {
    expect(redact(input)).toBe(input);
  });

  it('redacts fields inside JSON strings, keeping the string JSON', () => {
    const body = JSON.stringify({ user: 'ana', password: 'hunter2', nested: [{ apiKey: 'k' }] });
    const redacted = redact({ body }) as { body: string };
    expect(JSON.parse(redacted.body)).toEqual({
      user: 'ana',
      password: REDACTED,
      nested: [{ apiKey: REDACTED }],
    });
  });

  it('redacts secret-shaped object keys', () => {
    expect(redact({ AKIAIOSFODNN7EXAMPLE: 'owner' })).toEqual({ [REDACTED]: 'owner' });
  });

  it('scans pathological strings in linear time', () => {
    const inputs = [
      'a:'.repeat(200_000),
      'a='.repeat(200_000),
      'http://a:'.repeat(50_000),
      'a-'.repeat(200_000),
      'aB1'.repeat(300_000),
      `"password":"${'x'.repeat(200_000)}`,
      'Bearer '.repeat(100_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(20_000),
      '%41'.repeat(300_000),
      '%2541'.repeat(200_000),
      'aB/'.repeat(300_000),
      'Abc/def/'.repeat(100_000),
      'AbcDef'.repeat(150_000),
      `${'aaaaaaaaaaaa'.repeat(50_000)}+`,
      `${Buffer.from('password=x').toString('base64')} `.repeat(50_000),
      `password:${' \n'.repeat(200_000)}`,
      `https://${'a'.repeat(200_000)}`,
      'arn:aws:x:'.repeat(100_000),
    ];
    const started = process.cpuUsage();
    for (const input of inputs) redact(input);
    // Not a speed target (those live in benchmark scripts): a ReDoS guard. Quadratic behaviour on
    // any of these inputs takes hours; linear takes about 2 s of CPU. It counts this process's CPU time,
    // not wall time, so other processes on a busy host cannot trip it (wall time reached 32 s under load).
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1000).toBeLessThan(20_000);
  });
});

describe('redact: binary data', () => {
  it.each([
    ['a Buffer', Buffer.from('data key bytes'), 14],
    ['a Uint8Array', new Uint8Array(32), 32],
    ['a Float64Array', new Float64Array(4), 32],
    ['a DataView', new DataView(new ArrayBuffer(8)), 8],
    ['an ArrayBuffer', new ArrayBuffer(16), 16],
    ['a SharedArrayBuffer', new SharedArrayBuffer(4), 4],
  ])('replaces %s with its size only', (_name, value, bytes) => {
    expect(redact({ payload: value })).toEqual({ payload: `[REDACTED: ${bytes} bytes]` });
  });

  it('never prints the bytes, in any encoding', () => {
    const bytes = Buffer.from('plaintext-canary');
    const printed = JSON.stringify(redact({ list: [bytes], nested: { bytes } }));
    expect(printed).not.toContain(bytes.toString('base64'));
    expect(printed).not.toContain(bytes.toString('hex'));
    expect(printed).not.toContain(bytes.toJSON().data.join(','));
    expect(printed).not.toContain('plaintext-canary');
  });
});

describe('redact: structure', () => {
  it('marks cycles instead of recursing', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;
    node.list = [node];
    expect(redact(node)).toEqual({ name: 'root', self: '[Circular]', list: ['[Circular]'] });
  });

  it('repeats shared references that are not cycles', () => {
    const shared = { id: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } });
  });

  it('handles an error cause cycle', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.defineProperty(first, 'cause', { value: second });
    expect(redact(first)).toMatchObject({
      message: 'first',
      cause: { message: 'second', cause: '[Circular]' },
    });
  });

  it('truncates deep nesting without printing what lies below the limit', () => {
    let deep: Record<string, unknown> = { note: 'bottom hunter2-deep' };
    for (let level = 0; level < 5_000; level += 1) deep = { child: deep };
    const printed = JSON.stringify(redact(deep));
    expect(printed).toContain('[Truncated]');
    expect(printed).not.toContain('hunter2-deep');
  });

  it('truncates very large values', () => {
    const redacted = redact({ items: Array.from({ length: 100_000 }, (_, index) => index) }) as {
      items: unknown[];
    };
    expect(redacted.items.length).toBeLessThan(100_000);
    expect(redacted.items.at(-1)).toBe('[Truncated]');
  });

  it('formats errors like Powertools (name, location, message, stack, cause) and redacts every part', () => {
    const error = Object.assign(new TypeError('bad AKIAIOSFODNN7EXAMPLE', { cause: { token: 't' } }), {
      code: 'E_BAD',
      password: 'p',
    });
    expect(redact(error)).toEqual({
      name: 'TypeError',
      location: expect.stringContaining('redact.test.ts'),
      message: `bad ${REDACTED}`,
      stack: expect.stringMatching(/^TypeError: bad \[REDACTED\]\n/),
      cause: { token: REDACTED },
      code: 'E_BAD',
      password: REDACTED,
    });
  });

  it('includes the errors of an AggregateError', () => {
    const error = new AggregateError([new Error('one'), new Error('two password=x')], 'many');
    expect(redact(error)).toMatchObject({
      name: 'AggregateError',
      message: 'many',
      errors: [{ message: 'one' }, { message: `two password=${REDACTED}` }],
    });
  });

  it('converts Maps, Sets, Dates, bigints and boxed values; drops functions and symbols', () => {
    expect(
      redact({
        map: new Map<string, unknown>([
          ['password', 'x'],
          ['region', 'eu-west-1'],
        ]),
        objectKeyedMap: new Map([[{ id: 1 }, 'v']]),
        set: new Set(['a', 'AKIAIOSFODNN7EXAMPLE']),
        date: new Date('2025-01-01T00:00:00.000Z'),
        invalidDate: new Date('nope'),
        big: 10n ** 20n,
        boxed: Object('Bearer abc'),
        fn: () => 'code',
        sym: Symbol('s'),
      }),
    ).toEqual({
      map: { password: REDACTED, region: 'eu-west-1' },
      objectKeyedMap: [[{ id: 1 }, 'v']],
      set: ['a', REDACTED],
      date: '2025-01-01T00:00:00.000Z',
      invalidDate: null,
      big: '100000000000000000000',
      boxed: `Bearer ${REDACTED}`,
      fn: undefined,
      sym: undefined,
    });
  });

  it('uses toJSON, and redacts what it returns', () => {
    expect(redact({ url: new URL('https://app:hunter2@example.com/path') })).toEqual({
      url: `https://app:${REDACTED}@example.com/path`,
    });
  });

  it('survives throwing getters and hostile proxies', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect(redact({ getter, proxy })).toEqual({
      getter: { ok: 1, bad: '[Unserializable]' },
      proxy: '[Unserializable]',
    });
  });

  it('does not let a __proto__ key change the prototype of the output', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "safe": 1}') as unknown;
    const output = redact(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output)).toEqual(['__proto__', 'safe']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not mutate its input', () => {
    const input = { password: 'x', nested: { list: [Buffer.from('b'), 'AKIAIOSFODNN7EXAMPLE'] } };
    const copy = structuredClone(input);
    redact(input);
    expect(input).toEqual(copy);
    expect(Buffer.isBuffer(input.nested.list[0])).toBe(true);
  });

  it('is idempotent', () => {
    const once = redact({ a: `x ${AWS_SECRET}`, b: Buffer.from('x'), c: { token: 'x' }, d: 'password=y' });
    expect(redact(once)).toEqual(once);
  });

  it('passes primitives through', () => {
    expect([redact(1), redact(true), redact(null), redact(undefined), redact('plain')]).toEqual([
      1,
      true,
      null,
      undefined,
      'plain',
    ]);
  });
});

describe('redact: binary data in disguise and crypto key names', () => {
  test('a Buffer that went through JSON, and a plain array of bytes, are binary data', () => {
    const key = Buffer.alloc(32, 0x42);
    expect(redact({ material: JSON.parse(JSON.stringify(key)) })).toEqual({
      material: '[REDACTED: 32 bytes]',
    });
    expect(redact({ material: Array.from(key) })).toEqual({ material: '[REDACTED: 32 bytes]' });
    // Short integer lists (counts, ports) stay readable.
    expect(redact({ ports: [443, 80] })).toEqual({ ports: [443, 80] });
  });

  test.each([
    'encryptionKey',
    'masterKey',
    'aes_key',
    'hmacKey',
    'sessionKey',
    'wrappingKey',
    'kek',
    'dek',
    'cek',
  ])('%s is redacted by name; key ids and object keys are not', (name) => {
    expect(redact({ [name]: 'hex-or-whatever', keyId: 'alias/app', objectKey: 'invoices/1.pdf' })).toEqual({
      [name]: '[REDACTED]',
      keyId: 'alias/app',
      objectKey: 'invoices/1.pdf',
    });
  });

  test('a Map with non-string keys still redacts its secret-named entries', () => {
    const map = new Map<unknown, unknown>([
      [1, 'one'],
      ['password', 'hunter2'],
    ]);
    expect(redact({ map })).toEqual({
      map: [
        [1, 'one'],
        ['password', '[REDACTED]'],
      ],
    });
  });
});

describe('redact: key shapes, encodings and header lists', () => {
  const hex256 = 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90';

  it.each([
    ['a 256-bit hex key in text', `key ${hex256} loaded`, `key ${REDACTED} loaded`],
    ['a 128-bit hex key in upper case', 'k=00112233445566778899AABBCCDDEEFF', `k=${REDACTED}`],
    ['a 0x-prefixed hex key', `0x${hex256}`, REDACTED],
    ['a 24-character base64 AES-128 key', 'aes q7Xk2Lm9Pz4Rt8Wv1Yb3Nw==', `aes ${REDACTED}`],
    ['a 44-character base64 key', `k ${Buffer.alloc(32, 7).toString('base64')}`, `k ${REDACTED}`],
    ['an OAuth code in a query', '/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=x', `/cb?code=${REDACTED}&state=x`],
    [
      'a SAS signature',
      'https://a.blob.core.windows.net/c/b?sv=1&sig=abc%2Bdef)x&se=2',
      `https://a.blob.core.windows.net/c/b?sv=1&sig=${REDACTED}&se=2`,
    ],
    [
      'a password in a URL-encoded redirect',
      '/login?next=%2Fcb%3Fpassword%3Dhunter2',
      `/login?next=/cb?password=${REDACTED}`,
    ],
    ['base64 of password=…', Buffer.from('password=hunter2').toString('base64'), REDACTED],
    ['base64url of a JSON body', Buffer.from('{"token":"t-1"}').toString('base64url'), REDACTED],
    [
      'a JSON pair with a line break after the colon',
      '{"password":\n    "hunter2"',
      `{"password":\n    ${REDACTED}`,
    ],
    [
      'a JSON-escaped line break after the colon',
      '{\\"secret\\":\\n\\"x y\\"}',
      `{\\"secret\\":\\n${REDACTED}}`,
    ],
    [
      'a token as a URL user name',
      'https://ghxToken123abc@github.com/o/r',
      `https://${REDACTED}@github.com/o/r`,
    ],
    [
      'a token user with a dummy password',
      'https://Tok3nAbc:x-oauth-basic@github.com',
      `https://${REDACTED}:${REDACTED}@github.com`,
    ],
  ])('redacts %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ['a git commit id', 'deployed 9fceb02d0ae598e95dc970b74767f19372d61af8'],
    ['a Lambda log stream name', '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef'],
    ['an error code pair', 'exit code=1 after retry'],
    ['a plain login name in a URL', 'ssh://git@github.com/org/repo.git'],
    ['a hyphenated login name', 'sftp://ec2-user@10.0.0.1/home'],
    ['an unrelated encoded URL', 'https://x.example/search?q=a%20b%2Fc'],
    ['a word that happens to be base64', 'Authentication'],
    [
      'a Secrets Manager ARN in text',
      'read arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbC123 ok',
    ],
    [
      'a CDK role ARN in text',
      'role arn:aws:iam::123456789012:role/SecureLambdaDev-OrdersHandlerServiceRoleDefaultPolicy9F8E7D6C-AbCdEf0123 denied',
    ],
    [
      'a macOS temporary folder',
      '/var/folders/3x/kt8gk8xs4zl1s2z2y2hvv8ww0000gn/T/tmp.Xy7Qz3AbCd/repo/a.ts:1',
    ],
    [
      'a home folder path',
      '/Users/JaneDoe/Development/secureLambda2/packages/observability/test/canary.test.ts:12',
    ],
    ['a mktemp checkout path', '/tmp/tmp.tNK5l4pSLO/packages/observability/test/redact.test.ts:202'],
    ['a digit-free CamelCase identifier', 'SecureLambdaDevOrdersHandlerServiceRoleDefaultPolicy'],
  ])('keeps %s', (_name, input) => {
    expect(redact(input)).toBe(input);
  });

  it('keeps error codes as fields and digests and request ids under their names', () => {
    const value = {
      code: 'E_BAD',
      etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      codeSha256: Buffer.alloc(32, 9).toString('base64'),
      $metadata: {
        extendedRequestId: `vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=`,
      },
    };
    expect(redact(value)).toEqual(value);
    // The same values in free text look exactly like keys.
    expect(redact(`etag d41d8cd98f00b204e9800998ecf8427e`)).toBe(`etag ${REDACTED}`);
    // A secret name still wins over a digest name.
    expect(redact({ passwordHash: 'x' })).toEqual({ passwordHash: REDACTED });
  });

  it('redacts values in header pairs, rawHeaders and name/value lists, and keeps the rest', () => {
    expect(
      redact({
        pairs: [
          ['Accept', 'application/json'],
          ['Authorization', 'opaque-1'],
        ],
        rawHeaders: ['Host', 'api.example.com', 'X-Api-Key', 'opaque-2', 'Cookie', 'sid=3'],
        har: [
          { name: 'Accept', value: '*/*' },
          { name: 'Authorization', value: 'opaque-4' },
        ],
        list: ['a', 1, null],
      }),
    ).toEqual({
      pairs: [
        ['Accept', 'application/json'],
        ['Authorization', REDACTED],
      ],
      rawHeaders: ['Host', 'api.example.com', 'X-Api-Key', REDACTED, 'Cookie', REDACTED],
      har: [
        { name: 'Accept', value: '*/*' },
        { name: 'Authorization', value: REDACTED },
      ],
      list: ['a', 1, null],
    });
  });

  it('is idempotent on decoded and re-shaped output', () => {
    const once = redact({
      a: '/login?next=%252Fcb%253Fpassword%253Dhunter2',
      b: 'https://ghxToken123abc@github.com',
      c: `k ${hex256}`,
    });
    expect(redact(once)).toEqual(once);
  });
});
