// Ingest hot path: parse + schema-conform of weather NDJSON, per thread (no I/O: MemoryFs).
// Run: node --conditions=@weir/source --import tsx packages/file-source/bench/parse.bench.ts [rows]
import { StructType } from '@weir/core';
import { createNodeEngine } from '@weir/node';
import { partitionReaders, taskHandlers, type FilePartitionData } from '@weir/file-source';
import { MemoryFs } from '../tests/helpers/memory-fs.js';

const rows = Number(process.argv[2] ?? 200_000);
const conditions = ['clear', 'cloudy', 'rain', 'snow', 'fog'];
const lines: string[] = [];
let x = 12345;
const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < rows; i++) {
  lines.push(
    JSON.stringify({
      station_id: `ST${String(i % 500).padStart(4, '0')}`,
      event_time: new Date(Date.UTC(2024, 5, 1) + i * 1000).toISOString(),
      temperature_c: Math.round((rnd() * 40 - 10) * 100) / 100,
      humidity: Math.round(rnd() * 1000) / 1000,
      pressure_hpa: Math.round((980 + rnd() * 50) * 10) / 10,
      wind_speed_ms: Math.round(rnd() * 300) / 10,
      wind_dir_deg: Math.floor(rnd() * 360),
      condition: conditions[i % conditions.length],
    }),
  );
}
const fs = new MemoryFs();
const perFile = 10_000;
const files: Array<{ path: string; size: number; partitionValues: Record<string, string | null> }> = [];
for (let f = 0; f * perFile < rows; f++) {
  const path = `/in/part-${f}.json`;
  fs.write(path, lines.slice(f * perFile, (f + 1) * perFile).join('\n') + '\n');
  files.push({ path, size: 0, partitionValues: {} });
}
const schema = StructType.fromDDL(
  'condition STRING, event_time TIMESTAMP, humidity DOUBLE, pressure_hpa DOUBLE, station_id STRING, temperature_c DOUBLE, wind_dir_deg INT, wind_speed_ms DOUBLE, _rescued_data STRING',
);
const data: FilePartitionData = {
  v: 1,
  format: 'json',
  files,
  schemaJson: StructType.toJSON(schema),
  partitionColumns: [],
  parse: { mode: 'PERMISSIVE', columnNameOfCorruptRecord: '_corrupt_record', badRecordsPath: null, multiLine: false, header: false, sep: ',', quote: '"', escape: '\\', nullValue: '', rescuedDataColumn: '_rescued_data' },
  badRecordsFile: null,
};
const engine = createNodeEngine({ storage: fs });
// Baseline on the same bytes: decode + split + JSON.parse only (objects dropped), the floor any JS reader pays.
function baseline(keep = false): number {
  let n = 0;
  const kept: unknown[] = [];
  const dec = new TextDecoder();
  for (const f of files) {
    const text = dec.decode(fs.files.get(f.path)!.data);
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) {
        const o = JSON.parse(text.slice(start, end)) as { wind_dir_deg: number };
        if (keep) kept.push(o);
        n += o.wind_dir_deg > 0 ? 1 : 0;
      }
      start = end + 1;
    }
  }
  return n + kept.length;
}
for (let round = 0; round < 5; round++) {
  const b0 = process.cpuUsage();
  baseline();
  const b = process.cpuUsage(b0);
  const baseMs = (b.user + b.system) / 1000;
  // The same, keeping every parsed object (as any reader returning row objects must).
  const k0 = process.cpuUsage();
  baseline(true);
  const k = process.cpuUsage(k0);
  const keepMs = (k.user + k.system) / 1000;
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await partitionReaders.file(data, { engine });
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  // CPU time (user+system) is the per-thread cost; wall time also counts waiting on a shared machine.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (out.rows.length !== rows) throw new Error(`expected ${rows} rows, got ${out.rows.length}`);
  const rate = (t: number) => Math.round((rows / t) * 1000).toLocaleString('en-US');
  console.log(
    `round ${round}: ${rows} rows: wall ${ms.toFixed(0)} ms = ${rate(ms)} rows/s; cpu ${cpuMs.toFixed(0)} ms = ${rate(cpuMs)} rows/s (parse + conform, 1 thread); ` +
      `bare decode+JSON.parse cpu ${baseMs.toFixed(0)} ms = ${rate(baseMs)} rows/s → reader/baseline ${(cpuMs / baseMs).toFixed(2)}x; ` +
      `same keeping the objects ${rate(keepMs)} rows/s`,
  );
}

// Schema-evolution check (addNewColumns) over the same files: full inference vs the key-scan pre-filter.
const inferInput = { files: files.map((f) => ({ path: f.path, size: 0, modificationTime: 0 })), options: { format: 'json' as const, inferColumnTypes: false, parse: data.parse } };
const known = schema.fields.map((f) => f.name.toLowerCase());
for (let round = 0; round < 3; round++) {
  const c0 = process.cpuUsage();
  await taskHandlers.inferSchema(inferInput, { engine });
  const c1 = process.cpuUsage(c0);
  const k0 = process.cpuUsage();
  await taskHandlers.inferSchema({ ...inferInput, knownColumns: known }, { engine });
  const k1 = process.cpuUsage(k0);
  const ms = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  console.log(`evolution check of ${rows} rows: full inference cpu ${ms(c1).toFixed(0)} ms, key scan cpu ${ms(k1).toFixed(0)} ms`);
}
