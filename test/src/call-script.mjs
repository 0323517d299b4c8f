/**
 * Calls one exported function of an ES module script (scripts/plan.mjs, scripts/checkov.mjs) and writes its
 * result as JSON. Jest runs the TypeScript tests as CommonJS and cannot import those modules in-process, so
 * `scripts.ts` runs this file in a child node process instead.
 *
 *   node call-script.mjs '{"module":"/abs/scripts/plan.mjs","fn":"planStacks","args":[{}]}' /tmp/out.json
 *
 * The output file holds `{ "ok": true, "value": ... }` or `{ "ok": false, "error": { name, code, message } }`.
 * Errors anywhere in the value (plan failures are returned, not thrown) keep name, code, message and the
 * extra fields the scripts' error classes carry.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [requestJson, responsePath] = process.argv.slice(2);
if (!requestJson || !responsePath) {
  console.error('usage: node call-script.mjs <request-json> <response-file>');
  process.exit(2);
}

/**
 * @param {string} _key
 * @param {unknown} value
 */
function errorsAsJson(_key, value) {
  if (!(value instanceof Error)) return value;
  return {
    ...Object.fromEntries(Object.entries(value)),
    name: value.name,
    message: value.message,
    cause: value.cause instanceof Error ? value.cause.message : value.cause,
  };
}

const request = JSON.parse(requestJson);
let response;
try {
  const module = await import(pathToFileURL(request.module).href);
  if (typeof module[request.fn] !== 'function')
    throw new TypeError(`${request.module} exports no ${request.fn}()`);
  response = { ok: true, value: await module[request.fn](...request.args) };
} catch (error) {
  response = { ok: false, error };
}
writeFileSync(responsePath, JSON.stringify(response, errorsAsJson));
