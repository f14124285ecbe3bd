// The child process of kill-weather.test.ts: the weather ingest pipeline (Auto Loader over the
// simulator's NDJSON files → clean/cast → Delta), availableNow with one file per batch so a run
// has many batches to be killed in. Prints `BATCH <id>` after each committed batch, exits 0 when
// everything available has been processed. Usage: kill-child.ts <landing> <table> <checkpoint> <threads>
import { functions as F } from '@weir/planner';
import { WeirSession } from '@weir/streaming';

const [landing, table, checkpoint, threads] = process.argv.slice(2) as [string, string, string, string];
const session = WeirSession.builder().config('weir.executor.threads', Number(threads)).getOrCreate();
session.streams.addListener({
  onQueryStarted: () => process.stdout.write('STARTED\n'),
  onQueryProgress: (e) => process.stdout.write(`BATCH ${e.progress.batchId}\n`),
  onQueryIdle: () => {},
  onQueryTerminated: () => {},
});
/* eslint-disable @typescript-eslint/no-explicit-any */
const df: any = session.readStream
  .format('cloudFiles')
  .option('cloudFiles.format', 'json')
  .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
  .option('cloudFiles.maxFilesPerTrigger', '1')
  .schema('station_id STRING, event_time TIMESTAMP, temperature_c DOUBLE, humidity DOUBLE, pressure_hpa DOUBLE, wind_speed_ms DOUBLE, wind_dir_deg INT, condition STRING')
  .load(landing);
const query = await df
  .where(F.col('station_id').isNotNull())
  .withColumn('temperature_f', F.round(F.col('temperature_c').multiply(9 / 5).plus(32), 2))
  .writeStream.format('delta')
  .option('checkpointLocation', checkpoint)
  .trigger({ availableNow: true })
  .start(table);
await query.awaitTermination();
await session.close();
process.stdout.write('DONE\n');
