/**
 * 08 — Delta stream-to-stream. Reads a Delta table (e.g. 02's bronze output) AS A STREAM — its
 * current snapshot first, then each new commit's files — and writes a silver table: typed,
 * filtered, with a derived column. `startingVersion`, `maxFilesPerTrigger`, `ignoreDeletes` and
 * `skipChangeCommits` are Delta's source options.
 *
 *   weir run apps/examples/src/08-delta-stream-to-stream.ts --set input=./weir-examples/tables/02-bronze --trigger availableNow
 */
import { functions as F } from '@weir/planner';
import { examplePaths, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function deltaStreamToStream(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '08-silver', { input: './weir-examples/tables/02-bronze' });
  let reader = session.readStream.format('delta').option('maxFilesPerTrigger', params['maxFilesPerTrigger'] ?? '100');
  if (params['startingVersion']) reader = reader.option('startingVersion', params['startingVersion']);
  return reader
    .load(input)
    .where(F.col('temperature_c').isNotNull())
    .withColumn('heat_index_band', F.when(F.col('temperature_c').gt(30), F.lit('hot')).otherwise(F.lit('normal')))
    .writeStream.format('delta')
    .queryName('silver_readings')
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
