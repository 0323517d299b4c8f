/** `@secure-lambda/generator`: `npm run new:function` (see cli.ts) and its parts, for tests and tools. */
export { main } from './cli';
export { GeneratorError, GeneratorErrorCode, type GeneratorErrorCodeValue } from './errors';
export { checkRequest, type GenerateOptions, generateFunction, pinnedVersions } from './generate';
export { type GeneratedFile, renderApp, type TemplateInput, TRIGGER_LIBRARIES } from './templates';
