import { canonicalJson, withVersionStamp } from '../src/canonical-json';

describe('canonicalJson', () => {
  test('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson('{"b":{"d":1,"c":[3,{"z":1,"y":2}]},"a":[]}')).toBe(
      '{\n  "a": [],\n  "b": {\n    "c": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ],\n    "d": 1\n  }\n}\n',
    );
  });

  test('the two frameworks’ spellings of an empty array are the same text; a changed value is not', () => {
    expect(canonicalJson('{"r":[\n]}')).toBe(canonicalJson('{"r":[]}'));
    expect(canonicalJson('{"r":["a"]}')).not.toBe(canonicalJson('{"r":[]}'));
  });
});

describe('withVersionStamp', () => {
  test('reads the framework version and replaces only that field', () => {
    const { version, text } = withVersionStamp(
      '{"//":{"metadata":{"version":"0.24.0","backend":"local"}},"x":1}',
      'f',
    );
    expect(version).toBe('0.24.0');
    expect(JSON.parse(text)).toEqual({ '//': { metadata: { version: 'f', backend: 'local' } }, x: 1 });
  });
});
