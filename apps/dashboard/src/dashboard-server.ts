import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreErrors } from '@weir/core';
import type { StreamingQueryManager } from '@weir/streaming';
import { DashboardErrors } from './errors.js';
import { DASHBOARD_PAGE, DASHBOARD_SCRIPT } from './dashboard-page.js';
import { DEFAULT_HISTORY_SIZE, DEFAULT_RETAINED_QUERIES, QueryHistory } from './query-history.js';

/** Spark's UI port. */
export const DEFAULT_DASHBOARD_PORT = 4040;

export interface DashboardOptions {
  /** TCP port; 0 picks a free one. Default 4040, Spark's UI port. */
  readonly port?: number;
  /** Interface to bind. Default `127.0.0.1`: the dashboard has no authentication. */
  readonly host?: string;
  /** Progress updates kept per query run (Spark's `numRecentProgressUpdates`). Default 100. */
  readonly historySize?: number;
  /** Ended runs kept for display, oldest dropped first (Spark's `ui.retainedQueries`). Default 100. */
  readonly retainedQueries?: number;
}

export interface Dashboard {
  /** Where the page is served, e.g. `http://127.0.0.1:4040/`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening to the session and closes the server (open connections too). */
  close(): Promise<void>;
}

/** The queries a dashboard watches: a session's `streams`. */
export type WatchedQueries = Pick<StreamingQueryManager, 'active' | 'addListener' | 'removeListener'>;

/**
 * Serves a live view of `streams`' queries: the page at `/`, and as JSON `/api/queries` (every
 * run, active first) and `/api/queries/<id or runId>` (one run with its recent progress). Queries
 * already running are listed with the progress they kept; later ones from the listener events.
 *
 * ```ts
 * const dashboard = await startDashboard(spark.streams, { port: 4040 });
 * console.log(`dashboard: ${dashboard.url}`);
 * ```
 */
export async function startDashboard(streams: WatchedQueries, options: DashboardOptions = {}): Promise<Dashboard> {
  const port = options.port ?? DEFAULT_DASHBOARD_PORT;
  const host = options.host ?? '127.0.0.1';
  const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
  const retainedQueries = options.retainedQueries ?? DEFAULT_RETAINED_QUERIES;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw CoreErrors.INVALID_ARGUMENT({ option: 'port', reason: 'must be an integer from 0 to 65535' });
  if (!Number.isInteger(historySize) || historySize < 1) throw CoreErrors.INVALID_ARGUMENT({ option: 'historySize', reason: 'must be a positive integer' });
  if (!Number.isInteger(retainedQueries) || retainedQueries < 0) throw CoreErrors.INVALID_ARGUMENT({ option: 'retainedQueries', reason: 'must be a non-negative integer' });

  const history = new QueryHistory(historySize, retainedQueries);
  history.seed(streams.active);
  streams.addListener(history);
  const server = createServer((req, res) => {
    try {
      respond(history, req, res);
    } catch (err) {
      // A malformed URL (bad %-escape) is the client's fault; anything else is ours.
      const status = err instanceof URIError ? 400 : 500;
      if (!res.headersSent) send(res, status, 'application/json', JSON.stringify({ error: (err as Error).message }));
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    streams.removeListener(history);
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw DashboardErrors.DASHBOARD_LISTEN_FAILED({ host, port, reason }, { cause: err });
  }
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/`,
    port: bound,
    close: async () => {
      streams.removeListener(history);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The page's script is /app.js, so no inline script is ever allowed.
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
};

function respond(history: QueryHistory, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'application/json', JSON.stringify({ error: 'only GET and HEAD' }), { allow: 'GET, HEAD' });
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', DASHBOARD_PAGE);
  if (path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_SCRIPT);
  if (path === '/api/queries') return send(res, 200, 'application/json', JSON.stringify({ queries: history.summaries() }));
  const one = /^\/api\/queries\/([^/]+)$/.exec(path);
  if (one !== null) {
    const key = decodeURIComponent(one[1] as string);
    const detail = history.detail(key);
    return detail === undefined
      ? send(res, 404, 'application/json', JSON.stringify({ error: `no query ${key}` }))
      : send(res, 200, 'application/json', JSON.stringify(detail));
  }
  send(res, 404, 'application/json', JSON.stringify({ error: `no page ${path}` }));
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...SECURITY_HEADERS, ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
