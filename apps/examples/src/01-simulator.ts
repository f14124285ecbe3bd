/**
 * 01 — the weather simulator. Lands NDJSON weather files in `params.output` (default
 * `./weir-examples/landing`), the input of the other examples. Bounded by default (`files`,
 * `rowsPerFile`); `--set fileInterval=1s` switches to continuous mode until Ctrl-C.
 *
 *   weir run apps/examples/src/01-simulator.ts --set files=20 --set rowsPerFile=500
 */
import { createNodeEngine } from '@weir/node';
import { simulate } from '@weir/weather-sim';
import { numberParam, type Params } from './example-params.js';

export default function simulator(_session: unknown, params: Params) {
  const controller = new AbortController();
  const out = params['output'] ?? './weir-examples/landing';
  const engine = createNodeEngine();
  // A "job" is anything with awaitTermination/stop: weir run waits for it like a query.
  const done = simulate({
    engine,
    out,
    stations: numberParam(params, 'stations', 10),
    seed: numberParam(params, 'seed', 1),
    rowsPerFile: numberParam(params, 'rowsPerFile', 1000),
    ...(params['fileInterval'] ? { fileInterval: params['fileInterval'] } : { files: numberParam(params, 'files', 10) }),
    ...(params['duration'] ? { duration: params['duration'] } : {}),
    signal: controller.signal,
    onFile: (p) => process.stderr.write(`landed ${p.path} (${p.rowsWritten} rows so far)\n`),
  });
  return {
    name: '01-simulator',
    awaitTermination: async () => {
      await done;
      return true;
    },
    stop: async () => {
      controller.abort();
      await done.catch(() => undefined);
    },
  };
}
