import type {
  QueryProgressEvent,
  QueryStartedEvent,
  QueryTerminatedEvent,
  StreamingQuery,
  StreamingQueryListener,
  StreamingQueryProgress,
} from '@weir/streaming';

/** Spark's default `spark.sql.streaming.numRecentProgressUpdates`. */
export const DEFAULT_HISTORY_SIZE = 100;

/** Spark's default `spark.sql.streaming.ui.retainedQueries`: ended runs kept for display. */
export const DEFAULT_RETAINED_QUERIES = 100;

export type QueryState = 'active' | 'terminated' | 'failed';

/** One query as the dashboard lists it. */
export interface QuerySummary {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly state: QueryState;
  /** When the run started (ISO-8601), or null when the dashboard joined after the start. */
  readonly startedAt: string | null;
  readonly exception: string | null;
  readonly errorClassOnException: string | null;
  readonly lastProgress: StreamingQueryProgress | null;
}

export interface QueryDetail extends QuerySummary {
  /** The most recent progress updates, oldest first (at most the history size). */
  readonly recentProgress: readonly StreamingQueryProgress[];
}

interface Entry {
  id: string;
  runId: string;
  name: string | null;
  state: QueryState;
  startedAt: string | null;
  exception: string | null;
  errorClassOnException: string | null;
  progress: StreamingQueryProgress[];
}

/**
 * What the dashboard knows of a session's queries, fed by Spark's listener events: the state of
 * each run and its recent progress, bounded per run. Keyed by `runId`, as a restarted query is a
 * new run with the same `id` (Spark's UI lists runs too). Pure: no I/O.
 */
export class QueryHistory implements StreamingQueryListener {
  readonly #runs = new Map<string, Entry>();
  readonly #size: number;
  readonly #retained: number;

  constructor(historySize: number = DEFAULT_HISTORY_SIZE, retainedQueries: number = DEFAULT_RETAINED_QUERIES) {
    this.#size = Math.max(1, Math.floor(historySize));
    this.#retained = Math.max(0, Math.floor(retainedQueries));
  }

  /** Records queries already running when the dashboard joined, with the progress they kept. */
  seed(queries: readonly StreamingQuery[]): void {
    for (const q of queries) {
      const e = this.#entry(q.id, q.runId, q.name);
      e.state = q.isActive ? 'active' : q.exception === null ? 'terminated' : 'failed';
      for (const p of q.recentProgress) this.#push(e, p);
    }
  }

  onQueryStarted(event: QueryStartedEvent): void {
    const e = this.#entry(event.id, event.runId, event.name);
    e.state = 'active';
    e.startedAt = event.timestamp;
  }

  onQueryProgress(event: QueryProgressEvent): void {
    const p = event.progress;
    this.#push(this.#entry(p.id, p.runId, p.name), p);
  }

  onQueryTerminated(event: QueryTerminatedEvent): void {
    const e = this.#entry(event.id, event.runId, null);
    e.state = event.exception === null ? 'terminated' : 'failed';
    e.exception = event.exception;
    e.errorClassOnException = event.errorClassOnException;
    this.#forgetOldEndedRuns();
  }

  /** Every run, the active ones first, then by start (newest first). */
  summaries(): QuerySummary[] {
    // Newest first is the map's insertion order reversed; the stable sort keeps it within each group.
    const order = (e: Entry) => (e.state === 'active' ? 0 : 1);
    return [...this.#runs.values()].reverse().sort((a, b) => order(a) - order(b)).map(summary);
  }

  /** One run by its `runId`, or the latest run of query `id`; undefined when unknown. */
  detail(idOrRunId: string): QueryDetail | undefined {
    let found = this.#runs.get(idOrRunId);
    if (found === undefined) for (const e of this.#runs.values()) if (e.id === idOrRunId) found = e;
    return found === undefined ? undefined : { ...summary(found), recentProgress: [...found.progress] };
  }

  #entry(id: string, runId: string, name: string | null): Entry {
    let e = this.#runs.get(runId);
    if (e === undefined) {
      e = { id, runId, name, state: 'active', startedAt: null, exception: null, errorClassOnException: null, progress: [] };
      this.#runs.set(runId, e);
    }
    if (name !== null) e.name = name;
    return e;
  }

  /** Keeps at most the retained number of ended runs, dropping the oldest (Map order is insertion order). */
  #forgetOldEndedRuns(): void {
    let ended = 0;
    for (const e of this.#runs.values()) if (e.state !== 'active') ended++;
    for (const [runId, e] of this.#runs) {
      if (ended <= this.#retained) break;
      if (e.state === 'active') continue;
      this.#runs.delete(runId);
      ended--;
    }
  }

  #push(e: Entry, p: StreamingQueryProgress): void {
    const last = e.progress[e.progress.length - 1];
    if (last !== undefined && last.batchId === p.batchId && last.timestamp === p.timestamp) return; // seeded twice
    e.progress.push(p);
    if (e.progress.length > this.#size) e.progress.splice(0, e.progress.length - this.#size);
  }
}

function summary(e: Entry): QuerySummary {
  return {
    id: e.id,
    runId: e.runId,
    name: e.name,
    state: e.state,
    startedAt: e.startedAt,
    exception: e.exception,
    errorClassOnException: e.errorClassOnException,
    lastProgress: e.progress[e.progress.length - 1] ?? null,
  };
}
