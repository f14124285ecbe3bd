/**
 * 03 — rate limits. The same ingest with admission control: at most `maxFilesPerTrigger` files
 * (default 2) and a soft `maxBytesPerTrigger` per micro-batch, so a backlog drains in bounded
 * batches (watch `numInputRows` per batch in the progress).
 */
import { examplePaths, WEATHER_DDL, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function rateLimits(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '03-rate-limited');
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .option('cloudFiles.maxFilesPerTrigger', params['maxFilesPerTrigger'] ?? '2')
    .option('cloudFiles.maxBytesPerTrigger', params['maxBytesPerTrigger'] ?? '10m')
    .schema(WEATHER_DDL)
    .load(input)
    .writeStream.format('delta')
    .queryName('rate_limited_ingest')
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
