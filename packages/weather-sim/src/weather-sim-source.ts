import {
  defineOptions,
  joinPath,
  utf8Decode,
  utf8Encode,
  WeirError,
  type SourceContext,
  parseOptions,
  type InputPartition,
  type Offset,
  type ParsedOptions,
  type PartitionReader,
  type ReadLimit,
  type Row,
  type Source,
  type SourcePlugin,
  type StructType,
} from '@weir/core';
import { WeatherSimErrors } from './errors.js';
import { readingRow, WEATHER_SCHEMA } from './file-encoder.js';
import { fold53 } from './prng.js';
import { newReading, WeatherModel } from './weather-model.js';

/** Options of the `weather-sim` source: Spark's `rate-micro-batch` names, plus the model's. */
export const WEATHER_SIM_SOURCE_OPTIONS = defineOptions([
  { name: 'rowsPerBatch', kind: 'long', min: 1, default: '100', doc: 'Rows generated per micro-batch. Defaults to `100`.' },
  { name: 'numPartitions', kind: 'int', min: 1, default: '1', doc: 'Input partitions per batch (read in parallel by workers). Defaults to `1`.' },
  { name: 'startTimestamp', kind: 'long', default: '0', doc: 'Event time (epoch ms) of batch 0, as in Spark. Defaults to `0`.' },
  { name: 'advanceMillisPerBatch', kind: 'long', min: 0, default: '1000', doc: 'Event time advanced per batch (ms). Defaults to `1000`.' },
  { name: 'numStations', kind: 'int', min: 1, default: '10', doc: 'Number of stations (ST-0001 …); row i belongs to station i % numStations. Defaults to `10`.' },
  { name: 'seed', kind: 'long', min: 0, default: '1', doc: 'Seed of the weather model. Defaults to `1`.' },
  {
    name: 'realTime',
    kind: 'boolean',
    default: 'false',
    doc:
      'Pace batches by the engine clock: batch n becomes available once the clock passes the end of its event-time window ' +
      '(startTimestamp + (n+1)·advanceMillisPerBatch); without startTimestamp, the start is the clock at first use, recorded in the ' +
      'checkpoint (sources/<n>/startTime). Defaults to `false` (Spark rate-micro-batch: always one more batch).',
  },
]);

/** The source offset: the number of micro-batches generated so far. */
export interface WeatherSimOffset extends Offset {
  readonly v: 1;
  readonly batch: number;
}

/** Plain data of one input partition: rows `[from, to)` of micro-batch `batch`. */
export interface WeatherSimPartitionData {
  readonly v: 1;
  readonly seed: number;
  readonly numStations: number;
  readonly rowsPerBatch: number;
  readonly startTimestamp: number;
  readonly advanceMillisPerBatch: number;
  readonly batch: number;
  readonly from: number;
  readonly to: number;
}

/** The module whose `partitionReaders` turn partitions into rows (imported in workers). */
const READER_MODULE = '@weir/weather-sim';

function batchOf(offset: Offset | null, what: string): number {
  if (offset === null) return 0;
  const b = (offset as Partial<WeatherSimOffset>).batch;
  if (offset.v !== 1 || typeof b !== 'number' || !Number.isSafeInteger(b) || b < 0) {
    throw WeatherSimErrors.WEATHER_SIM_INVALID_OFFSET({ offset: JSON.stringify(offset), reason: `${what} is not a version-1 batch offset` });
  }
  return b;
}

class WeatherSimSource implements Source {
  readonly #opts: ParsedOptions<typeof WEATHER_SIM_SOURCE_OPTIONS>;
  readonly #ctx: SourceContext;
  /** The event time of batch 0 (ms): the option, or in realTime mode without it, the recorded start. */
  #startTimestamp: number | undefined;

