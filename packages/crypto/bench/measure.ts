/**
 * Side-by-side timing: every contender runs in each round, rounds alternate, and the median of the
 * rounds is reported, so a noisy neighbour slows all contenders alike rather than one of them.
 */
export interface Contender {
  readonly name: string;
  /** One operation on one message. */
  readonly run: () => Promise<unknown> | unknown;
}

export interface Measurement {
  readonly name: string;
  readonly opsPerSecond: number;
}

async function timeRound(contender: Contender, minMs: number, minOps: number): Promise<number> {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (ops < minOps || elapsedMs < minMs) {
    await contender.run();
    ops++;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops * 1000) / elapsedMs;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run the benchmark with node --expose-gc (npm run bench does).');
  gc();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function compare(
  contenders: readonly Contender[],
  options: { rounds: number; minMs: number; minOps: number },
): Promise<Measurement[]> {
  // Warm-up as long as a round, so the JIT and the caches are settled before anything is recorded.
  for (const contender of contenders) await timeRound(contender, options.minMs, options.minOps);
  const samples = contenders.map(() => [] as number[]);
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      // Collect before each round so one contender's garbage (the SDK makes a lot) is not paid for by
      // the next one. Needs node --expose-gc (the bench script passes it).
      collectGarbage();
      samples[i]!.push(await timeRound(contenders[i]!, options.minMs, options.minOps));
    }
  }
  return contenders.map((c, i) => ({ name: c.name, opsPerSecond: median(samples[i]!) }));
}
