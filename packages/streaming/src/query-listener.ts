import type { StreamingQueryProgress } from './progress.js';

export interface QueryStartedEvent {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
}
export interface QueryProgressEvent {
  readonly progress: StreamingQueryProgress;
}
export interface QueryIdleEvent {
  readonly id: string;
  readonly runId: string;
  readonly timestamp: string;
}
export interface QueryTerminatedEvent {
  readonly id: string;
  readonly runId: string;
  /** The error message, or null when the query stopped normally. */
  readonly exception: string | null;
  /** The WeirError code of the failure (Spark's `errorClassOnException`). */
  readonly errorClassOnException: string | null;
}

/**
 * Spark's `StreamingQueryListener`. Callbacks run on the main thread after the event; a throwing
 * listener is logged and ignored (it MUST NOT stop the query).
 */
export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void;
  onQueryProgress?(event: QueryProgressEvent): void;
  onQueryIdle?(event: QueryIdleEvent): void;
  onQueryTerminated?(event: QueryTerminatedEvent): void;
}

/** Fans events out to listeners. */
export class ListenerBus {
  readonly #listeners = new Set<StreamingQueryListener>();
  readonly #log: (msg: string) => void;
  constructor(log: (msg: string) => void) {
    this.#log = log;
  }
  add(l: StreamingQueryListener): void {
    this.#listeners.add(l);
  }
  remove(l: StreamingQueryListener): void {
    this.#listeners.delete(l);
  }
  post<K extends keyof StreamingQueryListener>(kind: K, event: Parameters<NonNullable<StreamingQueryListener[K]>>[0]): void {
    for (const l of this.#listeners) {
      const fn = l[kind] as ((e: unknown) => void) | undefined;
      if (!fn) continue;
      try {
        fn.call(l, event);
      } catch (e) {
        this.#log(`listener ${String(kind)} threw: ${(e as Error).message}`);
      }
    }
  }
}
