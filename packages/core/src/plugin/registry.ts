import { CoreErrors } from '../errors/core-errors.js';
import type { SinkPlugin } from './sink.js';
import type { SourcePlugin } from './source.js';

/** The plugins a session can use, registered explicitly (no scanning). */
export interface PluginRegistry {
  source(name: string): SourcePlugin;
  sink(name: string): SinkPlugin;
  readonly sourceNames: readonly string[];
  readonly sinkNames: readonly string[];
  /** A new registry with more plugins (this one is unchanged). */
  with(plugins: { sources?: readonly SourcePlugin[]; sinks?: readonly SinkPlugin[] }): PluginRegistry;
}

function index<P extends { name: string }>(kind: string, plugins: readonly P[]): Map<string, P> {
  const map = new Map<string, P>();
  for (const p of plugins) {
    const key = p.name.toLowerCase();
    if (map.has(key)) throw CoreErrors.PLUGIN_ALREADY_REGISTERED({ kind, name: p.name });
    map.set(key, p);
  }
  return map;
}

/**
 * Creates a registry; duplicate names throw `PLUGIN_ALREADY_REGISTERED`, unknown formats throw
 * `DATA_SOURCE_NOT_FOUND` (Spark's condition). Names match case-insensitively, as `format()` does.
 */
export function createRegistry(plugins: { sources?: readonly SourcePlugin[]; sinks?: readonly SinkPlugin[] }): PluginRegistry {
  const sourceList = plugins.sources ?? [];
  const sinkList = plugins.sinks ?? [];
  const sources = index('source', sourceList);
  const sinks = index('sink', sinkList);
  const lookup = <P>(map: Map<string, P>, name: string): P => {
    const hit = map.get(name.toLowerCase());
    if (!hit) throw CoreErrors.DATA_SOURCE_NOT_FOUND({ provider: name, registered: [...map.keys()].join(', ') });
    return hit;
  };
  return Object.freeze({
    source: (name: string) => lookup(sources, name),
    sink: (name: string) => lookup(sinks, name),
    sourceNames: sourceList.map((p) => p.name),
    sinkNames: sinkList.map((p) => p.name),
    with: (more: { sources?: readonly SourcePlugin[]; sinks?: readonly SinkPlugin[] }) =>
      createRegistry({ sources: [...sourceList, ...(more.sources ?? [])], sinks: [...sinkList, ...(more.sinks ?? [])] }),
  });
}
