import { ContractsErrorCode } from '../src/errors';
import {
  aliasArnOutput,
  functionNameOutput,
  parseStackOutputs,
  STACK_APPS,
  STRING_OUTPUTS,
  StackOutput,
} from '../src/stack-outputs';

const all = () =>
  Object.fromEntries(
    STRING_OUTPUTS.map((name) => [name, { value: `v-${name}`, type: 'string', sensitive: false }]),
  );

describe('stack outputs', () => {
  test('the per-app names the builders make are the constants', () => {
    expect(STACK_APPS.map(functionNameOutput)).toEqual([
      StackOutput.OBJECT_PROCESSOR_FUNCTION_NAME,
      StackOutput.CRYPTO_API_FUNCTION_NAME,
    ]);
    expect(STACK_APPS.map(aliasArnOutput)).toEqual([
      StackOutput.OBJECT_PROCESSOR_ALIAS_ARN,
      StackOutput.CRYPTO_API_ALIAS_ARN,
    ]);
  });

  test('every string output is read by its name', () => {
    const outputs = parseStackOutputs('local', { ...all(), release: { value: { format: 2 } } });
    expect(outputs[StackOutput.KEY_ARN]).toBe('v-key-arn');
    expect(Object.keys(outputs).sort()).toEqual([...STRING_OUTPUTS].sort());
  });

  test('a missing output and an object where a string belongs are both named: STACK_OUTPUT_INVALID', () => {
    const outputs: Record<string, unknown> = { ...all(), 'key-arn': { value: { arn: 'x' } } };
    delete outputs['input-bucket-name'];
    expect(() => parseStackOutputs('local', outputs)).toThrow(
      expect.objectContaining({
        code: ContractsErrorCode.STACK_OUTPUT_INVALID,
        message: expect.stringMatching(/key-arn is not a non-empty string; input-bucket-name is missing/),
      }),
    );
    expect(() => parseStackOutputs('local', [])).toThrow(/are not a JSON object/);
  });
});
