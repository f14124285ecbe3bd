/**
 * 06 — checkpoints and recovery. A cleaning pipeline (casts, range filters) with a checkpoint:
 * stop it at any moment (Ctrl-C, or kill -9) and run it again with the same `checkpoint` — it
 * resumes from the offset log, re-runs an uncommitted batch with the same offsets, and the Delta
 * sink's txn (appId = query id, version = batch id) keeps every row exactly once.
 * Inspect the checkpoint with `weir checkpoint inspect <checkpoint>`.
 */
import { functions as F } from '@weir/planner';
import { examplePaths, WEATHER_DDL, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function checkpointRecovery(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '06-clean');
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .option('cloudFiles.maxFilesPerTrigger', params['maxFilesPerTrigger'] ?? '1')
    .schema(WEATHER_DDL)
    .load(input)
    .where(F.col('event_time').isNotNull().and(F.col('temperature_c').isNotNull()))
    .where(F.col('humidity').geq(0).and(F.col('humidity').leq(1)))
    .withColumn('temperature_f', F.round(F.col('temperature_c').multiply(9 / 5).plus(32), 2))
    .writeStream.format('delta')
    .queryName('clean_readings')
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
