import * as fileSource from '@weir/file-source';
import * as weatherSim from '@weir/weather-sim';
import type { SourcePlugin } from '@weir/core';

/** The source plugins of sibling packages (`cloudFiles`, `weather-sim`), once they export them. */
export function pluginSources(): SourcePlugin[] {
  const out: SourcePlugin[] = [];
  const cloudFiles = (fileSource as unknown as { cloudFilesSource?: SourcePlugin }).cloudFilesSource;
  const weather = (weatherSim as unknown as { weatherSimSource?: SourcePlugin }).weatherSimSource;
  if (cloudFiles) out.push(cloudFiles);
  if (weather) out.push(weather);
  return out;
}
