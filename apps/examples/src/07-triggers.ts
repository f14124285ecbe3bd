/**
 * 07 — triggers. The same ingest under the trigger of your choice: `--set trigger=availableNow`
 * (default: everything available now, in rate-limited batches, then stop), `once` (deprecated:
 * one batch), or `processingTime` with `--set interval="5 seconds"` (a batch per interval; an
 * overrunning batch is followed immediately). `weir run --trigger …` overrides it.
 */
import { examplePaths, WEATHER_DDL, type Params } from './example-params.js';

function triggerOf(params: Params) {
  switch ((params['trigger'] ?? 'availableNow').toLowerCase()) {
    case 'once':
      return { once: true } as const;
    case 'processingtime':
      return { processingTime: params['interval'] ?? '5 seconds' };
    default:
      return { availableNow: true } as const;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function triggers(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '07-triggered');
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .option('cloudFiles.maxFilesPerTrigger', params['maxFilesPerTrigger'] ?? '2')
    .schema(WEATHER_DDL)
    .load(input)
    .writeStream.format('delta')
    .queryName('triggered_ingest')
    .trigger(triggerOf(params))
    .option('checkpointLocation', checkpoint)
    .option('path', output);
}
