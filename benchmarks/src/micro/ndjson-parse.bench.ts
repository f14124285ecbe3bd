// File-source reader micro benchmarks: weather-sim NDJSON / CSV (10k rows per file, the same
// bytes the ingest scenario reads) through `partitionReaders.file`, and ISO-8601 timestamp
// parsing. Standalone: `node --conditions=@weir/source --import tsx src/micro/ndjson-parse.bench.ts [--quick] [--cpu]`
// (`--cpu` also prints CPU µs per row over interleaved repetitions, which is steadier than ops/s
// on a shared machine).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreErrors, type FileInfo, type Storage, type TaskContext } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { partitionChunkReaders, partitionColumnReaders, partitionReaders, parseTimestampMicros, type FilePartitionData, type ParseOptions } from '@weir/file-source';
import type { PartitionReader } from '@weir/core';
import { simulate, WEATHER_SCHEMA } from '@weir/weather-sim';
import { runSuite, type MicroResult } from './run-suite.js';

const ROWS = 10_000;

/** Read-only storage over bytes held in memory, so the benchmark measures parsing, not the disk. */
class BytesStorage implements Storage {
  constructor(private readonly files: ReadonlyMap<string, Uint8Array>) {}
  async read(path: string): Promise<Uint8Array> {
    const b = this.files.get(path);
    if (b === undefined) throw CoreErrors.FILE_NOT_FOUND({ path });
    return b;
  }
  async head(): Promise<FileInfo | null> {
    return null;
  }
  async *list(): AsyncIterable<FileInfo> {}
  async put(): Promise<void> {}
  async delete(): Promise<void> {}
}

async function weatherFile(format: 'json' | 'csv'): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-ndjson-'));
  const engine = createNodeEngine();
  try {
    await simulate({ engine, out: dir, format, files: 1, rowsPerFile: ROWS, stations: 1000, seed: 7 });
    const name = readdirSync(dir).find((f) => f.endsWith(`.${format}`));
    if (name === undefined) throw new Error(`weather-sim wrote no .${format} file`);
    return new Uint8Array(readFileSync(join(dir, name)));
  } finally {
    await engine.tasks.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARSE: ParseOptions = {
  mode: 'PERMISSIVE',
  columnNameOfCorruptRecord: '_corrupt_record',
  badRecordsPath: null,
  multiLine: false,
  header: false,
  sep: ',',
  quote: '"',
  escape: '\\',
  nullValue: '',
  rescuedDataColumn: null,
};

function partition(format: 'json' | 'csv', path: string, rescue: boolean): FilePartitionData {
  const fields = [...WEATHER_SCHEMA.fields, ...(rescue ? [{ name: '_rescued_data', type: 'string' as const, nullable: true, metadata: {} }] : [])];
  return {
    v: 1,
    format,
    files: [{ path, size: 0, partitionValues: {} }],
    schemaJson: JSON.stringify({ type: 'struct', fields }),
    partitionColumns: [],
    parse: { ...PARSE, header: format === 'csv', rescuedDataColumn: rescue ? '_rescued_data' : null },
    badRecordsFile: null,
  };
}

export interface ReaderCase {
  readonly name: string;
  readonly run: () => Promise<number>;
}

/**
 * The reader cases, shared by the ops/s suite and the CPU-time loop. `read` defaults to this
 * package's reader; pass another (an older version) to compare on the same bytes.
 */
export async function readerCases(read: PartitionReader = partitionReaders.file): Promise<{ cases: ReaderCase[]; isoTimes: string[] }> {
  const json = await weatherFile('json');
  const csv = await weatherFile('csv');
  const engine = createNodeEngine({ storage: new BytesStorage(new Map([['/w.json', json], ['/w.csv', csv]])) });
  const ctx: TaskContext = { engine };
  const whole = (data: FilePartitionData) => async () => (await read(data, ctx)).rows.length;
  const text = new TextDecoder().decode(json);
  const isoTimes = [...text.matchAll(/"event_time":"([^"]+)"/g)].map((m) => m[1] as string);
  return {
    isoTimes,
    cases: [
      { name: 'NDJSON → rows (user schema)', run: whole(partition('json', '/w.json', false)) },
      { name: 'NDJSON → rows (+ _rescued_data)', run: whole(partition('json', '/w.json', true)) },
      { name: 'CSV → rows (header, user schema)', run: whole(partition('csv', '/w.csv', false)) },
      {
        name: 'NDJSON → chunks (user schema)',
        run: async () => {
          let n = 0;
          for await (const chunk of partitionChunkReaders.file(partition('json', '/w.json', false), ctx)) n += chunk.rows.length;
          return n;
        },
      },
      {
        name: 'NDJSON → column chunks (user schema)',
        run: async () => {
          let n = 0;
          for await (const chunk of partitionColumnReaders.file(partition('json', '/w.json', false), ctx)) n += chunk.numRows;
          return n;
        },
      },
    ],
  };
}

export async function ndjsonParseBenchmarks(quick: boolean): Promise<MicroResult[]> {
  const { cases, isoTimes } = await readerCases();
  for (const c of cases) {
    const n = await c.run();
    if (n !== ROWS) throw new Error(`${c.name}: expected ${ROWS} rows, got ${n}`);
  }
  return runSuite(`file-source reader (${ROWS / 1000}k weather rows)`, [
    ...cases.map((c) => ({ name: c.name, defer: true, fn: (d: { resolve(): void }) => void c.run().then(() => d.resolve()) })),
    {
      name: `parseTimestampMicros × ${isoTimes.length}`,
      fn: () => {
        let s = 0;
        for (const t of isoTimes) s += parseTimestampMicros(t) ?? 0;
        if (s === 0) throw new Error('unreachable');
      },
    },
  ], quick);
}

/** CPU µs per row of each case: `rounds` interleaved rounds of `reps` reads, median round. */
export async function ndjsonCpuPerRow(rounds = 7, reps = 20): Promise<Record<string, number>> {
  const { cases } = await readerCases();
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await c.run();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const t0 = process.cpuUsage();
      let rows = 0;
      for (let i = 0; i < reps; i++) rows += await c.run();
      const t = process.cpuUsage(t0);
      samples.get(c.name)?.push((t.user + t.system) / rows);
    }
  }
  const out: Record<string, number> = {};
  for (const [name, s] of samples) out[name] = (s.sort((a, b) => a - b)[s.length >> 1] as number);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  await ndjsonParseBenchmarks(quick);
  if (process.argv.includes('--cpu')) {
    for (const [name, us] of Object.entries(await ndjsonCpuPerRow())) console.log(`  cpu ${name}: ${us.toFixed(3)} µs/row`);
  }
}
