/**
 * @weir/dashboard — a local web UI for a session's streaming queries, after Spark's Structured
 * Streaming tab: per run its status, input and process rates, batch durations, watermark, state
 * rows and Auto Loader backlog, with charts over the recent progress updates.
 *
 * ```ts
 * import { startDashboard } from '@weir/dashboard';
 * const dashboard = await startDashboard(spark.streams); // http://127.0.0.1:4040/
 * // … later
 * await dashboard.close();
 * ```
 *
 * @packageDocumentation
 */
export { startDashboard, DEFAULT_DASHBOARD_PORT } from './dashboard-server.js';
export type { Dashboard, DashboardOptions, WatchedQueries } from './dashboard-server.js';
export { QueryHistory, DEFAULT_HISTORY_SIZE, DEFAULT_RETAINED_QUERIES } from './query-history.js';
export type { QueryDetail, QueryState, QuerySummary } from './query-history.js';
export { DashboardErrors } from './errors.js';
