/**
 * @packageDocumentation
 * Partitioned task executor on piscina worker threads: stages, shuffle, retries.
 */
export {};
