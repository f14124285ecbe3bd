// Child process of the recovery scenario: runs the ingest query and prints one line per event
// (`started <ms>` when the query is running, `commit <batchId> <ms>` after each committed batch),
// with ms measured from process start, so the parent can time restart → first new commit.
import { functions as F } from '@weir/planner';
import { createSession } from '@weir/streaming';
import { WEATHER_DDL } from './weir-pipelines.js';

const [input, work] = process.argv.slice(2) as [string, string];
const since = () => Math.round(performance.now());
const spark = createSession({ conf: { 'weir.executor.threads': '1' } });
spark.streams.addListener({
  onQueryStarted: () => console.log(`started ${since()}`),
  onQueryProgress: (e: { progress?: { batchId?: number }; batchId?: number }) => console.log(`commit ${(e.progress ?? e).batchId} ${since()}`),
  onQueryIdle: () => {},
  onQueryTerminated: () => {},
});
const query = await spark.readStream
  .format('cloudFiles')
  .option('cloudFiles.format', 'json')
  .option('cloudFiles.maxFilesPerTrigger', '2')
  .schema(WEATHER_DDL)
  .load(input)
  .where(F.col('temperature_c').isNotNull())
  .writeStream.format('delta')
  .option('checkpointLocation', `${work}/checkpoint`)
  .trigger({ availableNow: true })
  .start(`${work}/table`);
await query.awaitTermination();
await spark.close();
