/**
 * 04 — schema inference and evolution. No schema given: Auto Loader infers one (typed, with
 * `inferColumnTypes`) and records it under `schemaLocation`; when files start carrying new
 * columns (the simulator's `--drift-at-file`), `addNewColumns` evolves the schema and the Delta
 * sink's `mergeSchema` adds the columns to the table.
 */
import { examplePaths, type Params } from './example-params.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export default function schemaEvolution(session: any, params: Params) {
  const { input, output, checkpoint } = examplePaths(params, '04-evolving');
  return session.readStream
    .format('cloudFiles')
    .option('cloudFiles.format', 'json')
    .option('cloudFiles.schemaLocation', `${checkpoint}/schema`)
    .option('cloudFiles.inferColumnTypes', 'true')
    .option('cloudFiles.schemaEvolutionMode', 'addNewColumns')
    .option('cloudFiles.schemaHints', 'event_time TIMESTAMP')
    .load(input)
    .writeStream.format('delta')
    .queryName('evolving_ingest')
    .option('checkpointLocation', checkpoint)
    .option('mergeSchema', 'true')
    .option('path', output);
}
