import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Workers import task modules by specifier; a file URL next to this one works both from source
// (tsx, `.ts`) and from `dist` (`.js`) without adding a public subpath export to the package.
const EXT = extname(fileURLToPath(import.meta.url));

/** The module whose `taskHandlers` (sink writers) and `partitionReaders` (Delta source) run in workers. */
export const DELTA_TASKS_MODULE: string = new URL(`./delta-tasks${EXT}`, import.meta.url).href;
