import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DASHBOARD_PORT, startDashboard, type WatchedQueries } from '@weir/dashboard';

/** Adds `--dashboard [port]` (bare: Spark's UI port, 4040) to a command that runs queries. */
export function dashboardOption(command: Command): Command {
  return command.option(
    '--dashboard [port]',
    `serve the live query dashboard (like Spark UI's Structured Streaming tab) on 127.0.0.1 (default port ${DEFAULT_DASHBOARD_PORT}; 0 = any free port)`,
    (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
      return n;
    },
  );
}

/** The port `--dashboard` asked for (bare flag: the default port), or undefined without it. */
export function dashboardPort(value: number | boolean | undefined): number | undefined {
  return value === undefined || value === false ? undefined : value === true ? DEFAULT_DASHBOARD_PORT : value;
}

/** Starts the dashboard on `streams` when a port is given and logs its address; returns its closer. */
export async function openDashboard(streams: WatchedQueries, port: number | undefined, log: (line: string) => void): Promise<() => Promise<void>> {
  if (port === undefined) return async () => {};
  const dashboard = await startDashboard(streams, { port });
  log(`dashboard: ${dashboard.url}`);
  return () => dashboard.close();
}
