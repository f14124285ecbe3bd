// Test-only helper (excluded from the build): a `mem` source plugin over one MemoryStream that
// honours `maxFilesPerTrigger` (one addData call = one "file") and Trigger.AvailableNow.
import { defineOptions, parseOptions, type MemoryStream, type Offset, type ReadLimit, type Source, type SourcePlugin } from '@weir/core';

const OPTIONS = defineOptions([{ name: 'maxFilesPerTrigger', kind: 'int', min: 1, doc: 'units per batch' }]);

export function limitedMemorySource(stream: MemoryStream, name = 'mem'): SourcePlugin {
  return Object.freeze({
    name,
    options: OPTIONS,
    createSource(raw: Readonly<Record<string, string>>): Source {
      const opts = parseOptions(OPTIONS, raw, `${name} source`);
      let pinned: number | null = null;
      return {
        schema: () => stream.schema(),
        getDefaultReadLimit: (): ReadLimit => (opts.maxFilesPerTrigger === undefined ? {} : { maxFiles: opts.maxFilesPerTrigger }),
        async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
          const o = (await stream.latestOffset(start, limit)) as { v: 1; index: number } | null;
          if (o === null || pinned === null) return o;
          return { v: 1, index: Math.min(o.index, pinned) };
        },
        async prepareForTriggerAvailableNow(): Promise<void> {
          const all = (await stream.latestOffset(null, {})) as { index: number } | null;
          pinned = all?.index ?? 0;
        },
        planInputPartitions: (s, e) => stream.planInputPartitions(s, e),
        commit: async () => undefined,
        close: async () => undefined,
      };
    },
  });
}
