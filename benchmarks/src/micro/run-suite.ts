// Runs one benchmark.js suite to completion and returns its results (ops/s and relative margin).
import Benchmark from 'benchmark';

export interface MicroResult {
  readonly name: string;
  readonly hz: number;
  readonly rme: number;
}

export interface MicroCase {
  readonly name: string;
  readonly fn: (() => void) | ((deferred: { resolve(): void }) => void);
  readonly defer?: boolean;
}

export function runSuite(title: string, cases: readonly MicroCase[], quick: boolean): Promise<MicroResult[]> {
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite(title);
    for (const c of cases) {
      suite.add(`${title}: ${c.name}`, c.fn, { defer: c.defer ?? false, maxTime: quick ? 0.3 : 2, minSamples: quick ? 3 : 10 });
    }
    suite
      .on('cycle', (e: Benchmark.Event) => console.log(`  ${String(e.target)}`))
      .on('error', (e: Benchmark.Event) => reject((e.target as unknown as { error?: unknown }).error))
      .on('complete', function (this: Benchmark.Suite) {
        resolve(this.map((b: Benchmark) => ({ name: b.name ?? '', hz: b.hz, rme: b.stats.rme })) as MicroResult[]);
      })
      .run({ async: true });
  });
}
