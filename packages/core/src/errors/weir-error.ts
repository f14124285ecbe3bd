/** Who is at fault, after Arroyo: the caller (`user`), something outside weir (`external`), or weir itself (`internal`). */
export type ErrorDomain = 'user' | 'external' | 'internal';

/** Detail values are scalars so an error survives JSON, msgpackr and structured cloning unchanged. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** One entry of an error catalogue: data, like Spark's `error-conditions.json`. */
export interface ErrorSpec {
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  /** Template: `<param>` placeholders are filled from the details. */
  readonly message: string;
}

/** The plain-data form of a {@link WeirError}, safe to post between worker threads. */
export interface SerializedWeirError {
  readonly name: 'WeirError';
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly message: string;
  readonly details: ErrorDetails;
  readonly stack?: string;
  readonly cause?: SerializedWeirError | { readonly name: string; readonly message: string; readonly stack?: string };
}

const WEIR_ERROR = Symbol.for('@weir/core/WeirError');

/**
 * The one error class weir throws. `code` is stable (never renamed once released) and follows
 * Spark's spelling where Spark has one; `domain` and `retryable` tell a caller what to do.
 *
 * `is()` checks a global symbol brand, so it holds across duplicated package copies and worker
 * realms where `instanceof` does not.
 */
export class WeirError<C extends string = string> extends Error {
  readonly [WEIR_ERROR] = true;
  readonly code: C;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(
    code: C,
    message: string,
    init: { domain: ErrorDomain; retryable: boolean; details?: ErrorDetails; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'WeirError';
    this.code = code;
    this.domain = init.domain;
    this.retryable = init.retryable;
    this.details = Object.freeze({ ...(init.details ?? {}) });
  }

  static is(u: unknown): u is WeirError {
    return typeof u === 'object' && u !== null && (u as Record<symbol, unknown>)[WEIR_ERROR] === true;
  }

  /** True when `u` is a WeirError with the given code. */
  static hasCode(u: unknown, code: string): u is WeirError {
    return WeirError.is(u) && u.code === code;
  }

  toJSON(): SerializedWeirError {
    return {
      name: 'WeirError',
      code: this.code,
      domain: this.domain,
      retryable: this.retryable,
      message: this.message,
      details: this.details,
      ...(this.stack === undefined ? {} : { stack: this.stack }),
      ...(this.cause === undefined ? {} : { cause: serializeCause(this.cause) }),
    };
  }

  /** Rebuilds an error that crossed a thread boundary as plain data, keeping code, details, stack and cause. */
  static fromJSON(json: SerializedWeirError): WeirError {
    const cause = json.cause === undefined ? undefined : deserializeCause(json.cause);
    const err = new WeirError(json.code, json.message, {
      domain: json.domain,
      retryable: json.retryable,
      details: json.details,
      ...(cause === undefined ? {} : { cause }),
    });
    if (json.stack !== undefined) err.stack = json.stack;
    return err;
  }
}

function serializeCause(cause: unknown): NonNullable<SerializedWeirError['cause']> {
  if (WeirError.is(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    return { name: cause.name, message: cause.message, ...(cause.stack === undefined ? {} : { stack: cause.stack }) };
  }
  return { name: 'Error', message: String(cause) };
}

function deserializeCause(cause: NonNullable<SerializedWeirError['cause']>): Error {
  if (cause.name === 'WeirError' && 'code' in cause) return WeirError.fromJSON(cause as SerializedWeirError);
  const err = new Error(cause.message);
  err.name = cause.name;
  if (cause.stack !== undefined) err.stack = cause.stack;
  return err;
}

/** True for the plain-data form of a WeirError (after `toJSON()` or a thread crossing). */
export function isSerializedWeirError(u: unknown): u is SerializedWeirError {
  return typeof u === 'object' && u !== null && (u as { name?: unknown }).name === 'WeirError' && typeof (u as { code?: unknown }).code === 'string';
}
