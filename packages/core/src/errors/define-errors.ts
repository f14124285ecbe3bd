import { WeirError, type ErrorDetails, type ErrorSpec } from './weir-error.js';

/** A factory for one catalogued error: `Errors.CODE({ param: value }, { cause })`. */
export interface ErrorFactory<C extends string> {
  (details?: ErrorDetails, options?: { cause?: unknown }): WeirError<C>;
  readonly code: C;
  readonly spec: ErrorSpec;
}

export type ErrorCatalogue<T extends Record<string, ErrorSpec>> = { readonly [K in keyof T & string]: ErrorFactory<K> };

export interface RegisteredCatalogue {
  readonly owner: string;
  readonly specs: Readonly<Record<string, ErrorSpec>>;
}

const catalogues: RegisteredCatalogue[] = [];

/** Every catalogue defined in this realm so far, for the uniqueness test. */
export function registeredCatalogues(): readonly RegisteredCatalogue[] {
  return catalogues;
}

const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9_]*)>/g;

/** Fills `<param>` placeholders; a missing parameter stays visible as `<param>` rather than vanishing. */
export function formatMessage(template: string, details: ErrorDetails): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => (key in details ? String(details[key]) : whole));
}

/** Names of the `<param>` placeholders in a template. */
export function messageParameters(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/**
 * Declares a package's error catalogue. Codes are UPPER_SNAKE, unique across the repository and
 * never renamed once released.
 *
 * ```ts
 * export const CoreErrors = defineErrors('@weir/core', {
 *   FILE_NOT_FOUND: { domain: 'user', retryable: false, message: 'File <path> does not exist' },
 * });
 * throw CoreErrors.FILE_NOT_FOUND({ path });
 * ```
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(owner: string, specs: T): ErrorCatalogue<T> {
  const out: Record<string, ErrorFactory<string>> = {};
  for (const [code, spec] of Object.entries(specs)) {
    const factory = (details: ErrorDetails = {}, options: { cause?: unknown } = {}) =>
      new WeirError(code, formatMessage(spec.message, details), {
        domain: spec.domain,
        retryable: spec.retryable,
        details,
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      });
    out[code] = Object.assign(factory, { code, spec });
  }
  catalogues.push(Object.freeze({ owner, specs: Object.freeze({ ...specs }) }));
  return Object.freeze(out) as ErrorCatalogue<T>;
}
