import { ProcessStartError, spawnCollect, TerraformErrorCode, tail } from '../src';

const node = process.execPath;
const options = { cwd: process.cwd(), env: process.env, timeoutMs: 60_000 };

describe('spawnCollect', () => {
  test('collects both streams and the exit code, whatever the code', async () => {
    const run = await spawnCollect(
      node,
      ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'],
      options,
    );
    expect(run).toEqual({ code: 3, signal: null, stdout: 'out', stderr: 'err', timedOut: false });
  });

  test('streams stdout to onStdout as it arrives', async () => {
    const chunks: string[] = [];
    await spawnCollect(node, ['-e', 'console.log("a")'], {
      ...options,
      onStdout: (c) => chunks.push(c.toString()),
    });
    expect(chunks.join('')).toBe('a\n');
  });

  test('kills a process that runs past its deadline and says so', async () => {
    // The child never exits by itself: only the deadline can end it, however slow the machine.
    const run = await spawnCollect(node, ['-e', 'setInterval(() => {}, 1000)'], {
      ...options,
      timeoutMs: 300,
    });
    expect(run).toMatchObject({ timedOut: true, signal: 'SIGKILL', code: null });
  });

  test('a program that cannot start is a ProcessStartError naming it', async () => {
    const error = await spawnCollect('secure-lambda-no-such-program', [], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessStartError);
    expect(error).toMatchObject({
      code: TerraformErrorCode.PROCESS_START_FAILED,
      command: 'secure-lambda-no-such-program',
      message: expect.stringContaining('could not start secure-lambda-no-such-program'),
    });
  });
});

test('tail keeps the last lines, indented', () => {
  expect(tail('a\nb\nc', 2)).toBe('    ...\n    b\n    c');
});
