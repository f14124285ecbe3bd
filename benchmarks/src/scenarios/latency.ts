// Latency: with a query idle on the default trigger, one small file lands; how long until the
// batch that contains it is committed to Delta (the progress event follows the commit)?
import { createNodeEngine } from '@weir/node';
import { functions as F } from '@weir/planner';
import { createSession } from '@weir/streaming';
import { simulate } from '@weir/weather-sim';
import { WEATHER_DDL } from './weir-pipelines.js';

export interface LatencyResult {
  readonly p50: number;
  readonly p95: number;
  readonly samples: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function latencyScenario(work: string, arrivals: number): Promise<LatencyResult> {
  const engine = createNodeEngine();
  const spark = createSession({ conf: { 'weir.executor.threads': '1' } });
  let onData: ((at: number) => void) | undefined;
  spark.streams.addListener({
    onQueryStarted: () => {},
    onQueryProgress: (e: { progress?: { numInputRows?: number }; numInputRows?: number }) => {
      const p = e.progress ?? e;
      if ((p.numInputRows ?? 0) > 0) onData?.(performance.now());
    },
    onQueryIdle: () => {},
    onQueryTerminated: () => {},
  });
  const query = await spark.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .schema(WEATHER_DDL)
    .load(`${work}/landing`)
    .where(F.col('temperature_c').isNotNull())
    .writeStream.format('delta')
    .option('checkpointLocation', `${work}/checkpoint`)
    .start(`${work}/table`);
  const samples: number[] = [];
  await spark.warmUp(); // the one-off worker start is not an arrival's latency
  try {
    for (let i = 0; i < arrivals; i++) {
      await new Promise((r) => setTimeout(r, 150)); // let the query go idle
      const committed = new Promise<number>((resolve) => (onData = resolve));
      const landedAt = { t: 0 };
      await simulate({
        engine, out: `${work}/landing`, files: 1, rowsPerFile: 20, stations: 5, seed: i + 1,
        filePrefix: `arrival-${String(i).padStart(4, '0')}`, startTime: Date.UTC(2026, 0, 1) + i * 60_000,
        onFile: () => (landedAt.t = performance.now()),
      });
      samples.push((await committed) - landedAt.t);
    }
  } finally {
    await query.stop();
    await spark.close();
    await engine.tasks.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: Number(percentile(sorted, 50).toFixed(1)), p95: Number(percentile(sorted, 95).toFixed(1)), samples: samples.length };
}
