/**
 * 05 — windowed aggregation with a watermark. Per station and 10-minute event-time window:
 * average temperature, min/max humidity and the reading count. The 15-minute watermark bounds
 * the state and, in append mode, each window is written to Delta exactly once, when the
 * watermark passes its end (late rows beyond the watermark are dropped and counted).
 */
import { functions as F } from '@weir/planner';
import { examplePaths, WEATHER_DDL, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function windowedAggregation(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '05-station-windows');
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .schema(WEATHER_DDL)
    .load(input)
    .withWatermark('event_time', params['watermark'] ?? '15 minutes')
    .groupBy(F.window(F.col('event_time'), params['window'] ?? '10 minutes'), F.col('station_id'))
    .agg(
      F.avg('temperature_c').alias('avg_temperature_c'),
      F.min('humidity').alias('min_humidity'),
      F.max('humidity').alias('max_humidity'),
      F.count('*').alias('readings'),
    )
    .writeStream.format('delta')
    .outputMode('append')
    .queryName('station_windows')
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
