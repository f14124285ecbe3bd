import {
  CoreErrors,
  WeirError,
  defineOptions,
  joinPath,
  parseOptions,
  struct,
  field,
  utf8Decode,
  utf8Encode,
  type InputPartition,
  type Offset,
  type PartitionReader,
  type ReadLimit,
  type Row,
  type Source,
  type SourceContext,
  type SourcePlugin,
  type StructType,
} from '@weir/core';

const RATE_OPTIONS = defineOptions([
  { name: 'rowsPerSecond', kind: 'long', default: '1', min: 1, doc: 'Rows generated per second. Defaults to `1`.' },
  { name: 'rampUpTime', kind: 'duration', default: '0s', doc: 'Time to ramp up to rowsPerSecond. Defaults to `0s`.' },
  { name: 'numPartitions', kind: 'int', default: '1', min: 1, doc: 'Partitions of each batch. Defaults to `1`.' },
]);

/** The rate source's schema (Spark's): `timestamp TIMESTAMP, value LONG`. */
export const RATE_SOURCE_SCHEMA: StructType = struct([field('timestamp', 'timestamp'), field('value', 'long')]);

/** The rate source offset: whole seconds elapsed since the query's recorded start time. */
export interface RateOffset extends Offset {
  readonly v: 1;
  readonly seconds: number;
}

/** Plain data of one rate partition: values `rangeStart + partitionId + k·numPartitions` below `rangeEnd`. */
export interface RatePartitionData {
  readonly partitionId: number;
  readonly numPartitions: number;
  readonly rangeStart: number;
  readonly rangeEnd: number;
  readonly localStartTimeMs: number;
  readonly relativeMsPerValue: number;
}

/**
 * Spark's `RateStreamProvider.valueAtSecond`: how many values exist after `seconds`, ramping
 * linearly up to `rowsPerSecond` over `rampUpTimeSeconds`.
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpTimeSeconds: number): number {
  // Long arithmetic as in Spark: the per-second speed increment is an integer division.
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpTimeSeconds + 1));
  if (seconds <= rampUpTimeSeconds) {
    // "(1 + 2 + ... + seconds) * speedDeltaPerSecond", halving the even factor first as Spark does.
    return seconds % 2 === 1 ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds : (seconds / 2) * speedDeltaPerSecond * (seconds + 1);
  }
  const rampUpPart = valueAtSecond(rampUpTimeSeconds, rowsPerSecond, rampUpTimeSeconds);
  return rampUpPart + (seconds - rampUpTimeSeconds) * rowsPerSecond;
}

class RateSource implements Source {
  readonly #ctx: SourceContext;
  readonly #rowsPerSecond: number;
  readonly #rampUpSeconds: number;
  readonly #numPartitions: number;
  #startTimeMs: number | undefined;

  constructor(raw: Readonly<Record<string, string>>, ctx: SourceContext) {
    const opts = parseOptions(RATE_OPTIONS, raw, 'rate source');
    this.#ctx = ctx;
    this.#rowsPerSecond = opts.rowsPerSecond;
    this.#rampUpSeconds = Math.floor(opts.rampUpTime / 1000);
    this.#numPartitions = opts.numPartitions;
  }

  schema(): StructType {
    return RATE_SOURCE_SCHEMA;
  }

  getDefaultReadLimit(): ReadLimit {
    return {};
  }

  /**
   * The start time is recorded once in `sources/<n>/startTime` (when the query first starts, as
   * Spark's `creationTimeMs`) so restarts continue the same sequence.
   */
  async init(): Promise<this> {
    await this.#start();
    return this;
  }

  async #start(): Promise<number> {
    if (this.#startTimeMs !== undefined) return this.#startTimeMs;
    const { storage, clock } = this.#ctx.engine;
    const path = joinPath(this.#ctx.metadataPath, 'startTime');
    const read = async (): Promise<number | undefined> => {
      try {
        return (JSON.parse(utf8Decode(await storage.read(path))) as { startTimeMs: number }).startTimeMs;
      } catch (e) {
        if (WeirError.hasCode(e, CoreErrors.FILE_NOT_FOUND.code)) return undefined;
        throw e;
      }
    };
    let start = await read();
    if (start === undefined) {
      const now = clock.now();
      try {
        await storage.put(path, utf8Encode(JSON.stringify({ v: 1, startTimeMs: now })), { ifAbsent: true });
        start = now;
      } catch (e) {
        if (!WeirError.hasCode(e, CoreErrors.FILE_ALREADY_EXISTS.code)) throw e;
        start = (await read()) as number;
      }
    }
    this.#startTimeMs = start;
    return start;
  }

  async latestOffset(start: Offset | null): Promise<Offset | null> {
    const startTimeMs = await this.#start();
    const seconds = Math.max(0, Math.floor((this.#ctx.engine.clock.now() - startTimeMs) / 1000));
    const from = start === null ? 0 : (start as RateOffset).seconds;
    if (seconds <= from) return start;
    return { v: 1, seconds } satisfies RateOffset;
  }

  async planInputPartitions(start: Offset | null, end: Offset): Promise<readonly InputPartition[]> {
    const startTimeMs = await this.#start();
    const startSeconds = start === null ? 0 : (start as RateOffset).seconds;
    const endSeconds = (end as RateOffset).seconds;
    const rangeStart = valueAtSecond(startSeconds, this.#rowsPerSecond, this.#rampUpSeconds);
    const rangeEnd = valueAtSecond(endSeconds, this.#rowsPerSecond, this.#rampUpSeconds);
    if (rangeStart === rangeEnd) return [];
    const localStartTimeMs = startTimeMs + startSeconds * 1000;
    const relativeMsPerValue = ((endSeconds - startSeconds) * 1000) / (rangeEnd - rangeStart);
    return Array.from({ length: this.#numPartitions }, (_, partitionId) => ({
      readerModule: '@weir/streaming',
      reader: 'rate',
      data: { partitionId, numPartitions: this.#numPartitions, rangeStart, rangeEnd, localStartTimeMs, relativeMsPerValue } satisfies RatePartitionData,
      sizeInBytes: 0,
    }));
  }

  metrics(): Readonly<Record<string, string>> {
    return { rowsPerSecond: String(this.#rowsPerSecond) };
  }

  async commit(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Worker-side reader of rate partitions (Spark's `RateStreamMicroBatchPartitionReader`). */
export const readRatePartition: PartitionReader = async (data) => {
  const d = data as RatePartitionData;
  const rows: Row[] = [];
  for (let value = d.rangeStart + d.partitionId; value < d.rangeEnd; value += d.numPartitions) {
    const ms = d.localStartTimeMs + Math.round((value - d.rangeStart) * d.relativeMsPerValue);
    rows.push({ timestamp: ms * 1000, value });
  }
  return { schema: RATE_SOURCE_SCHEMA, rows };
};

/**
 * Spark's `rate` source: `rowsPerSecond` rows per second of `(timestamp, value)`, value counting
 * from 0, timestamps spread evenly over each second, driven by the engine clock (so tests use a
 * ManualClock).
 */
export const rateSourcePlugin: SourcePlugin = Object.freeze({
  name: 'rate',
  options: RATE_OPTIONS,
  createSource: (options: Readonly<Record<string, string>>, ctx: SourceContext) => new RateSource(options, ctx).init(),
});