  constructor(raw: Readonly<Record<string, string>>, ctx: SourceContext) {
    this.#opts = parseOptions(WEATHER_SIM_SOURCE_OPTIONS, raw, 'weather-sim source');
    this.#ctx = ctx;
    const explicitStart = Object.keys(raw).some((k) => k.toLowerCase() === 'starttimestamp');
    if (!this.#opts.realTime || explicitStart) this.#startTimestamp = this.#opts.startTimestamp;
  }

  /** The start time, recorded once under the source's metadata path so restarts continue the same sequence. */
  async #start(): Promise<number> {
    if (this.#startTimestamp !== undefined) return this.#startTimestamp;
    const { storage, clock } = this.#ctx.engine;
    const path = joinPath(this.#ctx.metadataPath, 'startTime');
    const read = async (): Promise<number | undefined> => {
      try {
        return (JSON.parse(utf8Decode(await storage.read(path))) as { startTimestamp: number }).startTimestamp;
      } catch (err) {
        if (WeirError.is(err) && err.code === 'FILE_NOT_FOUND') return undefined;
        throw err;
      }
    };
    let start = await read();
    if (start === undefined) {
      const now = Math.floor(clock.now());
      try {
        await storage.put(path, utf8Encode(JSON.stringify({ v: 1, startTimestamp: now })), { ifAbsent: true });
        start = now;
      } catch (err) {
        if (!(WeirError.is(err) && err.code === 'FILE_ALREADY_EXISTS')) throw err;
        start = (await read()) as number;
      }
    }
    this.#startTimestamp = start;
    return start;
  }

  schema(): StructType {
    return WEATHER_SCHEMA;
  }

  getDefaultReadLimit(): ReadLimit {
    return {};
  }

  /**
   * Default: always one more batch (Spark's `RatePerMicroBatchStream`; data is generated, never
   * waited for). `realTime`: every batch whose window has ended on the engine clock, at most
   * `⌊maxRows / rowsPerBatch⌋` (≥ 1) of them under a `maxRows` read limit; `start` when none.
   */
  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = batchOf(start, 'start');
    if (!this.#opts.realTime) return { v: 1, batch: from + 1 } satisfies WeatherSimOffset;
    const { advanceMillisPerBatch, rowsPerBatch } = this.#opts;
    const elapsed = this.#ctx.engine.clock.now() - (await this.#start());
    const available = advanceMillisPerBatch === 0 ? from + 1 : Math.max(0, Math.floor(elapsed / advanceMillisPerBatch));
    const cap = limit.maxRows === undefined ? Infinity : Math.max(1, Math.floor(limit.maxRows / rowsPerBatch));
    const end = Math.min(available, from + cap);
    if (end <= from) return start;
    return { v: 1, batch: end } satisfies WeatherSimOffset;
  }

  /** Batches `start.batch … end.batch − 1`, each split into `numPartitions` contiguous row ranges. */
  async planInputPartitions(start: Offset | null, end: Offset): Promise<readonly InputPartition[]> {
    const from = batchOf(start, 'start');
    const to = batchOf(end, 'end');
    const o = this.#opts;
    const startTimestamp = await this.#start();
    const out: InputPartition[] = [];
    for (let batch = from; batch < to; batch++) {
      for (let p = 0; p < o.numPartitions; p++) {
        const lo = Math.floor((p * o.rowsPerBatch) / o.numPartitions);
        const hi = Math.floor(((p + 1) * o.rowsPerBatch) / o.numPartitions);
        if (hi <= lo) continue;
        const data: WeatherSimPartitionData = {
          v: 1,
          seed: o.seed,
          numStations: o.numStations,
          rowsPerBatch: o.rowsPerBatch,
          startTimestamp,
          advanceMillisPerBatch: o.advanceMillisPerBatch,
          batch,
          from: lo,
          to: hi,
        };
        out.push({ readerModule: READER_MODULE, reader: 'weatherSim', data, sizeInBytes: (hi - lo) * 190 });
      }
    }
    return out;
  }

  metrics(latestConsumed: Offset | null): Readonly<Record<string, string>> {
    return { rowsPerBatch: String(this.#opts.rowsPerBatch), batchesGenerated: String(latestConsumed === null ? 0 : batchOf(latestConsumed, 'offset')) };
  }

  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * Rows of a partition: a pure function of its data, so a batch replayed after a crash (or read
 * by another worker) has identical rows. Row `j` of batch `n` is global row `n·rowsPerBatch + j`
 * at `startTimestamp + n·advanceMillisPerBatch + ⌊j·advanceMillisPerBatch/rowsPerBatch⌋` (in µs).
 */
export const readWeatherSimPartition: PartitionReader = async (data) => {
  const d = data as WeatherSimPartitionData;
  const model = new WeatherModel(fold53(d.seed), d.numStations);
  const batchStartUs = (d.startTimestamp + d.batch * d.advanceMillisPerBatch) * 1000;
  const usPerBatch = d.advanceMillisPerBatch * 1000;
  const rows: Row[] = [];
  const r = newReading();
  for (let j = d.from; j < d.to; j++) {
    model.fill(d.batch * d.rowsPerBatch + j, batchStartUs + Math.floor((j * usPerBatch) / d.rowsPerBatch), r);
    rows.push(readingRow(r));
  }
  return { schema: WEATHER_SCHEMA, rows };
};

/**
 * The `weather-sim` stream source, like Spark's `rate-micro-batch`: each trigger admits one more
 * batch of `rowsPerBatch` weather readings whose rows depend on the offset alone, so replay is
 * exact. With `realTime`, batches are paced by the engine clock instead (one per
 * `advanceMillisPerBatch` of clock time). Partitions are read in workers through this package's `partitionReaders.weatherSim`.
 *
 * ```ts
 * const df = session.readStream.format('weather-sim').option('rowsPerBatch', '1000').load();
 * ```
 */
export const weatherSimSource: SourcePlugin = Object.freeze({
  name: 'weather-sim',
  options: WEATHER_SIM_SOURCE_OPTIONS,
  createSource: (options: Readonly<Record<string, string>>, ctx: SourceContext) => new WeatherSimSource(options, ctx),
});
