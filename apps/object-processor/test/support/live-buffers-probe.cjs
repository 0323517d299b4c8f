/*
 * Preloaded into the bundle's child process by bundle.test.ts (NODE_OPTIONS="--expose-gc --require <this>").
 * Samples the bytes held by live ArrayBuffers (every Buffer) and prints the peak at exit. That is the number
 * streaming must keep small; peak RSS also counts garbage that V8 collects only after about 64 MiB of
 * external (Buffer) allocations, which makes it a noisy measure of what the code holds.
 * Two collections per sample: V8 frees dead backing stores on a concurrent sweeper, and the second
 * collection first completes the sweep of the first, so what remains counted is live.
 */
const SAMPLE_INTERVAL_MS = 10;
let peak = 0;
const timer = setInterval(() => {
  globalThis.gc();
  globalThis.gc();
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
}, SAMPLE_INTERVAL_MS);
timer.unref();
process.on('exit', () => {
  process.stderr.write(`\n@@LIVE_ARRAY_BUFFERS_PEAK_KIB@@${Math.round(peak / 1024)}\n`);
});
