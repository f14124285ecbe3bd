/**
 * 02 — Auto Loader ingest (bronze). Streams the simulator's NDJSON files with `cloudFiles`,
 * keeps EVERY well-formed input row unchanged and adds only metadata columns (ingest time and,
 * via `_rescued_data`, the source file of any rescued values), then appends to Delta.
 *
 *   weir run apps/examples/src/02-auto-loader-ingest.ts --set input=./landing --set output=./tables/bronze --trigger availableNow
 */
import { functions as F } from '@weir/planner';
import { examplePaths, WEATHER_DDL, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function autoLoaderIngest(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '02-bronze');
  const raw = session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .option('cloudFiles.schemaHints', WEATHER_DDL) // the documented layout; unknown new fields land in _rescued_data
    .load(input);
  return raw
    .withColumn('_ingest_time', F.current_timestamp())
    .writeStream.format('delta')
    .outputMode('append')
    .queryName('bronze_ingest')
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
