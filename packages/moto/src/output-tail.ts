/** ANSI colour codes: werkzeug colours its log lines, which only clutters an error message. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC character is the point.
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * Keeps the last `maxBytes` bytes written to it, for error messages. moto logs a line per request, so a long test run would
 * otherwise grow without bound only to show a few lines in an error.
 */
export class OutputTail {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Drop whole chunks while what is left still covers the window; text() trims the rest.
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= this.maxBytes) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    const window = all.length > this.maxBytes ? all.subarray(all.length - this.maxBytes) : all;
    return window.toString('utf8').replace(ANSI_ESCAPE, '').trimEnd();
  }
}
